/**
 * Resolves once `condition()` is true, checking every 20 ms; rejects naming `what` after
 * `timeoutMs`. For conditions that become true in the background (a log line, a counter), so a
 * test waits as long as a busy machine needs instead of sleeping a fixed time and hoping.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
