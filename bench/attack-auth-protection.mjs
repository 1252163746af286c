// Re-runs the auth, protection and header attacks of issue 10 against a real Switchboard process
// (the CLI, spawned) and prints what was tried and what happened. Run on purpose, never in the suite.
// Usage: npm run build && node bench/attack-auth-protection.mjs [spray=20000]
//
// Groups: auth attacks (API key, JWT, SigV4, Lambda, mode confusion) over WebSocket connect,
// WebSocket messages and HTTP: every one must be refused; floods against the protection rules from
// one address, from many loopback addresses (127.0.0.0/8) and over IPv6 ::1; X-Forwarded-For and
// Origin spoofing; header tricks. Figures: attempts, how many got through, refusal statuses, the
// /healthz latency during the floods, the server's RSS and tracked clients before and after an
// address spray.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { WebSocket } from 'ws';
import { TestJwtIssuer, tamperedToken, unsignedToken } from '../packages/server/dist/test-support/jwt-issuer.js';
import { signWithSmithy } from '../packages/server/dist/test-support/smithy-signer.js';

const spray = Number(process.argv[2] ?? 20_000);
const KEY = 'da2-attackbenchkey000000000001';
const IAM = { accessKeyId: 'AKIDATTACKBENCH1', secretAccessKey: 'attack-bench-secret-key-00000000000001' };
const rows = [];
const dir = mkdtempSync(join(tmpdir(), 'sb-attack-'));

const idp = await TestJwtIssuer.start();
writeFileSync(join(dir, 'authorizer.mjs'), `export const handler = async (e) => ({ isAuthorized: e.authorizationToken === 'allow-me' });`);
const config = {
  server: { host: '::', port: 0, metrics: true },
  log: { level: 'info' },
  auth: {
    apiKeys: [{ key: KEY }],
    oidc: { issuer: idp.issuer, jwksUri: idp.jwksUri, clientId: 'bench' },
    lambda: { function: './authorizer.mjs', runtime: 'inline' },
    iam: { accessKeys: [IAM] },
  },
  namespaces: [{ name: 'default' }, { name: 'iamonly', publishModes: ['AWS_IAM'], subscribeModes: ['AWS_IAM'] }],
  protection: {
    trustedProxies: ['127.0.0.1'],
    denyIps: ['127.66.0.0/16'],
    allowedOrigins: ['https://app.example.com'],
    connectRate: { limit: 60, windowSeconds: 300 },
    publishRate: { limit: 600, windowSeconds: 300 },
    maxConnectionsPerIp: 40,
    maxConnections: 1000,
    maxTrackedIps: 10_000,
  },
};
writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
const child = spawn(process.execPath, ['packages/server/bin/switchboard.js', 'start', '--config', join(dir, 'config.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
const logs = [];
process.on('exit', () => child.kill('SIGKILL'));
const port = await new Promise((resolve, reject) => {
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      logs.push(line);
      const http = /"http":"http:\/\/[^"]*:(\d+)\/event"/.exec(line);
      if (http) resolve(Number(http[1]));
    }
  });
  child.on('exit', (code) => reject(new Error(`server exited ${code}: ${child.stderr.read()}`)));
});
const v4 = `ws://127.0.0.1:${port}/event/realtime`;
const v6 = `ws://[::1]:${port}/event/realtime`;
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** One upgrade attempt: resolves with the HTTP status (101, or the refusal) and, when open, the first frame. */
function upgrade(url, headerObject, options = {}) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, ['aws-appsync-event-ws', 'header-' + b64(headerObject)], options);
    const done = (result) => {
      ws.removeAllListeners();
      ws.on('error', () => {});
      if (!options.keep) ws.terminate();
      resolve({ ...result, ws });
    };
    ws.once('unexpected-response', (_req, res) => done({ status: res.statusCode, retryAfter: res.headers['retry-after'] }));
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'connection_init' }));
      ws.once('message', (data) => done({ status: 101, frame: JSON.parse(String(data)).type }));
    });
    ws.once('error', (err) => done({ status: 0, error: err.message }));
  });
}

