import { randomBytes } from 'node:crypto';
import { AUTH_MODES } from '../auth/types.js';
import type { AuthModeName } from '../config/auth-schema.js';
import { locate, prop, resourcesOfApi, UnmappableError, type MapContext } from './context.js';
import { UnresolvableError } from './intrinsics.js';
import { lambdaTarget } from './map-functions.js';

/** An API key of the template and the value it has locally. */
export interface LocalApiKey {
  readonly logicalId: string;
  readonly key: string;
}

/** The `auth` section for switchboard.yaml, and the modes that made it. */
export interface MappedAuth {
  readonly auth: Record<string, unknown>;
  readonly enabled: ReadonlySet<AuthModeName>;
  readonly apiKeys: readonly LocalApiKey[];
  /** The API's default publish and subscribe modes, before any were disabled. */
  readonly defaults: { readonly publish: readonly AuthModeName[]; readonly subscribe: readonly AuthModeName[] };
}

/** An AppSync-looking API key: `da2-` and 26 lower-case letters and digits. */
export function randomApiKey(): string {
  return `da2-${randomBytes(32).toString('base64').replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 26).padEnd(26, '0')}`;
}

/**
 * Maps `EventConfig` of the `AWS::AppSync::Api` `apiId` onto `auth`: each provider, then the
 * connection, publish and subscribe mode lists. A provider that exists only in AWS (a pool the
 * stack creates, IAM, an authorizer from another stack) is taken from the overrides file's
 * `auth`, or disabled with a note saying what to add.
 *
 * @throws UnmappableError when no connection auth mode is left.
 */
export function mapAuth(ctx: MapContext, apiId: string): MappedAuth {
  const config = (prop(ctx.template.Resources[apiId], 'EventConfig') ?? {}) as Record<string, unknown>;
  // Each provider's settings are resolved when it is mapped, so one that exists only in AWS disables that mode alone.
  const providers = (Array.isArray(config['AuthProviders']) ? config['AuthProviders'] : ctx.intrinsics.resolve(config['AuthProviders'] ?? [])) as Record<string, unknown>[];
  const auth: Record<string, unknown> = {};
  const enabled = new Set<AuthModeName>();
  let apiKeys: LocalApiKey[] = [];
  const disable = (mode: string, why: string, add: string): void => {
    ctx.notes.push({ level: 'disabled', message: `auth mode ${mode} is disabled: ${why}; to enable it, set ${add} in ${ctx.overridesName}` });
  };
  for (const provider of providers) {
    const mode = ctx.intrinsics.string(provider['AuthType'], 'AuthType');
    try {
      switch (mode) {
        case 'API_KEY':
          apiKeys = localApiKeys(ctx, apiId);
          auth['apiKeys'] = apiKeys.map(({ logicalId, key }) => ({ key, description: `${logicalId} (local value)` }));
          break;
        case 'AWS_LAMBDA':
          auth['lambda'] = ctx.overrides.auth.lambda ?? lambdaAuthorizer(ctx, provider['LambdaAuthorizerConfig'] as Record<string, unknown> | undefined);
          break;
        case 'AMAZON_COGNITO_USER_POOLS':
          auth['cognito'] = ctx.overrides.auth.cognito ?? cognito(ctx, provider['CognitoConfig'] as Record<string, unknown> | undefined);
          break;
        case 'OPENID_CONNECT':
          auth['oidc'] = ctx.overrides.auth.oidc ?? oidc(ctx, provider['OpenIDConnectConfig'] as Record<string, unknown> | undefined);
          break;
        case 'AWS_IAM':
          if (ctx.overrides.auth.iam === undefined) throw new UnmappableError('IAM signatures are checked against local access keys, and the template has none', 'auth.iam.accessKeys');
          auth['iam'] = ctx.overrides.auth.iam;
          break;
        default:
          ctx.notes.push({ level: 'disabled', message: `auth mode ${mode} is not an AppSync auth mode and is ignored` });
          continue;
      }
      enabled.add(mode as AuthModeName);
    } catch (err) {
      if (!(err instanceof UnmappableError || err instanceof UnresolvableError)) throw err;
      disable(mode, err.message, (err instanceof UnmappableError ? err.add : undefined) ?? `auth.${modeKey(mode)}`);
    }
  }
  const modes = (key: string, fallback: readonly AuthModeName[]): AuthModeName[] => {
    const listed = config[key] === undefined ? fallback : (ctx.intrinsics.resolve(config[key]) as { AuthType: string }[]).map((m) => m.AuthType as AuthModeName);
    return listed.filter((m) => (AUTH_MODES as readonly string[]).includes(m));
  };
  const all = providers.map((p) => ctx.intrinsics.string(p['AuthType'], 'AuthType') as AuthModeName);
  const connection = modes('ConnectionAuthModes', all).filter((m) => enabled.has(m));
  if (connection.length === 0) {
    throw new UnmappableError(`no connection auth mode of the API ${apiId} can be used locally (see the disabled modes above); enable one in ${ctx.overridesName}`);
  }
  auth['connectionModes'] = connection;
  const defaults = { publish: modes('DefaultPublishAuthModes', all), subscribe: modes('DefaultSubscribeAuthModes', all) };
  return { auth, enabled, apiKeys, defaults };
}

