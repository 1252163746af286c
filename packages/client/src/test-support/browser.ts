import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); `.ci/run` installs it. Never a downloaded browser. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The modules the test page loads: the client as a browser bundle, and the AWS SigV4 signer an app would bring. */
const MODULES: Record<string, string> = {
  '/client.js': "export * from '@switchboard/client';",
  '/smithy.js': "export { SignatureV4 } from '@smithy/signature-v4'; export { Sha256 } from '@aws-crypto/sha256-js';",
};

/** The page puts both modules on `window` and says so. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>client test</title>
<script type="module">
import * as sb from '/client.js';
import * as smithy from '/smithy.js';
/** Waits in the page for a condition, like the Node tests' waitFor. */
async function until(condition, what, ms = 10000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 10));
  }
}
Object.assign(window, { sb, smithy, until, state: {}, loaded: true });
</script>`;

/** What the test page puts on `window`. */
export interface PageGlobals {
  sb: typeof import('../index.js');
  smithy: { SignatureV4: typeof import('@smithy/signature-v4').SignatureV4; Sha256: typeof import('@aws-crypto/sha256-js').Sha256 };
  until(condition: () => boolean, what: string, ms?: number): Promise<void>;
  /** Scratch space for a test that spans several `evaluate` calls. */
  state: Record<string, unknown>;
}

/**
 * Whether the browser tests can run: they skip visibly without Chromium on a developer's machine,
 * and fail under CI (`CI` set), where `.ci/run` must have installed it.
 */
export function chromiumAvailable(): { ok: true } | { ok: false; reason: string } {
  if (existsSync(CHROMIUM)) return { ok: true };
  const reason = `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`;
  if (process.env['CI']) throw new Error(`${reason}, and CI is set: the browser tests must run in CI`);
  console.warn(`SKIPPED: ${reason}`);
  return { ok: false, reason };
}

/** A page of a freshly launched headless Chromium, and how to close it. */
export interface ChromiumPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught exceptions in the page: must stay empty. */
  readonly pageErrors: string[];
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium headless with a fresh profile (through playwright-core, never a
 * downloaded browser) and gives its first page. The console's tests use it too.
 */
export async function launchChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<ChromiumPage> {
  const profile = mkdtempSync(join(tmpdir(), 'switchboard-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000, ...(options.viewport && { viewport: options.viewport }) });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => void pageErrors.push(e.message));
    const opened = context;
    return {
      context,
      page,
      pageErrors,
      close: async () => {
        await opened.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Real headless Chromium (Debian's, through playwright-core) with a fresh profile, on a page
 * served by a tiny local HTTP server that serves the client bundled by esbuild for the browser.
 */
export class TestBrowser {
  private constructor(
    readonly page: Page,
    readonly origin: string,
    /** Uncaught exceptions in the page: must stay empty. */
    readonly pageErrors: string[],
    readonly close: () => Promise<void>,
  ) {}

  static async start(): Promise<TestBrowser> {
    const root = fileURLToPath(new URL('../../../..', import.meta.url));
    const bundles = new Map<string, string>();
    for (const [path, contents] of Object.entries(MODULES)) {
      const result = await build({ stdin: { contents, resolveDir: root, loader: 'js' }, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'error' });
      bundles.set(path, result.outputFiles[0]!.text);
    }
    const http: Server = createServer((req, res) => {
      const body = req.url === '/' ? PAGE : bundles.get(req.url ?? '');
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': req.url === '/' ? 'text/html' : 'text/javascript' });
      res.end(body ?? '');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    let chromiumPage: ChromiumPage | undefined;
    try {
      chromiumPage = await launchChromium();
      const { page, pageErrors } = chromiumPage;
      await page.goto(origin);
      await page.waitForFunction(() => (window as unknown as { loaded?: boolean }).loaded === true);
      return new TestBrowser(page, origin, pageErrors, async () => {
        await chromiumPage!.close();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      });
    } catch (err) {
      await chromiumPage?.close();
      http.close();
      throw err;
    }
  }
}
