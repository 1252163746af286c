/**
 * The size budget: the whole client (every export, without a signer library), bundled for the
 * browser with esbuild, minified and gzipped, must stay within 6 KiB, and several times smaller
 * than Amplify's events client bundled the same way. Sizes are printed as test diagnostics.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { build } from 'esbuild';

const BUDGET = 6 * 1024;
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Minified and gzipped size of a browser ESM bundle of `entry` (module source). */
async function bundledSize(entry: string): Promise<{ minified: number; gzipped: number }> {
  const result = await build({
    stdin: { contents: entry, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.length, gzipped: gzipSync(code).length };
}

describe('bundle size', () => {
  it(`the whole client is at most ${BUDGET} bytes minified and gzipped, and several times smaller than Amplify's events client`, async (t) => {
    const client = await bundledSize("export * from '@switchboard/client';");
    const amplify = await bundledSize("export { events } from 'aws-amplify/data';");
    const configured = await bundledSize("export { events } from 'aws-amplify/data'; export { Amplify } from 'aws-amplify';");
    t.diagnostic(`@switchboard/client: ${client.minified} B minified, ${client.gzipped} B gzipped`);
    t.diagnostic(`aws-amplify/data events: ${amplify.minified} B minified, ${amplify.gzipped} B gzipped`);
    t.diagnostic(`aws-amplify/data events + Amplify.configure: ${configured.minified} B minified, ${configured.gzipped} B gzipped`);
    t.diagnostic(`ratio: ${(amplify.gzipped / client.gzipped).toFixed(1)}x smaller than the events client alone`);
    assert.ok(client.gzipped <= BUDGET, `${client.gzipped} B is over the ${BUDGET} B budget`);
    assert.ok(amplify.gzipped >= 3 * client.gzipped, `only ${(amplify.gzipped / client.gzipped).toFixed(1)}x smaller than Amplify`);
  });
});
