/**
 * Per-user channels, as an APPSYNC_JS code handler: `/inbox/<user>` and the channels below it may
 * be subscribed to by `<user>` only. A wildcard such as `/inbox/*` names no single user and is
 * refused.
 *
 * Who the user is: `ctx.identity.sub` when the auth mode provides an identity (Cognito, OIDC on
 * AppSync), otherwise the `x-user-id` request header. API keys give no identity (`ctx.identity`
 * is null) and a header is whatever the client sends: trust it only when something you control
 * sets it (see docs/handlers.md, "Per-user channels").
 *
 * Publishing is not restricted here: anyone with a key can drop a message in an inbox.
 */
import { util } from '@aws-appsync/utils';

export function onSubscribe(ctx) {
  const owner = ctx.info.channel.segments[1];
  const user = ctx.identity && ctx.identity.sub ? ctx.identity.sub : ctx.request.headers['x-user-id'];
  if (!user || owner !== user) {
    console.log(`refused ${ctx.info.channel.path} to ${user ? user : 'an anonymous user'}`);
    util.unauthorized();
  }
}
