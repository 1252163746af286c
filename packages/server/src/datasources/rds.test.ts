import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { serviceAvailable } from '../test-support/services.js';
import { until } from '../test-support/until.js';
import { TestClient, type Frame } from '../test-support/ws-client.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env['MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';
const EVIL = "x'); DROP TABLE persons; --";

// One handler per engine, dispatching on the event's `op`. TABLE is replaced by the test's table.
const PG_HANDLER = `import { util } from '@aws-appsync/utils'
import { sql, createPgStatement, select, insert, update, remove, typeHint, toJsonObject } from '@aws-appsync/utils/rds'

export const onPublish = {
  request(ctx) {
    const e = ctx.events[0].payload
    if (e.op === 'add') return createPgStatement(sql\`INSERT INTO TABLE (id, name) VALUES (\${e.id}, \${e.name})\`, sql\`SELECT * FROM TABLE WHERE id = \${e.id}\`)
    if (e.op === 'insert') return createPgStatement(insert({ table: 'TABLE', values: { id: e.id, name: e.name }, returning: '*' }))
    if (e.op === 'find') return createPgStatement(select({ table: 'TABLE', columns: ['id', 'name'], where: { name: { beginsWith: e.prefix } }, orderBy: [{ column: 'id' }] }))
    if (e.op === 'rename') return createPgStatement(update({ table: 'TABLE', values: { name: e.name }, where: { id: { eq: e.id } }, returning: ['id', 'name'] }))
    if (e.op === 'delete') return createPgStatement(remove({ table: 'TABLE', where: { id: { eq: e.id } }, returning: '*' }))
    if (e.op === 'typed') return createPgStatement(
      sql\`INSERT INTO TABLE_typed (at, doc, uid, price, d) VALUES (\${typeHint.TIMESTAMP(e.at)}, \${typeHint.JSON(e.doc)}, \${typeHint.UUID(e.uid)}, \${typeHint.DECIMAL(e.price)}, \${typeHint.DATE(e.d)})\`,
      sql\`SELECT at, doc, uid, price, d, n, 1::int AS i, true AS b, 1.5::float8 AS f, 9007199254740993::int8 AS big, ARRAY[1,2] AS arr FROM TABLE_typed\`)
    if (e.op === 'half') return createPgStatement(sql\`INSERT INTO TABLE (id, name) VALUES (\${e.id}, 'half')\`, sql\`SELECT * FROM no_such_table_anywhere\`)
    if (e.op === 'sleep') return createPgStatement(sql\`SELECT pg_sleep(\${e.seconds})\`)
    return createPgStatement('SELECT 1 AS one')
  },
  response(ctx) {
    const e = ctx.events[0].payload
    if (ctx.error && e.raise) util.error(ctx.error.message, ctx.error.type)
    if (ctx.error) return ctx.events
    return ctx.events.map((ev) => ({ id: ev.id, payload: toJsonObject(ctx.result) }))
  },
}
`;

const MYSQL_HANDLER = `import { util } from '@aws-appsync/utils'
import { sql, createMySQLStatement, select, insert, toJsonObject } from '@aws-appsync/utils/rds'

export const onPublish = {
  request(ctx) {
    const e = ctx.events[0].payload
    if (e.op === 'add') return createMySQLStatement(sql\`INSERT INTO TABLE (name, price, doc, created, flag) VALUES (\${e.name}, \${e.price}, \${e.doc}, \${e.created}, \${e.flag})\`, sql\`SELECT * FROM TABLE WHERE id = LAST_INSERT_ID()\`)
    if (e.op === 'insert') return createMySQLStatement(insert({ table: 'TABLE', values: { name: e.name } }))
    if (e.op === 'find') return createMySQLStatement(select({ table: 'TABLE', columns: ['name'], where: { name: { contains: e.part } }, orderBy: [{ column: 'id', dir: 'ASC' }] }))
    return createMySQLStatement(sql\`INSERT INTO TABLE (id, name) VALUES (\${e.id}, 'dup')\`)
  },
  response(ctx) {
    if (ctx.error) util.error(ctx.error.message, ctx.error.type)
    return ctx.events.map((ev) => ({ id: ev.id, payload: toJsonObject(ctx.result) }))
  },
}
`;

