import type { Config } from '../config/schema.js';
import { functionName, type FunctionService } from '../functions/service.js';
import type { Logger } from '../log/logger.js';
import { ApiKeyAuthorizer } from './api-key.js';
import { CognitoAuthorizer } from './cognito.js';
import { IamAuthorizer } from './iam.js';
import { defaultIamHosts } from './iam-hosts.js';
import { LambdaAuthorizer } from './lambda.js';
import { OidcAuthorizer } from './oidc.js';
import type { Authorizer } from './types.js';

type AuthConfig = Readonly<Config['auth']>;

/**
 * One `Authorizer` per auth provider the configuration sets up, in AppSync's mode order. A Lambda
 * authorizer runs its function through `functions`; `serverHost` (`server.host`) joins the default
 * `auth.iam.hosts`.
 */
export function createAuthorizers(auth: AuthConfig, log: Logger, functions: FunctionService, serverHost?: string): Authorizer[] {
  const authorizers: Authorizer[] = [];
  if (auth.apiKeys.length > 0) {
    authorizers.push(new ApiKeyAuthorizer(auth.apiKeys.map((k) => ({ key: k.key, expiresAt: expiryMs(k.expires) }))));
  }
  const jwtModes: Authorizer[] = [];
  if (auth.cognito) {
    jwtModes.push(new CognitoAuthorizer(auth.cognito));
  }
  if (auth.oidc) {
    const { issuer, clientId, jwksUri, iatTTL, authTTL, clockSkewSec, requireExp, algorithms } = auth.oidc;
    jwtModes.push(
      new OidcAuthorizer({ issuer, clientId, jwksUri, iatTTL, authTTL, clockSkewSec, requireExp, algorithms, log: log.child({ authMode: 'OPENID_CONNECT' }) }),
    );
  }
  authorizers.push(...jwtModes);
  if (auth.lambda) {
    const { timeoutMs, resultTtlSeconds, identityValidationExpression } = auth.lambda;
    authorizers.push(
      new LambdaAuthorizer({
        invoker: functions.get(auth.lambda, { option: 'auth.lambda', kind: 'function' }),
        functionName: auth.lambda.url === undefined ? functionName(auth.lambda) : 'authorizer',
        timeoutMs,
        resultTtlSeconds,
        identityValidationExpression,
        claimedElsewhere: (request) => jwtModes.some((a) => a.presents(request)),
        log: log.child({ authMode: 'AWS_LAMBDA' }),
      }),
    );
  }
  if (auth.iam) {
    authorizers.push(new IamAuthorizer({ ...auth.iam, hosts: auth.iam.hosts ?? defaultIamHosts(serverHost) }));
  }
  return authorizers;
}

function expiryMs(expires: string | number | undefined): number | undefined {
  if (expires === undefined) return undefined;
  return typeof expires === 'number' ? expires * 1000 : Date.parse(expires);
}
