import type { FunctionTargetConfig } from '../config/function-target.js';
import type { Logger } from '../log/logger.js';
import { HttpInvoker } from './http.js';
import { InlineInvoker } from './js/inline.js';
import { WorkerInvoker } from './js/worker.js';
import { lambdaEnvironment } from './lambda-env.js';
import { ProcessInvoker } from './process/invoker.js';
import { functionSpec, type FunctionSpec } from './target.js';
import { FunctionStartError, type Invoker } from './types.js';
import { FileWatcher } from './watch.js';

/** TypeScript support, registered only in threads that load a `.ts` / `.mts` function. */
const TYPESCRIPT_HOOKS = new URL('./js/typescript-hooks.js', import.meta.url).href;

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

/** Who uses a function: named in start-up errors, and telling what a module must export. */
export interface FunctionUse {
  /** The configuration option that names the function (`namespaces[0].onPublish`). */
  readonly option: string;
  /** `function`: a Lambda handler(event, context); `code`: a code handler's onPublish / onSubscribe. */
  readonly kind: 'function' | 'code';
}

interface Entry {
  readonly invoker: Invoker;
  readonly spec: FunctionSpec;
  readonly options: string[];
}

/**
 * Runs functions for everything that needs one: function and code handlers, Lambda data sources
 * and the Lambda authorizer. Each of them asks for the invoker of a target (a module, a Python
 * handler, a custom runtime, a URL) and only invokes it. One invoker per target and use kind,
 * shared by every caller that names it (one worker for `fn.mjs` serving onPublish and onSubscribe
 * of several namespaces).
 *
 * The service owns its invokers: `start` starts and checks them all (a start-up error names the
 * option and the cause), `close` closes them, and with `watch` a function is reloaded when its
 * file changes; a reload that fails is logged and the old code keeps serving.
 */
export class FunctionService {
  readonly #entries = new Map<string, Entry>();
  readonly #log: Logger;
  readonly #hooks: readonly string[];
  readonly #watcher: FileWatcher | undefined;

  constructor(options: FunctionServiceOptions) {
    this.#log = options.log;
    this.#hooks = options.moduleHooks ?? [];
    this.#watcher = options.watch ? new FileWatcher() : undefined;
  }

  /** The invoker of `target`, created on first use. */
  get(target: FunctionTargetConfig, use: FunctionUse): Invoker {
    const spec = functionSpec(target);
    const key = JSON.stringify([use.kind, spec]);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { invoker: this.#create(spec, use), spec, options: [] };
      this.#entries.set(key, entry);
    }
    entry.options.push(use.option);
    return entry.invoker;
  }

  /**
   * Starts every function and checks it can run.
   *
   * @throws FunctionStartError naming, for each function that cannot start, the options that use it and why.
   */
  async start(): Promise<void> {
    const entries = [...this.#entries.values()];
    const results = await Promise.allSettled(entries.map((entry) => entry.invoker.start()));
    const problems = results.flatMap((result, i) =>
      result.status === 'rejected' ? [`  - ${entries[i]!.options.join(', ')}: ${(result.reason as Error).message}`] : [],
    );
    if (problems.length > 0) throw new FunctionStartError(`Cannot start the configured functions:\n${problems.join('\n')}`);
  }

  async close(): Promise<void> {
    this.#watcher?.close();
    await Promise.all([...this.#entries.values()].map((entry) => entry.invoker.close()));
  }

  #create(spec: FunctionSpec, use: FunctionUse): Invoker {
    if (spec.type === 'url') return new HttpInvoker(spec.url, { retries: spec.retries });
    const log = this.#log.child({ function: spec.name });
    let invoker: Invoker;
    let sources: readonly string[];
    if (spec.type === 'module') {
      const expects = use.kind === 'function' ? { kind: 'function' as const, exportName: spec.exportName } : { kind: 'code' as const };
      const hooks = /\.m?ts$/.test(spec.file) ? [...this.#hooks, TYPESCRIPT_HOOKS] : this.#hooks;
      invoker = spec.runtime === 'worker'
        ? new WorkerInvoker(spec.file, log, { expects, hooks, memoryMb: spec.memoryMb, env: () => lambdaEnvironment(spec) })
        : new InlineInvoker(spec.file, log, { expects, hooks, memoryMb: spec.memoryMb });
      sources = [spec.file];
    } else {
      invoker = new ProcessInvoker(spec, log);
      sources = spec.sources;
    }
    for (const file of sources) this.#watcher?.add(file, () => this.#reload(invoker, file));
    return invoker;
  }

  #reload(invoker: Invoker, file: string): void {
    invoker.reload().then(
      () => this.#log.info('handler reloaded', { file }),
      (err: unknown) => this.#log.error('handler reload failed; the previous version keeps running', { file, error: (err as Error).message }),
    );
  }
}

/** The name a function goes by: Lambda `context.functionName`, `AWS_LAMBDA_FUNCTION_NAME`, and the name in log lines. */
export function functionName(target: FunctionTargetConfig): string {
  return functionSpec(target).name;
}
