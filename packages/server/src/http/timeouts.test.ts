import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { TEST_KEY, startTestServer } from '../test-support/server.js';
import { parseConfig } from '../config/load.js';
import { TestClient, settle } from '../test-support/ws-client.js';

/** Opens a raw TCP connection, writes `head`, then nothing more; resolves with how long the server kept it and what it answered. */
function stall(url: string, head: string, giveUpMs: number): Promise<{ heldMs: number; answer: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.write(head));
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => (clearTimeout(timer), resolve({ heldMs: Date.now() - started, answer })));
    const timer = setTimeout(() => socket.destroy(), giveUpMs);
  });
}

describe('HTTP timeouts', () => {
  it('has defaults that bound a slow request: 10 s for the headers, 30 s for the whole request', () => {
    const { limits } = parseConfig({ auth: { apiKeys: [{ key: TEST_KEY }] }, namespaces: [{ name: 'default' }] }, 'test');
    assert.equal(limits.httpHeadersTimeoutMs, 10_000);
    assert.equal(limits.httpRequestTimeoutMs, 30_000);
  });

  it('drops a client that never finishes its headers after httpHeadersTimeoutMs', async () => {
    const server = await startTestServer({ limits: { httpHeadersTimeoutMs: 300, httpRequestTimeoutMs: 600 } });
    const { heldMs } = await stall(server.httpUrl, 'POST /event HTTP/1.1\r\nHost: x\r\nx-api-key: ', 5000);
    assert.ok(heldMs < 2000, `held ${heldMs} ms`);
    await server.close();
  });

  it('drops an authenticated client that sends its body too slowly after httpRequestTimeoutMs', async () => {
    const server = await startTestServer({ limits: { httpHeadersTimeoutMs: 300, httpRequestTimeoutMs: 600 } });
    const head = `POST /event HTTP/1.1\r\nHost: x\r\nx-api-key: ${TEST_KEY}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"channel":`;
    const { heldMs } = await stall(server.httpUrl, head, 5000);
    assert.ok(heldMs < 2500, `held ${heldMs} ms`);
    await server.close();
  });

  it('does not apply to WebSocket connections once upgraded', async () => {
    const server = await startTestServer({ limits: { httpHeadersTimeoutMs: 300, httpRequestTimeoutMs: 600 } });
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await settle(1500);
    assert.equal((await client.publish('late', '/default/a', [1], TEST_KEY)).type, 'publish_success');
    await client.close();
    await server.close();
  });
});
