import { connect } from 'nats';
import { createLogger } from '../log/logger.js';
import { uniquePrefix } from '../test-support/broker-outage.js';
import { NATS_URL, serviceAvailable } from '../test-support/services.js';
import { CONTRACT_RETENTION, historyStoreContract } from './contract.js';
import { JetStreamHistoryStore } from './jetstream.js';

historyStoreContract('NATS JetStream', async () => {
  const up = await serviceAvailable('NATS', NATS_URL);
  if (!up.ok) return { skip: up.reason };
  const prefix = uniquePrefix('hist');
  const log = createLogger({ level: 'silent' });
  const make = () => new JetStreamHistoryStore({ url: NATS_URL, prefix, retention: CONTRACT_RETENTION, log });
  const stores = [make(), make()] as const;
  for (const store of stores) await store.start();
  const nc = await connect({ servers: new URL(NATS_URL).host });
  const jsm = await nc.jetstreamManager();
  return {
    stores,
    reset: async (namespace) => void (await jsm.streams.delete(stores[0].streamName(namespace))),
    close: async () => {
      await Promise.all(stores.map((s) => s.close()));
      for (const namespace of CONTRACT_RETENTION.keys()) await jsm.streams.delete(stores[0].streamName(namespace)).catch(() => undefined);
      await nc.close();
    },
  };
});
