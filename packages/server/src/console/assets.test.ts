import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { ConsoleAssets } from './assets.js';

describe('ConsoleAssets', () => {
  it('answers the listed paths only, with their content types, and says which file is missing from an unbuilt folder', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-console-assets-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'app.js'), 'export {};');
    writeFileSync(join(dir, 'secret.txt'), 'no');
    const assets = new ConsoleAssets(pathToFileURL(`${dir}/`));
    assert.equal(assets.get('/console/app.js')?.type, 'text/javascript; charset=utf-8');
    assert.equal(assets.get('/console/app.js')?.body.toString(), 'export {};');
    assert.equal(assets.get('/console/secret.txt'), undefined);
    assert.equal(assets.get('/console/'), undefined);
    assert.equal(assets.missing, 'index.html');
  });
});
