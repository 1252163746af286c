import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { loadConfigFile } from '../config/load.js';
import { createLogger } from '../log/logger.js';
import { Switchboard, type ListenAddress } from '../switchboard.js';
import { HandlerFiles } from '../test-support/handler-files.js';
import { programAvailable } from '../test-support/programs.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, headerProtocol, type Frame } from '../test-support/ws-client.js';

// Python handlers run as a user runs them: real python3 processes speaking the Lambda Runtime API
// to Switchboard, real WebSocket clients. The first suite runs examples/python unchanged.

const EXAMPLE = fileURLToPath(new URL('../../../../examples/python/switchboard.yaml', import.meta.url));
const KEY = 'da2-switchboardlocaltestkey0001';
const errorOf = (f: Frame): { errorType: string; errorCode: number; message: string } => (f['errors'] as never[])[0]!;
const python = programAvailable('python3');

const withToken = (client: TestClient, type: 'subscribe' | 'publish', id: string, channel: string, token: string, events?: unknown[]): Promise<Frame> => {
  client.send({ type, id, channel, ...(events ? { events: events.map((e) => JSON.stringify(e)) } : {}), authorization: { authorization: token } });
  return client.reply(id, 10_000);
};

describe('examples/python: a Powertools-style AppSyncEventsResolver app and a Python authorizer', { skip: python.ok ? false : python.reason }, () => {
  let switchboard: Switchboard;
  let address: ListenAddress;
  let client: TestClient;
  const logs: Record<string, unknown>[] = [];

  before(async () => {
    const config = await loadConfigFile(EXAMPLE, { server: { port: 0 } });
    switchboard = new Switchboard(config, { logger: createLogger({ level: 'debug', write: (line) => void logs.push(JSON.parse(line)) }) });
    address = await switchboard.listen();
    client = await TestClient.connect(address.realtimeUrl, { apiKey: KEY });
  });
  after(async () => {
    await client.close();
    await switchboard.close();
  });

  it('publish, per item: transforms each event and fails only the invalid one', async () => {
    assert.equal((await client.subscribe('all', '/pychat/*', KEY)).type, 'subscribe_success');
    const reply = await client.publish('p1', '/pychat/room', [{ text: '  hi  ' }, { text: '' }], KEY);
    assert.equal(reply.type, 'publish_success', JSON.stringify(reply));
    assert.deepEqual((reply['successful'] as { index: number }[]).map((s) => s.index), [0]);
    const failed = reply['failed'] as { index: number; code: string; message: string }[];
    assert.deepEqual(failed.map((f) => [f.index, f.code, f.message]), [[1, 'HandlerError', 'ValueError - text must be a non-empty string']]);
    await client.next((f) => f.type === 'data' && f['id'] === 'all');
    assert.deepEqual(client.data('all'), [{ text: 'hi' }]);
  });

  it('publish, aggregate: the whole batch at once (numbered, drafts dropped), with the print in the log', async () => {
    const reply = await client.publish('p2', '/pychat/batch/x', [{ n: 1 }, { n: 2, draft: true }, { n: 3 }], KEY);
    assert.deepEqual((reply['successful'] as { index: number }[]).map((s) => s.index), [0, 2]);
    await client.next((f) => f.type === 'data' && JSON.parse(f['event'] as string).seq === 2);
    assert.deepEqual(client.data('all').slice(-2), [{ seq: 1, value: { n: 1 } }, { seq: 2, value: { n: 3 } }]);
    const line = logs.find((l) => l['msg'] === 'batch of 3 events to /pychat/batch/x');
    assert.ok(line, 'the print reached the server log');
    assert.equal(line['source'], 'handler');
    assert.equal(line['channel'], '/pychat/batch/x');
    assert.equal(typeof line['requestId'], 'string');
  });

  // A client that connects with a Lambda token, so no API key applies to its operations.
  const tokenClient = (): Promise<TestClient> =>
    TestClient.connect(address.realtimeUrl, { protocols: ['aws-appsync-event-ws', headerProtocol({ host: 'localhost', authorization: 'allow-carol' })] });

  it('the Python Lambda authorizer allows allow-<user> tokens and denies the rest', async () => {
    const alice = await tokenClient();
    const allowed = await withToken(alice, 'publish', 'p3', '/pychat/room', 'allow-alice', [{ text: 'from alice' }]);
    assert.equal(allowed.type, 'publish_success', JSON.stringify(allowed));
    const denied = await withToken(alice, 'publish', 'p4', '/pychat/room', 'nope', [{ text: 'x' }]);
    await alice.close();
    assert.equal(denied.type, 'publish_error');
    assert.equal(errorOf(denied).errorType, 'UnauthorizedException');
  });

  it('subscribe: UnauthorizedException refuses a private channel of someone else, the owner gets in', async () => {
    const alice = await tokenClient();
    after(() => alice.close());
    const refused = await withToken(alice, 'subscribe', 's1', '/pychat/private/bob', 'allow-alice');
    assert.equal(refused.type, 'subscribe_error');
    assert.deepEqual([errorOf(refused).errorType, errorOf(refused).message], ['UnauthorizedException', 'private channels are for their owner only']);
    const owner = await withToken(alice, 'subscribe', 's2', '/pychat/private/alice', 'allow-alice');
    assert.equal(owner.type, 'subscribe_success', JSON.stringify(owner));
  });
});

