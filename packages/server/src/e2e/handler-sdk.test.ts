import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, settle } from '../test-support/ws-client.js';

// A function handler written with @switchboard/handler (zod schema), the same file a Lambda would deploy.
const CHAT_HANDLER = fileURLToPath(new URL('../../../handler/dist/fixtures/chat-handler.js', import.meta.url));

describe('@switchboard/handler inside Switchboard', () => {
  let server: TestServer;
  let sub: TestClient;
  let pub: TestClient;
  before(async () => {
    server = await startTestServer({
      namespaces: [{ name: 'chat', onPublish: { function: CHAT_HANDLER }, onSubscribe: { function: CHAT_HANDLER } }],
    });
    sub = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    pub = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
  });
  after(async () => {
    await Promise.all([sub.close(), pub.close()]);
    await server.close();
  });

  it('rejects an invalid payload into failed with a message naming the field; subscribers never see it', async () => {
    await sub.subscribe('room', '/chat/room', TEST_KEY);
    const reply = await pub.publish('p1', '/chat/room', [{ text: 'hello', author: 'ann' }, { text: '' }, { text: 'ok', extra: 1 }], TEST_KEY);
    assert.equal(reply.type, 'publish_success');
    assert.deepEqual((reply['successful'] as { index: number }[]).map((s) => s.index), [0]);
    const failed = reply['failed'] as { index: number; message: string }[];
    assert.deepEqual(failed.map((f) => f.index), [1, 2]);
    assert.match(failed[0]!.message, /SchemaValidationError.*text/);
    assert.match(failed[1]!.message, /extra/);
    await sub.next((f) => f['id'] === 'room');
    await settle();
    assert.deepEqual(sub.data('room'), [{ text: 'hello', author: 'ann' }]);
  });

  it('rejects over HTTP the same way', async () => {
    const res = await fetch(`${server.httpUrl}/event`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_KEY },
      body: JSON.stringify({ channel: '/chat/room', events: ['"just a string"'] }),
    });
    const body = (await res.json()) as { successful: unknown[]; failed: { message: string }[] };
    assert.equal(res.status, 200);
    assert.deepEqual(body.successful, []);
    assert.match(body.failed[0]!.message, /Expected object/);
  });

  it('refuses the locked room with UnauthorizedException for subscribe and publish', async () => {
    const subscribe = await sub.subscribe('locked', '/chat/locked/a', TEST_KEY);
    assert.equal(subscribe.type, 'subscribe_error');
    assert.equal((subscribe['errors'] as { errorType: string }[])[0]!.errorType, 'UnauthorizedException');
    const publish = await pub.publish('p2', '/chat/locked/a', [{ text: 'hi' }], TEST_KEY);
    assert.equal(publish.type, 'publish_error');
    assert.equal((publish['errors'] as { errorCode: number }[])[0]!.errorCode, 403);
  });
});
