import { pathToFileURL } from 'node:url';
import { ProtocolError } from '@switchboard/protocol';
import type { Logger } from '../../log/logger.js';
import type { InvokeCall, InvokeOutcome, Invoker } from '../types.js';
import { execute } from './execute.js';
import { registerModuleHooks } from './module-hooks.js';

/**
 * Runs a handler module in the server's own thread: no message passing, the lowest overhead, and
 * no isolation. A timeout answers the client but cannot stop a handler that keeps running, and a
 * synchronous loop blocks the whole server. For trusted, fast handlers only (`runtime: inline`).
 */
export class InlineInvoker implements Invoker {
  readonly #url: string;
  readonly #log: Logger;
  readonly #hooks: readonly string[];
  #version = 0;
  #module: Promise<Record<string, unknown>> | undefined;

  /** `hooks`: module hooks (URLs) registered in this thread before the module loads. */
  constructor(file: string, log: Logger, hooks: readonly string[] = []) {
    this.#url = pathToFileURL(file).href;
    this.#log = log.child({ handlerFile: file });
    this.#hooks = hooks;
  }

  async invoke(call: InvokeCall): Promise<InvokeOutcome> {
    let module: Record<string, unknown>;
    try {
      module = await this.#load();
    } catch (err) {
      this.#module = undefined;
      return { status: 'threw', name: 'ModuleLoadError', message: `cannot load the handler module: ${(err as Error).message}` };
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProtocolError('HandlerTimeoutError', `The ${call.operation} handler did not answer in time`)), Math.max(0, call.deadline - Date.now()));
    });
    const sink = (level: 'debug' | 'info' | 'warn' | 'error', message: string, tags: Readonly<Record<string, string>>): void =>
      this.#log[level](message, { ...tags, source: 'handler' });
    try {
      return await Promise.race([execute(module, call, sink), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  reload(): void {
    // ESM modules cannot be unloaded: a new version is imported under a new URL.
    this.#version++;
    this.#module = undefined;
  }

  async close(): Promise<void> {}

  #load(): Promise<Record<string, unknown>> {
    registerModuleHooks(this.#hooks);
    this.#module ??= import(this.#version === 0 ? this.#url : `${this.#url}?v=${this.#version}`) as Promise<Record<string, unknown>>;
    return this.#module;
  }
}
