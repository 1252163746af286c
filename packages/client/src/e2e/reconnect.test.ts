/**
 * Losing the connection, against a real Switchboard: the socket cut under the client (a TCP proxy
 * in between drops it, as a network failure would), the server closing it (connection age limit,
 * restart), and a server that stops sending keep-alives. The client reconnects with backoff,
 * resubscribes with the same ids, and tells each subscription that events may have been missed.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ConnectionError, ServerError, type Gap, type SubscriptionState } from '../index.js';
import { recorder, testClient } from '../test-support/client.js';
import { HandlerFiles, TcpProxy, startTestServer, type TestServer } from '../test-support/server.js';
import { settle, waitFor } from '../test-support/wait.js';

describe('reconnect and resubscribe', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function server(patch: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
    const s = await startTestServer(patch);
    cleanup.push(() => s.close());
    return s;
  }

  function client(httpUrl: string, options: Parameters<typeof testClient>[1] = {}): ReturnType<typeof testClient> {
    const c = testClient(httpUrl, options);
    cleanup.push(() => c.close());
    return c;
  }

  /** A subscription with a record of its events, states and gaps. */
  async function watched(c: ReturnType<typeof testClient>, channel: string) {
    const got = recorder();
    const sub = c.subscribe(channel, got.onEvent);
    const states: SubscriptionState[] = [];
    const gaps: Gap[] = [];
    sub.on('state', (s) => states.push(s));
    sub.on('gap', (g) => gaps.push(g));
    await sub.ready;
    return { sub, events: got.events, states, gaps };
  }

  it('reconnects after the network drops the socket, resubscribes the same id, reports the gap, and delivers again', async () => {
    const s = await server();
    const proxy = await TcpProxy.start(s.httpUrl);
    cleanup.push(() => proxy.close());
    const c = client(proxy.url(s.httpUrl).replace(/\/$/, ''));
    const publisher = client(s.httpUrl);
    const w = await watched(c, '/default/cut');
    const id = w.sub.id;
    await publisher.publish('/default/cut', ['before']);
    await waitFor(() => w.events.length === 1, 'the first event');

    proxy.cut();
    await waitFor(() => c.state === 'reconnecting', 'the client to notice the drop');
    assert.equal(w.sub.state, 'subscribing');
    await publisher.publish('/default/cut', ['while down']); // lost: AppSync has no history
    await settle(200); // a few refused reconnect attempts
    proxy.restore();
    await waitFor(() => w.sub.state === 'active', 'the resubscription');
    assert.equal(w.sub.id, id);
    assert.deepEqual(w.gaps, [{ reason: 'no-history', since: undefined }]);
    assert.deepEqual(w.states, ['active', 'subscribing', 'active']);
    await publisher.publish('/default/cut', ['after']);
    await waitFor(() => w.events.length === 2, 'the event after the reconnect');
    assert.deepEqual(w.events, ['before', 'after']);
    assert.deepEqual(c.states.filter((x, i, all) => x !== all[i - 1]), ['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('a publish made while disconnected waits for the connection; one in flight when it drops fails with ConnectionError', async () => {
    const files = new HandlerFiles('client-reconnect');
    cleanup.push(() => files.remove());
    const hang = files.write('hang.mjs', 'export const handler = async (event) => event.events.some((e) => e.payload.hang) ? new Promise(() => {}) : { events: event.events };');
    const s = await server({ namespaces: [{ name: 'default' }, { name: 'slow', onPublish: { function: hang, runtime: 'inline', timeoutMs: 20_000 } }] });
    const proxy = await TcpProxy.start(s.httpUrl);
    cleanup.push(() => proxy.close());
    const c = client(proxy.url(s.httpUrl).replace(/\/$/, ''));
    await c.connect();

    const inFlight = c.publish('/slow/x', [{ hang: true }]);
    await settle(100);
    proxy.cut();
    await assert.rejects(inFlight, (e: ConnectionError) => e instanceof ConnectionError && /may or may not/.test(e.message));

    const waiting = c.publish('/default/x', ['queued']);
    await settle(200);
    proxy.restore();
    assert.deepEqual((await waiting).failed, []);
  });

  it('reconnects when the server closes the socket (connection age limit) and resubscribes every subscription', async () => {
    const s = await server({ limits: { connectionAgeMs: 1500 } });
    const c = client(s.httpUrl);
    const publisher = client(s.httpUrl);
    const a = await watched(c, '/default/a');
    const b = await watched(c, '/chat/*');
    await waitFor(() => a.gaps.length === 1 && b.gaps.length === 1 && a.sub.state === 'active' && b.sub.state === 'active', 'both resubscribed', 15_000);
    await publisher.post('/default/a', ['a']);
    await publisher.post('/chat/room/1', ['b']);
    await waitFor(() => a.events.length === 1 && b.events.length === 1, 'deliveries after the reconnect');
  });

  it('detects a server that stopped sending keep-alives (connectionTimeoutMs from connection_ack) and reconnects', async () => {
    const s = await server({ limits: { keepAliveMs: 60_000, connectionTimeoutMs: 600 } });
    const c = client(s.httpUrl);
    const w = await watched(c, '/default/ka');
    const connectedAt = Date.now();
    await waitFor(() => c.states.includes('reconnecting'), 'the keep-alive timeout');
    assert.ok(Date.now() - connectedAt >= 500, 'not before the timeout');
    await waitFor(() => w.gaps.length >= 1, 'the resubscription');
  });

  it('any frame counts as a sign of life: a subscriber that keeps receiving events is not reconnected', async () => {
    const s = await server({ limits: { keepAliveMs: 60_000, connectionTimeoutMs: 2000 } });
    const c = client(s.httpUrl);
    const publisher = client(s.httpUrl);
    const w = await watched(c, '/default/busy');
    for (let i = 0; i < 30; i++) {
      await publisher.publish('/default/busy', [i]);
      await settle(100);
    }
    await waitFor(() => w.events.length === 30, 'every event');
    assert.ok(!c.states.includes('reconnecting'), `states: ${c.states.join(',')}`);
  });

  it('survives a server restart on the same port; a channel whose namespace is gone fails explicitly', async () => {
    const first = await startTestServer({ namespaces: [{ name: 'default' }, { name: 'chat' }] });
    const c = client(first.httpUrl);
    const kept = await watched(c, '/default/restart');
    const gone = await watched(c, '/chat/restart');
    const errors: Error[] = [];
    gone.sub.on('error', (e) => errors.push(e));
    await first.close();
    await waitFor(() => c.state === 'reconnecting', 'the client to see the close');
    const second = await server({ server: { host: '127.0.0.1', port: first.port, shutdownTimeoutMs: 2000 }, namespaces: [{ name: 'default' }] });
    await waitFor(() => kept.sub.state === 'active' && gone.sub.state === 'failed', 'the resubscriptions');
    assert.equal(kept.gaps.length, 1);
    assert.ok(errors[0] instanceof ServerError && errors[0].errorType === 'ResourceNotFound');
    assert.equal(gone.sub.error, errors[0]);
    await client(second.httpUrl).post('/default/restart', ['back']);
    await waitFor(() => kept.events.length === 1, 'delivery on the new server');
  });

  it('retries a subscription refused for a passing reason (a handler failure, 502) and reports each refusal', async () => {
    const files = new HandlerFiles('client-flaky');
    cleanup.push(() => files.remove());
    const flaky = files.write('flaky.mjs', 'let calls = 0; export const handler = async () => { if (++calls <= 2) throw new Error("flaky " + calls); return null; };');
    const s = await server({ namespaces: [{ name: 'flaky', onSubscribe: { function: flaky, runtime: 'inline' } }] });
    const c = client(s.httpUrl);
    const sub = c.subscribe('/flaky/x', () => undefined);
    const errors: Error[] = [];
    sub.on('error', (e) => errors.push(e));
    await sub.ready;
    assert.equal(errors.length, 2);
    assert.ok(errors.every((e) => e instanceof ServerError && e.status === 502), errors.join());
  });

  it('with reconnect off, a drop closes the client and fails its subscriptions with ConnectionError', async () => {
    const s = await server({ limits: { connectionAgeMs: 500 } });
    const c = client(s.httpUrl, { reconnect: false });
    const sub = c.subscribe('/default/once', () => undefined);
    const errors: Error[] = [];
    sub.on('error', (e) => errors.push(e));
    c.on('error', () => undefined);
    await sub.ready;
    await waitFor(() => c.state === 'closed', 'the client to close');
    assert.ok(c.error instanceof ConnectionError);
    assert.equal(sub.state, 'failed');
    assert.ok(errors[0] instanceof ConnectionError);
  });
});
