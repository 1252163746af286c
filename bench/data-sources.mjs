// What a data source adds per publish: the latency of a publish whose code handler calls each
// data source type, against the same code handler without one.
// Usage: npm run build && node bench/data-sources.mjs [publishes=500] [concurrency=1]
// Needs PostgreSQL (DATABASE_URL) and MariaDB/MySQL (MYSQL_URL) for those rows; a row whose
// service is down is reported as skipped. DynamoDB is the embedded store (dynalite, in process,
// as `switchboard dev` runs it); HTTP and EventBridge are minimal local endpoints in this process.
// One subscriber; `concurrency` publishers each await every publish_success (1 = pure latency).
import { createServer } from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import WebSocket from 'ws';
import { Switchboard, createLogger, parseConfig } from '../packages/server/dist/index.js';

const total = Number(process.argv[2] ?? 500);
const concurrency = Number(process.argv[3] ?? 1);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const KEY = 'da2-benchmarkbenchmarkbench01';
const TABLE = `sb_bench_${process.pid}`;
process.env.AWS_ACCESS_KEY_ID ??= 'bench';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';

const dir = fileURLToPath(new URL('../packages/server/.test-handlers/bench-ds/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
const file = (name, text) => { writeFileSync(join(dir, name), text); return join(dir, name); };
const forward = 'response(ctx) { if (ctx.error) util.error(ctx.error.message, ctx.error.type); return ctx.events }';
const header = "import { util } from '@aws-appsync/utils'\nimport * as ddb from '@aws-appsync/utils/dynamodb'\nimport { sql, createPgStatement, createMySQLStatement } from '@aws-appsync/utils/rds'\n";
const handlers = {
  plain: file('plain.js', 'export function onPublish(ctx) { return ctx.events }\n'),
  lambda: file('lambda.js', `${header}export const onPublish = { request: (ctx) => ({ operation: 'Invoke', payload: ctx.events }), response: (ctx) => ctx.result }\n`),
  fn: file('fn.mjs', 'export const handler = async (events) => events;\n'),
  ddb: file('ddb.js', `${header}export const onPublish = {
  request(ctx) {
    return ddb.batchPut({ tables: { 'bench-messages': ctx.events.map(({ payload }) => ({ channel: ctx.info.channel.path, id: util.autoKsuid(), createdAt: util.time.nowISO8601(), ...payload })) } })
  },
  ${forward},
}\n`),
  pg: file('pg.js', `${header}export const onPublish = { request: (ctx) => createPgStatement(sql\`INSERT INTO ${TABLE} (id, body) VALUES (\${ctx.events[0].id}, \${JSON.stringify(ctx.events[0].payload)})\`), ${forward} }\n`),
  mysql: file('mysql.js', `${header}export const onPublish = { request: (ctx) => createMySQLStatement(sql\`INSERT INTO ${TABLE} (id, body) VALUES (\${ctx.events[0].id}, \${JSON.stringify(ctx.events[0].payload)})\`), ${forward} }\n`),
  http: file('http.js', `${header}export const onPublish = { request: (ctx) => ({ method: 'POST', resourcePath: '/events', params: { body: { events: ctx.events } } }), ${forward} }\n`),
  eb: file('eb.js', `${header}export const onPublish = { request: (ctx) => ({ operation: 'PutEvents', events: ctx.events.map((e) => ({ source: ctx.info.channel.path, detailType: 'bench', detail: { payload: e.payload } })) }), ${forward} }\n`),
};

// Minimal local endpoints: an HTTP API answering {} and an EventBridge PutEvents.
const endpoint = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (req.headers['x-amz-target'] === 'AWSEvents.PutEvents') {
      const entries = JSON.parse(body).Entries.map((_, i) => ({ EventId: `e${i}` }));
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      return res.end(JSON.stringify({ Entries: entries, FailedEntryCount: 0 }));
    }
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
});
await new Promise((r) => endpoint.listen(0, '127.0.0.1', r));
const local = `http://127.0.0.1:${endpoint.address().port}`;

async function reachable(make) {
  try { await make(); return true; } catch (err) { return err.message; }
}
const pgAdmin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
const pgUp = await reachable(() => pgAdmin.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (id text PRIMARY KEY, body text)`));
const myAdmin = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 1 });
const myUp = await reachable(() => myAdmin.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (id VARCHAR(64) PRIMARY KEY, body TEXT)`));

