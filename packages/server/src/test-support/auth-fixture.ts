import type { ConfigInput } from '../config/schema.js';
import { HandlerFiles } from './handler-files.js';
import { TestJwtIssuer } from './jwt-issuer.js';
import { TEST_KEY } from './server.js';
import type { TestCredentials } from './sigv4-client.js';

export const COGNITO = { region: 'us-east-1', userPoolId: 'us-east-1_SwitchTest' } as const;
export const OIDC_CLIENT = 'switchboard-test';
export const IAM_KEY = { accessKeyId: 'AKIDSWITCHBOARDE2E', secretAccessKey: 'switchboard-e2e-secret-key-0000000000000' } satisfies TestCredentials;
export const IAM_ACCOUNT = '210987654321';

/**
 * A Lambda authorizer for tests: `allow-<who>` is allowed with `handlerContext: { who, operation }`,
 * `throws` throws, `hangs` never answers, anything else is denied.
 */
const AUTHORIZER = `
export const handler = async (event) => {
  const token = event.authorizationToken;
  if (token === 'throws') throw new Error('authorizer bug');
  if (token === 'hangs') return new Promise(() => {});
  if (!token.startsWith('allow-')) return { isAuthorized: false };
  return { isAuthorized: true, handlerContext: { who: token.slice(6), operation: event.requestContext.operation } };
};
`;

/** A function handler that adds the \`identity\` it was given to every event's payload. */
const ECHO_IDENTITY = `
export const handler = async (event) => ({
  events: event.events.map((e) => ({ id: e.id, payload: { payload: e.payload, identity: event.identity } })),
});
`;

/**
 * Everything an auth test server needs: two JWT issuers (a Cognito pool and an OIDC provider) on
 * loopback, a Lambda authorizer module, an identity-echo handler, an IAM key, and the `auth` and
 * `namespaces` sections using them. Namespaces: `default` and `echo` (every mode; `echo` echoes
 * the identity), `oidconly` and `lambdaonly` (one mode each, for publish and subscribe).
 */
export class AuthFixture {
  private constructor(
    readonly cognito: TestJwtIssuer,
    readonly oidc: TestJwtIssuer,
    readonly files: HandlerFiles,
    readonly config: Partial<ConfigInput>,
  ) {}

  static async create(options: { lambdaTimeoutMs?: number } = {}): Promise<AuthFixture> {
    const cognito = await TestJwtIssuer.start(`https://cognito-idp.${COGNITO.region}.amazonaws.com/${COGNITO.userPoolId}`);
    const oidc = await TestJwtIssuer.start();
    const files = new HandlerFiles('auth');
    const authorizer = files.write('authorizer.mjs', AUTHORIZER);
    const echo = files.write('echo.mjs', ECHO_IDENTITY);
    const config: Partial<ConfigInput> = {
      auth: {
        apiKeys: [{ key: TEST_KEY }],
        cognito: { ...COGNITO, jwksUri: cognito.jwksUri },
        oidc: { issuer: oidc.issuer, clientId: OIDC_CLIENT },
        lambda: { function: authorizer, runtime: 'inline', timeoutMs: options.lambdaTimeoutMs ?? 300 },
        // WebSocket tests sign for the name sb.test; HTTP clients sign the Host they connect to.
        iam: { accessKeys: [{ ...IAM_KEY, accountId: IAM_ACCOUNT, username: 'e2e-user' }], hosts: ['sb.test', '127.0.0.1'] },
      },
      namespaces: [
        { name: 'default' },
        { name: 'echo', onPublish: { function: echo, runtime: 'inline' } },
        { name: 'oidconly', publishModes: ['OPENID_CONNECT'], subscribeModes: ['OPENID_CONNECT'] },
        { name: 'lambdaonly', publishModes: ['AWS_LAMBDA'], subscribeModes: ['AWS_LAMBDA'] },
      ],
    };
    return new AuthFixture(cognito, oidc, files, config);
  }

  /** A Cognito access token, as Amplify sends it. */
  cognitoToken(claims: Record<string, unknown> = {}, expiresIn?: number): Promise<string> {
    return this.cognito.token({ sub: 'cognito-sub', token_use: 'access', client_id: 'web', username: 'alice', 'cognito:groups': ['team'], ...claims }, expiresIn === undefined ? {} : { expiresIn });
  }

  oidcToken(claims: Record<string, unknown> = {}, expiresIn?: number): Promise<string> {
    return this.oidc.token({ sub: 'oidc-sub', aud: OIDC_CLIENT, ...claims }, expiresIn === undefined ? {} : { expiresIn });
  }

  async close(): Promise<void> {
    await Promise.all([this.cognito.close(), this.oidc.close()]);
    this.files.remove();
  }
}
