import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_LIMITS } from '@switchboard/protocol';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient } from '../test-support/ws-client.js';

const KIB = 1024;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** AWS's answer for an event over 240 KB, recorded from the real service (HTTP). */
const TOO_LARGE = new RegExp(`^\\{"code":"EventTooLargeException","identifier":"${UUID}","index":1,"message":"Transformed event is larger than 240KB"\\}$`);

/** A JSON string of `bytes` UTF-8 bytes that doubles when JSON-escaped: every character is an escaped quote. */
const escapeHeavy = (bytes: number): string => `"${'\\"'.repeat((bytes - 2) / 2)}"`;
/** A JSON string of `bytes` UTF-8 bytes of 2-byte characters, which ASCII-only encoders (Python's json.dumps) send as 6-byte \u00e9. */
const accented = (bytes: number): string => `"${'é'.repeat((bytes - 2) / 2)}"`;
/** The JSON text of `value` with every non-ASCII character escaped, as Python's json.dumps writes it. */
const asciiJson = (value: unknown): string => JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('event size', () => {
  let files: HandlerFiles;
  let server: TestServer;
  let sub: TestClient;
  let pub: TestClient;
  before(async () => {
    files = new HandlerFiles('event-size');
    files.write('package.json', '{"type":"module"}');
    // Shortens events marked "shrink", passes the others through unchanged.
    const code = files.write('shrink.js', 'export function onPublish(ctx) { return ctx.events.map((e) => (e.payload.shrink ? { id: e.id, payload: e.payload.data.length } : e)); }\n');
    server = await startTestServer({ namespaces: [{ name: 'default' }, { name: 'shrink', code: { file: code, runtime: 'inline' } }] });
    sub = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    pub = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await sub.subscribe('all', '/default/*', TEST_KEY);
  });
  after(async () => {
    await Promise.all([sub.close(), pub.close()]);
    await server.close();
    files.remove();
  });

  it('answers an event over 240 KiB in a WebSocket batch of three with a failed entry as AWS does, and delivers the two others', async () => {
    const big = JSON.stringify('x'.repeat(300 * KIB));
    pub.send({ type: 'publish', id: 'ws-big', channel: '/default/ws', events: ['"first"', big, '"third"'], authorization: { 'x-api-key': TEST_KEY } });
    const reply = await pub.reply('ws-big');
    assert.equal(reply.type, 'publish_success');
    assert.deepEqual((reply['successful'] as { index: number }[]).map((s) => s.index), [0, 2]);
    const text = pub.texts.find((t) => t.includes('"ws-big"'))!;
    assert.match(JSON.stringify((reply['failed'] as unknown[])[0]), TOO_LARGE);
    assert.ok(text.includes(JSON.stringify((reply['failed'] as unknown[])[0])), `the failed entry's keys are in AWS's order: ${text.slice(0, 300)}`);
    await sub.next((f) => f['event'] === '"third"');
    assert.deepEqual(sub.data('all').slice(-2), ['first', 'third']);
  });

  it('answers an event over 240 KiB in an HTTP batch of three with a failed entry as AWS does, and delivers the two others', async () => {
    const big = JSON.stringify('y'.repeat(1024 * KIB));
    const res = await fetch(`${server.httpUrl}/event`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: '/default/http', events: ['"one"', big, '"three"'] }),
    });
    assert.equal(res.status, 200);
    const text = await res.text();
    const body = JSON.parse(text) as { successful: { index: number }[]; failed: unknown[] };
    assert.deepEqual(body.successful.map((s) => s.index), [0, 2]);
    assert.match(JSON.stringify(body.failed[0]), TOO_LARGE);
    assert.ok(text.startsWith(`{"failed":[${JSON.stringify(body.failed[0])}],"successful":[`), text.slice(0, 200));
    await sub.next((f) => f['event'] === '"three"');
    assert.deepEqual(sub.data('all').slice(-2), ['one', 'three']);
  });

  it('applies the size limit to what an onPublish handler returns, as AWS ("Transformed event"): a shrunk event goes out, one left too large fails alone', async () => {
    const data = 'z'.repeat(300 * KIB);
    const reply = await pub.publish('shrink', '/shrink/a', [{ shrink: true, data }, { data }, 'small'], TEST_KEY);
    assert.equal(reply.type, 'publish_success');
    assert.deepEqual((reply['successful'] as { index: number }[]).map((s) => s.index), [0, 2]);
    assert.match(JSON.stringify((reply['failed'] as unknown[])[0]), TOO_LARGE);
  });

  for (const [name, event, encode] of [
    ['escaped quotes (JSON.stringify doubles them)', escapeHeavy(DEFAULT_LIMITS.eventBytes), JSON.stringify],
    ['accented letters sent as \\u escapes (Python json.dumps triples them)', accented(DEFAULT_LIMITS.eventBytes), asciiJson],
  ] as const) {
    it(`accepts five events of exactly 240 KiB of ${name} with the default limits, over WebSocket and HTTP`, async () => {
      assert.equal(Buffer.byteLength(event), DEFAULT_LIMITS.eventBytes);
      const events = [event, event, event, event, event];
      const id = `max-${name.length}`;
      pub.send(encode({ type: 'publish', id, channel: '/default/max', events, authorization: { 'x-api-key': TEST_KEY } }));
      const reply = await pub.reply(id, 10_000);
      assert.equal(reply.type, 'publish_success', JSON.stringify(reply).slice(0, 300));
      assert.equal((reply['successful'] as unknown[]).length, 5);
      const res = await fetch(`${server.httpUrl}/event`, {
        method: 'POST',
        headers: { 'x-api-key': TEST_KEY, 'content-type': 'application/json' },
        body: encode({ channel: '/default/max', events }),
      });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { successful: unknown[] }).successful.length, 5);
    });
  }
});
