import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { loadConfigFile, parseConfig } from '../config/load.js';
import { postEvents } from '../test-support/http-publish.js';
import { startTestServer, TEST_KEY } from '../test-support/server.js';

// docs/forwarding.md and examples/forwarding/: every documented configuration is an example file
// verbatim and loads; the example webhook receiver verifies what the real webhook destination sends.
// (The consumers of the other examples use fixed queue and stream names, so they are not run here,
// where other test runs share the services; the same destinations are tested end to end in
// packages/server/src/destinations/*.test.ts.)

const EXAMPLES = fileURLToPath(new URL('../../../../examples/forwarding/', import.meta.url));
const DOC = readFileSync(fileURLToPath(new URL('../../../../docs/forwarding.md', import.meta.url)), 'utf8');
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
const SECRET = 'change-me-to-a-long-random-secret';

describe('examples/forwarding (docs/forwarding.md)', () => {
  it('has one example configuration per destination type, and each loads', async () => {
    const types = new Set<string>();
    for (const file of files) {
      const config = await loadConfigFile(`${EXAMPLES}${file}`);
      for (const d of config.destinations) types.add(d.type);
      assert.deepEqual(config.namespaces.map((n) => n.forward), [[config.destinations[0]!.name]]);
    }
    assert.deepEqual([...types].sort(), ['AMAZON_EVENTBRIDGE', 'AMAZON_SQS', 'KAFKA', 'MQTT', 'NATS_JETSTREAM', 'RABBITMQ', 'REDIS_STREAM', 'WEBHOOK']);
  });

  it('shows every example configuration verbatim, and the opening snippet loads', () => {
    const blocks = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const [intro, ...sections] = blocks;
    assert.equal(sections.length, files.length);
    for (const block of sections) assert.ok(files.some((f) => readFileSync(`${EXAMPLES}${f}`, 'utf8').includes(block)), `no example file holds:\n${block}`);
    const config = parseConfig({ auth: { apiKeys: [{ key: TEST_KEY }] }, ...(parseYaml(intro!) as object) }, 'docs/forwarding.md');
    assert.equal(config.destinations[0]!.guarantee, 'required');
  });

  it('the example receiver accepts what the webhook destination signs, and refuses another secret', async () => {
    process.env['WEBHOOK_SECRET'] = SECRET;
    const { receiver } = (await import(`${EXAMPLES}webhook-receiver.mjs`)) as { receiver: Server };
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/switchboard`;
    const server = await startTestServer({
      destinations: [
        { name: 'good', type: 'WEBHOOK', guarantee: 'required', url, secret: SECRET },
        { name: 'bad', type: 'WEBHOOK', guarantee: 'required', url, secret: 'not-the-receivers-secret' },
      ],
      namespaces: [{ name: 'default', forward: ['good'] }, { name: 'chat', forward: ['bad'] }],
    });
    try {
      const post = (channel: string) => postEvents(server.httpUrl, channel, [{ total: 3 }]);
      assert.equal((await post('/default/orders')).successful.length, 1);
      const refused = await post('/chat/orders');
      assert.deepEqual(refused.failed.map((f) => f.code), ['DestinationRefusedError']);
      assert.match(refused.failed[0]!.message, /HttpStatus401/);
    } finally {
      await server.close();
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
