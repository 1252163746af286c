// Summarises a V8 .cpuprofile (from `node bench/fanout/run.mjs --profile DIR`, which starts
// Switchboard with --cpu-prof): top functions by self time and by inclusive time.
// Usage: node bench/fanout/profile-summary.mjs FILE.cpuprofile [top=25]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/fanout/profile-summary.mjs FILE.cpuprofile [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url) => url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, '').replace(/.*\/packages\//, '').replace(/^node:/, 'node:');
const keyOf = (n) => {
  const { functionName, url, lineNumber } = n.callFrame;
  return `${functionName || '(anonymous)'} ${url ? `${short(url)}:${lineNumber + 1}` : ''}`.trim();
};

const self = new Map();
const inclusive = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const node = byId.get(id);
  const k = keyOf(node);
  self.set(k, (self.get(k) ?? 0) + dt);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const key = keyOf(byId.get(cur));
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
  }
});
const idle = self.get('(idle)') ?? 0;
const busy = total - idle;
const table = (title, map) => {
  const rows = [...map].filter(([k]) => !['(idle)', '(root)', '(program)'].includes(k)).sort((a, b) => b[1] - a[1]).slice(0, top);
  process.stdout.write(`\n${title} (% of busy time, ${(busy / 1e6).toFixed(2)} s busy of ${(total / 1e6).toFixed(2)} s)\n`);
  for (const [k, v] of rows) process.stdout.write(`${((100 * v) / busy).toFixed(1).padStart(6)} %  ${k}\n`);
};
table('Self time', self);
table('Inclusive time', inclusive);
