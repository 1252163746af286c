import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { choosePython } from './python.js';
import { programAvailable } from '../../test-support/programs.js';

describe('choosePython', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-python-'));
  const path = process.env['PATH'];
  after(() => {
    process.env['PATH'] = path;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs python3, with a note, when python3.N is on PATH but cannot run (a version manager shim)', async (t) => {
    if (!programAvailable('python3').ok) return t.skip('python3 is not installed');
    const shim = join(dir, 'python3.99');
    writeFileSync(shim, '#!/bin/sh\necho "pyenv: python3.99: command not found" >&2\nexit 127\n');
    chmodSync(shim, 0o755);
    process.env['PATH'] = `${dir}${delimiter}${path ?? ''}`;
    const choice = await choosePython(undefined, '3.99');
    assert.match(choice.version, /^3\.\d+$/);
    assert.match(choice.note ?? '', /^python3\.99 cannot run \(cannot run .*python3\.99: pyenv: python3\.99: command not found\); running python3 \(3\.\d+\)$/);
  });
});
