import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfigFile, parseConfig } from './load.js';

async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-config-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('configuration', () => {
  it('loads the documented minimal YAML file and fills every default', async () => {
    const path = await file(
      'switchboard.yaml',
      ['auth:', '  apiKeys:', '    - key: da2-switchboardlocaltestkey0001', 'namespaces:', '  - name: default', '  - name: chat', ''].join('\n'),
    );
    const config = await loadConfigFile(path);
    assert.deepEqual(config.namespaces.map((n) => n.name), ['default', 'chat']);
    assert.equal(config.limits.eventsPerPublish, 5);
    assert.equal(config.limits.subscriptionsPerConnection, 200);
    assert.equal(config.server.port, 8080);
    assert.ok(Object.isFrozen(config.limits), 'the configuration is frozen');
  });

  it('loads JSON and resolves TLS paths against the file', async () => {
    const path = await file('sb.json', JSON.stringify({ server: { tls: { cert: 'c.pem', key: 'k.pem' } }, auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] }, namespaces: [{ name: 'a' }] }));
    const config = await loadConfigFile(path);
    assert.equal(config.server.tls?.cert, join(path, '..', 'c.pem'));
  });

  it('names the option and the file when a value is wrong', async () => {
    const path = await file('bad.yaml', 'auth:\n  apiKeys:\n    - key: short\nnamespaces:\n  - name: default\nlimits:\n  eventsPerPublish: 0\n');
    await assert.rejects(loadConfigFile(path), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, new RegExp(`Invalid configuration in ${path.replace(/[/.]/g, '\\$&')}`));
      assert.match(err.message, /auth\.apiKeys\[0\]\.key: must be at least 16 characters/);
      assert.match(err.message, /limits\.eventsPerPublish/);
      assert.doesNotMatch(err.message, /short/, 'the bad key itself is not echoed');
      return true;
    });
  });

  for (const [name, input, expected] of [
    ['an unknown key', { namespaces: [{ name: 'a' }], auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] }, nmespaces: [] }, /nmespaces/],
    ['no namespace', { namespaces: [], auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] } }, /namespaces: must configure at least one namespace/],
    ['a duplicate namespace', { namespaces: [{ name: 'a' }, { name: 'a' }], auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] } }, /namespaces\[1\]\.name: duplicate namespace "a"/],
    ['an invalid namespace name', { namespaces: [{ name: 'a b' }], auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] } }, /namespaces\[0\]\.name/],
    ['no auth provider', { namespaces: [{ name: 'a' }] }, /auth: configure at least one auth provider/],
    ['a mode without a provider', { namespaces: [{ name: 'a', publishModes: ['AWS_IAM'] }], auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] } }, /namespaces\[0\]\.publishModes\[0\]: auth mode AWS_IAM has no provider/],
    ['an unknown auth mode', { namespaces: [{ name: 'a' }], auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }], subscribeModes: ['PASSWORD'] } }, /auth\.subscribeModes\[0\]/],
    ['a handler with both function and url', { namespaces: [{ name: 'a', onPublish: { function: 'x.mjs', url: 'http://h/' } }], auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] } }, /namespaces\[0\]\.onPublish: set exactly one of function/],
    ['a data source URL that is not http', { dataSources: [{ name: 'fn', type: 'AWS_LAMBDA', url: 'ftp://h/x' }], namespaces: [{ name: 'a' }], auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] } }, /dataSources\[0\]\.url: must be an http/],
    ['a Lambda data source with both function and url', { dataSources: [{ name: 'fn', type: 'AWS_LAMBDA', function: 'x.mjs', url: 'http://h/' }], namespaces: [{ name: 'a' }], auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] } }, /dataSources\[0\]: set exactly one of function/],
    ['a bad expiry', { namespaces: [{ name: 'a' }], auth: { apiKeys: [{ key: 'da2-0123456789abcdef', expires: 'tomorrow' }] } }, /auth\.apiKeys\[0\]\.expires/],
  ] as const) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseConfig(input, 'inline.yaml'), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /inline\.yaml/);
        assert.match(err.message, expected);
        return true;
      });
    });
  }

  it('reports a file that is not YAML and a file that does not exist', async () => {
    const path = await file('broken.yaml', 'auth: [unclosed\n');
    await assert.rejects(loadConfigFile(path), /is not valid YAML/);
    await assert.rejects(loadConfigFile('/nonexistent/switchboard.yaml'), /Cannot read configuration file \/nonexistent\/switchboard.yaml/);
  });
});
