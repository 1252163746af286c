/** How often a process started by npm checks that npm's shell is still its parent. */
const PARENT_CHECK_MS = 200;

/**
 * Calls `stop` once, with the reason, on SIGTERM or SIGINT, or when the process was started by npm
 * (`npx switchboard`, an npm script) and npm's shell is gone.
 *
 * Why the last one: npm runs a command through `sh -c`, and passes SIGTERM and SIGINT on to that
 * shell only. A shell that forks rather than execs its last command (Debian's and Ubuntu's dash,
 * the `/bin/sh` of `node:20` images) dies of the signal without passing it on, which left the
 * server running, orphaned, with its port held. The server cannot receive that signal, so it
 * watches for its effect: its parent changing.
 */
export function onStopRequest(stop: (reason: string) => void, env: NodeJS.ProcessEnv = process.env): void {
  let requested = false;
  const once = (reason: string): void => {
    if (requested) return;
    requested = true;
    clearInterval(watch);
    stop(reason);
  };
  process.on('SIGTERM', () => once('SIGTERM'));
  process.on('SIGINT', () => once('SIGINT'));
  const parent = process.ppid;
  const startedByNpm = env['npm_lifecycle_event'] !== undefined && parent !== 1;
  const watch = startedByNpm ? setInterval(() => process.ppid !== parent && once('npm exited'), PARENT_CHECK_MS).unref() : undefined;
}
