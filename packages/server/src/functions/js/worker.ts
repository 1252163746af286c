import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ProtocolError } from '@switchboard/protocol';
import type { Logger } from '../../log/logger.js';
import type { InvokeCall, InvokeOutcome, Invoker } from '../types.js';
import type { FromWorker, ToWorker } from './worker-entry.js';

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
  constructor(readonly worker: Worker) {}

  failAll(message: string): void {
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ProtocolError('HandlerFailedError', message));
      this.pending.delete(seq);
    }
  }
}

export interface WorkerInvokerOptions {
  /** Heap limit of the worker thread in MiB. @default 256 */
  maxHeapMb?: number;
  /** Module hooks (URLs) registered in the worker before the module loads. @default [] */
  hooks?: readonly string[];
}

/**
 * Runs a handler module in its own worker thread (the default). Calls run concurrently in the
 * worker. A call past its deadline is answered with `HandlerTimeoutError`; if the worker then
 * does not answer a ping within a second it is blocked (a synchronous loop), so it is terminated,
 * its other calls fail with `HandlerFailedError`, and the next call starts a fresh worker. A
 * worker that crashes is replaced the same way.
 */
export class WorkerInvoker implements Invoker {
  readonly #moduleUrl: string;
  readonly #log: Logger;
  readonly #maxHeapMb: number;
  readonly #hooks: readonly string[];
  #slot: Slot | undefined;
  #seq = 0;
  #closed = false;

  constructor(file: string, log: Logger, options: WorkerInvokerOptions = {}) {
    this.#moduleUrl = pathToFileURL(file).href;
    this.#log = log.child({ handlerFile: file });
    this.#maxHeapMb = options.maxHeapMb ?? 256;
    this.#hooks = options.hooks ?? [];
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

  reload(): void {
    const old = this.#slot;
    this.#slot = undefined;
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

  #spawn(): Slot {
    const worker = new Worker(ENTRY, {
      workerData: { moduleUrl: this.#moduleUrl, hooks: this.#hooks },
      resourceLimits: { maxOldGenerationSizeMb: this.#maxHeapMb },
      stdout: false,
      stderr: false,
    });
    const slot = new Slot(worker);
    worker.unref();
    worker.on('message', (message: FromWorker) => this.#onMessage(slot, message));
    worker.on('error', (err) => {
      this.#log.error('handler worker crashed', { err });
      // The worker is exiting: new calls must go to a fresh one, not wait for 'exit'.
      if (this.#slot === slot) this.#slot = undefined;
      slot.failAll('The handler crashed; see the server log');
    });
    worker.on('exit', (code) => {
      if (this.#slot === slot) this.#slot = undefined;
      if (slot.pending.size > 0) this.#log.error('handler worker exited', { code });
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
      case 'load-error':
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
