import { z } from 'zod';
import { DEFAULT_LIMITS, isValidNamespaceName, publishFrameBytes } from '@switchboard/protocol';
import { DEFAULT_PROBE } from '../broker/link-probe.js';
import { LOG_LEVELS, toLogLevel } from '../log/logger.js';
import { exactlyOneTarget, functionTargetFields } from './function-target.js';
import { auth, configuredModes, modeList, type AuthModeName } from './auth-schema.js';
import { checkDataSources, dataSourceList, functionOrDataSource, isDataSourceIntegration, movedDataSource } from './datasource-schema.js';
import { protection } from './protection-schema.js';
import { destination, destinationName } from './destinations-schema.js';

export { configuredModes };

/**
 * The configuration schema: one place gives the types, the defaults and the validation.
 * `docs/configuration.md` describes every key. Unknown keys are errors, so a typo never silently
 * falls back to a default.
 */
const positiveInt = z.number().int().positive();

/** A Lambda-style function handler: a module exporting `handler(event, context)`, or an HTTP URL. */
const functionHandler = z
  .object({
    ...functionTargetFields(2),
    invokeType: z.enum(['REQUEST_RESPONSE', 'EVENT']).default('REQUEST_RESPONSE'),
    timeoutMs: positiveInt.default(10_000),
  })
  .strict()
  .superRefine(exactlyOneTarget);

/** An APPSYNC_JS-style code handler file exporting `onPublish(ctx)` and/or `onSubscribe(ctx)`. */
const codeHandler = z
  .union([
    z.string().min(1),
    z.object({ file: z.string().min(1), timeoutMs: positiveInt.default(10_000), runtime: z.enum(['worker', 'inline']).default('worker') }).strict(),
  ])
  .transform((value) => (typeof value === 'string' ? { file: value, timeoutMs: 10_000, runtime: 'worker' as const } : value));

