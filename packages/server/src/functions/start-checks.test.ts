import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import { createLogger } from '../log/logger.js';
import { Switchboard } from '../switchboard.js';
import { HandlerFiles } from '../test-support/handler-files.js';
import { programAvailable } from '../test-support/programs.js';
import { TEST_KEY } from '../test-support/server.js';
import { FunctionStartError } from './types.js';

const log = createLogger({ level: 'silent' });

/** Starts a server with `namespaces` and returns the start-up error it refuses with. */
async function startError(namespaces: ConfigInput['namespaces'], auth: ConfigInput['auth'] = { apiKeys: [{ key: TEST_KEY }] }): Promise<FunctionStartError> {
  const config = parseConfig({ server: { host: '127.0.0.1', port: 0 }, auth, namespaces }, 'test');
  const switchboard = new Switchboard(config, { logger: log });
  try {
    await switchboard.listen();
  } catch (err) {
    assert.ok(err instanceof FunctionStartError, `a FunctionStartError, got ${String(err)}`);
    return err;
  } finally {
    await switchboard.close();
  }
  assert.fail('the server started');
}

describe('start-up checks: a function that cannot run stops the server, naming the option and the cause', () => {
  let files: HandlerFiles;
  before(() => {
    files = new HandlerFiles('start-checks');
    files.write('package.json', '{"type":"module"}');
  });
  after(() => files.remove());

  it('a JavaScript syntax error, with file:line:col', async () => {
    const file = files.write('syntax.mjs', 'export const a = 1;\nexport const handler = async ( => {};\n');
    const err = await startError([{ name: 'x', onPublish: { function: file } }]);
    assert.match(err.message, /namespaces\[0\]\.onPublish: cannot load .*syntax\.mjs: .*syntax\.mjs:2:\d+: SyntaxError: Unexpected token/);
  });

  it('a TypeScript syntax error, with file:line:col from esbuild', async () => {
    const file = files.write('broken.ts', 'const ok: number = 1;\nexport const handler = async (event: ) => ok;\n');
    const err = await startError([{ name: 'x', onSubscribe: { function: file } }]);
    assert.match(err.message, /namespaces\[0\]\.onSubscribe: cannot load .*broken\.ts: SyntaxError: .*broken\.ts:2:\d+: /);
  });

  it('a missing handler export, and the export named by handler: is used instead', async () => {
    const file = files.write('main.mjs', 'export const main = async () => null;\n');
    const err = await startError([{ name: 'x', onPublish: { function: file } }]);
    assert.match(err.message, /namespaces\[0\]\.onPublish: .*the module exports no function named handler/);
    const config = parseConfig({ server: { host: '127.0.0.1', port: 0 }, auth: { apiKeys: [{ key: TEST_KEY }] }, namespaces: [{ name: 'x', onPublish: { function: file, handler: 'main.main' } }] }, 'test');
    const switchboard = new Switchboard(config, { logger: log });
    await switchboard.listen();
    await switchboard.close();
  });

  it('a code handler file that exports neither onPublish nor onSubscribe', async () => {
    const file = files.write('empty.js', 'export const nothing = 1;\n');
    const err = await startError([{ name: 'x', code: file }]);
    assert.match(err.message, /namespaces\[0\]\.code: .*exports neither onPublish nor onSubscribe/);
  });

  it('lists every failing function, and names the Lambda authorizer by its option', async () => {
    const broken = files.write('auth.mjs', 'export const nope = 1;\n');
    const syntax = files.write('syntax2.mjs', 'export const handler = (;\n');
    const err = await startError([{ name: 'x', onPublish: { function: syntax } }], { lambda: { function: broken } });
    assert.match(err.message, /auth\.lambda: /);
    assert.match(err.message, /namespaces\[0\]\.onPublish: /);
  });

  describe('Python', () => {
    const python = programAvailable('python3');
    it('a missing interpreter', { skip: python.ok ? false : python.reason }, async () => {
      const file = files.write('app.py', 'def handler(event, context):\n    return None\n');
      const err = await startError([{ name: 'x', onPublish: { function: file, interpreter: 'python-not-installed-3.99' } }]);
      assert.match(err.message, /namespaces\[0\]\.onPublish: the Python interpreter python-not-installed-3\.99 was not found on PATH/);
    });

    it('a syntax error, with file:line:col', { skip: python.ok ? false : python.reason }, async () => {
      const file = files.write('bad.py', 'x = 1\ndef handler(event, context)\n    return None\n');
      const err = await startError([{ name: 'x', onPublish: { function: file } }]);
      assert.match(err.message, /namespaces\[0\]\.onPublish: SyntaxError: .*bad\.py:2:\d+: expected ':'/);
    });

    it('a missing handler function', { skip: python.ok ? false : python.reason }, async () => {
      const file = files.write('nohandler.py', 'def main(event, context):\n    return None\n');
      const err = await startError([{ name: 'x', onPublish: { function: file } }]);
      assert.match(err.message, /namespaces\[0\]\.onPublish: AttributeError: the module nohandler has no handler/);
    });
  });

  it('a custom runtime whose command does not exist', async () => {
    const err = await startError([{ name: 'x', onPublish: { command: 'switchboard-no-such-runtime' } }]);
    assert.match(err.message, /namespaces\[0\]\.onPublish: cannot run switchboard-no-such-runtime: not found/);
  });
});
