// EventBridge: every published event also goes to the bus, with the channel as its source.
import { util } from '@aws-appsync/utils'

export const onPublish = {
  request(ctx) {
    return {
      operation: 'PutEvents',
      events: ctx.events.map((e) => ({
        source: ctx.info.channel.path,
        detail: { payload: e.payload },
        detailType: ctx.info.channelNamespace.name,
      })),
    }
  },
  response(ctx) {
    if (ctx.error) util.error(ctx.error.message, ctx.error.type)
    return ctx.events.map((e, i) => (ctx.result.Entries[i].EventId ? e : { id: e.id, error: ctx.result.Entries[i].ErrorMessage }))
  },
}
