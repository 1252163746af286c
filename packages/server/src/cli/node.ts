import cluster from 'node:cluster';
import { FunctionStartError } from '../functions/types.js';
import { createLogger, type Logger } from '../log/logger.js';
import { LogTail } from '../log/tail.js';
import type { Config } from '../config/schema.js';
import { DataSourceStartError } from '../datasources/types.js';
import { answerPrimary, askPrimary } from '../observability/cluster-metrics.js';
import { MetricsListenError } from '../observability/metrics-endpoint.js';
import { createSwitchboard, type ListenAddress, type Switchboard } from '../switchboard.js';
import { onStopRequest } from './stop-request.js';

/**
 * Runs one Switchboard node in this process until SIGTERM/SIGINT (or npm's exit, see
 * `onStopRequest`), then shuts down gracefully and exits 0 (after `server.shutdownTimeoutMs` plus
 * two seconds at the latest). Resolves with 1 when the node cannot start: the broker cannot be
 * reached, or the port cannot be listened on; the message says which.
 */
export async function runNode(config: Readonly<Config>, command: string, generatedKey: string | undefined): Promise<number | undefined> {
  const started = await startNode(config, command);
  if (typeof started === 'number') return started;
  const { switchboard, address, log } = started;
  if (command === 'dev') {
    process.stdout.write(devBanner(address, config, [generatedKey ? `  API key:       ${generatedKey}` : `  API keys:      from the configuration file`]));
  }
  onStopRequest((reason) => {
    log.info('shutting down', { signal: reason });
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
  }, cluster.isWorker ? {} : process.env);
  return undefined;
}

/** A node that listens, with its logger. */
export interface StartedNode {
  readonly switchboard: Switchboard;
  readonly address: ListenAddress;
  readonly log: Logger;
}

/**
 * Creates and starts one node (on `port` when given, else the configured one). Resolves with an
 * exit code when it cannot start, having said why on stderr: 2 for a function or data source
 * that cannot start, 1 for the port or the broker.
 */
export async function startNode(config: Readonly<Config>, command: string, port?: number): Promise<StartedNode | number> {
  const tail = config.console.enabled ? new LogTail(config.console.logLines) : undefined;
  const log = createLogger({ level: config.log.level, pretty: config.log.format === 'pretty', ...(tail !== undefined && { tail }) }, cluster.isWorker ? { worker: cluster.worker?.id } : {});
  const switchboard = await createSwitchboard(config, {
    logger: log,
    ...(tail !== undefined && { logTail: tail }),
    watchHandlers: command === 'dev',
    embeddedDataStores: command === 'dev',
    ...(cluster.isWorker && { clusterMetrics: askPrimary() }),
  });
  if (cluster.isWorker) answerPrimary(switchboard.core.metrics.registry);
  let address;
  try {
    address = await switchboard.listen(port);
  } catch (err) {
    if (err instanceof FunctionStartError || err instanceof DataSourceStartError) {
      process.stderr.write(`switchboard: ${err.message}\n`);
      await switchboard.close().catch(() => undefined);
      return 2;
    }
    process.stderr.write(`switchboard: ${startFailure(config, err as NodeJS.ErrnoException)}\n`);
    await switchboard.close().catch(() => undefined);
    return 1;
  }
  log.info('listening', { pid: process.pid, http: `${address.httpUrl}/event`, realtime: address.realtimeUrl, metrics: address.metricsUrl, namespaces: config.namespaces.map((n) => n.name) });
  return { switchboard, address, log };
}

/** The block `switchboard dev` prints once listening; `auth` lines say which credentials to use. */
export function devBanner(address: ListenAddress, config: Readonly<Config>, auth: string[]): string {
  const lines = [
    '',
    `  Switchboard dev server`,
    `  HTTP publish:  ${address.httpUrl}/event`,
    `  WebSocket:     ${address.realtimeUrl}`,
    `  Health:        ${address.httpUrl}/healthz`,
    ...(config.console.enabled ? [`  Console:       ${address.httpUrl}/console`] : []),
    `  Namespaces:    ${config.namespaces.map((n) => n.name).join(', ')}`,
    ...auth,
    '',
  ];
  return lines.join('\n') + '\n';
}

/**
 * What stopped `listen()`: the listening socket (its errors carry `syscall` listen or
 * getaddrinfo), or else the broker, whose errors name its server without credentials.
 */
function startFailure(config: Readonly<Config>, err: NodeJS.ErrnoException): string {
  if (err instanceof MetricsListenError) return err.message;
  const where = `${config.server.host}:${config.server.port}`;
  if (err.syscall === 'listen' || err.syscall === 'getaddrinfo') {
    const hint =
      err.code === 'EADDRINUSE' ? ': the port is in use by another process; stop it or choose another port with --port'
      : err.code === 'EACCES' ? ': permission denied; ports below 1024 need privileges, choose another with --port'
      : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' ? ': this machine has no such address; check --host or server.host'
      : `: ${err.message}`;
    return `cannot listen on ${where}${hint}`;
  }
  const cause = err.cause as NodeJS.ErrnoException | undefined;
  const detail = cause?.code !== undefined && !err.message.includes(cause.code) ? ` (${cause.code})` : '';
  if (config.broker.type === 'memory') return `cannot start: ${err.message}${detail}`;
  return `cannot connect to the ${config.broker.type} broker, so nothing listens on ${where}: ${err.message}${detail}. Check broker.url and that the broker is running.`;
}

