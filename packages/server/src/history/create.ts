import { historyStoreType, type Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { MemoryHistoryStore } from './memory.js';
import type { HistoryStore, Retention } from './types.js';

/** The namespaces that keep history, with their retention. Empty when none does. */
export function historyRetention(config: Readonly<Config>): ReadonlyMap<string, Retention> {
  return new Map(config.namespaces.flatMap((ns) => (ns.history === undefined ? [] : [[ns.name, { size: ns.history.size, ttlMs: ns.history.ttlMs }] as const])));
}

/**
 * The configured history store, or undefined when no namespace keeps history. Its client
 * (better-sqlite3, ioredis, nats) is loaded only when that store is configured.
 */
export async function createHistoryStore(config: Readonly<Config>, log: Logger): Promise<HistoryStore | undefined> {
  const retention = historyRetention(config);
  if (retention.size === 0) return undefined;
  const broker = config.broker;
  switch (historyStoreType(config)) {
    case 'memory':
      return new MemoryHistoryStore(retention);
    case 'sqlite': {
      const { SqliteHistoryStore } = await import('./sqlite.js');
      return new SqliteHistoryStore({ path: config.history.path!, retention });
    }
    case 'redis': {
      if (broker.type !== 'redis') break;
      const { RedisHistoryStore } = await import('./redis.js');
      return new RedisHistoryStore({ url: broker.url, prefix: broker.prefix, retention, log: log.child({ history: 'redis' }) });
    }
    case 'nats': {
      if (broker.type !== 'nats') break;
      const { JetStreamHistoryStore } = await import('./jetstream.js');
      return new JetStreamHistoryStore({ url: broker.url, prefix: broker.prefix, retention, log: log.child({ history: 'jetstream' }) });
    }
  }
  throw new Error(`history.store ${historyStoreType(config)} does not go with broker.type ${broker.type}`);
}
