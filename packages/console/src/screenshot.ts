/**
 * Makes the README's screenshot of the console (docs/console.png): a real server and Debian's
 * Chromium, driven as in the tests. Run after a build: `npm run screenshot -w @switchboard/console`.
 */
import { fileURLToPath } from 'node:url';
import { createLogger, LogTail } from '@switchboard/server';
import { ConsolePage } from './test-support/console-page.js';
import { startTestServer, TEST_KEY, until } from './test-support/server.js';

const OUT = fileURLToPath(new URL('../../../docs/console.png', import.meta.url));

const tail = new LogTail(200);
const server = await startTestServer(
  { console: { enabled: true }, namespaces: [{ name: 'default' }, { name: 'chat', history: { size: 1000 } }] },
  { logger: createLogger({ level: 'info', tail, write: () => undefined }), logTail: tail },
);
const page = await ConsolePage.open(`${server.httpUrl}/console`, { width: 1280, height: 1000 });
try {
  await page.connect(TEST_KEY);
  await page.subscribe('/chat/*');
  await page.publish('/chat/lobby', '[{ "user": "ada", "text": "hello" }]');
  await page.publish('/chat/lobby', '[{ "user": "grace", "text": "hi ada" }, { "user": "ada", "text": "welcome" }]', 'HTTP (POST /event)');
  await page.publish('/chat/room-7', '[{ "user": "linus", "typing": true }]');
  await until(async () => (await page.receivedEvents()).length === 4, 'four events');
  // Two readings of the figures, so that the rates show.
  await page.page.waitForFunction(() => !document.querySelector('.figures')?.textContent?.includes('…'), undefined, { timeout: 10_000 });
  await page.screenshot('readme', OUT);
  console.log(`wrote ${OUT}`);
} finally {
  await page.close();
  await server.close();
}
