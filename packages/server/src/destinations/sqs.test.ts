import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { DestinationConfigInput } from '../config/destinations-schema.js';
import { RecordingEndpoint, verifiedSigV4, type Answer, type RecordedRequest } from '../test-support/recording-endpoint.js';
import { postEvents } from '../test-support/http-publish.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, settle } from '../test-support/ws-client.js';
import { destinationContract } from './contract.js';
import { SqsDestination } from './sqs.js';

// SQS cannot run here: a local endpoint speaking its JSON protocol stands in, and the tests check
// the requests the real AWS SDK sends it (signature included).

const credentials = { accessKeyId: 'AKIDSWITCHBOARDTEST', secretAccessKey: 'sqs-test-secret-key-0123456789' };
const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

interface SqsEntry {
  Id: string;
  MessageBody: string;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue: string }>;
}
const entriesOf = (request: RecordedRequest): SqsEntry[] => (JSON.parse(request.body) as { Entries: SqsEntry[] }).Entries;

/** SQS's answer to SendMessageBatch: every entry successful unless `fail` says otherwise. */
function answer(fail: (entry: SqsEntry) => { Code: string; SenderFault: boolean } | undefined = () => undefined): (request: RecordedRequest) => Answer {
  return (request) => {
    const entries = entriesOf(request);
    const failed = entries.flatMap((e) => {
      const f = fail(e);
      return f === undefined ? [] : [{ Id: e.Id, Code: f.Code, SenderFault: f.SenderFault, Message: `refused: ${f.Code}` }];
    });
    const successful = entries.filter((e) => !failed.some((f) => f.Id === e.Id)).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: md5(e.MessageBody) }));
    return { status: 200, body: JSON.stringify({ Successful: successful, Failed: failed }), headers: { 'content-type': 'application/x-amz-json-1.0' } };
  };
}

destinationContract(
  'AMAZON_SQS (local endpoint)',
  { ok: true },
  async () => {
    const endpoint = await RecordingEndpoint.start(answer());
    return {
      serviceUrl: endpoint.url,
      make: (url) =>
        new SqsDestination({ name: 'contract', type: 'AMAZON_SQS', guarantee: 'required', timeoutMs: 2000, region: 'eu-west-1', endpoint: url, credentials, queueUrl: `${url}/000000000000/contract`, messageGroupId: '{channel}', queue: { maxEvents: 1, maxBytes: 1, overflow: 'reject' }, retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 } }),
      bodies: async () => endpoint.requests.flatMap((r) => entriesOf(r).map((e) => e.MessageBody)),
      close: () => endpoint.close(),
    };
  },
  { connectionless: true },
);

