import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTRACT_RETENTION, historyStoreContract } from './contract.js';
import { SqliteHistoryStore } from './sqlite.js';

historyStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-history-'));
  const store = new SqliteHistoryStore({ path: join(dir, 'history.db'), retention: CONTRACT_RETENTION });
  try {
    await store.start();
  } catch (err) {
    if (process.env['CI']) throw err;
    return { skip: `better-sqlite3 is not installed: ${(err as Error).message}` };
  }
  return {
    stores: [store, store],
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
