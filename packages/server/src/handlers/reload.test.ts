import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer } from '../test-support/server.js';
import { TestClient } from '../test-support/ws-client.js';

const version = (n: number): string => `export function onPublish(ctx) { return ctx.events.map((e) => ({ id: e.id, payload: { v: ${n} } })); }\n`;

describe('handler reload (switchboard dev)', () => {
  for (const runtime of ['worker', 'inline'] as const) {
    it(`reloads an edited ${runtime} handler without a restart and without dropping connections`, async (t) => {
      const files = new HandlerFiles(`reload-${runtime}`);
      files.write('package.json', '{"type":"module"}');
      const file = files.write('handler.js', version(1));
      const server = await startTestServer({ namespaces: [{ name: 'live', code: { file, runtime } }] }, { watchHandlers: true });
      const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
      t.after(async () => {
        await client.close();
        await server.close();
        files.remove();
      });
      assert.equal((await client.subscribe('s', '/live/a', TEST_KEY)).type, 'subscribe_success', 'a missing onSubscribe allows');
            await client.publish('p1', '/live/a', ['x'], TEST_KEY);
      await client.next((f) => f['event'] === '{"v":1}');
      files.write('handler.js', version(2));
      const deadline = Date.now() + 5000;
      for (let i = 2; !client.frames.some((f) => f['event'] === '{"v":2}'); i++) {
        assert.ok(Date.now() < deadline, 'the new version ran within 5 s');
        await new Promise((r) => setTimeout(r, 100));
        await client.publish(`p${i}`, '/live/a', ['x'], TEST_KEY);
      }
      assert.equal(client.ws.readyState, client.ws.OPEN, 'the connection stayed open');
      assert.ok(server.logs.some((l) => l['msg'] === 'handler reloaded'));
    });
  }
});

describe('handler reload errors (switchboard dev)', () => {
  it('reports an edit that does not compile with file:line:col and keeps serving the previous version', async (t) => {
    const files = new HandlerFiles('reload-ts');
    const file = files.write('handler.ts', version(1).replace('(ctx)', '(ctx: { events: { id: string }[] })'));
    const server = await startTestServer({ namespaces: [{ name: 'live', code: { file } }] }, { watchHandlers: true });
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    t.after(async () => {
      await client.close();
      await server.close();
      files.remove();
    });
    await client.subscribe('s', '/live/a', TEST_KEY);
    files.write('handler.ts', 'export function onPublish(ctx: ) {\n  return [];\n}\n');
    const deadline = Date.now() + 5000;
    let failure: Record<string, unknown> | undefined;
    while (failure === undefined) {
      assert.ok(Date.now() < deadline, 'the reload failure was logged within 5 s');
      await new Promise((r) => setTimeout(r, 50));
      failure = server.logs.find((l) => l['msg'] === 'handler reload failed; the previous version keeps running');
    }
    assert.match(String(failure['error']), /handler\.ts:1:\d+: /);
    await client.publish('p', '/live/a', ['x'], TEST_KEY);
    await client.next((f) => f['event'] === '{"v":1}');
    assert.ok(!server.logs.some((l) => l['msg'] === 'handler reloaded'));
  });
});
