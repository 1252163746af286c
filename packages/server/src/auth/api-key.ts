import { createHash, timingSafeEqual } from 'node:crypto';
import { ProtocolError } from '@switchboard/protocol';
import type { AuthGrant, AuthRequest, Authorizer } from './types.js';

export interface ApiKeyConfig {
  key: string;
  /** Expiry as epoch milliseconds; absent means the key never expires. */
  expiresAt?: number | undefined;
}

interface StoredKey {
  digest: Buffer;
  expiresAt: number | undefined;
}

const GRANT: AuthGrant = Object.freeze({ mode: 'API_KEY', identity: null });

/**
 * `API_KEY` mode: the `x-api-key` header must equal one of the configured keys. Keys are compared
 * as SHA-256 digests with `timingSafeEqual`, against every key, so neither the length nor the
 * position of a match shows in the timing.
 */
export class ApiKeyAuthorizer implements Authorizer {
  readonly mode = 'API_KEY' as const;
  readonly #keys: StoredKey[];
  readonly #now: () => number;

  constructor(keys: readonly ApiKeyConfig[], now: () => number = Date.now) {
    this.#keys = keys.map((k) => ({ digest: digest(k.key), expiresAt: k.expiresAt }));
    this.#now = now;
  }

  presents(request: AuthRequest): boolean {
    return request.headers['x-api-key'] !== undefined;
  }

  authorize(request: AuthRequest): AuthGrant {
    const presented = digest(request.headers['x-api-key'] ?? '');
    let match: StoredKey | undefined;
    for (const key of this.#keys) {
      if (timingSafeEqual(presented, key.digest)) match = key;
    }
    if (match === undefined) {
      throw new ProtocolError('UnauthorizedException', 'You are not authorized to make this call.');
    }
    if (match.expiresAt === undefined) return GRANT;
    if (match.expiresAt <= this.#now()) {
      throw new ProtocolError('UnauthorizedException', 'You are not authorized to make this call: the API key has expired.');
    }
    return { ...GRANT, expiresAt: match.expiresAt };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