function modeKey(mode: string): string {
  return { AWS_LAMBDA: 'lambda', AMAZON_COGNITO_USER_POOLS: 'cognito', OPENID_CONNECT: 'oidc', AWS_IAM: 'iam', API_KEY: 'apiKeys' }[mode] ?? mode;
}

/** The `AWS::AppSync::ApiKey` resources of the API, each with its local value. */
function localApiKeys(ctx: MapContext, apiId: string): LocalApiKey[] {
  const keys = resourcesOfApi(ctx, 'AWS::AppSync::ApiKey', apiId).map(([id]) => id);
  if (keys.length === 0) {
    keys.push('LocalApiKey');
    ctx.notes.push({ level: 'generated', message: 'the API has the API_KEY mode but no AWS::AppSync::ApiKey; a local key LocalApiKey was made' });
  }
  return keys.map((logicalId) => ({ logicalId, key: ctx.apiKeyValue(logicalId) }));
}

function lambdaAuthorizer(ctx: MapContext, config: Record<string, unknown> | undefined): Record<string, unknown> {
  const fix = 'auth.lambda (function, codeDir with handler and runtime, or url)';
  const uri = ctx.intrinsics.string(config?.['AuthorizerUri'], 'LambdaAuthorizerConfig.AuthorizerUri');
  const fn = locate(ctx, (stack) => stack.intrinsics.resourceOfArn(uri, 'AWS::Lambda::Function'));
  if (fn === undefined) throw new UnmappableError(`the authorizer ${uri} is not a function of the assembly`, fix);
  const { timeoutMs, ...target } = lambdaTarget(fn.ctx, fn.id, `set ${fix} in ${ctx.overridesName}`);
  const ttl = config?.['AuthorizerResultTtlInSeconds'];
  const expression = config?.['IdentityValidationExpression'];
  return {
    ...target,
    timeoutMs: Math.min(30_000, timeoutMs),
    ...(ttl !== undefined && { resultTtlSeconds: Math.min(3600, Number(ctx.intrinsics.resolve(ttl))) }),
    ...(expression !== undefined && { identityValidationExpression: ctx.intrinsics.string(expression, 'IdentityValidationExpression') }),
  };
}

function cognito(ctx: MapContext, config: Record<string, unknown> | undefined): Record<string, unknown> {
  const fix = 'auth.cognito.userPoolId and region (a deployed pool), optionally jwksUri';
  const raw = config?.['UserPoolId'];
  const poolId = ctx.intrinsics.string(raw, 'CognitoConfig.UserPoolId');
  if (locate(ctx, (stack) => stack.intrinsics.resourceNamed(poolId, 'AWS::Cognito::UserPool')) !== undefined) {
    throw new UnmappableError(`the user pool ${poolId} is created by the stack and exists only once deployed`, fix);
  }
  const appIdClientRegex = config?.['AppIdClientRegex'];
  return {
    userPoolId: poolId,
    region: ctx.intrinsics.string(config?.['AwsRegion'], 'CognitoConfig.AwsRegion'),
    ...(appIdClientRegex !== undefined && { appIdClientRegex: ctx.intrinsics.string(appIdClientRegex, 'AppIdClientRegex') }),
  };
}

function oidc(ctx: MapContext, config: Record<string, unknown> | undefined): Record<string, unknown> {
  const field = (key: string): unknown => (config?.[key] === undefined ? undefined : ctx.intrinsics.resolve(config[key]));
  const issuer = ctx.intrinsics.string(config?.['Issuer'], 'OpenIDConnectConfig.Issuer');
  const [clientId, iatTTL, authTTL] = [field('ClientId'), field('IatTTL'), field('AuthTTL')];
  return {
    issuer,
    ...(typeof clientId === 'string' && { clientId }),
    ...(iatTTL !== undefined && { iatTTL: Number(iatTTL) }),
    ...(authTTL !== undefined && { authTTL: Number(authTTL) }),
  };
}
