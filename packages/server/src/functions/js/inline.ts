import { pathToFileURL } from 'node:url';
import { ProtocolError } from '@switchboard/protocol';
import type { Logger } from '../../log/logger.js';
import { FunctionStartError, type InvokeCall, type InvokeOutcome, type Invoker } from '../types.js';
import { execute, type ModuleSettings } from './execute.js';
import { describeExports, describeLoadError, missingExport, type ModuleExpectation } from './module-check.js';
import { registerModuleHooks } from './module-hooks.js';

export interface InlineInvokerOptions {
  /** What the module must export. @default a function named `handler` */
  expects?: ModuleExpectation;
  /** Lambda `context.memoryLimitInMB` (informative: inline code shares the server's heap). @default 256 */
  memoryMb?: number;
  /** Module hooks (URLs) registered in this thread before the module loads. @default [] */
  hooks?: readonly string[];
}

/**
 * Runs a module in the server's own thread: no message passing, the lowest overhead, and no
 * isolation. A timeout answers the client but cannot stop a function that keeps running, and a
 * synchronous loop blocks the whole server. For trusted, fast functions only (`runtime: inline`).
 */
export class InlineInvoker implements Invoker {
  readonly #file: string;
  readonly #url: string;
  readonly #log: Logger;
  readonly #hooks: readonly string[];
  readonly #expects: ModuleExpectation;
  readonly #settings: ModuleSettings;
  #version = 0;
  #module: Promise<Record<string, unknown>> | undefined;

  constructor(file: string, log: Logger, options: InlineInvokerOptions = {}) {
    this.#file = file;
    this.#url = pathToFileURL(file).href;
    this.#log = log.child({ handlerFile: file });
    this.#hooks = options.hooks ?? [];
    this.#expects = options.expects ?? { kind: 'function', exportName: 'handler' };
    this.#settings = { exportName: this.#expects.kind === 'function' ? this.#expects.exportName : 'handler', memoryMb: options.memoryMb ?? 256 };
  }

  async start(): Promise<void> {
    this.#module ??= this.#import(this.#version);
    await this.#checked(this.#module);
  }

  async invoke(call: InvokeCall): Promise<InvokeOutcome> {
    let module: Record<string, unknown>;
    try {
      module = await (this.#module ??= this.#import(this.#version));
    } catch (err) {
      this.#module = undefined;
      return { status: 'threw', name: 'ModuleLoadError', message: `cannot load the handler module: ${await describeLoadError(err, this.#file)}` };
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProtocolError('HandlerTimeoutError', `The ${call.operation} handler did not answer in time`)), Math.max(0, call.deadline - Date.now()));
    });
    const sink = (level: 'debug' | 'info' | 'warn' | 'error', message: string, tags: Readonly<Record<string, string>>): void =>
      this.#log[level](message, { ...tags, source: 'handler' });
    try {
      return await Promise.race([execute(module, call, this.#settings, sink), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async reload(): Promise<void> {
    // ESM modules cannot be unloaded: a new version is imported under a new URL.
    const next = this.#checked(this.#import(this.#version + 1));
    await next;
    this.#version++;
    this.#module = next;
  }

  async close(): Promise<void> {}

  #import(version: number): Promise<Record<string, unknown>> {
    registerModuleHooks(this.#hooks);
    if (/\.m?ts$/.test(this.#file)) process.setSourceMapsEnabled(true);
    return import(version === 0 ? this.#url : `${this.#url}?v=${version}`) as Promise<Record<string, unknown>>;
  }

  /** The module, once it has loaded and exports what it must; otherwise a `FunctionStartError`. */
  async #checked(loading: Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    let module: Record<string, unknown>;
    try {
      module = await loading;
    } catch (err) {
      throw new FunctionStartError(`cannot load ${this.#file}: ${await describeLoadError(err, this.#file)}`);
    }
    const problem = missingExport(describeExports(module), this.#expects);
    if (problem !== undefined) throw new FunctionStartError(`cannot load ${this.#file}: ${problem}`);
    return module;
  }
}
