import { basename } from 'node:path';
import type { Config, NamespaceConfig } from '../config/schema.js';
import { functionName, type FunctionService } from '../functions/service.js';
import type { Logger } from '../log/logger.js';
import type { Telemetry } from '../observability/telemetry.js';
import { NamespaceHandlers, type HandlerSpec } from './namespace-handlers.js';

/** What a code handler file is as a function target: a JavaScript module without Lambda settings. */
const CODE_DEFAULTS = { memoryMb: 256, concurrency: 1, retries: 0 } as const;

/**
 * The handlers of every namespace, built from the configuration. The functions they run come from
 * the `FunctionService`, which shares one invoker per handler file and runtime between the
 * namespaces and operations that name it (one worker for `fn.mjs` serving both onPublish and
 * onSubscribe).
 */
export class HandlerRegistry {
  readonly #byNamespace = new Map<string, NamespaceHandlers>();
  readonly #functions: FunctionService;

  constructor(config: Readonly<Config>, functions: FunctionService, log: Logger, telemetry?: Telemetry) {
    this.#functions = functions;
    for (const [index, ns] of config.namespaces.entries()) {
      const onPublish = this.#spec(ns, index, 'onPublish');
      const onSubscribe = this.#spec(ns, index, 'onSubscribe');
      if (onPublish || onSubscribe) {
        this.#byNamespace.set(ns.name, new NamespaceHandlers(ns.name, onPublish, onSubscribe, log, config.limits.eventBytes, telemetry));
      }
    }
  }

  /** The namespace's handlers, or `undefined` when it has none. */
  get(namespace: string): NamespaceHandlers | undefined {
    return this.#byNamespace.get(namespace);
  }

  #spec(ns: NamespaceConfig, index: number, operation: 'onPublish' | 'onSubscribe'): HandlerSpec | undefined {
    const fn = ns[operation];
    if (fn !== undefined) {
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
        dataSource: ns.dataSource && {
          invoker: this.#functions.get(ns.dataSource, { option: `namespaces[${index}].dataSource`, kind: 'function' }),
          name: functionName(ns.dataSource),
        },
      };
    }
    return undefined;
  }
}
