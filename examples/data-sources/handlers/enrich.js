// HTTP enrichment: asks a profile API about the sender and adds the answer to each event.
import { util } from '@aws-appsync/utils'

export const onPublish = {
  request(ctx) {
    return {
      method: 'GET',
      resourcePath: `/profiles/${util.urlEncode(ctx.events[0].payload.user)}`,
      params: { headers: { accept: 'application/json' } },
    }
  },
  response(ctx) {
    if (ctx.error) util.error(ctx.error.message, ctx.error.type)
    if (ctx.result.statusCode !== 200) return ctx.events.map((e) => ({ id: e.id, error: 'unknown user' }))
    const profile = JSON.parse(ctx.result.body)
    return ctx.events.map((e) => ({ id: e.id, payload: { ...e.payload, profile } }))
  },
}
