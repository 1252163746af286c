import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, headerProtocol } from '../test-support/ws-client.js';

describe('WebSocket handshake and connection auth', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('selects the aws-appsync-event-ws subprotocol and authenticates from the header- subprotocol', async () => {
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    assert.equal(client.ws.protocol, 'aws-appsync-event-ws');
    client.send({ type: 'connection_init' });
    const ack = await client.next((f) => f.type === 'connection_ack');
    assert.deepEqual(ack, { type: 'connection_ack', connectionTimeoutMs: 300000 });
    await client.next((f) => f.type === 'ka');
    await client.close();
  });

  it('accepts credentials from the upgrade request headers (Kotlin and Swift clients)', async () => {
    const client = await TestClient.connect(server.realtimeUrl, { protocols: ['aws-appsync-event-ws'], headers: { 'x-api-key': TEST_KEY } });
    client.send({ type: 'connection_init' });
    await client.next((f) => f.type === 'connection_ack');
    // Messages without their own authorization fall back to the connection's credentials.
    client.send({ type: 'subscribe', id: 's1', channel: '/default/a' });
    assert.equal((await client.reply('s1')).type, 'subscribe_success');
    await client.close();
  });

  it('lets the header- subprotocol win over upgrade headers (D18)', async () => {
    const client = await TestClient.connect(server.realtimeUrl, {
      protocols: ['aws-appsync-event-ws', headerProtocol({ 'x-api-key': 'da2-wrongwrongwrongwrong' })],
      headers: { 'x-api-key': TEST_KEY },
    });
    const error = await client.next((f) => f.type === 'connection_error');
    assert.equal((error['errors'] as { errorType: string }[])[0]!.errorType, 'UnauthorizedException');
    assert.equal((await client.closed).code, 1000);
  });

  it('answers a wrong API key with connection_error 401 and closes with 1000 (D5)', async () => {
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: 'da2-notthekeynotthekeynotthekey' });
    const error = await client.next((f) => f.type === 'connection_error');
    assert.deepEqual(error['errors'], [
      { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 },
    ]);
    assert.equal((await client.closed).code, 1000);
  });

  it('answers missing credentials with connection_error and closes', async () => {
    const client = await TestClient.connect(server.realtimeUrl, { protocols: ['aws-appsync-event-ws'] });
    const error = await client.next((f) => f.type === 'connection_error');
    assert.equal((error['errors'] as { errorCode: number }[])[0]!.errorCode, 401);
    assert.equal((await client.closed).code, 1000);
  });

  for (const [name, protocol] of [
    ['not base64url', 'header-!!!notbase64'],
    ['base64url of something that is not JSON', 'header-' + Buffer.from('not json').toString('base64url')],
    ['JSON that is not an object of strings', 'header-' + Buffer.from('{"x-api-key":42}').toString('base64url')],
  ] as const) {
    it(`answers a header- subprotocol that is ${name} with connection_error BadRequestException`, async () => {
      const client = await TestClient.connect(server.realtimeUrl, { protocols: ['aws-appsync-event-ws', protocol] });
      const error = await client.next((f) => f.type === 'connection_error');
      assert.equal((error['errors'] as { errorType: string }[])[0]!.errorType, 'BadRequestException');
      assert.equal((await client.closed).code, 1000);
    });
  }

  it('decodes non-ASCII header values as UTF-8', async () => {
    const client = await TestClient.connect(server.realtimeUrl, {
      protocols: ['aws-appsync-event-ws', headerProtocol({ host: 'h', 'x-api-key': TEST_KEY, 'x-note': 'héllo ✓' })],
    });
    client.send({ type: 'connection_init' });
    await client.next((f) => f.type === 'connection_ack');
    await client.close();
  });

  it('refuses an upgrade that does not offer aws-appsync-event-ws with HTTP 400', async () => {
    const status = await upgradeStatus(server.realtimeUrl, ['graphql-ws']);
    assert.equal(status, 400);
  });

  it('refuses an upgrade on another path with HTTP 404', async () => {
    const status = await upgradeStatus(server.realtimeUrl.replace('/event/realtime', '/nope'), ['aws-appsync-event-ws']);
    assert.equal(status, 404);
  });

  it('tolerates a query string on the realtime URL (Amplify adds custom headers there)', async () => {
    const client = await TestClient.connect(server.realtimeUrl + '?x-custom=1', { apiKey: TEST_KEY });
    client.send({ type: 'connection_init' });
    await client.next((f) => f.type === 'connection_ack');
    await client.close();
  });
});

function upgradeStatus(url: string, protocols: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('upgrade unexpectedly succeeded')));
    ws.on('error', () => undefined);
  });
}
