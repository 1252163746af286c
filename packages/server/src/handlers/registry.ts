import { basename } from 'node:path';
import { isDataSourceIntegration } from '../config/datasource-schema.js';
import type { Config, NamespaceConfig } from '../config/schema.js';
import { DataSourceRegistry } from '../datasources/registry.js';
import { functionName, type FunctionService } from '../functions/service.js';
import type { Logger } from '../log/logger.js';
import type { Telemetry } from '../observability/telemetry.js';
import { NamespaceHandlers, type HandlerSpec } from './namespace-handlers.js';

/** What a code handler file is as a function target: a JavaScript module without Lambda settings. */
const CODE_DEFAULTS = { memoryMb: 256, concurrency: 1, retries: 0 } as const;

export interface HandlerRegistryOptions {
  /** `AMAZON_DYNAMODB` data sources without `endpoint` use the embedded store (`switchboard dev`). @default false */
  embeddedDataStores?: boolean;
  /** Where invocations and data source calls are measured and traced. */
  telemetry?: Telemetry;
}

/**
 * The handlers of every namespace, built from the configuration. The functions they run come from
 * the `FunctionService`, which shares one invoker per handler file and runtime between the
 * namespaces and operations that name it (one worker for `fn.mjs` serving both onPublish and
 * onSubscribe). The data sources their code calls come from the `DataSourceRegistry`, one per
 * `dataSources` entry, started and closed with the registry.
 */
export class HandlerRegistry {
  readonly #byNamespace = new Map<string, NamespaceHandlers>();
  readonly #functions: FunctionService;
  readonly #dataSources: DataSourceRegistry;

  constructor(config: Readonly<Config>, functions: FunctionService, log: Logger, options: HandlerRegistryOptions = {}) {
    this.#functions = functions;
    this.#dataSources = new DataSourceRegistry(config.dataSources, {
      log,
      invokerFor: (target, option) => this.#functions.get(target, { option, kind: 'function' }),
      embedded: options.embeddedDataStores ?? false,
    });
    for (const [index, ns] of config.namespaces.entries()) {
      const onPublish = this.#spec(ns, index, 'onPublish');
      const onSubscribe = this.#spec(ns, index, 'onSubscribe');
      if (onPublish || onSubscribe) {
        this.#byNamespace.set(ns.name, new NamespaceHandlers(ns.name, onPublish, onSubscribe, log, config.limits.eventBytes, options.telemetry));
      }
    }
  }

  /** The namespace's handlers, or `undefined` when it has none. */
  get(namespace: string): NamespaceHandlers | undefined {
    return this.#byNamespace.get(namespace);
  }

  /** Loads data source clients and starts embedded stores; rejects naming the data source that cannot start. */
  start(): Promise<void> {
    return this.#dataSources.start();
  }

  /** Ends every data source pool and client. (Functions belong to the `FunctionService`.) */
  close(): Promise<void> {
    return this.#dataSources.close();
  }

  #spec(ns: NamespaceConfig, index: number, operation: 'onPublish' | 'onSubscribe'): HandlerSpec | undefined {
    const fn = ns[operation];
    if (fn !== undefined && !isDataSourceIntegration(fn)) {
      const invoker = this.#functions.get(fn, { option: `namespaces[${index}].${operation}`, kind: 'function' });
      return { kind: 'function', invoker, invokeType: fn.invokeType, timeoutMs: fn.timeoutMs, name: functionName(fn) };
    }
    if (ns.code !== undefined) {
      // The code file may export only one of the two operations; the executor answers a missing
      // export with AppSync's default, so the file is checked when it is loaded, not here.
      return {
        kind: 'code',
        invoker: this.#functions.get({ ...CODE_DEFAULTS, function: ns.code.file, runtime: ns.code.runtime }, { option: `namespaces[${index}].code`, kind: 'code' }),
        invokeType: 'REQUEST_RESPONSE',
        timeoutMs: ns.code.timeoutMs,
        name: basename(ns.code.file),
        dataSource: isDataSourceIntegration(fn) ? this.#dataSources.get(fn.dataSource) : undefined,
      };
    }
    return undefined;
  }
}
