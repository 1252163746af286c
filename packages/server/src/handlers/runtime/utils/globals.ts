import { extensions, runtime, util } from './index.js';

/**
 * Makes `util`, `runtime` and `extensions` globals, as the APPSYNC_JS runtime has them (the
 * `@aws-appsync/utils` types declare them global), so a handler that uses them without importing
 * runs unchanged. A global of the same name that already exists is left alone.
 */
export function installGlobals(): void {
  const globals = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries({ util, runtime, extensions })) {
    if (!(name in globals)) Object.defineProperty(globals, name, { value, writable: true, configurable: true });
  }
}
