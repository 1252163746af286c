import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isDataSourceIntegration } from '../config/datasource-schema.js';
import type { Config, FunctionHandlerConfig, NamespaceConfig } from '../config/schema.js';
import { DataSourceRegistry } from '../datasources/registry.js';
import type { Logger } from '../log/logger.js';
import { HttpInvoker } from './invokers/http.js';
import { InlineInvoker } from './invokers/inline.js';
import type { Invoker } from './invokers/types.js';
import { WorkerInvoker } from './invokers/worker.js';
import { NamespaceHandlers, type HandlerSpec } from './namespace-handlers.js';

export interface HandlerRegistryOptions {
  /** Reload a handler file when it changes (`switchboard dev`). @default false */
  watch?: boolean;
  /** `AMAZON_DYNAMODB` data sources without `endpoint` use the embedded store (`switchboard dev`). @default false */
  embeddedDataStores?: boolean;
}

/**
 * The handlers of every namespace, built from the configuration. One invoker per handler file and
 * runtime, shared by the namespaces and operations that name it (one worker for `fn.mjs` serving
 * both onPublish and onSubscribe).
 */
export class HandlerRegistry {
  readonly #byNamespace = new Map<string, NamespaceHandlers>();
  readonly #invokers = new Map<string, Invoker>();
  readonly #watchers: FSWatcher[] = [];
  readonly #log: Logger;
  readonly #dataSources: DataSourceRegistry;

  constructor(config: Readonly<Config>, log: Logger, options: HandlerRegistryOptions = {}) {
    this.#log = log;
    this.#dataSources = new DataSourceRegistry(config.dataSources, {
      log,
      invokerFor: (target) => this.#functionInvoker(target),
      embedded: options.embeddedDataStores ?? false,
    });
    for (const ns of config.namespaces) {
      const onPublish = this.#spec(ns, 'onPublish');
      const onSubscribe = this.#spec(ns, 'onSubscribe');
      if (onPublish || onSubscribe) {
        this.#byNamespace.set(ns.name, new NamespaceHandlers(ns.name, onPublish, onSubscribe, log, config.limits.eventBytes));
      }
    }
    if (options.watch) this.#watchFiles();
  }

  /** The namespace's handlers, or `undefined` when it has none. */
  get(namespace: string): NamespaceHandlers | undefined {
    return this.#byNamespace.get(namespace);
  }

  /** Loads data source clients and starts embedded stores; rejects naming the data source that cannot start. */
  start(): Promise<void> {
    return this.#dataSources.start();
  }

  async close(): Promise<void> {
    for (const watcher of this.#watchers) watcher.close();
    await this.#dataSources.close();
    await Promise.all([...this.#invokers.values()].map((invoker) => invoker.close()));
  }

  #spec(ns: NamespaceConfig, operation: 'onPublish' | 'onSubscribe'): HandlerSpec | undefined {
    const fn = ns[operation];
    if (fn !== undefined && !isDataSourceIntegration(fn)) {
      return { kind: 'function', invoker: this.#functionInvoker(fn), invokeType: fn.invokeType, timeoutMs: fn.timeoutMs, name: functionName(fn) };
    }
    if (ns.code !== undefined) {
      // The code file may export only one of the two operations; the executor answers a missing
      // export with a clear error, so the file is checked when it is loaded, not here.
      return {
        kind: 'code',
        invoker: this.#moduleInvoker(ns.code.file, ns.code.runtime),
        invokeType: 'REQUEST_RESPONSE',
        timeoutMs: ns.code.timeoutMs,
        name: basename(ns.code.file),
        dataSource: isDataSourceIntegration(fn) ? this.#dataSources.get(fn.dataSource) : undefined,
      };
    }
    return undefined;
  }

  #functionInvoker(fn: FunctionTarget): Invoker {
    if (fn.url !== undefined) {
      const key = `url:${fn.url}:${fn.retries}`;
      let invoker = this.#invokers.get(key);
      if (invoker === undefined) this.#invokers.set(key, (invoker = new HttpInvoker(fn.url, { retries: fn.retries })));
      return invoker;
    }
    return this.#moduleInvoker(fn.function!, fn.runtime);
  }

  #moduleInvoker(file: string, runtime: 'worker' | 'inline'): Invoker {
    const key = `${runtime}:${file}`;
    let invoker = this.#invokers.get(key);
    if (invoker === undefined) {
      invoker = runtime === 'worker' ? new WorkerInvoker(file, this.#log) : new InlineInvoker(file, this.#log);
      this.#invokers.set(key, invoker);
    }
    return invoker;
  }

  /** Watches each handler file's folder (editors replace files, which ends a watch on the file itself). */
  #watchFiles(): void {
    const byDir = new Map<string, Map<string, Invoker[]>>();
    for (const [key, invoker] of this.#invokers) {
      if (key.startsWith('url:')) continue;
      const file = key.slice(key.indexOf(':') + 1);
      const files = byDir.get(dirname(file)) ?? new Map<string, Invoker[]>();
      files.set(basename(file), [...(files.get(basename(file)) ?? []), invoker]);
      byDir.set(dirname(file), files);
    }
    for (const [dir, files] of byDir) {
      const timers = new Map<string, NodeJS.Timeout>();
      const watcher = watch(dir, (_event, name) => {
        const invokers = name === null ? undefined : files.get(name.toString());
        if (invokers === undefined || name === null) return;
        clearTimeout(timers.get(name.toString()));
        timers.set(name.toString(), setTimeout(() => {
          for (const invoker of invokers) invoker.reload();
          this.#log.info('handler reloaded', { file: `${dir}/${name}` });
        }, 50));
      });
      watcher.unref();
      this.#watchers.push(watcher);
    }
  }
}

/** What locates a function: a module (with its runtime) or a URL (with its retries). */
type FunctionTarget = Pick<FunctionHandlerConfig, 'function' | 'url' | 'runtime' | 'retries'>;

function functionName(fn: FunctionTarget): string {
  if (fn.url !== undefined) return new URL(fn.url).host;
  return basename(fn.function!).replace(/\.[cm]?js$/, '');
}
