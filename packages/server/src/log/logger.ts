import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { pino, stdSerializers, stdTimeFunctions, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogTail } from './tail.js';

/**
 * Log levels, from quietest to most verbose: AppSync's names (`NONE`, `ERROR`, `INFO`, `DEBUG`,
 * `ALL`) plus `WARN`. What each writes is in docs/observability.md.
 */
export const LOG_LEVELS = ['NONE', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'ALL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Other names accepted for a level: lower case, and pino's `silent` and `trace`. */
const ALIASES: Readonly<Record<string, LogLevel>> = { silent: 'NONE', trace: 'ALL' };

/** A level as written in a configuration file, a flag or code (`INFO`, `info`, `silent`, ...). */
export type LogLevelName = LogLevel | Lowercase<LogLevel> | 'silent' | 'trace';

/** The level `name` stands for (any case, or an alias), or `undefined`. */
export function toLogLevel(name: string): LogLevel | undefined {
  const upper = name.toUpperCase();
  return (LOG_LEVELS as readonly string[]).includes(upper) ? (upper as LogLevel) : ALIASES[name.toLowerCase()];
}

/** The pino level for each of ours. */
const PINO_LEVEL: Readonly<Record<LogLevel, string>> = { NONE: 'silent', ERROR: 'error', WARN: 'warn', INFO: 'info', DEBUG: 'debug', ALL: 'trace' };

export type LogFields = Record<string, unknown>;

/**
 * A structured logger writing one JSON object per line (pino). Callers pass ids, names and counts,
 * never credentials: the redaction list below is a second line of defence, not the first.
 */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Lines only `ALL` writes: payloads (events, handler requests and responses). */
  trace(msg: string, fields?: LogFields): void;
  /** True when lines of `level` are written: lets a caller skip building fields nobody reads. */
  enabled(level: 'info' | 'debug' | 'trace'): boolean;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level: LogLevelName;
  /** Where lines go, one JSON line per call. @default process.stdout */
  write?: (line: string) => void;
  /** Human-readable lines (pino-pretty, loaded only then) instead of JSON. @default false */
  pretty?: boolean;
  /** Also keeps every written line (as JSON, redacted, before pretty printing) here: the console's log tail. */
  tail?: LogTail;
}

/**
 * Field names whose values are replaced by `[redacted]` wherever a log call passes them, at the
 * top level or up to two levels down (`headers.authorization`, `request.headers.authorization`).
 */
const REDACTED = ['authorization', 'x-api-key', 'x-amz-security-token', 'cookie', 'authorizationToken', 'token', 'apiKey', 'password', 'secretAccessKey'];

export function createLogger(options: LoggerOptions, base: LogFields = {}): Logger {
  const root = pino(
    {
      level: PINO_LEVEL[toLogLevel(options.level) ?? 'INFO'],
      base: null,
      messageKey: 'msg',
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.err },
      redact: { paths: REDACTED.flatMap((k) => [`["${k}"]`, `*["${k}"]`, `*.*["${k}"]`]), censor: '[redacted]' },
    },
    destination(options),
  );
  return wrap(Object.keys(base).length === 0 ? root : root.child(base));
}

function wrap(log: PinoLogger): Logger {
  return {
    debug: (msg, fields) => log.debug(fields ?? {}, msg),
    info: (msg, fields) => log.info(fields ?? {}, msg),
    warn: (msg, fields) => log.warn(fields ?? {}, msg),
    error: (msg, fields) => log.error(fields ?? {}, msg),
    trace: (msg, fields) => log.trace(fields ?? {}, msg),
    enabled: (level) => log.isLevelEnabled(level),
    child: (fields) => wrap(log.child(fields)),
  };
}

function destination(options: LoggerOptions): DestinationStream {
  const stream = output(options);
  const tail = options.tail;
  if (tail === undefined) return stream;
  return {
    write: (line: string) => {
      tail.push(line);
      stream.write(line);
    },
  };
}

function output(options: LoggerOptions): DestinationStream {
  const write = options.write;
  if (options.pretty) {
    // pino-pretty is CommonJS and only needed for readable output: loaded on this path alone.
    const pretty = createRequire(import.meta.url)('pino-pretty') as (options: object) => DestinationStream;
    return pretty({
      sync: true,
      colorize: write === undefined && process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      singleLine: true,
      // pino-pretty pipes into its destination, so it needs a real stream.
      ...(write !== undefined && { destination: new Writable({ write: (chunk: Buffer, _encoding, done) => (write(chunk.toString()), done()) }) }),
    });
  }
  if (write !== undefined) return { write };
  return pino.destination({ dest: 1, sync: true });
}
