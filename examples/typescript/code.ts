// An APPSYNC_JS code handler in TypeScript, importing @aws-appsync/utils and a local module.
import { util } from '@aws-appsync/utils';
import { problem } from './lib/messages';

interface Ctx {
  events: { id: string; payload: unknown }[];
  info: { channel: { path: string; segments: string[] } };
}

export function onPublish(ctx: Ctx) {
  return ctx.events
    .filter((event) => problem(event.payload) === undefined)
    .map((event) => ({ id: event.id, payload: { ...(event.payload as object), at: util.time.nowISO8601() } }));
}

export function onSubscribe(ctx: Ctx) {
  if (ctx.info.channel.segments.length < 2) util.error('subscribe to /tscode/<room>', 'BadChannel');
}
