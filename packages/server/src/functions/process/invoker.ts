import { ProtocolError } from '@switchboard/protocol';
import type { Logger } from '../../log/logger.js';
import { functionArn, lambdaEnvironment } from '../lambda-env.js';
import type { FunctionSpec } from '../target.js';
import { FunctionStartError, type InvokeCall, type InvokeOutcome, type Invoker } from '../types.js';
import { choosePython, PYTHON_BOOTSTRAP } from './python.js';
import { RuntimeProcess, type RuntimeAnswer, type RuntimeProcessEvents } from './runtime-process.js';

/** How long a runtime may take to initialise (import the handler) before it counts as failed, as in Lambda. */
export const INIT_TIMEOUT_MS = 10_000;
/** Calls that may wait for a free process per function; past that they fail at once. */
export const MAX_WAITING = 1000;

type ProcessSpec = Extract<FunctionSpec, { type: 'process' }>;

interface Waiting {
  readonly call: InvokeCall;
  readonly resolve: (outcome: InvokeOutcome) => void;
  readonly reject: (err: ProtocolError) => void;
  readonly timer: NodeJS.Timeout;
  settled: boolean;
}

/**
 * Runs a function in processes that implement the AWS Lambda Runtime API: Switchboard's Python
 * bootstrap, or a custom runtime (`command`). Each process runs one invocation at a time and stays
 * warm for the next; at most `concurrency` run at once, and further calls wait (within their
 * deadline) for the first process that asks for work. A call past its deadline gets
 * `HandlerTimeoutError` and its process is killed; a process that exits mid-call fails that call
 * with `HandlerFailedError`; either way the next call starts a fresh process.
 */
export class ProcessInvoker implements Invoker {
  readonly #spec: ProcessSpec;
  readonly #log: Logger;
  readonly #processes = new Set<RuntimeProcess>();
  readonly #idle: RuntimeProcess[] = [];
  readonly #busy = new Map<RuntimeProcess, Waiting>();
  /** Processes that answered and are about to ask for work again: no new process is started for their calls. */
  readonly #returning = new Set<RuntimeProcess>();
  readonly #starting = new Map<RuntimeProcess, { ready: () => void; failed: (reason: string) => void }>();
  #queue: Waiting[] = [];
  #generation = 0;
  /** Processes of the current generation launched and not yet initialised (or failed). */
  #launching = 0;
  #command: Promise<readonly string[]> | undefined;
  #closed = false;

  constructor(spec: ProcessSpec, log: Logger) {
    this.#spec = spec;
    this.#log = log.child({ handlerFile: spec.sources[0] ?? spec.command[0] ?? spec.name });
  }

  async start(): Promise<void> {
    await this.#launch();
  }

