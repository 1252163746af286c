import { brokerContract } from './contract.js';
import { MemoryBroker, MemoryHub } from './memory.js';

brokerContract('memory', async (n) => {
  const hub = new MemoryHub();
  return Array.from({ length: n }, () => new MemoryBroker(hub));
});