function post(body, headers, options = {}) {
  return new Promise((resolve) => {
    const invalid = Object.values(headers).some((v) => /[^\t\x20-\x7e\x80-\xff]/.test(v));
    // Node's client will not send such a header: only WebSocket header objects can carry it.
    if (invalid) return resolve({ status: 'unsendable over HTTP' });
    const req = request({ host: options.host ?? '127.0.0.1', port, path: options.path ?? '/event', method: options.method ?? 'POST', headers, localAddress: options.localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', (err) => resolve({ status: 0, error: err.message }));
    req.end(body);
  });
}

function raw(data) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(data));
    let text = '';
    socket.on('data', (c) => (text += c));
    socket.on('close', () => resolve(text.slice(0, 12)));
    socket.on('error', () => resolve(text.slice(0, 12) || 'reset'));
  });
}

async function metric(series) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(text.split('\n').find((l) => l.startsWith(series + ' '))?.split(' ')[1] ?? 0);
}

async function healthLatency(during) {
  const samples = [];
  let running = true;
  const probe = (async () => {
    while (running) {
      const t = performance.now();
      await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => {});
      samples.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await during();
  running = false;
  await probe;
  samples.sort((a, b) => a - b);
  return `healthz p50 ${samples[Math.floor(samples.length / 2)]?.toFixed(1)} ms, max ${samples.at(-1)?.toFixed(1)} ms`;
}

async function inBatches(n, size, fn) {
  const results = [];
  for (let i = 0; i < n; i += size) results.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => fn(i + j)))));
  return results;
}

const tally = (results, ok) => {
  const counts = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return { attempts: results.length, through: results.filter(ok).length, statuses: JSON.stringify(counts) };
};
const record = (group, attack, t, figure = '') => {
  rows.push({ group, attack, attempts: t.attempts, through: t.through, statuses: t.statuses, figure });
  console.error(`done: ${attack}`);
};

