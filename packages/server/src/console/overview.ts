import { basename } from 'node:path';
import type { Config, FunctionHandlerConfig, NamespaceConfig } from '../config/schema.js';
import { configuredModes } from '../config/schema.js';
import { isDataSourceIntegration } from '../config/datasource-schema.js';
import { historyStoreType } from '../config/schema.js';
import { shownUrl } from '../destinations/shown-url.js';
import type { NamespaceRegistry } from '../namespaces/registry.js';

/** How the console shows a handler: its kind and where it runs, never its environment or credentials. */
export interface HandlerView {
  kind: 'code' | 'function' | 'dataSource';
  /** A file name, a URL's scheme, host and port, a command's program, or a data source's name. */
  target: string;
  /** `REQUEST_RESPONSE` or `EVENT`, for function handlers. */
  invokeType?: string;
}

export interface NamespaceView {
  name: string;
  publishModes: readonly string[];
  subscribeModes: readonly string[];
  code?: HandlerView;
  onPublish?: HandlerView;
  onSubscribe?: HandlerView;
  /** The data sources its handlers name. */
  dataSources: string[];
  history: { size: number; ttlMs: number } | null;
  /** Destination names. */
  forward: string[];
}

/** `GET /console/api/overview`: what the configuration makes of the server, without any secret. */
export interface Overview {
  version: string;
  broker: string;
  historyStore: string | null;
  authModes: string[];
  connectionModes: readonly string[];
  namespaces: NamespaceView[];
  dataSources: { name: string; type: string }[];
  destinations: { name: string; type: string; guarantee: string }[];
  limits: { eventBytes: number; eventsPerPublish: number; subscriptionsPerConnection: number };
}

/** Builds the overview once: the configuration is frozen, so it never changes while the server runs. */
export function buildOverview(config: Readonly<Config>, namespaces: NamespaceRegistry, version: string): Overview {
  const withHistory = config.namespaces.some((ns) => ns.history !== undefined);
  return {
    version,
    broker: config.broker.type,
    historyStore: withHistory ? historyStoreType(config) : null,
    authModes: configuredModes(config.auth),
    connectionModes: namespaces.connectionModes,
    namespaces: config.namespaces.map((ns) => namespaceView(ns, namespaces)),
    dataSources: config.dataSources.map((d) => ({ name: d.name, type: d.type })),
    destinations: config.destinations.map((d) => ({ name: d.name, type: d.type, guarantee: d.guarantee })),
    limits: { eventBytes: config.limits.eventBytes, eventsPerPublish: config.limits.eventsPerPublish, subscriptionsPerConnection: config.limits.subscriptionsPerConnection },
  };
}

function namespaceView(ns: Readonly<NamespaceConfig>, registry: NamespaceRegistry): NamespaceView {
  const effective = registry.get(ns.name);
  const view: NamespaceView = {
    name: ns.name,
    publishModes: effective.publishModes,
    subscribeModes: effective.subscribeModes,
    dataSources: [],
    history: ns.history === undefined ? null : { size: ns.history.size, ttlMs: ns.history.ttlMs },
    forward: [...(ns.forward ?? [])],
  };
  if (ns.code !== undefined) view.code = { kind: 'code', target: basename(ns.code.file) };
  for (const op of ['onPublish', 'onSubscribe'] as const) {
    const handler = ns[op];
    if (handler === undefined) continue;
    if (isDataSourceIntegration(handler)) {
      view[op] = { kind: 'dataSource', target: handler.dataSource };
      view.dataSources.push(handler.dataSource);
    } else {
      view[op] = { kind: 'function', target: functionTarget(handler), invokeType: handler.invokeType };
    }
  }
  return view;
}

/** Where a function runs, as the console may show it: no path beyond the file name, no URL credentials. */
function functionTarget(fn: Readonly<FunctionHandlerConfig>): string {
  if (fn.url !== undefined) return shownUrl(fn.url);
  if (fn.function !== undefined) return basename(fn.function);
  if (fn.codeDir !== undefined) return `${basename(fn.codeDir)} (${fn.handler ?? 'handler'})`;
  const command = Array.isArray(fn.command) ? fn.command[0] : fn.command;
  return command === undefined ? 'function' : basename(command);
}