const errorOf = (f: Frame): { errorType: string; errorCode: number; message: string } => (f['errors'] as never[])[0]!;

async function roundTrip(client: TestClient, sub: string, channel: string, payload: unknown): Promise<{ reply: Frame; data?: unknown }> {
  const before = client.data(sub).length;
  const id = `p${randomBytes(4).toString('hex')}`;
  client.send({ type: 'publish', id, channel, events: [JSON.stringify(payload)], authorization: { 'x-api-key': TEST_KEY } });
  const reply = await client.reply(id, 15_000);
  if (reply.type !== 'publish_success') return { reply };
  await client.next(() => client.data(sub).length > before, 10_000);
  return { reply, data: client.data(sub).at(-1) };
}

describe('RELATIONAL_DATABASE on the real PostgreSQL', () => {
  const table = `sb_persons_${randomBytes(4).toString('hex')}`;
  const source = `db_${randomBytes(4).toString('hex')}`;
  let admin: pg.Pool;
  let files: HandlerFiles;
  let server: TestServer;
  let client: TestClient;
  let skip: string | undefined;

  before(async () => {
    const available = await serviceAvailable('PostgreSQL', DATABASE_URL);
    if (!available.ok) return void (skip = available.reason);
    admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    await admin.query(`CREATE TABLE ${table} (id text PRIMARY KEY, name text NOT NULL)`);
    await admin.query(`CREATE TABLE ${table}_typed (at timestamp, doc jsonb, uid uuid, price numeric(10,2), d date, n text)`);
    files = new HandlerFiles('rds-pg');
    files.write('package.json', '{"type":"module"}');
    const code = files.write('pg.js', PG_HANDLER.replaceAll('TABLE', table));
    server = await startTestServer({
      dataSources: [
        { name: source, type: 'RELATIONAL_DATABASE', engine: 'postgresql', connectionString: DATABASE_URL },
        { name: 'slowdb', type: 'RELATIONAL_DATABASE', engine: 'postgresql', connectionString: DATABASE_URL, timeoutMs: 300, maxConnections: 1 },
        { name: 'nodb', type: 'RELATIONAL_DATABASE', engine: 'postgresql', connectionString: 'postgres://postgres:hunter2secret@127.0.0.1:1/test' },
      ],
      namespaces: [
        { name: 'sql', code, onPublish: { dataSource: source } },
        { name: 'slow', code, onPublish: { dataSource: 'slowdb' } },
        { name: 'nodb', code, onPublish: { dataSource: 'nodb' } },
      ],
    });
    client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    client.send({ type: 'subscribe', id: 's', channel: '/sql/*', authorization: { 'x-api-key': TEST_KEY } });
    client.send({ type: 'subscribe', id: 'slow', channel: '/slow/*', authorization: { 'x-api-key': TEST_KEY } });
    await client.reply('s', 10_000);
    await client.reply('slow', 10_000);
  });

  after(async () => {
    if (skip) return;
    await client?.close();
    await server?.close();
    await admin.query(`DROP TABLE IF EXISTS ${table}, ${table}_typed`);
    await admin.end();
    files.remove();
  });

  it('runs insert-then-select with sql: values that would inject if interpolated are stored as text', async (t) => {
    if (skip) return t.skip(skip);
    const { data } = await roundTrip(client, 's', '/sql/a', { op: 'add', id: 'p1', name: EVIL });
    assert.deepEqual(data, [[], [{ id: 'p1', name: EVIL }]]);
    const { rows } = await admin.query(`SELECT name FROM ${table} WHERE id = 'p1'`);
    assert.deepEqual(rows, [{ name: EVIL }], 'the table is there and holds the value as written');
    const idInjection = await roundTrip(client, 's', '/sql/a', { op: 'add', id: "p2' OR '1'='1", name: 'two' });
    assert.deepEqual(idInjection.data, [[], [{ id: "p2' OR '1'='1", name: 'two' }]], 'the SELECT matched only the literal id');
  });

  it('runs the builders (insert, select, update, remove) with parameters, LIKE patterns escaped', async (t) => {
    if (skip) return t.skip(skip);
    assert.deepEqual((await roundTrip(client, 's', '/sql/b', { op: 'insert', id: 'b1', name: 'a%b' })).data, [[{ id: 'b1', name: 'a%b' }]]);
    await roundTrip(client, 's', '/sql/b', { op: 'insert', id: 'b2', name: 'abc' });
    assert.deepEqual((await roundTrip(client, 's', '/sql/b', { op: 'find', prefix: 'a%' })).data, [[{ id: 'b1', name: 'a%b' }]], "'a%' is a literal prefix, not a wildcard");
    assert.deepEqual((await roundTrip(client, 's', '/sql/b', { op: 'rename', id: 'b2', name: EVIL })).data, [[{ id: 'b2', name: EVIL }]]);
    assert.deepEqual((await roundTrip(client, 's', '/sql/b', { op: 'delete', id: 'b2' })).data, [[{ id: 'b2', name: EVIL }]]);
  });

  it('honours type hints and gives every column type in toJsonObject as the Data API does', async (t) => {
    if (skip) return t.skip(skip);
    const { data } = await roundTrip(client, 's', '/sql/c', { op: 'typed', at: '2025-01-02 03:04:05', doc: { a: [1, 'x'] }, uid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', price: '12.5', d: '2025-01-02' });
    assert.deepEqual(data, [[], [{
      at: '2025-01-02 03:04:05', doc: '{"a": [1, "x"]}', uid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', price: '12.50', d: '2025-01-02', n: null,
      i: 1, b: true, f: 1.5, big: '9007199254740993', arr: [1, 2],
    }]]);
  });

  it('runs two statements in one transaction: when the second fails, the first is undone', async (t) => {
    if (skip) return t.skip(skip);
    const { reply } = await roundTrip(client, 's', '/sql/d', { op: 'half', id: 'h1', raise: true });
    assert.equal(errorOf(reply).errorType, 'RDS:BadRequestException');
    assert.equal(errorOf(reply).errorCode, 403);
    assert.match(errorOf(reply).message, /relation "no_such_table_anywhere" does not exist \(42P01\)/);
    assert.equal((await admin.query(`SELECT count(*)::int AS n FROM ${table} WHERE id = 'h1'`)).rows[0].n, 0);
    const ignored = await roundTrip(client, 's', '/sql/d', { op: 'half', id: 'h2' });
    assert.equal(errorOf(ignored.reply).errorType, 'DataSourceError');
    assert.match(errorOf(ignored.reply).message, new RegExp(`data source ${source} failed \\(RDS:BadRequestException\\)`));
  });

  it('bounds a slow statement by timeoutMs and frees the connection for the next call', async (t) => {
    if (skip) return t.skip(skip);
    const started = Date.now();
    const { reply } = await roundTrip(client, 'slow', '/slow/a', { op: 'sleep', seconds: 3, raise: true });
    assert.match(errorOf(reply).errorType, /^RDS:(StatementTimeoutException|TimeoutError)$/);
    assert.ok(Date.now() - started < 2500, 'the publisher did not wait for the statement');
    const next = await roundTrip(client, 'slow', '/slow/a', { op: 'one' });
    assert.deepEqual(next.data, [[{ one: 1 }]], 'the only pooled connection was released');
  });

  it('gives RDS:ConnectionError when the database is down, and never shows the password', async (t) => {
    if (skip) return t.skip(skip);
    const { reply } = await roundTrip(client, 's', '/nodb/a', { op: 'one', raise: true });
    assert.equal(errorOf(reply).errorType, 'RDS:ConnectionError');
    assert.doesNotMatch(JSON.stringify(reply), /hunter2secret/);
    assert.doesNotMatch(JSON.stringify(server.logs), /hunter2secret/);
    assert.ok(server.logs.some((l) => l['dataSource'] === 'nodb' && String(l['database']).includes('postgres:***@127.0.0.1:1/test')));
  });

  it('closes its pool on shutdown: no connection of the data source is left open', async (t) => {
    if (skip) return t.skip(skip);
    const open = async (): Promise<number> => (await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [`switchboard/${source}`])).rows[0].n;
    assert.ok((await open()) > 0, 'the pool holds idle connections while the server runs');
    await client.close();
    await server.close();
    await until(async () => (await open()) === 0, 'the pool to close its connections');
  });
});

describe('RELATIONAL_DATABASE on the real MariaDB', () => {
  const table = `sb_items_${randomBytes(4).toString('hex')}`;
  let admin: mysql.Pool;
  let files: HandlerFiles;
  let server: TestServer;
  let client: TestClient;
  let skip: string | undefined;

  before(async () => {
    const available = await serviceAvailable('MariaDB', MYSQL_URL);
    if (!available.ok) return void (skip = available.reason);
    admin = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
    await admin.query(`CREATE TABLE ${table} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL, price DECIMAL(10,2), doc JSON, created DATETIME, flag BOOLEAN)`);
    files = new HandlerFiles('rds-mysql');
    files.write('package.json', '{"type":"module"}');
    server = await startTestServer({
      dataSources: [{ name: 'maria', type: 'RELATIONAL_DATABASE', engine: 'mysql', connectionString: MYSQL_URL }],
      namespaces: [{ name: 'my', code: files.write('mysql.js', MYSQL_HANDLER.replaceAll('TABLE', table)), onPublish: { dataSource: 'maria' } }],
    });
    client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    client.send({ type: 'subscribe', id: 's', channel: '/my/*', authorization: { 'x-api-key': TEST_KEY } });
    await client.reply('s', 10_000);
  });

  after(async () => {
    if (skip) return;
    await client?.close();
    await server?.close();
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await admin.end();
    files.remove();
  });

  it('runs insert-then-select (LAST_INSERT_ID on the same connection) with injection attempts stored as text', async (t) => {
    if (skip) return t.skip(skip);
    const { data } = await roundTrip(client, 's', '/my/a', { op: 'add', name: EVIL, price: '9.99', doc: '{"k": "v"}', created: '2025-01-02 03:04:05', flag: true });
    assert.deepEqual(data, [[], [{ id: 1, name: EVIL, price: '9.99', doc: '{"k":"v"}', created: '2025-01-02 03:04:05', flag: 1 }]]);
    const [rows] = await admin.query(`SELECT name FROM ${table}`);
    assert.deepEqual(rows, [{ name: EVIL }]);
  });

  it('quotes identifiers with backticks in the builders and escapes LIKE patterns', async (t) => {
    if (skip) return t.skip(skip);
    await roundTrip(client, 's', '/my/b', { op: 'insert', name: 'fifty_percent' });
    await roundTrip(client, 's', '/my/b', { op: 'insert', name: 'fiftyXpercent' });
    assert.deepEqual((await roundTrip(client, 's', '/my/b', { op: 'find', part: 'y_p' })).data, [[{ name: 'fifty_percent' }]], "'_' is a literal, not a one-character wildcard");
  });

  it('gives the database error (duplicate key) as RDS:BadRequestException', async (t) => {
    if (skip) return t.skip(skip);
    const { reply } = await roundTrip(client, 's', '/my/c', { op: 'dup', id: 1 });
    assert.equal(errorOf(reply).errorType, 'RDS:BadRequestException');
    assert.match(errorOf(reply).message, /Duplicate entry '1' for key 'PRIMARY' \(23000\)/);
  });
});
