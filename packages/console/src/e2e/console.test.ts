/**
 * The console in real headless Chromium (Debian's, through playwright-core) against a real
 * Switchboard with the console enabled: sign in with a typed API key, subscribe to a wildcard,
 * publish from the page and see the event in the page and in a separate raw WebSocket client,
 * a refused publish, the panels fed by the console API, history, a narrow window. Screenshots go
 * to packages/console/.artifacts/. Skips visibly without Chromium; fails under CI.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger, LogTail } from '@switchboard/server';
import { chromiumAvailable, ConsolePage } from '../test-support/console-page.js';
import { AuthFixture, startTestServer, TEST_KEY, TestClient, until, type TestServer } from '../test-support/server.js';

const available = chromiumAvailable();

describe('the console in headless Chromium', { skip: available.ok ? false : available.reason }, () => {
  let server: TestServer;
  let page: ConsolePage;
  let url: string;

  before(async () => {
    const tail = new LogTail(200);
    server = await startTestServer(
      {
        console: { enabled: true },
        namespaces: [{ name: 'default' }, { name: 'chat', history: { size: 100 } }],
        limits: { publishesPerSecond: 1000 },
      },
      { logger: createLogger({ level: 'info', tail, write: () => undefined }), logTail: tail },
    );
    url = `${server.httpUrl}/console`;
    page = await ConsolePage.open(url);
  });

  after(async () => {
    await page?.close();
    await server?.close();
  });

  it('connects with the typed key, subscribes to a wildcard, publishes, and the event reaches the page and a raw WebSocket client', async () => {
    const raw = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    try {
      assert.equal((await raw.subscribe('raw', '/default/*', TEST_KEY)).type, 'subscribe_success');
      await page.connect(TEST_KEY);
      await page.subscribe('/default/*');
      const result = await page.publish('/default/room-1', '[{ "message": "from the console" }]');
      assert.equal(result, 'Published: 1 accepted, 0 failed');
      await until(async () => (await page.receivedEvents()).length === 1, 'the event in the page');
      const [row] = await page.receivedEvents();
      assert.equal(row?.[1], '/default/*');
      assert.equal(row?.[2], '30 B');
      assert.equal(row?.[3], '{"message":"from the console"}');
      assert.match(row?.[0] ?? '', /^\d\d:\d\d:\d\d\.\d{3}$/);
      await raw.next((f) => f.type === 'data' && f['id'] === 'raw');
      assert.deepEqual(raw.data('raw'), [{ message: 'from the console' }]);

      assert.equal(await page.publish('/default/room-2', '[1, 2]', 'HTTP (POST /event)'), 'Published: 2 accepted, 0 failed');
      await until(async () => (await page.receivedEvents()).length === 3, 'the HTTP events in the page');
      await until(() => raw.data('raw').length === 3, 'the HTTP events in the raw client');

      // A long event shows as one line that opens to the whole of it.
      const long = { text: 'x'.repeat(300) };
      await page.publish('/default/room-3', JSON.stringify([long]));
      await until(async () => (await page.receivedEvents()).length === 4, 'the long event in the page');
      const details = page.page.locator('table.events tbody tr').first().locator('details');
      await details.locator('summary').click();
      assert.deepEqual(JSON.parse(await details.locator('pre').innerText()), long);
      assert.deepEqual(page.pageErrors, []);
      assert.deepEqual(page.consoleErrors, [], 'no CSP violation or script error');
      await page.screenshot('console-connected');
    } finally {
      await raw.close();
    }
  });

  it('shows the server\'s error when a publish is refused, and checks the JSON as it is typed', async () => {
    const refused = await page.publish('/nowhere/a', '[{ "a": 1 }]');
    assert.match(refused, /^Refused: ResourceNotFound: Namespace nowhere not found/);
    assert.equal(await page.page.getByRole('alert').filter({ hasText: 'ResourceNotFound' }).count(), 1);

    const events = page.page.getByLabel('Events (a JSON array)');
    await events.fill('[{ "a": ');
    assert.equal(await events.getAttribute('aria-invalid'), 'true');
    assert.match(await page.page.locator('#publish-check').innerText(), /^Not valid JSON/);
    await events.fill('{ "a": 1 }');
    assert.match(await page.page.locator('#publish-check').innerText(), /JSON array of events/);
    await events.fill('[1, 2, 3, 4, 5, 6]');
    assert.match(await page.page.locator('#publish-check').innerText(), /1 to 5 events at once; this is 6/);
    await events.fill('[{ "a": 1 }]');
    assert.equal(await events.getAttribute('aria-invalid'), 'false');
    assert.equal(await page.page.locator('#publish-check').innerText(), '1 event, 7 bytes');
    await page.screenshot('console-refused');
  });

  it('shows the namespaces, live figures from the server and its log tail', async () => {
    const namespaces = page.page.getByRole('region', { name: 'Namespaces' });
    await namespaces.getByRole('rowheader', { name: 'chat' }).waitFor();
    assert.match(await namespaces.getByRole('row', { name: /chat/ }).innerText(), /100 events, 600 s/);
    const figures = page.page.getByRole('region', { name: 'Live figures' });
    // The page's own socket (subscribed to /default/*) is open: at least one connection and subscription.
    await until(async () => Number(await figures.locator('dt:text-is("Connections") + dd').innerText()) >= 1, 'the connection count');
    assert.ok(Number(await figures.locator('dt:text-is("Subscriptions") + dd').innerText()) >= 1);
    server.switchboard.core.log.warn('a line for the console', { requestId: 'console-test' });
    const log = page.page.getByRole('region', { name: 'Log tail' });
    await log.getByText('a line for the console').waitFor({ timeout: 10_000 });
    assert.match(await log.innerText(), /Server log level INFO/);
  });

  it('browses a namespace\'s history through the history API', async () => {
    for (const n of [1, 2, 3]) await page.publish('/chat/lobby', `[{ "n": ${n} }]`, 'HTTP (POST /event)');
    const history = page.page.getByRole('region', { name: 'History' });
    await history.getByLabel('Channel or wildcard').fill('/chat/*');
    await history.getByLabel('Events per page').fill('2');
    await history.getByRole('button', { name: 'Load newest' }).click();
    await history.getByText('2 events, oldest first').waitFor();
    const rows = await history.locator('tbody tr').allInnerTexts();
    assert.deepEqual(rows.map((r) => r.split('\t').map((c) => c.trim())), [['/chat/lobby', '7 B', '{"n":2}'], ['/chat/lobby', '7 B', '{"n":3}']]);
    await history.getByLabel('Channel or wildcard').fill('/default/*');
    await history.getByRole('button', { name: 'Load newest' }).click();
    await history.getByRole('alert').filter({ hasText: 'HistoryNotEnabled' }).waitFor();
  });

  it('refuses a wrong key with the server\'s message and shows nothing else', async () => {
    await page.goto(url);
    await page.page.getByLabel('API key', { exact: true }).fill('da2-notthekeynotthekey00');
    await page.page.getByRole('button', { name: 'Connect' }).click();
    await page.page.getByRole('alert').filter({ hasText: 'UnauthorizedException' }).waitFor();
    assert.equal(await page.page.getByRole('region', { name: 'Publish' }).count(), 0);
  });

  it('works with the keyboard alone: sign in, subscribe, publish, with the focus visible', async () => {
    await page.goto(url);
    await page.tabTo('API key');
    assert.match(await page.focusOutline(), /^solid [1-9]/);
    await page.page.keyboard.type(TEST_KEY);
    await page.page.keyboard.press('Enter');
    await page.page.getByRole('status').filter({ hasText: /^Connected$/ }).waitFor();
    await page.tabTo('Channel or wildcard');
    await page.page.keyboard.press('Control+A');
    await page.page.keyboard.type('/default/keys/*');
    await page.page.keyboard.press('Enter');
    await page.page.getByRole('listitem').filter({ hasText: '/default/keys/*' }).filter({ hasText: 'active' }).waitFor();
    await page.tabTo('Channel');
    await page.page.keyboard.press('Control+A');
    await page.page.keyboard.type('/default/keys/typed');
    await page.tabTo('Events (a JSON array)');
    await page.page.keyboard.press('Control+A');
    await page.page.keyboard.type('[{ "typed": true }]');
    await page.tabTo('Publish');
    assert.match(await page.focusOutline(), /^solid [1-9]/);
    await page.page.keyboard.press('Enter');
    await page.page.locator('#publish-result').filter({ hasText: 'Published: 1 accepted' }).waitFor();
    await until(async () => (await page.receivedEvents()).some((row) => row[3] === '{"typed":true}'), 'the typed event in the page');
    await page.screenshot('console-keyboard');
  });

  it('signs in with a token, and console.modes keeps out a key the namespaces accept', async () => {
    const fx = await AuthFixture.create();
    const tokenServer = await startTestServer({ ...fx.config, console: { enabled: true, modes: ['OPENID_CONNECT'] } });
    try {
      const tokenUrl = `${tokenServer.httpUrl}/console`;
      await page.goto(tokenUrl);
      await page.page.getByLabel('API key', { exact: true }).fill(TEST_KEY);
      await page.page.getByRole('button', { name: 'Connect' }).click();
      await page.page.getByRole('alert').filter({ hasText: /UnauthorizedException: .*API_KEY is not an allowed auth mode here/ }).waitFor();

      await page.goto(tokenUrl);
      await page.page.getByLabel('Auth mode').selectOption('TOKEN');
      await page.page.getByLabel('Token', { exact: true }).fill(await fx.oidcToken());
      await page.page.getByRole('button', { name: 'Connect' }).click();
      await page.page.getByRole('status').filter({ hasText: /^Connected$/ }).waitFor();
      await page.subscribe('/oidconly/*');
      assert.equal(await page.publish('/oidconly/a', '[{ "by": "token" }]', 'HTTP (POST /event)'), 'Published: 1 accepted, 0 failed');
      await until(async () => (await page.receivedEvents()).some((row) => row[3] === '{"by":"token"}'), 'the event in the page');
    } finally {
      await tokenServer.close();
      await fx.close();
    }
  });

  it('fits a narrow window: one column, nothing wider than the screen', async () => {
    await page.page.setViewportSize({ width: 360, height: 740 });
    await page.goto(url);
    await page.connect(TEST_KEY);
    await page.page.getByRole('region', { name: 'Namespaces' }).getByRole('rowheader', { name: 'chat' }).waitFor();
    const overflow = await page.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0);
    const lefts = await page.page.locator('main > section').evaluateAll((sections) => sections.map((s) => Math.round(s.getBoundingClientRect().left)));
    assert.equal(new Set(lefts).size, 1, 'every panel starts at the same left edge');
    await page.screenshot('console-narrow');
    await page.page.setViewportSize({ width: 1280, height: 900 });
  });
});
