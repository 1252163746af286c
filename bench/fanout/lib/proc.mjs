// Server processes: spawned pinned to one core with a raised open-file limit, and read from /proc.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on Linux x86-64). */
export const CLK_TCK = 100;

/** A shell prefix that raises the soft open-file limit as far as the hard limit allows. */
export const RAISE_NOFILE = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"';

/** Spawns `argv` pinned to `core` (taskset) after raising `ulimit -n`; the child's pid is the program's. */
export function spawnPinned(core, argv, options = {}) {
  const script = `${RAISE_NOFILE}; exec taskset -c ${core} "$@"`;
  return spawn('bash', ['-c', script, 'bench', ...argv], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** utime + stime of `pid`, in seconds. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Resident set size of `pid`, in bytes. */
export function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** The CPUs `pid` may run on, as taskset prints them (e.g. "1"). */
export function affinity(pid) {
  const m = /Cpus_allowed_list:\s+(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ?? '?';
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `ready()` resolves true, polling every 50 ms; rejects after `timeoutMs` or when the child exits. */
export async function waitReady(child, ready, timeoutMs = 15_000) {
  let exited = null;
  child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`server ${exited}`);
    if (await ready().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`server not ready within ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export async function stop(child, graceMs = 8000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
