import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { loadConfigFile, parseConfig } from '../config/load.js';
import { createLogger } from '../log/logger.js';
import { Switchboard, type ListenAddress } from '../switchboard.js';
import { TestClient, type Frame } from '../test-support/ws-client.js';

// The examples of docs/handlers.md, run as a user runs them: the real configuration file, the
// real handler files, real WebSocket and HTTP clients, and a real PostgreSQL.

const EXAMPLES = fileURLToPath(new URL('../../../../examples/handlers/', import.meta.url));
const CONFIG_FILE = `${EXAMPLES}switchboard.yaml`;
const DOC = fileURLToPath(new URL('../../../../docs/handlers.md', import.meta.url));
const KEY = 'da2-switchboardlocaltestkey0001';
const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
// A table of its own, so the test never touches the rows of a developer's `switchboard_events`.
const TABLE = `switchboard_events_test_${process.pid}`;

// `pg` has no type declarations installed; this is the part of its API the test uses.
interface PgPool {
  query<Row>(sql: string, values?: unknown[]): Promise<{ rows: Row[] }>;
  end(): Promise<void>;
}
const { Pool } = createRequire(import.meta.url)('pg') as { Pool: new (options: Record<string, unknown>) => PgPool };

const errorOf = (f: Frame): { errorType: string; errorCode: number; message: string } => (f['errors'] as never[])[0]!;
const indexes = (list: unknown): number[] => (list as { index: number }[]).map((e) => e.index);

async function postEvents(httpUrl: string, channel: string, events: unknown[]): Promise<Response> {
  return fetch(`${httpUrl}/event`, {
    method: 'POST',
    headers: { 'x-api-key': KEY },
    body: JSON.stringify({ channel, events: events.map((e) => JSON.stringify(e)) }),
    signal: AbortSignal.timeout(5000),
  });
}

