/**
 * The client against a real Switchboard with an API key: subscribe and readiness, publish over
 * the WebSocket and over HTTP with their result lists, wildcards, unsubscribe, and every way an
 * operation can fail, each surfacing as an explicit error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectionError, ServerError, TimeoutError, apiKey } from '../index.js';
import { recorder, testClient } from '../test-support/client.js';
import { HandlerFiles, startTestServer, type TestServer } from '../test-support/server.js';
import { settle, waitFor } from '../test-support/wait.js';

/** Fails events with `bad`, drops events with `drop`, hangs on `hang`; refuses subscriptions to `/guarded/secret`, allows `/guarded/slow` after 300 ms. */
const HANDLER = `
export const handler = async (event) => {
  if (event.info.operation === 'SUBSCRIBE') {
    if (event.info.channel.path === '/guarded/hang') return new Promise(() => {});
    if (event.info.channel.path === '/guarded/slow') return new Promise((resolve) => setTimeout(() => resolve(null), 300));
    return event.info.channel.path === '/guarded/secret' ? { error: 'not for you' } : null;
  }
  if (event.events.some((e) => e.payload.hang)) return new Promise(() => {});
  return { events: event.events.filter((e) => !e.payload.drop).map((e) => (e.payload.bad ? { id: e.id, error: 'bad event' } : e)) };
};
`;

