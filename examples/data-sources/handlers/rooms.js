// Publishing to /rooms/<name> opens the room (PutItem); subscribing to a room that was never
// opened is refused (GetItem finds nothing, so util.unauthorized()).
import { util } from '@aws-appsync/utils'
import * as ddb from '@aws-appsync/utils/dynamodb'

export const onPublish = {
  request(ctx) {
    return ddb.put({ key: { id: ctx.info.channel.segments[1] }, item: { openedAt: util.time.nowISO8601() } })
  },
  response(ctx) {
    if (ctx.error) util.error(ctx.error.message, ctx.error.type)
    return ctx.events
  },
}

export const onSubscribe = {
  request(ctx) {
    return ddb.get({ key: { id: ctx.info.channel.segments[1] } })
  },
  response(ctx) {
    if (!ctx.result) util.unauthorized()
  },
}
