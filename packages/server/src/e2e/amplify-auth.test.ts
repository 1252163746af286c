/**
 * End-to-end: the real Amplify JS Events client in `userPool`, `oidc`, `lambda` and `iam` modes
 * against Switchboard over TLS. Tokens are signed by JWT issuers this test runs (their JWKS served
 * on loopback), handed to Amplify through its `libraryOptions` token provider; IAM credentials come
 * through its credentials provider and Amplify signs every request itself. The `echo` namespace's
 * handler puts the identity it was given into each event, so the test sees what a handler sees.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { AuthFixture, IAM_ACCOUNT, IAM_KEY } from '../test-support/auth-fixture.js';
import { makeSelfSignedCert } from '../test-support/tls.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { settle } from '../test-support/ws-client.js';
import { AmplifyDriver } from './amplify-driver-client.js';

interface Echoed {
  payload: unknown;
  identity: Record<string, unknown>;
}

describe('the real Amplify client in userPool, oidc, lambda and iam modes', () => {
  let dir: string;
  let fx: AuthFixture;
  let server: TestServer;
  const drivers = new Map<string, AmplifyDriver>();
  const driver = (mode: string): AmplifyDriver => drivers.get(mode)!;

  before(async () => {
    const tls = makeSelfSignedCert('switchboard-amplify-auth-');
    dir = tls.dir;
    const certPath = tls.certPath;
    const keyPath = tls.keyPath;
    fx = await AuthFixture.create();
    server = await startTestServer({ ...fx.config, server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000, tls: { cert: certPath, key: keyPath } } });
    const endpoint = `${server.httpUrl}/event`;
    await Promise.all(['userPool', 'oidc', 'lambda', 'iam'].map(async (mode) => drivers.set(mode, await AmplifyDriver.start(certPath, endpoint, '', mode))));
  });

  after(async () => {
    await Promise.all([...drivers.values()].map((d) => d.stop()));
    await server?.close();
    await fx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Connects, subscribes, publishes over WS and HTTP; returns what the subscriber got. */
  async function roundTrip(mode: string, auth: Record<string, unknown> = {}): Promise<Echoed[]> {
    const amplify = driver(mode);
    await amplify.ok('connect', { name: mode, channel: `/echo/${mode}`, ...auth });
    await amplify.ok('subscribe', { name: `${mode}-sub`, channel: mode });
    assert.equal(await amplify.ok('publish', { channel: mode, event: { via: 'ws' }, ...auth }), null);
    assert.equal(await amplify.ok('post', { channel: `/echo/${mode}`, event: { via: 'http' }, ...auth }), null);
    return (await amplify.receivedCount(`${mode}-sub`, 2)) as Echoed[];
  }

  it('userPool: refuses an expired access token at connect, then works with a valid one; the handler sees the Cognito identity', async () => {
    const amplify = driver('userPool');
    await amplify.ok('setToken', { token: await fx.cognitoToken({}, -60) });
    const refused = await amplify.fails('connect', { name: 'expired', channel: '/echo/x' }, 8000);
    assert.match(refused.message ?? '', /UnauthorizedException/);

    await amplify.ok('setToken', { token: await fx.cognitoToken({ sub: 'amplify-user' }) });
    const [ws, http] = await roundTrip('userPool');
    assert.deepEqual([ws!.payload, http!.payload], [{ via: 'ws' }, { via: 'http' }]);
    assert.deepEqual([ws!.identity['sub'], ws!.identity['username'], ws!.identity['groups'], ws!.identity['defaultAuthStrategy']], ['amplify-user', 'alice', ['team'], 'ALLOW']);
  });

  it('oidc: works with a token of the configured issuer; a token for another audience is refused and nothing is delivered', async () => {
    const amplify = driver('oidc');
    await amplify.ok('setToken', { token: await fx.oidcToken({ sub: 'oidc-amplify' }) });
    const [ws] = await roundTrip('oidc');
    assert.deepEqual(Object.keys(ws!.identity).sort(), ['claims', 'issuer', 'sub']);
    assert.equal(ws!.identity['sub'], 'oidc-amplify');

    await amplify.ok('setToken', { token: await fx.oidcToken({ aud: 'someone-else' }) });
    const error = await amplify.fails('publish', { channel: 'oidc', event: { via: 'ws', n: 2 } });
    assert.match(error.message ?? '', /UnauthorizedException/);
    const posted = await amplify.fails('post', { channel: '/echo/oidc', event: { via: 'http', n: 2 } });
    assert.equal(posted.httpStatusCode, 401);
    await settle(150);
    assert.equal(amplify.received('oidc-sub').length, 2, 'nothing delivered');
  });

  it('lambda: the authToken reaches the authorizer, the handler sees { handlerContext }; a throwing authorizer denies', async () => {
    const [ws, http] = await roundTrip('lambda', { authMode: 'lambda', authToken: 'allow-amplify' });
    assert.deepEqual(ws!.identity, { handlerContext: { who: 'amplify', operation: 'EVENT_PUBLISH' } });
    assert.deepEqual(http!.identity, { handlerContext: { who: 'amplify', operation: 'EVENT_PUBLISH' } });
    const amplify = driver('lambda');
    const error = await amplify.fails('publish', { channel: 'lambda', event: 1, authMode: 'lambda', authToken: 'throws' });
    assert.match(error.message ?? '', /UnauthorizedException/);
    await settle(150);
    assert.equal(amplify.received('lambda-sub').length, 2, 'nothing delivered');
  });

  it('iam: Amplify signs connect, subscribe, publish and POST with SigV4; the handler sees the IAM identity; a wrong secret is refused', async () => {
    const amplify = driver('iam');
    await amplify.ok('setCredentials', IAM_KEY);
    const [ws, http] = await roundTrip('iam');
    for (const echoed of [ws!, http!]) {
      assert.equal(echoed.identity['accountId'], IAM_ACCOUNT);
      assert.equal(echoed.identity['username'], 'e2e-user');
    }
    await amplify.ok('setCredentials', { ...IAM_KEY, secretAccessKey: 'not-the-secret-not-the-secret-0000' });
    // A signature mismatch is BadRequestException (400), as AWS answers it.
    const error = await amplify.fails('publish', { channel: 'iam', event: 3 });
    assert.match(error.message ?? '', /BadRequestException/);
    assert.equal((await amplify.fails('post', { channel: '/echo/iam', event: 3 })).httpStatusCode, 400);
    await settle(150);
    assert.equal(amplify.received('iam-sub').length, 2, 'nothing delivered');
  });
});
