/**
 * The console as the `switchboard` command serves it: `start` with `console.enabled` and an API
 * key (the page works once the key is typed in), `start` without it (no console at all), and
 * `dev` (on by default). Real processes, one headless Chromium for the file. Skips visibly
 * without Chromium; fails under CI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromiumAvailable, ConsolePage } from '../test-support/console-page.js';
import { runCli, TestClient, until, waitForOutput, type CliRun } from '../test-support/server.js';

const available = chromiumAvailable();
const KEY = 'da2-consolestartkey000000000001';

describe('the console served by the switchboard command', { skip: available.ok ? false : available.reason }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-console-'));
  const runs: CliRun[] = [];
  let page: ConsolePage;

  /** Starts `switchboard <args>` and resolves with its HTTP URL once it listens. */
  async function start(args: string[]): Promise<string> {
    const run = runCli(args);
    runs.push(run);
    const [, url] = await waitForOutput(run, /"http":"(http:\/\/[^"]+)\/event"/, 30_000);
    return url!;
  }

  function config(name: string, extra: Record<string, unknown>): string {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ server: { host: '127.0.0.1', port: 0 }, auth: { apiKeys: [{ key: KEY }] }, namespaces: [{ name: 'default' }], ...extra }));
    return file;
  }

  before(async () => {
    page = await ConsolePage.open(undefined);
  });

  after(async () => {
    await page?.close();
    for (const run of runs) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('start with console.enabled: the page holds no key, the API refuses without one, and the page works once the key is typed', async () => {
    const url = await start(['start', '--config', config('enabled', { console: { enabled: true, modes: ['API_KEY'] } })]);
    const html = await (await fetch(`${url}/console`)).text();
    assert.match(html, /<div id="app">/);
    assert.ok(!html.includes(KEY));
    assert.equal((await fetch(`${url}/console/api/overview`)).status, 401);

    const raw = await TestClient.connect(`${url.replace(/^http/, 'ws')}/event/realtime`, { apiKey: KEY });
    try {
      assert.equal((await raw.subscribe('raw', '/default/*', KEY)).type, 'subscribe_success');
      await page.goto(`${url}/console`);
      await page.connect(KEY);
      await page.subscribe('/default/*');
      assert.equal(await page.publish('/default/from-start', '[{ "via": "start" }]'), 'Published: 1 accepted, 0 failed');
      await until(async () => (await page.receivedEvents()).length === 1, 'the event in the page');
      await raw.next((f) => f.type === 'data' && f['id'] === 'raw');
      assert.deepEqual(raw.data('raw'), [{ via: 'start' }]);
      assert.deepEqual(page.pageErrors, []);
      assert.deepEqual(page.consoleErrors, []);
      await page.screenshot('console-start');
    } finally {
      await raw.close();
    }
  });

  it('start without console.enabled: /console, its files and its API are 404', async () => {
    const url = await start(['start', '--config', config('disabled', {})]);
    for (const path of ['/console', '/console/', '/console/app.js', '/console/api/overview']) {
      const res = await fetch(`${url}${path}`, { headers: { 'x-api-key': KEY } });
      assert.equal(res.status, 404, path);
    }
    await page.page.goto(`${url}/console`);
    assert.equal(await page.page.getByRole('heading', { name: 'Switchboard console' }).count(), 0);
  });

  it('dev: on by default, printed in the banner, and the generated key opens the API', async () => {
    const run = runCli(['dev', '--port', '0']);
    runs.push(run);
    const [, url] = await waitForOutput(run, /Console: +(http:\/\/\S+)\/console/, 30_000);
    const [, key] = await waitForOutput(run, /API key: +(da2-\w+)/);
    const res = await fetch(`${url}/console/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const overview = (await (await fetch(`${url}/console/api/overview`, { headers: { 'x-api-key': key! } })).json()) as { namespaces: { name: string }[] };
    assert.deepEqual(overview.namespaces.map((n) => n.name), ['default']);
  });
});
