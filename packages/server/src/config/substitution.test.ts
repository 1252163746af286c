import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfigFile } from './load.js';

const KEY = 'da2-switchboardlocaltestkey0001';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

async function dir(files: Record<string, string>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'sb-subst-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text);
  return folder;
}

async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ConfigError, `a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('the configuration was accepted');
}

const yaml = (key: string, extra = ''): string => ['auth:', '  apiKeys:', `    - ${key}`, 'namespaces:', '  - name: default', extra].join('\n');

describe('configuration: environment substitution', () => {
  it('replaces ${VAR} with the variable and refuses an unset one, naming the variable, the option and the file', async () => {
    const folder = await dir({ 'sb.yaml': yaml('key: ${SWITCHBOARD_API_KEY}') });
    const file = join(folder, 'sb.yaml');
    const config = await loadConfigFile(file, {}, { env: { SWITCHBOARD_API_KEY: KEY } });
    assert.equal(config.auth.apiKeys[0]?.key, KEY);
    const err = await rejection(loadConfigFile(file, {}, { env: {} }));
    assert.match(err.message, new RegExp(`Invalid configuration in ${file.replace(/[/.]/g, '\\$&')}`));
    assert.match(err.message, /auth\.apiKeys\[0\]\.key: environment variable SWITCHBOARD_API_KEY is not set/);
  });

  it('uses the default of ${VAR:-default} when the variable is unset or empty, and the variable otherwise', async () => {
    const folder = await dir({ 'sb.yaml': yaml(`key: \${SB_KEY:-${KEY}}`, 'broker:\n  type: redis\n  url: redis://${REDIS_HOST:-127.0.0.1}:${REDIS_PORT:-6379}\n') });
    const file = join(folder, 'sb.yaml');
    const byDefault = await loadConfigFile(file, {}, { env: { SB_KEY: '' } });
    assert.equal(byDefault.auth.apiKeys[0]?.key, KEY);
    assert.equal(byDefault.broker.type === 'redis' && byDefault.broker.url, 'redis://127.0.0.1:6379');
    const given = await loadConfigFile(file, {}, { env: { SB_KEY: 'da2-fromtheenvironment0001', REDIS_HOST: 'redis.internal' } });
    assert.equal(given.auth.apiKeys[0]?.key, 'da2-fromtheenvironment0001');
    assert.equal(given.broker.type === 'redis' && given.broker.url, 'redis://redis.internal:6379');
  });

  it('types an unquoted value as YAML would (numbers, booleans) and keeps a quoted one a string', async () => {
    const folder = await dir({
      'typed.yaml': yaml(`key: ${KEY}`, 'server:\n  port: ${PORT:-9090}\n  metrics: ${METRICS}\n'),
      'quoted.yaml': yaml(`key: ${KEY}`, 'server:\n  port: "${PORT}"\n'),
    });
    const typed = await loadConfigFile(join(folder, 'typed.yaml'), {}, { env: { METRICS: 'false' } });
    assert.equal(typed.server.port, 9090);
    assert.equal(typed.server.metrics, false);
    const err = await rejection(loadConfigFile(join(folder, 'quoted.yaml'), {}, { env: { PORT: '9090' } }));
    assert.match(err.message, /server\.port: Expected number, received string/);
  });

  it('never adds structure: a variable holding YAML stays one string', async () => {
    const folder = await dir({ 'sb.yaml': yaml('key: ${SB_KEY}', 'log:\n  level: ${LEVEL}\n') });
    const err = await rejection(loadConfigFile(join(folder, 'sb.yaml'), {}, { env: { SB_KEY: KEY, LEVEL: 'debug\nserver:\n  port: 1' } }));
    assert.match(err.message, /log\.level/);
  });

  it('reads $${ as a literal ${ and refuses a malformed reference', async () => {
    const folder = await dir({
      'literal.yaml': yaml('key: da2-$${NOT_A_VARIABLE}0001'),
      'open.yaml': yaml('key: ${SB_KEY'),
      'name.yaml': yaml('key: ${1BAD}'),
    });
    const literal = await loadConfigFile(join(folder, 'literal.yaml'), {}, { env: {} });
    assert.equal(literal.auth.apiKeys[0]?.key, 'da2-${NOT_A_VARIABLE}0001');
    assert.match((await rejection(loadConfigFile(join(folder, 'open.yaml'), {}, { env: {} }))).message, /auth\.apiKeys\[0\]\.key: a "\$\{" without its closing "\}"/);
    assert.match((await rejection(loadConfigFile(join(folder, 'name.yaml'), {}, { env: {} }))).message, /auth\.apiKeys\[0\]\.key: "\$\{1BAD\}" is not a variable reference/);
  });

  it('substitutes into JSON strings too', async () => {
    const folder = await dir({ 'sb.json': JSON.stringify({ auth: { apiKeys: [{ key: '${SB_KEY}' }] }, namespaces: [{ name: '${NS:-chat}' }] }) });
    const config = await loadConfigFile(join(folder, 'sb.json'), {}, { env: { SB_KEY: KEY } });
    assert.equal(config.auth.apiKeys[0]?.key, KEY);
    assert.equal(config.namespaces[0]?.name, 'chat');
    const err = await rejection(loadConfigFile(join(folder, 'sb.json'), {}, { env: {} }));
    assert.match(err.message, /auth\.apiKeys\[0\]\.key: environment variable SB_KEY is not set/);
  });

  it('never prints a substituted secret in an error', async () => {
    const folder = await dir({ 'sb.yaml': yaml('key: ${SB_KEY}') });
    const err = await rejection(loadConfigFile(join(folder, 'sb.yaml'), {}, { env: { SB_KEY: 'hunter2secret' } }));
    assert.match(err.message, /auth\.apiKeys\[0\]\.key: must be at least 16 characters/);
    assert.doesNotMatch(err.message, /hunter2secret/);
  });
});

describe('configuration: <option>File reads a secret from a file', () => {
  it('reads keyFile and secretAccessKeyFile relative to the configuration file, without the trailing line break', async () => {
    const folder = await dir({
      'api-key': `${KEY}\n`,
      'aws-secret': `${SECRET}\r\n`,
      'sb.yaml': [
        'auth:', '  apiKeys:', '    - keyFile: api-key', '  iam:', '    accessKeys:', '      - accessKeyId: AKIDEXAMPLE', '        secretAccessKeyFile: ${SECRETS:-.}/aws-secret',
        'namespaces:', '  - name: default', '',
      ].join('\n'),
    });
    const config = await loadConfigFile(join(folder, 'sb.yaml'), {}, { env: {} });
    assert.deepEqual(config.auth.apiKeys[0], { key: KEY });
    assert.equal(config.auth.iam?.accessKeys[0]?.secretAccessKey, SECRET);
    const fromEnv = await loadConfigFile(join(folder, 'sb.yaml'), {}, { env: { SECRETS: folder } });
    assert.equal(fromEnv.auth.iam?.accessKeys[0]?.secretAccessKey, SECRET);
  });

  it('refuses a missing file, naming the option and the file, and a value given twice', async () => {
    const folder = await dir({ 'missing.yaml': yaml('keyFile: no-such-file'), 'both.yaml': yaml(`key: ${KEY}\n      keyFile: api-key`), 'api-key': KEY });
    const missing = await rejection(loadConfigFile(join(folder, 'missing.yaml'), {}, { env: {} }));
    assert.match(missing.message, new RegExp(`auth\\.apiKeys\\[0\\]\\.keyFile: cannot read ${join(folder, 'no-such-file').replace(/[/.]/g, '\\$&')}: ENOENT`));
    const both = await rejection(loadConfigFile(join(folder, 'both.yaml'), {}, { env: {} }));
    assert.match(both.message, /auth\.apiKeys\[0\]\.keyFile: set either key or keyFile, not both/);
  });

  it('never prints the content of a secret file in an error', async () => {
    const folder = await dir({ short: 'tooshort-secret\n', 'sb.yaml': yaml('keyFile: short') });
    const err = await rejection(loadConfigFile(join(folder, 'sb.yaml'), {}, { env: {} }));
    assert.match(err.message, /auth\.apiKeys\[0\]\.key: must be at least 16 characters/);
    assert.doesNotMatch(err.message, /tooshort/);
  });

  it('refuses <option>File for options that are already file paths, such as server.tls.key', async () => {
    const folder = await dir({ 'key.pem': '-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n', 'sb.yaml': yaml(`key: ${KEY}`, 'server:\n  tls:\n    cert: cert.pem\n    keyFile: key.pem\n') });
    const err = await rejection(loadConfigFile(join(folder, 'sb.yaml'), {}, { env: {} }));
    assert.match(err.message, /server\.tls\.keyFile: server\.tls\.key is itself a file path: set key to the path instead/);
    assert.doesNotMatch(err.message, /secret/);
  });
});
