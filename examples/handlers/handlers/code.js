/**
 * Transformation, as an APPSYNC_JS code handler: the file runs unchanged on AWS AppSync Events.
 *
 * onPublish: removes the `email` field from every object event, so subscribers never see the
 * publisher's address, and stamps the time the server received it. Other JSON values go out as
 * they are. No onSubscribe is exported, so every subscription is allowed (AppSync's default).
 */
import { util } from '@aws-appsync/utils';

export function onPublish(ctx) {
  return ctx.events.map((event) => ({ id: event.id, payload: strip(event.payload) }));
}

function strip(payload) {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const { email, ...rest } = payload;
  return { ...rest, receivedAt: util.time.nowISO8601() };
}
