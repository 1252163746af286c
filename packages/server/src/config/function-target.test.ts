import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { functionSpec } from '../functions/target.js';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY } from '../test-support/server.js';
import type { FunctionTargetConfig } from './function-target.js';
import { ConfigError, parseConfig } from './load.js';

describe('function targets in the configuration', () => {
  let files: HandlerFiles;
  before(() => {
    files = new HandlerFiles('function-target');
    files.write('fn.mjs', 'export const handler = () => null;');
    files.write('app.py', 'def handler(e, c): pass');
    files.write('asset/src/index.ts', 'export const main = () => null;');
    files.write('pyasset/pkg/app.py', 'def handler(e, c): pass');
    files.write('provided/bootstrap', '#!/bin/sh');
  });
  after(() => files.remove());

  const parse = (onPublish: unknown) =>
    parseConfig({ auth: { apiKeys: [{ key: TEST_KEY }] }, namespaces: [{ name: 'x', onPublish }] }, 'test.yaml', files.dir);
  const refuses = (onPublish: unknown, message: RegExp) => assert.throws(() => parse(onPublish), (err: unknown) => err instanceof ConfigError && message.test(err.message));

  it('maps an AWS::Lambda::Function directly: codeDir + handler + runtime + environment + memoryMb', () => {
    const fn = parse({ codeDir: './pyasset', handler: 'pkg.app.handler', runtime: 'python3.12', environment: { TABLE: 't' }, memoryMb: 512, name: 'Chat' }).namespaces[0]!.onPublish as FunctionTargetConfig;
    const spec = functionSpec(fn);
    assert.equal(spec.type, 'process');
    assert.deepEqual(spec.type === 'process' && [spec.language, spec.handler, spec.taskRoot, spec.pythonVersion, spec.name, spec.memoryMb, spec.environment], ['python', 'pkg.app.handler', `${files.dir}/pyasset`, '3.12', 'Chat', 512, { TABLE: 't' }]);
    const node = functionSpec(parse({ codeDir: './asset', handler: 'src/index.main', runtime: 'nodejs20.x' }).namespaces[0]!.onPublish as FunctionTargetConfig);
    assert.deepEqual(node.type === 'module' && [node.file, node.exportName, node.runtime, node.name], [`${files.dir}/asset/src/index.ts`, 'main', 'worker', 'index']);
    const provided = functionSpec(parse({ codeDir: './provided', handler: 'x.y', runtime: 'provided.al2023' }).namespaces[0]!.onPublish as FunctionTargetConfig);
    assert.deepEqual(provided.type === 'process' && [provided.language, provided.command], ['command', [`${files.dir}/provided/bootstrap`]]);
  });

  it('reads a Python file as a Python function with handler <file>.handler', () => {
    const spec = functionSpec(parse({ function: './app.py' }).namespaces[0]!.onPublish as FunctionTargetConfig);
    assert.deepEqual(spec.type === 'process' && [spec.language, spec.handler, spec.name, spec.concurrency], ['python', 'app.handler', 'app', 4]);
  });

  it('refuses combinations that make no sense, naming the option', () => {
    refuses({ function: './fn.mjs', url: 'http://127.0.0.1:1/' }, /namespaces\[0\]\.onPublish: set exactly one of function/);
    refuses({ codeDir: './pyasset' }, /onPublish\.handler: codeDir needs handler[\s\S]*onPublish\.runtime: codeDir needs runtime/);
    refuses({ function: './fn.mjs', runtime: 'python3.12' }, /onPublish\.runtime: python3\.12 cannot run/);
    refuses({ function: './app.py', runtime: 'inline' }, /onPublish\.runtime: inline cannot run/);
    refuses({ function: './fn.mjs', interpreter: 'python3' }, /onPublish\.interpreter: applies to Python functions only/);
    refuses({ function: './fn.mjs', runtime: 'inline', environment: { A: '1' } }, /onPublish\.environment: cannot be set for runtime inline/);
    refuses({ function: './fn.mjs', handler: 'other.handler' }, /onPublish\.handler: with function, handler is <file name>\.<function name> \(fn\.<name>\)/);
    refuses({ function: './fn.txt' }, /onPublish\.function: must be a \.js, \.mjs, \.cjs, \.ts, \.mts or \.py file/);
    refuses({ url: 'http://127.0.0.1:1/', handler: 'a.b' }, /onPublish\.handler: does not apply to an HTTP function/);
    refuses({ function: './fn.mjs', runtime: 'java21' }, /onPublish\.runtime: must be worker, inline/);
  });

  it('refuses paths that do not exist, and a codeDir without the module its handler names', () => {
    refuses({ codeDir: './nowhere', handler: 'a.b', runtime: 'python3' }, /onPublish\.codeDir: folder not found/);
    refuses({ codeDir: './pyasset', handler: 'missing.handler', runtime: 'python3.12' }, /onPublish\.handler: no module missing in .*pyasset \(looked for missing\.py, __init__\.py\)/);
    refuses({ codeDir: './asset', handler: 'index.handler', runtime: 'nodejs20.x' }, /onPublish\.handler: no module index/);
    refuses({ command: './nope/bootstrap' }, /onPublish\.command: file not found/);
    refuses({ function: './app.py', interpreter: './venv/bin/python' }, /onPublish\.interpreter: file not found/);
  });
});
