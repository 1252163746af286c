/**
 * Every auth mode through a real server: WebSocket connect, subscribe and publish, HTTP publish,
 * the identity a handler sees, and the attacks of issue 5, each denied with the documented error
 * and nothing delivered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthFixture, IAM_ACCOUNT, IAM_KEY } from '../test-support/auth-fixture.js';
import { tamperedToken, unsignedToken } from '../test-support/jwt-issuer.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { signRealtime } from '../test-support/sigv4-client.js';
import { TestClient, headerProtocol, settle, type Frame } from '../test-support/ws-client.js';

type Auth = Record<string, string>;
const HOST = 'sb.test';
const bearer = (token: string): Auth => ({ host: HOST, Authorization: token });
const iamAuth = (body: string, date?: Date): Auth => signRealtime(HOST, body, IAM_KEY, date ? { date } : {});
const errorOf = (f: Frame) => (f['errors'] as { errorType: string; errorCode: number; message: string }[])[0]!;

describe('auth modes through the server (WebSocket and HTTP)', () => {
  let fx: AuthFixture;
  let server: TestServer;
  let observer: TestClient;
  let seq = 0;
  const open: TestClient[] = [];

  const connect = async (auth: Auth): Promise<TestClient> => {
    const client = await TestClient.connect(server.realtimeUrl, { protocols: ['aws-appsync-event-ws', headerProtocol(auth)] });
    open.push(client);
    return client;
  };
  const publish = (client: TestClient, channel: string, events: unknown[], auth: (body: string) => Auth): Promise<Frame> => {
    const id = `p${++seq}`;
    const strings = events.map((e) => JSON.stringify(e));
    client.send({ type: 'publish', id, channel, events: strings, authorization: auth(JSON.stringify({ channel, events: strings })) });
    return client.reply(id);
  };
  const subscribe = (client: TestClient, channel: string, auth: (body: string) => Auth): Promise<Frame> => {
    const id = `s${++seq}`;
    client.send({ type: 'subscribe', id, channel, authorization: auth(JSON.stringify({ channel })) });
    return client.reply(id);
  };
  const httpPost = async (headers: Record<string, string>, body: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${server.httpUrl}/event`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(3000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    fx = await AuthFixture.create();
    server = await startTestServer(fx.config);
    observer = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    for (const ns of ['default', 'echo']) assert.equal((await observer.subscribe(`obs-${ns}`, `/${ns}/*`, TEST_KEY)).type, 'subscribe_success');
    const oidcSub = await subscribe(observer, '/oidconly/*', () => bearer(''));
    assert.equal(oidcSub.type, 'subscribe_error', 'API key is not an allowed mode there');
  });
  after(async () => {
    await Promise.all([observer?.close(), ...open.map((c) => c.close())]);
    await server?.close();
    await fx?.close();
  });

  it('hands each mode its AppSync identity: Cognito, OIDC, Lambda, IAM', async () => {
    const cognito = await fx.cognitoToken();
    const oidc = await fx.oidcToken({ email: 'o@example.com' });
    const cases: [string, (body: string) => Auth, (identity: Record<string, unknown>) => void][] = [
      ['cognito', () => bearer(cognito), (id) => {
        assert.deepEqual(Object.keys(id).sort(), ['claims', 'defaultAuthStrategy', 'groups', 'issuer', 'sourceIp', 'sub', 'username']);
        assert.deepEqual([id['sub'], id['username'], id['groups'], id['defaultAuthStrategy']], ['cognito-sub', 'alice', ['team'], 'ALLOW']);
        assert.match(String((id['sourceIp'] as string[])[0]), /127\.0\.0\.1/);
      }],
      ['oidc', () => bearer(oidc), (id) => {
        assert.deepEqual(Object.keys(id).sort(), ['claims', 'issuer', 'sub']);
        assert.deepEqual([id['sub'], id['issuer'], (id['claims'] as Record<string, unknown>)['email']], ['oidc-sub', fx.oidc.issuer, 'o@example.com']);
      }],
      ['lambda', () => bearer('allow-lambda-user'), (id) => assert.deepEqual(id, { handlerContext: { who: 'lambda-user', operation: 'EVENT_PUBLISH' } })],
      ['iam', (body) => iamAuth(body), (id) => {
        assert.equal(id['accountId'], IAM_ACCOUNT);
        assert.equal(id['username'], 'e2e-user');
        assert.equal(id['userArn'], `arn:aws:iam::${IAM_ACCOUNT}:user/e2e-user`);
        assert.deepEqual(Object.keys(id).sort(), ['accountId', 'cognitoIdentityAuthProvider', 'cognitoIdentityAuthType', 'cognitoIdentityId', 'cognitoIdentityPoolId', 'sourceIp', 'userArn', 'username']);
      }],
    ];
    for (const [name, auth, check] of cases) {
      const client = await connect(auth('{}'));
      client.send({ type: 'connection_init' });
      assert.equal((await client.next((f) => f.type === 'connection_ack' || f.type === 'connection_error')).type, 'connection_ack', `${name} connect`);
      const before = observer.data('obs-echo').length;
      const reply = await publish(client, `/echo/${name}`, [{ mode: name }], auth);
      assert.equal(reply.type, 'publish_success', `${name}: ${JSON.stringify(reply)}`);
      await observer.next(() => observer.data('obs-echo').length > before);
      const delivered = observer.data('obs-echo').at(-1) as { payload: unknown; identity: Record<string, unknown> };
      assert.deepEqual(delivered.payload, { mode: name });
      check(delivered.identity);
    }
  });

  it('authorizes subscribe per message in each mode', async () => {
    const cognito = await fx.cognitoToken();
    const client = await connect(bearer(cognito));
    for (const auth of [() => bearer(cognito), () => bearer(`allow-sub`), (body: string) => iamAuth(body)]) {
      assert.equal((await subscribe(client, `/default/sub${seq}`, auth)).type, 'subscribe_success');
    }
  });

  it('refuses connections with an expired, not-yet-valid, wrong-audience, alg-none, tampered, unknown-kid, or unknown-issuer token', async () => {
    await fx.oidc.addKey('never-published', false);
    const valid = await fx.oidcToken();
    const tokens = [
      await fx.oidcToken({}, -60),
      await fx.oidc.token({ aud: 'switchboard-test' }, { notBefore: 300 }),
      await fx.oidcToken({ aud: 'another-client' }),
      unsignedToken(valid),
      tamperedToken(valid, { sub: 'admin' }),
      await fx.oidc.token({ aud: 'switchboard-test' }, { kid: 'never-published' }),
      // An unknown issuer is no JWT mode's: it goes to the Lambda authorizer, which denies it.
      await fx.oidc.token({ aud: 'switchboard-test' }, { issuer: 'https://evil.example.com' }),
      // A Cognito token relabelled with the OIDC issuer: routed to OIDC, whose keys refuse it.
      tamperedToken(await fx.cognitoToken(), { iss: fx.oidc.issuer }),
    ];
    for (const token of tokens) {
      const client = await connect(bearer(token));
      const frame = await client.next((f) => f.type === 'connection_error');
      assert.deepEqual([errorOf(frame).errorType, errorOf(frame).errorCode], ['UnauthorizedException', 401]);
      assert.equal((await client.closed).code, 1000);
    }
  });

  it('denies a token valid for another namespace mode, a replayed IAM signature, and a failing Lambda authorizer; nothing is delivered', async () => {
    const client = await connect(bearer('allow-conn'));
    const cognito = await fx.cognitoToken();
    const delivered = observer.data('obs-default').length;
    const old = new Date(Date.now() - 10 * 60_000);
    const unauthorized = ['UnauthorizedException', 401] as const;
    // A credential of a configured mode the namespace does not allow: 403, as AWS refuses an API key on an IAM-only namespace.
    const forbidden = ['UnauthorizedException', 403] as const;
    // A signature over another body is a mismatch, which AWS answers with BadRequestException.
    const mismatch = ['BadRequestException', 400] as const;
    const attacks: [string, Promise<Frame>, readonly [string, number]][] = [
      ['cognito token on an OIDC-only namespace (subscribe)', subscribe(client, '/oidconly/x', () => bearer(cognito)), forbidden],
      ['OIDC token on a Lambda-only namespace (publish)', fx.oidcToken().then((t) => publish(client, '/lambdaonly/x', [1], () => bearer(t))), forbidden],
      ['IAM signature 10 minutes old', publish(client, '/default/x', [1], (body) => iamAuth(body, old)), unauthorized],
      ['IAM subscribe signature replayed for a publish', publish(client, '/default/x', [1], () => iamAuth(JSON.stringify({ channel: '/default/x' }))), mismatch],
      ['IAM signature over other events', publish(client, '/default/x', [1], () => iamAuth(JSON.stringify({ channel: '/default/x', events: ['2'] }))), mismatch],
      ['IAM signature for another host', publish(client, '/default/x', [1], (body) => signRealtime('other.example.com', body, IAM_KEY)), unauthorized],
      ['Lambda authorizer throws', publish(client, '/default/x', [1], () => bearer('throws')), unauthorized],
      ['Lambda authorizer times out', publish(client, '/default/x', [1], () => bearer('hangs')), unauthorized],
      ['Lambda authorizer denies', publish(client, '/default/x', [1], () => bearer('nope')), unauthorized],
      ['expired Cognito token', fx.cognitoToken({}, -30).then((t) => publish(client, '/default/x', [1], () => bearer(t))), unauthorized],
    ];
    for (const [what, pending, [errorType, errorCode]] of attacks) {
      const frame = await pending;
      assert.match(frame.type, /_error$/, what);
      assert.equal(errorOf(frame).errorType, errorType, what);
      assert.equal(errorOf(frame).errorCode, errorCode, what);
    }
    await settle(150);
    assert.equal(observer.data('obs-default').length, delivered, 'nothing delivered');
  });

  it('authorizes HTTP publish in each mode and answers 401 UnauthorizedException (400 for a signature mismatch) to attacks', async () => {
    const body = JSON.stringify({ channel: '/default/http', events: ['{"n":1}'] });
    const host = new URL(server.httpUrl).host;
    const signed = signRealtime(host, body, IAM_KEY);
    const ok = [{ authorization: await fx.cognitoToken() }, { authorization: `Bearer ${await fx.oidcToken()}` }, { authorization: 'allow-http' }, signed];
    for (const headers of ok) assert.equal((await httpPost(headers, body)).status, 200, JSON.stringify(headers));
    const delivered = observer.data('obs-default').length;
    const bad: [Record<string, string>, number, string][] = [
      [{ authorization: await fx.oidcToken({}, -60) }, 401, 'UnauthorizedException'],
      [{ authorization: 'throws' }, 401, 'UnauthorizedException'],
      [signRealtime(host, body.replace('1', '2'), IAM_KEY), 400, 'BadRequestException'],
      [{}, 401, 'UnauthorizedException'],
    ];
    for (const [headers, status, errorType] of bad) {
      const res = await httpPost(headers, body);
      assert.equal(res.status, status, JSON.stringify(headers));
      assert.equal((res.body['errors'] as { errorType: string }[])[0]!.errorType, errorType);
    }
    await settle(150);
    assert.equal(observer.data('obs-default').length, delivered, 'nothing delivered');
  });
});
