import { onPath } from '../functions/process/python.js';

/**
 * Whether a program a test runs (python3, curl) is installed. Like `serviceAvailable`: on a
 * developer's machine a missing program skips the test with a visible message; under CI (`CI`
 * set) it is a failure, never a skip.
 *
 * @example
 * const python = programAvailable('python3');
 * if (!python.ok) return t.skip(python.reason);
 */
export function programAvailable(name: string): { ok: true; path: string } | { ok: false; reason: string } {
  const path = onPath(name);
  if (path !== undefined) return { ok: true, path };
  const reason = `${name} is not installed (not on PATH)`;
  if (process.env['CI']) throw new Error(`${reason}, and CI is set: tests that need it must run in CI`);
  console.warn(`SKIPPED: ${reason}; install it to run these tests`);
  return { ok: false, reason };
}
