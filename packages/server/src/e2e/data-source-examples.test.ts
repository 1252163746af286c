import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../config/load.js';
import { createLogger } from '../log/logger.js';
import { Switchboard, type ListenAddress } from '../switchboard.js';
import { serviceAvailable } from '../test-support/services.js';
import { until } from '../test-support/until.js';
import { TestClient, type Frame } from '../test-support/ws-client.js';

// The examples of docs/data-sources.md, run as a user runs them: the real configuration files,
// the real handler files, `switchboard dev` as a child process with nothing else running for
// DynamoDB, and the real PostgreSQL.

const EXAMPLES = fileURLToPath(new URL('../../../../examples/data-sources/', import.meta.url));
const DOC = fileURLToPath(new URL('../../../../docs/data-sources.md', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));
const KEY = 'da2-switchboardlocaltestkey0001';
const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

process.env['AWS_ACCESS_KEY_ID'] ??= 'switchboard-test';
process.env['AWS_SECRET_ACCESS_KEY'] ??= 'switchboard-test';

const errorOf = (f: Frame): { errorType: string } => (f['errors'] as never[])[0]!;

async function publish(client: TestClient, id: string, channel: string, events: unknown[]): Promise<Frame> {
  client.send({ type: 'publish', id, channel, events: events.map((e) => JSON.stringify(e)), authorization: { 'x-api-key': KEY } });
  return client.reply(id, 15_000);
}

async function subscribe(client: TestClient, id: string, channel: string): Promise<Frame> {
  client.send({ type: 'subscribe', id, channel, authorization: { 'x-api-key': KEY } });
  return client.reply(id, 15_000);
}

describe('docs/data-sources.md', () => {
  it('shows every handler example exactly as it is in examples/data-sources/handlers, and the dev configuration verbatim', () => {
    const doc = readFileSync(DOC, 'utf8');
    const files = readdirSync(`${EXAMPLES}handlers`).map((f) => readFileSync(`${EXAMPLES}handlers/${f}`, 'utf8'));
    const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
    assert.equal(blocks.length, files.length, 'one block per example handler');
    for (const block of blocks) assert.ok(files.includes(block), `the doc block is an example file verbatim:\n${block}`);
    const yaml = doc.match(/```yaml\n([\s\S]*?)```/)![1]!;
    assert.ok(readFileSync(`${EXAMPLES}dynamodb.yaml`, 'utf8').includes(yaml), 'the first yaml block is in dynamodb.yaml verbatim');
  });
});

