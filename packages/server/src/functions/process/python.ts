import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FunctionStartError } from '../types.js';

/** Switchboard's Python runtime: the standard library only (it hands over to `awslambdaric` when installed). */
export const PYTHON_BOOTSTRAP = fileURLToPath(new URL('../../../runtimes/python/switchboard_bootstrap.py', import.meta.url));

/** The interpreter to run and, when it is not the one asked for, why. */
export interface PythonChoice {
  /** The interpreter's own executable (`sys.executable`), so no launcher shim runs per process. */
  readonly interpreter: string;
  readonly version: string;
  readonly note?: string;
}

/** Prints the interpreter's executable and its major.minor version. */
const PROBE = ['-c', 'import sys; print(sys.executable); print("%d.%d" % sys.version_info[:2])'];

/** The oldest Python the bootstrap runs on. */
const MIN_VERSION = [3, 8] as const;

/**
 * Picks the Python interpreter: `interpreter` when set (a path, or a command on PATH); otherwise
 * `python3.N` for `runtime: python3.N` when it is installed and runs, else `python3` (with a note
 * saying so, as AWS's minor version is often not the local one). Runs it once to learn its
 * executable and version.
 *
 * @throws FunctionStartError when no interpreter is found, or it is not Python 3.8 or later.
 */
export async function choosePython(interpreter: string | undefined, version: string | undefined): Promise<PythonChoice> {
  let found: string | undefined;
  let note: string | undefined;
  if (interpreter !== undefined) {
    found = interpreter.includes('/') ? (isExecutable(interpreter) ? interpreter : undefined) : onPath(interpreter);
    if (found === undefined) throw new FunctionStartError(`the Python interpreter ${interpreter} was not found${interpreter.includes('/') ? '' : ' on PATH'}`);
  } else {
    found = version === undefined ? undefined : onPath(`python${version}`);
    if (found === undefined) {
      found = onPath('python3');
      if (found === undefined) {
        throw new FunctionStartError(`${version === undefined ? 'python3' : `neither python${version} nor python3`} was found on PATH: install Python 3, or set interpreter to its path`);
      }
      if (version !== undefined) note = `python${version} is not installed; running python3`;
    }
  }
  let probe: string;
  try {
    probe = await run(found, PROBE);
  } catch (err) {
    // A version manager's shim (pyenv) may be on PATH for a version that is not active: use python3.
    const fallback = interpreter === undefined && note === undefined ? onPath('python3') : undefined;
    if (fallback === undefined) throw err;
    note = `python${version} cannot run (${(err as Error).message.split('\n')[0]}); running python3`;
    found = fallback;
    probe = await run(found, PROBE);
  }
  const [executable, actual] = probe.split('\n').map((line) => line.trim());
  const [major, minor] = (actual ?? '').split('.').map(Number);
  if (major !== MIN_VERSION[0] || minor === undefined || minor < MIN_VERSION[1]) {
    throw new FunctionStartError(`${found} is Python ${actual ?? '?'}; Switchboard needs Python ${MIN_VERSION.join('.')} or later`);
  }
  return { interpreter: executable || found, version: actual!, ...(note === undefined ? {} : { note: `${note} (${actual})` }) };
}

function run(program: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new FunctionStartError(`cannot run ${program}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** The full path of `command` on PATH, or `undefined`. */
export function onPath(command: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
