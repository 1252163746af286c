import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RecordingEndpoint, verifiedSigV4, type Answer, type RecordedRequest } from '../test-support/recording-endpoint.js';
import { postEvents } from '../test-support/http-publish.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { settle } from '../test-support/ws-client.js';
import { destinationContract } from './contract.js';
import { EventBridgeDestination } from './eventbridge.js';

// EventBridge cannot run here: a local endpoint speaking its JSON protocol stands in, and the
// tests check the requests the real AWS SDK sends it (signature included).

const credentials = { accessKeyId: 'AKIDSWITCHBOARDEB01', secretAccessKey: 'eventbridge-test-secret-0123456789' };

interface PutEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
}
const entriesOf = (request: RecordedRequest): PutEntry[] => (JSON.parse(request.body) as { Entries: PutEntry[] }).Entries;

/** EventBridge's answer to PutEvents: an EventId per entry unless `fail` gives an ErrorCode. */
function answer(fail: (entry: PutEntry) => string | undefined = () => undefined): (request: RecordedRequest) => Answer {
  return (request) => {
    const entries = entriesOf(request).map((e, i) => {
      const code = fail(e);
      return code === undefined ? { EventId: `ev-${i}` } : { ErrorCode: code, ErrorMessage: `refused: ${code}` };
    });
    const body = { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries };
    return { status: 200, body: JSON.stringify(body), headers: { 'content-type': 'application/x-amz-json-1.1' } };
  };
}

destinationContract(
  'AMAZON_EVENTBRIDGE (local endpoint)',
  { ok: true },
  async () => {
    const endpoint = await RecordingEndpoint.start(answer());
    return {
      serviceUrl: endpoint.url,
      make: (url) =>
        new EventBridgeDestination({ name: 'contract', type: 'AMAZON_EVENTBRIDGE', guarantee: 'required', timeoutMs: 2000, region: 'us-east-2', endpoint: url, credentials, eventBusName: 'bus', source: 'switchboard', detailType: '{channel}', queue: { maxEvents: 1, maxBytes: 1, overflow: 'reject' }, retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 } }),
      bodies: async () => endpoint.requests.flatMap((r) => entriesOf(r).map((e) => e.Detail)),
      close: () => endpoint.close(),
    };
  },
  { connectionless: true },
);

describe('forwarding to Amazon EventBridge (local endpoint)', () => {
  let endpoint: RecordingEndpoint;
  let server: TestServer;
  before(async () => {
    endpoint = await RecordingEndpoint.start(answer());
    server = await startTestServer({
      destinations: [
        { name: 'bus', type: 'AMAZON_EVENTBRIDGE', guarantee: 'required', region: 'us-east-2', endpoint: endpoint.url, credentials, eventBusName: 'orders-bus', source: 'com.example.switchboard', detailType: 'switchboard.{namespace}.{path}' },
        { name: 'later', type: 'AMAZON_EVENTBRIDGE', region: 'us-east-2', endpoint: endpoint.url, credentials, retry: { initialDelayMs: 10, maxDelayMs: 50 } },
      ],
      namespaces: [{ name: 'default', forward: ['bus'] }, { name: 'chat', forward: ['later'] }],
    });
  });
  after(async () => {
    await server.close();
    await endpoint.close();
  });
  const post = (channel: string, events: unknown[]) => postEvents(server.httpUrl, channel, events);

  it('sends a signed PutEvents with source, detail type from the channel and the envelope as detail', async () => {
    endpoint.requests.length = 0;
    const reply = await post('/default/eu/42', [{ total: 3 }]);
    assert.equal(reply.successful.length, 1);
    const request = endpoint.requests[0]!;
    assert.equal(request.headers['x-amz-target'], 'AWSEvents.PutEvents');
    assert.match(request.headers['content-type'] ?? '', /application\/x-amz-json-1\.1/);
    assert.deepEqual(verifiedSigV4(request, credentials.secretAccessKey), { accessKeyId: credentials.accessKeyId, region: 'us-east-2', service: 'events' });
    const [entry] = entriesOf(request);
    assert.deepEqual([entry!.EventBusName, entry!.Source, entry!.DetailType], ['orders-bus', 'com.example.switchboard', 'switchboard.default.eu/42']);
    const detail = JSON.parse(entry!.Detail) as Record<string, unknown>;
    assert.deepEqual([detail['id'], detail['channel'], detail['payload']], [reply.successful[0]!.identifier, '/default/eu/42', { total: 3 }]);
  });

  it('fails the entries EventBridge answers with an ErrorCode: DestinationRefusedError when final, ServiceUnavailableException when it may pass later', async () => {
    endpoint.answer = answer((e) => {
      const n = (JSON.parse(e.Detail) as { payload: { n: number } }).payload.n;
      return n === 1 ? 'MalformedDetail' : n === 2 ? 'ThrottlingException' : undefined;
    });
    try {
      const reply = await post('/default/a', [{ n: 0 }, { n: 1 }, { n: 2 }]);
      assert.deepEqual(reply.successful.map((s) => s.index), [0]);
      assert.deepEqual(reply.failed.map((f) => [f.index, f.code]), [[1, 'DestinationRefusedError'], [2, 'ServiceUnavailableException']]);
      assert.match(reply.failed[1]!.message, /\(ThrottlingException\): refused: ThrottlingException/);
    } finally {
      endpoint.answer = answer();
    }
  });

  it('async: sends again the entries refused with a retryable code, and only those', async () => {
    let throttled = 0;
    endpoint.requests.length = 0;
    endpoint.answer = answer((e) => ((JSON.parse(e.Detail) as { payload: { n: number } }).payload.n === 1 && throttled++ < 2 ? 'ThrottlingException' : undefined));
    try {
      const reply = await post('/chat/a', [{ n: 0 }, { n: 1 }, { n: 2 }]);
      assert.equal(reply.successful.length, 3);
      const deadline = Date.now() + 10_000;
      while (endpoint.requests.length < 3 && Date.now() < deadline) await settle(10);
      const sent = endpoint.requests.map((r) => entriesOf(r).map((e) => (JSON.parse(e.Detail) as { payload: { n: number } }).payload.n));
      assert.deepEqual(sent, [[0, 1, 2], [1], [1]]);
      assert.deepEqual(entriesOf(endpoint.requests[0]!).map((e) => [e.EventBusName, e.Source, e.DetailType]), [['default', 'switchboard', 'chat/a'], ['default', 'switchboard', 'chat/a'], ['default', 'switchboard', 'chat/a']]);
      assert.match(await server.switchboard.core.metrics.registry.render(), /switchboard_forward_retried_total\{destination="later"\} 2/);
    } finally {
      endpoint.answer = answer();
    }
  });
});
