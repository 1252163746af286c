import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../config/load.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../log/logger.js';
import { Switchboard } from '../switchboard.js';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY } from '../test-support/server.js';
import { TestClient } from '../test-support/ws-client.js';

const LAMBDA_TOKEN = 'lambda-token-that-must-never-be-logged';
const WRONG_KEY = 'da2-wrongkeywrongkeywrongkey0001';
const PAYLOAD = '{"secretish":"payload-text-seen-only-at-ALL"}';

// The authorizer says which request id it was given, through its console (the server log).
const AUTHORIZER = `
export const handler = async (event) => {
  console.info('authorizer request ' + event.requestContext.requestId);
  return { isAuthorized: true };
};
`;
const FAILING = `export const handler = async () => { throw new Error('the handler broke'); };`;

type Line = Record<string, unknown>;

/** What one run of the traffic below wrote at `level`, and the ids the clients saw. */
interface Run {
  lines: Line[];
  text: string;
  ids: { published: string; refused: string; failing: string; viaLambda: string };
}

async function traffic(level: LogLevel, files: HandlerFiles): Promise<Run> {
  const lines: Line[] = [];
  const raw: string[] = [];
  const logger = createLogger({ level, write: (line) => void (raw.push(line), lines.push(JSON.parse(line) as Line)) });
  const config = parseConfig(
    {
      server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000 },
      auth: { apiKeys: [{ key: TEST_KEY }], lambda: { function: files.write('authorizer.mjs', AUTHORIZER), runtime: 'inline' } },
      namespaces: [
        { name: 'default', publishModes: ['API_KEY', 'AWS_LAMBDA'] },
        { name: 'fail', onPublish: { function: files.write('failing.mjs', FAILING), runtime: 'inline' } },
      ],
    },
    'test',
  );
  const switchboard = new Switchboard(config, { logger });
  const { httpUrl, realtimeUrl } = await switchboard.listen();
  const post = async (channel: string, headers: Record<string, string>): Promise<string> => {
    const res = await fetch(`${httpUrl}/event`, { method: 'POST', headers, body: JSON.stringify({ channel, events: [PAYLOAD] }) });
    await res.arrayBuffer();
    return res.headers.get('x-amzn-requestid')!;
  };
  try {
    const client = await TestClient.connect(realtimeUrl, { apiKey: TEST_KEY });
    await client.subscribe('sub-1', '/default/room', TEST_KEY);
    const published = await post('/default/room', { 'x-api-key': TEST_KEY });
    await client.next((f) => f['id'] === 'sub-1');
    const refused = await post('/default/room', { 'x-api-key': WRONG_KEY });
    const failing = await post('/fail/x', { 'x-api-key': TEST_KEY });
    const viaLambda = await post('/default/room', { authorization: LAMBDA_TOKEN });
    await client.close();
  return { lines, text: raw.join(''), ids: { published, refused, failing, viaLambda } };
  } finally {
    await switchboard.close();
  }
}

