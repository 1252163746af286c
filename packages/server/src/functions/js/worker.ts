import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ProtocolError } from '@switchboard/protocol';
import type { Logger } from '../../log/logger.js';
import { FunctionStartError, type InvokeCall, type InvokeOutcome, type Invoker } from '../types.js';
import { missingExport, type ModuleExpectation, type ModuleExports } from './module-check.js';
import type { FromWorker, ToWorker, WorkerSettings } from './worker-entry.js';

const ENTRY = new URL('./worker-entry.js', import.meta.url);
/** How long a worker may take to answer a ping after a timeout before it counts as blocked. */
const PING_GRACE_MS = 1000;

interface Pending {
  resolve: (outcome: InvokeOutcome) => void;
  reject: (err: ProtocolError) => void;
  timer: NodeJS.Timeout;
}

/** One worker thread and the calls it is running. */
class Slot {
  readonly pending = new Map<number, Pending>();
  pinging = false;
  retired = false;
  /** Settles when the module has loaded (with its exports) or failed to. */
  readonly loaded: Promise<ModuleExports>;
  settleLoad!: (result: ModuleExports | Error) => void;

  constructor(readonly worker: Worker) {
    this.loaded = new Promise((resolve, reject) => {
      this.settleLoad = (result) => (result instanceof Error ? reject(result) : resolve(result));
    });
    this.loaded.catch(() => {});
  }

  failAll(message: string): void {
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ProtocolError('HandlerFailedError', message));
      this.pending.delete(seq);
    }
  }
}

export interface WorkerInvokerOptions {
  /** What the module must export. @default a function named `handler` */
  expects?: ModuleExpectation;
  /** Heap limit of the worker thread in MiB, and Lambda `context.memoryLimitInMB`. @default 256 */
  memoryMb?: number;
  /** Module hooks (URLs) registered in the worker before the module loads. @default [] */
  hooks?: readonly string[];
  /** The worker's `process.env`, built when a worker starts. @default a copy of the server's */
  env?: () => Readonly<Record<string, string | undefined>>;
}

/**
 * Runs a module in its own worker thread (the default). Calls run concurrently in the worker. A
 * call past its deadline is answered with `HandlerTimeoutError`; if the worker then does not answer
 * a ping within a second it is blocked (a synchronous loop), so it is terminated, its other calls
 * fail with `HandlerFailedError`, and the next call starts a fresh worker. A worker that crashes
 * is replaced the same way.
 */
export class WorkerInvoker implements Invoker {
  readonly #file: string;
  readonly #log: Logger;
  readonly #settings: WorkerSettings;
  readonly #expects: ModuleExpectation;
  readonly #env: (() => Readonly<Record<string, string | undefined>>) | undefined;
  #slot: Slot | undefined;
  #seq = 0;
  #closed = false;

  constructor(file: string, log: Logger, options: WorkerInvokerOptions = {}) {
    this.#file = file;
    this.#log = log.child({ handlerFile: file });
    this.#expects = options.expects ?? { kind: 'function', exportName: 'handler' };
    this.#settings = {
      moduleUrl: pathToFileURL(file).href,
      hooks: options.hooks ?? [],
      exportName: this.#expects.kind === 'function' ? this.#expects.exportName : 'handler',
      memoryMb: options.memoryMb ?? 256,
    };
    this.#env = options.env;
  }

  async start(): Promise<void> {
    const slot = (this.#slot ??= this.#spawn());
    await this.#check(slot);
  }

  invoke(call: InvokeCall): Promise<InvokeOutcome> {
    if (this.#closed) return Promise.reject(new ProtocolError('HandlerFailedError', 'The handler is shutting down'));
    const slot = (this.#slot ??= this.#spawn());
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        slot.pending.delete(seq);
        reject(new ProtocolError('HandlerTimeoutError', `The ${call.operation} handler did not answer in time`));
        this.#checkHealth(slot);
      }, Math.max(0, call.deadline - Date.now()));
      slot.pending.set(seq, { resolve, reject, timer });
      slot.worker.postMessage({ type: 'invoke', seq, call } satisfies ToWorker);
    });
  }

  async reload(): Promise<void> {
    const fresh = this.#spawn();
    await this.#check(fresh);
    const old = this.#slot;
    this.#slot = fresh;
    if (old === undefined) return;
    old.retired = true;
    if (old.pending.size === 0) void old.worker.terminate();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const slot = this.#slot;
    this.#slot = undefined;
    if (slot) {
      slot.failAll('The handler is shutting down');
      await slot.worker.terminate();
    }
  }

  /** Waits for `slot`'s module to load and checks its exports; a slot that fails is terminated. */
  async #check(slot: Slot): Promise<void> {
    let problem: string | undefined;
    try {
      problem = missingExport(await slot.loaded, this.#expects);
    } catch (err) {
      problem = (err as Error).message;
    }
    if (problem === undefined) return;
    if (this.#slot === slot) this.#slot = undefined;
    void slot.worker.terminate();
    throw new FunctionStartError(`cannot load ${this.#file}: ${problem}`);
  }

  #spawn(): Slot {
    const worker = new Worker(ENTRY, {
      workerData: this.#settings,
      resourceLimits: { maxOldGenerationSizeMb: this.#settings.memoryMb },
      stdout: false,
      stderr: false,
      ...(this.#env === undefined ? {} : { env: this.#env() }),
    });
    const slot = new Slot(worker);
    worker.unref();
    worker.on('message', (message: FromWorker) => this.#onMessage(slot, message));
    worker.on('error', (err) => {
      this.#log.error('handler worker crashed', { err });
      // The worker is exiting: new calls must go to a fresh one, not wait for 'exit'.
      if (this.#slot === slot) this.#slot = undefined;
      slot.settleLoad(new Error(`the worker crashed: ${err.message}`));
      slot.failAll('The handler crashed; see the server log');
    });
    worker.on('exit', (code) => {
      if (this.#slot === slot) this.#slot = undefined;
      if (slot.pending.size > 0) this.#log.error('handler worker exited', { code });
      slot.settleLoad(new Error(`the worker exited with code ${code} while loading the module`));
      slot.failAll('The handler worker exited; see the server log');
    });
    return slot;
  }

  #onMessage(slot: Slot, message: FromWorker): void {
    switch (message.type) {
      case 'result': {
        const pending = slot.pending.get(message.seq);
        if (pending === undefined) return; // already timed out
        slot.pending.delete(message.seq);
        clearTimeout(pending.timer);
        pending.resolve(message.outcome);
        if (slot.retired && slot.pending.size === 0) void slot.worker.terminate();
        return;
      }
      case 'pong':
        slot.pinging = false;
        return;
      case 'log':
        this.#log[message.level](message.message, { ...message.tags, source: 'handler' });
        return;
      case 'loaded':
        slot.settleLoad(message.exports);
        return;
      case 'load-error':
        slot.settleLoad(new Error(message.message));
        this.#log.error('handler module failed to load', { message: message.message });
        return;
    }
  }

  #checkHealth(slot: Slot): void {
    if (slot.pinging) return;
    slot.pinging = true;
    slot.worker.postMessage({ type: 'ping', seq: ++this.#seq } satisfies ToWorker);
    setTimeout(() => {
      if (!slot.pinging) return;
      this.#log.warn('handler worker is blocked; restarting it');
      if (this.#slot === slot) this.#slot = undefined;
      slot.failAll('The handler blocked its worker and was restarted');
      void slot.worker.terminate();
    }, PING_GRACE_MS).unref();
  }
}
