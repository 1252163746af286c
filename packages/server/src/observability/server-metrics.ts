import { MetricsRegistry, type Counter } from './metrics.js';

/** The counters the server updates as it works. Gauges are added by `Switchboard`, which owns their sources. */
export interface ServerMetrics {
  readonly registry: MetricsRegistry;
  /** Publish requests accepted, by transport (`ws`, `http`). */
  readonly publishes: Counter;
  /** Events handed to the broker for broadcast. */
  readonly eventsPublished: Counter;
  /** `data` frames queued to subscribers on this node. */
  readonly deliveries: Counter;
  /** Error replies sent to clients, by errorType and transport. */
  readonly errors: Counter;
  /** Connections the server closed, by reason (`slow_consumer`, `connection_age`, `shutdown`). */
  readonly disconnects: Counter;
}

export function createServerMetrics(): ServerMetrics {
  const registry = new MetricsRegistry();
  return {
    registry,
    publishes: registry.counter('switchboard_publishes_total', 'Publish requests accepted, by transport.', ['transport']),
    eventsPublished: registry.counter('switchboard_events_published_total', 'Events handed to the broker for broadcast.'),
    deliveries: registry.counter('switchboard_deliveries_total', 'data frames queued to subscribers on this node.'),
    errors: registry.counter('switchboard_errors_total', 'Error replies sent to clients, by errorType and transport.', ['errorType', 'transport']),
    disconnects: registry.counter('switchboard_disconnects_total', 'Connections closed by the server, by reason.', ['reason']),
  };
}
