/**
 * Connection lifetime as AppSync has it (issue 10 item 9, issue 18 item 5): a connection that has
 * no subscription and sends nothing is closed with 1000 after `limits.idleConnectionMs`, and a
 * connection is closed with 1000 when the credential it connected with expires.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestJwtIssuer } from '../test-support/jwt-issuer.js';
import { TEST_KEY, startTestServer } from '../test-support/server.js';
import { TestClient, headerProtocol } from '../test-support/ws-client.js';

const metric = async (httpUrl: string, series: string): Promise<number> => {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
};

describe('idle connections', () => {
  it('closes a connection that never subscribes with 1000 after limits.idleConnectionMs, and counts it', async (t) => {
    const server = await startTestServer({ limits: { idleConnectionMs: 300 } });
    t.after(() => server.close());
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    const opened = Date.now();
    client.send({ type: 'connection_init' });
    await client.next((f) => f.type === 'connection_ack');
    const closed = await client.closed;
    const elapsed = Date.now() - opened;
    assert.equal(closed.code, 1000);
    assert.match(closed.reason, /idle/);
    assert.ok(elapsed >= 300 && elapsed < 3000, `closed after ${elapsed} ms`);
    assert.equal(await metric(server.httpUrl, 'switchboard_disconnects_total{reason="idle"}'), 1);
  });

  it('keeps a connection while it has a subscription, and closes it once the last one is gone and it is idle again', async (t) => {
    const server = await startTestServer({ limits: { idleConnectionMs: 300 } });
    t.after(() => server.close());
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    assert.equal((await client.subscribe('s', '/default/a', TEST_KEY)).type, 'subscribe_success');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(client.ws.readyState, client.ws.OPEN, 'subscribed: not idle');
    client.send({ type: 'unsubscribe', id: 's' });
    await client.reply('s');
    const unsubscribed = Date.now();
    assert.equal((await client.closed).code, 1000);
    assert.ok(Date.now() - unsubscribed >= 300, 'the idle time counts from the last message');
  });

  it('keeps a connection that publishes without subscribing, and never closes idle ones when set to 0', async (t) => {
    const server = await startTestServer({ limits: { idleConnectionMs: 400 } });
    const never = await startTestServer({ limits: { idleConnectionMs: 0 } });
    t.after(() => Promise.all([server.close(), never.close()]));
    const publisher = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    const quiet = await TestClient.connect(never.realtimeUrl, { apiKey: TEST_KEY });
    for (let i = 0; i < 6; i++) {
      await publisher.publish(`p${i}`, '/default/a', [i], TEST_KEY);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(publisher.ws.readyState, publisher.ws.OPEN);
    assert.equal(quiet.ws.readyState, quiet.ws.OPEN);
    await Promise.all([publisher.close(), quiet.close()]);
  });
});

describe('credential expiry', () => {
  let idp: TestJwtIssuer;
  before(async () => {
    idp = await TestJwtIssuer.start();
  });
  after(() => idp.close());

  const oidcServer = (closeConnectionsOnExpiry: boolean) =>
    startTestServer({ auth: { oidc: { issuer: idp.issuer, jwksUri: idp.jwksUri, clockSkewSec: 0 }, closeConnectionsOnExpiry } });

  it('closes a connection with 1000 when the JWT it connected with expires, subscriptions or not', async (t) => {
    const server = await oidcServer(true);
    t.after(() => server.close());
    const token = await idp.token({ sub: 'u' }, { expiresIn: 2 });
    const exp = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1000;
    const client = await TestClient.connect(server.realtimeUrl, { protocols: ['aws-appsync-event-ws', headerProtocol({ host: 'localhost', authorization: token })] });
    client.send({ type: 'subscribe', id: 's', channel: '/default/a', authorization: { authorization: token } });
    assert.equal((await client.reply('s')).type, 'subscribe_success');
    const closed = await client.closed;
    assert.equal(closed.code, 1000);
    assert.match(closed.reason, /expired/);
    assert.ok(Date.now() >= exp && Date.now() < exp + 2000, `closed ${Date.now() - exp} ms after exp`);
    assert.equal(await metric(server.httpUrl, 'switchboard_disconnects_total{reason="token_expired"}'), 1);
  });

  it('closes a connection when its API key expires', async (t) => {
    const expires = Math.floor(Date.now() / 1000) + 2;
    const server = await startTestServer({ auth: { apiKeys: [{ key: TEST_KEY, expires }] } });
    t.after(() => server.close());
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    assert.equal((await client.subscribe('s', '/default/a', TEST_KEY)).type, 'subscribe_success');
    assert.equal((await client.closed).code, 1000);
    assert.ok(Date.now() >= expires * 1000, 'not before the key expired');
  });

  it('keeps the connection when auth.closeConnectionsOnExpiry is false (its operations are still refused)', async (t) => {
    const server = await oidcServer(false);
    t.after(() => server.close());
    const token = await idp.token({ sub: 'u' }, { expiresIn: 2 });
    const client = await TestClient.connect(server.realtimeUrl, { protocols: ['aws-appsync-event-ws', headerProtocol({ host: 'localhost', authorization: token })] });
    client.send({ type: 'subscribe', id: 's', channel: '/default/a' });
    assert.equal((await client.reply('s')).type, 'subscribe_success');
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal(client.ws.readyState, client.ws.OPEN);
    client.send({ type: 'subscribe', id: 't', channel: '/default/b' });
    assert.equal((await client.reply('t')).type, 'subscribe_error', 'the expired token is refused per operation');
    await client.close();
  });
});