// --- Auth attacks (each from its own loopback address, so rate rules do not hide them) ---------
let addr = 0;
const nextAddr = () => `127.10.${(++addr >> 8) & 255}.${addr & 255}`;
const now = Math.floor(Date.now() / 1000);
const good = await idp.token({ aud: 'bench', sub: 'u' });
const jwtAttacks = {
  'alg none': unsignedToken(good),
  'tampered sub': tamperedToken(good, { sub: 'admin' }),
  expired: await idp.token({ aud: 'bench' }, { expiresIn: -60 }),
  'no exp': await idp.token({ aud: 'bench' }, { expiresIn: null }),
  'iat a year ahead': await idp.token({ aud: 'bench' }, { issuedAt: 365 * 86400, expiresIn: 366 * 86400 }),
  'nbf ahead': await idp.token({ aud: 'bench' }, { notBefore: 600 }),
  'other audience': await idp.token({ aud: 'other' }),
  'HS256 with the public key (alg confusion)': await new SignJWT({ aud: 'bench' }).setProtectedHeader({ alg: 'HS256', kid: 'key-1' }).setIssuer(idp.issuer).setExpirationTime(now + 600).sign(new TextEncoder().encode(JSON.stringify(idp.jwks().keys[0]))),
  'kid path injection': tamperedToken(good, {}).replace(/^[^.]+/, b64({ alg: 'RS256', kid: '../../../../etc/passwd' })),
};
const iamBody = '{}';
const signed = async (opts = {}, body = iamBody) => signWithSmithy(opts.host ?? 'localhost', body, opts.creds ?? IAM, opts);
const iamAttacks = {
  'wrong secret': await signed({ creds: { ...IAM, secretAccessKey: 'x'.repeat(40) } }),
  'unknown key': await signed({ creds: { ...IAM, accessKeyId: 'AKIDUNKNOWN1' } }),
  'replayed, 10 min old': await signed({ date: new Date(Date.now() - 600_000) }),
  'dated 10 min ahead': await signed({ date: new Date(Date.now() + 600_000) }),
  'signed for another host': await signed({ host: 'abc.appsync-api.us-east-1.amazonaws.com' }),
  'signed over another body': await signed({}, '{"channel":"/default/x"}'),
  'forged session token': { ...(await signed()), 'x-amz-security-token': 'forged' },
  'host not signed': await signed({ unsigned: ['host'] }),
  'SHA1 algorithm': Object.fromEntries(Object.entries(await signed()).map(([k, v]) => [k, k === 'authorization' ? v.replace('SHA256', 'SHA1') : v])),
  'service s3': Object.fromEntries(Object.entries(await signed()).map(([k, v]) => [k, k === 'authorization' ? v.replace('/appsync/', '/s3/') : v])),
  'truncated signature': Object.fromEntries(Object.entries(await signed()).map(([k, v]) => [k, k === 'authorization' ? v.slice(0, -2) : v])),
};
const connectAttacks = {
  ...Object.fromEntries(['da2-attackbenchkey00000000000', KEY.toUpperCase(), KEY + 'x', '', `${KEY}\u200b`, `wrong, ${KEY}`].map((k) => [`API key ${JSON.stringify(k).slice(0, 24)}`, { 'x-api-key': k }])),
  ...Object.fromEntries(Object.entries(jwtAttacks).map(([k, t]) => [`JWT ${k}`, { authorization: t }])),
  ...Object.fromEntries(Object.entries(iamAttacks).map(([k, h]) => [`SigV4 ${k}`, h])),
  'Lambda token denied': { authorization: 'deny-me' },
  'Lambda empty token': { authorization: ' ' },
};
const connectResults = [];
for (const [name, headers] of Object.entries(connectAttacks)) {
  const r = await upgrade(v4, { host: 'localhost', ...headers }, { localAddress: nextAddr() });
  if (r.frame !== 'connection_error') console.error(`!! ${name}: ${JSON.stringify({ status: r.status, frame: r.frame })}`);
  connectResults.push(r);
}
record('auth', 'WebSocket connect with bad credentials (API key, JWT, SigV4, Lambda variants)', tally(connectResults, (r) => r.frame === 'connection_ack'));

// The session connects with IAM: a connect signature covers `{}` only, so the connection's own
// credentials, which a message's authorization is merged over (D16), authorize no message.
const session = await upgrade(v4, { host: 'localhost', ...(await signed()) }, { keep: true, localAddress: nextAddr() });
const replies = [];
session.ws.on('message', (d) => replies.push(JSON.parse(String(d))));
const messageAttacks = [
  ...Object.entries(connectAttacks).map(([, auth]) => ({ type: 'publish', channel: '/default/a', events: ['1'], authorization: { host: 'localhost', ...auth } })),
  { type: 'publish', channel: '/iamonly/a', events: ['1'], authorization: { 'x-api-key': KEY } },
  { type: 'subscribe', channel: '/iamonly/*', authorization: { 'x-api-key': KEY } },
  { type: 'publish', channel: '/default/a', events: ['1'], authorization: { host: 'localhost', ...(await signed({}, '{"channel":"/default/a"}')) } },
];
messageAttacks.forEach((m, i) => session.ws.send(JSON.stringify({ ...m, id: `m${i}` })));
while (replies.filter((r) => /^m\d/.test(r.id ?? '')).length < messageAttacks.length) await new Promise((r) => setTimeout(r, 20));
const answered = replies.filter((r) => /^m\d/.test(r.id ?? ''));
record('auth', 'WebSocket publish/subscribe with bad credentials, mode confusion, replayed signatures', { attempts: answered.length, through: answered.filter((r) => r.type.endsWith('_success')).length, statuses: JSON.stringify(Object.fromEntries([...new Set(answered.map((r) => r.errors?.[0]?.errorCode))].map((c) => [c, answered.filter((r) => r.errors?.[0]?.errorCode === c).length]))) });
session.ws.terminate();

