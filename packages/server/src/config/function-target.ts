import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';

/** An http:// or https:// URL. */
export const httpUrl = z.string().url().regex(/^https?:\/\//, 'must be an http:// or https:// URL');

/** Lambda runtime identifiers Switchboard runs, and its own `worker` / `inline` for JavaScript. */
export const RUNTIME_PATTERN = /^(worker|inline|nodejs\d+\.x|python3(\.\d+)?|provided(\.al2|\.al2023)?)$/;

/** File extensions of JavaScript (and TypeScript) modules, and of Python handlers. */
export const JS_FILE = /\.(js|mjs|cjs|ts|mts)$/;
/** Extensions tried, in order, for the module a JavaScript `codeDir` + `handler` names. */
export const JS_EXTENSIONS = ['.mjs', '.js', '.cjs', '.ts', '.mts'] as const;
export const PYTHON_FILE = /\.py$/;

/**
 * The fields that locate a function, shared by function handlers, data sources and the Lambda
 * authorizer. One of: a handler file (`function`), a Lambda code folder with an AWS handler string
 * (`codeDir` + `handler` + `runtime`, the shape of `AWS::Lambda::Function`), a custom runtime
 * (`command`), or an HTTP URL (`url`). `docs/handlers.md` describes each.
 */
export function functionTargetFields(defaultRetries: number) {
  return {
    /** Handler file: `.js`, `.mjs`, `.cjs`, `.ts`, `.mts` (JavaScript) or `.py` (Python), relative to the configuration file. */
    function: z.string().min(1).optional(),
    /** A Lambda code folder (the function's code asset); `handler` names the module and function inside it. */
    codeDir: z.string().min(1).optional(),
    /** AWS handler string `module.function` (`app.handler`, `src/index.handler`). Default: `<file name>.handler`. */
    handler: z.string().regex(/^[\w./-]+\.[A-Za-z_$][\w$]*$/, 'must be module.function, such as app.handler').optional(),
    /** A custom runtime: a program (and its arguments) that speaks the AWS Lambda Runtime API. */
    command: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** HTTP function: the event is POSTed here as JSON. */
    url: httpUrl.optional(),
    /**
     * JavaScript: `worker` (isolated thread, default), `inline` (this thread) or `nodejsNN.x` (a
     * worker). Python: `python3` (default) or `python3.N`. Custom: `provided`, `provided.al2023`.
     */
    runtime: z.string().regex(RUNTIME_PATTERN, 'must be worker, inline, nodejsNN.x, python3, python3.N or provided[.al2|.al2023]').optional(),
    /** Python only: the interpreter to run, a command on PATH or a path (a virtualenv's `bin/python`). */
    interpreter: z.string().min(1).optional(),
    /** The function's name: Lambda `context.functionName` and `AWS_LAMBDA_FUNCTION_NAME`. Default: from the file, handler or command. */
    name: z.string().regex(/^[\w.-]{1,64}$/, 'must be 1-64 letters, digits, -, _ or .').optional(),
    /** Environment variables of the function (worker threads and processes; not `inline`). */
    environment: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid environment variable name'), z.string()).optional(),
    /** Lambda memory size in MB: a worker's heap limit; informative for processes. */
    memoryMb: z.number().int().min(128).max(10_240).default(256),
    /** Processes only (Python, custom): at most this many run at once; further calls wait within their timeout. */
    concurrency: z.number().int().min(1).max(64).default(4),
    /** HTTP only: retries after no answer, a 5xx or a 429, within the timeout. */
    retries: z.number().int().min(0).max(10).default(defaultRetries),
  };
}

/** The validated fields that locate a function (see `functionTargetFields`); paths are absolute once loaded. */
export interface FunctionTargetConfig {
  readonly function?: string | undefined;
  readonly codeDir?: string | undefined;
  readonly handler?: string | undefined;
  readonly command?: string | readonly string[] | undefined;
  readonly url?: string | undefined;
  readonly runtime?: string | undefined;
  readonly interpreter?: string | undefined;
  readonly name?: string | undefined;
  readonly environment?: Readonly<Record<string, string>> | undefined;
  readonly memoryMb: number;
  readonly concurrency: number;
  readonly retries: number;
}

/** Refinement: the fields describe exactly one function, in a combination that makes sense. */
export function exactlyOneTarget(value: Partial<FunctionTargetConfig>, ctx: z.RefinementCtx): void {
  const issue = (message: string, path?: string): void => ctx.addIssue({ code: 'custom', message, ...(path ? { path: [path] } : {}) });
  const given = (['function', 'codeDir', 'command', 'url'] as const).filter((key) => value[key] !== undefined);
  const lone = given.length === 1 || (given.length === 2 && given.includes('command') && given.includes('codeDir'));
  if (!lone) return issue('set exactly one of function (a handler file), codeDir (with handler and runtime), command (a custom runtime) or url (an HTTP function); command may come with codeDir');
  const runtime = value.runtime;
  const kind = runtimeKind(value);
  if (value.url !== undefined) {
    for (const key of ['handler', 'runtime', 'interpreter', 'environment'] as const) {
      if (value[key] !== undefined) issue(`does not apply to an HTTP function (url)`, key);
    }
    return;
  }
  if (value.function !== undefined && !JS_FILE.test(value.function) && !PYTHON_FILE.test(value.function)) {
    issue('must be a .js, .mjs, .cjs, .ts, .mts or .py file', 'function');
  }
  if (value.function !== undefined && value.handler !== undefined) {
    const module = value.handler.slice(0, value.handler.lastIndexOf('.'));
    const file = basename(value.function, extname(value.function));
    if (module !== file) issue(`with function, handler is <file name>.<function name> (${file}.<name>); ${module} is not the file's name`, 'handler');
  }
  if (value.codeDir !== undefined && value.command === undefined) {
    if (value.handler === undefined) issue('codeDir needs handler (module.function, as in AWS Lambda)', 'handler');
    if (runtime === undefined) issue('codeDir needs runtime (such as python3.12, nodejs20.x or provided.al2023)', 'runtime');
  }
  if (runtime !== undefined && kind !== undefined && runtimeFamily(runtime) !== kind) {
    issue(`${runtime} cannot run ${value.command !== undefined ? 'a command' : value.function ?? 'this code'}`, 'runtime');
  }
  if (value.interpreter !== undefined && kind !== 'python') issue('applies to Python functions only', 'interpreter');
  if (value.environment !== undefined && runtime === 'inline') issue('cannot be set for runtime inline, which shares the server process', 'environment');
}

/** What a runtime identifier runs: JavaScript in this process, Python, or a custom program. */
export function runtimeFamily(runtime: string): 'javascript' | 'python' | 'command' {
  if (runtime.startsWith('python')) return 'python';
  if (runtime.startsWith('provided')) return 'command';
  return 'javascript';
}

/** What a target's file or command implies, before its `runtime` is looked at. */
function runtimeKind(value: Partial<FunctionTargetConfig>): 'javascript' | 'python' | 'command' | undefined {
  if (value.command !== undefined) return 'command';
  if (value.function !== undefined) return PYTHON_FILE.test(value.function) ? 'python' : 'javascript';
  return undefined;
}

/** A target's fields as `parseConfig` holds them before freezing: paths may still be relative. */
type TargetPaths = {
  function?: string | undefined;
  codeDir?: string | undefined;
  command?: string | string[] | undefined;
  interpreter?: string | undefined;
  readonly handler?: string | undefined;
  readonly runtime?: string | undefined;
};

/**
 * Makes a target's paths absolute with `resolvePath` (relative to the configuration file): the
 * handler file, the code folder, and a command or interpreter given as a path (one with a `/`;
 * a bare name is looked up on PATH when the function starts). Appends a line to `missing` for
 * each path that does not exist, naming the option `where`.
 */
export function resolveTargetPaths(target: TargetPaths, where: string, resolvePath: (path: string) => string, missing: string[]): void {
  const check = (path: string, option: string, what = 'file'): string => {
    const absolute = resolvePath(path);
    if (!existsSync(absolute)) missing.push(`  - ${where}.${option}: ${what} not found: ${absolute}`);
    return absolute;
  };
  if (target.function !== undefined) target.function = check(target.function, 'function');
  if (target.codeDir !== undefined) target.codeDir = check(target.codeDir, 'codeDir', 'folder');
  if (target.interpreter?.includes('/')) target.interpreter = check(target.interpreter, 'interpreter');
  if (typeof target.command === 'string') target.command = [target.command];
  const program = target.command?.[0];
  if (target.command !== undefined && program?.includes('/')) target.command = [check(program, 'command'), ...target.command.slice(1)];
  if (target.codeDir !== undefined && target.command === undefined && target.runtime !== undefined && target.handler !== undefined && existsSync(target.codeDir)) {
    const problem = missingInCodeDir(target.codeDir, target.handler, runtimeFamily(target.runtime));
    if (problem !== undefined) missing.push(`  - ${where}.handler: ${problem}`);
  }
}

/** Why `handler` names nothing in `codeDir`, or `undefined` when its module (or `bootstrap`) is there. */
function missingInCodeDir(codeDir: string, handler: string, family: 'javascript' | 'python' | 'command'): string | undefined {
  if (family === 'command') return existsSync(join(codeDir, 'bootstrap')) ? undefined : `a provided runtime needs an executable ${join(codeDir, 'bootstrap')}`;
  const module = handler.slice(0, handler.lastIndexOf('.'));
  const base = family === 'python' ? join(codeDir, module.replaceAll('.', '/')) : join(codeDir, module);
  const candidates = family === 'python' ? [`${base}.py`, join(base, '__init__.py')] : [base, ...JS_EXTENSIONS.map((ext) => base + ext)];
  return candidates.some((candidate) => existsSync(candidate) && (family === 'python' || JS_FILE.test(candidate))) ? undefined : `no module ${module} in ${codeDir} (looked for ${candidates.map((c) => basename(c)).join(', ')})`;
}
