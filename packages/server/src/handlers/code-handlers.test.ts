import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, settle, type Frame } from '../test-support/ws-client.js';

// Written as for AWS: imports util and runtime from '@aws-appsync/utils'.
const CODE = `
import { util, runtime } from '@aws-appsync/utils';

export function onPublish(ctx) {
  console.log('publishing', ctx.events.length, 'events to', ctx.info.channel.path);
  const first = ctx.events[0].payload;
  if (first === 'unauthorized') util.unauthorized();
  if (first === 'refuse') util.error('Refused by the handler', 'ValidationError');
  if (first === 'early') runtime.earlyReturn([{ id: ctx.events[0].id, payload: 'early' }]);
  if (first === 'unknown-id') return [{ id: 'not-an-incoming-id', payload: 1 }];
  if (first === 'garbage') return 'not a list';
  if (first === 'null') return null;
  if (first === 'big') return [{ id: ctx.events[0].id, payload: 'x'.repeat(300 * 1024) }];
  return ctx.events
    .filter((e) => !e.payload.drop)
    .map((e) => (e.payload.invalid ? { id: e.id, error: 'invalid event' } : { id: e.id, payload: { ...e.payload, at: typeof util.time.nowISO8601() } }));
}

export function onSubscribe(ctx) {
  const [, area, owner] = ctx.info.channel.segments;
  if (area === 'inbox' && owner !== ctx.request.headers['x-user']) util.unauthorized();
}
`;

const errorOf = (f: Frame): { errorType: string; errorCode: number; message: string } => (f['errors'] as never[])[0]!;

describe('code handlers (APPSYNC_JS style)', () => {
  let files: HandlerFiles;
  let server: TestServer;
  let sub: TestClient;
  let pub: TestClient;
  before(async () => {
    files = new HandlerFiles('code');
    const code = files.write('code.js', CODE);
    files.write('package.json', '{"type":"module"}');
    server = await startTestServer({ namespaces: [{ name: 'default' }, { name: 'code', code }] });
    sub = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    pub = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await sub.subscribe('all', '/code/*', TEST_KEY);
  });
  after(async () => {
    await Promise.all([sub.close(), pub.close()]);
    await server.close();
    files.remove();
  });

  it('transforms, filters and fails events per the returned list (D9)', async () => {
    const reply = await pub.publish('p1', '/code/a', [{ n: 1 }, { n: 2, drop: true }, { n: 3, invalid: true }], TEST_KEY);
    assert.deepEqual((reply['successful'] as { index: number }[]).map((s) => s.index), [0]);
    assert.deepEqual((reply['failed'] as { index: number; message: string }[]).map((f) => [f.index, f.message]), [[2, 'invalid event']]);
    await sub.next((f) => f['id'] === 'all');
    await settle();
    assert.deepEqual(sub.data('all'), [{ n: 1, at: 'string' }]);
  });

  it('maps util.error to publish_error with the given errorType and 403 (D7)', async () => {
    const reply = await pub.publish('p2', '/code/a', ['refuse'], TEST_KEY);
    assert.equal(reply.type, 'publish_error');
    assert.deepEqual(errorOf(reply), { errorType: 'ValidationError', message: 'Refused by the handler', errorCode: 403 });
  });

  it('maps util.unauthorized to UnauthorizedException 401, over WebSocket and HTTP (D7)', async () => {
    const reply = await pub.publish('p3', '/code/a', ['unauthorized'], TEST_KEY);
    assert.deepEqual(errorOf(reply), { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 });
    const res = await fetch(`${server.httpUrl}/event`, { method: 'POST', headers: { 'x-api-key': TEST_KEY }, body: JSON.stringify({ channel: '/code/a', events: ['"unauthorized"'] }) });
    assert.equal(res.status, 401);
    const refused = await fetch(`${server.httpUrl}/event`, { method: 'POST', headers: { 'x-api-key': TEST_KEY }, body: JSON.stringify({ channel: '/code/a', events: ['"refuse"'] }) });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { errors: { errorType: string }[] }).errors[0]!.errorType, 'ValidationError');
  });

  it('honours runtime.earlyReturn', async () => {
    await pub.publish('p4', '/code/early', ['early'], TEST_KEY);
    await sub.next((f) => f['id'] === 'all' && f['event'] === '"early"');
  });

  it('answers an unknown event id or a non-list with InvalidHandlerResponseError, and null with nothing broadcast', async () => {
    const unknown = await pub.publish('p5', '/code/a', ['unknown-id'], TEST_KEY);
    assert.equal(errorOf(unknown).errorType, 'InvalidHandlerResponseError');
    assert.equal(errorOf(unknown).errorCode, 502);
    const garbage = await pub.publish('p6', '/code/a', ['garbage'], TEST_KEY);
    assert.equal(errorOf(garbage).errorType, 'InvalidHandlerResponseError');
    const none = await pub.publish('p7', '/code/none', ['null'], TEST_KEY);
    assert.deepEqual([none['successful'], none['failed']], [[], []]);
  });

  it('fails an output event over the size limit instead of dropping it silently', async () => {
    const reply = await pub.publish('p8', '/code/a', ['big'], TEST_KEY);
    const failed = reply['failed'] as { code: string; message: string }[];
    assert.deepEqual(Object.keys(failed[0]!), ['code', 'identifier', 'index', 'message']);
    assert.equal(failed[0]!.code, 'EventTooLargeException');
    assert.equal(failed[0]!.message, 'Transformed event is larger than 240KB');
  });

  it('authorizes per-user channels in onSubscribe from the request headers', async () => {
    const alice = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY, headers: { 'x-user': 'alice' } });
    assert.equal((await alice.subscribe('mine', '/code/inbox/alice', TEST_KEY)).type, 'subscribe_success');
    const theirs = await alice.subscribe('theirs', '/code/inbox/bob', TEST_KEY);
    assert.deepEqual(errorOf(theirs), { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 });
    // The message's authorization object overrides the connection's headers (D16).
    alice.send({ type: 'subscribe', id: 'as-bob', channel: '/code/inbox/bob', authorization: { 'x-api-key': TEST_KEY, 'x-user': 'bob' } });
    assert.equal((await alice.reply('as-bob')).type, 'subscribe_success');
    await alice.close();
  });

  it("puts the handler's console.log in the server log, tagged with namespace, channel and request id", async () => {
    await pub.publish('p9', '/code/logged', [{ n: 1 }], TEST_KEY);
    const line = server.logs.find((l) => l['msg'] === 'publishing 1 events to /code/logged');
    assert.ok(line, 'the console.log line is in the server log');
    assert.equal(line['namespace'], 'code');
    assert.equal(line['channel'], '/code/logged');
    assert.equal(line['source'], 'handler');
    assert.match(String(line['requestId']), /^[0-9a-f-]{36}$/);
  });
});
