import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HISTORY_NAMESPACES, publishEach, subscribeSince } from '../test-support/history.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient } from '../test-support/ws-client.js';

interface Body {
  events: { id: string; channel: string; event: string; position: string }[];
  position: string;
  more: boolean;
  errors?: { errorType: string }[];
}

describe('GET /event/history', () => {
  let server: TestServer;
  let client: TestClient;
  before(async () => {
    server = await startTestServer({ namespaces: HISTORY_NAMESPACES, limits: { publishesPerSecond: 1000 } });
    client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await publishEach(client, '/hist/page/a', [0, 1, 2, 3, 4]);
    await publishEach(client, '/hist/page/b', ['b']);
  });
  after(async () => {
    await client.close();
    await server.close();
  });
  const get = async (query: string, key: string | null = TEST_KEY): Promise<{ status: number; body: Body }> => {
    const res = await fetch(`${server.httpUrl}/event/history?${query}`, { headers: key === null ? {} : { 'x-api-key': key } });
    return { status: res.status, body: (await res.json()) as Body };
  };

  it('without since: the newest events of the channel, oldest first, and the position to go on from', async () => {
    const { status, body } = await get('channel=/hist/page/a&limit=3');
    assert.equal(status, 200);
    assert.deepEqual(body.events.map((e) => JSON.parse(e.event)), [2, 3, 4]);
    assert.ok(body.events.every((e) => e.channel === '/hist/page/a' && /^[\w-]+:\d+$/.test(e.position)));
    assert.equal(body.more, false);
  });

  it('with since: pages forward through a wildcard; the last page ends at the top, where a subscribe with since goes on live', async () => {
    const first = await get('channel=' + encodeURIComponent('/hist/page/*') + '&limit=2&since=' + encodeURIComponent((await get('channel=/hist/page/a&limit=5')).body.events[0]!.position));
    assert.deepEqual(first.body.events.map((e) => JSON.parse(e.event)), [1, 2]);
    assert.equal(first.body.more, true);
    const second = await get(`channel=${encodeURIComponent('/hist/page/*')}&limit=10&since=${encodeURIComponent(first.body.position)}`);
    assert.deepEqual(second.body.events.map((e) => JSON.parse(e.event)), [3, 4, 'b']);
    assert.equal(second.body.more, false);
    const live = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    try {
      const success = await subscribeSince(live, 's', '/hist/page/*', second.body.position);
      assert.equal(success['recovered'], true);
      await publishEach(client, '/hist/page/c', ['next']);
      await live.next((f) => f['id'] === 's' && f.type === 'data');
      assert.deepEqual(live.data('s'), ['next'], 'nothing twice, nothing missed between the read and the subscription');
    } finally {
      await live.close();
    }
  });

  it('refuses what it must: no credentials, no channel, a bad limit, a namespace without history, an old or foreign position', async () => {
    assert.equal((await get('channel=/hist/page/a', null)).status, 401);
    assert.equal((await get('channel=/hist/page/a', 'da2-notakey0000000000000000000000')).status, 401);
    assert.equal((await get('limit=3')).body.errors?.[0]?.errorType, 'BadRequestException');
    assert.equal((await get('channel=/hist/page/a&limit=0')).status, 400);
    const plain = await get('channel=/default/a');
    assert.deepEqual([plain.status, plain.body.errors?.[0]?.errorType], [400, 'HistoryNotEnabled']);
    const foreign = await get('channel=/hist/page/a&since=someotherepoch:1');
    assert.deepEqual([foreign.status, foreign.body.errors?.[0]?.errorType], [410, 'HistoryReset']);
    const tinyStart = (await get('channel=/tiny/x')).body.position;
    await publishEach(client, '/tiny/x', [1, 2, 3, 4]);
    const expired = await get(`channel=/tiny/x&since=${encodeURIComponent(tinyStart)}`);
    assert.deepEqual([expired.status, expired.body.errors?.[0]?.errorType], [410, 'HistoryExpired']);
    assert.equal((await fetch(`${server.httpUrl}/event/history?channel=/hist/a`, { method: 'POST' })).status, 405);
  });
});
