import { execFile } from 'node:child_process';

/**
 * What a loaded module offers, described so that it crosses a worker boundary, and the checks a
 * function's callers need from it. Runs where the module loads (worker thread or inline).
 */

/** Names of a module's exports (and of `export default { ... }`'s keys, as `default.name`) by `typeof`. */
export type ModuleExports = Readonly<Record<string, string>>;

/** What a module must export: a Lambda handler under `exportName`, or a code handler's operations. */
export type ModuleExpectation = { readonly kind: 'function'; readonly exportName: string } | { readonly kind: 'code' };

export function describeExports(module: Record<string, unknown>): ModuleExports {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(module)) out[name] = typeof value;
  const fallback = module['default'];
  if (typeof fallback === 'object' && fallback !== null) {
    for (const [name, value] of Object.entries(fallback)) out[`default.${name}`] ??= typeof value;
  }
  return out;
}

/** Why the module cannot serve `expectation`, or `undefined` when it can. */
export function missingExport(exports: ModuleExports, expectation: ModuleExpectation): string | undefined {
  if (expectation.kind === 'function') {
    const name = expectation.exportName;
    if (exports[name] === 'function' || exports[`default.${name}`] === 'function') return undefined;
    return `the module exports no function named ${name} (a Lambda handler(event, context))`;
  }
  if ('onPublish' in exports || 'onSubscribe' in exports) return undefined;
  return 'the module exports neither onPublish nor onSubscribe';
}

/**
 * A module load error as one line with its place. esbuild's errors (TypeScript) already carry
 * `file:line:col`. V8 does not expose where an ES module's syntax error is, so the handler file is
 * checked with `node --check`, which prints it (`file:line`, the source line, a caret under the
 * column); a syntax error in a module the handler imports is reported without its place.
 */
export async function describeLoadError(err: unknown, file: string): Promise<string> {
  if (!(err instanceof Error)) return String(err);
  if (err.name !== 'SyntaxError' || /\.m?ts$/.test(file)) return `${err.name}: ${err.message}`;
  const place = await syntaxErrorPlace(file);
  return place === undefined ? `SyntaxError: ${err.message} (in a module that ${file} imports)` : `${place}: SyntaxError: ${err.message}`;
}

function syntaxErrorPlace(file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--check', file], { timeout: 5000 }, (error, _stdout, stderr) => {
      if (error === null) return resolve(undefined);
      const lines = stderr.split('\n');
      const where = /^(.+):(\d+)$/.exec(lines[0] ?? '');
      const caret = lines.slice(1, 4).find((line) => /^\s*\^/.test(line));
      resolve(where === null ? undefined : `${where[1]}:${where[2]}:${caret === undefined ? 1 : caret.indexOf('^') + 1}`);
    });
  });
}