const body = JSON.stringify({ channel: '/default/a', events: ['1'] });
const httpResults = [];
for (const auth of Object.values(connectAttacks)) httpResults.push(await post(body, { 'content-type': 'application/json', ...auth }, { localAddress: nextAddr() }));
httpResults.push(await post(JSON.stringify({ channel: '/iamonly/a', events: ['1'] }), { 'x-api-key': KEY }, { localAddress: nextAddr() }));
record('auth', 'HTTP publish with bad credentials, and an API key on an IAM-only namespace', tally(httpResults, (r) => r.status === 200));
const padded = await Promise.all([upgrade(v4, { host: 'localhost', 'x-api-key': ` ${KEY}\t` }, { localAddress: nextAddr() }), post(body, { 'x-api-key': ` ${KEY} ` }, { localAddress: nextAddr() })]);
record('headers', 'API key padded with whitespace: WebSocket and HTTP agree', { attempts: 2, through: padded.filter((r) => r.frame === 'connection_ack' || r.status === 200).length, statuses: JSON.stringify(padded.map((r) => r.frame ?? r.status)) }, 'both accepted, as Node strips HTTP OWS');

// --- Protection floods ----------------------------------------------------------------------------
const baseline = await healthLatency(() => new Promise((r) => setTimeout(r, 3000)));
rows.push({ group: 'protection', attack: 'no attack (baseline)', attempts: 0, through: 0, statuses: '', figure: baseline });
let flood;
const connectFigure = await healthLatency(async () => {
  flood = await inBatches(3000, 50, () => upgrade(v4, { host: 'localhost', 'x-api-key': KEY }, { localAddress: '127.20.0.1' }));
});
record('protection', 'connect flood, one IPv4 address, 50 at a time (connectRate 60 / 300 s, maxConnectionsPerIp 40)', tally(flood, (r) => r.status === 101), connectFigure);
const flood6 = await inBatches(500, 50, () => upgrade(v6, { host: 'localhost', 'x-api-key': KEY }));
record('protection', 'connect flood over IPv6 ::1', tally(flood6, (r) => r.status === 101));
let publishes;
const publishFigure = await healthLatency(async () => {
  publishes = await inBatches(5000, 50, () => post(body, { 'x-api-key': KEY }, { localAddress: '127.20.0.2' }));
});
record('protection', 'HTTP publish flood, one address (publishRate 600 / 300 s)', tally(publishes, (r) => r.status === 200), publishFigure);
const xff = await inBatches(700, 50, (i) => post(body, { 'x-api-key': KEY, 'x-forwarded-for': `198.51.100.${i % 250}` }, { localAddress: '127.20.0.3' }));
record('protection', 'X-Forwarded-For rotation from an untrusted peer (ignored: one client, publishRate 600)', tally(xff, (r) => r.status === 200));
const xffDeny = await post(body, { 'x-api-key': KEY, 'x-forwarded-for': '127.66.1.1' }, { localAddress: '127.0.0.1' });
const xffSpoof = await post(body, { 'x-api-key': KEY, 'x-forwarded-for': '127.66.1.1, 127.20.0.9' }, { localAddress: '127.0.0.1' });
record('protection', 'X-Forwarded-For through the trusted proxy 127.0.0.1: denied client, and a spoofed left hop', { attempts: 2, through: [xffDeny, xffSpoof].filter((r) => r.status === 200).length, statuses: JSON.stringify([xffDeny.status, xffSpoof.status]) }, 'the denied client is refused; the spoofed left hop is not believed');

