import type { Limits } from '@switchboard/protocol';
import type { AuthService } from '../auth/authorize.js';
import type { Config } from '../config/schema.js';
import type { Forwarder } from '../destinations/forwarder.js';
import type { LocalFanout } from '../fanout/fanout.js';
import type { HandlerRegistry } from '../handlers/registry.js';
import type { HistoryService } from '../history/service.js';
import type { Logger } from '../log/logger.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import type { Telemetry } from '../observability/telemetry.js';
import type { NamespaceRegistry } from '../namespaces/registry.js';
import type { OutboundBudget } from '../ws/outbound-budget.js';

/** The services every operation needs, built once per server by `createSwitchboard`. */
export interface Core {
  readonly config: Readonly<Config>;
  readonly limits: Readonly<Limits>;
  readonly namespaces: NamespaceRegistry;
  readonly auth: AuthService;
  readonly fanout: LocalFanout;
  readonly handlers: HandlerRegistry;
  /** Namespaces with history; undefined when none has it. */
  readonly history: HistoryService | undefined;
  /** The namespaces' destinations (`forward`). */
  readonly forwarder: Forwarder;
  readonly log: Logger;
  readonly metrics: ServerMetrics;
  /** The process-wide budget for bytes queued to WebSocket clients. */
  readonly outbound: OutboundBudget;
  /** The metrics again, and the tracer when tracing is on. */
  readonly telemetry: Telemetry;
}
