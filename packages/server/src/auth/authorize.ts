import { ProtocolError, isProtocolError } from '@switchboard/protocol';
import type { AuthGrant, AuthMode, AuthRequest, Authorizer } from './types.js';

/**
 * Picks the auth mode from what the request presents, among the modes the operation allows, and
 * verifies it. When several allowed modes are presented they are tried in the configured order and
 * the first grant wins; if all fail, the first failure is reported. A request that carries only
 * credentials of configured modes the operation does not allow is refused with 403, as AppSync
 * refuses an API key on an IAM-only namespace; one that carries none at all, with 401.
 */
export class AuthService {
  readonly #authorizers: ReadonlyMap<AuthMode, Authorizer>;

  constructor(authorizers: readonly Authorizer[]) {
    this.#authorizers = new Map(authorizers.map((a) => [a.mode, a]));
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
    let firstError: unknown;
    let presented = false;
    for (const mode of allowed) {
      const authorizer = this.#authorizers.get(mode);
      if (authorizer === undefined || !authorizer.presents(request)) continue;
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
