import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient } from '../test-support/ws-client.js';

const CODE = `
export const onPublish = {
  request(ctx) { return { operation: 'Invoke', payload: { events: ctx.events } }; },
  response(ctx) { return ctx.result; },
};
export const onSubscribe = (ctx) => {};
`;

// The data source reports the trace header it was given, the way Lambda gives it to a function.
const SOURCE = `
export const handler = async (event) => event.events.map((e) => ({ ...e, payload: { ...e.payload, trace: process.env._X_AMZN_TRACE_ID ?? null } }));
`;

/** A span as OTLP/JSON carries it (ids in hex). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number; message?: string };
}

/**
 * An OTLP/HTTP receiver: the endpoint a collector would offer, decoding what the exporter really
 * sends (OTLP JSON).
 */
class OtlpReceiver {
  readonly spans: OtlpSpan[] = [];
  readonly contentTypes: string[] = [];
  readonly #server: Server;

  constructor() {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        this.contentTypes.push(String(req.headers['content-type']));
        if (req.url === '/v1/traces') {
          const message = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
          for (const rs of message.resourceSpans) for (const ss of rs.scopeSpans) this.spans.push(...ss.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/v1/traces`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

const attribute = (span: OtlpSpan, key: string): unknown => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
};

describe('traces over OTLP/HTTP', () => {
  let files: HandlerFiles;
  let receiver: OtlpReceiver;
  let server: TestServer;
  const callerTrace = randomBytes(16).toString('hex');
  const callerSpan = randomBytes(8).toString('hex');
  let requestId: string;
  let published: Record<string, unknown>;

  before(async () => {
    files = new HandlerFiles('tracing');
    files.write('package.json', '{"type":"module"}');
    const code = files.write('code.js', CODE);
    const source = files.write('source.js', SOURCE);
    receiver = new OtlpReceiver();
    const endpoint = await receiver.listen();
    server = await startTestServer({
      dataSources: [{ name: 'source', type: 'AWS_LAMBDA', function: source }],
      namespaces: [{ name: 'default' }, { name: 'ds', code, onPublish: { dataSource: 'source' } }],
      tracing: { endpoint, serviceName: 'switchboard-test' },
    });
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await client.subscribe('s', '/ds/room', TEST_KEY);
    const res = await fetch(`${server.httpUrl}/event`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_KEY, traceparent: `00-${callerTrace}-${callerSpan}-01` },
      body: JSON.stringify({ channel: '/ds/room', events: ['{"n":1}'] }),
    });
    assert.equal(res.status, 200);
    requestId = res.headers.get('x-amzn-requestid')!;
    const frame = await client.next((f) => f['type'] === 'data' && f['id'] === 's');
    published = JSON.parse(String(frame['event'])) as Record<string, unknown>;
    await client.close();
    // Shutdown flushes the batch: every span of the traffic above has been exported when it resolves.
    await server.close();
  });
  after(async () => {
    await receiver.close();
    files.remove();
  });

  it('exports OTLP JSON to the configured endpoint, with the OpenTelemetry SDK registered', () => {
    assert.ok((globalThis as Record<symbol, unknown>)[Symbol.for('opentelemetry.js.api.1')]);
    assert.ok(receiver.spans.length > 0);
    assert.ok(receiver.contentTypes.every((t) => t.startsWith('application/json')), receiver.contentTypes.join());
  });

  it('continues the caller\'s traceparent: publish, with auth, handler (with its data source) and broker as children', () => {
    const inTrace = receiver.spans.filter((s) => s.traceId === callerTrace);
    const byName = (name: string): OtlpSpan => {
      const found = inTrace.filter((s) => s.name === name);
      assert.equal(found.length, 1, `one ${name} span in the caller's trace: ${inTrace.map((s) => s.name).join(', ')}`);
      return found[0]!;
    };
    const publish = byName('publish');
    assert.equal(publish.parentSpanId, callerSpan, 'the publish span is a child of the caller\'s span');
    assert.equal(publish.kind, 2, 'SERVER');
    assert.equal(attribute(publish, 'switchboard.request_id'), requestId);
    assert.equal(attribute(publish, 'switchboard.namespace'), 'ds');
    const auth = byName('auth');
    assert.equal(auth.parentSpanId, publish.spanId);
    assert.equal(attribute(auth, 'switchboard.auth.mode'), 'API_KEY');
    const handler = byName('handler onPublish');
    assert.equal(handler.parentSpanId, publish.spanId);
    const dataSource = byName('data source');
    assert.equal(dataSource.parentSpanId, handler.spanId);
    assert.equal(dataSource.kind, 3, 'CLIENT');
    const broker = byName('broker publish');
    assert.equal(broker.parentSpanId, publish.spanId);
    assert.equal(broker.kind, 4, 'PRODUCER');
    assert.equal(attribute(broker, 'messaging.system'), 'memory');
    assert.equal(inTrace.length, 5, 'deliveries are not spans');
    // The data source function ran inside its span, and got it as Lambda passes a trace.
    assert.equal(published['trace'], `Root=1-${callerTrace.slice(0, 8)}-${callerTrace.slice(8)};Parent=${dataSource.spanId};Sampled=1`);
  });

  it('traces each subscribe, with its auth and handler as children', () => {
    const subscribe = receiver.spans.find((s) => s.name === 'subscribe');
    assert.ok(subscribe, receiver.spans.map((s) => s.name).join(', '));
    assert.equal(subscribe.parentSpanId ?? '', '', 'a subscribe starts its own trace');
    const children = receiver.spans.filter((s) => s.parentSpanId === subscribe.spanId).map((s) => s.name).sort();
    assert.deepEqual(children, ['auth', 'handler onSubscribe']);
  });
});
