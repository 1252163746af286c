import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { loadApp, type AppSource, type LoadedApp } from '../cloudformation/app.js';
import { ConfigError, type ConfigOverrides } from '../config/load.js';
import { devBanner, startNode, type StartedNode } from './node.js';
import { onStopRequest } from './stop-request.js';

/** A change settles for this long before the app is read again (`cdk synth` writes many files). */
const SETTLE_MS = 300;

/** The lines `dev` prints about the app: its API keys, then what was left out or stood in for. */
export function appLines(app: LoadedApp): string[] {
  return [
    `  App:           stack ${app.stack}, API ${app.api}`,
    ...app.apiKeys.map(({ logicalId, key }) => `  API key:       ${key}  (${logicalId})`),
    ...app.notes.map((note) => `  ${note.level === 'disabled' ? 'Disabled' : note.level === 'ignored' ? 'Ignored' : 'Generated'}: ${note.message}`),
  ];
}

/**
 * `switchboard dev --cdk cdk.out` / `--template FILE`: runs the app read from its AWS definition,
 * and runs it again when the definition changes (a new `cdk synth`, an edited template or
 * overrides file): the new definition is read first; when it is valid, the running server closes
 * (clients see 1001 and reconnect) and a new one listens on the same port. An invalid definition
 * is reported and the running server keeps going. API key values stay the same across reloads.
 */
export async function runDevApp(source: AppSource, given: ConfigOverrides, defaults: ConfigOverrides): Promise<number | undefined> {
  const keyCache = new Map<string, string>();
  const read = (): Promise<LoadedApp> => loadApp(source, { keyCache, given, defaults });
  let app: LoadedApp;
  try {
    app = await read();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`switchboard: ${err.message}\n`);
    return 2;
  }
  const first = await startNode(app.config, 'dev');
  if (typeof first === 'number') return first;
  let node: StartedNode = first;
  const port = node.address.port;
  const announce = (): void => {
    process.stdout.write(devBanner(node.address, app.config, appLines(app)));
    for (const note of app.notes) node.log[note.level === 'disabled' ? 'warn' : 'info']('app definition', { note: note.message });
  };
  announce();
  let timer: NodeJS.Timeout | undefined;
  let reloading = Promise.resolve();
  const reload = async (): Promise<void> => {
    let next: LoadedApp;
    try {
      next = await read();
    } catch (err) {
      node.log.error('the app definition changed and cannot be read; the running app goes on', { err: (err as Error).message });
      return;
    }
    node.log.info('the app definition changed; restarting', { stack: next.stack });
    await node.switchboard.close();
    const started = await startNode(next.config, 'dev', port);
    if (typeof started === 'number') {
      process.stderr.write('switchboard: the changed app cannot start (see above); stopping\n');
      process.exit(started);
    }
    node = started;
    app = next;
    announce();
  };
  const unwatch = watchFiles(app.watch, () => {
    clearTimeout(timer);
    timer = setTimeout(() => (reloading = reloading.then(reload)), SETTLE_MS);
  });
  onStopRequest((reason) => {
    unwatch();
    clearTimeout(timer);
    node.log.info('shutting down', { signal: reason });
    setTimeout(() => process.exit(0), app.config.server.shutdownTimeoutMs + 2000).unref();
    void reloading.then(() => node.switchboard.close()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  return undefined;
}

/** How often the definition's files are looked at. */
const POLL_MS = 250;

/**
 * Watches each file by polling its status: `cdk synth` may replace files and even the folder, which
 * an `fs.watch` on the old folder would miss. Returns a function that stops watching.
 */
function watchFiles(files: readonly string[], changed: () => void): () => void {
  const listener = (now: Stats, before: Stats): void => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino) changed();
  };
  for (const file of files) watchFile(file, { interval: POLL_MS, persistent: false }, listener);
  return () => {
    for (const file of files) unwatchFile(file, listener);
  };
}
