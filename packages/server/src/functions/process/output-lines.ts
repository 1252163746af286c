import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Logger } from '../../log/logger.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Readonly<Record<string, Level>> = {
  DEBUG: 'debug', TRACE: 'debug', INFO: 'info', WARN: 'warn', WARNING: 'warn', ERROR: 'error', CRITICAL: 'error', FATAL: 'error',
};

/**
 * Sends each line a runtime process writes to the server log, as a worker's console output goes:
 * tagged with the invocation the process is running (`tags()`), `source: 'handler'` and the
 * stream. The level is the line's own when it has one (Lambda's Python format `[ERROR]\t...`, or a
 * JSON line with a `level` such as Powertools writes); otherwise stdout is `info` and stderr `error`.
 */
export function logLines(stream: Readable, name: 'stdout' | 'stderr', log: Logger, tags: () => Readonly<Record<string, string>>): void {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    log[lineLevel(line) ?? (name === 'stdout' ? 'info' : 'error')](line, { ...tags(), source: 'handler', stream: name });
  });
}

function lineLevel(line: string): Level | undefined {
  const bracketed = /^\[([A-Z]+)\]\t/.exec(line);
  if (bracketed !== null) return LEVELS[bracketed[1]!];
  if (!line.startsWith('{')) return undefined;
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return typeof level === 'string' ? LEVELS[level.toUpperCase()] : undefined;
  } catch {
    return undefined;
  }
}
