import { parseConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import { createLogger, type Logger } from '../log/logger.js';
import { Switchboard, type ListenAddress, type SwitchboardOptions } from '../switchboard.js';

export const TEST_KEY = 'da2-switchboardtestkey00000000001';

export interface TestServer extends ListenAddress {
  switchboard: Switchboard;
  /** Log lines written by the server, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * Starts a real Switchboard on 127.0.0.1 and a free port. The default configuration has one API
 * key (`TEST_KEY`) and the namespaces `default` and `chat`; `patch` replaces top-level sections.
 */
export async function startTestServer(patch: Partial<ConfigInput> = {}, options: SwitchboardOptions = {}): Promise<TestServer> {
  const logs: Record<string, unknown>[] = [];
  const logger: Logger = createLogger({ level: 'debug', write: (line) => void logs.push(JSON.parse(line)) });
  const config = parseConfig(
    {
      server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000 },
      auth: { apiKeys: [{ key: TEST_KEY }] },
      namespaces: [{ name: 'default' }, { name: 'chat' }],
      ...patch,
    },
    'test',
  );
  const switchboard = new Switchboard(config, { logger, ...options });
  const address = await switchboard.listen();
  return { ...address, switchboard, logs, close: () => switchboard.close() };
}
