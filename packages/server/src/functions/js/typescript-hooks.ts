/**
 * Node.js module hooks (registered with `module.register` in a thread that runs a TypeScript
 * function) that run `.ts` and `.mts` files without a build step: each file is transpiled with
 * esbuild when it loads, as an ES module with an inline source map, so stack traces point at the
 * `.ts` lines. Types are not checked. A syntax error fails the load with `file:line:col`.
 *
 * From a TypeScript file, a relative import may name the `.ts` file itself, its `.js` twin (the
 * NodeNext convention) or no extension (the bundler convention, as in CDK's NodejsFunction code).
 * esbuild is imported only when the first TypeScript file loads.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

type Esbuild = typeof import('esbuild');
type Resolved = { url: string; format?: string | null | undefined; shortCircuit?: boolean };
type Resolve = (specifier: string, context: { parentURL?: string | undefined }) => Promise<Resolved>;
type Loaded = { format: string; source?: string | ArrayBuffer | Uint8Array | null | undefined; shortCircuit?: boolean };
type Load = (url: string, context: { format?: string | null | undefined }) => Promise<Loaded>;

const TS_URL = /\.m?ts(\?.*)?$/;
let esbuild: Promise<Esbuild> | undefined;

export async function resolve(specifier: string, context: { parentURL?: string | undefined }, next: Resolve): Promise<Resolved> {
  try {
    return await next(specifier, context);
  } catch (err) {
    const fromTs = context.parentURL !== undefined && TS_URL.test(context.parentURL);
    if (!fromTs || !/^\.\.?\//.test(specifier) || (err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    for (const candidate of alternatives(specifier)) {
      try {
        return await next(candidate, context);
      } catch {
        // try the next spelling
      }
    }
    throw err;
  }
}

export async function load(url: string, context: { format?: string | null | undefined }, next: Load): Promise<Loaded> {
  if (!url.startsWith('file:') || !TS_URL.test(url)) return next(url, context);
  const file = fileURLToPath(url.replace(/\?.*$/, ''));
  const source = await readFile(file, 'utf8');
  const { transform } = await (esbuild ??= import('esbuild'));
  try {
    const out = await transform(source, { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline', sourcefile: file });
    return { format: 'module', source: out.code, shortCircuit: true };
  } catch (err) {
    throw new SyntaxError(describeEsbuildError(err, file));
  }
}

/** The spellings of a relative import from a TypeScript file that may name a `.ts` module. */
function alternatives(specifier: string): string[] {
  if (/\.js$/.test(specifier)) return [specifier.replace(/\.js$/, '.ts')];
  if (/\.mjs$/.test(specifier)) return [specifier.replace(/\.mjs$/, '.mts')];
  if (/\.[a-z]+$/i.test(specifier)) return [];
  return ['.ts', '.mts', '.js', '.mjs', '/index.ts', '/index.js'].map((suffix) => specifier + suffix);
}

function describeEsbuildError(err: unknown, file: string): string {
  const first = (err as { errors?: Array<{ text: string; location: { file: string; line: number; column: number } | null }> }).errors?.[0];
  if (first === undefined) return `${file}: ${(err as Error).message}`;
  const where = first.location === null ? file : `${first.location.file || file}:${first.location.line}:${first.location.column + 1}`;
  return `${where}: ${first.text}`;
}