const dynamo = {
  name: 'messages', type: 'AMAZON_DYNAMODB', tableName: 'bench-messages',
  keySchema: [{ attributeName: 'channel', keyType: 'HASH' }, { attributeName: 'id', keyType: 'RANGE' }],
  attributeDefinitions: [{ attributeName: 'channel', attributeType: 'S' }, { attributeName: 'id', attributeType: 'S' }],
};
const modes = [
  ['no handler', {}, []],
  ['code handler, no data source', { code: handlers.plain }, []],
  ['AWS_LAMBDA (function inline)', { code: handlers.lambda, onPublish: { dataSource: 'fn' } }, [{ name: 'fn', type: 'AWS_LAMBDA', function: handlers.fn, runtime: 'inline' }]],
  ['AMAZON_DYNAMODB (embedded, batchPut)', { code: handlers.ddb, onPublish: { dataSource: 'messages' } }, [dynamo]],
  ['RELATIONAL_DATABASE (PostgreSQL)', { code: handlers.pg, onPublish: { dataSource: 'db' } }, [{ name: 'db', type: 'RELATIONAL_DATABASE', engine: 'postgresql', connectionString: DATABASE_URL }], pgUp],
  ['RELATIONAL_DATABASE (MariaDB)', { code: handlers.mysql, onPublish: { dataSource: 'db' } }, [{ name: 'db', type: 'RELATIONAL_DATABASE', engine: 'mysql', connectionString: MYSQL_URL }], myUp],
  ['HTTP (local endpoint)', { code: handlers.http, onPublish: { dataSource: 'api' } }, [{ name: 'api', type: 'HTTP', endpoint: local }]],
  ['AMAZON_EVENTBRIDGE (local endpoint)', { code: handlers.eb, onPublish: { dataSource: 'bus' } }, [{ name: 'bus', type: 'AMAZON_EVENTBRIDGE', eventBusName: 'default', region: 'us-east-1', endpoint: local }]],
];

function connect(url) {
  const protocol = 'header-' + Buffer.from(JSON.stringify({ 'x-api-key': KEY })).toString('base64url');
  const ws = new WebSocket(url, ['aws-appsync-event-ws', protocol]);
  return new Promise((resolve, reject) => { ws.once('open', () => resolve(ws)); ws.once('error', reject); });
}

function publishLoop(ws, prefix, count, latencies) {
  return new Promise((resolve, reject) => {
    let n = 0;
    let sentAt = 0;
    const next = () => {
      if (n === count) { ws.off('message', onMessage); return resolve(); }
      sentAt = performance.now();
      ws.send(JSON.stringify({ type: 'publish', id: `${prefix}-${n}`, channel: '/bench/x', events: [JSON.stringify({ n, text: 'hello' })], authorization: { 'x-api-key': KEY } }));
    };
    const onMessage = (data) => {
      const text = data.toString();
      if (!text.includes(`"id":"${prefix}-${n}"`)) return;
      if (!text.includes('"type":"publish_success"')) return reject(new Error(text));
      latencies?.push(performance.now() - sentAt);
      n++;
      next();
    };
    ws.on('message', onMessage);
    next();
  });
}

async function run(name, ns, dataSources) {
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    auth: { apiKeys: [{ key: KEY }] },
    namespaces: [{ name: 'bench', ...ns }],
    dataSources,
    limits: { publishesPerSecond: 1_000_000, messagesPerSecond: 1_000_000, pendingOperations: 1_000_000 },
    log: { level: 'error' },
  }, 'bench');
  const server = new Switchboard(config, { logger: createLogger({ level: 'error' }), embeddedDataStores: true });
  const { realtimeUrl } = await server.listen();
  const subscriber = await connect(realtimeUrl);
  subscriber.send(JSON.stringify({ type: 'subscribe', id: 's', channel: '/bench/x', authorization: { 'x-api-key': KEY } }));
  await new Promise((r) => subscriber.once('message', r));
  const publishers = await Promise.all(Array.from({ length: concurrency }, () => connect(realtimeUrl)));
  const per = Math.ceil(total / concurrency);
  await Promise.all(publishers.map((ws, i) => publishLoop(ws, `w${i}`, 50)));
  const latencies = [];
  const started = process.hrtime.bigint();
  await Promise.all(publishers.map((ws, i) => publishLoop(ws, `p${i}`, per, latencies)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  for (const ws of [subscriber, ...publishers]) ws.close();
  await server.close();
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))];
  return { name, rate: (per * concurrency) / seconds, mean: latencies.reduce((a, b) => a + b, 0) / latencies.length, p50: at(0.5), p99: at(0.99) };
}

await run('warm-up (discarded)', {}, []);
const results = [];
for (const [name, ns, dataSources, up = true] of modes) {
  if (up !== true) { results.push({ name, skipped: up }); continue; }
  results.push(await run(name, ns, dataSources));
}
const code = results[1];
console.log(`node ${process.version}, ${total} publishes per mode, ${concurrency} publisher(s), 1 event per publish, 1 subscriber`);
console.log('mode                                   publishes/s  mean ms  p50 ms  p99 ms  added: mean ms  p50 ms');
for (const r of results) {
  if (r.skipped) { console.log(`${r.name.padEnd(39)}skipped: ${r.skipped}`); continue; }
  const base = r === results[0] || r === code;
  const added = (v) => (base ? '' : v.toFixed(3));
  console.log(`${r.name.padEnd(39)}${r.rate.toFixed(0).padStart(11)}  ${r.mean.toFixed(3).padStart(7)}  ${r.p50.toFixed(3).padStart(6)}  ${r.p99.toFixed(3).padStart(6)}  ${added(r.mean - code.mean).padStart(14)}  ${added(r.p50 - code.p50).padStart(6)}`);
}
if (pgUp === true) await pgAdmin.query(`DROP TABLE IF EXISTS ${TABLE}`);
if (myUp === true) await myAdmin.query(`DROP TABLE IF EXISTS ${TABLE}`);
await pgAdmin.end();
await myAdmin.end();
endpoint.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
