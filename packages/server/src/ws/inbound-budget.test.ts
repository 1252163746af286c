import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOSE_CODES } from '@switchboard/protocol';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer } from '../test-support/server.js';
import { TestClient, settle } from '../test-support/ws-client.js';

const MIB = 1024 * 1024;

describe('inbound message budget per connection', () => {
  it('answers a flood of tiny invalid frames with a bounded number of errors, then closes with TooManyErrors; others keep working', async () => {
    const server = await startTestServer();
    const other = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await other.subscribe('watch', '/default/alive', TEST_KEY);
    const flooder = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    const started = Date.now();
    for (let i = 0; i < 50_000 && flooder.ws.readyState === flooder.ws.OPEN; i++) flooder.send('x');
    const closed = await flooder.closed;
    assert.equal(closed.code, CLOSE_CODES.TooManyErrors.code);
    const errors = flooder.frames.filter((f) => f.type === 'error').length;
    // A burst of 100 (ten seconds' worth at errorsPerSecond 10), plus what refilled while the flood was read.
    const refilled = Math.ceil(((Date.now() - started) / 1000) * 10);
    assert.ok(errors >= 100 && errors <= 100 + refilled, `${errors} error frames in ${Date.now() - started} ms`);
    assert.equal((await other.publish('p', '/default/alive', ['ok'], TEST_KEY)).type, 'publish_success');
    await other.next((f) => f['event'] === '"ok"');
    assert.ok(server.logs.some((l) => l['msg'] === 'closing connection: too many errors'));
    await other.close();
    await server.close();
  });

  it('closes a connection that sends more than messagesPerSecond (past its burst) with MessageRateExceeded', async () => {
    const server = await startTestServer({ limits: { messagesPerSecond: 20 } });
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    for (let i = 0; i < 1000 && client.ws.readyState === client.ws.OPEN; i++) client.send({ type: 'ka' });
    assert.equal((await client.closed).code, CLOSE_CODES.MessageRateExceeded.code);
    const text = (await fetch(`${server.httpUrl}/metrics`).then((r) => r.text())).split('\n');
    assert.ok(text.some((l) => l.startsWith('switchboard_disconnects_total{reason="message_rate"} 1')), text.filter((l) => l.includes('disconnects')).join('\n'));
    await server.close();
  });

  it('lets a client subscribe to 200 channels at once and publish at its full rate without being closed', async () => {
    const server = await startTestServer();
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    client.send({ type: 'connection_init' });
    for (let i = 0; i < 200; i++) client.send({ type: 'subscribe', id: `s${i}`, channel: `/default/c${i}`, authorization: { 'x-api-key': TEST_KEY } });
    await client.reply('s199', 10_000);
    for (let i = 0; i < 25; i++) client.send({ type: 'publish', id: `p${i}`, channel: '/default/c1', events: ['1'], authorization: { 'x-api-key': TEST_KEY } });
    await client.reply('p24', 10_000);
    assert.equal(client.frames.filter((f) => f.type === 'subscribe_success').length, 200);
    assert.equal(client.frames.filter((f) => f.type === 'publish_success').length, 25);
    assert.equal(client.ws.readyState, client.ws.OPEN);
    await client.close();
    await server.close();
  });

  it('stops reading from a client whose queued messages pass frameBytes, instead of holding them all in memory', async () => {
    const files = new HandlerFiles('inbound');
    files.write('package.json', '{"type":"module"}');
    const gate = files.write('gate.mjs', 'export const handler = async (event) => { await globalThis.edgeGate; return { events: event.events }; };\n');
    let open!: () => void;
    (globalThis as { edgeGate?: Promise<void> }).edgeGate = new Promise<void>((resolve) => (open = resolve));
    const server = await startTestServer({
      namespaces: [{ name: 'default' }, { name: 'gated', onPublish: { function: gate, runtime: 'inline' } }],
      limits: { publishesPerSecond: 100, frameBytes: 2 * MIB },
    });
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    const event = JSON.stringify('g'.repeat(MIB - 100));
    for (let i = 0; i < 60; i++) client.send({ type: 'publish', id: `g${i}`, channel: '/gated/a', events: [event], authorization: { 'x-api-key': TEST_KEY } });
    // Wait until the transfer stops: all 60 MiB read by the server (no flow control), or the server stopped reading.
    let last = -1;
    while (client.ws.bufferedAmount !== last) {
      last = client.ws.bufferedAmount;
      await settle(1000);
    }
    // The server holds about two frames, the kernel buffers some, the client keeps the rest.
    assert.ok(last > 16 * MIB, `the client still holds ${last} bytes`);
    open();
    await client.reply('g59', 30_000);
    assert.equal(client.frames.filter((f) => f.type === 'publish_success').length, 60);
    await client.close();
    await server.close();
    files.remove();
    delete (globalThis as { edgeGate?: Promise<void> }).edgeGate;
  });
});
