/**
 * The client in real headless Chromium (Debian's package, driven by playwright-core), bundled by
 * esbuild for the browser and served to the page by a local HTTP server, against a real
 * Switchboard on another origin (so HTTP posts go through CORS): API key, a token provider with
 * refresh, IAM signed in the page by `@smithy/signature-v4`, reconnect after the network drops
 * the socket, and explicit errors. Skips visibly without Chromium; fails under CI.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testClient } from '../test-support/client.js';
import { chromiumAvailable, TestBrowser, type PageGlobals } from '../test-support/browser.js';
import { AuthFixture, IAM_KEY, TEST_KEY, TcpProxy, startTestServer, type TestServer } from '../test-support/server.js';

const available = chromiumAvailable();

describe('the client in headless Chromium', { skip: available.ok ? false : available.reason }, () => {
  let fx: AuthFixture;
  let server: TestServer;
  let proxy: TcpProxy;
  let browser: TestBrowser;
  let url: string;

  before(async () => {
    fx = await AuthFixture.create();
    server = await startTestServer(fx.config);
    proxy = await TcpProxy.start(server.httpUrl);
    browser = await TestBrowser.start();
    url = `${server.httpUrl}/event`;
  });

  after(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.close();
    await fx?.close();
  });

  it('API key: a wildcard subscription receives a WebSocket publish and a cross-origin HTTP post', async () => {
    const result = await browser.page.evaluate(
      async ({ url, key }) => {
        const { sb, until } = window as unknown as PageGlobals;
        const client = new sb.EventsClient({ url, auth: sb.apiKey(key) });
        const got: unknown[] = [];
        const sub = client.subscribe('/default/*', (event, info) => got.push([event, info.channel]));
        await sub.ready;
        const ws = await client.publish('/default/a', [{ via: 'ws' }, 2]);
        const http = await client.post('/default/b/c', [{ via: 'http' }]);
        await until(() => got.length === 3, 'three events');
        client.close();
        return { got, ws: ws.successful.map((s) => s.index), http: http.successful.map((s) => s.index), state: client.state };
      },
      { url, key: TEST_KEY },
    );
    assert.deepEqual(result, {
      got: [[{ via: 'ws' }, '/default/*'], [2, '/default/*'], [{ via: 'http' }, '/default/*']],
      ws: [0, 1],
      http: [0],
      state: 'closed',
    });
  });

  it('Cognito token provider: an expired token is refused, the provider is asked again, and the handler sees the user', async () => {
    const tokens = [await fx.cognitoToken({}, -60), await fx.cognitoToken()];
    const result = await browser.page.evaluate(
      async ({ url, tokens }) => {
        const { sb, until } = window as unknown as PageGlobals;
        const calls: boolean[] = [];
        const auth = sb.token(({ forceRefresh }) => (calls.push(forceRefresh), tokens[Math.min(calls.length, tokens.length) - 1]!));
        const client = new sb.EventsClient({ url, auth });
        const got: { identity: { username: string } }[] = [];
        const sub = client.subscribe('/echo/browser', (event) => got.push(event as (typeof got)[number]));
        await sub.ready;
        await client.publish('/echo/browser', ['ws']);
        await client.post('/echo/browser', ['http']);
        await until(() => got.length === 2, 'two events');
        client.close();
        return { calls, users: got.map((e) => e.identity.username) };
      },
      { url, tokens },
    );
    assert.deepEqual(result, { calls: [false, true], users: ['alice', 'alice'] });
  });

  it('IAM: the page signs with @smithy/signature-v4 through smithySigner', async () => {
    const result = await browser.page.evaluate(
      async ({ url, credentials }) => {
        const { sb, smithy, until } = window as unknown as PageGlobals;
        const signer = new smithy.SignatureV4({ credentials, region: 'us-east-1', service: 'appsync', sha256: smithy.Sha256 });
        const client = new sb.EventsClient({ url, auth: sb.iam(sb.smithySigner(signer)) });
        const got: { payload: unknown; identity: { username: string } }[] = [];
        const sub = client.subscribe('/echo/iam', (event) => got.push(event as (typeof got)[number]));
        await sub.ready;
        await client.publish('/echo/iam', ['ws']);
        await client.post('/echo/iam', ['http']);
        await until(() => got.length === 2, 'two events');
        client.close();
        return got.map((e) => [e.payload, e.identity.username]);
      },
      { url, credentials: IAM_KEY },
    );
    assert.deepEqual(result, [['ws', 'e2e-user'], ['http', 'e2e-user']]);
  });

  it('reconnects after the network drops the socket, resubscribes, reports the gap, and receives again', async () => {
    const page = browser.page;
    await page.evaluate(
      async ({ url, key }) => {
        const { sb, state } = window as unknown as PageGlobals;
        const client = new sb.EventsClient({ url, auth: sb.apiKey(key), reconnect: { initialDelayMs: 50, maxDelayMs: 300 } });
        const events: unknown[] = [];
        const gaps: unknown[] = [];
        const states: string[] = [];
        client.on('state', (s) => states.push(s));
        const sub = client.subscribe('/default/drop', (e) => events.push(e));
        sub.on('gap', (g) => gaps.push(g));
        Object.assign(state, { client, sub, events, gaps, states });
        await sub.ready;
      },
      { url: `${proxy.url(server.httpUrl).replace(/\/$/, '')}/event`, key: TEST_KEY },
    );
    type DropState = { client: { state: string; close(): void }; sub: { state: string }; events: unknown[]; gaps: unknown[]; states: string[] };
    const read = () => page.evaluate(() => {
      const s = (window as unknown as PageGlobals).state as unknown as DropState;
      return { client: s.client.state, sub: s.sub.state, events: s.events, gaps: s.gaps, states: s.states };
    });
    proxy.cut();
    await page.waitForFunction(() => ((window as unknown as PageGlobals).state as unknown as DropState).client.state === 'reconnecting');
    proxy.restore();
    await page.waitForFunction(() => ((window as unknown as PageGlobals).state as unknown as DropState).gaps.length === 1, undefined, { timeout: 15_000 });
    const publisher = testClient(server.httpUrl);
    try {
      await publisher.post('/default/drop', ['after the drop']);
    } finally {
      publisher.close();
    }
    await page.waitForFunction(() => ((window as unknown as PageGlobals).state as unknown as DropState).events.length === 1);
    const seen = await read();
    assert.deepEqual(seen.events, ['after the drop']);
    assert.deepEqual(seen.gaps, [{ reason: 'no-history', since: undefined }]);
    assert.equal(seen.sub, 'active');
    assert.deepEqual(seen.states.filter((x, i, all) => x !== all[i - 1]), ['connecting', 'connected', 'reconnecting', 'connected']);
    await page.evaluate(() => ((window as unknown as PageGlobals).state as unknown as DropState).client.close());
  });

  it('explicit errors: an unknown namespace rejects ready; a bad API key closes the client with UnauthorizedException', async () => {
    const result = await browser.page.evaluate(
      async ({ url, key }) => {
        const { sb } = window as unknown as PageGlobals;
        const describe = (e: unknown) => {
          const err = e as InstanceType<typeof sb.ServerError>;
          return { isServerError: err instanceof sb.ServerError, errorType: err.errorType, status: err.status };
        };
        const good = new sb.EventsClient({ url, auth: sb.apiKey(key) });
        const missing = await good.subscribe('/nowhere/x', () => undefined).ready.then(() => 'resolved', describe);
        good.close();
        const bad = new sb.EventsClient({ url, auth: sb.apiKey('da2-wrong-key-0000000000000000000') });
        const refused = await bad.connect().then(() => 'resolved', describe);
        return { missing, refused, badState: bad.state };
      },
      { url, key: TEST_KEY },
    );
    assert.deepEqual(result, {
      missing: { isServerError: true, errorType: 'ResourceNotFound', status: 404 },
      refused: { isServerError: true, errorType: 'UnauthorizedException', status: 401 },
      badState: 'closed',
    });
    assert.deepEqual(browser.pageErrors, []);
  });
});