describe('forwarding to Amazon SQS (local endpoint)', () => {
  let endpoint: RecordingEndpoint;
  let server: TestServer;
  let sub: TestClient;
  const destinations = (queueUrl: string): DestinationConfigInput[] => [
    { name: 'orders', type: 'AMAZON_SQS', guarantee: 'required', region: 'eu-west-1', endpoint: endpoint.url, credentials, queueUrl },
    { name: 'audit', type: 'AMAZON_SQS', guarantee: 'async', region: 'eu-west-1', endpoint: endpoint.url, credentials, queueUrl: `${endpoint.url}/000000000000/audit` },
  ];
  before(async () => {
    endpoint = await RecordingEndpoint.start(answer());
    server = await startTestServer({
      destinations: destinations(`${endpoint.url}/000000000000/orders.fifo`),
      namespaces: [{ name: 'default', forward: ['orders'] }, { name: 'chat', forward: ['audit'] }],
    });
    sub = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await sub.subscribe('s', '/default/*', TEST_KEY);
  });
  after(async () => {
    await sub.close();
    await server.close();
    await endpoint.close();
  });
  const post = (channel: string, events: unknown[]) => postEvents(server.httpUrl, channel, events);

  it('sends a signed SendMessageBatch with the envelopes, the channel as FIFO group and the event id as deduplication id', async () => {
    endpoint.requests.length = 0;
    const reply = await post('/default/room/1', [{ n: 1 }, { n: 2 }]);
    assert.equal(reply.successful.length, 2);
    assert.equal(endpoint.requests.length, 1);
    const request = endpoint.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['x-amz-target'], 'AmazonSQS.SendMessageBatch');
    assert.match(request.headers['content-type'] ?? '', /application\/x-amz-json-1\.0/);
    assert.deepEqual(verifiedSigV4(request, credentials.secretAccessKey), { accessKeyId: credentials.accessKeyId, region: 'eu-west-1', service: 'sqs' });
    assert.equal(verifiedSigV4(request, 'another-secret-key-000000000'), undefined, 'the check can fail');
    assert.equal((JSON.parse(request.body) as { QueueUrl: string }).QueueUrl, `${endpoint.url}/000000000000/orders.fifo`);
    const entries = entriesOf(request);
    assert.deepEqual(entries.map((e) => [e.Id, e.MessageGroupId, e.MessageDeduplicationId]), [
      ['e0', 'default/room/1', reply.successful[0]!.identifier],
      ['e1', 'default/room/1', reply.successful[1]!.identifier],
    ]);
    assert.deepEqual(entries[0]!.MessageAttributes, { 'switchboard-channel': { DataType: 'String', StringValue: '/default/room/1' } });
    const envelope = JSON.parse(entries[1]!.MessageBody) as Record<string, unknown>;
    assert.deepEqual([envelope['version'], envelope['id'], envelope['channel'], envelope['payload']], [1, reply.successful[1]!.identifier, '/default/room/1', { n: 2 }]);
    assert.ok(!server.logs.some((l) => JSON.stringify(l).includes(credentials.secretAccessKey)), 'the secret key is never logged');
  });

  it('fails only the entries SQS refused: a sender fault with DestinationRefusedError, a server fault with ServiceUnavailableException, and broadcasts the rest', async () => {
    endpoint.answer = answer((e) => {
      const n = (JSON.parse(e.MessageBody) as { payload: { n: number } }).payload.n;
      return n === 2 ? { Code: 'InvalidMessageContents', SenderFault: true } : n === 3 ? { Code: 'InternalError', SenderFault: false } : undefined;
    });
    try {
      const seen = sub.data('s').length;
      const reply = await post('/default/room/2', [{ n: 1 }, { n: 2 }, { n: 3 }]);
      assert.deepEqual(reply.successful.map((s) => s.index), [0]);
      assert.deepEqual(reply.failed.map((f) => [f.index, f.code]), [[1, 'DestinationRefusedError'], [2, 'ServiceUnavailableException']]);
      assert.match(reply.failed[0]!.message, /^Not forwarded to orders \(InvalidMessageContents\): refused: InvalidMessageContents/);
      await sub.next((f) => f.type === 'data' && f['event'] === '{"n":1}');
      await settle(100);
      assert.equal(sub.data('s').length, seen + 1);
    } finally {
      endpoint.answer = answer();
    }
  });

  it('fails the whole publish with 503 when SQS answers an error', async () => {
    endpoint.answer = () => ({ status: 500, body: JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: 'boom' }), headers: { 'content-type': 'application/x-amz-json-1.0' } });
    try {
      const reply = await post('/default/room/3', [{ n: 1 }]);
      assert.deepEqual(reply.failed.map((f) => f.code), ['ServiceUnavailableException']);
      assert.match(reply.failed[0]!.message, /InternalError/);
    } finally {
      endpoint.answer = answer();
    }
  });

  it('sends async events in requests of at most ten entries, in order, without a group on a standard queue', async () => {
    endpoint.requests.length = 0;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(...(await post('/chat/x', [0, 1, 2, 3, 4].map((k) => ({ n: i * 5 + k })))).successful.map((s) => s.identifier));
    const deadline = Date.now() + 10_000;
    while (endpoint.requests.flatMap(entriesOf).length < 25 && Date.now() < deadline) await settle(20);
    const entries = endpoint.requests.flatMap(entriesOf);
    assert.deepEqual(entries.map((e) => (JSON.parse(e.MessageBody) as { id: string }).id), ids);
    assert.ok(endpoint.requests.every((r) => entriesOf(r).length <= 10));
    assert.ok(entries.every((e) => e.MessageGroupId === undefined && e.MessageDeduplicationId === undefined));
  });
});
