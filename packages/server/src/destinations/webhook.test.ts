import assert from 'node:assert/strict';
import { timingSafeEqual } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RecordingEndpoint, type RecordedRequest } from '../test-support/recording-endpoint.js';
import { postEvents } from '../test-support/http-publish.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { settle } from '../test-support/ws-client.js';
import { destinationContract } from './contract.js';
import { SIGNATURE_HEADER, WebhookDestination, webhookSignature } from './webhook.js';

const SECRET = 'whsec-switchboard-test-0123456789';

/** What a receiver does with `x-switchboard-signature` (the documented recipe): true when it verifies. */
function verifies(request: RecordedRequest, secret: string, toleranceSec = 300): boolean {
  const fields = new Map((request.headers[SIGNATURE_HEADER] ?? '').split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(fields.get('t'));
  const v1 = Buffer.from(fields.get('v1') ?? '', 'hex');
  const expected = Buffer.from(webhookSignature(secret, t, request.body), 'hex');
  return Math.abs(Date.now() / 1000 - t) <= toleranceSec && v1.length === expected.length && timingSafeEqual(v1, expected);
}
const eventsOf = (request: RecordedRequest): { id: string; payload: unknown }[] => (JSON.parse(request.body) as { events: { id: string; payload: unknown }[] }).events;

destinationContract(
  'WEBHOOK (local receiver)',
  { ok: true },
  async () => {
    const receiver = await RecordingEndpoint.start(() => ({ status: 204 }));
    return {
      serviceUrl: receiver.url,
      make: (url) => new WebhookDestination({ name: 'contract', type: 'WEBHOOK', guarantee: 'required', timeoutMs: 2000, url: `${url}/hook`, secret: SECRET, headers: {}, queue: { maxEvents: 1, maxBytes: 1, overflow: 'reject' }, retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 } }),
      bodies: async () => receiver.requests.flatMap((r) => (JSON.parse(r.body) as { events: unknown[] }).events.map((e) => JSON.stringify(e))),
      close: () => receiver.close(),
    };
  },
  { connectionless: true },
);

describe('forwarding to a webhook (local receiver)', () => {
  let receiver: RecordingEndpoint;
  let server: TestServer;
  before(async () => {
    receiver = await RecordingEndpoint.start(() => ({ status: 200, body: 'ok' }));
    server = await startTestServer({
      destinations: [
        { name: 'hook', type: 'WEBHOOK', guarantee: 'required', url: `${receiver.url}/hooks/orders?src=sb`, secret: SECRET, headers: { 'x-tenant': 'acme' } },
        { name: 'later', type: 'WEBHOOK', url: `${receiver.url}/hooks/later`, secret: SECRET, retry: { initialDelayMs: 10, maxDelayMs: 50, maxAttempts: 3 } },
      ],
      namespaces: [{ name: 'default', forward: ['hook'] }, { name: 'chat', forward: ['later'] }],
    });
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });
  const post = (channel: string, events: unknown[]) => postEvents(server.httpUrl, channel, events);

  it('POSTs the batch as {"events": [...]} with a signature the receiver can verify', async () => {
    receiver.requests.length = 0;
    const reply = await post('/default/room', [{ a: 1 }, { a: 2 }]);
    assert.equal(reply.successful.length, 2);
    const request = receiver.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/hooks/orders?src=sb');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['x-tenant'], 'acme');
    assert.match(request.headers['x-switchboard-delivery'] ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(verifies(request, SECRET), 'the signature verifies with the shared secret');
    assert.equal(verifies(request, 'another-secret-0000000000000'), false, 'and not with another');
    assert.equal(verifies({ ...request, body: request.body.replace('"a":1', '"a":9') }, SECRET), false, 'nor over a changed body');
    assert.deepEqual(eventsOf(request).map((e) => [e.id, e.payload]), [[reply.successful[0]!.identifier, { a: 1 }], [reply.successful[1]!.identifier, { a: 2 }]]);
    assert.ok(!server.logs.some((l) => JSON.stringify(l).includes(SECRET)), 'the secret is never logged');
  });

  it('fails the publish when the receiver answers 4xx (DestinationRefusedError, final) or 5xx (ServiceUnavailableException), and never follows a redirect', async () => {
    for (const [status, code] of [[400, 'DestinationRefusedError'], [503, 'ServiceUnavailableException'], [302, 'DestinationRefusedError']] as const) {
      receiver.answer = () => (status === 302 ? { status, headers: { location: 'http://example.invalid/steal' } } : { status });
      const reply = await post('/default/room', [{ status }]);
      assert.deepEqual(reply.failed.map((f) => f.code), [code], `HTTP ${status}`);
      assert.match(reply.failed[0]!.message, new RegExp(`\\(HttpStatus${status}\\)`));
    }
    receiver.answer = () => ({ status: 200 });
  });

  it('async: retries a 5xx with backoff until the receiver takes it, and gives up on a 4xx at once', async () => {
    receiver.requests.length = 0;
    let calls = 0;
    receiver.answer = (r) => (r.path === '/hooks/later' && (JSON.parse(r.body) as { events: { payload: { k: string } }[] }).events[0]!.payload.k === 'bad' ? { status: 422 } : ++calls <= 2 ? { status: 500 } : { status: 202 });
    try {
      await post('/chat/a', [{ k: 'good' }]);
      const deadline = Date.now() + 10_000;
      while (receiver.requests.length < 3 && Date.now() < deadline) await settle(10);
      assert.equal(receiver.requests.length, 3);
      assert.ok(receiver.requests.every((r) => verifies(r, SECRET)));
      assert.equal(new Set(receiver.requests.map((r) => r.headers['x-switchboard-delivery'])).size, 3, 'a fresh delivery id per attempt');
      await post('/chat/a', [{ k: 'bad' }]);
      while (!server.logs.some((l) => l['msg'] === 'undelivered event') && Date.now() < deadline) await settle(10);
      await settle(100);
      assert.equal(receiver.requests.length, 4, 'a 422 is not retried');
      const line = server.logs.find((l) => l['msg'] === 'events not forwarded')!;
      assert.deepEqual([line['destination'], line['reason'], line['code']], ['later', 'refused', 'HttpStatus422']);
    } finally {
      receiver.answer = () => ({ status: 200 });
    }
  });
});
