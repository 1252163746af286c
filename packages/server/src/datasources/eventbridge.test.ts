import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, type Frame } from '../test-support/ws-client.js';

process.env['AWS_ACCESS_KEY_ID'] ??= 'switchboard-test';
process.env['AWS_SECRET_ACCESS_KEY'] ??= 'switchboard-test';

// The EventBridge example of docs/data-sources.md: the request of AWS's EventBridge function
// reference, with a response that returns the events (onPublish must).
const FORWARD = readFileSync(fileURLToPath(new URL('../../../../examples/data-sources/handlers/bus.js', import.meta.url)), 'utf8');

const errorOf = (f: Frame): { errorType: string; errorCode: number; message: string } => (f['errors'] as never[])[0]!;

/**
 * A stand-in for the EventBridge API (there is no local EventBridge): it records what the AWS SDK
 * sends (the AWS JSON 1.1 protocol, SigV4-signed) and answers as EventBridge documents.
 */
function eventBridgeEndpoint(seen: { headers: IncomingMessage['headers']; body: { Entries: Record<string, unknown>[] } }[]): Server {
  return createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as { Entries: Record<string, unknown>[] };
      seen.push({ headers: req.headers, body });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (body.Entries.some((e) => e['Source'] === '/bus/invalid')) {
        res.statusCode = 400;
        return void res.end(JSON.stringify({ __type: 'ValidationException', message: 'Source is not valid' }));
      }
      const Entries = body.Entries.map((e, i) => (JSON.parse(String(e['Detail'])).payload?.fail ? { ErrorCode: 'InternalFailure', ErrorMessage: 'could not store' } : { EventId: `evt-${i}` }));
      res.end(JSON.stringify({ Entries, FailedEntryCount: Entries.filter((e) => 'ErrorCode' in e).length }));
    });
  });
}

describe('AMAZON_EVENTBRIDGE data source through the AWS SDK', () => {
  let endpoint: Server;
  let files: HandlerFiles;
  let server: TestServer;
  let client: TestClient;
  const seen: { headers: IncomingMessage['headers']; body: { Entries: Record<string, unknown>[] } }[] = [];

  before(async () => {
    endpoint = eventBridgeEndpoint(seen);
    await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', () => r()));
    files = new HandlerFiles('eventbridge');
    files.write('package.json', '{"type":"module"}');
    server = await startTestServer({
      dataSources: [{ name: 'bus', type: 'AMAZON_EVENTBRIDGE', eventBusName: 'orders', region: 'eu-west-1', endpoint: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}` }],
      namespaces: [{ name: 'bus', code: files.write('forward.js', FORWARD), onPublish: { dataSource: 'bus' } }],
    });
    client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    client.send({ type: 'subscribe', id: 's', channel: '/bus/*', authorization: { 'x-api-key': TEST_KEY } });
    await client.reply('s', 10_000);
  });

  after(async () => {
    await client?.close();
    await server?.close();
    endpoint.closeAllConnections();
    await new Promise<void>((r) => endpoint.close(() => r()));
    files.remove();
  });

  const publish = (id: string, channel: string, events: unknown[]): Promise<Frame> => {
    client.send({ type: 'publish', id, channel, events: events.map((e) => JSON.stringify(e)), authorization: { 'x-api-key': TEST_KEY } });
    return client.reply(id, 15_000);
  };

  it('sends one signed PutEvents with an entry per event to the configured bus', async () => {
    const reply = await publish('p1', '/bus/orders', [{ order: 1 }, { order: 2 }]);
    assert.equal(reply.type, 'publish_success');
    assert.equal((reply['successful'] as unknown[]).length, 2);
    const request = seen.at(-1)!;
    assert.equal(request.headers['x-amz-target'], 'AWSEvents.PutEvents');
    assert.equal(request.headers['content-type'], 'application/x-amz-json-1.1');
    assert.match(String(request.headers['authorization']), /^AWS4-HMAC-SHA256 Credential=switchboard-test\/\d{8}\/eu-west-1\/events\/aws4_request/);
    assert.deepEqual(request.body.Entries, [
      { EventBusName: 'orders', Source: '/bus/orders', DetailType: 'bus', Detail: '{"payload":{"order":1}}' },
      { EventBusName: 'orders', Source: '/bus/orders', DetailType: 'bus', Detail: '{"payload":{"order":2}}' },
    ]);
    await client.next(() => client.data('s').length === 2, 10_000);
  });

  it('gives index-aligned Entries and FailedEntryCount in ctx.result', async () => {
    const reply = await publish('p2', '/bus/orders', [{ order: 3 }, { order: 4, fail: true }]);
    assert.equal((reply['successful'] as unknown[]).length, 1);
    assert.deepEqual((reply['failed'] as { index: number; message: string }[]).map((f) => [f.index, f.message]), [[1, 'could not store']]);
  });

  it("gives EventBridge's error as ctx.error", async () => {
    const reply = await publish('p3', '/bus/invalid', [{ order: 5 }]);
    assert.deepEqual(errorOf(reply), { errorType: 'EventBridge:ValidationException', message: 'Source is not valid', errorCode: 403 });
  });
});
