import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../../log/logger.js';
import { logLines } from './output-lines.js';
import { RuntimeApiEndpoint, type RuntimeApiListener, type RuntimeError, type RuntimeInvocation } from './runtime-api.js';

/** What a runtime process tells its pool. */
export interface RuntimeProcessEvents {
  /** Asked for work: initialised (the first time) and idle. */
  idle(process: RuntimeProcess): void;
  /** Answered the invocation it was given. */
  answered(process: RuntimeProcess, answer: RuntimeAnswer): void;
  /** Exited, or could not start; `reason` says how. */
  exited(process: RuntimeProcess, reason: string): void;
}

/** How a runtime ended an invocation. */
export type RuntimeAnswer =
  | { readonly kind: 'response'; readonly body: string }
  | { readonly kind: 'error'; readonly error: RuntimeError }
  | { readonly kind: 'too-large' };

export interface RuntimeProcessOptions {
  readonly command: readonly string[];
  readonly cwd: string;
  /** The Lambda environment; `AWS_LAMBDA_RUNTIME_API` is added per process. */
  readonly env: Readonly<Record<string, string>>;
  readonly log: Logger;
  /** Which reload generation the process belongs to. */
  readonly generation: number;
}

/**
 * One process implementing a Lambda runtime, with the Runtime API endpoint it alone talks to. It
 * runs one invocation at a time; its stdout and stderr go to the log tagged with that invocation.
 * `kill` ends it at once (after a timeout, on reload, on shutdown).
 */
export class RuntimeProcess {
  readonly generation: number;
  /** The tags of the invocation running (or last run), for its output lines. */
  tags: Readonly<Record<string, string>> = {};
  /** Set once the runtime has asked for work the first time. */
  initialised = false;
  /** Why initialisation failed, when the runtime reported it (`init/error`). */
  initError: RuntimeError | undefined;
  #child: ChildProcess | undefined;
  #endpoint: RuntimeApiEndpoint | undefined;
  #exited = false;
  #killed = false;

  private constructor(generation: number) {
    this.generation = generation;
  }

  /** Starts the endpoint, then the process. Failures to start arrive as `exited`. */
  static async spawn(options: RuntimeProcessOptions, events: RuntimeProcessEvents): Promise<RuntimeProcess> {
    const runtime = new RuntimeProcess(options.generation);
    const listener: RuntimeApiListener = {
      next: () => {
        runtime.initialised = true;
        events.idle(runtime);
      },
      response: (_id, body) => events.answered(runtime, { kind: 'response', body }),
      error: (_id, error) => events.answered(runtime, { kind: 'error', error }),
      tooLarge: () => events.answered(runtime, { kind: 'too-large' }),
      initError: (error) => {
        runtime.initError = error;
        // A runtime reports an init error and then should exit; one that does not is ended.
        runtime.kill();
      },
    };
    runtime.#endpoint = await RuntimeApiEndpoint.listen(listener);
    const [program, ...args] = options.command;
    const child = spawn(program!, args, {
      cwd: options.cwd,
      env: { ...options.env, AWS_LAMBDA_RUNTIME_API: runtime.#endpoint.address },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that ending it also ends what it started (a shell's sleep).
      detached: true,
    });
    runtime.#child = child;
    logLines(child.stdout!, 'stdout', options.log, () => runtime.tags);
    logLines(child.stderr!, 'stderr', options.log, () => runtime.tags);
    const exited = (reason: string): void => {
      if (runtime.#exited) return;
      runtime.#exited = true;
      runtime.#endpoint?.close();
      events.exited(runtime, reason);
    };
    child.on('error', (err) => exited(`cannot run ${program}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : err.message}`));
    child.on('exit', (code, signal) => exited(signal === null ? `the process exited with code ${code}` : `the process was ended by ${signal}`));
    return runtime;
  }

  /** Hands the waiting runtime an invocation; false when it is not waiting. */
  deliver(invocation: RuntimeInvocation, tags: Readonly<Record<string, string>>): boolean {
    if (!this.alive || this.#endpoint?.waiting !== true) return false;
    this.tags = tags;
    return this.#endpoint.deliver(invocation);
  }

  /** False once it exited or was told to end. */
  get alive(): boolean {
    return !this.#exited && !this.#killed;
  }

  /** Ends the process now (SIGKILL: a runtime past its deadline may not be listening). */
  kill(): void {
    const pid = this.#child?.pid;
    this.#killed = true;
    if (this.#exited || pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      this.#child?.kill('SIGKILL');
    }
  }
}
