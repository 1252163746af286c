import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

/** Where a handler's console output goes, with the tags of the invocation that wrote it. */
export type LogSink = (level: 'debug' | 'info' | 'warn' | 'error', message: string, tags: Readonly<Record<string, string>>) => void;

const current = new AsyncLocalStorage<{ tags: Readonly<Record<string, string>>; sink: LogSink }>();
let patched = false;

/**
 * Runs `fn` so that `console.*` calls made by it (and by anything it awaits) go to `sink` with
 * `tags`, instead of stdout. Console calls outside an invocation are untouched. The console is
 * patched once per thread, the first time this runs.
 */
export function withCapturedConsole<T>(tags: Readonly<Record<string, string>>, sink: LogSink, fn: () => T): T {
  if (!patched) patchConsole();
  return current.run({ tags, sink }, fn);
}

function patchConsole(): void {
  patched = true;
  const levels = { log: 'info', info: 'info', debug: 'debug', trace: 'debug', warn: 'warn', error: 'error' } as const;
  for (const [method, level] of Object.entries(levels)) {
    const original = (console as unknown as Record<string, (...args: unknown[]) => void>)[method]!.bind(console);
    (console as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args: unknown[]) => {
      const store = current.getStore();
      if (store === undefined) return original(...args);
      store.sink(level, format(...args), store.tags);
    };
  }
}
