import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config/schema.js';
import { createLogger } from '../log/logger.js';
import { aggregateWorkerMetrics } from '../observability/cluster-metrics.js';
import { listenForScrapes, MetricsListenError } from '../observability/metrics-endpoint.js';
import { onStopRequest } from './stop-request.js';

/** Restarts of a crashed worker wait this long, doubling up to a minute. */
const FIRST_RESTART_DELAY_MS = 500;

/**
 * The primary of `switchboard start --workers N`: forks N node processes that share the port
 * (Node's cluster module balances connections between them) and fan out through the shared
 * broker. A worker that dies unexpectedly is replaced, with backoff. SIGTERM/SIGINT (or npm's
 * exit, see `onStopRequest`) is passed on to every worker as SIGTERM; the primary exits 0 once
 * they have all exited, or after the shutdown timeout. With `server.metricsPort` the primary serves
 * the workers' metrics, aggregated, on that port (resolves with 1 when it cannot listen there).
 */
export async function runPrimary(config: Readonly<Config>, workers: number): Promise<number | undefined> {
  const log = createLogger({ level: config.log.level, pretty: config.log.format === 'pretty' }, { role: 'primary' });
  let stopping = false;
  let delay = FIRST_RESTART_DELAY_MS;
  const fork = (): Worker => cluster.fork();
  const scrape = aggregateWorkerMetrics(log);
  const { server } = config;
  if (server.metrics && server.metricsPort !== undefined) {
    try {
      const { url } = await listenForScrapes(server.metricsPort, server.metricsHost, scrape, server.metricsToken);
      log.info('serving the workers\' metrics', { metrics: url });
    } catch (err) {
      if (!(err instanceof MetricsListenError)) throw err;
      process.stderr.write(`switchboard: ${err.message}\n`);
      return 1;
    }
  }
  log.info('starting workers', { workers, broker: config.broker.type });
  for (let i = 0; i < workers; i++) fork();
  cluster.on('online', () => (delay = FIRST_RESTART_DELAY_MS));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        log.info('stopped');
        process.exit(0);
      }
      return;
    }
    log.error('worker exited; starting another', { pid: worker.process.pid, code, signal, inMs: delay });
    setTimeout(fork, delay);
    delay = Math.min(delay * 2, 60_000);
  });
  onStopRequest((signal) => {
    stopping = true;
    log.info('shutting down workers', { signal });
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), config.server.shutdownTimeoutMs + 3000).unref();
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
  return undefined;
}