describe('examples/data-sources/dynamodb.yaml under switchboard dev, with nothing else running', () => {
  it('saves, reads back, and refuses a subscription to a room nobody opened', async () => {
    const child = spawn(process.execPath, [BIN, 'dev', '--config', `${EXAMPLES}dynamodb.yaml`, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let client: TestClient | undefined;
    try {
      await until(() => /WebSocket:\s+ws:\/\//.test(stdout), 'switchboard dev to listen', 20_000);
      const realtime = /WebSocket:\s+(ws:\/\/127\.0\.0\.1:\d+\/event\/realtime)/.exec(stdout)![1]!;
      client = await TestClient.connect(realtime, { apiKey: KEY });
      assert.equal((await subscribe(client, 'h', '/history/*')).type, 'subscribe_success');
      assert.equal((await publish(client, 'p1', '/chat/room', [{ text: 'hello' }, { text: 'world' }])).type, 'publish_success');
      assert.equal((await publish(client, 'p2', '/history/q', [{ channel: '/chat/room' }])).type, 'publish_success');
      const frame = await client.next((f) => f.type === 'data' && f['id'] === 'h', 10_000);
      const messages = (JSON.parse(frame['event'] as string) as { messages: { channel: string; id: string; text: string }[] }).messages;
      assert.deepEqual(messages.map((m) => m.text).sort(), ['hello', 'world']);
      assert.ok(messages.every((m) => m.channel === '/chat/room' && /^[0-9A-Za-z]{27}$/.test(m.id)));

      assert.equal(errorOf(await subscribe(client, 'r1', '/rooms/lobby')).errorType, 'UnauthorizedException');
      assert.equal((await publish(client, 'p3', '/rooms/lobby', [{ open: true }])).type, 'publish_success');
      assert.equal((await subscribe(client, 'r2', '/rooms/lobby')).type, 'subscribe_success');
      assert.match(stdout, /embedded store/);
    } finally {
      await client?.close();
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});

describe('examples/data-sources/switchboard.yaml: PostgreSQL, HTTP, EventBridge', () => {
  const schema = `sb_examples_${randomBytes(4).toString('hex')}`;
  let admin: pg.Pool;
  let api: Server;
  let bus: Server;
  const busEntries: Record<string, unknown>[] = [];
  let switchboard: Switchboard;
  let address: ListenAddress;
  let client: TestClient;
  let skip: string | undefined;

  before(async () => {
    const available = await serviceAvailable('PostgreSQL', DATABASE_URL);
    if (!available.ok) return void (skip = available.reason);
    admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.persons (id uuid PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    api = (await import(`${EXAMPLES}profile-api.mjs`)).server as Server;
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
    // A stand-in for EventBridge (there is no local one): answers PutEvents as EventBridge does.
    bus = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const entries = (JSON.parse(text) as { Entries: Record<string, unknown>[] }).Entries;
        busEntries.push(...entries);
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        res.end(JSON.stringify({ Entries: entries.map((_, i) => ({ EventId: `e${i}` })), FailedEntryCount: 0 }));
      });
    });
    await new Promise<void>((r) => bus.listen(0, '127.0.0.1', () => r()));

    // The example file as written, with the addresses of this machine's test services.
    const input = parseYaml(readFileSync(`${EXAMPLES}switchboard.yaml`, 'utf8')) as { dataSources: Record<string, unknown>[]; server: Record<string, unknown> };
    const url = new URL(DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    input.dataSources[0]!['connectionString'] = url.toString();
    input.dataSources[1]!['endpoint'] = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    input.dataSources[2]!['endpoint'] = `http://127.0.0.1:${(bus.address() as AddressInfo).port}`;
    input.server['port'] = 0;
    switchboard = new Switchboard(parseConfig(input, 'switchboard.yaml', EXAMPLES), { logger: createLogger({ level: 'error' }) });
    address = await switchboard.listen();
    client = await TestClient.connect(address.realtimeUrl, { apiKey: KEY });
    for (const ns of ['persons', 'enrich', 'bus']) assert.equal((await subscribe(client, ns, `/${ns}/*`)).type, 'subscribe_success');
  });

  after(async () => {
    if (skip) return;
    await client?.close();
    await switchboard?.close();
    await new Promise<void>((r) => api.close(() => r()));
    await new Promise<void>((r) => bus.close(() => r()));
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });

  it('persons: insert-then-select gives subscribers the row as stored', async (t) => {
    if (skip) return t.skip(skip);
    assert.equal((await publish(client, 'p1', '/persons/new', [{ name: "Ada'; DROP TABLE persons; --" }])).type, 'publish_success');
    const row = JSON.parse((await client.next((f) => f.type === 'data' && f['id'] === 'persons', 10_000))['event'] as string) as Record<string, unknown>;
    assert.equal(row['name'], "Ada'; DROP TABLE persons; --");
    assert.match(String(row['id']), /^[0-9a-f-]{36}$/);
    assert.ok(!Number.isNaN(Date.parse(String(row['created_at']))));
    assert.equal((await admin.query(`SELECT count(*)::int AS n FROM ${schema}.persons`)).rows[0].n, 1);
  });

  it('enrich: adds the profile API answer, and fails the event of an unknown user', async (t) => {
    if (skip) return t.skip(skip);
    const reply = await publish(client, 'p2', '/enrich/room', [{ user: 'ada', text: 'hi' }]);
    assert.equal(reply.type, 'publish_success');
    const event = JSON.parse((await client.next((f) => f.type === 'data' && f['id'] === 'enrich', 10_000))['event'] as string);
    assert.deepEqual(event, { user: 'ada', text: 'hi', profile: { name: 'Ada Lovelace', plan: 'pro' } });
    const unknown = await publish(client, 'p3', '/enrich/room', [{ user: 'mallory' }]);
    assert.deepEqual((unknown['failed'] as { message: string }[]).map((f) => f.message), ['unknown user']);
  });

  it('bus: every event is also put on the EventBridge bus', async (t) => {
    if (skip) return t.skip(skip);
    assert.equal((await publish(client, 'p4', '/bus/orders', [{ order: 7 }])).type, 'publish_success');
    await client.next((f) => f.type === 'data' && f['id'] === 'bus', 10_000);
    assert.deepEqual(busEntries.at(-1), { EventBusName: 'default', Source: '/bus/orders', DetailType: 'bus', Detail: '{"payload":{"order":7}}' });
  });
});
