import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, it, type TestContext } from 'node:test';
import { runCli, waitForOutput } from '../test-support/cli-process.js';
import { TestClient } from '../test-support/ws-client.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether this process can listen on the port: nothing else holds it. */
async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Starts `npx switchboard dev`, connects a subscriber, calls `stop(npx)` and checks that the server
 * shut down gracefully: the socket closed with 1001, the server process gone, the port free.
 */
async function stopsCleanly(t: TestContext, stop: (npx: ChildProcess) => void): Promise<void> {
  const npx = runCli(['--no', 'switchboard', 'dev', '--port', '0'], { command: 'npx', cwd: REPO, detached: true });
  let serverPid: number | undefined;
  t.after(() => {
    if (serverPid !== undefined && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
    if (alive(npx.child.pid!)) process.kill(-npx.child.pid!, 'SIGKILL');
  });
  const [, pid, realtime, port] = await waitForOutput(npx, /"pid":(\d+),"http":"[^"]+","realtime":"(ws:\/\/127\.0\.0\.1:(\d+)\/event\/realtime)"/, 30_000);
  serverPid = Number(pid);
  assert.notEqual(serverPid, npx.child.pid, 'npx runs the server in another process');
  const [, key] = await waitForOutput(npx, /API key:\s+(da2-[a-z0-9]{26})/);
  const client = await TestClient.connect(realtime!, { apiKey: key! });
  assert.equal((await client.subscribe('s', '/default/npx', key!)).type, 'subscribe_success');

  stop(npx.child);
  const closed = await Promise.race([client.closed, new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000).unref())]);
  assert.equal(closed?.code, 1001, 'a graceful shutdown closes sockets with 1001 (in time)');
  await until(() => !alive(serverPid!), `the server process ${serverPid} has exited`);
  await until(() => portFree(Number(port)), `port ${port} is free`);
  await npx.exited;
}

describe('npx switchboard', () => {
  it('stops the server when the npx process alone gets SIGTERM (docker stop, systemd KillMode=process)', async (t) => {
    // npm passes SIGTERM to its `sh -c` only; Debian's dash dies of it without passing it on.
    await stopsCleanly(t, (npx) => npx.kill('SIGTERM'));
  });

  it('stops the server on SIGINT to the foreground process group (Ctrl-C in a terminal)', async (t) => {
    await stopsCleanly(t, (npx) => process.kill(-npx.pid!, 'SIGINT'));
  });
});
