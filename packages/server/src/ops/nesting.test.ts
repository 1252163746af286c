import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_LIMITS } from '@switchboard/protocol';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, type Frame } from '../test-support/ws-client.js';

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const errorOf = (f: Frame | { errors?: unknown }): { errorType: string; message: string } => ((f as { errors: never[] }).errors)[0]!;

describe('JSON nesting limit at the edge (limits.jsonDepth)', () => {
  let files: HandlerFiles;
  let server: TestServer;
  let client: TestClient;
  before(async () => {
    files = new HandlerFiles('nesting');
    files.write('package.json', '{"type":"module"}');
    const code = files.write('code.js', 'export function onPublish(ctx) { return ctx.events; }\n');
    const fn = files.write('fn.mjs', 'export const handler = async (event) => ({ events: event.events });\n');
    server = await startTestServer({
      namespaces: [{ name: 'default' }, { name: 'worker', code }, { name: 'inline', code: { file: code, runtime: 'inline' } }, { name: 'fn', onPublish: { function: fn } }],
    });
    client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
  });
  after(async () => {
    await client.close();
    await server.close();
    files.remove();
  });

  for (const ns of ['default', 'worker', 'inline', 'fn']) {
    it(`refuses an event nested 10,000 levels deep on /${ns} with BadRequestException, over WebSocket and HTTP, and accepts the limit itself`, async () => {
      const deep = nested(10_000);
      const reply = await new Promise<Frame>((resolve) => {
        client.send({ type: 'publish', id: `deep-${ns}`, channel: `/${ns}/a`, events: ['1', deep], authorization: { 'x-api-key': TEST_KEY } });
        resolve(client.reply(`deep-${ns}`, 10_000));
      });
      assert.equal(reply.type, 'publish_error');
      assert.equal(errorOf(reply).errorType, 'BadRequestException');
      assert.match(errorOf(reply).message, /index 1 .*nested deeper than 128/);

      const res = await fetch(`${server.httpUrl}/event`, {
        method: 'POST',
        headers: { 'x-api-key': TEST_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: `/${ns}/a`, events: [deep] }),
      });
      assert.equal(res.status, 400);
      assert.match(errorOf((await res.json()) as never).message, /nested deeper than 128/);

      const ok = await client.publish(`ok-${ns}`, `/${ns}/a`, [JSON.parse(nested(DEFAULT_LIMITS.jsonDepth))], TEST_KEY);
      assert.equal(ok.type, 'publish_success', JSON.stringify(ok));
      assert.equal((ok['successful'] as unknown[]).length, 1);
    });
  }

  it('refuses a deeply nested WebSocket frame or HTTP body before parsing it', async () => {
    const deep = `{"type":"publish","id":"x","payload":${nested(500_000)}}`;
    client.send(deep);
    const reply = await client.next((f) => f.type === 'error' && /nested deeper/.test(errorOf(f).message), 10_000);
    assert.equal(errorOf(reply).errorType, 'BadRequestException');
    const res = await fetch(`${server.httpUrl}/event`, { method: 'POST', headers: { 'x-api-key': TEST_KEY }, body: `{"channel":"/default/a","events":["1"],"x":${nested(500_000)}}` });
    assert.equal(res.status, 400);
    assert.match(errorOf((await res.json()) as never).message, /nested deeper than 128/);
    assert.ok(!server.logs.some((l) => l['level'] === 'error'), JSON.stringify(server.logs.filter((l) => l['level'] === 'error')).slice(0, 500));
  });
});
