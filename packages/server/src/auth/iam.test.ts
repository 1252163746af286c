import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signRealtime } from '../test-support/sigv4-client.js';
import { IamAuthorizer } from './iam.js';
import { canonicalRequest, parseSigV4Authorization, sha256Hex, sigV4Signature } from './sigv4.js';
import type { AuthRequest } from './types.js';

const KEY = { accessKeyId: 'AKIDSWITCHBOARD01', secretAccessKey: 'test-secret-access-key-000000000000000001', accountId: '123456789012', username: 'ci-bot' };
const TEMP = { accessKeyId: 'ASIASWITCHBOARD02', secretAccessKey: 'test-secret-access-key-000000000000000002', sessionToken: 'session-token-2' };
const HOST = '127.0.0.1:8443';
const T0 = Date.UTC(2026, 10, 27, 9, 24, 44);

const iam = (now = T0, region?: string) => new IamAuthorizer({ accessKeys: [KEY, TEMP], ...(region ? { region } : {}), now: () => now });
const asRequest = (headers: Record<string, string>, body: string, operation: AuthRequest['operation'] = 'EVENT_SUBSCRIBE'): AuthRequest => ({
  operation,
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
  signedBody: () => body,
  sourceIp: '10.1.2.3',
});
const denied = (pattern: RegExp) => ({ errorType: 'UnauthorizedException', message: pattern });
const mismatch = { errorType: 'BadRequestException', message: /^The request signature we calculated does not match/ };

