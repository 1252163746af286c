/**
 * The test side of the Amplify driver: spawns `amplify-driver.js` in a child process (so
 * `NODE_EXTRA_CA_CERTS` applies) and talks to it one JSON line at a time, every wait bounded.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { settle, type Frame } from '../test-support/ws-client.js';

export const DRIVER = fileURLToPath(new URL('./amplify-driver.js', import.meta.url));

// ---------------------------------------------------------------------------------------------
// The Amplify child process.

export interface DriverError {
  isError?: boolean;
  name?: string;
  message?: string;
  /** Amplify's `NonRetryableError` flag. */
  nonRetryable?: boolean;
  httpStatusCode?: number;
  body?: { errors?: { errorType?: string; errorCode?: number; message?: string }[] };
  elapsedMs?: number;
  raw?: unknown;
}
export type Reply = { ok: true; value: unknown } | { ok: false; error: DriverError };
export interface DriverMessage {
  kind: 'started' | 'reply' | 'next' | 'error' | 'uncaught';
  id?: number;
  sub?: string;
  value?: unknown;
  error?: DriverError;
  ok?: boolean;
}
export interface SocketRecord {
  url: string;
  offered: string[];
  protocol?: string;
  opened: boolean;
  closeCode?: number;
}
export interface FrameRecord {
  dir: 'in' | 'out';
  socket: number;
  frame: Frame;
}
/** What `observer.next` receives: `{ id, type: 'data', event }` with `event` already parsed. */
export interface NextValue {
  id: string;
  type: string;
  event: unknown;
}