const held = await inBatches(300, 50, (i) => upgrade(v4, { host: 'localhost', 'x-api-key': KEY }, { keep: true, localAddress: `127.30.0.${1 + (i % 2)}` }));
record('protection', 'open 150 connections from each of 2 addresses (maxConnectionsPerIp 40)', tally(held, (r) => r.status === 101));
const wide = await inBatches(1200, 50, (i) => upgrade(v4, { host: 'localhost', 'x-api-key': KEY }, { keep: true, localAddress: `127.31.${i >> 6}.${i & 63}` }));
record('protection', 'then 1,200 more, one from each of 1,200 addresses (maxConnections 1000)', tally(wide, (r) => r.status === 101), `open: ${await metric('switchboard_connections')}`);
for (const r of [...held, ...wide]) r.ws.terminate();

const rssBefore = rss();
const sprayStart = performance.now();
const sprayed = await inBatches(spray, 100, (i) => upgrade(v4, { host: 'localhost', 'x-api-key': 'bad' }, { localAddress: `127.${40 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}` }));
record('protection', `address spray: ${spray} upgrades from ${spray} loopback addresses`, tally(sprayed, (r) => r.frame === 'connection_ack'), `${((performance.now() - sprayStart) / 1000).toFixed(1)} s; tracked clients ${await metric('switchboard_protection_tracked_clients')} (maxTrackedIps 10000); RSS ${rssBefore.toFixed(0)} -> ${rss().toFixed(0)} MiB`);

// --- Origin and header tricks ----------------------------------------------------------------------
const origins = ['https://evil.example', 'null', 'https://app.example.com.evil.net', 'https://evil.app.example.com', 'http://app.example.com', 'https://app.example.com:444'];
const originResults = await Promise.all(origins.map((origin, i) => upgrade(i % 2 ? v6 : v4, { host: 'localhost', 'x-api-key': KEY }, { origin, localAddress: i % 2 ? undefined : nextAddr() })));
record('origin', `WebSocket from other origins (${origins.length} spoofs, IPv4 and IPv6)`, tally(originResults, (r) => r.status === 101));
const tricks = {
  'headers of 20 KiB': `GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: ${'a'.repeat(20_000)}\r\n\r\n`,
  'header- subprotocol of 20 KiB': `GET /event/realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: aws-appsync-event-ws, header-${'A'.repeat(20_000)}\r\n\r\n`,
  'malformed request line': 'GET\r\n\r\n',
  'header without a colon': 'GET /healthz HTTP/1.1\r\nHost: x\r\nBroken\r\n\r\n',
  'bare LF line endings with a smuggled header': 'POST /event HTTP/1.1\nHost: x\nContent-Length: 5\nTransfer-Encoding: chunked\n\n0\r\n\r\n',
};
for (const [name, data] of Object.entries(tricks)) rows.push({ group: 'headers', attack: name, attempts: 1, through: 0, statuses: JSON.stringify(await raw(data)), figure: '' });
const corsMetrics = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { origin: 'https://evil.example' } });
rows.push({ group: 'headers', attack: 'a foreign page reading /metrics (CORS)', attempts: 1, through: corsMetrics.headers.get('access-control-allow-origin') === null ? 0 : 1, statuses: String(corsMetrics.status), figure: 'no Access-Control-Allow-Origin' });
const queryKey = await upgrade(`${v4}?x-api-key=${KEY}`, { host: 'localhost' }, { localAddress: nextAddr() });
rows.push({ group: 'headers', attack: 'API key in the query string', attempts: 1, through: queryKey.frame === 'connection_ack' ? 1 : 0, statuses: JSON.stringify(queryKey.frame), figure: '' });

const leaked = logs.some((l) => l.includes(KEY) || l.includes(IAM.secretAccessKey));
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
await idp.close();
rmSync(dir, { recursive: true, force: true });
console.table(rows);
console.log(`refusals by reason: see /metrics; log lines: ${logs.length}; a credential in any log line: ${leaked}`);
