import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregatorRegistry } from 'prom-client';
import { MetricsRegistry } from './metrics.js';

describe('MetricsRegistry', () => {
  it('renders counters with and without declared labels, and read-at-scrape gauges, in the Prometheus text format', async () => {
    const registry = new MetricsRegistry();
    const declared = registry.counter('t_declared_total', 'Declared.', ['transport']);
    const learned = registry.counter('t_learned_total', 'Learned.');
    const plain = registry.counter('t_plain_total', 'Plain.');
    let open = 3;
    registry.gauge('t_open', 'Open things.', () => open);
    registry.gauge('t_up', 'Up by name.', () => [[{ name: 'a' }, 1], [{ name: 'b' }, 0]]);
    const before = await registry.render();
    assert.match(before, /^# TYPE t_learned_total counter$/m, 'a counter is listed before its first inc');
    declared.inc({ transport: 'ws' });
    declared.inc({ transport: 'ws' }, 2);
    learned.inc({ reason: 'x', guarantee: 'async' }, 5);
    plain.inc(undefined, 7);
    open = 4;
    const text = await registry.render();
    for (const line of ['t_declared_total{transport="ws"} 3', 't_learned_total{reason="x",guarantee="async"} 5', 't_plain_total 7', 't_open 4', 't_up{name="a"} 1', 't_up{name="b"} 0']) {
      assert.ok(text.split('\n').includes(line), `${line}\n---\n${text}`);
    }
    assert.match(registry.contentType, /^text\/plain; version=0\.0\.4/);
  });

  it('refuses label names a counter did not declare, naming the label', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('t_strict_total', 'Strict.', ['a']);
    assert.throws(() => counter.inc({ b: '1' }), /"b"/);
  });

  it('combines the values of several workers with each gauge\'s aggregator (sum by default)', async () => {
    const workers = [1, 0].map((up) => {
      const registry = new MetricsRegistry();
      registry.counter('t_sent_total', 'Sent.', ['transport']).inc({ transport: 'http' }, 2);
      registry.gauge('t_connections', 'Connections.', () => 5);
      registry.gauge('t_up', 'Up.', () => [[{ broker: 'redis' }, up]], { aggregator: 'min' });
      return registry.prom.getMetricsAsJSON();
    });
    const text = await AggregatorRegistry.aggregate(await Promise.all(workers)).metrics();
    for (const line of ['t_sent_total{transport="http"} 4', 't_connections 10', 't_up{broker="redis"} 0']) {
      assert.ok(text.split('\n').includes(line), `${line}\n---\n${text}`);
    }
  });
});
