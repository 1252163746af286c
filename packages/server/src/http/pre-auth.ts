import type { AuthHeaders } from '@switchboard/protocol';
import type { AuthService } from '../auth/authorize.js';
import type { AuthMode } from '../auth/types.js';
import type { NamespaceRegistry } from '../namespaces/registry.js';

/** Modes whose verification needs nothing but the headers: no body, no namespace, no channel. */
const HEADER_MODES: ReadonlySet<AuthMode> = new Set(['API_KEY', 'AMAZON_COGNITO_USER_POOLS', 'OPENID_CONNECT']);

/**
 * Refuses `POST /event` requests whose credentials cannot pass the full check on any namespace,
 * before the expensive part: reading the body (before) and parsing it (after).
 *
 * The rule, with P = every publish mode of every namespace (the modes any publish can allow):
 * - **before the body**: when the request carries no credential of a mode in P, every
 *   namespace refuses it; when every mode in P it presents verifies from headers alone (API
 *   key, Cognito, OIDC: none depends on the namespace, the channel or the body), those are
 *   verified now, and a request none of them grants is refused on every namespace too;
 * - **after the body, before parsing it**: the same when the presented modes are header modes
 *   plus IAM (whose signature covers the raw body, not the namespace);
 * - a Lambda token is decided per channel by the authorizer, so it always waits for the body.
 * A refusal here is one the full check would give for every namespace; a request that passes
 * still gets the full check (namespace, operation, channel) afterwards, so nothing is ever
 * accepted here that the full check would refuse.
 */
export class PublishPreAuth {
  readonly #auth: AuthService;
  readonly #modes: readonly AuthMode[];

  constructor(auth: AuthService, namespaces: NamespaceRegistry) {
    this.#auth = auth;
    this.#modes = [...new Set(namespaces.names().flatMap((name) => namespaces.get(name).publishModes))];
  }

  /**
   * Before the body.
   * @throws ProtocolError the refusal (`UnauthorizedException`) every namespace would give.
   */
  async checkHeaders(headers: AuthHeaders, requestId?: string): Promise<void> {
    const presented = this.#auth.presented(this.#modes, { operation: 'EVENT_PUBLISH', headers });
    if (presented.length > 0 && !presented.every((mode) => HEADER_MODES.has(mode))) return;
    await this.#auth.authorize(this.#modes, { operation: 'EVENT_PUBLISH', headers, preliminary: true, ...(requestId !== undefined && { requestId }) });
  }

  /**
   * After the body, before it is parsed: verifies an IAM signature when IAM and header modes
   * are all the request presents.
   * @throws ProtocolError the refusal every namespace would give.
   */
  async checkBody(headers: AuthHeaders, body: string, requestId?: string): Promise<void> {
    const presented = this.#auth.presented(this.#modes, { operation: 'EVENT_PUBLISH', headers });
    if (!presented.includes('AWS_IAM') || !presented.every((mode) => mode === 'AWS_IAM' || HEADER_MODES.has(mode))) return;
    await this.#auth.authorize(this.#modes, { operation: 'EVENT_PUBLISH', headers, signedBody: () => body, preliminary: true, ...(requestId !== undefined && { requestId }) });
  }
}
