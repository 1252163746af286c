import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestJwtIssuer, tamperedToken, unsignedToken } from '../test-support/jwt-issuer.js';
import { CognitoAuthorizer, cognitoIssuer } from './cognito.js';
import { OidcAuthorizer } from './oidc.js';
import type { AuthRequest } from './types.js';

const request = (authorization: string, sourceIp = '10.0.0.7'): AuthRequest => ({ operation: 'EVENT_PUBLISH', headers: { authorization }, sourceIp });
const unauthorized = (pattern: RegExp) => ({ errorType: 'UnauthorizedException', message: pattern });

describe('OidcAuthorizer', () => {
  let idp: TestJwtIssuer;
  let oidc: OidcAuthorizer;
  before(async () => {
    idp = await TestJwtIssuer.start();
    oidc = new OidcAuthorizer({ issuer: idp.issuer, clientId: 'client-a', algorithms: ['RS256'], clockSkewSec: 5, jwksCooldownMs: 0 });
  });
  after(() => idp.close());

  it('accepts a valid token (JWKS found by discovery) and gives AppSync identity { sub, issuer, claims }', async () => {
    const token = await idp.token({ sub: 'user-1', aud: 'client-a', email: 'a@example.com' });
    const grant = await oidc.authorize(request(token));
    assert.equal(grant.mode, 'OPENID_CONNECT');
    assert.deepEqual(Object.keys(grant.identity!).sort(), ['claims', 'issuer', 'sub']);
    assert.equal(grant.identity!['sub'], 'user-1');
    assert.equal(grant.identity!['issuer'], idp.issuer);
    assert.equal((grant.identity!['claims'] as Record<string, unknown>)['email'], 'a@example.com');
  });

  it('accepts the Bearer scheme and an access token whose client_id is the client', async () => {
    const token = await idp.token({ sub: 'user-2', client_id: 'client-a' });
    assert.equal((await oidc.authorize(request(`Bearer ${token}`))).identity!['sub'], 'user-2');
  });

  it('presents only for a JWT of its own issuer', async () => {
    assert.equal(oidc.presents(request(await idp.token({ aud: 'client-a' }))), true);
    assert.equal(oidc.presents(request(await idp.token({ aud: 'client-a' }, { issuer: 'https://other.example.com' }))), false);
    assert.equal(oidc.presents(request('opaque-lambda-token')), false);
    assert.equal(oidc.presents({ operation: 'EVENT_CONNECT', headers: {} }), false);
  });

  it('denies an expired token', async () => {
    await assert.rejects(oidc.authorize(request(await idp.token({ aud: 'client-a' }, { expiresIn: -60 }))), unauthorized(/expired/));
  });

  it('denies a token that is not yet valid (nbf beyond the clock skew)', async () => {
    await assert.rejects(oidc.authorize(request(await idp.token({ aud: 'client-a' }, { notBefore: 120 }))), unauthorized(/"nbf" claim/));
  });

  it('accepts nbf within the configured clock skew', async () => {
    assert.equal((await oidc.authorize(request(await idp.token({ aud: 'client-a' }, { notBefore: 2 })))).mode, 'OPENID_CONNECT');
  });

  it('denies a token of another issuer signed by a published key', async () => {
    await assert.rejects(oidc.authorize(request(await idp.token({ aud: 'client-a' }, { issuer: 'https://evil.example.com' }))), unauthorized(/"iss" claim/));
  });

  it('denies a token for another audience', async () => {
    await assert.rejects(oidc.authorize(request(await idp.token({ aud: 'client-b' }))), unauthorized(/another client/));
    await assert.rejects(oidc.authorize(request(await idp.token({}))), unauthorized(/another client/));
  });

  it('denies alg none', async () => {
    const token = unsignedToken(await idp.token({ aud: 'client-a' }));
    assert.equal(oidc.presents(request(token)), true, 'routed to OIDC by its iss, then refused');
    await assert.rejects(oidc.authorize(request(token)), unauthorized(/not allowed|not a valid JWT/));
  });

  it('denies a tampered signature', async () => {
    const token = tamperedToken(await idp.token({ aud: 'client-a', sub: 'user-1' }), { sub: 'admin' });
    await assert.rejects(oidc.authorize(request(token)), unauthorized(/signature is not valid/));
  });

  it('denies an unknown kid, and accepts it once the key is published (JWKS refreshed on an unknown kid)', async () => {
    await idp.addKey('rotated', false);
    const token = await idp.token({ aud: 'client-a' }, { kid: 'rotated' });
    const fetches = idp.jwksFetches;
    await assert.rejects(oidc.authorize(request(token)), unauthorized(/not signed by a known key/));
    assert.ok(idp.jwksFetches > fetches, 'an unknown kid makes the verifier download the JWKS again');
    idp.publish('rotated');
    assert.equal((await oidc.authorize(request(token))).mode, 'OPENID_CONNECT');
  });

  it('applies iatTTL and authTTL (milliseconds, as AppSync)', async () => {
    const strict = new OidcAuthorizer({ issuer: idp.issuer, jwksUri: idp.jwksUri, algorithms: ['RS256'], clockSkewSec: 0, iatTTL: 60_000, authTTL: 60_000 });
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await strict.authorize(request(await idp.token({ auth_time: now })))).mode, 'OPENID_CONNECT');
    await assert.rejects(strict.authorize(request(await idp.token({ auth_time: now }, { issuedAt: -120 }))), unauthorized(/iatTTL/));
    await assert.rejects(strict.authorize(request(await idp.token({ auth_time: now - 120 }))), unauthorized(/authTTL/));
  });

  it('denies a token without exp (it would be valid forever) unless requireExp is false', async () => {
    const forever = await idp.token({ aud: 'client-a' }, { expiresIn: null });
    await assert.rejects(oidc.authorize(request(forever)), unauthorized(/no "exp" claim/));
    const lax = new OidcAuthorizer({ issuer: idp.issuer, jwksUri: idp.jwksUri, clientId: 'client-a', algorithms: ['RS256'], clockSkewSec: 5, requireExp: false });
    const grant = await lax.authorize(request(forever));
    assert.equal(grant.mode, 'OPENID_CONNECT');
    assert.equal(grant.expiresAt, undefined);
  });

  it('denies a token issued in the future (iat beyond the clock skew), a year ahead or a minute ahead', async () => {
    await assert.rejects(oidc.authorize(request(await idp.token({ aud: 'client-a' }, { issuedAt: 365 * 86400, expiresIn: 366 * 86400 }))), unauthorized(/"iat" claim is in the future/));
    await assert.rejects(oidc.authorize(request(await idp.token({ aud: 'client-a' }, { issuedAt: 60 }))), unauthorized(/"iat" claim is in the future/));
    assert.equal((await oidc.authorize(request(await idp.token({ aud: 'client-a' }, { issuedAt: 3 })))).mode, 'OPENID_CONNECT', 'within the 5 s skew');
  });

  it('reports when the token expires on the grant (exp, in epoch ms)', async () => {
    const token = await idp.token({ aud: 'client-a' }, { expiresIn: 120 });
    const exp = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    assert.equal((await oidc.authorize(request(token))).expiresAt, exp * 1000);
  });

  it('denies when the JWKS cannot be fetched, and never grants', async () => {
    const broken = new OidcAuthorizer({ issuer: idp.issuer, jwksUri: 'http://127.0.0.1:9/jwks.json', algorithms: ['RS256'], clockSkewSec: 0 });
    await assert.rejects(broken.authorize(request(await idp.token({}))), unauthorized(/signing keys could not be fetched/));
  });
});

