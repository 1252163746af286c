import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

// Every value the official `@aws-appsync/utils` type definitions (a devDependency, types only)
// declare, walked property by property with the TypeScript compiler, must exist in Switchboard's
// runtime with the same kind (function or object). A new version of the types that adds a helper
// makes this test fail until the runtime has it.
const packageDir = dirname(createRequire(import.meta.url).resolve('@aws-appsync/utils/package.json'));
const ENTRY_POINTS = { index: 'index.d.ts', dynamodb: 'dynamodb.d.ts', rds: 'rds.d.ts', ai: 'ai.d.ts' } as const;
const ENTRY_FILES: Record<keyof typeof ENTRY_POINTS, string> = {
  index: join(packageDir, 'lib', 'index.d.ts'),
  dynamodb: join(packageDir, ENTRY_POINTS.dynamodb),
  rds: join(packageDir, ENTRY_POINTS.rds),
  ai: join(packageDir, ENTRY_POINTS.ai),
};

type Expected = { path: string; kind: 'function' | 'object' };

function expectedExports(file: string): Expected[] {
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const moduleSymbol = checker.getSymbolAtLocation(source)!;
  const out: Expected[] = [];
  const walk = (path: string, type: ts.Type, depth: number): void => {
    if (type.getCallSignatures().length > 0) {
      out.push({ path, kind: 'function' });
      return;
    }
    const properties = checker.getPropertiesOfType(type);
    out.push({ path, kind: 'object' });
    if (depth > 3) return;
    for (const property of properties) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (declaration === undefined) continue;
      walk(`${path}.${property.name}`, checker.getTypeOfSymbolAtLocation(property, declaration), depth + 1);
    }
  };
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (!(target.flags & (ts.SymbolFlags.Variable | ts.SymbolFlags.Function))) continue;
    const declaration = target.valueDeclaration ?? target.declarations![0]!;
    walk(symbol.name, checker.getTypeOfSymbolAtLocation(target, declaration), 0);
  }
  return out;
}

function lookup(module: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key]), module);
}

describe('@aws-appsync/utils coverage', () => {
  for (const [name, file] of Object.entries(ENTRY_FILES)) {
    it(`has every export of the ${name} entry point that the official types declare`, async () => {
      const expected = expectedExports(file);
      assert.ok(expected.length > 0, `no exports found in ${file}`);
      const runtime = (await import(`./${name}.js`)) as Record<string, unknown>;
      const missing = expected.filter(({ path, kind }) => typeof lookup(runtime, path) !== kind).map(({ path, kind }) => `${path} (${kind})`);
      assert.deepEqual(missing, [], `missing from Switchboard's @aws-appsync/utils${name === 'index' ? '' : `/${name}`}`);
    });
  }

  it('walks deep enough to see util.time and util.dynamodb members', () => {
    const paths = expectedExports(ENTRY_FILES.index).map((e) => e.path);
    for (const path of ['util.time.nowFormatted', 'util.dynamodb.toMapValues', 'util.transform.toDynamoDBFilterExpression', 'runtime.earlyReturn']) {
      assert.ok(paths.includes(path), `${path} not found by the type walk`);
    }
  });

  it('installs util, runtime and extensions as globals when it loads, as the APPSYNC_JS runtime has them', async () => {
    const index = (await import('./index.js')) as Record<string, unknown>;
    const globals = globalThis as Record<string, unknown>;
    assert.equal(globals['util'], index['util']);
    assert.equal(globals['runtime'], index['runtime']);
    assert.equal(globals['extensions'], index['extensions']);
  });
});
