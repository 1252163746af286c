import { CONTRACT_RETENTION, historyStoreContract } from './contract.js';
import { MemoryHistoryStore } from './memory.js';

historyStoreContract('memory', async () => {
  const store = new MemoryHistoryStore(CONTRACT_RETENTION);
  await store.start();
  return { stores: [store, store], reset: async (namespace) => store.reset(namespace), close: () => store.close() };
});