describe('CognitoAuthorizer', () => {
  const region = 'eu-west-1';
  const userPoolId = 'eu-west-1_TestPool1';
  let idp: TestJwtIssuer;
  let cognito: CognitoAuthorizer;
  before(async () => {
    idp = await TestJwtIssuer.start(cognitoIssuer(region, userPoolId));
    cognito = new CognitoAuthorizer({ region, userPoolId, jwksUri: idp.jwksUri, appIdClientRegex: 'app-(web|ios)' });
  });
  after(() => idp.close());

  it('accepts an access token (what Amplify sends) with AppSync identity, groups and sourceIp', async () => {
    const token = await idp.token({ sub: 'u-1', token_use: 'access', client_id: 'app-web', username: 'alice', 'cognito:groups': ['admins'] });
    const grant = await cognito.authorize(request(token, '192.0.2.1'));
    assert.deepEqual(
      { ...grant.identity, claims: undefined },
      { sub: 'u-1', issuer: cognitoIssuer(region, userPoolId), username: 'alice', claims: undefined, sourceIp: ['192.0.2.1'], defaultAuthStrategy: 'ALLOW', groups: ['admins'] },
    );
    assert.equal(grant.mode, 'AMAZON_COGNITO_USER_POOLS');
  });

  it('accepts an ID token (username from cognito:username, groups null when absent)', async () => {
    const token = await idp.token({ sub: 'u-2', token_use: 'id', aud: 'app-ios', 'cognito:username': 'bob' });
    const identity = (await cognito.authorize(request(token))).identity!;
    assert.equal(identity['username'], 'bob');
    assert.equal(identity['groups'], null);
  });

  it('denies a token without exp and one issued in the future, and reports exp on the grant', async () => {
    const claims = { token_use: 'access', client_id: 'app-web' };
    await assert.rejects(cognito.authorize(request(await idp.token(claims, { expiresIn: null }))), unauthorized(/no "exp" claim/));
    await assert.rejects(cognito.authorize(request(await idp.token(claims, { issuedAt: 365 * 86400, expiresIn: 366 * 86400 }))), unauthorized(/"iat" claim is in the future/));
    const grant = await cognito.authorize(request(await idp.token(claims, { expiresIn: 60 })));
    assert.ok(grant.expiresAt !== undefined && Math.abs(grant.expiresAt - (Date.now() + 60_000)) < 2000, String(grant.expiresAt));
  });

  it('denies another app client (appIdClientRegex matches in full), other token uses, and another pool', async () => {
    await assert.rejects(cognito.authorize(request(await idp.token({ token_use: 'access', client_id: 'app-webx' }))), unauthorized(/app client/));
    await assert.rejects(cognito.authorize(request(await idp.token({ token_use: 'refresh', client_id: 'app-web' }))), unauthorized(/neither an ID token/));
    const other = await idp.token({ token_use: 'access', client_id: 'app-web' }, { issuer: cognitoIssuer(region, 'eu-west-1_Other') });
    assert.equal(cognito.presents(request(other)), false);
    await assert.rejects(cognito.authorize(request(other)), unauthorized(/"iss" claim/));
  });
});
