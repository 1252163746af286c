import type { ServerMetrics } from '../observability/server-metrics.js';

/** What only the server object knows: its open connections and their subscriptions. */
export interface FigureSources {
  connections(): number;
  subscriptions(): number;
}

/**
 * The console's live figures: gauges now, and the counters of `GET /metrics` as totals since
 * start. The page turns two readings into rates (per second between them). This node only.
 */
export interface Figures {
  /** Epoch ms of the reading. */
  at: number;
  connections: number;
  subscriptions: number;
  /** Publish requests accepted, both transports. */
  publishes: number;
  /** Events handed to the broker. */
  events: number;
  /** `data` frames queued to subscribers. */
  deliveries: number;
  /** Error replies sent to clients. */
  errors: number;
}

export async function readFigures(metrics: ServerMetrics, sources: FigureSources): Promise<Figures> {
  const [publishes, events, deliveries, errors] = await Promise.all(
    ['switchboard_publishes_total', 'switchboard_events_published_total', 'switchboard_deliveries_total', 'switchboard_errors_total'].map((name) => total(metrics, name)),
  );
  return { at: Date.now(), connections: sources.connections(), subscriptions: sources.subscriptions(), publishes: publishes!, events: events!, deliveries: deliveries!, errors: errors! };
}

/** A counter's value summed over its label sets (0 before its first increment). */
async function total(metrics: ServerMetrics, name: string): Promise<number> {
  const metric = metrics.registry.prom.getSingleMetric(name);
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}