  invoke(call: InvokeCall): Promise<InvokeOutcome> {
    if (this.#closed) return Promise.reject(new ProtocolError('HandlerFailedError', 'The handler is shutting down'));
    if (this.#queue.length >= MAX_WAITING) {
      return Promise.reject(new ProtocolError('HandlerFailedError', `More than ${MAX_WAITING} calls are waiting for the ${this.#spec.name} function`));
    }
    return new Promise((resolve, reject) => {
      const waiting: Waiting = {
        call,
        resolve,
        reject,
        settled: false,
        timer: setTimeout(() => this.#timedOut(waiting), Math.max(0, call.deadline - Date.now())),
      };
      this.#queue.push(waiting);
      this.#pump();
    });
  }

  async reload(): Promise<void> {
    const generation = this.#generation + 1;
    const fresh = await this.#startChecked(generation);
    this.#generation = generation;
    for (const process of [...this.#processes]) {
      if (process.generation < generation && !this.#busy.has(process)) process.kill();
    }
    if (fresh.alive) this.#becameIdle(fresh);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const queued = this.#queue;
    this.#queue = [];
    for (const waiting of queued) this.#settle(waiting, new ProtocolError('HandlerFailedError', 'The handler is shutting down'));
    for (const process of this.#processes) process.kill();
  }

  /** Starts one process for the pool, counted against `concurrency` while it initialises. */
  #launch(): Promise<RuntimeProcess> {
    return this.#startChecked(this.#generation, true);
  }

  /** Starts one process of `generation` and waits until it asks for work. */
  async #startChecked(generation: number, counted = false): Promise<RuntimeProcess> {
    if (counted) this.#launching++;
    let settledCount = false;
    // Uncounted before the process joins the pool, so the pool sees the right capacity at once.
    const uncount = (): void => {
      if (counted && !settledCount) this.#launching--;
      settledCount = true;
    };
    let process: RuntimeProcess;
    try {
      process = await this.#spawn(generation);
    } catch (err) {
      uncount();
      throw err;
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#starting.delete(process);
        uncount();
        process.kill();
        reject(new FunctionStartError(`${this.#spec.name} did not initialise within ${INIT_TIMEOUT_MS / 1000} s`));
      }, INIT_TIMEOUT_MS);
      this.#starting.set(process, {
        ready: () => (clearTimeout(timer), uncount(), resolve()),
        failed: (reason) => (clearTimeout(timer), uncount(), reject(new FunctionStartError(reason))),
      });
    });
    return process;
  }

  async #spawn(generation: number): Promise<RuntimeProcess> {
    const command = await this.#resolveCommand();
    const events: RuntimeProcessEvents = {
      idle: (process) => this.#becameIdle(process),
      answered: (process, answer) => this.#answered(process, answer),
      exited: (process, reason) => this.#exited(process, reason),
    };
    const process = await RuntimeProcess.spawn(
      { command, cwd: this.#spec.taskRoot, env: lambdaEnvironment(this.#spec), log: this.#log, generation },
      events,
    );
    this.#processes.add(process);
    return process;
  }

  /** The program to run; for Python, the interpreter is looked up once (and again after a failure). */
  #resolveCommand(): Promise<readonly string[]> {
    if (this.#spec.language === 'command') return Promise.resolve(this.#spec.command);
    this.#command ??= choosePython(this.#spec.interpreter, this.#spec.pythonVersion).then(
      (choice) => {
        if (choice.note !== undefined) this.#log.warn(choice.note, { interpreter: choice.interpreter });
        return [choice.interpreter, PYTHON_BOOTSTRAP];
      },
      (err: unknown) => {
        this.#command = undefined;
        throw err;
      },
    );
    return this.#command;
  }

  #becameIdle(process: RuntimeProcess): void {
    this.#returning.delete(process);
    const starting = this.#starting.get(process);
    if (starting !== undefined) {
      this.#starting.delete(process);
      starting.ready();
      // A process started by reload joins the pool only once the reload succeeds.
      if (process.generation > this.#generation) return;
    }
    if (process.generation < this.#generation || this.#closed) return process.kill();
    this.#idle.push(process);
    this.#pump();
  }

  /** Hands queued calls to idle processes, and starts processes while calls wait and the limit allows. */
  #pump(): void {
    this.#queue = this.#queue.filter((w) => !w.settled);
    while (this.#queue.length > 0 && this.#idle.length > 0) {
      const process = this.#idle.shift()!;
      if (!process.alive) continue;
      const waiting = this.#queue.shift()!;
      const { call } = waiting;
      const delivered = process.deliver(
        { requestId: call.requestId, event: JSON.stringify(call.payload), deadline: call.deadline, functionArn: functionArn(this.#spec.name), traceId: call.traceId },
        call.tags,
      );
      if (!delivered) {
        this.#queue.unshift(waiting);
        continue;
      }
      this.#busy.set(process, waiting);
    }
    const ready = [...this.#processes].filter((p) => p.alive && p.initialised && p.generation === this.#generation).length;
    if (this.#queue.length > this.#launching + this.#returning.size && ready + this.#launching < this.#spec.concurrency && !this.#closed) {
      this.#launch().catch((err: unknown) => {
        // Calls wait for a process that can start; when none is running or coming, they fail now.
        if (this.#launching === 0 && ![...this.#processes].some((p) => p.alive && p.generation === this.#generation)) {
          this.#failQueue(`The ${this.#spec.name} function cannot start; see the server log`);
        }
        this.#log.error('function runtime could not start', { reason: (err as Error).message });
      });
    }
  }

  #answered(process: RuntimeProcess, answer: RuntimeAnswer): void {
    const waiting = this.#busy.get(process);
    this.#busy.delete(process);
    this.#returning.add(process);
    if (waiting === undefined) return;
    if (answer.kind === 'response') {
      let value: unknown;
      try {
        value = answer.body.trim() === '' ? null : JSON.parse(answer.body);
      } catch {
        return this.#settle(waiting, new ProtocolError('InvalidHandlerResponseError', `The ${waiting.call.operation} function answered with a body that is not JSON`));
      }
      return this.#settle(waiting, { status: 'ok', value });
    }
    if (answer.kind === 'too-large') {
      return this.#settle(waiting, new ProtocolError('InvalidHandlerResponseError', `The ${waiting.call.operation} function answered with more than 6 MB`));
    }
    const { errorType, errorMessage, stackTrace } = answer.error;
    this.#settle(waiting, { status: 'threw', name: errorType, message: errorMessage, stack: stackTrace });
  }

  #exited(process: RuntimeProcess, reason: string): void {
    this.#processes.delete(process);
    this.#returning.delete(process);
    const index = this.#idle.indexOf(process);
    if (index >= 0) this.#idle.splice(index, 1);
    const starting = this.#starting.get(process);
    if (starting !== undefined) {
      this.#starting.delete(process);
      starting.failed(process.initError === undefined ? reason : `${process.initError.errorType}: ${process.initError.errorMessage}`);
      return;
    }
    const waiting = this.#busy.get(process);
    this.#busy.delete(process);
    if (waiting !== undefined && !waiting.settled) {
      this.#log.error('function process exited during an invocation', { ...waiting.call.tags, reason });
      this.#settle(waiting, new ProtocolError('HandlerFailedError', 'The handler process exited; see the server log'));
    }
    if (!this.#closed) this.#pump();
  }

  #timedOut(waiting: Waiting): void {
    if (waiting.settled) return;
    this.#settle(waiting, new ProtocolError('HandlerTimeoutError', `The ${waiting.call.operation} handler did not answer in time`));
    for (const [process, busy] of this.#busy) {
      if (busy !== waiting) continue;
      // Lambda ends a runtime that runs past its deadline; the next call gets a fresh process.
      this.#log.warn('function timed out; its process is replaced', { ...waiting.call.tags });
      this.#busy.delete(process);
      process.kill();
    }
  }

  #failQueue(message: string): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const waiting of queued) this.#settle(waiting, new ProtocolError('HandlerFailedError', message));
  }

  #settle(waiting: Waiting, result: InvokeOutcome | ProtocolError): void {
    if (waiting.settled) return;
    waiting.settled = true;
    clearTimeout(waiting.timer);
    if (result instanceof ProtocolError) waiting.reject(result);
    else waiting.resolve(result);
  }
}
