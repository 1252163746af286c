import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NamespaceRegistry } from '../namespaces/registry.js';
import { ConfigError, parseConfig } from './load.js';
import { configuredModes } from './schema.js';

const IAM = { accessKeys: [{ accessKeyId: 'AKIDEXAMPLE01', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }] };
const parse = (auth: unknown, namespaces: unknown[] = [{ name: 'default' }]) => parseConfig({ auth, namespaces }, 'test.yaml');

describe('auth configuration', () => {
  it("lists every configured mode in AppSync's order and uses them all by default", () => {
    const config = parse({
      iam: IAM,
      lambda: { url: 'http://127.0.0.1:9000/auth' },
      oidc: { issuer: 'https://idp.example.com' },
      cognito: { userPoolId: 'us-east-1_AbC123', region: 'us-east-1' },
      apiKeys: [{ key: 'da2-0123456789abcdef' }],
    });
    const all = ['API_KEY', 'AMAZON_COGNITO_USER_POOLS', 'OPENID_CONNECT', 'AWS_LAMBDA', 'AWS_IAM'];
    assert.deepEqual(configuredModes(config.auth), all);
    assert.deepEqual(new NamespaceRegistry(config).get('default').publishModes, all);
    assert.deepEqual(config.auth.oidc?.algorithms, ['RS256']);
    assert.equal(config.auth.iam?.maxSkewSeconds, 300);
    assert.equal(config.auth.iam?.hosts, undefined, 'unset: loopback names and server.host');
    assert.equal(config.auth.oidc?.requireExp, true);
    assert.equal(config.auth.closeConnectionsOnExpiry, true);
    assert.equal(config.auth.lambda?.resultTtlSeconds, 0);
  });

  it('takes auth.iam.hosts as names with optional ports, and refuses URLs', () => {
    assert.deepEqual(parse({ iam: { ...IAM, hosts: ['events.example.com', 'ws.example.com:8443', '[::1]:8080'] } }).auth.iam?.hosts, ['events.example.com', 'ws.example.com:8443', '[::1]:8080']);
    assert.throws(() => parse({ iam: { ...IAM, hosts: ['https://events.example.com/'] } }), /auth\.iam\.hosts\[0\]: must be a host name/);
    assert.throws(() => parse({ iam: { ...IAM, hosts: [] } }), /auth\.iam\.hosts/);
  });

  it('accepts a configuration with no API key, one provider only', () => {
    assert.deepEqual(configuredModes(parse({ iam: IAM }).auth), ['AWS_IAM']);
  });

  it('rejects bad provider settings with a message naming the option', () => {
    const cases: [unknown, RegExp][] = [
      [{ oidc: { issuer: 'idp.example.com' } }, /auth\.oidc\.issuer: /],
      [{ oidc: { issuer: 'https://idp.example.com', algorithms: ['none'] } }, /auth\.oidc\.algorithms\[0\]/],
      [{ oidc: { issuer: 'https://idp.example.com', algorithms: ['HS256'] } }, /auth\.oidc\.algorithms\[0\]/],
      [{ cognito: { userPoolId: 'pool', region: 'us-east-1' } }, /auth\.cognito\.userPoolId: must look like/],
      [{ cognito: { userPoolId: 'us-east-1_A1', region: 'us-east-1', appIdClientRegex: '(' } }, /auth\.cognito\.appIdClientRegex: must be a valid/],
      [{ lambda: { timeoutMs: 100 } }, /auth\.lambda: set exactly one of function/],
      [{ lambda: { url: 'http://x.test/a', resultTtlSeconds: 7200 } }, /auth\.lambda\.resultTtlSeconds/],
      [{ iam: { accessKeys: [{ accessKeyId: 'AKIDEXAMPLE01', secretAccessKey: 'short' }] } }, /auth\.iam\.accessKeys\[0\]\.secretAccessKey: must be at least 16/],
      [{ iam: { accessKeys: [IAM.accessKeys[0], IAM.accessKeys[0]] } }, /auth\.iam\.accessKeys\[1\]\.accessKeyId: duplicate/],
      [{ iam: IAM, publishModes: ['OPENID_CONNECT'] }, /auth\.publishModes\[0\]: auth mode OPENID_CONNECT has no provider/],
      [{}, /configure at least one auth provider/],
    ];
    for (const [auth, message] of cases) assert.throws(() => parse(auth), (err: unknown) => err instanceof ConfigError && message.test(err.message), JSON.stringify(auth));
  });

  it('never puts a secret in a validation message', () => {
    const secret = 'super-secret-value-123456';
    assert.throws(() => parse({ iam: { accessKeys: [{ accessKeyId: 'bad id!', secretAccessKey: secret }] } }), (err: unknown) => err instanceof ConfigError && !err.message.includes(secret));
  });

  it('resolves and checks the Lambda authorizer module path like handler files', () => {
    assert.throws(() => parse({ lambda: { function: './missing-authorizer.mjs' } }), /auth\.lambda\.function: file not found/);
  });
});
