import { basename } from 'node:path';
import type { FunctionTargetConfig } from '../config/function-target.js';
import type { Logger } from '../log/logger.js';
import { HttpInvoker } from './http.js';
import { InlineInvoker } from './js/inline.js';
import { WorkerInvoker } from './js/worker.js';
import type { Invoker } from './types.js';
import { FileWatcher } from './watch.js';

export interface FunctionServiceOptions {
  readonly log: Logger;
  /**
   * Node.js module hooks (URLs) registered in every thread that runs JavaScript functions, before
   * a function's module loads. Handlers add the one for `@aws-appsync/utils`. @default []
   */
  readonly moduleHooks?: readonly string[];
  /** Reload a function when its file changes (`switchboard dev`). @default false */
  readonly watch?: boolean;
}

/**
 * Runs functions for everything that needs one: function handlers, code handlers, Lambda data
 * sources and the Lambda authorizer. Each of them asks for the invoker of a target (a module and
 * its runtime, or a URL) and only invokes it. One invoker per target, shared by every caller that
 * names it (one worker for `fn.mjs` serving onPublish and onSubscribe of several namespaces).
 *
 * The service owns its invokers: `close` closes them, and with `watch` it reloads a module's
 * invoker when the file changes.
 */
export class FunctionService {
  readonly #invokers = new Map<string, Invoker>();
  readonly #log: Logger;
  readonly #hooks: readonly string[];
  readonly #watcher: FileWatcher | undefined;

  constructor(options: FunctionServiceOptions) {
    this.#log = options.log;
    this.#hooks = options.moduleHooks ?? [];
    this.#watcher = options.watch ? new FileWatcher() : undefined;
  }

  /** The invoker of `target`, created on first use. */
  get(target: FunctionTargetConfig): Invoker {
    const key = target.url !== undefined ? `url:${target.url}:${target.retries}` : `${target.runtime}:${target.function!}`;
    let invoker = this.#invokers.get(key);
    if (invoker === undefined) {
      invoker = this.#create(target);
      this.#invokers.set(key, invoker);
    }
    return invoker;
  }

  async close(): Promise<void> {
    this.#watcher?.close();
    await Promise.all([...this.#invokers.values()].map((invoker) => invoker.close()));
  }

  #create(target: FunctionTargetConfig): Invoker {
    if (target.url !== undefined) return new HttpInvoker(target.url, { retries: target.retries });
    const file = target.function!;
    const invoker = target.runtime === 'worker'
      ? new WorkerInvoker(file, this.#log, { hooks: this.#hooks })
      : new InlineInvoker(file, this.#log, this.#hooks);
    this.#watcher?.add(file, () => {
      invoker.reload();
      this.#log.info('handler reloaded', { file });
    });
    return invoker;
  }
}

/** The name a function goes by: Lambda `context.functionName`, and the name in log lines. */
export function functionName(target: Pick<FunctionTargetConfig, 'function' | 'url'>): string {
  if (target.url !== undefined) return new URL(target.url).host;
  return basename(target.function!).replace(/\.[cm]?js$/, '');
}
