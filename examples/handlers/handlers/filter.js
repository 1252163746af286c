/**
 * Filtering, as an APPSYNC_JS code handler.
 *
 * onPublish: events with `"draft": true` are dropped: they are not broadcast and, as on AppSync,
 * the publisher finds them in neither `successful` nor `failed`. The other events go out
 * unchanged.
 */
export function onPublish(ctx) {
  return ctx.events.filter((event) => !(event.payload && event.payload.draft === true));
}
