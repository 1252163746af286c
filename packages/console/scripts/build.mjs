// Builds the web console into the server package (packages/server/console-assets/), which serves it
// at /console and ships it: the page's script bundled and minified by esbuild (Preact and the
// client included), its HTML, style sheet and icon copied. Run by the root `prepare` and `build`
// scripts after `tsc -b` (the bundle imports @switchboard/client's build output).
// Usage: node packages/console/scripts/build.mjs [--quiet]
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ui = fileURLToPath(new URL('../src/ui/', import.meta.url));
const out = fileURLToPath(new URL('../../server/console-assets/', import.meta.url));
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [`${ui}main.tsx`],
  outfile: `${out}app.js`,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'error',
});
for (const file of ['index.html', 'app.css', 'favicon.svg']) copyFileSync(`${ui}${file}`, `${out}${file}`);

if (!process.argv.includes('--quiet')) {
  const size = (file) => {
    const bytes = readFileSync(`${out}${file}`);
    return `${file} ${(bytes.length / 1024).toFixed(1)} KB (${(gzipSync(bytes).length / 1024).toFixed(1)} KB gzipped)`;
  };
  console.log(`console built into ${out}: ${size('app.js')}, ${size('app.css')}`);
}
