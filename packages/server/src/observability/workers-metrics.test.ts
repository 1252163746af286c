import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, waitForOutput } from '../test-support/cli-process.js';
import { metricValue } from '../test-support/metrics.js';
import { REDIS_URL, serviceAvailable } from '../test-support/services.js';
import { TestClient } from '../test-support/ws-client.js';

const KEY = 'da2-switchboardlocaltestkey0001';
const TOKEN = 'metrics-token-for-the-test-0001';

describe('metrics under --workers 2', () => {
  it('one scrape, on the public port or the primary\'s metrics port, returns the totals of every worker', async (t) => {
    const redis = await serviceAvailable('Redis', REDIS_URL);
    if (!redis.ok) return t.skip(redis.reason);
    const dir = await mkdtemp(join(tmpdir(), 'sb-workers-metrics-'));
    const config = join(dir, 'switchboard.yaml');
    await writeFile(config, [
      'server:', '  metricsPort: 0', `  metricsToken: ${TOKEN}`,
      'auth:', '  apiKeys:', `    - key: ${KEY}`, 'namespaces:', '  - name: default',
      'broker:', '  type: redis', `  url: ${REDIS_URL}`, `  prefix: workers-metrics-${randomUUID().slice(0, 8)}`, '',
    ].join('\n'));
    const run = runCli(['start', '--config', config, '--workers', '2', '--port', '0', '--host', '127.0.0.1']);
    t.after(() => run.child.kill('SIGKILL'));
    const metricsUrl = (await waitForOutput(run, /"metrics":"(http:\/\/[^"]+)"/, 30_000))[1]!;
    await waitForOutput(run, /"msg":"listening"[\s\S]*"msg":"listening"/, 30_000);
    const http = run.stdout().match(/"http":"(http:\/\/[^"]+)\/event"/)![1]!;
    const realtime = `${http.replace(/^http/, 'ws')}/event/realtime`;

    // Connections are spread over the two workers: each publishes on its own, each subscriber
    // gets every event through Redis.
    const subscribers = await Promise.all(Array.from({ length: 4 }, () => TestClient.connect(realtime, { apiKey: KEY })));
    t.after(() => Promise.all(subscribers.map((c) => c.close())));
    await Promise.all(subscribers.map((c, i) => c.subscribe(`s${i}`, '/default/*', KEY)));
    for (let n = 0; n < 3; n++) {
      const publisher = await TestClient.connect(realtime, { apiKey: KEY });
      assert.equal((await publisher.publish('p', '/default/ws', [n], KEY)).type, 'publish_success');
      await publisher.close();
    }
    for (let n = 3; n < 7; n++) {
      const res = await fetch(`${http}/event`, { method: 'POST', headers: { 'x-api-key': KEY, connection: 'close' }, body: JSON.stringify({ channel: '/default/http', events: [String(n)] }) });
      assert.equal(res.status, 200);
    }
    await Promise.all(subscribers.map((c, i) => c.next((f) => f['id'] === `s${i}` && c.data(`s${i}`).length === 7, 10_000)));

    const workersSeen = new Set([...run.stdout().matchAll(/"worker":(\d+)/g)].map((m) => m[1]));
    assert.equal(workersSeen.size, 2, 'both workers started');
    const scrapes = [];
    // New connections each time, so the public port's scrapes reach both workers.
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${http}/metrics`, { headers: { authorization: `Bearer ${TOKEN}`, connection: 'close' } });
      // The public port does not serve /metrics when metricsPort is set.
      assert.equal(res.status, 404);
      const own = await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}`, connection: 'close' } });
      assert.equal(own.status, 200);
      scrapes.push(await own.text());
    }
    for (const text of scrapes) {
      assert.equal(metricValue(text, 'switchboard_publishes_total{transport="ws"}'), 3);
      assert.equal(metricValue(text, 'switchboard_publishes_total{transport="http"}'), 4);
      assert.equal(metricValue(text, 'switchboard_events_published_total'), 7);
      assert.equal(metricValue(text, 'switchboard_deliveries_total'), 28, '7 events x 4 subscribers, over both workers');
      assert.equal(metricValue(text, 'switchboard_publish_duration_seconds_count{transport="http"}'), 4);
      assert.equal(metricValue(text, 'switchboard_subscriptions'), 4);
      assert.equal(metricValue(text, 'switchboard_broker_up{broker="redis"}'), 1);
    }
    assert.equal((await fetch(metricsUrl)).status, 401, 'the token is required');
  });

  it('without a metrics port, a worker answers /metrics on the public port with the cluster\'s totals', async (t) => {
    const redis = await serviceAvailable('Redis', REDIS_URL);
    if (!redis.ok) return t.skip(redis.reason);
    const dir = await mkdtemp(join(tmpdir(), 'sb-workers-metrics-'));
    const config = join(dir, 'switchboard.yaml');
    await writeFile(config, [
      'auth:', '  apiKeys:', `    - key: ${KEY}`, 'namespaces:', '  - name: default',
      'broker:', '  type: redis', `  url: ${REDIS_URL}`, `  prefix: workers-metrics-${randomUUID().slice(0, 8)}`, '',
    ].join('\n'));
    const run = runCli(['start', '--config', config, '--workers', '2', '--port', '0', '--host', '127.0.0.1']);
    t.after(() => run.child.kill('SIGKILL'));
    await waitForOutput(run, /"msg":"listening"[\s\S]*"msg":"listening"/, 30_000);
    const http = run.stdout().match(/"http":"(http:\/\/[^"]+)\/event"/)![1]!;
    for (let n = 0; n < 6; n++) {
      const res = await fetch(`${http}/event`, { method: 'POST', headers: { 'x-api-key': KEY, connection: 'close' }, body: JSON.stringify({ channel: '/default/a', events: ['1'] }) });
      assert.equal(res.status, 200);
    }
    for (let i = 0; i < 4; i++) {
      const text = await (await fetch(`${http}/metrics`, { headers: { connection: 'close' } })).text();
      assert.equal(metricValue(text, 'switchboard_publishes_total{transport="http"}'), 6);
    }
  });
});
