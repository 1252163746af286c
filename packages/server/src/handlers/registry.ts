import { basename } from 'node:path';
import type { Config, NamespaceConfig } from '../config/schema.js';
import { functionName, type FunctionService } from '../functions/service.js';
import type { Logger } from '../log/logger.js';
import { NamespaceHandlers, type HandlerSpec } from './namespace-handlers.js';

/**
 * The handlers of every namespace, built from the configuration. The functions they run come from
 * the `FunctionService`, which shares one invoker per handler file and runtime between the
 * namespaces and operations that name it (one worker for `fn.mjs` serving both onPublish and
 * onSubscribe).
 */
export class HandlerRegistry {
  readonly #byNamespace = new Map<string, NamespaceHandlers>();
  readonly #functions: FunctionService;

  constructor(config: Readonly<Config>, functions: FunctionService, log: Logger) {
    this.#functions = functions;
    for (const ns of config.namespaces) {
      const onPublish = this.#spec(ns, 'onPublish');
      const onSubscribe = this.#spec(ns, 'onSubscribe');
      if (onPublish || onSubscribe) {
        this.#byNamespace.set(ns.name, new NamespaceHandlers(ns.name, onPublish, onSubscribe, log, config.limits.eventBytes));
      }
    }
  }

  /** The namespace's handlers, or `undefined` when it has none. */
  get(namespace: string): NamespaceHandlers | undefined {
    return this.#byNamespace.get(namespace);
  }

  #spec(ns: NamespaceConfig, operation: 'onPublish' | 'onSubscribe'): HandlerSpec | undefined {
    const fn = ns[operation];
    if (fn !== undefined) {
      return { kind: 'function', invoker: this.#functions.get(fn), invokeType: fn.invokeType, timeoutMs: fn.timeoutMs, name: functionName(fn) };
    }
    if (ns.code !== undefined) {
      // The code file may export only one of the two operations; the executor answers a missing
      // export with AppSync's default, so the file is checked when it is loaded, not here.
      return {
        kind: 'code',
        invoker: this.#functions.get({ function: ns.code.file, runtime: ns.code.runtime, retries: 0 }),
        invokeType: 'REQUEST_RESPONSE',
        timeoutMs: ns.code.timeoutMs,
        name: basename(ns.code.file),
        dataSource: ns.dataSource && { invoker: this.#functions.get(ns.dataSource), name: functionName(ns.dataSource) },
      };
    }
    return undefined;
  }
}
