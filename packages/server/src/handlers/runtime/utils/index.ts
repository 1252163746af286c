/**
 * Switchboard's `@aws-appsync/utils` for code handlers: `util`, `runtime` and `extensions`. A
 * handler file written for AWS imports them from '@aws-appsync/utils'; the module hook in
 * `../hooks.ts` resolves that import (and `/dynamodb`, `/rds`, `/ai`) to this folder, so the file
 * runs unchanged. docs/data-sources.md has the coverage table.
 */
import { currentCallState } from '../../../functions/js/call-state.js';
import { dynamodbUtil } from './dynamodb-values.js';
import { http, xml } from './http-xml.js';
import { autoId, autoKsuid, autoUlid } from './ids.js';
import { toJsonObject } from './rds-result.js';
import { EarlyReturnSignal, UnauthorizedSignal, UtilError } from './signals.js';
import { base64Decode, base64Encode, escapeJavaScript, math, matches, str, urlDecode, urlEncode } from './text.js';
import { time } from './time.js';
import { transform } from './transform.js';

export { SIGNAL } from './signals.js';

/** The names `util.authType()` answers, by auth mode. */
const AUTH_TYPES: Readonly<Record<string, string>> = {
  API_KEY: 'API Key Authorization',
  AWS_IAM: 'IAM Authorization',
  AMAZON_COGNITO_USER_POOLS: 'User Pool Authorization',
  OPENID_CONNECT: 'Open ID Connect Authorization',
  AWS_LAMBDA: 'Lambda Authorization',
};

export const util = {
  /** Rejects the operation with `message` (and `errorType`, default `HandlerError`). */
  error(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): never {
    throw new UtilError(String(message), errorType ?? undefined, data, errorInfo);
  },
  /** Rejects the operation as unauthorized. */
  unauthorized(): never {
    throw new UnauthorizedSignal();
  },
  /**
   * Records an error and goes on: Switchboard logs it, and in a `response(ctx)` it marks the data
   * source's `ctx.error` as handled (docs/data-sources.md, "Errors").
   */
  appendError(message: string, errorType?: string, _data?: unknown, _errorInfo?: unknown): void {
    currentCallState()?.appendedErrors.push({ message: String(message), type: errorType ?? null });
    console.error(`appendError: ${errorType ?? 'Error'}: ${message}`);
  },
  escapeJavaScript,
  urlEncode,
  urlDecode,
  base64Encode,
  base64Decode,
  autoId,
  autoUlid,
  autoKsuid,
  matches,
  /** How the request was authorized, as AppSync names it (`API Key Authorization`, ...). */
  authType(): string {
    const mode = currentCallState()?.authMode;
    return (mode !== undefined && AUTH_TYPES[mode]) || 'API Key Authorization';
  },
  log: (...args: unknown[]): void => console.log(...args),
  time,
  dynamodb: dynamodbUtil,
  rds: { toJsonObject },
  http,
  xml,
  transform,
  math,
  str,
};

export const runtime = {
  /** Ends the handler at once with `value` as its result (in `request`, skips the data source and `response`). */
  earlyReturn(value?: unknown, _returnOptions?: unknown): never {
    throw new EarlyReturnSignal(value);
  },
};

/**
 * GraphQL-only features, present so that shared code loads: subscription filters and
 * invalidation do not exist in AppSync Events, and there is no API cache. Each call throws,
 * because silently ignoring a filter would deliver events the code meant to hold back.
 */
export const extensions = {
  evictFromApiCache: (): never => notInEvents('extensions.evictFromApiCache'),
  setSubscriptionFilter: (): never => notInEvents('extensions.setSubscriptionFilter'),
  setSubscriptionInvalidationFilter: (): never => notInEvents('extensions.setSubscriptionInvalidationFilter'),
  invalidateSubscriptions: (): never => notInEvents('extensions.invalidateSubscriptions'),
};

function notInEvents(name: string): never {
  throw new Error(`${name} is a GraphQL feature that AppSync Events handlers do not have`);
}

// As in the APPSYNC_JS runtime (the `@aws-appsync/utils` types declare them global), `util`,
// `runtime` and `extensions` are globals too, so a handler that uses them without importing runs
// unchanged. The executor loads this module before a thread's first code handler call. A global of
// the same name that already exists is left alone.
for (const [name, value] of Object.entries({ util, runtime, extensions })) {
  if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
}
