import cluster from 'node:cluster';
import { createLogger } from '../log/logger.js';
import type { Config } from '../config/schema.js';
import { createSwitchboard } from '../switchboard.js';

/**
 * Runs one Switchboard node in this process until SIGTERM/SIGINT, then shuts down gracefully and
 * exits 0 (after `server.shutdownTimeoutMs` plus two seconds at the latest).
 */
export async function runNode(config: Readonly<Config>, command: string, generatedKey: string | undefined): Promise<number | undefined> {
  const log = createLogger({ level: config.log.level }, cluster.isWorker ? { worker: cluster.worker?.id } : {});
  const switchboard = await createSwitchboard(config, { logger: log, watchHandlers: command === 'dev', embeddedDataStores: command === 'dev' });
  let address;
  try {
    address = await switchboard.listen();
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(message.startsWith('data source ') ? `switchboard: ${message}\n` : `switchboard: cannot listen on ${config.server.host}:${config.server.port}: ${message}\n`);
    await switchboard.close();
    return 1;
  }
  log.info('listening', { http: `${address.httpUrl}/event`, realtime: address.realtimeUrl, namespaces: config.namespaces.map((n) => n.name) });
  if (command === 'dev') {
    const lines = [
      '',
      `  Switchboard dev server`,
      `  HTTP publish:  ${address.httpUrl}/event`,
      `  WebSocket:     ${address.realtimeUrl}`,
      `  Health:        ${address.httpUrl}/healthz`,
      `  Namespaces:    ${config.namespaces.map((n) => n.name).join(', ')}`,
      generatedKey ? `  API key:       ${generatedKey}` : `  API keys:      from the configuration file`,
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(0), config.server.shutdownTimeoutMs + 2000);
    force.unref();
    switchboard.close().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return undefined;
}

