import { collectDefaultMetrics, type Histogram } from 'prom-client';
import { MetricsRegistry, type Counter } from './metrics.js';

/**
 * Bucket bounds in seconds for the request path: from 100 µs (an in-memory publish) to 10 s (a
 * handler at its timeout).
 */
const SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The metrics the server updates as it works. Gauges are added by `Switchboard`, which owns their sources. */
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
  /** Connections the server closed, by reason (`slow_consumer`, `connection_age`, `shutdown`, `idle`, `token_expired`). */
  readonly disconnects: Counter;
  /** From a publish request's arrival to its events being handed to the broker, by transport. */
  readonly publishSeconds: Histogram<'transport'>;
  /** From a publish's arrival (on the publishing node) to its frames being written on this node: one observation per broker message. */
  readonly deliverySeconds: Histogram;
  /** A handler invocation, data source call included, by namespace, operation and outcome. */
  readonly handlerSeconds: Histogram<'namespace' | 'operation' | 'outcome'>;
  /** A data source call, by namespace, data source and outcome. */
  readonly dataSourceSeconds: Histogram<'namespace' | 'dataSource' | 'outcome'>;
  /** An auth decision, by operation, mode and result (`allow`, `deny`). */
  readonly authSeconds: Histogram<'operation' | 'mode' | 'result'>;
  /** A broker publish, from the call to the broker's confirmation, by broker and result (`ok`, `error`). */
  readonly brokerPublishSeconds: Histogram<'broker' | 'result'>;
}

export interface ServerMetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event-loop lag, GC). @default true */
  readonly processMetrics?: boolean;
}

export function createServerMetrics(options: ServerMetricsOptions = {}): ServerMetrics {
  const registry = new MetricsRegistry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry.prom });
  return {
    registry,
    publishes: registry.counter('switchboard_publishes_total', 'Publish requests accepted, by transport.', ['transport']),
    eventsPublished: registry.counter('switchboard_events_published_total', 'Events handed to the broker for broadcast.'),
    deliveries: registry.counter('switchboard_deliveries_total', 'data frames queued to subscribers on this node.'),
    errors: registry.counter('switchboard_errors_total', 'Error replies sent to clients, by errorType and transport.', ['errorType', 'transport']),
    disconnects: registry.counter('switchboard_disconnects_total', 'Connections closed by the server, by reason.', ['reason']),
    publishSeconds: registry.histogram('switchboard_publish_duration_seconds', 'From a publish request\'s arrival to its events being handed to the broker, by transport.', ['transport'], SECONDS),
    deliverySeconds: registry.histogram('switchboard_delivery_latency_seconds', 'From a publish\'s arrival to its frames being written to this node\'s subscribers (once per broker message; across nodes, as exact as their clocks).', [], SECONDS),
    handlerSeconds: registry.histogram('switchboard_handler_duration_seconds', 'Handler invocations (data source call included), by namespace, operation and outcome.', ['namespace', 'operation', 'outcome'], SECONDS),
    dataSourceSeconds: registry.histogram('switchboard_data_source_duration_seconds', 'Data source calls, by namespace, data source and outcome.', ['namespace', 'dataSource', 'outcome'], SECONDS),
    authSeconds: registry.histogram('switchboard_auth_duration_seconds', 'Auth decisions, by operation, mode and result.', ['operation', 'mode', 'result'], SECONDS),
    brokerPublishSeconds: registry.histogram('switchboard_broker_publish_duration_seconds', 'Broker publishes, from the call to the broker\'s confirmation, by broker and result.', ['broker', 'result'], SECONDS),
  };
}
