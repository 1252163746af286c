import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { REDIS_URL, serviceAvailable } from '../test-support/services.js';
import { TestClient } from '../test-support/ws-client.js';

const BIN = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));
const KEY = 'da2-switchboardlocaltestkey0001';

describe('switchboard start --workers', () => {
  it('runs N processes on one port that fan out to each other through Redis, and stops them all on SIGTERM', async (t) => {
    const redis = await serviceAvailable('Redis', REDIS_URL);
    if (!redis.ok) return t.skip(redis.reason);
    const dir = await mkdtemp(join(tmpdir(), 'sb-workers-'));
    const config = join(dir, 'switchboard.yaml');
    await writeFile(config, [
      'auth:', '  apiKeys:', `    - key: ${KEY}`, 'namespaces:', '  - name: default',
      'broker:', '  type: redis', `  url: ${REDIS_URL}`, `  prefix: workers-${randomUUID().slice(0, 8)}`, '',
    ].join('\n'));
    const child = spawn(process.execPath, [BIN, 'start', '--config', config, '--workers', '2', '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    t.after(() => child.kill('SIGKILL'));
    // Two processes start on a machine that may be busy with other test files.
    const deadline = Date.now() + 30000;
    while ((out.match(/"msg":"listening"/g) ?? []).length < 2) {
      assert.ok(Date.now() < deadline, `two workers listening:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const realtime = out.match(/"realtime":"(ws:\/\/[^"]+)"/)![1]!;
    // Connections are spread over the workers; with several subscribers, some land on each.
    const clients = await Promise.all(Array.from({ length: 6 }, () => TestClient.connect(realtime, { apiKey: KEY })));
    await Promise.all(clients.map((c, i) => c.subscribe(`s${i}`, '/default/*', KEY)));
    const publisher = await TestClient.connect(realtime, { apiKey: KEY });
    for (let n = 0; n < 5; n++) assert.equal((await publisher.publish(`p${n}`, `/default/room`, [n], KEY)).type, 'publish_success');
    await Promise.all(clients.map((c, i) => c.next((f) => f['id'] === `s${i}` && f['event'] === '4', 5000)));
    clients.forEach((c, i) => assert.deepEqual(c.data(`s${i}`), [0, 1, 2, 3, 4]));
    const workersSeen = new Set([...out.matchAll(/"worker":(\d+)/g)].map((m) => m[1]));
    assert.equal(workersSeen.size, 2);
    child.kill('SIGTERM');
    const codes = await Promise.all([...clients, publisher].map((c) => c.closed));
    assert.ok(codes.every((c) => c.code === 1001));
    assert.equal(await exited, 0);
  });

  it('refuses --workers above 1 with the memory broker', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-workers-'));
    const config = join(dir, 'memory.yaml');
    await writeFile(config, `auth:\n  apiKeys:\n    - key: ${KEY}\nnamespaces:\n  - name: default\n`);
    const child = spawn(process.execPath, [BIN, 'start', '--config', config, '--workers', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /needs a shared broker/);
  });
});
