import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TEST_KEY, startTestServer } from '../test-support/server.js';
import { TestClient } from '../test-support/ws-client.js';
import { metricValue } from '../test-support/metrics.js';

describe('GET /metrics', () => {
  it('counts connections, subscriptions, publishes, deliveries and errors in the Prometheus text format', async (t) => {
    const server = await startTestServer();
    const a = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    const b = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    t.after(async () => {
      await Promise.all([a.close(), b.close()]);
      await server.close();
    });
    await a.subscribe('x', '/default/m', TEST_KEY);
    await b.subscribe('y', '/default/*', TEST_KEY);
    await a.publish('p', '/default/m', [1, 2], TEST_KEY);
    await b.next((f) => f['event'] === '2');
    await a.publish('bad', '/nowhere/m', [1], TEST_KEY);
    await fetch(`${server.httpUrl}/event`, { method: 'POST', headers: { 'x-api-key': TEST_KEY }, body: JSON.stringify({ channel: '/default/m', events: ['3'] }) });
    // With credentials: a request without any is refused (401) before its body is read.
    await fetch(`${server.httpUrl}/event`, { method: 'POST', headers: { 'x-api-key': TEST_KEY }, body: '{}' });
    const res = await fetch(`${server.httpUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.equal(metricValue(text, 'switchboard_connections'), 2);
    assert.equal(metricValue(text, 'switchboard_subscriptions'), 2);
    assert.equal(metricValue(text, 'switchboard_publishes_total{transport="ws"}'), 1);
    assert.equal(metricValue(text, 'switchboard_publishes_total{transport="http"}'), 1);
    assert.equal(metricValue(text, 'switchboard_events_published_total'), 3);
    assert.equal(metricValue(text, 'switchboard_deliveries_total'), 6, '3 events x 2 matching subscriptions');
    assert.equal(metricValue(text, 'switchboard_errors_total{errorType="ResourceNotFound",transport="ws"}'), 1);
    assert.equal(metricValue(text, 'switchboard_errors_total{errorType="BadRequestException",transport="http"}'), 1);
    assert.equal(metricValue(text, 'switchboard_broker_up{broker="memory"}'), 1);
  });

  it('can live on a listener of its own (server.metricsPort) behind a bearer token (server.metricsToken)', async (t) => {
    const token = 'a-metrics-token-of-sixteen+';
    const server = await startTestServer({ server: { host: '127.0.0.1', port: 0, metricsPort: 0, metricsToken: token } });
    t.after(() => server.close());
    assert.ok(server.metricsUrl, 'listen() reports where the metrics are');
    assert.notEqual(new URL(server.metricsUrl).port, new URL(server.httpUrl).port);
    assert.equal((await fetch(`${server.httpUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status, 404, 'not on the public port');
    const refused = await fetch(server.metricsUrl);
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="metrics"');
    assert.equal((await fetch(server.metricsUrl, { headers: { authorization: 'Bearer not-the-token-not-the-token' } })).status, 401);
    const res = await fetch(server.metricsUrl, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^switchboard_connections 0$/m);
    assert.equal((await fetch(server.metricsUrl.replace('/metrics', '/event'))).status, 404);
  });

  it('asks for the token on the public port too when only server.metricsToken is set', async (t) => {
    const token = 'a-metrics-token-of-sixteen+';
    const server = await startTestServer({ server: { host: '127.0.0.1', port: 0, metricsToken: token } });
    t.after(() => server.close());
    assert.equal((await fetch(`${server.httpUrl}/metrics`)).status, 401);
    assert.equal((await fetch(`${server.httpUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
  });

  it('is off when server.metrics is false', async (t) => {
    const server = await startTestServer({ server: { host: '127.0.0.1', port: 0, metrics: false } });
    t.after(() => server.close());
    assert.equal((await fetch(`${server.httpUrl}/metrics`)).status, 404);
  });
});