export class AmplifyDriver {
  readonly messages: DriverMessage[] = [];
  #stderr = '';
  #nextId = 1;
  #waiters: { match: (m: DriverMessage) => boolean; resolve: (m: DriverMessage) => void; reject: (err: Error) => void }[] = [];
  #exitCode: number | string | null | undefined;
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.#exitCode = code ?? signal;
        // Nothing more will come: fail every pending wait at once instead of at its timeout.
        for (const w of this.#waiters.splice(0)) w.reject(new Error(`amplify driver exited (${String(this.#exitCode)}) while waiting\nstderr: ${this.#stderr}`));
        resolve(code);
      }),
    );
    child.stdin.on('error', () => undefined); // EPIPE after the child exited; the exit handler reports it
    child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let message: DriverMessage;
      try {
        message = JSON.parse(line) as DriverMessage;
      } catch {
        this.#stderr = (this.#stderr + `[stdout] ${line}\n`).slice(-4000);
        return;
      }
      this.messages.push(message);
      this.#waiters = this.#waiters.filter((w) => (w.match(message) ? (w.resolve(message), false) : true));
    });
  }

  /**
   * Spawns the driver with the test CA trusted and waits until Amplify is configured.
   * `authMode` is Amplify's `defaultAuthMode` (default `apiKey`); `apiKey` may then be empty.
   */
  static async start(ca: string, endpoint: string, apiKey: string, authMode = 'apiKey'): Promise<AmplifyDriver> {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: ca, SB_ENDPOINT: endpoint, SB_API_KEY: apiKey, SB_AUTH_MODE: authMode };
    delete env['NODE_TEST_CONTEXT'];
    delete env['NODE_TLS_REJECT_UNAUTHORIZED'];
    const driver = new AmplifyDriver(spawn(process.execPath, [DRIVER], { env, stdio: ['pipe', 'pipe', 'pipe'] }));
    try {
      await driver.waitFor((m) => m.kind === 'started', 45_000, 'driver start');
    } catch (err) {
      driver.child.kill('SIGKILL');
      throw err;
    }
    return driver;
  }

  /** Resolves with the first message, already received or coming, that matches. */
  waitFor(match: (m: DriverMessage) => boolean, timeoutMs: number, what: string): Promise<DriverMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    if (this.#exitCode !== undefined) return Promise.reject(new Error(`amplify driver has exited (${String(this.#exitCode)}); ${what} cannot happen\nstderr: ${this.#stderr}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        reject(new Error(`amplify driver: ${what} did not happen within ${timeoutMs} ms\nlast messages: ${JSON.stringify(this.messages.slice(-5))}\nstderr: ${this.#stderr}`));
      }, timeoutMs);
      const done = (m: DriverMessage): void => {
        clearTimeout(timer);
        resolve(m);
      };
      const fail = (err: Error): void => {
        clearTimeout(timer);
        reject(err);
      };
      this.#waiters.push({ match, resolve: done, reject: fail });
    });
  }

  /** Runs one op in the child; resolves with its reply (ok or not), rejects only on timeout. */
  async call(op: string, args: Record<string, unknown> = {}, timeoutMs = 5000): Promise<Reply> {
    const id = this.#nextId++;
    this.child.stdin.write(JSON.stringify({ id, op, ...args }) + '\n');
    const reply = await this.waitFor((m) => m.kind === 'reply' && m.id === id, timeoutMs, `reply to ${op} ${JSON.stringify(args)}`);
    return reply.ok ? { ok: true, value: reply.value } : { ok: false, error: reply.error ?? {} };
  }

  /** Runs one op that must succeed and returns its value. */
  async ok<T = unknown>(op: string, args: Record<string, unknown> = {}, timeoutMs?: number): Promise<T> {
    const reply = await this.call(op, args, timeoutMs);
    if (!reply.ok) assert.fail(`Amplify ${op} ${JSON.stringify(args)} failed: ${JSON.stringify(reply.error)}`);
    return reply.value as T;
  }

  /** Runs one op that must fail and returns the error. */
  async fails(op: string, args: Record<string, unknown> = {}, timeoutMs?: number): Promise<DriverError> {
    const reply = await this.call(op, args, timeoutMs);
    if (reply.ok) assert.fail(`Amplify ${op} ${JSON.stringify(args)} should have failed but resolved with ${JSON.stringify(reply.value)}`);
    return reply.error;
  }

  /** The values `observer.next` received for subscription `sub`. */
  nexts(sub: string): NextValue[] {
    return this.messages.filter((m) => m.kind === 'next' && m.sub === sub).map((m) => m.value as NextValue);
  }

  /** Parsed events `observer.next` received for `sub`. */
  received(sub: string): unknown[] {
    return this.nexts(sub).map((v) => v.event);
  }

  /** Waits until `sub` has received `count` events in total. */
  async receivedCount(sub: string, count: number, timeoutMs = 3000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.nexts(sub).length < count) {
      if (Date.now() > deadline) {
        assert.fail(`subscription ${sub} received ${this.nexts(sub).length} of ${count} events within ${timeoutMs} ms: ${JSON.stringify(this.received(sub))}`);
      }
      await this.waitFor((m) => m.kind === 'next' && m.sub === sub && this.nexts(sub).length >= count, Math.max(1, deadline - Date.now()), `event ${count} on ${sub}`).catch(() => undefined);
    }
    return this.received(sub);
  }

  sockets(): Promise<SocketRecord[]> {
    return this.ok<SocketRecord[]>('sockets');
  }

  frames(): Promise<FrameRecord[]> {
    return this.ok<FrameRecord[]>('frames');
  }

  /** Polls the recorded raw frames until one matches. */
  async frame(match: (f: FrameRecord) => boolean, timeoutMs: number, what: string): Promise<FrameRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.frames()).find(match);
      if (found) return found;
      if (Date.now() > deadline) assert.fail(`no ${what} frame within ${timeoutMs} ms; frames: ${JSON.stringify((await this.frames()).slice(-8))}`);
      await settle(50);
    }
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Asks the child to close Amplify and exit; kills it if it has not exited within 3 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.write(JSON.stringify({ id: 0, op: 'exit' }) + '\n');
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }
}

