/**
 * Every AppSync auth mode against a real Switchboard: Cognito, OIDC and Lambda tokens through a
 * token provider (with the refresh it needs when a token expires or is refused), and IAM through
 * the `@smithy/signature-v4` adapter. The server's fixture runs the JWT issuers (JWKS on
 * loopback), the Lambda authorizer and the IAM key; the `echo` namespace's handler puts the
 * identity it was given into each event, so the test sees whom the server authorized.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { ServerError, iam, smithySigner, token, type Auth, type EventsClient } from '../index.js';
import { recorder, testClient } from '../test-support/client.js';
import { AuthFixture, IAM_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { waitFor } from '../test-support/wait.js';

interface Echoed {
  payload: unknown;
  identity: Record<string, unknown>;
}

/** A token provider that hands out `tokens` in turn (the last one forever) and records each call. */
function provider(...tokens: (string | (() => Promise<string>))[]): { auth: Auth; calls: boolean[] } {
  const calls: boolean[] = [];
  const auth = token(async ({ forceRefresh }) => {
    calls.push(forceRefresh);
    const next = tokens[Math.min(calls.length, tokens.length) - 1]!;
    return typeof next === 'string' ? next : next();
  });
  return { auth, calls };
}

describe('auth modes against Switchboard', () => {
  let fx: AuthFixture;
  let server: TestServer;
  const clients: EventsClient[] = [];
  const client = (auth: Auth): ReturnType<typeof testClient> => {
    const c = testClient(server.httpUrl, { auth });
    clients.push(c);
    return c;
  };

  before(async () => {
    fx = await AuthFixture.create();
    server = await startTestServer(fx.config);
  });

  after(async () => {
    for (const c of clients) c.close();
    await server.close();
    await fx.close();
  });

  /** Subscribes, publishes over WebSocket and HTTP on `channel`, and returns what arrived. */
  async function roundTrip(c: EventsClient, channel: string): Promise<unknown[]> {
    const got = recorder();
    const sub = c.subscribe(channel, got.onEvent);
    await sub.ready;
    assert.deepEqual((await c.publish(channel, [{ via: 'ws' }])).failed, []);
    assert.deepEqual((await c.post(channel, [{ via: 'http' }])).failed, []);
    await waitFor(() => got.events.length === 2, `two events on ${channel}`);
    sub.unsubscribe();
    return got.events;
  }

  it('Cognito user pools: the access token from the provider authorizes connect, subscribe, publish and post', async () => {
    const { auth } = provider(await fx.cognitoToken());
    const events = (await roundTrip(client(auth), '/echo/cognito')) as Echoed[];
    assert.deepEqual(events.map((e) => e.payload), [{ via: 'ws' }, { via: 'http' }]);
    for (const e of events) assert.equal(e.identity['username'], 'alice');
  });

  it('OIDC: a namespace that accepts only OIDC tokens', async () => {
    const { auth } = provider(await fx.oidcToken());
    assert.deepEqual(await roundTrip(client(auth), '/oidconly/room'), [{ via: 'ws' }, { via: 'http' }]);
  });

  it('Lambda: an opaque token the authorizer allows; the handler sees its handlerContext', async () => {
    const { auth } = provider('allow-bob');
    const events = (await roundTrip(client(auth), '/echo/lambda')) as Echoed[];
    for (const e of events) assert.equal((e.identity['handlerContext'] as { who: string }).who, 'bob');
    assert.deepEqual(await roundTrip(client(auth), '/lambdaonly/room'), [{ via: 'ws' }, { via: 'http' }]);
  });

  it('IAM: @smithy/signature-v4 through smithySigner signs connect, each message and the HTTP post', async () => {
    const auth = iam(smithySigner(new SignatureV4({ credentials: IAM_KEY, region: 'us-east-1', service: 'appsync', sha256: Sha256 })));
    const events = (await roundTrip(client(auth), '/echo/iam')) as Echoed[];
    assert.deepEqual(events.map((e) => e.payload), [{ via: 'ws' }, { via: 'http' }]);
    for (const e of events) assert.equal(e.identity['username'], 'e2e-user');
  });

  it('IAM with a wrong secret: refused at connect as AWS refuses it (BadRequestException with the canonical string), the client closes with the error', async () => {
    const wrong = { ...IAM_KEY, secretAccessKey: 'not-the-secret-0000000000000000000000000' };
    const c = client(iam(smithySigner(new SignatureV4({ credentials: wrong, region: 'us-east-1', service: 'appsync', sha256: Sha256 }))));
    await assert.rejects(c.connect(), (e: ServerError) => e.errorType === 'BadRequestException' && /signature we calculated does not match/.test(e.message));
    assert.equal(c.state, 'closed');
  });

  it('an expired token refused at connect: the provider is asked again (forceRefresh) and the client connects', async () => {
    const { auth, calls } = provider(await fx.cognitoToken({}, -60), await fx.cognitoToken());
    const c = client(auth);
    await c.connect();
    assert.deepEqual(calls, [false, true]);
    assert.deepEqual(await roundTrip(c, '/default/refreshed'), [{ via: 'ws' }, { via: 'http' }]);
  });

  it('a token that expires while connected is replaced before its next use, without a refusal', async () => {
    // Valid for 7 s on the server; the client treats it as expired 5 s before its exp.
    const { auth, calls } = provider(() => fx.cognitoToken({}, 7));
    const c = client(auth);
    await c.connect();
    assert.deepEqual(calls, [false]);
    await new Promise((r) => setTimeout(r, 2100));
    const sub = c.subscribe('/default/proactive', () => undefined);
    await sub.ready;
    assert.deepEqual(calls, [false, true]);
  });

  it('a token refused when the client reconnects is refreshed, and the client reconnects and resubscribes', async () => {
    // OIDC tokens accepted for 2.5 s after their iat (a whole second, rounded down); the server closes connections after 3.5 s.
    const auth0 = fx.config.auth!;
    const strict = await startTestServer({ ...fx.config, auth: { ...auth0, oidc: { ...auth0.oidc!, iatTTL: 2500 } }, limits: { connectionAgeMs: 3500 } });
    try {
      const { auth, calls } = provider(() => fx.oidcToken());
      const c = testClient(strict.httpUrl, { auth });
      clients.push(c);
      const got = recorder();
      const sub = c.subscribe('/oidconly/again', got.onEvent);
      await sub.ready;
      await waitFor(() => calls.length === 2 && c.state === 'connected' && sub.state === 'active', 'the refreshed reconnect', 15_000);
      assert.deepEqual(calls, [false, true]);
      assert.ok(c.states.includes('reconnecting'));
      await c.publish('/oidconly/again', ['after']);
      await waitFor(() => got.events.length === 1, 'delivery after the refresh');
    } finally {
      await strict.close();
    }
  });

  it('a token refused for one operation is refreshed and the operation retried once (per-operation auth)', async () => {
    const c = client(provider(await fx.cognitoToken()).auth);
    const sub = provider('deny-1', 'allow-carol');
    const got = recorder();
    const s = c.subscribe('/lambdaonly/retry', got.onEvent, { auth: sub.auth });
    await s.ready;
    assert.deepEqual(sub.calls, [false, true]);
    const pub = provider('deny-2', 'allow-dave');
    assert.deepEqual((await c.publish('/lambdaonly/retry', ['ws'], { auth: pub.auth })).failed, []);
    assert.deepEqual(pub.calls, [false, true]);
    const post = provider('deny-3', 'allow-erin');
    assert.deepEqual((await c.post('/lambdaonly/retry', ['http'], { auth: post.auth })).failed, []);
    assert.deepEqual(post.calls, [false, true]);
    await waitFor(() => got.events.length === 2, 'both events');
  });

  it('a token refused again after the refresh fails the operation with the server error', async () => {
    const c = client(provider(await fx.cognitoToken()).auth);
    const denied = provider('deny-a', 'deny-b');
    await assert.rejects(c.publish('/lambdaonly/x', [1], { auth: denied.auth }), (e: ServerError) => e.errorType === 'UnauthorizedException');
    assert.deepEqual(denied.calls, [false, true]);
    const s = c.subscribe('/lambdaonly/x', () => undefined, { auth: provider('deny-c').auth });
    s.on('error', () => undefined);
    await assert.rejects(s.ready, (e: ServerError) => e.status === 401);
  });
});
