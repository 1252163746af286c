import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadApp } from '../cloudformation/app.js';
import { createLogger } from '../log/logger.js';
import { createSwitchboard, type Switchboard } from '../switchboard.js';
import { TestClient } from '../test-support/ws-client.js';

const EXAMPLE = new URL('../../../../examples/cdk/app.mjs', import.meta.url).href;

describe('examples/cdk, synthesized and run as docs/cdk.md says', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-cdk-example-'));
  let switchboard: Switchboard;
  let url: string;
  let key: string;
  before(async () => {
    const { buildApp } = (await import(EXAMPLE)) as { buildApp: (outdir: string) => { synth(): unknown } };
    buildApp(join(dir, 'cdk.out')).synth();
    const app = await loadApp({ cdkOut: join(dir, 'cdk.out') }, { generatedDir: join(dir, 'code') });
    assert.deepEqual(app.notes, []);
    key = app.apiKeys[0]!.key;
    switchboard = await createSwitchboard(app.config, { logger: createLogger({ level: 'NONE', pretty: false }), embeddedDataStores: true });
    url = (await switchboard.listen(0, '127.0.0.1')).realtimeUrl;
  });
  after(async () => {
    await switchboard?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moderates chat in the Lambda, saves messages, stamps announcements', async () => {
    const client = await TestClient.connect(url, { apiKey: key });
    try {
      // The first call of the moderator may start its worker on a loaded machine: wait generously.
      client.send({ type: 'publish', id: 'c', channel: '/chat/room', events: [{ text: ' hello ' }, { text: 'buy spam' }].map((e) => JSON.stringify(e)), authorization: { 'x-api-key': key } });
      const chat = await client.reply('c', 15_000);
      assert.equal((chat['successful'] as unknown[]).length, 1);
      assert.match(JSON.stringify(chat['failed']), /\\"spam\\" is not allowed|"spam" is not allowed/);
      assert.equal((await client.subscribe('m', '/messages/room', key)).type, 'subscribe_success');
      client.send({ type: 'publish', id: 'p', channel: '/messages/room', events: [JSON.stringify({ text: 'kept' })], authorization: { 'x-api-key': key } });
      assert.equal((await client.reply('p', 15_000)).type, 'publish_success');
      await client.next((f) => f.type === 'data' && f['id'] === 'm', 10_000);
      assert.deepEqual(client.data('m'), [{ text: 'kept' }]);
      assert.equal((await client.subscribe('a', '/announcements/all', key)).type, 'subscribe_success');
      await client.publish('pa', '/announcements/all', [{ text: 'release' }], key);
      await client.next((f) => f.type === 'data' && f['id'] === 'a', 10_000);
      assert.match(String((client.data('a')[0] as { at: string }).at), /^\d{4}-\d\d-\d\dT/);
    } finally {
      await client.close();
    }
  });
});
