import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TEST_KEY, startTestServer } from '../test-support/server.js';
import { TestClient, settle } from '../test-support/ws-client.js';

describe('keep-alive', () => {
  it('never sends ka before connection_ack, even when connection_init comes late', async () => {
    const server = await startTestServer({ limits: { keepAliveMs: 10 } });
    const clients = await Promise.all(Array.from({ length: 40 }, () => TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY })));
    // Several keep-alive rounds pass before the clients send connection_init.
    await settle(80);
    for (const client of clients) client.send({ type: 'connection_init' });
    await Promise.all(clients.map((c) => c.next((f) => f.type === 'connection_ack')));
    await Promise.all(clients.map((c) => c.next((f) => f.type === 'ka' && c.frames.indexOf(f) > 0)));
    for (const client of clients) {
      assert.equal(client.frames[0]?.type, 'connection_ack', JSON.stringify(client.frames.slice(0, 3)));
    }
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  });

  it('sends ka every keepAliveMs after the ack', async () => {
    const server = await startTestServer({ limits: { keepAliveMs: 100 } });
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    client.send({ type: 'connection_init' });
    await client.next((f) => f.type === 'connection_ack');
    await settle(450);
    assert.ok(client.frames.filter((f) => f.type === 'ka').length >= 3);
    await client.close();
    await server.close();
  });
});
