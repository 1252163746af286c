import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, settle, type Frame } from '../test-support/ws-client.js';

const POWERTOOLS = `
import { AppSyncEventsResolver, UnauthorizedException } from '@aws-lambda-powertools/event-handler/appsync-events';
const app = new AppSyncEventsResolver();
app.onPublish('/fn/*', async (payload) => {
  if (payload.fail) throw new Error('payload refused');
  return { ...payload, seen: 'catch-all' };
});
app.onPublish('/fn/special/*', async (payload) => ({ ...payload, seen: 'special' }));
app.onPublish('/fn/strip', async (payload) => { const { secret, ...rest } = payload; return rest; });
app.onSubscribe('/fn/private/*', async () => { throw new UnauthorizedException('private channel'); });
app.onPublish('/agg/*', async (events) => events.filter((e) => e.payload.keep).map((e) => ({ id: e.id, payload: { kept: e.payload.n } })), { aggregate: true });
export const handler = async (event, context) => app.resolve(event, context);
`;

const RAW = `
export const handler = async (event, context) => {
  if (event.info.operation === 'SUBSCRIBE') return event.info.channel.path.endsWith('/deny') ? { error: 'not you' } : null;
  const first = event.events[0].payload;
  if (first === 'batch-error') return { error: 'the whole batch is refused' };
  if (first === 'echo') {
    return { events: [{ id: event.events[0].id, payload: { event: { ...event, events: undefined }, remaining: context.getRemainingTimeInMillis(), fn: context.functionName, requestId: context.awsRequestId } }] };
  }
  return { events: event.events };
};
`;

const errorOf = (f: Frame): { errorType: string; errorCode: number; message: string } => (f['errors'] as never[])[0]!;

