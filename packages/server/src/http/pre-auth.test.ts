import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TestJwtIssuer } from '../test-support/jwt-issuer.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';

interface Answer {
  status: number;
  body: { errors?: { errorType: string; message: string }[]; successful?: unknown[] };
}

/**
 * Sends the headers of a `POST /event` that announces a 1 MB body and never sends it: only an
 * answer given before the body is read can arrive.
 */
function headersOnly(url: string, headers: Record<string, string>, timeoutMs = 3000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/event`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000000', ...headers } });
    const timer = setTimeout(() => (req.destroy(), reject(new Error(`no answer within ${timeoutMs} ms: the server waits for the body`))), timeoutMs);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => (clearTimeout(timer), req.destroy(), resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] })));
    });
    req.on('error', () => undefined);
    req.flushHeaders();
  });
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const res = await fetch(`${url}/event`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

describe('POST /event checks header credentials before reading the body', () => {
  let oidc: TestJwtIssuer;
  let server: TestServer;
  before(async () => {
    oidc = await TestJwtIssuer.start();
    server = await startTestServer({
      auth: { apiKeys: [{ key: TEST_KEY }], oidc: { issuer: oidc.issuer, clientId: 'edge' } },
      namespaces: [{ name: 'default', publishModes: ['API_KEY'] }, { name: 'open', publishModes: ['API_KEY', 'OPENID_CONNECT'] }],
    });
  });
  after(async () => {
    await server.close();
    await oidc.close();
  });

  it('refuses a request without credentials before its body arrives', async () => {
    const answer = await headersOnly(server.httpUrl, {});
    assert.equal(answer.status, 401);
    assert.equal(answer.body.errors?.[0]?.errorType, 'UnauthorizedException');
  });

  it('refuses an unknown API key before its body arrives', async () => {
    const answer = await headersOnly(server.httpUrl, { 'x-api-key': 'da2-notakeythisserverknows0000000' });
    assert.equal(answer.status, 401);
  });

  it('refuses an OIDC token with a bad signature or of another issuer before its body arrives', async () => {
    const token = await oidc.token({ sub: 'u', aud: 'edge' });
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    assert.equal((await headersOnly(server.httpUrl, { authorization: tampered })).status, 401);
  });

  it('still reads the body, and publishes, when a credential can be valid', async () => {
    assert.equal((await post(server.httpUrl, { 'x-api-key': TEST_KEY }, JSON.stringify({ channel: '/default/a', events: ['1'] }))).status, 200);
    const token = await oidc.token({ sub: 'u', aud: 'edge' });
    assert.equal((await post(server.httpUrl, { authorization: token }, JSON.stringify({ channel: '/open/a', events: ['1'] }))).status, 200);
    // A valid OIDC token on a namespace that allows only API keys: refused by the full check, after the body.
    const refused = await post(server.httpUrl, { authorization: token }, JSON.stringify({ channel: '/default/a', events: ['1'] }));
    assert.ok([401, 403].includes(refused.status), String(refused.status));
  });
});

describe('POST /event with modes that need the body', () => {
  it('reads the body for IAM, and refuses a bad signature before parsing it', async () => {
    const key = { accessKeyId: 'AKIDPREAUTH0000001', secretAccessKey: 'pre-auth-secret-00000000000000000000000' };
    const server = await startTestServer({ auth: { iam: { accessKeys: [key] } } });
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const answer = await post(server.httpUrl, {
      'x-amz-date': amzDate,
      authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${amzDate.slice(0, 8)}/us-east-1/appsync/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    }, '{not json at all');
    assert.ok([400, 401].includes(answer.status), String(answer.status));
    assert.doesNotMatch(answer.body.errors?.[0]?.message ?? '', /not valid JSON/);
    assert.match(answer.body.errors?.[0]?.message ?? '', /signature/);
    await server.close();
  });

  it('reads the body for a Lambda authorizer token, which is decided per channel', async () => {
    const files = new HandlerFiles('pre-auth');
    const authorizer = files.write('authorizer.mjs', 'export const handler = async (e) => ({ isAuthorized: e.authorizationToken === "let-me" && e.requestContext.channel === "/default/yes" });\n');
    const server = await startTestServer({ auth: { lambda: { function: authorizer, runtime: 'inline' } } });
    assert.equal((await post(server.httpUrl, { authorization: 'let-me' }, JSON.stringify({ channel: '/default/yes', events: ['1'] }))).status, 200);
    assert.equal((await post(server.httpUrl, { authorization: 'let-me' }, JSON.stringify({ channel: '/default/no', events: ['1'] }))).status, 401);
    assert.equal((await headersOnly(server.httpUrl, {})).status, 401, 'no credentials at all is still refused before the body');
    await server.close();
    files.remove();
  });
});
