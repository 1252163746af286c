import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../log/logger.js';
import { LogTail } from '../log/tail.js';
import { HandlerFiles } from '../test-support/handler-files.js';
import { postEvents } from '../test-support/http-publish.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { existsSync } from 'node:fs';
import { ASSETS_DIR } from './assets.js';

/** A raw GET (fetch would normalize `..` away): status, headers and body. */
function get(url: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const SECRET_URL_PASSWORD = 'hunter2hunter2';
const built = existsSync(new URL('index.html', ASSETS_DIR));

describe('/console on a server with the console enabled', () => {
  let server: TestServer;
  let tail: LogTail;
  const files = new HandlerFiles('console');
  before(async () => {
    const talk = files.write('talk.mjs', "export function onPublish(ctx) { console.log('handler saw ' + ctx.events.length); return ctx.events; }");
    tail = new LogTail(100);
    const logger = createLogger({ level: 'info', tail, write: () => undefined });
    server = await startTestServer(
      {
        console: { enabled: true },
        namespaces: [
          { name: 'default' },
          { name: 'chat', history: { size: 10 }, onPublish: { url: `http://user:${SECRET_URL_PASSWORD}@127.0.0.1:9/hook`, invokeType: 'EVENT' } },
          { name: 'talk', code: { file: talk, runtime: 'inline' } },
        ],
      },
      { logger, logTail: tail },
    );
  });
  after(async () => {
    await server.close();
    files.remove();
  });

  it('serves the page with its content type and a strict CSP, and its script as JavaScript', { skip: built ? false : 'the console is not built (npm run build)' }, async () => {
    for (const path of ['/console', '/console/']) {
      const page = await get(server.httpUrl, path);
      assert.equal(page.status, 200);
      assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
      assert.match(String(page.headers['content-security-policy']), /default-src 'none'; script-src 'self'; style-src 'self'/);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.equal(page.headers['x-frame-options'], 'DENY');
      assert.match(page.body, /<script type="module" src="\/console\/app.js"><\/script>/);
      assert.doesNotMatch(page.body, new RegExp(TEST_KEY), 'no key in the page');
    }
    const script = await get(server.httpUrl, '/console/app.js');
    assert.equal(script.status, 200);
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.doesNotMatch(script.body, new RegExp(TEST_KEY));
    assert.equal((await get(server.httpUrl, '/console/app.css')).headers['content-type'], 'text/css; charset=utf-8');
    const head = await get(server.httpUrl, '/console/app.js', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  it('answers 404 for any other path under /console, traversal attempts included, and 405 for other methods', async () => {
    for (const path of ['/console/../package.json', '/console/%2e%2e/package.json', '/console/..%2fpackage.json', '/console/app.js/../../package.json', '/console/index.html', '/console/nope.js', '/console//etc/passwd', '/consolex']) {
      const res = await get(server.httpUrl, path);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(res.body, /"name"/, path);
    }
    assert.equal((await get(server.httpUrl, '/console/', {}, 'POST')).status, 405);
    assert.equal((await get(server.httpUrl, '/console/api/overview', { 'x-api-key': TEST_KEY }, 'POST')).status, 405);
  });

  it('refuses the API without a credential, or with a wrong one, as a connection would be refused', async () => {
    const cases: Record<string, string>[] = [{}, { 'x-api-key': 'da2-wrongwrongwrongwrong' }, { authorization: 'Bearer nope' }];
    for (const headers of cases) {
      const res = await get(server.httpUrl, '/console/api/overview', headers);
      assert.ok(res.status === 401 || res.status === 403, `${JSON.stringify(headers)}: ${res.status}`);
      assert.equal((JSON.parse(res.body) as { errors: { errorType: string }[] }).errors[0]?.errorType, 'UnauthorizedException');
    }
  });

  it('gives the namespaces with their handlers, history and modes, without credentials', async () => {
    const res = await get(server.httpUrl, '/console/api/overview', { 'x-api-key': TEST_KEY });
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    const overview = JSON.parse(res.body) as { namespaces: { name: string; history: unknown; onPublish?: unknown; code?: unknown }[]; authModes: string[]; broker: string };
    assert.deepEqual(overview.namespaces.map((n) => n.name), ['default', 'chat', 'talk']);
    assert.deepEqual(overview.namespaces[2]?.code, { kind: 'code', target: 'talk.mjs' });
    assert.deepEqual(overview.namespaces[1]?.history, { size: 10, ttlMs: 600_000 });
    assert.deepEqual(overview.namespaces[1]?.onPublish, { kind: 'function', target: 'http://127.0.0.1:9', invokeType: 'EVENT' });
    assert.deepEqual(overview.authModes, ['API_KEY']);
    assert.equal(overview.broker, 'memory');
    assert.ok(!res.body.includes(SECRET_URL_PASSWORD) && !res.body.includes(TEST_KEY), 'no credential in the overview');
  });

  it('gives live figures and the log lines after a number, at the configured level, redacted', async () => {
    server.switchboard.core.log.info('console test line', { apiKey: 'da2-secretsecretsecret' });
    server.switchboard.core.log.debug('below the level');
    const res = await get(server.httpUrl, '/console/api/live?after=0', { 'x-api-key': TEST_KEY });
    assert.equal(res.status, 200);
    const live = JSON.parse(res.body) as { figures: Record<string, number>; log: { level: string; kept: boolean; entries: { seq: number; line: Record<string, unknown> }[] } };
    assert.equal(typeof live.figures['connections'], 'number');
    assert.equal(typeof live.figures['publishes'], 'number');
    assert.equal(live.log.level, 'INFO');
    assert.equal(live.log.kept, true);
    const mine = live.log.entries.find((e) => e.line['msg'] === 'console test line');
    assert.ok(mine !== undefined, 'the line is in the tail');
    assert.equal(mine.line['apiKey'], '[redacted]');
    assert.ok(!live.log.entries.some((e) => e.line['msg'] === 'below the level'));
    await postEvents(server.httpUrl, '/talk/a', [{ hi: 1 }]);
    const handlerLines = JSON.parse((await get(server.httpUrl, `/console/api/live?after=${mine.seq}`, { 'x-api-key': TEST_KEY })).body) as typeof live;
    assert.ok(handlerLines.log.entries.some((e) => e.line['msg'] === 'handler saw 1'), 'a handler\'s console.log is in the tail');
    const later = JSON.parse((await get(server.httpUrl, `/console/api/live?after=${mine.seq}`, { 'x-api-key': TEST_KEY })).body) as typeof live;
    assert.ok(later.log.entries.every((e) => e.seq > mine.seq));
  });
});

describe('/console on a server without the console', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.close());

  it('is a 404 like any unknown path, page and API alike', async () => {
    for (const path of ['/console', '/console/', '/console/app.js', '/console/api/overview']) {
      const res = await get(server.httpUrl, path, { 'x-api-key': TEST_KEY });
      assert.equal(res.status, 404, path);
      assert.equal((JSON.parse(res.body) as { errors: { errorType: string }[] }).errors[0]?.errorType, 'ResourceNotFound');
    }
  });
});

describe('/console behind protection.denyIps', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ console: { enabled: true }, protection: { denyIps: ['127.0.0.1'] } })));
  after(() => server.close());

  it('refuses a denied address the page and the API alike, before auth', async () => {
    for (const path of ['/console', '/console/app.js', '/console/api/overview']) {
      const res = await get(server.httpUrl, path, { 'x-api-key': TEST_KEY });
      assert.equal(res.status, 403, path);
      assert.match(res.body, /Requests from this address are blocked/);
    }
  });
});