describe('function handlers (Lambda style, REQUEST_RESPONSE)', () => {
  let files: HandlerFiles;
  let server: TestServer;
  let sub: TestClient;
  let pub: TestClient;
  before(async () => {
    files = new HandlerFiles('fn');
    const powertools = files.write('powertools.mjs', POWERTOOLS);
    const raw = files.write('raw.mjs', RAW);
    server = await startTestServer({
      namespaces: [
        { name: 'default' },
        { name: 'fn', onPublish: { function: powertools }, onSubscribe: { function: powertools } },
        { name: 'agg', onPublish: { function: powertools } },
        { name: 'raw', onPublish: { function: raw, runtime: 'inline' }, onSubscribe: { function: raw, runtime: 'inline' } },
      ],
    });
    sub = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    pub = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
  });
  after(async () => {
    await Promise.all([sub.close(), pub.close()]);
    await server.close();
    files.remove();
  });

  it('runs a Powertools handler unchanged: the most specific route transforms, subscribers see the result', async () => {
    await sub.subscribe('all-fn', '/fn/*', TEST_KEY);
    const reply = await pub.publish('p1', '/fn/special/a', [{ text: 'hi' }], TEST_KEY);
    assert.equal(reply.type, 'publish_success');
    await pub.publish('p2', '/fn/room', [{ text: 'yo' }], TEST_KEY);
    await sub.next((f) => f['id'] === 'all-fn' && String(f['event']).includes('yo'));
    assert.deepEqual(sub.data('all-fn'), [{ text: 'hi', seen: 'special' }, { text: 'yo', seen: 'catch-all' }]);
  });

  it('turns a per-item error into a failed entry and broadcasts only the other events', async () => {
    await sub.subscribe('items', '/fn/items', TEST_KEY);
    const reply = await pub.publish('p3', '/fn/items', [{ n: 1 }, { fail: true }, { n: 3 }], TEST_KEY);
    assert.equal(reply.type, 'publish_success');
    assert.deepEqual((reply['successful'] as { index: number }[]).map((s) => s.index), [0, 2]);
    const failed = reply['failed'] as { index: number; code: string; message: string; identifier: string }[];
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.index, 1);
    assert.equal(failed[0]!.code, 'HandlerError');
    assert.match(failed[0]!.message, /payload refused/);
    await sub.next((f) => f['id'] === 'items' && String(f['event']).includes('"n":3'));
    await settle();
    assert.deepEqual(sub.data('items'), [{ n: 1, seen: 'catch-all' }, { n: 3, seen: 'catch-all' }]);
  });

  it('strips a field before broadcast', async () => {
    await sub.subscribe('strip', '/fn/strip', TEST_KEY);
    await pub.publish('p4', '/fn/strip', [{ text: 'public', secret: 'hidden' }], TEST_KEY);
    await sub.next((f) => f['id'] === 'strip');
    assert.deepEqual(sub.data('strip'), [{ text: 'public' }]);
  });

  it('runs an aggregate handler that filters: dropped events are in neither list (D9)', async () => {
    await sub.subscribe('agg', '/agg/x', TEST_KEY);
    const reply = await pub.publish('p5', '/agg/x', [{ n: 1, keep: true }, { n: 2 }, { n: 3, keep: true }], TEST_KEY);
    assert.deepEqual((reply['successful'] as { index: number }[]).map((s) => s.index), [0, 2]);
    assert.deepEqual(reply['failed'], []);
    await sub.next((f) => f['id'] === 'agg' && String(f['event']).includes('3'));
    assert.deepEqual(sub.data('agg'), [{ kept: 1 }, { kept: 3 }]);
  });

  it('refuses a subscription when the handler throws UnauthorizedException (403, D7)', async () => {
    const reply = await sub.subscribe('priv', '/fn/private/room', TEST_KEY);
    assert.equal(reply.type, 'subscribe_error');
    assert.deepEqual(errorOf(reply), { errorType: 'UnauthorizedException', message: 'private channel', errorCode: 403 });
    assert.equal((await sub.subscribe('pub-ok', '/fn/public', TEST_KEY)).type, 'subscribe_success');
  });

  it('applies the same rules over HTTP', async () => {
    const res = await fetch(`${server.httpUrl}/event`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_KEY, cookie: 'session=secret' },
      body: JSON.stringify({ channel: '/fn/items', events: [JSON.stringify({ fail: true }), JSON.stringify({ n: 9 })] }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { successful: { index: number }[]; failed: { index: number }[] };
    assert.deepEqual(body.successful.map((s) => s.index), [1]);
    assert.deepEqual(body.failed.map((f) => f.index), [0]);
  });

  it('passes the Lambda event AppSync sends, and a Lambda context', async () => {
    await sub.subscribe('raw', '/raw/echo', TEST_KEY);
    const reply = await pub.publish('p6', '/raw/echo', ['echo'], TEST_KEY);
    const identifier = (reply['successful'] as { identifier: string }[])[0]!.identifier;
    await sub.next((f) => f['id'] === 'raw');
    const [echo] = sub.data('raw') as { event: Record<string, unknown>; remaining: number; fn: string; requestId: string }[];
    const event = echo!.event;
    assert.equal(event['identity'], null);
    assert.deepEqual(event['info'], { channel: { path: '/raw/echo', segments: ['raw', 'echo'] }, channelNamespace: { name: 'raw' }, operation: 'PUBLISH' });
    assert.deepEqual(Object.keys(event).sort(), ['error', 'identity', 'info', 'outErrors', 'prev', 'request', 'result', 'stash']);
    const request = event['request'] as { headers: Record<string, string>; domainName: null };
    assert.equal(request.domainName, null);
    assert.equal(request.headers['x-api-key'], TEST_KEY);
    assert.equal(request.headers['cookie'], undefined);
    assert.ok(echo!.remaining > 0 && echo!.remaining <= 10000);
    assert.equal(echo!.fn, 'raw');
    assert.match(echo!.requestId, /^[0-9a-f-]{36}$/);
    assert.match(identifier, /^[0-9a-f-]{36}$/);
  });

  it('refuses the whole batch on a top-level { error } with publish_error HandlerError (403), and a subscription likewise', async () => {
    const reply = await pub.publish('p7', '/raw/batch', ['batch-error', 1], TEST_KEY);
    assert.equal(reply.type, 'publish_error');
    assert.deepEqual(errorOf(reply), { errorType: 'HandlerError', message: 'the whole batch is refused', errorCode: 403 });
    const denied = await sub.subscribe('deny', '/raw/deny', TEST_KEY);
    assert.deepEqual(errorOf(denied), { errorType: 'HandlerError', message: 'not you', errorCode: 403 });
  });
});
