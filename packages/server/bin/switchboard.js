#!/usr/bin/env node
// The `switchboard` command. The TypeScript sources are compiled to dist/ by `npm ci` (root `prepare`).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then((code) => {
  if (code !== undefined) process.exitCode = code;
});
