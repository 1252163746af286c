import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PROTOCOL = readFileSync(join(REPO, 'docs/protocol.md'), 'utf8');

function files(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...files(path, keep));
    else if (keep(path)) out.push(path);
  }
  return out;
}

const docs = [join(REPO, 'README.md'), ...files(join(REPO, 'docs'), (p) => p.endsWith('.md')), ...files(join(REPO, 'packages'), (p) => p.endsWith('README.md'))];
const code = [...files(join(REPO, 'packages'), (p) => /\.(ts|mjs|js)$/.test(p)), ...files(join(REPO, 'examples'), (p) => /\.(ts|mjs|js)$/.test(p)), ...files(join(REPO, 'bench'), (p) => /\.(ts|mjs|js)$/.test(p))]
  .filter((p) => !p.endsWith('docs-references.test.ts'));

/** The anchors of docs/protocol.md: explicit `<a id>`s and GitHub's heading slugs. */
const anchors = new Set([
  ...[...PROTOCOL.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]!),
  ...[...PROTOCOL.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')),
]);

describe('the repository stands on its own', () => {
  it('cites nothing outside the repository (no ../shared, no "protocol spec" sections)', () => {
    const found = [...docs, ...code].flatMap((path) =>
      [...readFileSync(path, 'utf8').matchAll(/\.\.\/shared\/|shared\/(spec|research)\/|protocol spec\b/g)].map((m) => `${relative(REPO, path)}: ${m[0]}`));
    assert.deepEqual(found, []);
  });

  it('gives every decision cited in the docs and the code (D1..D20) an anchor in docs/protocol.md', () => {
    const cited = new Set([...docs, ...code].flatMap((path) => [...readFileSync(path, 'utf8').matchAll(/\bD(\d{1,2})\b/g)].map((m) => `d${m[1]}`)));
    assert.ok(cited.size > 5, 'decisions are cited');
    assert.deepEqual([...cited].filter((id) => !anchors.has(id)), []);
  });

  it('links every decision a doc cites into docs/protocol.md', () => {
    const bare = docs.filter((p) => !p.endsWith('protocol.md')).flatMap((path) => {
      const text = readFileSync(path, 'utf8').replace(/\[[^\]]*\]\([^)]*protocol\.md[^)]*\)/g, '');
      return [...text.matchAll(/\bD\d{1,2}\b/g)].map((m) => `${relative(REPO, path)}: ${m[0]}`);
    });
    assert.deepEqual(bare, []);
  });

  it('points every protocol.md#anchor link at an anchor that exists', () => {
    const broken = [...docs, ...code].flatMap((path) =>
      [...readFileSync(path, 'utf8').matchAll(/protocol\.md#([\w-]+)/g)].filter((m) => !anchors.has(m[1]!)).map((m) => `${relative(REPO, path)}: #${m[1]}`));
    assert.deepEqual(broken, []);
  });
});