const namespace = z
  .object({
    name: z.string().refine(isValidNamespaceName, 'must be 1-50 of A-Z a-z 0-9 -, not starting or ending with -'),
    /** Overrides `auth.publishModes` for this namespace. */
    publishModes: modeList.optional(),
    /** Overrides `auth.subscribeModes` for this namespace. */
    subscribeModes: modeList.optional(),
    /** Code handler file; its exports run for the operations that have no function handler. */
    code: codeHandler.optional(),
    /** Refused: data sources are declared in `dataSources` and named by `onPublish` / `onSubscribe`. */
    dataSource: movedDataSource.optional(),
    /** A function handler, or `{ dataSource }` for the code file's `{ request, response }` export. */
    onPublish: functionOrDataSource(functionHandler).optional(),
    onSubscribe: functionOrDataSource(functionHandler).optional(),
    /** Names from the top-level `destinations` list: every event this namespace broadcasts goes there too. */
    forward: z.array(destinationName).optional(),
    /** Keep the namespace's recent events, so clients can resume and read them (docs/history.md). Off when absent. */
    history: z
      .object({
        /** How many of the namespace's newest events are kept (all its channels together). */
        size: positiveInt.max(1_000_000).default(1000),
        /** How long an event is kept. */
        ttlMs: positiveInt.default(600_000),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((ns, ctx) => {
    if (ns.onSubscribe !== undefined && !isDataSourceIntegration(ns.onSubscribe) && ns.onSubscribe.invokeType === 'EVENT') {
      ctx.addIssue({ code: 'custom', path: ['onSubscribe', 'invokeType'], message: 'onSubscribe must decide, so it runs REQUEST_RESPONSE only' });
    }
  });

const limits = z
  .object({
    eventsPerPublish: positiveInt.default(DEFAULT_LIMITS.eventsPerPublish),
    eventBytes: positiveInt.default(DEFAULT_LIMITS.eventBytes),
    subscriptionsPerConnection: positiveInt.default(DEFAULT_LIMITS.subscriptionsPerConnection),
    publishesPerSecond: positiveInt.default(DEFAULT_LIMITS.publishesPerSecond),
    messagesPerSecond: positiveInt.default(DEFAULT_LIMITS.messagesPerSecond),
    errorsPerSecond: positiveInt.default(DEFAULT_LIMITS.errorsPerSecond),
    jsonDepth: positiveInt.default(DEFAULT_LIMITS.jsonDepth),
    /** Default: what the largest publish within eventsPerPublish and eventBytes can need (`publishFrameBytes`). */
    frameBytes: positiveInt.optional(),
    httpBodyBytes: positiveInt.optional(),
    sendBufferBytes: positiveInt.default(DEFAULT_LIMITS.sendBufferBytes),
    /** Bytes queued for all sockets together before the stalled ones are cut, largest queue first. */
    sendBufferTotalBytes: positiveInt.default(256 * 1024 * 1024),
    pendingOperations: positiveInt.default(DEFAULT_LIMITS.pendingOperations),
    connectionAgeMs: positiveInt.default(DEFAULT_LIMITS.connectionAgeMs),
    /** A connection with no subscription that sent nothing for this long is closed with 1000; 0: never. */
    idleConnectionMs: z.number().int().min(0).default(300_000),
    keepAliveMs: positiveInt.default(DEFAULT_LIMITS.keepAliveMs),
    connectionTimeoutMs: positiveInt.default(DEFAULT_LIMITS.connectionTimeoutMs),
    /** Time a client has to send a request's headers (HTTP and WebSocket upgrade) before the socket is closed. */
    httpHeadersTimeoutMs: positiveInt.default(10_000),
    /** Time a client has to send a whole HTTP request, body included, before the socket is closed. */
    httpRequestTimeoutMs: positiveInt.default(30_000),
  })
  .strict()
  .refine((l) => l.httpHeadersTimeoutMs <= l.httpRequestTimeoutMs, {
    path: ['httpHeadersTimeoutMs'],
    message: 'must not be larger than limits.httpRequestTimeoutMs (the headers are part of the request)',
  })
  .transform((l) => {
    const fits = publishFrameBytes(l.eventsPerPublish, l.eventBytes);
    return { ...l, frameBytes: l.frameBytes ?? fits, httpBodyBytes: l.httpBodyBytes ?? fits };
  });

/** How a networked broker probes its links: a link open but silent is reported within their sum. */
const brokerProbe = {
  probeIntervalMs: positiveInt.default(DEFAULT_PROBE.intervalMs),
  probeTimeoutMs: positiveInt.default(DEFAULT_PROBE.timeoutMs),
};

/** Where fan-out goes between nodes. `memory`: one process. `redis` / `nats`: many nodes. */
const broker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('memory') }).strict(),
  z
    .object({
      type: z.literal('redis'),
      url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
      /** Prefix of every Redis channel Switchboard uses, to share one Redis between APIs. */
      prefix: z.string().min(1).default('switchboard'),
      ...brokerProbe,
    })
    .strict(),
  z
    .object({
      type: z.literal('nats'),
      url: z.string().regex(/^(nats|tls|wss?):\/\//, 'must be a nats:// URL').default('nats://127.0.0.1:4222'),
      /** First token of every NATS subject Switchboard uses. */
      prefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be one NATS subject token').default('switchboard'),
      ...brokerProbe,
    })
    .strict(),
]);

/**
 * Where namespaces with history keep it. The store follows the broker: `memory` (or `sqlite`, for
 * one node that must keep its history across restarts) with the memory broker, `redis` (Streams)
 * with the Redis broker, `nats` (JetStream) with the NATS broker, on the broker's URL and prefix.
 */
const history = z
  .object({
    store: z.enum(['memory', 'sqlite', 'redis', 'nats']).optional(),
    /** The SQLite database file (`store: sqlite`); created when missing. */
    path: z.string().min(1).optional(),
  })
  .strict();

const server = z
  .object({
    host: z.string().min(1).default('0.0.0.0'),
    port: z.number().int().min(0).max(65535).default(8080),
    tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict().optional(),
    /** Origins allowed to call `POST /event` from a browser; `*` allows any. */
    corsOrigins: z.array(z.string().min(1)).default(['*']),
    /** Serve `GET /metrics` (Prometheus text format). */
    metrics: z.boolean().default(true),
    /**
     * Serve `GET /metrics` on a listener of its own on this port (0: a free one) instead of the
     * public port, so it need not be reachable by clients. Under `--workers` the primary opens it.
     */
    metricsPort: z.number().int().min(0).max(65535).optional(),
    /** The address of the `metricsPort` listener. */
    metricsHost: z.string().min(1).default('127.0.0.1'),
    /** When set, `GET /metrics` needs `Authorization: Bearer <metricsToken>`. */
    metricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
    /** How long shutdown waits for sockets to close before cutting them. */
    shutdownTimeoutMs: positiveInt.default(5000),
  })
  .strict();

const log = z
  .object({
    /** NONE | ERROR | WARN | INFO | DEBUG | ALL, in any case (`silent` and `trace` also name NONE and ALL). */
    level: z.preprocess((v) => (typeof v === 'string' ? (toLogLevel(v) ?? v) : v), z.enum(LOG_LEVELS)).default('INFO'),
    /** `json`: one JSON object per line; `pretty`: readable lines for people. */
    format: z.enum(['json', 'pretty']).default('json'),
  })
  .strict();

/** OpenTelemetry traces, exported over OTLP/HTTP; off when the section is absent. */
const tracing = z
  .object({
    /** The collector's OTLP/HTTP traces URL (JSON), such as `http://127.0.0.1:4318/v1/traces`. */
    endpoint: z.string().regex(/^https?:\/\//, 'must be an http:// or https:// URL'),
    /** `service.name` of the spans. */
    serviceName: z.string().min(1).default('switchboard'),
    /** The share of new traces recorded (0 to 1); a caller's sampled `traceparent` is always followed. */
    sampleRatio: z.number().min(0).max(1).default(1),
    /** Headers sent to the collector (such as its credentials). */
    headers: z.record(z.string()).default({}),
  })
  .strict();

/** The web console at `/console` (docs/console.md): off unless enabled; `switchboard dev` enables it. */
const consoleSection = z
  .object({
    enabled: z.boolean().default(false),
    /** The auth modes that open the console's API (overview, figures, log tail). Default: the connection modes. */
    modes: modeList.optional(),
    /** How many of the newest log lines the console's log tail keeps. */
    logLines: positiveInt.max(10_000).default(500),
  })
  .strict();

export const configSchema = z
  .object({
    server: server.default({}),
    log: log.default({}),
    auth: auth.default({}),
    protection: protection.default({}),
    namespaces: z.array(namespace).min(1, 'must configure at least one namespace'),
    limits: limits.default({}),
    broker: broker.default({ type: 'memory' }),
    /** Data sources that code handlers call (docs/data-sources.md). */
    dataSources: dataSourceList,
    /** Where namespaces forward their events (`docs/forwarding.md`). */
    destinations: z.array(destination).default([]),
    /** Where namespaces with `history` keep it (docs/history.md). */
    history: history.default({}),
    tracing: tracing.optional(),
    console: consoleSection.default({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    checkHistory(config, ctx);
    const seen = new Set<string>();
    config.namespaces.forEach((ns, i) => {
      if (seen.has(ns.name)) {
        ctx.addIssue({ code: 'custom', path: ['namespaces', i, 'name'], message: `duplicate namespace "${ns.name}"` });
      }
      seen.add(ns.name);
    });
    const configured = configuredModes(config.auth);
    if (configured.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['auth'], message: 'configure at least one auth provider (auth.apiKeys, auth.cognito, auth.oidc, auth.lambda or auth.iam)' });
    }
    const checkModes = (modes: readonly string[] | undefined, path: (string | number)[]): void => {
      modes?.forEach((mode, i) => {
        if (!configured.includes(mode as AuthModeName)) {
          ctx.addIssue({ code: 'custom', path: [...path, i], message: `auth mode ${mode} has no provider configured` });
        }
      });
    };
    checkModes(config.auth.connectionModes, ['auth', 'connectionModes']);
    checkModes(config.auth.publishModes, ['auth', 'publishModes']);
    checkModes(config.auth.subscribeModes, ['auth', 'subscribeModes']);
    checkModes(config.console.modes, ['console', 'modes']);
    config.namespaces.forEach((ns, i) => {
      checkModes(ns.publishModes, ['namespaces', i, 'publishModes']);
      checkModes(ns.subscribeModes, ['namespaces', i, 'subscribeModes']);
    });
    checkDataSources(config, ctx);
    checkDestinations(config, ctx);
  });

/** Destination names are unique, and every `forward` entry names one, once. */
function checkDestinations(config: { destinations: { name: string }[]; namespaces: { forward?: string[] | undefined }[] }, ctx: z.RefinementCtx): void {
  const names = new Set<string>();
  config.destinations.forEach((d, i) => {
    if (names.has(d.name)) ctx.addIssue({ code: 'custom', path: ['destinations', i, 'name'], message: `duplicate destination "${d.name}"` });
    names.add(d.name);
  });
  config.namespaces.forEach((ns, i) => {
    ns.forward?.forEach((name, j) => {
      const path = ['namespaces', i, 'forward', j];
      if (!names.has(name)) ctx.addIssue({ code: 'custom', path, message: `no destination named "${name}" in destinations` });
      else if (ns.forward?.indexOf(name) !== j) ctx.addIssue({ code: 'custom', path, message: `destination "${name}" is listed twice` });
    });
  });
}

/** The history store the configuration asks for: explicit, or the one that goes with the broker. */
export function historyStoreType(config: { broker: { type: string }; history: { store?: string } }): 'memory' | 'sqlite' | 'redis' | 'nats' {
  return (config.history.store ?? config.broker.type) as 'memory' | 'sqlite' | 'redis' | 'nats';
}

function checkHistory(config: { broker: { type: string }; history: { store?: string; path?: string } }, ctx: z.RefinementCtx): void {
  const store = historyStoreType(config);
  const broker = config.broker.type;
  const fits = broker === 'memory' ? store === 'memory' || store === 'sqlite' : store === broker;
  if (!fits) {
    ctx.addIssue({ code: 'custom', path: ['history', 'store'], message: `store ${store} does not go with broker.type ${broker}: use ${broker === 'memory' ? 'memory or sqlite' : broker}` });
  }
  if (store === 'sqlite' && config.history.path === undefined) {
    ctx.addIssue({ code: 'custom', path: ['history', 'path'], message: 'store sqlite needs the path of its database file' });
  }
  if (store !== 'sqlite' && config.history.path !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['history', 'path'], message: 'path is for store sqlite only' });
  }
}

export type FunctionHandlerConfig = z.infer<typeof functionHandler>;
export type CodeHandlerConfig = z.infer<typeof codeHandler>;
export type NamespaceConfig = z.infer<typeof namespace>;

export type BrokerConfig = z.infer<typeof broker>;
export type { DestinationConfig } from './destinations-schema.js';

/** A validated configuration with every default filled in. */
export type Config = z.infer<typeof configSchema>;
/** What a config file may contain (defaults optional). */
export type ConfigInput = z.input<typeof configSchema>;

export type TracingConfig = z.infer<typeof tracing>;
export type ConsoleConfig = z.infer<typeof consoleSection>;
