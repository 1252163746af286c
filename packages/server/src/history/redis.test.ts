import { Redis } from 'ioredis';
import { createLogger } from '../log/logger.js';
import { uniquePrefix } from '../test-support/broker-outage.js';
import { REDIS_URL, serviceAvailable } from '../test-support/services.js';
import { CONTRACT_RETENTION, historyStoreContract } from './contract.js';
import { RedisHistoryStore } from './redis.js';

historyStoreContract('Redis Streams', async () => {
  const up = await serviceAvailable('Redis', REDIS_URL);
  if (!up.ok) return { skip: up.reason };
  const prefix = uniquePrefix('hist');
  const log = createLogger({ level: 'silent' });
  const make = () => new RedisHistoryStore({ url: REDIS_URL, prefix, retention: CONTRACT_RETENTION, log });
  const stores = [make(), make()] as const;
  await Promise.all(stores.map((s) => s.start()));
  const admin = new Redis(REDIS_URL);
  const keys = async () => (await admin.keys(`${prefix}:*`)) as string[];
  return {
    stores,
    reset: async (namespace) => void (await admin.del(`${prefix}:history:{${namespace}}`, `${prefix}:history:{${namespace}}:meta`)),
    close: async () => {
      await Promise.all(stores.map((s) => s.close()));
      const left = await keys();
      if (left.length > 0) await admin.del(...left);
      await admin.quit();
    },
  };
});