describe('examples/handlers (docs/handlers.md)', () => {
  let switchboard: Switchboard;
  let address: ListenAddress;
  const logs: Record<string, unknown>[] = [];
  let sub: TestClient;
  let pub: TestClient;
  let pool: PgPool;
  let pgError: Error | undefined;

  before(async () => {
    // Read by functions/save-events.mjs in its worker thread, which starts after this.
    process.env['DATABASE_URL'] = DATABASE_URL;
    process.env['EVENTS_TABLE'] = TABLE;
    pool = new Pool({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000, query_timeout: 5000, max: 2 });
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      pgError = err as Error;
    }
    const config = await loadConfigFile(CONFIG_FILE, { server: { port: 0, host: '127.0.0.1' } });
    const logger = createLogger({ level: 'debug', write: (line) => void logs.push(JSON.parse(line)) });
    switchboard = new Switchboard(config, { logger });
    address = await switchboard.listen();
    sub = await TestClient.connect(address.realtimeUrl, { apiKey: KEY });
    pub = await TestClient.connect(address.realtimeUrl, { apiKey: KEY });
  });

  after(async () => {
    await Promise.all([sub?.close(), pub?.close()]);
    await switchboard?.close();
    if (pgError === undefined) await pool.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await pool.end();
  });

  it('the configuration shown in docs/handlers.md is in the example file verbatim and loads as written', () => {
    const block = readFileSync(DOC, 'utf8').match(/```yaml\n([\s\S]*?)```/)?.[1];
    assert.ok(block, 'docs/handlers.md shows a yaml block');
    assert.ok(readFileSync(CONFIG_FILE, 'utf8').includes(block), 'the example configuration contains the documented block verbatim');
    const config = parseConfig(parseYaml(block), 'docs/handlers.md', EXAMPLES);
    assert.deepEqual(config.namespaces.map((n) => n.name), ['default', 'fn', 'code']);
    assert.equal((config.namespaces[1]!.onPublish as { function?: string }).function, `${EXAMPLES}functions/fn.mjs`);
  });

  it('validation (fn): rejects invalid events into failed, broadcasts the valid ones, and subscribers never see the others', async () => {
    assert.equal((await sub.subscribe('fn', '/fn/room', KEY)).type, 'subscribe_success');
    const reply = await pub.publish('v1', '/fn/room', [{ text: 'hello' }, { text: '' }, 42, { text: 'x'.repeat(281) }], KEY);
    assert.equal(reply.type, 'publish_success');
    assert.deepEqual(indexes(reply['successful']), [0]);
    const failed = reply['failed'] as { index: number; code: string; message: string }[];
    assert.deepEqual(failed.map((f) => [f.index, f.code, f.message]), [
      [1, 'HandlerError', 'text must be a non-empty string'],
      [2, 'HandlerError', 'an event must be a JSON object'],
      [3, 'HandlerError', 'text must be at most 280 characters'],
    ]);
    // Over HTTP too; a later event on the same channel arrives after anything published before it.
    const res = await postEvents(address.httpUrl, '/fn/room', [{ nope: true }, { text: 'last' }]);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { successful: unknown; failed: unknown };
    assert.deepEqual([indexes(body.successful), indexes(body.failed)], [[1], [0]]);
    await sub.next((f) => f['id'] === 'fn' && String(f['event']).includes('last'));
    assert.deepEqual(sub.data('fn'), [{ text: 'hello' }, { text: 'last' }]);
  });

  it("logs the function's console.log tagged with namespace, channel, request id and handler", () => {
    const line = logs.find((l) => l['msg'] === 'subscribe to /fn/room (fn)');
    assert.ok(line, 'the onSubscribe console.log is in the server log');
    assert.equal(line['namespace'], 'fn');
    assert.equal(line['channel'], '/fn/room');
    assert.equal(line['handler'], 'fn:onSubscribe');
    assert.equal(typeof line['requestId'], 'string');
  });

  it('transformation (code): strips the email field and stamps receivedAt', async () => {
    await sub.subscribe('code', '/code/profile', KEY);
    const reply = await pub.publish('t1', '/code/profile', [{ name: 'Ada', email: 'ada@example.com' }, 'plain'], KEY);
    assert.deepEqual(indexes(reply['successful']), [0, 1]);
    await sub.next((f) => f['id'] === 'code' && f['event'] === '"plain"');
    const [profile, plain] = sub.data('code') as [Record<string, unknown>, unknown];
    assert.deepEqual(Object.keys(profile).sort(), ['name', 'receivedAt']);
    assert.equal(profile['name'], 'Ada');
    assert.ok(!Number.isNaN(Date.parse(String(profile['receivedAt']))));
    assert.equal(plain, 'plain');
  });

  it('filtering (feed): drops drafts, which are in neither successful nor failed (D9)', async () => {
    await sub.subscribe('feed', '/feed/news', KEY);
    const reply = await pub.publish('f1', '/feed/news', [{ n: 1 }, { n: 2, draft: true }, { n: 3 }], KEY);
    assert.deepEqual([indexes(reply['successful']), reply['failed']], [[0, 2], []]);
    await sub.next((f) => f['id'] === 'feed' && String(f['event']).includes('"n":3'));
    assert.deepEqual(sub.data('feed'), [{ n: 1 }, { n: 3 }]);
  });

  it('per-user channels (inbox): the owner may subscribe to /inbox/<user>; others, anonymous users and wildcards are refused', async (t) => {
    const alice = await TestClient.connect(address.realtimeUrl, { apiKey: KEY, headers: { 'x-user-id': 'alice' } });
    const anonymous = await TestClient.connect(address.realtimeUrl, { apiKey: KEY });
    t.after(() => Promise.all([alice.close(), anonymous.close()]));
    assert.equal((await alice.subscribe('mine', '/inbox/alice', KEY)).type, 'subscribe_success');
    assert.equal((await alice.subscribe('mine-deeper', '/inbox/alice/urgent', KEY)).type, 'subscribe_success');
    const refused = 'You are not authorized to make this call.';
    assert.deepEqual(errorOf(await alice.subscribe('theirs', '/inbox/bob', KEY)), { errorType: 'UnauthorizedException', message: refused, errorCode: 401 });
    assert.equal(errorOf(await alice.subscribe('all', '/inbox/*', KEY)).errorType, 'UnauthorizedException');
    assert.equal(errorOf(await anonymous.subscribe('anon', '/inbox/alice', KEY)).errorType, 'UnauthorizedException');
    assert.equal((await pub.publish('i1', '/inbox/alice', [{ from: 'bob', text: 'hi' }], KEY)).type, 'publish_success');
    await alice.next((f) => f['id'] === 'mine' && f.type === 'data');
    assert.deepEqual(alice.data('mine'), [{ from: 'bob', text: 'hi' }]);
  });

  it('database (archive): stores every published event in PostgreSQL before broadcasting it', async (t) => {
    if (pgError !== undefined) {
      const reason = `PostgreSQL is not reachable at ${DATABASE_URL} (${pgError.message}); set DATABASE_URL to run this example`;
      if (process.env['CI']) assert.fail(`${reason}. CI must run it.`);
      t.skip(reason);
      return;
    }
    await sub.subscribe('archive', '/archive/orders', KEY);
    const reply = await pub.publish('d1', '/archive/orders', [{ order: 1 }, [1, 2]], KEY);
    assert.equal(reply.type, 'publish_success', JSON.stringify(reply));
    const res = await postEvents(address.httpUrl, '/archive/orders', [{ order: 3 }]);
    assert.equal(res.status, 200);
    const viaHttp = (await res.json()) as { successful: { identifier: string }[] };
    const ids = [...(reply['successful'] as { identifier: string }[]), ...viaHttp.successful].map((s) => s.identifier);
    assert.equal(ids.length, 3);
    const { rows } = await pool.query<{ id: string; channel: string; payload: unknown }>(`SELECT id, channel, payload FROM ${TABLE}`);
    const stored = new Map(rows.map((r) => [r.id, [r.channel, r.payload]]));
    assert.deepEqual(stored, new Map([
      [ids[0], ['/archive/orders', { order: 1 }]],
      [ids[1], ['/archive/orders', [1, 2]]],
      [ids[2], ['/archive/orders', { order: 3 }]],
    ]));
    await sub.next((f) => f['id'] === 'archive' && String(f['event']).includes('"order":3'));
    assert.deepEqual(sub.data('archive'), [{ order: 1 }, [1, 2], { order: 3 }]);
  });
});
