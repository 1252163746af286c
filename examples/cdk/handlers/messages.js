// The "messages" namespace's code handler (APPSYNC_JS): saves each event, then broadcasts it.
import { util } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';

export const onPublish = {
  request(ctx) {
    const channel = ctx.info.channel.path;
    const at = util.time.nowISO8601();
    return ddb.batchPut({ tables: { 'chat-messages': ctx.events.map(({ id, payload }) => ({ channel, id, at, payload })) } });
  },
  response(ctx) {
    if (ctx.error) util.error(ctx.error.message, ctx.error.type);
    return ctx.events;
  },
};