const MISBEHAVING = `
import os, sys, time

def handler(event, context):
    what = event["events"][0]["payload"]
    if what == "sleep":
        time.sleep(30)
    if what == "crash":
        os._exit(7)
    if what == "talk":
        print("to stdout from", context.aws_request_id)
        print("to stderr", file=sys.stderr)
    if what == "slow":
        time.sleep(0.4)
    return {"events": [{"id": e["id"], "payload": {"pid": os.getpid(), "left": context.get_remaining_time_in_millis() > 0}} for e in event["events"]]}
`;

describe('Python handlers: timeouts, crashes, output and concurrency', { skip: python.ok ? false : python.reason }, () => {
  let files: HandlerFiles;
  let server: TestServer;
  let client: TestClient;

  before(async () => {
    files = new HandlerFiles('python-e2e');
    const file = files.write('misbehaving.py', MISBEHAVING);
    server = await startTestServer({
      namespaces: [{ name: 'py', onPublish: { function: file, timeoutMs: 3000, concurrency: 2 } }],
    });
    client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
  });
  after(async () => {
    await client.close();
    await server.close();
    files.remove();
  });

  it('answers a handler past its timeout with HandlerTimeoutError; its process is replaced and the next call works', async () => {
    client.send({ type: 'publish', id: 't1', channel: '/py/a', events: ['"sleep"'], authorization: { 'x-api-key': TEST_KEY } });
    const reply = await client.reply('t1', 10_000);
    assert.deepEqual([errorOf(reply).errorType, errorOf(reply).errorCode], ['HandlerTimeoutError', 504]);
    assert.ok(server.logs.some((l) => l['msg'] === 'function timed out; its process is replaced'));
    const next = await client.publish('t2', '/py/a', ['ok'], TEST_KEY);
    assert.equal(next.type, 'publish_success', JSON.stringify(next));
  });

  it('answers a crash mid-invocation with HandlerFailedError; a fresh process serves the next call', async () => {
    const reply = await client.publish('c1', '/py/a', ['crash'], TEST_KEY);
    assert.deepEqual([errorOf(reply).errorType, errorOf(reply).errorCode], ['HandlerFailedError', 502]);
    assert.ok(server.logs.some((l) => l['msg'] === 'function process exited during an invocation' && String(l['reason']).includes('code 7')));
    assert.equal((await client.publish('c2', '/py/a', ['ok'], TEST_KEY)).type, 'publish_success');
  });

  it("sends the handler's stdout and stderr lines to the log with the invocation's request id", async () => {
    const reply = await client.publish('o1', '/py/a', ['talk'], TEST_KEY);
    assert.equal(reply.type, 'publish_success');
    const deadline = Date.now() + 3000;
    let out: Record<string, unknown> | undefined;
    let err: Record<string, unknown> | undefined;
    while ((out === undefined || err === undefined) && Date.now() < deadline) {
      out = server.logs.find((l) => String(l['msg']).startsWith('to stdout from'));
      err = server.logs.find((l) => l['msg'] === 'to stderr');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(out && err, 'both lines were logged');
    const requestId = String(out['msg']).split(' ').pop();
    assert.equal(out['requestId'], requestId, 'tagged with the request id the handler saw');
    assert.deepEqual([out['level'], out['stream'], out['source'], out['namespace']], ['info', 'stdout', 'handler', 'py']);
    assert.deepEqual([err['level'], err['stream'], err['requestId']], ['error', 'stderr', requestId]);
  });

  it('runs parallel publishes on at most the configured number of processes (concurrency: 2)', async () => {
    // Over HTTP: each POST /event is its own operation (one WebSocket runs its operations in order).
    const publish = async (): Promise<number> => {
      const response = await fetch(`${server.httpUrl}/event`, {
        method: 'POST',
        headers: { 'x-api-key': TEST_KEY },
        body: JSON.stringify({ channel: '/py/a', events: ['"slow"'] }),
        signal: AbortSignal.timeout(15_000),
      });
      assert.equal(response.status, 200, await response.clone().text());
      return response.status;
    };
    const sub = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    after(() => sub.close());
    await sub.subscribe('pids', '/py/*', TEST_KEY);
    await Promise.all(Array.from({ length: 8 }, publish));
    await sub.next(() => sub.data('pids').length === 8, 10_000);
    const pids = new Set(sub.data('pids').map((p) => (p as { pid: number }).pid));
    assert.ok(pids.size <= 2, `at most 2 processes served the calls, saw ${pids.size}`);
    assert.equal(pids.size, 2, 'both allowed processes ran, so the calls did run in parallel');
  });
});