describe('SigV4 primitives', () => {
  it('reproduce the AWS SigV4 test-suite vector get-vanilla', () => {
    const canonical = canonicalRequest({
      method: 'GET',
      path: '/',
      query: '',
      headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
      signedHeaders: ['host', 'x-amz-date'],
      payloadHash: sha256Hex(''),
    });
    const signature = sigV4Signature('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830T123600Z', '20150830/us-east-1/service/aws4_request', canonical);
    assert.equal(signature, '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });

  it('parse an Authorization header and refuse malformed ones', () => {
    const parsed = parseSigV4Authorization('AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/appsync/aws4_request, SignedHeaders=host;x-amz-date, Signature=' + 'a'.repeat(64));
    assert.deepEqual({ ...parsed }, {
      accessKeyId: 'AKID', date: '20261127', region: 'us-east-1', service: 'appsync',
      scope: '20261127/us-east-1/appsync/aws4_request', signedHeaders: ['host', 'x-amz-date'], signature: 'a'.repeat(64),
    });
    for (const bad of ['AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/appsync, SignedHeaders=host, Signature=' + 'a'.repeat(64),
      'AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/appsync/aws4_request, SignedHeaders=host, Signature=xyz', 'Bearer abc']) {
      assert.equal(parseSigV4Authorization(bad), undefined, bad);
    }
  });
});

describe('IamAuthorizer', () => {
  const date = new Date(T0);

  it('accepts what the Amplify signer makes for connect, subscribe and publish, with AppSync IAM identity', () => {
    const auth = iam();
    for (const body of ['{}', JSON.stringify({ channel: '/default/a' }), JSON.stringify({ channel: '/default/a', events: ['{"x":1}', '"<b>"'] })]) {
      const grant = auth.authorize(asRequest(signRealtime(HOST, body, KEY, { date }), body));
      assert.equal(grant.mode, 'AWS_IAM');
      assert.deepEqual(grant.identity, {
        accountId: '123456789012', cognitoIdentityPoolId: null, cognitoIdentityId: null, sourceIp: ['10.1.2.3'], username: 'ci-bot',
        userArn: 'arn:aws:iam::123456789012:user/ci-bot', cognitoIdentityAuthType: null, cognitoIdentityAuthProvider: null,
      });
    }
  });

  it('presents only for an AWS4-HMAC-SHA256 authorization', () => {
    assert.equal(iam().presents(asRequest(signRealtime(HOST, '{}', KEY, { date }), '{}')), true);
    assert.equal(iam().presents(asRequest({ authorization: 'some-lambda-token' }, '{}')), false);
    assert.equal(iam().presents(asRequest({ 'x-api-key': 'da2-key' }, '{}')), false);
  });

  it('denies a signature over another body (a subscribe signature replayed for another channel)', () => {
    const headers = signRealtime(HOST, JSON.stringify({ channel: '/default/a' }), KEY, { date });
    assert.throws(() => iam().authorize(asRequest(headers, JSON.stringify({ channel: '/default/b' }))), mismatch);
  });

  it('denies a wrong secret, an unknown key, a changed signed header, and a tampered signature', () => {
    assert.throws(() => iam().authorize(asRequest(signRealtime(HOST, '{}', { ...KEY, secretAccessKey: 'wrong-secret-wrong-secret-wrong' }, { date }), '{}')), mismatch);
    assert.throws(() => iam().authorize(asRequest(signRealtime(HOST, '{}', { ...KEY, accessKeyId: 'AKIDUNKNOWN' }, { date }), '{}')), denied(/not known/));
    assert.throws(() => iam().authorize(asRequest({ ...signRealtime(HOST, '{}', KEY, { date }), host: 'localhost:8443' }, '{}')), mismatch);
    assert.throws(() => iam().authorize(asRequest({ ...signRealtime(HOST, '{}', KEY, { date }), 'content-type': 'text/plain' }, '{}')), mismatch);
    const headers = signRealtime(HOST, '{}', KEY, { date });
    const last = headers['authorization']!.slice(-1) === '0' ? '1' : '0';
    assert.throws(() => iam().authorize(asRequest({ ...headers, authorization: headers['authorization']!.slice(0, -1) + last }, '{}')), mismatch);
  });

  it('denies a signature replayed outside the x-amz-date window (either side) and accepts it inside', () => {
    const headers = signRealtime(HOST, '{}', KEY, { date });
    assert.equal(iam(T0 + 299_000).authorize(asRequest(headers, '{}')).mode, 'AWS_IAM');
    assert.throws(() => iam(T0 + 301_000).authorize(asRequest(headers, '{}')), denied(/outside the allowed window/));
    assert.throws(() => iam(T0 - 301_000).authorize(asRequest(headers, '{}')), denied(/outside the allowed window/));
  });

  it('denies another service, a region other than the configured one, and a signature without host', () => {
    assert.throws(() => iam(T0, 'eu-west-1').authorize(asRequest(signRealtime(HOST, '{}', KEY, { date }), '{}')), denied(/region "us-east-1"/));
    const headers = signRealtime(HOST, '{}', KEY, { date });
    assert.throws(() => iam().authorize(asRequest({ ...headers, authorization: headers['authorization']!.replace('/appsync/', '/s3/') }, '{}')), denied(/service "s3"/));
    const noHost = { ...headers, authorization: headers['authorization']!.replace('host;', '') };
    assert.throws(() => iam().authorize(asRequest(noHost, '{}')), denied(/host header must be signed/));
  });

  it('requires the configured session token (signed or added after signing), and refuses a token for keys without one', () => {
    assert.equal(iam().authorize(asRequest(signRealtime(HOST, '{}', TEMP, { date }), '{}')).mode, 'AWS_IAM');
    assert.throws(() => iam().authorize(asRequest(signRealtime(HOST, '{}', { ...TEMP, sessionToken: 'forged' }, { date }), '{}')), denied(/session token is not valid/));
    const { sessionToken: _, ...noToken } = TEMP;
    assert.throws(() => iam().authorize(asRequest(signRealtime(HOST, '{}', noToken, { date }), '{}')), denied(/session token is missing/));
    const unsignedToken = { ...signRealtime(HOST, '{}', noToken, { date }), 'x-amz-security-token': TEMP.sessionToken };
    assert.equal(iam().authorize(asRequest(unsignedToken, '{}')).mode, 'AWS_IAM', 'a token added after signing (auvred/aws-appsync-events does so) is accepted');
    assert.throws(() => iam().authorize(asRequest(signRealtime(HOST, '{}', { ...KEY, sessionToken: 'x' }, { date }), '{}')), denied(/credentials that have none/));
  });
});
