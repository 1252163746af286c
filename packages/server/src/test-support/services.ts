import { connect } from 'node:net';

/**
 * Whether an external service (Redis, NATS, Postgres) can be used by a test. A test that needs one
 * calls this in `before` and skips with a visible message when it is down on a developer's
 * machine; under CI (`CI` set) a missing service is a failure, never a skip.
 *
 * @example
 * const redis = await serviceAvailable('Redis', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 * if (!redis.ok) return t.skip(redis.reason);
 */
export async function serviceAvailable(name: string, url: string, timeoutMs = 1000): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { hostname, port } = new URL(url);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(timeoutMs, () => done(false));
  });
  if (reachable) return { ok: true };
  const reason = `${name} is not reachable at ${url}`;
  if (process.env['CI']) throw new Error(`${reason}, and CI is set: service-backed tests must run in CI`);
  console.warn(`SKIPPED: ${reason}; start it or set the URL to run these tests`);
  return { ok: false, reason };
}

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
export const AMQP_URL = process.env['AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
export const MQTT_URL = process.env['MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';
