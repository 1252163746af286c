import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CLOSE_CODES } from '@switchboard/protocol';
import { AuthService } from './auth/authorize.js';
import { createAuthorizers } from './auth/create.js';
import { createBroker } from './broker/create.js';
import { MemoryBroker } from './broker/memory.js';
import type { Broker } from './broker/types.js';
import { historyStoreType, type Config } from './config/schema.js';
import { Forwarder, type DestinationFactory } from './destinations/forwarder.js';
import { createHistoryStore, historyRetention } from './history/create.js';
import { MemoryHistoryStore } from './history/memory.js';
import { HistoryService } from './history/service.js';
import type { HistoryStore } from './history/types.js';
import type { Counter } from './observability/metrics.js';
import { LocalFanout } from './fanout/fanout.js';
import { FunctionService } from './functions/service.js';
import { HandlerRegistry } from './handlers/registry.js';
import { APPSYNC_UTILS_HOOKS } from './handlers/runtime/register.js';
import { answerClientError } from './http/client-error.js';
import { createRequestListener, type HttpState } from './http/routes.js';
import { ConsoleRoutes } from './console/routes.js';
import type { FigureSources } from './console/figures.js';
import { createLogger, type Logger } from './log/logger.js';
import { LogTail } from './log/tail.js';
import { NamespaceRegistry } from './namespaces/registry.js';
import { authDecisionRecorder } from './observability/auth-decisions.js';
import { listenForScrapes, type Scrape } from './observability/metrics-endpoint.js';
import { createServerMetrics } from './observability/server-metrics.js';
import type { Telemetry } from './observability/telemetry.js';
import { startTracing } from './observability/tracing.js';
import type { Core } from './ops/core.js';
import { Protection } from './protection/protection.js';
import { RealtimeEndpoint } from './ws/endpoint.js';
import { sweepIntervalMs } from './ws/lifecycle.js';
import { OutboundBudget } from './ws/outbound-budget.js';

export interface SwitchboardOptions {
  /** @default a JSON logger on stdout at `config.log.level` */
  logger?: Logger;
  /** @default a MemoryBroker; required for `broker.type` redis or nats (`createSwitchboard` makes it). */
  broker?: Broker;
  /**
   * The history store of the namespaces with `history`. @default a MemoryHistoryStore with the
   * memory broker; required for the other stores (`createSwitchboard` makes it).
   */
  historyStore?: HistoryStore;
  /** Reload handler files when they change (`switchboard dev`). @default false */
  watchHandlers?: boolean;
  /**
   * `AMAZON_DYNAMODB` data sources without `endpoint` run on the embedded in-process store
   * (`switchboard dev`); otherwise they go to AWS. @default false
   */
  embeddedDataStores?: boolean;
  /** Builds the configured destinations. @default the real clients, loaded on demand */
  destinations?: DestinationFactory;
  /**
   * Under `--workers`: the whole cluster's metrics, aggregated by the primary. `GET /metrics`
   * answers with them, and this node opens no `server.metricsPort` listener (the primary does).
   */
  clusterMetrics?: Scrape;
  /**
   * The log lines the console's log tail shows: give the one `logger` writes to
   * (`createLogger({ tail })`). @default a new one fed by the default logger, when the console is enabled
   */
  logTail?: LogTail;
}

/** Where a started server listens. */
export interface ListenAddress {
  host: string;
  port: number;
  /** `http(s)://host:port`. */
  httpUrl: string;
  /** `ws(s)://host:port/event/realtime`. */
  realtimeUrl: string;
  /** `http://host:port/metrics` when `server.metricsPort` is set and this node serves it. */
  metricsUrl?: string;
}

/**
 * One Switchboard node: the HTTP API and the realtime endpoint on one port (HTTPS and WSS when
 * `server.tls` is set), on the configured broker.
 *
 * @example
 * const sb = createSwitchboard(parseConfig({ auth: { apiKeys: [{ key }] }, namespaces: [{ name: 'default' }] }, 'inline'));
 * const { httpUrl } = await sb.listen();
 * // ...
 * await sb.close();
 */
