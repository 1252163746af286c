/**
 * Resume after a reconnect, through the history extension, against a real Switchboard whose
 * namespaces `hist` and `tiny` keep history (memory store). The network drop is a TCP proxy that
 * cuts the client's socket; events published meanwhile come from another client.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Gap } from '../index.js';
import { recorder, testClient } from '../test-support/client.js';
import { TcpProxy, startTestServer, type TestServer } from '../test-support/server.js';
import { settle, waitFor } from '../test-support/wait.js';

const NAMESPACES = [{ name: 'default' }, { name: 'hist', history: { size: 1000, ttlMs: 60_000 } }, { name: 'tiny', history: { size: 2, ttlMs: 60_000 } }];

describe('resume from the last position (history extension, real server)', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function server(port = 0): Promise<TestServer> {
    const s = await startTestServer({ namespaces: NAMESPACES, server: { host: '127.0.0.1', port, shutdownTimeoutMs: 1000 } });
    cleanup.push(() => s.close());
    return s;
  }

  function client(url: string): ReturnType<typeof testClient> {
    const c = testClient(url.replace(/\/$/, ''));
    cleanup.push(() => c.close());
    return c;
  }

  /** A client behind a proxy that can cut its socket, and a publisher connected directly. */
  async function cutOff(s: TestServer) {
    const proxy = await TcpProxy.start(s.httpUrl);
    cleanup.push(() => proxy.close());
    return { proxy, c: client(proxy.url(s.httpUrl)), publisher: client(s.httpUrl) };
  }

  for (const channel of ['/hist/room', '/hist/*']) {
    it(`resume on a namespace with history without gap or duplicate (${channel})`, async () => {
      const s = await server();
      const { proxy, c, publisher } = await cutOff(s);
      const got = recorder();
      const gaps: Gap[] = [];
      const sub = c.subscribe(channel, got.onEvent);
      sub.on('gap', (g) => gaps.push(g));
      await sub.ready;
      assert.match(String(sub.position), /^[\w-]+:\d+$/, 'the position of subscribe_success');
      for (const e of ['a', 'b']) await publisher.publish('/hist/room', [e]);
      await waitFor(() => got.events.length === 2, 'the first events');
      assert.deepEqual(got.infos[1]!.channel, '/hist/room', 'the concrete channel, also for a wildcard');
      const before = sub.position;

      proxy.cut();
      await waitFor(() => sub.state === 'subscribing', 'the client to notice the drop');
      // Published while the client has no connection: only a replay can bring them.
      for (const e of ['c', 'd', 'e']) await publisher.publish('/hist/room', [e]);
      proxy.restore();
      await waitFor(() => got.events.length === 5, 'the missed events');
      await publisher.publish('/hist/room', ['f']);
      await waitFor(() => got.events.length === 6, 'the live event');
      await settle();
      assert.deepEqual(got.events, ['a', 'b', 'c', 'd', 'e', 'f']);
      assert.deepEqual(gaps, []);
      assert.notEqual(sub.position, before);
      assert.equal(sub.position, got.infos[5]!.position);
    });
  }

  it('reports an unrecoverable gap with the server reason when the history was lost (a restart of the memory store), and goes on from the new position', async () => {
    let s = await server();
    const port = s.port;
    const c = client(s.httpUrl);
    const got = recorder();
    const gaps: Gap[] = [];
    const sub = c.subscribe('/hist/lost', got.onEvent);
    sub.on('gap', (g) => gaps.push(g));
    await sub.ready;
    const before = sub.position;
    await s.close();
    s = await server(port);
    await waitFor(() => gaps.length === 1, 'the gap');
    assert.equal(gaps[0]!.reason, 'unrecoverable');
    assert.equal(gaps[0]!.since, before);
    assert.equal(gaps[0]!.error?.errorType, 'HistoryReset');
    assert.notEqual(sub.position, before, 'the new position');
    await client(s.httpUrl).publish('/hist/lost', [2]);
    await waitFor(() => got.events.length === 1, 'the live event');
  });

  it('reports HistoryExpired when more events than the namespace keeps were published meanwhile', async () => {
    const s = await server();
    const { proxy, c, publisher } = await cutOff(s);
    const gaps: Gap[] = [];
    const sub = c.subscribe('/tiny/c', () => undefined);
    sub.on('gap', (g) => gaps.push(g));
    await sub.ready;
    proxy.cut();
    await waitFor(() => sub.state === 'subscribing', 'the client to notice the drop');
    for (const e of [1, 2, 3, 4]) await publisher.publish('/tiny/c', [e]);
    proxy.restore();
    await waitFor(() => gaps.length === 1, 'the gap');
    assert.equal(gaps[0]!.error?.errorType, 'HistoryExpired');
  });

  it('resumes from a position the app kept (the since option), e.g. across a page reload', async () => {
    const s = await server();
    const first = client(s.httpUrl);
    const got1 = recorder();
    const sub1 = first.subscribe('/hist/kept', got1.onEvent);
    await sub1.ready;
    for (const e of ['x', 'y', 'z']) await first.publish('/hist/kept', [e]);
    await waitFor(() => got1.events.length === 3, 'the events');
    const kept = got1.infos[0]!.position;
    first.close();
    const got = recorder();
    const gaps: Gap[] = [];
    const sub = client(s.httpUrl).subscribe('/hist/kept', got.onEvent, { since: kept });
    sub.on('gap', (g) => gaps.push(g));
    await sub.ready;
    await waitFor(() => got.events.length === 2, 'the events after the kept position');
    assert.deepEqual(got.events, ['y', 'z']);
    assert.deepEqual(gaps, []);
  });

  it('a position sent for a namespace without history is a no-history gap, with the server saying so', async () => {
    const s = await server();
    const gaps: Gap[] = [];
    const sub = client(s.httpUrl).subscribe('/default/plain', () => undefined, { since: 'abc:1' });
    sub.on('gap', (g) => gaps.push(g));
    await sub.ready;
    await waitFor(() => gaps.length === 1, 'the gap');
    assert.equal(gaps[0]!.reason, 'no-history');
    assert.equal(gaps[0]!.error?.errorType, 'HistoryNotEnabled');
  });
});
