/**
 * Credentials as clients written against AWS send them (issue 18 items 1 and 4, issue 10 item 9),
 * through a real server: SigV4 from the AWS SDK v3 signer the way the Go SDK (content-length
 * signed, absent from the header object) and auvred/aws-appsync-events (x-amz-date not signed)
 * make it, on connect, subscribe, WebSocket publish and HTTP publish; tampered variants refused;
 * an API key on an IAM-only namespace refused with 403; and header whitespace treated alike on
 * both transports.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { IAM_KEY } from '../test-support/auth-fixture.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { signWithSmithy, type SmithySignOptions } from '../test-support/smithy-signer.js';
import { TestClient, headerProtocol, type Frame } from '../test-support/ws-client.js';

type Headers = Record<string, string>;
const errorOf = (f: Frame) => (f['errors'] as { errorType: string; errorCode: number; message: string }[])[0]!;

/** The two third-party signing styles: what each signs and what each leaves out of the header object. */
const STYLES: [string, SmithySignOptions, (h: Headers) => Headers][] = [
  ['content-length signed, absent from the header object (AWS SDK for Go v2)', {}, ({ 'content-length': _, ...rest }) => rest],
  ['x-amz-date not in SignedHeaders (auvred/aws-appsync-events)', { unsigned: ['x-amz-date'], contentLength: false }, (h) => h],
];

/** POST /event with chunked transfer encoding: no content-length header reaches the server. */
function postChunked(url: string, headers: Headers, body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/event`, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.write(body.slice(0, 10));
    req.end(body.slice(10));
  });
}

describe('third-party client credentials through the server', () => {
  let server: TestServer;
  let httpHost: string;
  const open: TestClient[] = [];
  let seq = 0;

  before(async () => {
    server = await startTestServer({
      auth: { apiKeys: [{ key: TEST_KEY }], iam: { accessKeys: [IAM_KEY] } },
      namespaces: [{ name: 'default' }, { name: 'iamonly', publishModes: ['AWS_IAM'], subscribeModes: ['AWS_IAM'] }],
    });
    httpHost = new URL(server.httpUrl).host;
  });
  after(async () => {
    await Promise.all(open.map((c) => c.close()));
    await server.close();
  });

  const connect = async (headers: Headers): Promise<TestClient> => {
    const client = await TestClient.connect(server.realtimeUrl, { protocols: ['aws-appsync-event-ws', headerProtocol(headers)] });
    open.push(client);
    client.send({ type: 'connection_init' });
    return client;
  };

  for (const [style, options, toHeaderObject] of STYLES) {
    it(`accepts ${style} on connect, subscribe, WebSocket publish and HTTP publish`, async () => {
      const sign = async (body: string) => toHeaderObject(await signWithSmithy('localhost', body, IAM_KEY, options));
      const client = await connect(await sign('{}'));
      assert.equal((await client.next((f) => f.type === 'connection_ack' || f.type === 'connection_error')).type, 'connection_ack');
      const channel = `/iamonly/s${++seq}`;
      client.send({ type: 'subscribe', id: 'sub', channel, authorization: await sign(JSON.stringify({ channel })) });
      assert.equal((await client.reply('sub')).type, 'subscribe_success');
      const events = ['{"via":"ws"}'];
      client.send({ type: 'publish', id: 'pub', channel, events, authorization: await sign(JSON.stringify({ channel, events })) });
      assert.equal((await client.reply('pub')).type, 'publish_success');

      const body = JSON.stringify({ channel, events: ['{"via":"http"}'] });
      const { host: _, ...signed } = await signWithSmithy(httpHost, body, IAM_KEY, options);
      const res = await postChunked(server.httpUrl, toHeaderObject(signed), body);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      await client.next(() => client.data('sub').length === 2);
      assert.deepEqual(client.data('sub'), [{ via: 'ws' }, { via: 'http' }]);
    });

    it(`refuses tampered variants of ${style}`, async () => {
      const channel = `/iamonly/t${++seq}`;
      const good = toHeaderObject(await signWithSmithy('localhost', JSON.stringify({ channel }), IAM_KEY, options));
      const client = await connect(toHeaderObject(await signWithSmithy('localhost', '{}', IAM_KEY, options)));
      const variants: [string, Headers, string][] = [
        ['another channel', good, `/iamonly/other${seq}`],
        ...(options.contentLength === false ? [] : [['a content-length for another body', { ...good, 'content-length': '9' }, channel] as [string, Headers, string]]),
        ['another date', { ...good, 'x-amz-date': good['x-amz-date']!.replace(/\d(?=Z$)/, (d) => String((Number(d) + 1) % 10)) }, channel],
        ['another host', { ...good, host: 'localhost:1' }, channel],
      ];
      for (const [what, authorization, target] of variants) {
        const id = `v${++seq}`;
        client.send({ type: 'subscribe', id, channel: target, authorization });
        const reply = await client.reply(id);
        assert.equal(reply.type, 'subscribe_error', what);
        assert.equal(errorOf(reply).errorType, 'BadRequestException', `${what}: ${errorOf(reply).message}`);
      }
      const body = JSON.stringify({ channel, events: ['1'] });
      const { host: _, ...signed } = await signWithSmithy(httpHost, body, IAM_KEY, options);
      const res = await postChunked(server.httpUrl, toHeaderObject(signed), body.replace('1', '2'));
      assert.equal(res.status, 400);
      assert.match(errorOf(res.body as Frame).message, /The Canonical String for this request should have been/);
    });
  }

  it('refuses an API key on an IAM-only namespace with 403 UnauthorizedException, over HTTP and WebSocket', async () => {
    const res = await fetch(`${server.httpUrl}/event`, { method: 'POST', headers: { 'x-api-key': TEST_KEY }, body: JSON.stringify({ channel: '/iamonly/x', events: ['1'] }) });
    assert.equal(res.status, 403);
    assert.equal(errorOf((await res.json()) as Frame).errorType, 'UnauthorizedException');
    const client = await connect({ host: 'localhost', 'x-api-key': TEST_KEY });
    const reply = await client.publish('k', '/iamonly/x', [1], TEST_KEY);
    assert.deepEqual([reply.type, errorOf(reply).errorType, errorOf(reply).errorCode], ['publish_error', 'UnauthorizedException', 403]);
    const none = await fetch(`${server.httpUrl}/event`, { method: 'POST', body: JSON.stringify({ channel: '/iamonly/x', events: ['1'] }) });
    assert.equal(none.status, 401, 'no credentials at all stay 401');
  });

  it('treats whitespace around a header value the same over WebSocket as over HTTP', async () => {
    const padded = ` ${TEST_KEY}\t `;
    const http = await fetch(`${server.httpUrl}/event`, { method: 'POST', headers: { 'x-api-key': padded }, body: JSON.stringify({ channel: '/default/ws', events: ['1'] }) });
    assert.equal(http.status, 200, 'Node strips the whitespace of HTTP header values');
    const client = await connect({ host: 'localhost', 'x-api-key': padded });
    assert.equal((await client.next((f) => f.type === 'connection_ack' || f.type === 'connection_error')).type, 'connection_ack');
    client.send({ type: 'publish', id: 'ws', channel: '/default/ws', events: ['1'], authorization: { 'x-api-key': `${TEST_KEY} ` } });
    assert.equal((await client.reply('ws')).type, 'publish_success');
  });
});
