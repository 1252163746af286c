import type { ConnectionOptions } from 'nats';

/** Client settings that are not in the URL, chosen for a broker that must notice outages quickly. */
const CLIENT_DEFAULTS = {
  name: 'switchboard',
  /** Never give up: the node keeps serving its local clients and reconnects when NATS is back. */
  maxReconnectAttempts: -1,
  reconnectTimeWait: 500,
  reconnectJitter: 100,
  /** Initial connection and each reconnect handshake. */
  timeout: 5000,
  /** A connection that stops answering PINGs is dropped (and redialled) after about 20-30 s. */
  pingInterval: 10_000,
  maxPingOut: 2,
} satisfies ConnectionOptions;

/**
 * Turns the configured URL (`nats://user:pass@host:4222`, `nats://token@host`, `tls://host`) into
 * client options, moving any credentials out of the server address, and returns the address to
 * show in logs (`nats://host:4222`, never credentials).
 *
 * @throws TypeError for a URL the `nats` client cannot use (`ws://`, `wss://` need `nats.ws`).
 */
export function natsConnectOptions(url: string): { options: ConnectionOptions; shown: string } {
  const parsed = new URL(url);
  const scheme = parsed.protocol.slice(0, -1);
  if (scheme !== 'nats' && scheme !== 'tls') {
    throw new TypeError(`broker.url: the NATS broker supports nats:// and tls:// URLs, not ${scheme}://`);
  }
  const hostPort = `${parsed.hostname}:${parsed.port || '4222'}`;
  const options: ConnectionOptions = { ...CLIENT_DEFAULTS, servers: hostPort };
  const user = decodeURIComponent(parsed.username);
  const pass = decodeURIComponent(parsed.password);
  if (user !== '' && pass !== '') Object.assign(options, { user, pass });
  else if (user !== '') options.token = user;
  if (scheme === 'tls') options.tls = {};
  return { options, shown: `${scheme}://${hostPort}` };
}
