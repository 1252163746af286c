import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const PACKAGES = ['protocol', 'handler', 'server'] as const;
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

/** A consumer's TypeScript: every import resolves to real types (a wrong use is an error, not `any`). */
const CHECK_TS = `
import { createSwitchboard, parseConfig, type Config, type ListenAddress } from '@switchboard/server';
import { AppSyncEventsResolver, UnauthorizedException } from '@switchboard/handler';
import { ERROR_TYPES, type ErrorType } from '@switchboard/protocol';

const config: Readonly<Config> = parseConfig({ auth: { apiKeys: [{ key: 'da2-switchboardpackagetest01' }] }, namespaces: [{ name: 'default' }] }, 'inline');
const switchboard = await createSwitchboard(config);
const address: ListenAddress = await switchboard.listen(0, '127.0.0.1');
const app = new AppSyncEventsResolver();
app.onSubscribe('/default/{room}', (event) => {
  const room: string = event.params.room;
  if (room === 'private') throw new UnauthorizedException('no');
});
const type: ErrorType = 'BadRequestException';
console.log(address.httpUrl, ERROR_TYPES[type].status);
// @ts-expect-error: a number is not an error type
const wrong: ErrorType = 42;
// @ts-expect-error: listen takes a port number
await switchboard.listen('8080');
`;

/** The same, run: a server from the package serves a publish; the SDK routes; the protocol decodes. */
const RUN_MJS = `
import { createSwitchboard, parseConfig } from '@switchboard/server';
import { AppSyncEventsResolver } from '@switchboard/handler';
import { ERROR_TYPES, decodeClientMessage } from '@switchboard/protocol';
const key = 'da2-switchboardpackagetest01';
const switchboard = await createSwitchboard(parseConfig({ log: { level: 'silent' }, auth: { apiKeys: [{ key }] }, namespaces: [{ name: 'default' }] }, 'inline'));
const { httpUrl } = await switchboard.listen(0, '127.0.0.1');
const res = await fetch(httpUrl + '/event', { method: 'POST', headers: { 'x-api-key': key }, body: JSON.stringify({ channel: '/default/a', events: ['1'] }) });
const body = await res.json();
await switchboard.close();
const app = new AppSyncEventsResolver();
app.onPublish('/default/*', (payload) => ({ doubled: payload * 2 }));
const event = { info: { channel: { path: '/default/a', segments: ['default', 'a'] }, channelNamespace: { name: 'default' }, operation: 'PUBLISH' },
  events: [{ id: 'e1', payload: 21 }], identity: null, request: { headers: {}, domainName: null }, stash: {}, result: null, error: null, prev: null, outErrors: [] };
const routed = await app.resolve(event, {});
console.log(JSON.stringify({ status: res.status, successful: body.successful.length, routed, type: decodeClientMessage('{"type":"connection_init"}').type, notFound: ERROR_TYPES.ResourceNotFound.status }));
`;

describe('the packages outside the repository', () => {
  it('pack into tarballs that install in an empty project and work, types and the switchboard command included', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-pack-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    // The suite has built dist/ already, so prepack's `tsc -b` is skipped here.
    const packed = await Promise.all(PACKAGES.map(async (name) => {
      const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: join(REPO, 'packages', name) });
      const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
      return { name, tarball: join(dir, info!.filename), files: info!.files.map((f) => f.path) };
    }));
    for (const { name, files } of packed) {
      for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) assert.ok(files.includes(needed), `${name} ships ${needed}`);
      // The web console's page, built by the root build (packages/console/scripts/build.mjs), ships with the server.
      if (name === 'server') for (const asset of ['console-assets/index.html', 'console-assets/app.js', 'console-assets/app.css']) assert.ok(files.includes(asset), `server ships ${asset}`);
      const stray = files.filter((f) => /\.test\.|\.test-d\.|\.map$|test-support\/|e2e\/|fixtures\/|tsbuildinfo/.test(f));
      assert.deepEqual(stray, [], `${name} ships no tests, fixtures or source maps`);
    }

    const app = join(dir, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // From npm's cache when it has the server's dependencies, else from the registry.
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...packed.map((p) => p.tarball)], { cwd: app, timeout: 90_000 });

    await writeFile(join(app, 'check.ts'), CHECK_TS);
    await writeFile(join(app, 'run.mjs'), RUN_MJS);
    await writeFile(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(REPO, 'node_modules/@types')] },
      files: ['check.ts'],
    }));
    const version = (JSON.parse(readFileSync(join(REPO, 'packages/server/package.json'), 'utf8')) as { version: string }).version;
    const [typecheck, runtime, command] = await Promise.all([
      run(process.execPath, [TSC, '-p', app]).then(() => '', (err: { stdout: string }) => err.stdout),
      run(process.execPath, ['run.mjs'], { cwd: app }),
      run(join(app, 'node_modules/.bin/switchboard'), ['--version'], { cwd: app }),
    ]);
    assert.equal(typecheck, '', 'the consumer type-checks against the packed declarations');
    assert.deepEqual(JSON.parse(runtime.stdout), {
      status: 200, successful: 1, routed: { events: [{ id: 'e1', payload: { doubled: 42 } }] }, type: 'connection_init', notFound: 404,
    });
    assert.equal(command.stdout.trim(), `switchboard ${version}`);
  });
});
