// Publish { "channel": "/chat/room" } to /history/<anything>: the answer event lists the last ten
// messages saved for that channel (newest first), read back with a DynamoDB Query.
import { util } from '@aws-appsync/utils'
import * as ddb from '@aws-appsync/utils/dynamodb'

export const onPublish = {
  request(ctx) {
    return ddb.query({ query: { channel: { eq: ctx.events[0].payload.channel } }, scanIndexForward: false, limit: 10 })
  },
  response(ctx) {
    if (ctx.error) util.error(ctx.error.message, ctx.error.type)
    return ctx.events.map((e) => ({ id: e.id, payload: { messages: ctx.result.items } }))
  },
}
