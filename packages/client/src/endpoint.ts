import type { Headers } from './auth.js';

/** AppSync's own hostnames, whose realtime endpoint is on another host. */
const AWS_HOST = /^(\w+)\.appsync-api\.([\w-]+\.amazonaws\.com(\.cn)?)$/;

/**
 * The realtime URL for an HTTP endpoint, as AppSync lays them out: on an AppSync hostname
 * `<id>.appsync-api.<region>.amazonaws.com` becomes `<id>.appsync-realtime-api…`; on any other
 * host (a custom domain, Switchboard) the host is kept. The path gets `/realtime`
 * (`/event` → `/event/realtime`); `https` becomes `wss` and `http` becomes `ws`.
 */
export function realtimeUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  url.hostname = url.hostname.replace(AWS_HOST, '$1.appsync-realtime-api.$2');
  url.pathname = url.pathname.replace(/\/?$/, '/realtime');
  return url.href;
}

/** The `header-<base64url>` subprotocol carrying the connection's auth headers (UTF-8 JSON). */
export function headerProtocol(headers: Headers): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(JSON.stringify(headers))) binary += String.fromCharCode(byte);
  return 'header-' + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

let counter = 0;
const prefix = Math.random().toString(36).slice(2, 10);

/** An operation id, unique in this page or process (AppSync wants 1-128 of `[A-Za-z0-9_+-]`). */
export function nextId(): string {
  return `${prefix}-${++counter}`;
}
