// Runs every compiled test file (packages/*/dist/**/*.test.js) with Node's test runner.
// Usage: node scripts/run-tests.mjs [filter]   (filter: a substring of the file path)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2] ?? '';
const files = [];
for (const pkg of readdirSync('packages')) walk(join('packages', pkg, 'dist'));

function walk(dir) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const entry of entries) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith('.test.js') && path.includes(filter)) files.push(path);
  }
}

if (files.length === 0) {
  console.error(`no test files match "${filter}"; run "npm run build" first`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=120000', ...files.sort()],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
