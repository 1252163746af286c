import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { ApiKeyAuthorizer } from './api-key.js';
import type { Authorizer } from './types.js';

/** One `Authorizer` per auth provider the configuration sets up. */
export function createAuthorizers(auth: Readonly<Config['auth']>, _log: Logger): Authorizer[] {
  const authorizers: Authorizer[] = [];
  if (auth.apiKeys.length > 0) {
    authorizers.push(new ApiKeyAuthorizer(auth.apiKeys.map((k) => ({ key: k.key, expiresAt: expiryMs(k.expires) }))));
  }
  return authorizers;
}

function expiryMs(expires: string | number | undefined): number | undefined {
  if (expires === undefined) return undefined;
  return typeof expires === 'number' ? expires * 1000 : Date.parse(expires);
}
