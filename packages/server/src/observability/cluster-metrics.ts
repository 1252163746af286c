import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '../log/logger.js';
import type { MetricsRegistry } from './metrics.js';
import type { Scrape } from './metrics-endpoint.js';

/*
 * Under `--workers N` every worker keeps its own metrics, and a scrape reaches one worker (or the
 * primary's `server.metricsPort` listener). The primary aggregates: prom-client's
 * `AggregatorRegistry` asks every worker for its metrics over the cluster IPC channel and sums
 * counters and histograms (gauges by their aggregator), so one scrape returns the cluster's
 * totals. A worker asked on the public port forwards the question to the primary.
 */

const REQUEST = 'switchboard:metrics-request';
const RESPONSE = 'switchboard:metrics-response';
/** prom-client gives up on silent workers after 5 s; a worker waits a little longer for the primary. */
const WORKER_WAIT_MS = 6000;

interface MetricsRequest {
  readonly type: typeof REQUEST;
  readonly id: number;
}

interface MetricsResponse {
  readonly type: typeof RESPONSE;
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

/** In the primary: answers the workers' requests with the aggregate, and returns the scrape for its own listener. */
export function aggregateWorkerMetrics(log: Logger): Scrape {
  const aggregator = new AggregatorRegistry();
  const scrape: Scrape = () => aggregator.clusterMetrics();
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    scrape().then(
      (text) => send(worker, { type: RESPONSE, id: message.id, text }),
      (err: unknown) => {
        log.warn('metrics aggregation failed', { err });
        send(worker, { type: RESPONSE, id: message.id, error: (err as Error).message });
      },
    );
  });
  return scrape;
}

/** In a worker: reports `registry` whenever the primary aggregates. */
export function answerPrimary(registry: MetricsRegistry): void {
  AggregatorRegistry.setRegistries([registry.prom]);
  // Constructing one adds prom-client's listener that answers the primary's requests.
  new AggregatorRegistry();
}

/** In a worker: the scrape that asks the primary for the cluster's metrics. */
export function askPrimary(): Scrape {
  let next = 0;
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void }>();
  process.on('message', (message: unknown) => {
    if (!isMessage<MetricsResponse>(message, RESPONSE)) return;
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.text !== undefined) pending?.resolve(message.text);
    else pending?.reject(new Error(message.error ?? 'the primary did not aggregate'));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`the primary did not answer within ${WORKER_WAIT_MS} ms`));
      }, WORKER_WAIT_MS);
      waiting.set(id, {
        resolve: (text) => (clearTimeout(timer), resolve(text)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
      process.send?.({ type: REQUEST, id } satisfies MetricsRequest);
    });
}

function send(worker: Worker, message: MetricsResponse): void {
  if (worker.isConnected()) worker.send(message);
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}
