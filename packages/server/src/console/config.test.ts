import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfigFile, parseConfig } from '../config/load.js';

const BASE = { auth: { apiKeys: [{ key: 'da2-consoleconfigtest00001' }] }, namespaces: [{ name: 'default' }] };
/** What `switchboard dev` passes as defaults for a `--config` file. */
const DEV_DEFAULTS = { console: { enabled: true } };

describe('console configuration', () => {
  it('is off unless enabled, with the connection modes and 500 log lines by default', () => {
    assert.deepEqual(parseConfig(BASE, 'test').console, { enabled: false, logLines: 500 });
  });

  it('switchboard dev turns it on for a file that says nothing, and a file that says false wins', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-console-config-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const silent = join(dir, 'silent.json');
    const off = join(dir, 'off.json');
    await writeFile(silent, JSON.stringify(BASE));
    await writeFile(off, JSON.stringify({ ...BASE, console: { enabled: false } }));
    assert.equal((await loadConfigFile(silent, {}, { defaults: DEV_DEFAULTS })).console.enabled, true);
    assert.equal((await loadConfigFile(off, {}, { defaults: DEV_DEFAULTS })).console.enabled, false);
    assert.equal((await loadConfigFile(silent)).console.enabled, false, 'switchboard start: off');
  });

  it('refuses console.modes naming a mode without a provider, and unknown keys', () => {
    assert.throws(() => parseConfig({ ...BASE, console: { enabled: true, modes: ['OPENID_CONNECT'] } }, 'test'), (err: unknown) => err instanceof ConfigError && /console\.modes\[0\]: auth mode OPENID_CONNECT has no provider configured/.test(err.message));
    assert.throws(() => parseConfig({ ...BASE, console: { enable: true } }, 'test'), (err: unknown) => err instanceof ConfigError && /console/.test(err.message));
  });
});
