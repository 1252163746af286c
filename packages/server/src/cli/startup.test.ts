import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, waitForOutput } from '../test-support/cli-process.js';
import { makeSelfSignedCert } from '../test-support/tls.js';

const KEY = 'da2-switchboardlocaltestkey0001';
const MINIMAL = `auth:\n  apiKeys:\n    - key: ${KEY}\nnamespaces:\n  - name: default\n`;

/** Runs a command that must end by itself; returns its exit code and streams. */
async function finished(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = runCli(args);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** No Node stack trace, no parser jargon: the message is ours. */
function assertClean(text: string): void {
  assert.doesNotMatch(text, /^\s+at /m, 'no stack trace');
  assert.doesNotMatch(text, /ERR_|ambiguous|Invalid enum value|node:internal/);
}

describe('switchboard command line: the first hour', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'sb-startup-'));
    await writeFile(join(folder, 'minimal.yaml'), MINIMAL);
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('prints the package version with --version and -v', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const { code, stdout } = await finished([flag]);
      assert.equal(code, 0);
      assert.equal(stdout.trim(), `switchboard ${pkg.version}`);
    }
  });

  for (const [args, message] of [
    [['dev', '--port', '-1'], /--port must be an integer from 0 to 65535 \(0 picks a free port\), got "-1"/],
    [['dev', '--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['dev', '--log-level', 'verbose'], /--log-level must be one of NONE, ERROR, WARN, INFO, DEBUG, ALL \(any case\), got "verbose"/],
    [['dev', '--verbose'], /unknown option --verbose/],
    [['dev', '-x'], /unknown option -x/],
    [['dev', '--config'], /--config needs a value/],
    [['dev', '--config', '--port', '0'], /--config needs a value/],
    [['start', '--workers', 'many'], /--workers must be auto or an integer from 1 to 256, got "many"/],
    [['dev', 'now'], /unexpected argument "now"/],
    [['dev', '--tls-cert', 'cert.pem'], /--tls-cert and --tls-key go together/],
  ] as const) {
    it(`answers "${args.join(' ')}" with a clear message, the usage and exit code 2`, async () => {
      const { code, stderr } = await finished([...args]);
      assert.equal(code, 2);
      assert.match(stderr, message);
      assert.match(stderr, /Usage:/);
      assertClean(stderr);
    });
  }

  it('dev --config without server.host listens on 127.0.0.1; the file, --host and start keep their say', async () => {
    const listening = async (args: string[]): Promise<string> => {
      const run = runCli([...args, '--port', '0']);
      try {
        return (await waitForOutput(run, /"http":"http:\/\/([^:]+):\d+\/event"/))[1]!;
      } finally {
        run.child.kill('SIGTERM');
        await run.exited;
      }
    };
    await writeFile(join(folder, 'any-host.yaml'), `${MINIMAL}server:\n  host: 0.0.0.0\n`);
    assert.equal(await listening(['dev', '--config', join(folder, 'minimal.yaml')]), '127.0.0.1');
    assert.equal(await listening(['dev', '--config', join(folder, 'any-host.yaml')]), '0.0.0.0');
    assert.equal(await listening(['dev', '--config', join(folder, 'minimal.yaml'), '--host', '0.0.0.0']), '0.0.0.0');
    assert.equal(await listening(['start', '--config', join(folder, 'minimal.yaml')]), '0.0.0.0', 'start keeps its documented default');
  });

  describe('TLS files', () => {
    let a: ReturnType<typeof makeSelfSignedCert>;
    let b: ReturnType<typeof makeSelfSignedCert>;
    before(() => {
      a = makeSelfSignedCert('sb-tls-a-');
      b = makeSelfSignedCert('sb-tls-b-');
    });
    after(() => Promise.all([rm(a.dir, { recursive: true, force: true }), rm(b.dir, { recursive: true, force: true })]));

    it('refuses a missing file with exit code 2, naming the option and the file', async () => {
      const missing = join(folder, 'no-such-cert.pem');
      const { code, stderr } = await finished(['dev', '--port', '0', '--tls-cert', missing, '--tls-key', a.keyPath]);
      assert.equal(code, 2);
      assert.match(stderr, new RegExp(`server\\.tls\\.cert / --tls-cert: cannot read ${missing.replace(/[/.]/g, '\\$&')}: file not found`));
      assertClean(stderr);
    });

    it('refuses swapped files, saying they look swapped', async () => {
      const { code, stderr } = await finished(['dev', '--port', '0', '--tls-cert', a.keyPath, '--tls-key', a.certPath]);
      assert.equal(code, 2);
      assert.match(stderr, /--tls-cert: .*key\.pem is not a PEM certificate: it holds a private key; are the certificate and the key swapped\?/);
      assert.doesNotMatch(stderr, /BEGIN/, 'the key is never printed');
      assertClean(stderr);
    });

    it('refuses a key that is not the certificate\'s, from the configuration file too', async () => {
      await writeFile(join(folder, 'tls.yaml'), `${MINIMAL}server:\n  tls:\n    cert: ${a.certPath}\n    key: ${b.keyPath}\n`);
      const { code, stderr } = await finished(['start', '--config', join(folder, 'tls.yaml'), '--port', '0']);
      assert.equal(code, 2);
      assert.match(stderr, new RegExp(`server\\.tls\\.key / --tls-key: ${b.keyPath.replace(/[/.]/g, '\\$&')} is not the private key of the certificate ${a.certPath.replace(/[/.]/g, '\\$&')}`));
      assertClean(stderr);
    });
  });

  it('says the broker, not the port, is the problem when the broker is unreachable, without its password', async () => {
    const port = await freePort();
    await writeFile(join(folder, 'redis.yaml'), `${MINIMAL}broker:\n  type: redis\n  url: redis://user:topsecretpw@127.0.0.1:${port}\n`);
    const { code, stderr } = await finished(['start', '--config', join(folder, 'redis.yaml'), '--port', '0', '--log-level', 'error']);
    assert.equal(code, 1);
    assert.match(stderr, /cannot connect to the redis broker, so nothing listens on .*ECONNREFUSED/);
    assert.doesNotMatch(stderr, /cannot listen/);
    assert.doesNotMatch(stderr, /topsecretpw/);
    assertClean(stderr);
  });

  it('says the port is in use when it is', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const { code, stderr } = await finished(['dev', '--port', String(port), '--log-level', 'error']);
      assert.equal(code, 1);
      assert.match(stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use by another process`));
      assertClean(stderr);
    } finally {
      blocker.close();
    }
  });
});

/** A port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
