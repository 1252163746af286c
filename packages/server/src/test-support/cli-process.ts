import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `switchboard` command of this checkout. */
export const SWITCHBOARD_BIN = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

/** A running command, with what it printed so far and its exit code once it has exited. */
export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Runs `switchboard <args>` with this Node (or `command` with `args`, such as `npx`), capturing
 * both streams. The caller stops it (or lets it exit).
 */
export function runCli(args: string[], options: SpawnOptions & { command?: string } = {}): CliRun {
  const { command, ...spawnOptions } = options;
  const child = command === undefined
    ? spawn(process.execPath, [SWITCHBOARD_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions })
    : spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Waits until stdout matches `pattern`; fails with both streams when it does not in time or the command exits. */
export async function waitForOutput(run: CliRun, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = run.stdout().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in output:\n${run.stdout()}\n${run.stderr()}`);
    if (run.child.exitCode !== null && run.child.stdout?.readableEnded === true) throw new Error(`exited with ${run.child.exitCode} before ${pattern} in output:\n${run.stdout()}\n${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
