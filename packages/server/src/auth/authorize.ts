import { ProtocolError, isProtocolError } from '@switchboard/protocol';
import type { AuthGrant, AuthMode, AuthRequest, Authorizer } from './types.js';

/** One auth decision, for logs and metrics. Never carries the credential. */
export interface AuthDecision {
  readonly request: AuthRequest;
  /** The mode that granted, or the first presented mode that refused; `none` when no allowed mode's credential was presented. */
  readonly mode: AuthMode | 'none';
  readonly allowed: boolean;
  /** Why it was refused: the message the client gets. */
  readonly reason?: string;
  readonly seconds: number;
}

/**
 * Picks the auth mode from what the request presents, among the modes the operation allows, and
 * verifies it. When several allowed modes are presented they are tried in the configured order and
 * the first grant wins; if all fail, the first failure is reported. A request that carries only
 * credentials of configured modes the operation does not allow is refused with 403, as AppSync
 * refuses an API key on an IAM-only namespace; one that carries none at all, with 401.
 */
export class AuthService {
  readonly #authorizers: ReadonlyMap<AuthMode, Authorizer>;
  readonly #decided: ((decision: AuthDecision) => void) | undefined;

  /** `decided` hears every decision (the server logs and counts them). */
  constructor(authorizers: readonly Authorizer[], decided?: (decision: AuthDecision) => void) {
    this.#authorizers = new Map(authorizers.map((a) => [a.mode, a]));
    this.#decided = decided;
  }

  has(mode: AuthMode): boolean {
    return this.#authorizers.has(mode);
  }

  /** Releases every authorizer's resources (on server shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.#authorizers.values()].map((a) => a.close?.()));
  }

  /** The modes among `allowed` whose kind of credential the request carries (nothing is verified). */
  presented(allowed: readonly AuthMode[], request: AuthRequest): AuthMode[] {
    return allowed.filter((mode) => this.#authorizers.get(mode)?.presents(request) === true);
  }

  async authorize(allowed: readonly AuthMode[], request: AuthRequest): Promise<AuthGrant> {
    if (this.#decided === undefined) return this.#authorize(allowed, request, { mode: 'none' });
    const started = performance.now();
    const tried: { mode: AuthMode | 'none' } = { mode: 'none' };
    try {
      const grant = await this.#authorize(allowed, request, tried);
      if (request.preliminary !== true) this.#decided({ request, mode: grant.mode, allowed: true, seconds: (performance.now() - started) / 1000 });
      return grant;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.#decided({ request, mode: tried.mode, allowed: false, reason, seconds: (performance.now() - started) / 1000 });
      throw err;
    }
  }

  async #authorize(allowed: readonly AuthMode[], request: AuthRequest, tried: { mode: AuthMode | 'none' }): Promise<AuthGrant> {
    let firstError: unknown;
    let presented = false;
    for (const mode of allowed) {
      const authorizer = this.#authorizers.get(mode);
      if (authorizer === undefined || !authorizer.presents(request)) continue;
      if (!presented) tried.mode = mode;
      presented = true;
      try {
        return await authorizer.authorize(request);
      } catch (err) {
        firstError ??= err;
      }
    }
    if (!presented) {
      const other = [...this.#authorizers.values()].find((a) => !allowed.includes(a.mode) && a.presents(request));
      if (other !== undefined) {
        throw new ProtocolError(
          'UnauthorizedException',
          `You are not authorized to make this call: ${other.mode} is not an allowed auth mode here (allowed: ${allowed.join(', ')}).`,
          { status: 403 },
        );
      }
      throw new ProtocolError(
        'UnauthorizedException',
        `You are not authorized to make this call: no credentials for the allowed auth modes (${allowed.join(', ')}).`,
      );
    }
    if (isProtocolError(firstError)) throw firstError;
    throw new ProtocolError('InternalFailureException', 'Authorization failed unexpectedly.', { cause: firstError });
  }
}
