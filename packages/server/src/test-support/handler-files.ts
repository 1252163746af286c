import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A folder of handler files written by a test. It sits inside the package (not in /tmp) so the
 * files can import the workspace's packages, such as Powertools, the way a user's handler would.
 */
export class HandlerFiles {
  readonly dir: string;

  constructor(name: string) {
    this.dir = join(fileURLToPath(new URL('../../.test-handlers/', import.meta.url)), `${name}-${process.pid}-${Date.now()}`);
    mkdirSync(this.dir, { recursive: true });
  }

  /** Writes `file` (a path inside the folder; its folders are made) and returns its absolute path. */
  write(file: string, source: string): string {
    const path = join(this.dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, source);
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