export class Switchboard {
  readonly core: Core;
  readonly protection: Protection;
  readonly #server: Server;
  readonly #realtime: RealtimeEndpoint;
  readonly #state: HttpState;
  readonly #functions: FunctionService;
  readonly #scrape: Scrape;
  readonly #ownMetricsListener: boolean;
  #metricsServer: Server | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #ageSweep: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  constructor(config: Readonly<Config>, options: SwitchboardOptions = {}) {
    const tail = options.logTail ?? (options.logger === undefined && config.console.enabled ? new LogTail(config.console.logLines) : undefined);
    const log = options.logger ?? createLogger({ level: config.log.level, pretty: config.log.format === 'pretty', ...(tail !== undefined && { tail }) });
    const metrics = createServerMetrics();
    const telemetry: Telemetry = { metrics, tracer: undefined };
    this.#functions = new FunctionService({ log, moduleHooks: [APPSYNC_UTILS_HOOKS], watch: options.watchHandlers ?? false });
    this.core = {
      config,
      limits: config.limits,
      namespaces: new NamespaceRegistry(config),
      auth: new AuthService(createAuthorizers(config.auth, log, this.#functions, config.server.host), authDecisionRecorder(log, metrics)),
      fanout: new LocalFanout(options.broker ?? memoryBroker(config), log, metrics.deliveries, metrics.deliverySeconds),
      handlers: new HandlerRegistry(config, this.#functions, log, { embeddedDataStores: options.embeddedDataStores ?? false, telemetry }),
      history: historyService(config, options.historyStore, log, metrics.deliveries),
      forwarder: new Forwarder(config, log, metrics.registry, options.destinations),
      log,
      metrics,
      telemetry,
      outbound: new OutboundBudget(config.limits.sendBufferTotalBytes, log),
    };
    this.protection = new Protection(config.protection, metrics, log);
    this.#realtime = new RealtimeEndpoint(this.core, this.protection);
    this.#addGauges(config);
    this.#scrape = options.clusterMetrics ?? (() => metrics.registry.render());
    const { server } = config;
    this.#ownMetricsListener = server.metrics && server.metricsPort !== undefined && options.clusterMetrics === undefined;
    const consoleRoutes = config.console.enabled ? new ConsoleRoutes(this.core, this.#figureSources(), tail, packageVersion()) : undefined;
    this.#state = { ready: false, scrape: server.metrics && server.metricsPort === undefined ? this.#scrape : undefined, console: consoleRoutes };
    const listener = createRequestListener(this.core, this.#state, this.protection);
    const tls = config.server.tls;
    const timeouts = httpTimeouts(config.limits);
    this.#server = tls
      ? createHttpsServer({ ...timeouts, cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, listener)
      : createHttpServer(timeouts, listener);
    this.#server.on('upgrade', (req, socket, head) => this.#realtime.handleUpgrade(req, socket, head));
    this.#server.on('clientError', (err: Error, socket) => answerClientError(err, socket, metrics));
  }

  #figureSources(): FigureSources {
    return { connections: () => this.#realtime.connections.size, subscriptions: () => this.#subscriptionCount() };
  }

  #subscriptionCount(): number {
    let total = 0;
    for (const connection of this.#realtime.connections) total += connection.subscriptionCount;
    return total;
  }

  #addGauges(config: Readonly<Config>): void {
    const { registry } = this.core.metrics;
    registry.gauge('switchboard_connections', 'Open WebSocket connections.', () => this.#realtime.connections.size);
    registry.gauge('switchboard_outbound_queued_bytes', 'Bytes queued to WebSocket clients and not yet taken by the kernel (limits.sendBufferTotalBytes caps them).', () => this.core.outbound.queuedBytes);
    registry.gauge('switchboard_subscriptions', 'Active subscriptions on this node.', () => this.#subscriptionCount());
    registry.gauge('switchboard_broker_up', 'Whether the broker takes publishes, with every interest of this node in place (1) or not (0).', () => [
      [{ broker: config.broker.type }, this.core.fanout.brokerReady ? 1 : 0],
    ], { aggregator: 'min' });
    registry.gauge('switchboard_event_handler_invocations', 'EVENT (fire and forget) onPublish invocations, by namespace and outcome.', () =>
      config.namespaces.flatMap((ns) => {
        const stats = this.core.handlers.get(ns.name)?.stats;
        if (stats === undefined || this.core.handlers.get(ns.name)?.onPublishSpec?.invokeType !== 'EVENT') return [];
        return (['started', 'failed', 'skipped'] as const).map((outcome) => [{ namespace: ns.name, outcome }, stats[outcome]] as [Record<string, string>, number]);
      }),
    );
  }

  /** Number of open WebSocket connections. */
  get connectionCount(): number {
    return this.#realtime.connections.size;
  }

  /**
   * Starts and checks every configured function, starts the data sources, the broker and the
   * destinations, and
   * listens. `port` 0 picks a free port.
   *
   * @throws FunctionStartError naming each function option that cannot start, and why; nothing listens then.
   * @throws DataSourceStartError naming a data source that cannot start (a missing client package).
   */
  async listen(port = this.core.config.server.port, host = this.core.config.server.host): Promise<ListenAddress> {
    const tracing = this.core.config.tracing;
    if (tracing !== undefined && this.core.telemetry.tracer === undefined) this.core.telemetry.tracer = await startTracing(tracing, packageVersion());
    await this.#functions.start();
    await this.core.handlers.start();
    await this.core.history?.start();
    await this.core.fanout.start();
    await this.core.forwarder.start();
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#keepAlive = setInterval(() => {
      for (const connection of this.#realtime.connections) connection.keepAlive();
    }, this.core.limits.keepAliveMs);
    // One sweep closes connections past their age, idle ones and those with an expired credential.
    const limits = this.core.config.limits;
    this.#ageSweep = setInterval(() => this.#realtime.sweep(Date.now()), sweepIntervalMs(limits.connectionAgeMs, limits.idleConnectionMs));
    const { server } = this.core.config;
    let metricsUrl: string | undefined;
    if (this.#ownMetricsListener) {
      const listener = await listenForScrapes(server.metricsPort!, server.metricsHost, this.#scrape, server.metricsToken);
      this.#metricsServer = listener.server;
      metricsUrl = listener.url;
    }
    this.#state.ready = true;
    const address = this.#server.address() as AddressInfo;
    const scheme = server.tls ? 'https' : 'http';
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const httpUrl = `${scheme}://${shownHost}:${address.port}`;
    return { host: address.address, port: address.port, httpUrl, realtimeUrl: `${httpUrl.replace(/^http/, 'ws')}/event/realtime`, ...(metricsUrl !== undefined && { metricsUrl }) };
  }

  /**
   * Graceful shutdown: reports not ready (`/healthz` answers 503) and refuses new WebSockets
   * (503) while it keeps listening, lets in-flight operations finish and answer, closes every
   * WebSocket with 1001 (reconnect, to another node behind a load balancer) and waits for them;
   * then stops listening and waits for in-flight HTTP requests. All of it within
   * `server.shutdownTimeoutMs`, after which what is left is cut. Then the broker closes. `async`
   * destinations get what is left of that time (half a second at least) to send their queues;
   * what they still hold is logged event by event and counted.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const forwardDeadline = Date.now() + this.core.config.server.shutdownTimeoutMs;
    this.#state.ready = false;
    clearInterval(this.#keepAlive);
    clearInterval(this.#ageSweep);
    const deadline = new Promise<'timeout'>((resolve) => setTimeout(resolve, this.core.config.server.shutdownTimeoutMs, 'timeout').unref());
    // The listener stays open while WebSockets drain, so that a load balancer's health check gets
    // its 503 instead of a refused connection.
    const drained = this.#realtime.closeAll(CLOSE_CODES.GoingAway.code, 'server shutting down').then(() => this.#realtime.whenEmpty());
    const timedOut = (await Promise.race([drained, deadline])) === 'timeout';
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    if (timedOut || (await Promise.race([closed, deadline])) === 'timeout') {
      this.core.log.warn('shutdown timeout: cutting remaining connections');
      this.#realtime.terminateAll();
      this.#server.closeAllConnections();
      await closed;
    }
    this.#metricsServer?.close();
    await this.core.handlers.close();
    const forwarded = this.core.forwarder.close(Math.max(forwardDeadline, Date.now() + 500));
    await Promise.all([forwarded, this.core.fanout.close(), this.core.history?.close(), this.#functions.close(), this.core.auth.close()]);
    // Last, so the spans of the requests that finished during shutdown are exported too.
    await this.core.telemetry.tracer?.shutdown();
  }
}

/** A Switchboard on the broker its configuration names (Redis and NATS clients load on demand). */
export async function createSwitchboard(config: Readonly<Config>, options: SwitchboardOptions = {}): Promise<Switchboard> {
  const tail = options.logTail ?? (options.logger === undefined && config.console.enabled ? new LogTail(config.console.logLines) : undefined);
  const log = options.logger ?? createLogger({ level: config.log.level, pretty: config.log.format === 'pretty', ...(tail !== undefined && { tail }) });
  const broker = options.broker ?? (await createBroker(config.broker, log));
  const historyStore = options.historyStore ?? (await createHistoryStore(config, log));
  return new Switchboard(config, { ...options, logger: log, broker, historyStore, ...(tail !== undefined && { logTail: tail }) });
}

function historyService(config: Readonly<Config>, store: HistoryStore | undefined, log: Logger, deliveries: Counter): HistoryService | undefined {
  const retention = historyRetention(config);
  if (retention.size === 0) return undefined;
  if (store === undefined) {
    if (historyStoreType(config) !== 'memory') {
      throw new Error(`history store ${historyStoreType(config)} needs createSwitchboard(), which opens the store`);
    }
    store = new MemoryHistoryStore(retention);
  }
  return new HistoryService(store, retention, log.child({ component: 'history' }), deliveries);
}

/**
 * Node's own request timeouts, from the configuration: a client that is slow to send its headers
 * or its body is cut (Node checks every `connectionsCheckingInterval`, 30 s by default: here at
 * most a second, so a slow body is held for about the configured time, not minutes more).
 */
function httpTimeouts(limits: Readonly<Config['limits']>): { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number } {
  return {
    headersTimeout: limits.httpHeadersTimeoutMs,
    requestTimeout: limits.httpRequestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.httpHeadersTimeoutMs / 4))),
  };
}

/** The version of `@switchboard/server`, for the spans' `service.version`. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function memoryBroker(config: Readonly<Config>): Broker {
  if (config.broker.type !== 'memory') {
    throw new Error(`broker.type ${config.broker.type} needs createSwitchboard(), which connects the broker`);
  }
  return new MemoryBroker();
}
