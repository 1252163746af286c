/**
 * The body of a function worker thread: loads one module, reports what it exports (or why it did
 * not load), and runs the calls the main thread sends, concurrently, forwarding the function's
 * console output as log messages.
 */
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { InvokeCall, InvokeOutcome } from '../types.js';
import { execute, type ModuleSettings } from './execute.js';
import { describeExports, describeLoadError, type ModuleExports } from './module-check.js';
import { registerModuleHooks } from './module-hooks.js';

export type ToWorker = { type: 'invoke'; seq: number; call: InvokeCall } | { type: 'ping'; seq: number };
export type FromWorker =
  | { type: 'result'; seq: number; outcome: InvokeOutcome }
  | { type: 'pong'; seq: number }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; tags: Record<string, string> }
  | { type: 'loaded'; exports: ModuleExports }
  | { type: 'load-error'; message: string };

/** What the main thread passes to a new worker. */
export interface WorkerSettings extends ModuleSettings {
  readonly moduleUrl: string;
  readonly hooks: readonly string[];
}

const port = parentPort!;
const settings = workerData as WorkerSettings;
const post = (message: FromWorker): void => port.postMessage(message);

// Stack traces of transpiled TypeScript point at the .ts lines (esbuild's inline source maps).
// Only then: with source maps on, every module loaded afterwards has its map read and parsed.
if (/\.m?ts$/.test(settings.moduleUrl)) process.setSourceMapsEnabled(true);
registerModuleHooks(settings.hooks);
const loading: Promise<Record<string, unknown> | Error> = import(settings.moduleUrl).then(
  (m: Record<string, unknown>) => {
    post({ type: 'loaded', exports: describeExports(m) });
    return m;
  },
  async (err: unknown) => {
    const message = await describeLoadError(err, fileURLToPath(settings.moduleUrl));
    post({ type: 'load-error', message });
    return new Error(message);
  },
);

port.on('message', (message: ToWorker) => {
  if (message.type === 'ping') return post({ type: 'pong', seq: message.seq });
  void run(message.seq, message.call);
});

async function run(seq: number, call: InvokeCall): Promise<void> {
  const module = await loading;
  let outcome: InvokeOutcome;
  if (module instanceof Error) {
    outcome = { status: 'threw', name: 'ModuleLoadError', message: `cannot load the handler module: ${module.message}` };
  } else {
    outcome = await execute(module, call, settings, (level, text, tags) => post({ type: 'log', level, message: text, tags: { ...tags } }));
  }
  try {
    post({ type: 'result', seq, outcome });
  } catch (err) {
    post({ type: 'result', seq, outcome: { status: 'threw', name: 'DataCloneError', message: (err as Error).message } });
  }
}
