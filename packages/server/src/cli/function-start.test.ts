import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const BIN = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

describe('switchboard CLI: functions that cannot start', () => {
  it('start exits with 2 and names the option and the file:line:col of a syntax error, before listening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-fn-'));
    await writeFile(join(dir, 'fn.ts'), 'export const handler = async (event: ) => null;\n');
    await writeFile(join(dir, 'sb.yaml'), 'auth:\n  apiKeys: [{ key: da2-0123456789abcdef0 }]\nnamespaces:\n  - name: x\n    onPublish:\n      function: ./fn.ts\n');
    const child = spawn(process.execPath, [BIN, 'start', '--config', join(dir, 'sb.yaml'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    await rm(dir, { recursive: true, force: true });
    assert.equal(code, 2, stderr);
    assert.match(stderr, /^switchboard: Cannot start the configured functions:\n {2}- namespaces\[0\]\.onPublish: cannot load .*fn\.ts: SyntaxError: .*fn\.ts:1:\d+: /);
    assert.doesNotMatch(stdout, /listening/);
  });
});
