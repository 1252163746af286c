import { util } from '@aws-appsync/utils'
import * as ddb from '@aws-appsync/utils/dynamodb'

export const onPublish = {
  request(ctx) {
    const channel = ctx.info.channel.path
    const createdAt = util.time.nowISO8601()
    return ddb.batchPut({
      tables: {
        'tutorial-events-messages': ctx.events.map(({ payload }) => ({
          channel,
          id: util.autoKsuid(),
          createdAt,
          ...payload,
        })),
      },
    })
  },
  response: (ctx) => ctx.events,
}
