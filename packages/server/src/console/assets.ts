import { readFileSync } from 'node:fs';

/** Where the console's build puts the page (`packages/console/scripts/build.mjs`); shipped in the package. */
export const ASSETS_DIR = new URL('../../console-assets/', import.meta.url);

/** The console's files by URL path: a fixed list, so no request path ever reaches the file system. */
const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/console': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/console/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
  '/console/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/**
 * The console's static files, read once on first use and kept in memory. `get` answers only the
 * paths listed above; `missing` says when the page was not built (`npm run build` builds it).
 */
export class ConsoleAssets {
  readonly #dir: URL;
  #loaded: Map<string, Asset> | undefined;
  #missing: string | undefined;

  /** `dir`: a folder URL ending in `/`. @default ASSETS_DIR */
  constructor(dir: URL = ASSETS_DIR) {
    this.#dir = dir;
  }

  get(path: string): Asset | undefined {
    return this.#load().get(path);
  }

  /** The file that could not be read, when the console was not built. */
  get missing(): string | undefined {
    this.#load();
    return this.#missing;
  }

  #load(): Map<string, Asset> {
    if (this.#loaded !== undefined) return this.#loaded;
    const loaded = new Map<string, Asset>();
    for (const [path, { file, type }] of Object.entries(FILES)) {
      try {
        loaded.set(path, { body: readFileSync(new URL(file, this.#dir)), type });
      } catch {
        this.#missing ??= file;
      }
    }
    this.#loaded = loaded;
    return loaded;
  }
}
