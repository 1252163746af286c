import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { JS_EXTENSIONS, JS_FILE, PYTHON_FILE, runtimeFamily, type FunctionTargetConfig } from '../config/function-target.js';

/** Where and how one function runs, derived from its configuration. */
export type FunctionSpec =
  | { readonly type: 'url'; readonly name: string; readonly url: string; readonly retries: number }
  | {
      readonly type: 'module';
      readonly name: string;
      readonly file: string;
      /** The export a Lambda call runs. */
      readonly exportName: string;
      readonly runtime: 'worker' | 'inline';
      readonly taskRoot: string;
      readonly handler: string;
      readonly environment: Readonly<Record<string, string>>;
      readonly memoryMb: number;
    }
  | {
      readonly type: 'process';
      readonly name: string;
      /** `python`: Switchboard's Python bootstrap; `command`: a custom runtime. */
      readonly language: 'python' | 'command';
      /** The program and its arguments (custom runtimes). */
      readonly command: readonly string[];
      /** Python: the interpreter asked for (a command or a path), and the version from `runtime` (`3.12`). */
      readonly interpreter: string | undefined;
      readonly pythonVersion: string | undefined;
      readonly taskRoot: string;
      /** `_HANDLER`. */
      readonly handler: string;
      readonly environment: Readonly<Record<string, string>>;
      readonly memoryMb: number;
      readonly concurrency: number;
      /** Files whose change reloads the function under `switchboard dev`. */
      readonly sources: readonly string[];
    };

/**
 * Reads a validated target (paths already absolute) as the runtime that will run it. The mapping
 * from an `AWS::Lambda::Function` is direct: `codeDir` is the code asset, `handler` and `runtime`
 * are Lambda's, `environment` its variables, `memoryMb` its memory size.
 */
export function functionSpec(target: FunctionTargetConfig): FunctionSpec {
  if (target.url !== undefined) return { type: 'url', name: target.name ?? new URL(target.url).host, url: target.url, retries: target.retries };
  const environment = target.environment ?? {};
  const { memoryMb } = target;
  const runtime = target.runtime;
  if (target.command !== undefined || (runtime !== undefined && runtimeFamily(runtime) === 'command')) {
    const command = target.command === undefined ? [join(target.codeDir!, 'bootstrap')] : typeof target.command === 'string' ? [target.command] : [...target.command];
    const program = command[0]!;
    const taskRoot = target.codeDir ?? (program.includes('/') ? dirname(program) : process.cwd());
    const handler = target.handler ?? '';
    return { type: 'process', language: 'command', name: target.name ?? basename(program), command, interpreter: undefined, pythonVersion: undefined, taskRoot, handler, environment, memoryMb, concurrency: target.concurrency, sources: program.includes('/') ? [program] : [] };
  }
  const file = target.function;
  const python = file !== undefined ? PYTHON_FILE.test(file) : runtimeFamily(runtime!) === 'python';
  if (python) {
    const taskRoot = file !== undefined ? dirname(file) : target.codeDir!;
    const handler = target.handler ?? `${stem(file!)}.handler`;
    const module = handler.slice(0, handler.lastIndexOf('.'));
    const source = file ?? join(taskRoot, `${module.replaceAll('.', '/')}.py`);
    const pythonVersion = runtime?.startsWith('python3.') ? runtime.slice('python'.length) : undefined;
    return { type: 'process', language: 'python', name: target.name ?? module.split(/[./]/).pop()!, command: [], interpreter: target.interpreter, pythonVersion, taskRoot, handler, environment, memoryMb, concurrency: target.concurrency, sources: [source] };
  }
  const handler = target.handler ?? `${stem(file!)}.handler`;
  const dot = handler.lastIndexOf('.');
  const moduleFile = file ?? jsModuleFile(target.codeDir!, handler.slice(0, dot));
  return {
    type: 'module',
    name: target.name ?? stem(moduleFile),
    file: moduleFile,
    exportName: handler.slice(dot + 1),
    runtime: runtime === 'inline' ? 'inline' : 'worker',
    taskRoot: file !== undefined ? dirname(file) : target.codeDir!,
    handler,
    environment,
    memoryMb,
  };
}

/** The file of a JavaScript `codeDir` module (`src/index` → `src/index.mjs`, `.js`, ...); the config loader has checked it exists. */
export function jsModuleFile(codeDir: string, module: string): string {
  const base = join(codeDir, module);
  if (JS_FILE.test(base) && existsSync(base)) return base;
  return JS_EXTENSIONS.map((ext) => base + ext).find((candidate) => existsSync(candidate)) ?? `${base}.js`;
}

/** A file name without its folder and extension (`/a/app.py` → `app`). */
function stem(path: string): string {
  return basename(path, extname(path));
}
