import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HISTORY_NAMESPACES, dataFrames, lastPosition, publishEach, seamRace, subscribeSince, unsubscribe } from '../test-support/history.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, settle } from '../test-support/ws-client.js';

describe('history: resuming a subscription from its last position (memory store)', () => {
  let server: TestServer;
  let publisher: TestClient;
  before(async () => {
    server = await startTestServer({ namespaces: HISTORY_NAMESPACES, limits: { publishesPerSecond: 10_000, pendingOperations: 10_000 } });
    publisher = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
  });
  after(async () => {
    await publisher.close();
    await server.close();
  });
  const connect = () => TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });

  it('data frames of a channel with history carry its channel and position; subscribe_success says where live delivery starts', async () => {
    const client = await connect();
    try {
      const success = await subscribeSince(client, 'w', '/hist/frames/*');
      assert.match(String(success['position']), /^[\w-]+:\d+$/);
      assert.equal(success['recovered'], undefined, 'no recovered field without since');
      await publishEach(publisher, '/hist/frames/a', ['one']);
      const [frame] = await Promise.all([client.next((f) => f.type === 'data' && f['id'] === 'w')]);
      assert.equal(frame!['channel'], '/hist/frames/a');
      const [epoch, offset] = String(frame!['position']).split(':');
      assert.equal(`${epoch}:${Number(offset) - 1}`, success['position'], 'the first event is right after the subscribe position');
      assert.equal(frame!['event'], '"one"');
    } finally {
      await client.close();
    }
  });

  for (const [kind, channel] of [['exact', '/hist/room'], ['wildcard', '/hist/*']] as const) {
    it(`${kind}: after a disconnect, a resubscribe with the last position gets exactly the missed events in order, then live ones`, async () => {
      const first = await connect();
      await subscribeSince(first, 's', channel);
      await publishEach(publisher, '/hist/room', ['a', 'b']);
      await first.next((f) => f.type === 'data' && f['event'] === '"b"');
      const position = lastPosition(first, 's');
      await first.close();
      await publishEach(publisher, '/hist/room', ['c', 'd', 'e']);
      await publishEach(publisher, '/hist/elsewhere', ['x']);
      const second = await connect();
      try {
        const success = await subscribeSince(second, 's', channel, position);
        assert.equal(success['recovered'], true, JSON.stringify(success));
        assert.equal(success['reason'], undefined);
        await publishEach(publisher, '/hist/room', ['live']);
        await second.next((f) => f.type === 'data' && f['event'] === '"live"');
        await settle(50);
        const expected = kind === 'exact' ? ['c', 'd', 'e', 'live'] : ['c', 'd', 'e', 'x', 'live'];
        assert.deepEqual(second.data('s'), expected);
        const offsets = dataFrames(second, 's').map((f) => Number(String(f['position']).split(':')[1]));
        assert.deepEqual(offsets, [...offsets].sort((p, q) => p - q), 'positions increase');
      } finally {
        await second.close();
      }
    });
  }

  it('racing publishes at the seam never duplicate or skip an event (many resubscribes)', async () => {
    const [subscriber, racer] = await Promise.all([connect(), connect()]);
    try {
      await seamRace(subscriber, racer, 400);
    } finally {
      await Promise.all([subscriber.close(), racer.close()]);
    }
  });

  it('a position older than what is kept gets recovered: false with HistoryExpired and the new position; the subscription is live', async () => {
    const client = await connect();
    try {
      const success = await subscribeSince(client, 'old', '/tiny/c');
      const position = success['position'];
      await unsubscribe(client, 'old');
      await publishEach(publisher, '/tiny/c', [1, 2, 3, 4, 5]);
      const again = await subscribeSince(client, 'again', '/tiny/c', position);
      assert.equal(again['recovered'], false);
      assert.equal((again['reason'] as { errorType: string }).errorType, 'HistoryExpired');
      assert.equal(again['errors'], undefined, 'never an errors key on a success frame');
      assert.match(String(again['position']), /:5$/);
      await publishEach(publisher, '/tiny/c', [6]);
      await client.next((f) => f['id'] === 'again' && f['event'] === '6');
      assert.deepEqual(client.data('again'), [6]);
    } finally {
      await client.close();
    }
  });

  it('a position of another epoch gets HistoryReset; a namespace without history gets HistoryNotEnabled and unchanged data frames', async () => {
    const client = await connect();
    try {
      const reset = await subscribeSince(client, 'r', '/hist/room', 'otherepoch:3');
      assert.equal(reset['recovered'], false);
      assert.equal((reset['reason'] as { errorType: string }).errorType, 'HistoryReset');
      const garbage = await subscribeSince(client, 'g', '/hist/room', { not: 'a position' });
      assert.equal((garbage['reason'] as { errorType: string }).errorType, 'HistoryReset');
      const plain = await subscribeSince(client, 'n', '/default/room', 'x:1');
      assert.equal(plain['recovered'], false);
      assert.equal((plain['reason'] as { errorType: string }).errorType, 'HistoryNotEnabled');
      await publishEach(publisher, '/default/room', ['plain']);
      const frame = await client.next((f) => f['id'] === 'n' && f.type === 'data');
      assert.deepEqual(Object.keys(frame), ['type', 'id', 'event'], 'no history fields without history');
    } finally {
      await client.close();
    }
  });

  it('a new epoch after a restart (memory store): HistoryReset', async () => {
    const first = await startTestServer({ namespaces: HISTORY_NAMESPACES });
    const client = await TestClient.connect(first.realtimeUrl, { apiKey: TEST_KEY });
    const position = (await subscribeSince(client, 's', '/hist/a'))['position'];
    await client.close();
    await first.close();
    const second = await startTestServer({ namespaces: HISTORY_NAMESPACES, server: { host: '127.0.0.1', port: first.port } });
    const again = await TestClient.connect(second.realtimeUrl, { apiKey: TEST_KEY });
    try {
      const success = await subscribeSince(again, 's', '/hist/a', position);
      assert.equal((success['reason'] as { errorType: string }).errorType, 'HistoryReset');
    } finally {
      await again.close();
      await second.close();
    }
  });
});
