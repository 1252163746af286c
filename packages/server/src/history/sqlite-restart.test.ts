import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../config/load.js';
import { createSwitchboard } from '../switchboard.js';
import { HISTORY_NAMESPACES, lastPosition, publishEach, subscribeSince, unsubscribe } from '../test-support/history.js';
import { TEST_KEY } from '../test-support/server.js';
import { TestClient } from '../test-support/ws-client.js';
import { createLogger } from '../log/logger.js';

describe('history: the SQLite store across a server restart', () => {
  it('a client resumes after the server stopped and started again on the same file; events published before the stop are readable', async (t) => {
    try {
      await import('better-sqlite3');
    } catch (err) {
      if (process.env['CI']) throw err;
      return t.skip('better-sqlite3 is not installed');
    }
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-sqlite-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const config = (port: number) =>
      parseConfig({ server: { host: '127.0.0.1', port }, auth: { apiKeys: [{ key: TEST_KEY }] }, namespaces: HISTORY_NAMESPACES, history: { store: 'sqlite', path: join(dir, 'history.db') } }, 'test');
    const start = async (port: number) => {
      const sb = await createSwitchboard(config(port), { logger: createLogger({ level: 'silent' }) });
      return { sb, address: await sb.listen() };
    };

    const first = await start(0);
    let client = await TestClient.connect(first.address.realtimeUrl, { apiKey: TEST_KEY });
    await subscribeSince(client, 's', '/hist/*');
    await publishEach(client, '/hist/a', ['before-1', 'before-2']);
    await client.next((f) => f['id'] === 's' && f['event'] === '"before-2"');
    const position = lastPosition(client, 's');
    await unsubscribe(client, 's');
    await publishEach(client, '/hist/a', ['missed-1', 'missed-2']);
    await client.close();
    await first.sb.close();

    const second = await start(first.address.port);
    t.after(() => second.sb.close());
    client = await TestClient.connect(second.address.realtimeUrl, { apiKey: TEST_KEY });
    t.after(() => client.close());
    const success = await subscribeSince(client, 's', '/hist/*', position);
    assert.equal(success['recovered'], true, JSON.stringify(success));
    await publishEach(client, '/hist/a', ['after']);
    await client.next((f) => f['id'] === 's' && f['event'] === '"after"');
    assert.deepEqual(client.data('s'), ['missed-1', 'missed-2', 'after']);
    const read = await fetch(`${second.address.httpUrl}/event/history?channel=/hist/a&limit=10`, { headers: { 'x-api-key': TEST_KEY } });
    const body = (await read.json()) as { events: { event: string }[] };
    assert.deepEqual(body.events.map((e) => JSON.parse(e.event)), ['before-1', 'before-2', 'missed-1', 'missed-2', 'after']);
  });
});
