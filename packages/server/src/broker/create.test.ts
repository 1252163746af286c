import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../config/load.js';
import { createLogger } from '../log/logger.js';
import { SERVICE_BROKERS, uniquePrefix, until } from '../test-support/broker-outage.js';
import { serviceAvailable } from '../test-support/services.js';
import { TcpProxy } from '../test-support/tcp-proxy.js';
import { createBroker } from './create.js';
import { DEFAULT_PROBE } from './link-probe.js';

const base = { auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] }, namespaces: [{ name: 'a' }] };

describe('broker configuration', () => {
  it('defaults the probe settings and names a bad one', () => {
    const config = parseConfig({ ...base, broker: { type: 'redis' } }, 'inline.yaml');
    assert.deepEqual(config.broker.type === 'redis' && [config.broker.probeIntervalMs, config.broker.probeTimeoutMs], [DEFAULT_PROBE.intervalMs, DEFAULT_PROBE.timeoutMs]);
    assert.throws(() => parseConfig({ ...base, broker: { type: 'nats', probeTimeoutMs: 0 } }, 'inline.yaml'), /broker\.probeTimeoutMs/);
    assert.throws(() => parseConfig({ ...base, broker: { type: 'memory', probeIntervalMs: 100 } }, 'inline.yaml'), /probeIntervalMs/);
  });

  for (const broker of SERVICE_BROKERS) {
    it(`${broker.name}: the configured probe settings bound how soon a stalled link is noticed`, async (t) => {
      const up = await serviceAvailable(broker.name, broker.url);
      if (!up.ok) return t.skip(up.reason);
      const proxy = await TcpProxy.start(broker.url);
      const type = broker.name === 'Redis' ? 'redis' : 'nats';
      const config = parseConfig({ ...base, broker: { type, url: proxy.url(broker.url), prefix: uniquePrefix('probe'), probeIntervalMs: 100, probeTimeoutMs: 200 } }, 'inline.yaml');
      const instance = await createBroker(config.broker, createLogger({ level: 'silent' }));
      t.after(async () => {
        await instance.close();
        await proxy.close();
      });
      await instance.start(() => undefined);
      proxy.stall();
      const stalledAt = Date.now();
      await until(() => !instance.ready, 'not ready', 5000);
      const noticedMs = Date.now() - stalledAt;
      // 300 ms configured, against 2500 ms by default; the rest is room for a loaded machine.
      assert.ok(noticedMs < 1300, `noticed after ${noticedMs} ms`);
    });
  }
});
