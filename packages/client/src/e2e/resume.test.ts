/**
 * Resume after a reconnect, through the history wire extension. Switchboard does not have
 * history yet (issue 15), so these tests run against a STAND-IN server that implements the
 * proposed extension (test-support/history-server.ts); the tests against the real server
 * (reconnect.test.ts) cover the case without history: a `no-history` gap on every resubscribe.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Gap } from '../index.js';
import { recorder, testClient } from '../test-support/client.js';
import { HistoryServer } from '../test-support/history-server.js';
import { settle, waitFor } from '../test-support/wait.js';

describe('resume from the last position (history extension, stand-in server)', () => {
  let server: HistoryServer;
  let client: ReturnType<typeof testClient>;
  beforeEach(async () => {
    server = await HistoryServer.start();
    client = testClient(server.url.replace(/\/event$/, ''));
  });
  afterEach(async () => {
    client.close();
    await server.close();
  });

  const subscribes = () => server.received.filter((f) => f['type'] === 'subscribe');

  it('sends the last position seen when it resubscribes; the missed events arrive once, in order, then live ones, with no gap', async () => {
    const got = recorder();
    const gaps: Gap[] = [];
    const sub = client.subscribe('/default/room', got.onEvent);
    sub.on('gap', (g) => gaps.push(g));
    await sub.ready;
    assert.equal(sub.position, '1:-1', 'the position of subscribe_success: nothing yet');
    assert.equal(subscribes()[0]!['since'], undefined, 'a first subscribe carries no position');
    server.publish('/default/room', 'a');
    server.publish('/default/room', 'b');
    await waitFor(() => got.events.length === 2, 'the first events');
    assert.equal(sub.position, '1:1');
    assert.deepEqual(got.infos[1], { channel: '/default/room', position: '1:1' });

    server.dropAll();
    // Published while the client has no connection: only a replay can bring them.
    for (const e of ['c', 'd', 'e']) server.publish('/default/room', e);
    await waitFor(() => got.events.length === 5, 'the missed events');
    server.publish('/default/room', 'f');
    await waitFor(() => got.events.length === 6, 'the live event');
    await settle();
    assert.deepEqual(got.events, ['a', 'b', 'c', 'd', 'e', 'f']);
    assert.equal(subscribes()[1]!['since'], '1:1');
    assert.equal(subscribes()[1]!['id'], sub.id);
    assert.deepEqual(gaps, []);
    assert.equal(sub.position, '1:5');
  });

  it('reports an unrecoverable gap with the server reason when the history was lost, and goes on from the new position', async () => {
    const got = recorder();
    const gaps: Gap[] = [];
    const sub = client.subscribe('/default/lost', got.onEvent);
    sub.on('gap', (g) => gaps.push(g));
    await sub.ready;
    server.publish('/default/lost', 1);
    await waitFor(() => got.events.length === 1, 'the first event');
    server.dropAll();
    server.forget();
    await waitFor(() => gaps.length === 1, 'the gap');
    assert.deepEqual(gaps[0], { reason: 'unrecoverable', since: '1:0', error: { errorType: 'HistoryReset', message: 'the history of this channel was reset' } });
    assert.equal(sub.position, '2:-1');
    server.publish('/default/lost', 2);
    await waitFor(() => got.events.length === 2, 'the live event');
  });

  it('resumes from a position the app kept (the since option), e.g. across a page reload', async () => {
    for (const e of ['x', 'y', 'z']) server.publish('/default/kept', e);
    const got = recorder();
    const gaps: Gap[] = [];
    const sub = client.subscribe('/default/kept', got.onEvent, { since: '1:0' });
    sub.on('gap', (g) => gaps.push(g));
    await sub.ready;
    await waitFor(() => got.events.length === 2, 'the events after the kept position');
    assert.deepEqual(got.events, ['y', 'z']);
    assert.deepEqual(gaps, []);
  });
});
