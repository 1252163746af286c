/**
 * The body of a handler worker thread: loads one handler module and runs the calls the main
 * thread sends, concurrently, forwarding the handler's console output as log messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { InvokeCall, InvokeOutcome } from '../types.js';
import { execute } from './execute.js';
import { registerModuleHooks } from './module-hooks.js';

export type ToWorker = { type: 'invoke'; seq: number; call: InvokeCall } | { type: 'ping'; seq: number };
export type FromWorker =
  | { type: 'result'; seq: number; outcome: InvokeOutcome }
  | { type: 'pong'; seq: number }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; tags: Record<string, string> }
  | { type: 'load-error'; message: string };

const port = parentPort!;
const { moduleUrl, hooks } = workerData as { moduleUrl: string; hooks: readonly string[] };
const post = (message: FromWorker): void => port.postMessage(message);

registerModuleHooks(hooks);
const loading: Promise<Record<string, unknown> | Error> = import(moduleUrl).then(
  (m: Record<string, unknown>) => m,
  (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
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
    outcome = await execute(module, call, (level, text, tags) => post({ type: 'log', level, message: text, tags: { ...tags } }));
  }
  try {
    post({ type: 'result', seq, outcome });
  } catch (err) {
    post({ type: 'result', seq, outcome: { status: 'threw', name: 'DataCloneError', message: (err as Error).message } });
  }
}