describe('operations against Switchboard (API key)', () => {
  let server: TestServer;
  let files: HandlerFiles;
  let client: ReturnType<typeof testClient>;

  before(async () => {
    files = new HandlerFiles('client-ops');
    const handler = files.write('guard.mjs', HANDLER);
    server = await startTestServer({
      namespaces: [
        { name: 'default' },
        { name: 'guarded', onPublish: { function: handler, runtime: 'inline', timeoutMs: 5000 }, onSubscribe: { function: handler, runtime: 'inline', timeoutMs: 5000 } },
      ],
    });
    client = testClient(server.httpUrl);
  });

  /** Subscriptions the server holds, from its own gauge. */
  const serverSubscriptions = async (): Promise<number> => Number(/^switchboard_subscriptions (\d+)$/m.exec(await server.switchboard.core.metrics.registry.render())?.[1]);

  after(async () => {
    client.close();
    await server.close();
    files.remove();
  });

  it('connects on first use: ready resolves on subscribe_success, then WebSocket publishes arrive in order with their result', async () => {
    assert.equal(client.state, 'idle');
    const got = recorder();
    const sub = client.subscribe('/default/room', got.onEvent);
    assert.equal(sub.state, 'subscribing');
    await sub.ready;
    assert.equal(sub.state, 'active');
    assert.deepEqual(client.states, ['connecting', 'connected']);
    const result = await client.publish('/default/room', [{ n: 1 }, 'two', 3, null, [5]]);
    assert.deepEqual(result.successful.map((s) => s.index), [0, 1, 2, 3, 4]);
    assert.deepEqual(result.failed, []);
    await waitFor(() => got.events.length === 5, 'five events');
    assert.deepEqual(got.events, [{ n: 1 }, 'two', 3, null, [5]]);
    assert.deepEqual(got.infos[0], { channel: '/default/room', position: undefined });
    sub.unsubscribe();
  });

  it('posts over HTTP (leading slash optional) and the subscriber receives it', async () => {
    const got = recorder();
    const sub = client.subscribe('/default/http', got.onEvent);
    await sub.ready;
    const result = await client.post('default/http', [{ via: 'http' }]);
    assert.deepEqual(result.successful.map((s) => s.index), [0]);
    assert.equal(typeof result.successful[0]!.identifier, 'string');
    await waitFor(() => got.events.length === 1, 'the posted event');
    assert.deepEqual(got.events, [{ via: 'http' }]);
    sub.unsubscribe();
  });

  it('a wildcard subscription receives every channel below it; overlapping subscriptions each get the event', async () => {
    const all = recorder();
    const one = recorder();
    const wildcard = client.subscribe('/default/w/*', all.onEvent);
    const exact = client.subscribe('/default/w/a', one.onEvent);
    await Promise.all([wildcard.ready, exact.ready]);
    await client.publish('/default/w/a', ['a']);
    await client.publish('/default/w/b/c', ['bc']);
    await client.publish('/default/other', ['no']);
    await waitFor(() => all.events.length === 2 && one.events.length === 1, 'wildcard and exact deliveries');
    await settle();
    assert.deepEqual(all.events, ['a', 'bc']);
    assert.deepEqual(one.events, ['a']);
    wildcard.unsubscribe();
    exact.unsubscribe();
  });

  it('stops delivering after unsubscribe, also when unsubscribed before the server confirmed', async () => {
    const got = recorder();
    const sub = client.subscribe('/default/unsub', got.onEvent);
    await sub.ready;
    sub.unsubscribe();
    assert.equal(sub.state, 'closed');
    const early = client.subscribe('/default/unsub', got.onEvent);
    early.unsubscribe();
    await assert.rejects(early.ready, ConnectionError);
    const witness = recorder();
    const live = client.subscribe('/default/unsub', witness.onEvent);
    await live.ready;
    await client.publish('/default/unsub', ['after']);
    await waitFor(() => witness.events.length === 1, 'the witness delivery');
    await settle();
    assert.deepEqual(got.events, []);
    await waitFor(async () => (await serverSubscriptions()) === 1, 'the server to hold only the live subscription');
    live.unsubscribe();
    await waitFor(async () => (await serverSubscriptions()) === 0, 'the server to drop it');
    // Unsubscribed after the subscribe left but before the server confirmed it (its handler takes 300 ms).
    const racing = client.subscribe('/guarded/slow', got.onEvent);
    await settle(100);
    racing.unsubscribe();
    await settle(400);
    await waitFor(async () => (await serverSubscriptions()) === 0, 'the server to drop the racing subscription');
  });

  it('lists events a handler refused in failed, with its message; filtered events are in neither list', async () => {
    const got = recorder();
    const sub = client.subscribe('/guarded/room', got.onEvent);
    await sub.ready;
    for (const send of [client.publish.bind(client), client.post.bind(client)]) {
      const result = await send('/guarded/room', [{ ok: 1 }, { bad: true }, { drop: true }]);
      assert.deepEqual(result.successful.map((s) => s.index), [0]);
      assert.deepEqual(result.failed.map((f) => [f.index, f.message]), [[1, 'bad event']]);
    }
    await waitFor(() => got.events.length === 2, 'the accepted events');
    await settle();
    assert.deepEqual(got.events, [{ ok: 1 }, { ok: 1 }]);
    sub.unsubscribe();
  });

  it('rejects ready with the server error when a handler refuses the subscription, and reports it as an error event', async () => {
    const sub = client.subscribe('/guarded/secret', () => assert.fail('no event expected'));
    const errors: Error[] = [];
    sub.on('error', (e) => errors.push(e));
    const err = await sub.ready.then(() => assert.fail('ready must reject'), (e: unknown) => e);
    assert.ok(err instanceof ServerError);
    assert.equal(err.errorType, 'HandlerError');
    assert.equal(err.status, 403);
    assert.match(err.message, /not for you/);
    assert.equal(sub.state, 'failed');
    assert.equal(sub.error, err);
    assert.deepEqual(errors, [err]);
  });

  it('explicit errors for an unknown namespace and an invalid channel, over both transports', async () => {
    const sub = client.subscribe('/nowhere/x', () => undefined);
    sub.on('error', () => undefined);
    await assert.rejects(sub.ready, (e: ServerError) => e.errorType === 'ResourceNotFound' && e.status === 404);
    await assert.rejects(client.publish('/nowhere/x', [1]), (e: ServerError) => e.errorType === 'ResourceNotFound');
    await assert.rejects(client.post('/nowhere/x', [1]), (e: ServerError) => e.errorType === 'ResourceNotFound' && e.status === 404);
    await assert.rejects(client.publish('/default/*', [1]), (e: ServerError) => e.errorType === 'BadRequestException' && e.status === 400);
    await assert.rejects(client.post('/default/x', [1, 2, 3, 4, 5, 6]), (e: ServerError) => e.errorType === 'BadRequestException' && e.status === 400);
    assert.equal(client.state, 'connected', 'operation errors leave the connection up');
  });

  it('times out a publish and a subscribe the server does not answer', async () => {
    // Two clients: the server runs one connection's operations in order, so a hung one holds up the rest.
    const impatient = [testClient(server.httpUrl, { timeoutMs: 400 }), testClient(server.httpUrl, { timeoutMs: 400 })] as const;
    try {
      await assert.rejects(impatient[0].publish('/guarded/slow', [{ hang: true }]), TimeoutError);
      const sub = impatient[1].subscribe('/guarded/hang', () => undefined);
      sub.on('error', () => undefined);
      await assert.rejects(sub.ready, TimeoutError);
      assert.equal(sub.state, 'failed');
      assert.equal(impatient[1].state, 'connected', 'a timeout leaves the connection up');
    } finally {
      for (const c of impatient) c.close();
    }
  });

  it('refuses a bad API key at connect: the client closes with the error, subscriptions fail, and it does not retry', async () => {
    const refused = testClient(server.httpUrl, { auth: apiKey('da2-not-a-valid-key-000000000000') });
    const sub = refused.subscribe('/default/x', () => undefined);
    sub.on('error', () => undefined);
    await assert.rejects(sub.ready, (e: ServerError) => e.errorType === 'UnauthorizedException' && e.status === 401);
    assert.equal(refused.state, 'closed');
    assert.ok(refused.error instanceof ServerError);
    assert.deepEqual(refused.errors, [refused.error]);
    await assert.rejects(refused.connect(), ServerError);
    await assert.rejects(refused.publish('/default/x', [1]), ServerError);
    await settle(300);
    assert.deepEqual(refused.states, ['connecting', 'closed']);
  });

  it('a configuration that cannot work closes the client with an explicit error instead of retrying', async () => {
    const malformed = testClient(server.httpUrl, { realtimeUrl: 'not a url' });
    await assert.rejects(malformed.connect(), SyntaxError);
    assert.equal(malformed.state, 'closed');
    if (globalThis.WebSocket === undefined) {
      // Node 20 has no global WebSocket: without the option the client says what to pass.
      const bare = testClient(server.httpUrl, { WebSocket: undefined });
      await assert.rejects(bare.connect(), (e: Error) => e instanceof ConnectionError && /WebSocket/.test(e.message));
    }
  });

  it('close() ends subscriptions and refuses later operations with ConnectionError', async () => {
    const closing = testClient(server.httpUrl);
    const sub = closing.subscribe('/default/closing', () => undefined);
    await sub.ready;
    closing.close();
    assert.equal(closing.state, 'closed');
    assert.equal(sub.state, 'closed');
    assert.equal(closing.error, undefined);
    await assert.rejects(closing.publish('/default/closing', [1]), ConnectionError);
    await assert.rejects(closing.post('/default/closing', [1]), ConnectionError);
    const late = closing.subscribe('/default/closing', () => undefined);
    late.on('error', () => undefined);
    await assert.rejects(late.ready, ConnectionError);
    await waitFor(() => server.switchboard.connectionCount === 1, 'the server to see the socket closed');
  });
});
