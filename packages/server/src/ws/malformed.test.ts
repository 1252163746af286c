import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, settle } from '../test-support/ws-client.js';

/** A deterministic pseudo-random generator, so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const PIECES = ['{', '}', '[', ']', '"', ':', ',', 'type', 'subscribe', 'publish', 'unsubscribe', 'connection_init', 'id', 'channel',
  'events', 'authorization', '/default/x', '/*', 'null', 'true', '1e999', '-0', '\\u0000', '\\ud800', 'é', '"x-api-key"', TEST_KEY, ' '];

function randomFrame(rand: () => number): string {
  const kind = rand();
  if (kind < 0.3) {
    // Structurally valid messages with random field values.
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const value = (): unknown => pick([null, 1, -1, '', 'x', '/default/a', '/default/*', [], {}, ['1'], [1], { a: 1 }, 'a'.repeat(200), true]);
    const msg: Record<string, unknown> = { type: pick(['subscribe', 'publish', 'unsubscribe', 'connection_init', 'ka', 'data', value()]) };
    for (const key of ['id', 'channel', 'events', 'authorization', 'payload']) if (rand() < 0.7) msg[key] = value();
    return JSON.stringify(msg);
  }
  if (kind < 0.6) {
    let out = '';
    const n = Math.floor(rand() * 30);
    for (let i = 0; i < n; i++) out += PIECES[Math.floor(rand() * PIECES.length)];
    return out;
  }
  return randomBytes(Math.floor(rand() * 64)).toString('latin1');
}

describe('malformed and random input', () => {
  let server: TestServer;
  let watcher: TestClient;
  before(async () => {
    // The fuzzer's frames are mostly invalid: lift the inbound budget (ws/inbound-budget.test.ts) so every one is decoded and answered.
    server = await startTestServer({ limits: { messagesPerSecond: 100_000, errorsPerSecond: 100_000 } });
    watcher = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await watcher.subscribe('watch', '/default/alive', TEST_KEY);
  });
  after(async () => {
    await watcher.close();
    await server.close();
  });

  it('answers 2000 random frames without crashing, and other clients keep receiving', async () => {
    const seed = Number(process.env['FUZZ_SEED'] ?? 20261127);
    const rand = prng(seed);
    const fuzzer = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    for (let i = 0; i < 2000; i++) fuzzer.send(randomFrame(rand));
    fuzzer.send({ type: 'publish', id: 'final', channel: '/default/alive', events: ['"still here"'], authorization: { 'x-api-key': TEST_KEY } });
    const final = await fuzzer.reply('final', 10000);
    // The rate limit may refuse the final publish; either way the server answered it.
    assert.ok(['publish_success', 'publish_error'].includes(final.type), `seed ${seed}`);
    assert.ok(fuzzer.frames.every((f) => typeof f.type === 'string'));
    const other = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    assert.equal((await other.publish('p', '/default/alive', ['ok'], TEST_KEY)).type, 'publish_success');
    await watcher.next((f) => f['event'] === '"ok"');
    await Promise.all([fuzzer.close(), other.close()]);
  });

  it('survives raw garbage on the TCP socket and a half-finished handshake', async () => {
    const url = new URL(server.httpUrl);
    for (const payload of [randomBytes(512), Buffer.from('GET /event/realtime HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'), Buffer.from('GET /event/realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: aws-appsync-event-ws\r\n\r\n')]) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(url.port), url.hostname, () => socket.end(payload));
        socket.on('data', () => undefined);
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
        setTimeout(() => (socket.destroy(), resolve()), 500);
      });
    }
    await settle(50);
    const health = await fetch(`${server.httpUrl}/healthz`);
    assert.equal(health.status, 200);
  });

  it('answers random HTTP bodies with 4xx JSON errors, never 5xx', async () => {
    const rand = prng(7);
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${server.httpUrl}/event`, { method: 'POST', headers: { 'x-api-key': TEST_KEY }, body: randomFrame(rand) });
      assert.ok(res.status === 200 || (res.status >= 400 && res.status < 500), `status ${res.status}`);
      const body = (await res.json()) as Record<string, unknown>;
      assert.ok(res.status === 200 ? Array.isArray(body['successful']) : Array.isArray(body['errors']));
    }
  });
});
