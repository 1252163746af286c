import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { loadConfigFile } from '../config/load.js';
import { createLogger } from '../log/logger.js';
import { Switchboard } from '../switchboard.js';
import { programAvailable } from '../test-support/programs.js';
import { TestClient, type Frame } from '../test-support/ws-client.js';

// The TypeScript and custom runtime examples of docs/handlers.md, run from their own
// configuration files with real clients. (examples/python runs in python-handlers.test.ts.)

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const KEY = 'da2-switchboardlocaltestkey0001';
const errorOf = (f: Frame): { errorType: string; message: string } => (f['errors'] as never[])[0]!;

async function start(example: string, logs: Record<string, unknown>[] = []): Promise<{ switchboard: Switchboard; client: TestClient }> {
  const config = await loadConfigFile(`${ROOT}examples/${example}/switchboard.yaml`, { server: { port: 0 } });
  const switchboard = new Switchboard(config, { logger: createLogger({ level: 'debug', write: (line) => void logs.push(JSON.parse(line)) }) });
  const { realtimeUrl } = await switchboard.listen();
  return { switchboard, client: await TestClient.connect(realtimeUrl, { apiKey: KEY }) };
}

describe('examples/typescript', () => {
  let switchboard: Switchboard;
  let client: TestClient;
  before(async () => ({ switchboard, client } = await start('typescript')));
  after(async () => {
    await client.close();
    await switchboard.close();
  });

  it('type-checks (tsc --noEmit with its tsconfig.json)', async () => {
    const tsc = `${ROOT}node_modules/typescript/bin/tsc`;
    const output = await new Promise<string>((resolve) => execFile(process.execPath, [tsc, '-p', `${ROOT}examples/typescript`], (err, stdout) => resolve(err ? stdout || String(err) : 'ok')));
    assert.equal(output, 'ok');
  });

  it('fn.ts validates per event and stamps the function name', async () => {
    await client.subscribe('f', '/tsfn/*', KEY);
    const reply = await client.publish('p1', '/tsfn/room', [{ text: ' hi ' }, { text: '' }], KEY);
    assert.deepEqual((reply['failed'] as { message: string }[]).map((f) => f.message), ['text must be a non-empty string']);
    await client.next((f) => f['id'] === 'f' && f.type === 'data');
    assert.deepEqual(client.data('f'), [{ text: 'hi', checkedBy: 'fn' }]);
  });

  it('code.ts filters with a local module, stamps with util.time, and refuses a bare namespace subscription', async () => {
    await client.subscribe('c', '/tscode/*', KEY);
    await client.publish('p2', '/tscode/room', [{ text: 'kept' }, { nope: 1 }], KEY);
    await client.next((f) => f['id'] === 'c' && f.type === 'data');
    const [event] = client.data('c') as { text: string; at: string }[];
    assert.equal(event!.text, 'kept');
    assert.match(event!.at, /^\d{4}-\d\d-\d\dT/);
  });
});

describe('examples/custom-runtime: a shell + curl bootstrap', { skip: programAvailable('curl').ok ? false : 'curl is not installed' }, () => {
  let switchboard: Switchboard;
  let client: TestClient;
  const logs: Record<string, unknown>[] = [];
  before(async () => ({ switchboard, client } = await start('custom-runtime', logs)));
  after(async () => {
    await client.close();
    await switchboard.close();
  });

  it('allows and refuses subscriptions, and its output reaches the log', async () => {
    assert.equal((await client.subscribe('ok', '/shell/open', KEY)).type, 'subscribe_success');
    const refused = await client.subscribe('no', '/shell/closed', KEY);
    assert.deepEqual([errorOf(refused).errorType, errorOf(refused).message], ['HandlerError', 'this channel is closed']);
    assert.ok(logs.some((l) => l['msg'] === 'subscribe decided: null' && l['source'] === 'handler' && typeof l['requestId'] === 'string'));
    assert.ok(logs.some((l) => String(l['msg']).startsWith('shell runtime for bootstrap (handler gate.decide)')));
  });
});
