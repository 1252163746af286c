/**
 * The `protection` rules with real clients (the `ws` package, Node's HTTP client) over IPv4 and
 * IPv6 loopback, against a server listening on both: refusals before auth, their status, body,
 * Retry-After, metrics and logs.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import type { ConfigInput } from '../config/schema.js';
import { IAM_KEY } from '../test-support/auth-fixture.js';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { signWithSmithy } from '../test-support/smithy-signer.js';
import { attemptUpgrade, closeUpgrade, type UpgradeOutcome } from '../test-support/upgrade.js';
import { TestClient } from '../test-support/ws-client.js';

interface Endpoints {
  server: TestServer;
  v4: string;
  v6: string;
  http4: string;
  http6: string;
}

/** A server on `::` (dual stack), so IPv4 clients arrive as ::ffff:127.x.y.z and IPv6 ones as ::1. */
async function serve(protection: ConfigInput['protection'], patch: Partial<ConfigInput> = {}): Promise<Endpoints> {
  const server = await startTestServer({ server: { host: '::', port: 0 }, protection, ...patch });
  return {
    server,
    v4: `ws://127.0.0.1:${server.port}/event/realtime`,
    v6: `ws://[::1]:${server.port}/event/realtime`,
    http4: `http://127.0.0.1:${server.port}`,
    http6: `http://[::1]:${server.port}`,
  };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { errors?: { errorType: string; errorCode: number; message: string }[] };
}

