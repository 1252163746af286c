import type { BrokerConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { ProbeOptions } from './link-probe.js';
import { MemoryBroker } from './memory.js';
import type { Broker } from './types.js';

/**
 * The configured broker. Redis and NATS clients are optional dependencies, loaded only when their
 * broker is configured.
 */
export async function createBroker(config: BrokerConfig, log: Logger): Promise<Broker> {
  switch (config.type) {
    case 'memory':
      return new MemoryBroker();
    case 'redis': {
      const { RedisBroker } = await import('./redis.js');
      return new RedisBroker({ url: config.url, prefix: config.prefix, probe: probeOptions(config), log: log.child({ broker: 'redis' }) });
    }
    case 'nats': {
      const { NatsBroker } = await import('./nats.js');
      return new NatsBroker({ url: config.url, prefix: config.prefix, probe: probeOptions(config), log: log.child({ broker: 'nats' }) });
    }
  }
}

function probeOptions(config: { probeIntervalMs: number; probeTimeoutMs: number }): ProbeOptions {
  return { intervalMs: config.probeIntervalMs, timeoutMs: config.probeTimeoutMs };
}
