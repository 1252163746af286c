/**
 * The `Origin` allow-list for WebSocket upgrades (`protection.allowedOrigins`), against
 * cross-site WebSocket hijacking: a page on another site opening a socket with whatever the
 * browser sends by itself. Entries are exact origins (`https://app.example.com`), one leading
 * wildcard label (`https://*.example.com`: any subdomain, not the bare domain), `null` (sandboxed
 * pages, `file:`), or `*` for any. A request without `Origin` passes: browsers always send one
 * with a WebSocket, other clients choose theirs freely, so the list can only protect browsers.
 */
export class OriginAllowList {
  readonly #any: boolean;
  readonly #exact: ReadonlySet<string>;
  readonly #wildcards: readonly { scheme: string; suffix: string }[];

  constructor(entries: readonly string[]) {
    this.#any = entries.includes('*');
    const lower = entries.map((e) => e.toLowerCase().replace(/\/+$/, ''));
    this.#exact = new Set(lower.filter((e) => !e.includes('://*.')));
    this.#wildcards = lower
      .filter((e) => e.includes('://*.'))
      .map((e) => {
        const [scheme = '', rest = ''] = e.split('://*');
        return { scheme, suffix: rest };
      });
  }

  allows(origin: string | undefined): boolean {
    if (this.#any || origin === undefined) return true;
    const o = origin.toLowerCase();
    if (this.#exact.has(o)) return true;
    return this.#wildcards.some((w) => o.startsWith(`${w.scheme}://`) && o.endsWith(w.suffix) && o.length > w.scheme.length + 3 + w.suffix.length);
  }
}