/** POST /event from a chosen local address, with the test API key unless `headers` carry other credentials. */
function post(base: string, body: string, options: { headers?: Record<string, string>; localAddress?: string } = {}): Promise<Reply> {
  const credentials = options.headers?.['authorization'] === undefined ? { 'x-api-key': TEST_KEY } : {};
  return new Promise((resolve, reject) => {
    const req = request(`${base}/event`, { method: 'POST', headers: { ...credentials, 'content-type': 'application/json', ...options.headers }, localAddress: options.localAddress }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as Reply['body'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const PUBLISH = JSON.stringify({ channel: '/default/p', events: ['1'] });
const refusedWith = (outcome: UpgradeOutcome | Reply, status: number, errorType: string) => {
  assert.equal(outcome.status, status, JSON.stringify('body' in outcome ? outcome.body : 'upgraded'));
  assert.ok('body' in outcome);
  assert.equal(outcome.body.errors?.[0]?.errorType, errorType);
  assert.equal(outcome.body.errors?.[0]?.errorCode, status);
};
const metric = async (e: Endpoints, series: string): Promise<number> => {
  const line = (await (await fetch(`${e.http4}/metrics`)).text()).split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
};

describe('protection: IP lists', () => {
  it('refuses denied addresses (IPv6 and IPv4) with 403 WAFForbiddenException before auth, over WebSocket and HTTP', async (t) => {
    const e = await serve({ denyIps: ['::1', '127.0.0.2/32'] });
    t.after(() => e.server.close());
    refusedWith(await attemptUpgrade(e.v6, { apiKey: 'da2-not-even-a-valid-key' }), 403, 'WAFForbiddenException');
    refusedWith(await attemptUpgrade(e.v4, { apiKey: TEST_KEY, localAddress: '127.0.0.2' }), 403, 'WAFForbiddenException');
    refusedWith(await post(e.http6, 'not even JSON'), 403, 'WAFForbiddenException');
    refusedWith(await post(e.http4, PUBLISH, { localAddress: '127.0.0.2' }), 403, 'WAFForbiddenException');
    const allowed = await attemptUpgrade(e.v4, { apiKey: TEST_KEY, localAddress: '127.0.0.3' });
    assert.equal(allowed.status, 101);
    await closeUpgrade(allowed);
    assert.equal((await post(e.http4, PUBLISH, { localAddress: '127.0.0.3' })).status, 200);
    assert.equal(await metric(e, 'switchboard_protection_refusals_total{reason="ip_denied",transport="ws"}'), 2);
    assert.equal(await metric(e, 'switchboard_protection_refusals_total{reason="ip_denied",transport="http"}'), 2);
    assert.equal(await metric(e, 'switchboard_errors_total{errorType="WAFForbiddenException",transport="http"}'), 2);
  });

  it('admits only allowed addresses when allowIps is set', async (t) => {
    const e = await serve({ allowIps: ['127.0.0.0/8'] });
    t.after(() => e.server.close());
    refusedWith(await attemptUpgrade(e.v6, { apiKey: TEST_KEY }), 403, 'WAFForbiddenException');
    refusedWith(await post(e.http6, PUBLISH), 403, 'WAFForbiddenException');
    const v4 = await attemptUpgrade(e.v4, { apiKey: TEST_KEY });
    assert.equal(v4.status, 101);
    await closeUpgrade(v4);
    assert.equal(await metric(e, 'switchboard_protection_refusals_total{reason="ip_not_allowed",transport="ws"}'), 1);
  });
});

describe('protection: rate rules', () => {
  it('refuses WebSocket upgrades past connectRate per client with 429 and Retry-After; other clients are unaffected', async (t) => {
    const e = await serve({ connectRate: { limit: 3, windowSeconds: 60 } });
    t.after(() => e.server.close());
    for (let i = 0; i < 3; i++) {
      const ok = await attemptUpgrade(e.v4, { apiKey: TEST_KEY, localAddress: '127.0.0.4' });
      assert.equal(ok.status, 101, `connect ${i}`);
      await closeUpgrade(ok);
    }
    const refused = await attemptUpgrade(e.v4, { apiKey: TEST_KEY, localAddress: '127.0.0.4' });
    refusedWith(refused, 429, 'TooManyRequestsException');
    const retryAfter = Number('headers' in refused ? refused.headers['retry-after'] : NaN);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    for (const [url, localAddress] of [[e.v6, undefined], [e.v4, '127.0.0.5']] as const) {
      const other = await attemptUpgrade(url, { apiKey: TEST_KEY, ...(localAddress ? { localAddress } : {}) });
      assert.equal(other.status, 101, url);
      await closeUpgrade(other);
    }
    assert.equal(await metric(e, 'switchboard_protection_refusals_total{reason="rate_limited",transport="ws"}'), 1);
  });

  it('refuses HTTP publishes past publishRate per client with 429 before reading the body', async (t) => {
    const e = await serve({ publishRate: { limit: 2, windowSeconds: 60 } });
    t.after(() => e.server.close());
    assert.equal((await post(e.http6, PUBLISH)).status, 200);
    assert.equal((await post(e.http6, PUBLISH)).status, 200);
    const refused = await post(e.http6, '{"not":"read"');
    refusedWith(refused, 429, 'TooManyRequestsException');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.equal(refused.headers['connection'], 'close');
    assert.equal((await post(e.http4, PUBLISH)).status, 200, 'IPv4 loopback is another client');
  });
});

describe('protection: connection caps', () => {
  it('caps open connections per client (429) and in total (503), and gives slots back when sockets close', async (t) => {
    const e = await serve({ maxConnectionsPerIp: 2, maxConnections: 3 });
    t.after(() => e.server.close());
    const a1 = await attemptUpgrade(e.v4, { apiKey: TEST_KEY, localAddress: '127.0.0.6' });
    const a2 = await attemptUpgrade(e.v4, { apiKey: TEST_KEY, localAddress: '127.0.0.6' });
    assert.deepEqual([a1.status, a2.status], [101, 101]);
    refusedWith(await attemptUpgrade(e.v4, { apiKey: TEST_KEY, localAddress: '127.0.0.6' }), 429, 'TooManyRequestsException');
    const b = await attemptUpgrade(e.v6, { apiKey: TEST_KEY });
    assert.equal(b.status, 101);
    refusedWith(await attemptUpgrade(e.v4, { apiKey: TEST_KEY, localAddress: '127.0.0.7' }), 503, 'ServiceUnavailableException');
    await closeUpgrade(a1);
    while (e.server.switchboard.protection.openSlots > 2) await new Promise((r) => setTimeout(r, 10));
    const again = await attemptUpgrade(e.v4, { apiKey: TEST_KEY, localAddress: '127.0.0.6' });
    assert.equal(again.status, 101);
    assert.equal(await metric(e, 'switchboard_protection_refusals_total{reason="connections_per_ip",transport="ws"}'), 1);
    assert.equal(await metric(e, 'switchboard_protection_refusals_total{reason="connections_total",transport="ws"}'), 1);
    await Promise.all([a2, b, again].map(closeUpgrade));
  });

  it('gives the slot back when connection auth fails', async (t) => {
    const e = await serve({ maxConnectionsPerIp: 1 });
    t.after(() => e.server.close());
    for (let i = 0; i < 3; i++) {
      const client = await TestClient.connect(e.v6, { apiKey: 'da2-wrongwrongwrongwrong' });
      await client.next((f) => f.type === 'connection_error');
      await client.closed;
      while (e.server.switchboard.protection.openSlots > 0) await new Promise((r) => setTimeout(r, 10));
    }
    const ok = await attemptUpgrade(e.v6, { apiKey: TEST_KEY });
    assert.equal(ok.status, 101);
    await closeUpgrade(ok);
  });
});

describe('protection: Origin allow-list', () => {
  it('refuses a WebSocket from another site (cross-site WebSocket hijacking) and admits listed origins and non-browser clients', async (t) => {
    const e = await serve({ allowedOrigins: ['https://app.example.com'] });
    t.after(() => e.server.close());
    for (const url of [e.v4, e.v6]) {
      refusedWith(await attemptUpgrade(url, { apiKey: TEST_KEY, origin: 'https://evil.example' }), 403, 'WAFForbiddenException');
      for (const origin of ['https://app.example.com', undefined]) {
        const ok = await attemptUpgrade(url, { apiKey: TEST_KEY, ...(origin ? { origin } : {}) });
        assert.equal(ok.status, 101, `${url} ${origin}`);
        await closeUpgrade(ok);
      }
    }
    assert.equal(await metric(e, 'switchboard_protection_refusals_total{reason="origin_not_allowed",transport="ws"}'), 2);
  });
});

describe('protection: trusted proxies', () => {
  const ECHO = `export const handler = async (event) => ({ events: event.events.map((e) => ({ id: e.id, payload: { sourceIp: event.identity.sourceIp } })) });`;

  it('believes X-Forwarded-For only from a trusted proxy, and uses that address for rules, identity.sourceIp and logs', async (t) => {
    const files = new HandlerFiles('protection');
    const echo = files.write('echo.mjs', ECHO);
    const e = await serve(
      { trustedProxies: ['127.0.0.1'], denyIps: ['203.0.113.0/24'] },
      { auth: { apiKeys: [{ key: TEST_KEY }], iam: { accessKeys: [IAM_KEY] } }, namespaces: [{ name: 'default' }, { name: 'echo', onPublish: { function: echo, runtime: 'inline' } }] },
    );
    t.after(async () => {
      await e.server.close();
      files.remove();
    });
    refusedWith(await attemptUpgrade(e.v4, { apiKey: TEST_KEY, headers: { 'x-forwarded-for': '203.0.113.9' } }), 403, 'WAFForbiddenException');
    const untrusted = await attemptUpgrade(e.v6, { apiKey: TEST_KEY, headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(untrusted.status, 101, 'from ::1, which is not trusted, the header is ignored');
    await closeUpgrade(untrusted);
    refusedWith(await post(e.http4, PUBLISH, { headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.10' } }), 403, 'WAFForbiddenException');

    const observer = await TestClient.connect(e.v6, { apiKey: TEST_KEY });
    t.after(() => observer.close());
    await observer.subscribe('obs', '/echo/*', TEST_KEY);
    const body = JSON.stringify({ channel: '/echo/ip', events: ['1'] });
    const { host: _, ...signed } = await signWithSmithy(`127.0.0.1:${e.server.port}`, body, IAM_KEY);
    assert.equal((await post(e.http4, body, { headers: { ...signed, 'x-forwarded-for': '198.51.100.7' } })).status, 200);
    await observer.next(() => observer.data('obs').length === 1);
    assert.deepEqual(observer.data('obs'), [{ sourceIp: ['198.51.100.7'] }]);

    const refusal = e.server.logs.find((l) => l['msg'] === 'protection refused a request');
    assert.equal(refusal?.['clientIp'], '203.0.113.9');
    assert.ok(!JSON.stringify(e.server.logs).includes(TEST_KEY), 'no credential in any log line');
  });
});
