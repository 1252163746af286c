import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli as run, waitForOutput as waitFor } from '../test-support/cli-process.js';
import { TestClient } from '../test-support/ws-client.js';

describe('switchboard CLI', () => {
  it('dev runs with no configuration, prints endpoints and a generated key, and shuts down on SIGTERM with 1001 and exit 0', async () => {
    const dev = run(['dev', '--port', '0']);
    const [, realtime] = await waitFor(dev, /WebSocket:\s+(ws:\/\/127\.0\.0\.1:\d+\/event\/realtime)/);
    const [, key] = await waitFor(dev, /API key:\s+(da2-[a-z0-9]{26})/);
    assert.match(dev.stdout(), /HTTP publish:\s+http:\/\/127\.0\.0\.1:\d+\/event/);
    const client = await TestClient.connect(realtime!, { apiKey: key! });
    assert.equal((await client.subscribe('s', '/default/cli', key!)).type, 'subscribe_success');
    const started = Date.now();
    dev.child.kill('SIGTERM');
    assert.equal((await client.closed).code, 1001);
    assert.equal(await dev.exited, 0);
    assert.ok(Date.now() - started < 5000);
    assert.doesNotMatch(dev.stdout().split('\n').filter((l) => l.startsWith('{')).join('\n'), new RegExp(key!), 'the key is never in a log line');
  });

  it('start serves the documented configuration file, with --port and --host overriding it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-cli-'));
    const config = join(dir, 'switchboard.yaml');
    await writeFile(config, ['auth:', '  apiKeys:', '    - key: da2-switchboardlocaltestkey0001', 'namespaces:', '  - name: default', '  - name: chat', ''].join('\n'));
    const start = run(['start', '--config', config, '--port', '0', '--host', '127.0.0.1', '--log-level', 'info']);
    const [, http] = await waitFor(start, /"http":"(http:\/\/127\.0\.0\.1:\d+\/event)"/);
    const res = await fetch(http!, { method: 'POST', headers: { 'x-api-key': 'da2-switchboardlocaltestkey0001' }, body: JSON.stringify({ channel: '/chat/a', events: ['1'] }) });
    assert.equal(res.status, 200);
    start.child.kill('SIGINT');
    assert.equal(await start.exited, 0);
  });

  it('start refuses a bad configuration, naming the option and the file, with exit code 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-cli-'));
    const config = join(dir, 'bad.yaml');
    await writeFile(config, 'auth:\n  apiKeys: []\nnamespaces:\n  - name: default\nlimits:\n  publishesPerSecond: -1\n');
    const start = run(['start', '--config', config]);
    assert.equal(await start.exited, 2);
    assert.match(start.stderr(), new RegExp(`Invalid configuration in ${config.replace(/[/.]/g, '\\$&')}`));
    assert.match(start.stderr(), /limits\.publishesPerSecond/);
  });

  it('start refuses console.enabled without console.modes (any app holding a key could read the log tail), with exit code 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-cli-'));
    const config = join(dir, 'console.yaml');
    await writeFile(config, 'auth:\n  apiKeys: [{ key: da2-consolekeyconsolekey000000 }]\nnamespaces:\n  - name: default\nconsole:\n  enabled: true\n');
    const start = run(['start', '--config', config, '--port', '0']);
    assert.equal(await start.exited, 2);
    assert.match(start.stderr(), /console\.enabled needs console\.modes in switchboard start/);
  });

  it('start without --config and unknown commands exit with 2 and the usage', async () => {
    const start = run(['start']);
    assert.equal(await start.exited, 2);
    assert.match(start.stderr(), /needs --config FILE/);
    const unknown = run(['serve']);
    assert.equal(await unknown.exited, 2);
    assert.match(unknown.stderr(), /unknown command "serve"/);
  });
});