describe('log levels: what a publish, a subscribe, a refused request and a failing handler write', () => {
  let files: HandlerFiles;
  const runs = new Map<LogLevel, Run>();
  before(async () => {
    files = new HandlerFiles('log-levels');
    for (const level of LOG_LEVELS) runs.set(level, await traffic(level, files));
  });
  after(() => files.remove());

  const find = (run: Run, msg: string, fields: Line): Line | undefined =>
    run.lines.find((l) => l['msg'] === msg && Object.entries(fields).every(([k, v]) => l[k] === v));

  it('never writes an API key, a wrong key or a Lambda token, at any level', () => {
    for (const [level, run] of runs) {
      for (const secret of [TEST_KEY, WRONG_KEY, LAMBDA_TOKEN]) assert.ok(!run.text.includes(secret), `${level} wrote ${secret}`);
    }
  });

  it('NONE writes nothing', () => {
    assert.deepEqual(runs.get('NONE')!.lines, []);
  });

  it('ERROR writes the failing handler with the request id the client got, and nothing about successful requests', () => {
    const run = runs.get('ERROR')!;
    const threw = find(run, 'handler threw', { requestId: run.ids.failing });
    assert.ok(threw, JSON.stringify(run.lines));
    assert.equal(threw['level'], 'error');
    assert.match(JSON.stringify(threw['error']), /the handler broke/);
    assert.ok(run.lines.every((l) => l['level'] === 'error'), 'only errors');
  });

  it('INFO writes one line per request with the ids the clients saw: publish, subscribe, the refusal with its reason, the failed publish', () => {
    const run = runs.get('INFO')!;
    const subscribe = find(run, 'subscribe', { transport: 'ws', id: 'sub-1', channel: '/default/room' });
    assert.ok(subscribe && typeof subscribe['requestId'] === 'string' && typeof subscribe['connectionId'] === 'string', JSON.stringify(run.lines));
    assert.ok(find(run, 'connect', { connectionId: subscribe['connectionId'] }));
    assert.ok(find(run, 'close', { connectionId: subscribe['connectionId'] }));
    const publish = find(run, 'publish', { requestId: run.ids.published, transport: 'http', channel: '/default/room', eventCount: 1, successful: 1 });
    assert.ok(publish, JSON.stringify(run.lines));
    assert.equal(typeof publish['ms'], 'number');
    assert.ok(find(run, 'publish', { requestId: run.ids.refused, errorType: 'UnauthorizedException', status: 401 }));
    const denied = find(run, 'auth', { requestId: run.ids.refused, mode: 'API_KEY', result: 'deny' });
    assert.ok(denied, 'the refusal says which mode refused');
    assert.match(String(denied['reason']), /not authorized/);
    assert.ok(find(run, 'publish', { requestId: run.ids.failing, errorType: 'HandlerFailedError' }) ?? find(run, 'publish', { requestId: run.ids.failing, status: 500 }), JSON.stringify(run.lines.filter((l) => l['requestId'] === run.ids.failing)));
    assert.ok(find(run, 'handler threw', { requestId: run.ids.failing }));
    // The Lambda authorizer was given the request id the client got, and its own log line carries it.
    const authorizer = find(run, 'authorizer request ' + run.ids.viaLambda, { requestId: run.ids.viaLambda });
    assert.ok(authorizer, JSON.stringify(run.lines.filter((l) => String(l['msg']).startsWith('authorizer'))));
    assert.ok(find(run, 'publish', { requestId: run.ids.viaLambda, successful: 1 }));
    assert.ok(!find(run, 'auth', { requestId: run.ids.published }), 'grants are DEBUG');
    assert.ok(!run.text.includes('payload-text-seen-only-at-ALL'), 'no payloads below ALL');
  });

  it('DEBUG adds each auth decision and each handler invocation with its duration and outcome', () => {
    const run = runs.get('DEBUG')!;
    assert.ok(find(run, 'auth', { requestId: run.ids.published, mode: 'API_KEY', result: 'allow', operation: 'EVENT_PUBLISH' }));
    assert.ok(find(run, 'auth', { requestId: run.ids.viaLambda, mode: 'AWS_LAMBDA', result: 'allow' }));
    const handler = find(run, 'handler', { requestId: run.ids.failing, outcome: 'error', namespace: 'fail' });
    assert.ok(handler && typeof handler['ms'] === 'number', JSON.stringify(run.lines.filter((l) => l['requestId'] === run.ids.failing)));
    assert.ok(!run.text.includes('payload-text-seen-only-at-ALL'), 'no payloads below ALL');
  });

  it('ALL adds the payloads: the events of each publish and what a handler got', () => {
    const run = runs.get('ALL')!;
    const publish = find(run, 'publish', { requestId: run.ids.published });
    assert.deepEqual(publish?.['events'], [PAYLOAD]);
    const payload = find(run, 'handler payload', { requestId: run.ids.failing });
    assert.match(JSON.stringify(payload?.['events']), /payload-text-seen-only-at-ALL/);
  });

  it('WARN writes what ERROR does, and no request lines', () => {
    const run = runs.get('WARN')!;
    assert.ok(find(run, 'handler threw', { requestId: run.ids.failing }));
    assert.ok(!find(run, 'publish', { requestId: run.ids.published }));
  });
});
