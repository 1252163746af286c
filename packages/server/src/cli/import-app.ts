import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { stringify } from 'yaml';
import { loadApp, type AppSource, type LoadedApp } from '../cloudformation/app.js';
import { ConfigError } from '../config/load.js';

/** The folder beside the written configuration that holds the app's code. */
export const CODE_FOLDER = 'switchboard-code';

/** Keys whose values are paths, in a function target or a namespace. */
const PATH_KEYS = new Set(['code', 'codeDir', 'function', 'interpreter']);

/**
 * `switchboard import`: writes the configuration equivalent to the app's AWS definition (what
 * `dev --cdk` / `--template` runs) to `out`, with the code it needs copied beside it in
 * `switchboard-code/` (inline handlers, and the function assets of the cloud assembly), so that
 * `switchboard start --config out` runs without the template or `cdk.out`.
 */
export async function runImport(source: AppSource, out: string): Promise<number> {
  const file = resolve(out);
  const codeDir = join(dirname(file), CODE_FOLDER);
  let app: LoadedApp;
  try {
    app = await loadApp(source, { generatedDir: codeDir });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`switchboard: ${err.message}\n`);
    return 2;
  }
  const rebased = rebase(app.input, app, dirname(file), codeDir) as Record<string, unknown>;
  const header = [
    `Written by switchboard import from ${source.cdkOut ?? source.template} (stack ${app.stack}, API ${app.api}).`,
    'Run it with: switchboard start --config ' + basename(file),
    'API key values are local stand-ins: replace them, or read them from the environment with ${NAME}.',
    ...app.notes.map((note) => `${note.level}: ${note.message}`),
  ];
  writeFileSync(file, header.map((line) => `# ${line}`).join('\n') + '\n' + stringify(rebased, { lineWidth: 0 }));
  process.stdout.write(`Wrote ${file} (${app.config.namespaces.length} namespaces) and its code in ${codeDir}\n`);
  for (const note of app.notes) process.stdout.write(`  ${note.level}: ${note.message}\n`);
  return 0;
}

/**
 * The input with every path relative to the written file: code in the cloud assembly copied into
 * `codeDir/functions/<name>/`, inline code already there, paths from the overrides file kept where they point.
 */
function rebase(value: unknown, app: LoadedApp, outDir: string, codeDir: string, key?: string, owner?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => rebase(v, app, outDir, codeDir));
  if (typeof value === 'object' && value !== null) {
    const name = (value as { name?: unknown }).name;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebase(v, app, outDir, codeDir, k, typeof name === 'string' ? name : undefined)]));
  }
  if (typeof value !== 'string' || key === undefined || !PATH_KEYS.has(key) || (key === 'interpreter' && !value.includes('/'))) return value;
  let path = isAbsolute(value) ? value : resolve(app.baseDir, value);
  if (app.assemblyDir !== undefined && path.startsWith(app.assemblyDir + sep)) {
    // A function's asset is copied under the function's name, a readable stand-in for the asset hash.
    const copy = join(codeDir, 'functions', owner ?? basename(path));
    if (!existsSync(copy)) cpSync(path, copy, { recursive: true });
    path = copy;
  }
  const rel = relative(outDir, path);
  return rel.startsWith('..') ? path : `./${rel}`;
}
