import { z } from 'zod';
import { JWT_ALGORITHMS } from '../auth/jwt.js';
import { AUTH_MODES } from '../auth/types.js';
import { exactlyOneTarget, functionTargetFields, httpUrl } from './function-target.js';

/**
 * The `auth` section of the configuration: one provider per AppSync auth mode, and the mode lists.
 * `docs/configuration.md` and `docs/auth.md` describe every key.
 */
export type AuthModeName = (typeof AUTH_MODES)[number];

export const modeList = z.array(z.enum(AUTH_MODES)).min(1, 'must list at least one auth mode');
const positiveInt = z.number().int().positive();

const apiKey = z
  .object({
    /** The key clients send in `x-api-key`. */
    key: z.string().min(16, 'must be at least 16 characters'),
    /** ISO 8601 date-time or epoch seconds after which the key is refused. */
    expires: z.union([z.string().datetime({ offset: true }), z.number().int().positive()]).optional(),
    description: z.string().optional(),
  })
  .strict();

const regex = (what: string) =>
  z.string().min(1).refine((value) => {
    try {
      new RegExp(value);
      return true;
    } catch {
      return false;
    }
  }, `must be a valid ${what} regular expression`);

/** The OPENID_CONNECT provider: JWTs from one issuer, checked against its JWKS. */
const oidc = z
  .object({
    /** The exact `iss` of accepted tokens; the JWKS is discovered from `<issuer>/.well-known/openid-configuration`. */
    issuer: httpUrl,
    /** When set, `aud` or `client_id` must equal it. */
    clientId: z.string().min(1).optional(),
    /** Skips discovery. */
    jwksUri: httpUrl.optional(),
    /** Milliseconds a token is accepted after its `iat`; 0: no limit. */
    iatTTL: z.number().int().min(0).default(0),
    /** Milliseconds a token is accepted after its `auth_time`; 0: no limit. */
    authTTL: z.number().int().min(0).default(0),
    clockSkewSec: z.number().int().min(0).max(300).default(5),
    /** Refuse tokens without `exp` (valid forever otherwise). */
    requireExp: z.boolean().default(true),
    /** Accepted signature algorithms (asymmetric only; never `none` or HS*). */
    algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1).default(['RS256']),
  })
  .strict();

/** The AMAZON_COGNITO_USER_POOLS provider: issuer and JWKS derived from the pool id and region. */
const cognito = z
  .object({
    userPoolId: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must look like us-east-1_AbCdEf123'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1'),
    /** The app client id must match it in full. */
    appIdClientRegex: regex('appIdClientRegex').optional(),
    /** Overrides the pool's JWKS URL (tests, air-gapped mirrors). */
    jwksUri: httpUrl.optional(),
    clockSkewSec: z.number().int().min(0).max(300).default(5),
  })
  .strict();

/** The AWS_LAMBDA provider: one authorizer function, a module or an HTTP URL. */
const lambda = z
  .object({
    ...functionTargetFields(0),
    /** An authorizer that has not answered by then denies. */
    timeoutMs: positiveInt.max(30_000).default(5000),
    /** How long a result is reused for the same token, operation and channel; the answer's ttlOverride wins. */
    resultTtlSeconds: z.number().int().min(0).max(3600).default(0),
    /** Tokens that do not match are denied without calling the function. */
    identityValidationExpression: regex('identityValidationExpression').optional(),
  })
  .strict()
  .superRefine(exactlyOneTarget);

/** The AWS_IAM provider: SigV4 verified against these keys. */
const iam = z
  .object({
    accessKeys: z
      .array(
        z
          .object({
            accessKeyId: z.string().regex(/^[A-Za-z0-9]{4,128}$/, 'must be 4-128 letters and digits'),
            /** Never logged. */
            secretAccessKey: z.string().min(16, 'must be at least 16 characters'),
            /** When set, requests must sign this x-amz-security-token. */
            sessionToken: z.string().min(1).optional(),
            accountId: z.string().regex(/^\d{12}$/, 'must be 12 digits').optional(),
            username: z.string().min(1).optional(),
            userArn: z.string().min(1).optional(),
          })
          .strict(),
      )
      .min(1, 'must list at least one access key'),
    /** When set, signatures must be scoped to this region. */
    region: z.string().min(1).optional(),
    /** Replay window: how far x-amz-date may be from the server clock. */
    maxSkewSeconds: positiveInt.max(3600).default(300),
    /** The host names clients sign for (`name` any port, `name:port` that port). Default: loopback names and server.host. */
    hosts: z.array(z.string().min(1).regex(/^[^\s/]+$/, 'must be a host name or address, optionally with :port')).min(1).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.accessKeys.forEach((key, i) => {
      if (seen.has(key.accessKeyId)) ctx.addIssue({ code: 'custom', path: ['accessKeys', i, 'accessKeyId'], message: 'duplicate access key id' });
      seen.add(key.accessKeyId);
    });
  });

export const auth = z
  .object({
    apiKeys: z.array(apiKey).default([]),
    cognito: cognito.optional(),
    oidc: oidc.optional(),
    lambda: lambda.optional(),
    iam: iam.optional(),
    /** Close a WebSocket when the credential it connected with expires (JWT exp, API key expires). */
    closeConnectionsOnExpiry: z.boolean().default(true),
    /** Modes accepted when a WebSocket connects. Default: every configured mode. */
    connectionModes: modeList.optional(),
    /** Modes accepted for publish, unless a namespace overrides them. Default: every configured mode. */
    publishModes: modeList.optional(),
    /** Modes accepted for subscribe, unless a namespace overrides them. Default: every configured mode. */
    subscribeModes: modeList.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.oidc && value.cognito && value.oidc.issuer === `https://cognito-idp.${value.cognito.region}.amazonaws.com/${value.cognito.userPoolId}`) {
      ctx.addIssue({ code: 'custom', path: ['oidc', 'issuer'], message: 'is the issuer of auth.cognito; configure the pool once' });
    }
  });


/** The modes that have a provider configured, in AppSync's order. */
export function configuredModes(auth: AuthConfig): AuthModeName[] {
  const configured: Record<AuthModeName, boolean> = {
    API_KEY: auth.apiKeys.length > 0,
    AMAZON_COGNITO_USER_POOLS: auth.cognito !== undefined,
    OPENID_CONNECT: auth.oidc !== undefined,
    AWS_LAMBDA: auth.lambda !== undefined,
    AWS_IAM: auth.iam !== undefined,
  };
  return AUTH_MODES.filter((mode) => configured[mode]);
}

export type AuthConfig = z.infer<typeof auth>;
