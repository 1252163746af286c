/**
 * SigV4 as AWS verifies it, no stricter (issue 18 item 1) and no laxer: signatures made by the AWS
 * SDK v3 signer the way third-party clients make them, host binding (issue 10 item 9), and the
 * BadRequestException AWS answers a mismatch with (issue 18 item 4).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signWithSmithy, signedHeaderNames } from '../test-support/smithy-signer.js';
import { IamAuthorizer } from './iam.js';
import { HostList, defaultIamHosts } from './iam-hosts.js';
import type { AuthRequest } from './types.js';

const KEY = { accessKeyId: 'AKIDSWITCHBOARD03', secretAccessKey: 'test-secret-access-key-000000000000000003' };
const TEMP = { accessKeyId: 'ASIASWITCHBOARD04', secretAccessKey: 'test-secret-access-key-000000000000000004', sessionToken: 'FwoGZXIvYXdzEXAMPLE-session-token' };
const T0 = Date.UTC(2026, 2, 3, 4, 5, 6);
const date = new Date(T0);
const BODY = JSON.stringify({ channel: '/default/a', events: ['{"msg":"<b>héllo</b>"}'] });

const iam = (hosts?: string[]) => new IamAuthorizer({ accessKeys: [KEY, TEMP], now: () => T0, ...(hosts ? { hosts } : {}) });
const asRequest = (headers: Record<string, string>, body = BODY): AuthRequest => ({ operation: 'EVENT_PUBLISH', headers, signedBody: () => body });
const without = (headers: Record<string, string>, ...names: string[]) => Object.fromEntries(Object.entries(headers).filter(([k]) => !names.includes(k)));
const mismatch = { errorType: 'BadRequestException', message: /^The request signature we calculated does not match/ };

describe('IAM signatures from the AWS SDK v3 signer', () => {
  it('accepts content-length signed but absent from the header object, using the body\'s byte length', async () => {
    const headers = await signWithSmithy('localhost', BODY, KEY, { date });
    assert.ok(signedHeaderNames(headers).includes('content-length'));
    assert.equal(iam().authorize(asRequest(without(headers, 'content-length'))).mode, 'AWS_IAM');
    assert.equal(iam().authorize(asRequest(headers)).mode, 'AWS_IAM', 'and present, of course');
    assert.throws(() => iam().authorize(asRequest(without(headers, 'content-length'), BODY + ' ')), mismatch, 'a body one byte longer');
    assert.throws(() => iam().authorize(asRequest({ ...headers, 'content-length': '3' })), mismatch, 'a content-length other than the one signed');
  });

  it('accepts x-amz-date left out of SignedHeaders (it is still in the string to sign), and the date header in its place', async () => {
    const headers = await signWithSmithy('localhost', BODY, KEY, { date, unsigned: ['x-amz-date'] });
    assert.ok(!signedHeaderNames(headers).includes('x-amz-date'));
    assert.equal(iam().authorize(asRequest(headers)).mode, 'AWS_IAM');
    const withDateHeader = { ...without(headers, 'x-amz-date'), date: date.toUTCString() };
    assert.equal(iam().authorize(asRequest(withDateHeader)).mode, 'AWS_IAM');
    assert.throws(() => iam().authorize(asRequest({ ...headers, 'x-amz-date': '20260303T040507Z' })), mismatch, 'another second: another string to sign');
    assert.throws(() => iam().authorize(asRequest(without(headers, 'x-amz-date'))), { errorType: 'UnauthorizedException', message: /x-amz-date is missing/ });
  });

  it('keeps the replay window on an unsigned x-amz-date', async () => {
    const headers = await signWithSmithy('localhost', BODY, KEY, { date: new Date(T0 - 301_000), unsigned: ['x-amz-date'] });
    assert.throws(() => iam().authorize(asRequest(headers)), { errorType: 'UnauthorizedException', message: /outside the allowed window/ });
  });

  it('accepts temporary credentials with the token signed', async () => {
    const headers = await signWithSmithy('localhost', BODY, TEMP, { date });
    assert.ok(signedHeaderNames(headers).includes('x-amz-security-token'));
    assert.equal(iam().authorize(asRequest(headers)).mode, 'AWS_IAM');
  });
});

describe('IAM host binding (auth.iam.hosts)', () => {
  it('refuses a signature made for another host, and accepts the configured names on any port or the one listed', async () => {
    const evil = await signWithSmithy('api-id.appsync-api.us-east-1.amazonaws.com', BODY, KEY, { date });
    assert.throws(() => iam().authorize(asRequest(evil)), { errorType: 'UnauthorizedException', message: /host "api-id\.appsync-api\.us-east-1\.amazonaws\.com", which is not one of auth\.iam\.hosts \(localhost, 127\.0\.0\.1, ::1\)/ });
    const configured = iam(['events.example.com', 'ws.example.com:8443']);
    for (const host of ['events.example.com', 'EVENTS.example.com:443', 'ws.example.com:8443']) {
      assert.equal(configured.authorize(asRequest(await signWithSmithy(host, BODY, KEY, { date }))).mode, 'AWS_IAM', host);
    }
    for (const host of ['localhost', 'ws.example.com', 'ws.example.com:9000', 'events.example.com.evil.net']) {
      const headers = await signWithSmithy(host, BODY, KEY, { date });
      assert.throws(() => configured.authorize(asRequest(headers)), { message: /not one of auth\.iam\.hosts/ }, host);
    }
  });

  it('matches ports and IPv6 literals as clients write them', () => {
    const list = new HostList(['localhost', '::1', '[fd00::1]:8080']);
    for (const ok of ['localhost', 'localhost:8080', 'LOCALHOST.', '[::1]:8080', '::1', '[fd00::1]:8080']) assert.ok(list.matches(ok), ok);
    for (const bad of ['[fd00::1]', '[fd00::1]:80', 'localhost.example', '127.0.0.1', '']) assert.ok(!list.matches(bad), bad);
  });

  it('defaults to the loopback names, plus server.host when it is a specific address', () => {
    assert.deepEqual(defaultIamHosts('0.0.0.0'), ['localhost', '127.0.0.1', '::1']);
    assert.deepEqual(defaultIamHosts('::'), ['localhost', '127.0.0.1', '::1']);
    assert.deepEqual(defaultIamHosts('10.0.0.5'), ['localhost', '127.0.0.1', '::1', '10.0.0.5']);
  });
});

describe('a signature mismatch', () => {
  it('is BadRequestException with the canonical request and string to sign the server computed, without key material', async () => {
    const headers = await signWithSmithy('localhost', BODY, TEMP, { date });
    const other = JSON.stringify({ channel: '/default/a', events: ['{}'] });
    let error: unknown;
    try {
      iam().authorize(asRequest(without(headers, 'content-length'), other));
    } catch (err) {
      error = err;
    }
    const { errorType, message, errorCode } = (error as { toWire(): { errorType: string; message: string; errorCode: number } }).toWire();
    assert.equal(errorType, 'BadRequestException');
    assert.equal(errorCode, 400);
    const canonical = /The Canonical String for this request should have been\n'([^']*)'/.exec(message)?.[1];
    assert.ok(canonical, message);
    const lines = canonical.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['POST', '/event', '']);
    assert.ok(lines.includes('host:localhost'), canonical);
    assert.ok(lines.includes(`content-length:${Buffer.byteLength(other)}`), 'the length of the body the server rebuilt');
    assert.ok(lines.includes('x-amz-security-token:<redacted>'), canonical);
    assert.match(message, /The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20260303T040506Z\n20260303\/us-east-1\/appsync\/aws4_request\n[0-9a-f]{64}'/);
    for (const secret of [TEMP.secretAccessKey, TEMP.sessionToken, headers['authorization']!.slice(-64)]) {
      assert.ok(!message.includes(secret), 'no secret, token or signature in the message');
    }
  });
});
