import { randomUUID } from 'node:crypto';
import { isRecord } from '@switchboard/protocol';
import type { Invoker } from '../functions/types.js';
import type { Logger } from '../log/logger.js';
import { denied } from './denied.js';
import { SIGV4_ALGORITHM } from './sigv4.js';
import { TtlCache } from './ttl-cache.js';
import type { AuthGrant, AuthRequest, Authorizer } from './types.js';

export interface LambdaAuthorizerOptions {
  /** Runs the authorizer function; it belongs to the `FunctionService`, which closes it. */
  readonly invoker: Invoker;
  /** Lambda `context.functionName`, and the name in log lines. */
  readonly functionName: string;
  /** An authorizer that has not answered by then denies. */
  readonly timeoutMs: number;
  /** How long a result is reused for the same token, operation and channel; 0 disables. */
  readonly resultTtlSeconds: number;
  /** Tokens that do not match this regular expression are denied without calling the function. */
  readonly identityValidationExpression?: string | undefined;
  /**
   * True when another configured mode claims the request's `authorization` (a JWT of a configured
   * issuer): AppSync routes only the remaining tokens to the Lambda authorizer.
   */
  readonly claimedElsewhere?: (request: AuthRequest) => boolean;
  readonly log: Logger;
  readonly now?: () => number;
}

/** AppSync caps `authorizerResultTtlInSeconds` and `ttlOverride` at an hour. */
const MAX_TTL_SECONDS = 3600;
const CACHE_ENTRIES = 10_000;

interface Decision {
  readonly allowed: boolean;
  readonly handlerContext: Readonly<Record<string, unknown>>;
}

/**
 * `AWS_LAMBDA` mode: the `authorization` value is an opaque token handed to an authorizer function
 * with AppSync's authorizer request (`authorizationToken`, `requestContext` with the operation,
 * namespace and channel, `requestHeaders`). It answers `{ isAuthorized, handlerContext?,
 * ttlOverride? }`; the identity is `{ handlerContext }` (D19). An authorizer that throws, times
 * out, or answers anything but `isAuthorized: true` denies; nothing but a valid answer allows.
 * Results are cached per token, operation and channel for `resultTtlSeconds` (or `ttlOverride`).
 */
export class LambdaAuthorizer implements Authorizer {
  readonly mode = 'AWS_LAMBDA' as const;
  readonly #options: LambdaAuthorizerOptions;
  readonly #pattern: RegExp | undefined;
  readonly #cache: TtlCache<Decision>;
  readonly #now: () => number;

  constructor(options: LambdaAuthorizerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#pattern = options.identityValidationExpression === undefined ? undefined : new RegExp(options.identityValidationExpression);
    this.#cache = new TtlCache(CACHE_ENTRIES, this.#now);
  }

  presents(request: AuthRequest): boolean {
    const token = request.headers['authorization'];
    if (token === undefined || token.trim() === '' || token.startsWith(SIGV4_ALGORITHM)) return false;
    return this.#options.claimedElsewhere?.(request) !== true;
  }

  async authorize(request: AuthRequest): Promise<AuthGrant> {
    const token = request.headers['authorization'] ?? '';
    if (this.#pattern !== undefined && !this.#pattern.test(token)) throw denied('the token does not match identityValidationExpression');
    const key = JSON.stringify([token, request.operation, request.channel ?? null]);
    const decision = this.#cache.get(key) ?? (await this.#ask(token, request, key));
    if (!decision.allowed) throw denied('the Lambda authorizer denied the request');
    return { mode: this.mode, identity: { handlerContext: decision.handlerContext } };
  }

  async #ask(token: string, request: AuthRequest, key: string): Promise<Decision> {
    const requestId = request.requestId ?? randomUUID();
    const log = this.#options.log.child({ requestId, authorizer: this.#options.functionName });
    let outcome;
    try {
      outcome = await this.#options.invoker.invoke({
        kind: 'function',
        operation: 'authorizer',
        payload: authorizerRequest(token, request, requestId),
        requestId,
        functionName: this.#options.functionName,
        deadline: this.#now() + this.#options.timeoutMs,
        tags: { requestId, authorizer: this.#options.functionName },
        ...(request.traceId !== undefined && { traceId: request.traceId }),
      });
    } catch (err) {
      log.warn('Lambda authorizer failed; denying', { err });
      throw denied('the Lambda authorizer failed');
    }
    if (outcome.status !== 'ok') {
      log.warn('Lambda authorizer threw; denying', { outcome: outcome.status, ...('message' in outcome ? { message: outcome.message } : {}) });
      throw denied('the Lambda authorizer failed');
    }
    const answer = parseAnswer(outcome.value);
    if (answer === undefined) {
      log.warn('Lambda authorizer answered with something other than { isAuthorized: boolean, ... }; denying');
      throw denied('the Lambda authorizer answered with an invalid response');
    }
    const ttl = Math.min(answer.ttlSeconds ?? this.#options.resultTtlSeconds, MAX_TTL_SECONDS);
    this.#cache.set(key, answer.decision, ttl * 1000);
    return answer.decision;
  }
}

/** The request AppSync Events sends an authorizer function. */
function authorizerRequest(token: string, request: AuthRequest, requestId: string): Record<string, unknown> {
  return {
    authorizationToken: token,
    requestContext: {
      apiId: 'switchboard',
      accountId: '000000000000',
      requestId,
      operation: request.operation,
      channelNamespaceName: request.namespace ?? null,
      channel: request.channel ?? null,
    },
    requestHeaders: request.headers,
  };
}

function parseAnswer(value: unknown): { decision: Decision; ttlSeconds: number | undefined } | undefined {
  if (!isRecord(value) || typeof value['isAuthorized'] !== 'boolean') return undefined;
  const context = value['handlerContext'] ?? {};
  const ttl = value['ttlOverride'];
  if (!isRecord(context)) return undefined;
  if (ttl !== undefined && ttl !== null && !(typeof ttl === 'number' && Number.isInteger(ttl) && ttl >= 0)) return undefined;
  return { decision: { allowed: value['isAuthorized'], handlerContext: context }, ttlSeconds: typeof ttl === 'number' ? ttl : undefined };
}
