import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HandlerFiles } from '../test-support/handler-files.js';
import { metricValue } from '../test-support/metrics.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient } from '../test-support/ws-client.js';

const CODE = `
import { util } from '@aws-appsync/utils';
export const onPublish = {
  request(ctx) { return { operation: 'Invoke', payload: { channel: ctx.info.channel.path, events: ctx.events } }; },
  response(ctx) {
    if (ctx.error) util.error(ctx.error.message, 'SourceDown');
    return ctx.result;
  },
};
export const onSubscribe = {
  request(ctx) { return { operation: 'Invoke', payload: { channel: ctx.info.channel.path } }; },
  response(ctx) {},
};
`;

const SOURCE = `
export const handler = async (event) => {
  if (event.channel === '/ds/broken') throw new Error('the data source is down');
  return event.events ?? { allowed: true };
};
`;

/** Where the OpenTelemetry API keeps its registered SDK. */
const OTEL_API = Symbol.for('opentelemetry.js.api.1');

describe('GET /metrics after known traffic', () => {
  let files: HandlerFiles;
  let server: TestServer;
  before(async () => {
    files = new HandlerFiles('scrape');
    files.write('package.json', '{"type":"module"}');
    const code = files.write('code.js', CODE);
    const source = files.write('source.js', SOURCE);
    server = await startTestServer({
      dataSources: [{ name: 'source', type: 'AWS_LAMBDA', function: source, runtime: 'inline' }],
      namespaces: [{ name: 'default' }, { name: 'ds', code, onPublish: { dataSource: 'source' }, onSubscribe: { dataSource: 'source' } }],
    });
  });
  after(async () => {
    await server.close();
    files.remove();
  });

  it('has the exact counter values and histogram counts of the requests, handlers, data sources, auth decisions and broker messages', async (t) => {
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    t.after(() => client.close());
    await client.subscribe('all', '/default/*', TEST_KEY);
    await client.subscribe('ds', '/ds/x', TEST_KEY);
    await client.publish('p1', '/default/a', [1, 2], TEST_KEY);
    const post = (channel: string, events: unknown[], key = TEST_KEY): Promise<Response> =>
      fetch(`${server.httpUrl}/event`, { method: 'POST', headers: { 'x-api-key': key }, body: JSON.stringify({ channel, events: events.map((e) => JSON.stringify(e)) }) });
    assert.equal((await post('/default/b', [3, 4, 5])).status, 200);
    await client.publish('p2', '/ds/x', [6], TEST_KEY);
    assert.equal((await post('/default/c', [7], 'da2-notthekeynotthekeynotthekey')).status, 401);
    const broken = await post('/ds/broken', [8]);
    assert.match(await broken.text(), /SourceDown/);
    await client.next((f) => f['id'] === 'ds' && f['event'] === '6');
    await client.next((f) => f['id'] === 'all' && f['event'] === '5');

    const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
    const expected: [string, number][] = [
      ['switchboard_publishes_total{transport="ws"}', 2],
      ['switchboard_publishes_total{transport="http"}', 1],
      ['switchboard_events_published_total', 6],
      ['switchboard_deliveries_total', 6],
      ['switchboard_errors_total{errorType="UnauthorizedException",transport="http"}', 1],
      ['switchboard_errors_total{errorType="HandlerError",transport="http"}', 1],
      ['switchboard_publish_duration_seconds_count{transport="ws"}', 2],
      ['switchboard_publish_duration_seconds_count{transport="http"}', 1],
      ['switchboard_broker_publish_duration_seconds_count{broker="memory",result="ok"}', 3],
      ['switchboard_delivery_latency_seconds_count', 3],
      ['switchboard_handler_duration_seconds_count{namespace="ds",operation="onSubscribe",outcome="ok"}', 1],
      ['switchboard_handler_duration_seconds_count{namespace="ds",operation="onPublish",outcome="ok"}', 1],
      ['switchboard_handler_duration_seconds_count{namespace="ds",operation="onPublish",outcome="error"}', 1],
      ['switchboard_data_source_duration_seconds_count{namespace="ds",dataSource="source",outcome="ok"}', 2],
      ['switchboard_data_source_duration_seconds_count{namespace="ds",dataSource="source",outcome="error"}', 1],
      ['switchboard_auth_duration_seconds_count{operation="EVENT_CONNECT",mode="API_KEY",result="allow"}', 1],
      ['switchboard_auth_duration_seconds_count{operation="EVENT_SUBSCRIBE",mode="API_KEY",result="allow"}', 2],
      ['switchboard_auth_duration_seconds_count{operation="EVENT_PUBLISH",mode="API_KEY",result="allow"}', 4],
      ['switchboard_auth_duration_seconds_count{operation="EVENT_PUBLISH",mode="API_KEY",result="deny"}', 1],
    ];
    for (const [series, value] of expected) assert.equal(metricValue(text, series), value, series);
    // Every observation lands in the +Inf bucket; the first bucket (100 µs) bounds the others.
    assert.equal(metricValue(text, 'switchboard_publish_duration_seconds_bucket{le="+Inf",transport="ws"}'), 2);
    // Tracing is off: the OpenTelemetry SDK was never loaded or registered (tracing.test.ts sees it registered when on).
    assert.equal((globalThis as Record<symbol, unknown>)[OTEL_API], undefined);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      assert.match(text, new RegExp(`^${name} \\d`, 'm'), name);
    }
  });
});
