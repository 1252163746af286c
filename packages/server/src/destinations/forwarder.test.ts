import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DestinationConfig } from '../config/destinations-schema.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, settle } from '../test-support/ws-client.js';
import { ScriptedDestination } from './scripted-destination.js';

// The forwarder's per-event semantics with scripted destinations (fakes, by design): each real
// destination type runs the same guarantees against its real service in its own test file.

const payloadOf = (body: string): { n: number } => (JSON.parse(body) as { payload: { n: number } }).payload;

describe('forwarding semantics', () => {
  const made = new Map<string, ScriptedDestination>();
  let server: TestServer;
  let pub: TestClient;
  let sub: TestClient;
  before(async () => {
    made.set('strict', new ScriptedDestination('strict', (batch) => ({ failed: batch.flatMap((e, index) => (payloadOf(e.body).n === 1 ? [{ index, code: 'InvalidMessageContents', message: 'n=1 is not allowed', retryable: false }] : [])) })));
    made.set('busy', new ScriptedDestination('busy', (batch) => ({ failed: batch.flatMap((e, index) => (payloadOf(e.body).n === 2 ? [{ index, code: 'Throttled', message: 'slow down', retryable: true }] : [])) })));
    made.set('slow', new ScriptedDestination('slow', () => 'hang'));
    made.set('later', new ScriptedDestination('later'));
    made.set('small', new ScriptedDestination('small', undefined, 2));
    server = await startTestServer(
      {
        destinations: [
          { name: 'strict', type: 'WEBHOOK', guarantee: 'required', url: 'http://unused/', secret: 'unused-secret-0000' },
          { name: 'busy', type: 'WEBHOOK', guarantee: 'required', url: 'http://unused/', secret: 'unused-secret-0000' },
          { name: 'slow', type: 'WEBHOOK', guarantee: 'required', timeoutMs: 200, url: 'http://unused/', secret: 'unused-secret-0000' },
          { name: 'later', type: 'WEBHOOK', url: 'http://unused/', secret: 'unused-secret-0000' },
          { name: 'small', type: 'WEBHOOK', guarantee: 'required', url: 'http://unused/', secret: 'unused-secret-0000' },
        ],
        namespaces: [{ name: 'default', forward: ['strict', 'busy', 'later'] }, { name: 'chat', forward: ['slow'] }, { name: 'batches', forward: ['small'] }],
      },
      { destinations: async (config: DestinationConfig) => made.get(config.name)! },
    );
    [pub, sub] = await Promise.all([TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY }), TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY })]);
    await sub.subscribe('d', '/default/*', TEST_KEY);
  });
  after(async () => {
    await Promise.all([pub.close(), sub.close()]);
    await server.close();
  });

  it('fails per event what a required destination refused, broadcasts the rest, and queues only that for async destinations', async () => {
    const reply = await pub.publish('p', '/default/a', [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }], TEST_KEY);
    assert.deepEqual((reply['successful'] as { index: number }[]).map((s) => s.index), [0, 3]);
    const failed = reply['failed'] as { index: number; code: string; message: string }[];
    assert.deepEqual(failed.map((f) => [f.index, f.code, f.message]), [
      [1, 'DestinationRefusedError', 'Not forwarded to strict (InvalidMessageContents): n=1 is not allowed'],
      [2, 'ServiceUnavailableException', 'Not forwarded to busy (Throttled): slow down'],
    ]);
    await sub.next((f) => f.type === 'data' && f['event'] === '{"n":3}');
    await settle(50);
    assert.deepEqual(sub.data('d'), [{ n: 0 }, { n: 3 }]);
    const later = made.get('later')!;
    const deadline = Date.now() + 5000;
    while (later.delivered.length < 2 && Date.now() < deadline) await settle(10);
    assert.deepEqual(later.delivered.map((e) => payloadOf(e.body).n), [0, 3]);
    // Every required destination was asked about every event: at least once, even for events another refused.
    assert.deepEqual(made.get('strict')!.delivered.map((e) => payloadOf(e.body).n), [0, 2, 3]);
  });

  it('fails with Timeout (503) what a required destination does not confirm in timeoutMs', async () => {
    const started = Date.now();
    const reply = await pub.publish('t', '/chat/a', [{ n: 9 }], TEST_KEY);
    assert.ok(Date.now() - started < 2000);
    const failed = reply['failed'] as { code: string; message: string }[];
    assert.deepEqual(failed.map((f) => f.code), ['ServiceUnavailableException']);
    assert.match(failed[0]!.message, /^Not forwarded to slow \(Timeout\): destination slow did not confirm within 200 ms/);
  });

  it('sends a required destination a publish larger than its batch limit in order, in batches it takes', async () => {
    const reply = await pub.publish('b', '/batches/a', [1, 2, 3, 4, 5].map((n) => ({ n })), TEST_KEY);
    assert.equal((reply['successful'] as unknown[]).length, 5);
    const small = made.get('small')!;
    assert.deepEqual(small.calls.map((c) => c.map((e) => payloadOf(e.body).n)), [[1, 2], [3, 4], [5]]);
  });

  it('exposes the forwarding metrics under stable names', async () => {
    const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
    for (const line of [
      'switchboard_forward_sent_total{destination="strict",guarantee="required"} 3',
      'switchboard_forward_failed_total{destination="strict",guarantee="required",reason="not_confirmed"} 1',
      'switchboard_forward_failed_total{destination="busy",guarantee="required",reason="not_confirmed"} 1',
      'switchboard_forward_failed_total{destination="slow",guarantee="required",reason="not_confirmed"} 1',
      'switchboard_forward_sent_total{destination="later",guarantee="async"} 2',
      'switchboard_forward_queued{destination="later"} 0',
      'switchboard_forward_up{destination="later",guarantee="async"} 1',
      'switchboard_forward_up{destination="slow",guarantee="required"} 0',
    ]) {
      assert.ok(text.includes(`\n${line}\n`), `${line}\n---\n${text}`);
    }
    assert.match(text, /# TYPE switchboard_forward_retried_total counter/);
  });
});
