/**
 * Switchboard's implementation of the `@aws-appsync/utils` runtime for code handlers. A handler
 * file written for AWS imports `{ util, runtime }` from '@aws-appsync/utils'; the module hook in
 * `hooks.ts` resolves that import to this file, so the file runs unchanged.
 *
 * Supported: `util.error`, `util.unauthorized`, `util.appendError` (logged), `util.autoId`,
 * `util.urlEncode/urlDecode`, `util.base64Encode/base64Decode`, `util.time.nowISO8601`,
 * `nowEpochSeconds`, `nowEpochMilliSeconds`, `util.log`; `runtime.earlyReturn`.
 */
import { randomUUID } from 'node:crypto';

/** Marks the errors below so the executor recognises them across module copies. */
export const SIGNAL = Symbol.for('switchboard.handler.signal');

export class UtilError extends Error {
  override readonly name = 'UtilError';
  readonly [SIGNAL] = 'error' as const;
  constructor(
    message: string,
    readonly errorType: string | undefined,
    readonly data: unknown,
  ) {
    super(message);
  }
}

export class UnauthorizedSignal extends Error {
  override readonly name = 'Unauthorized';
  readonly [SIGNAL] = 'unauthorized' as const;
  constructor() {
    super('You are not authorized to make this call.');
  }
}

export class EarlyReturnSignal extends Error {
  override readonly name = 'EarlyReturn';
  readonly [SIGNAL] = 'early-return' as const;
  constructor(readonly value: unknown) {
    super('runtime.earlyReturn');
  }
}

export const util = {
  /** Rejects the operation with `message` (and `errorType`, default `HandlerError`). */
  error(message: string, errorType?: string, data?: unknown): never {
    throw new UtilError(String(message), errorType, data);
  },
  /** Rejects the operation as unauthorized. */
  unauthorized(): never {
    throw new UnauthorizedSignal();
  },
  /** Records an error without stopping the handler; Switchboard logs it. */
  appendError(message: string, errorType?: string): void {
    console.error(`appendError: ${errorType ?? 'Error'}: ${message}`);
  },
  autoId: (): string => randomUUID(),
  urlEncode: (value: string): string => encodeURIComponent(value),
  urlDecode: (value: string): string => decodeURIComponent(value),
  base64Encode: (value: string): string => Buffer.from(value, 'utf8').toString('base64'),
  base64Decode: (value: string): string => Buffer.from(value, 'base64').toString('utf8'),
  log: (...args: unknown[]): void => console.log(...args),
  time: {
    nowISO8601: (): string => new Date().toISOString(),
    nowEpochSeconds: (): number => Math.floor(Date.now() / 1000),
    nowEpochMilliSeconds: (): number => Date.now(),
  },
};

export const runtime = {
  /** Ends the handler at once with `value` as its result. */
  earlyReturn(value?: unknown): never {
    throw new EarlyReturnSignal(value);
  },
};

export const extensions = {};
