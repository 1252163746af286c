import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** How long after the last change event a file counts as saved (editors write in several steps). */
const SETTLE_MS = 50;

/**
 * Calls back when a watched file changes. Watches each file's folder, not the file: editors
 * replace files on save, which ends a watch on the file itself.
 */
export class FileWatcher {
  readonly #byDir = new Map<string, { watcher: FSWatcher; files: Map<string, Array<() => void>> }>();
  readonly #timers = new Map<string, NodeJS.Timeout>();

  /** Calls `onChange` about 50 ms after `file` was last changed. */
  add(file: string, onChange: () => void): void {
    const dir = dirname(file);
    let entry = this.#byDir.get(dir);
    if (entry === undefined) {
      const files = new Map<string, Array<() => void>>();
      const watcher = watch(dir, (_event, name) => {
        const callbacks = name === null ? undefined : files.get(name.toString());
        if (callbacks === undefined) return;
        const key = `${dir}/${name!.toString()}`;
        clearTimeout(this.#timers.get(key));
        this.#timers.set(key, setTimeout(() => {
          this.#timers.delete(key);
          for (const callback of callbacks) callback();
        }, SETTLE_MS));
      });
      watcher.unref();
      entry = { watcher, files };
      this.#byDir.set(dir, entry);
    }
    const name = basename(file);
    entry.files.set(name, [...(entry.files.get(name) ?? []), onChange]);
  }

  close(): void {
    for (const { watcher } of this.#byDir.values()) watcher.close();
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#byDir.clear();
    this.#timers.clear();
  }
}
