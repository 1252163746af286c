import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { addressList, listHas, normalizeIp } from './ip.js';

/**
 * Who the client is: the TCP peer, unless that peer is a proxy listed in
 * `protection.trustedProxies`; then `X-Forwarded-For` is read from the right (the hop the trusted
 * proxy appended) past every trusted proxy, and the first address that is not one is the client.
 * With no trusted proxies the header is never read, so a client cannot choose its own address.
 * Derived once per request and remembered: protection rules, `identity.sourceIp` and logs all see
 * the same address.
 */
export class ClientIpResolver {
  readonly #trusted: ReturnType<typeof addressList> | undefined;
  readonly #seen = new WeakMap<IncomingMessage, string>();

  constructor(trustedProxies: readonly string[]) {
    this.#trusted = trustedProxies.length === 0 ? undefined : addressList(trustedProxies);
  }

  resolve(req: IncomingMessage): string {
    const seen = this.#seen.get(req);
    if (seen !== undefined) return seen;
    const ip = this.#derive(req);
    this.#seen.set(req, ip);
    return ip;
  }

  #derive(req: IncomingMessage): string {
    let ip = normalizeIp(req.socket.remoteAddress ?? 'unknown');
    const trusted = this.#trusted;
    if (trusted === undefined || !listHas(trusted, ip)) return ip;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normalizeIp(stripPort((hops[i] as string).trim()));
      // A malformed hop ends the walk: nothing left of it can be trusted to mean anything.
      if (isIP(hop) === 0) break;
      ip = hop;
      if (!listHas(trusted, ip)) break;
    }
    return ip;
  }
}

/** `[2001:db8::1]:443` and `192.0.2.1:443` (some proxies append ports) without the port. */
function stripPort(hop: string): string {
  if (hop.startsWith('[')) {
    const end = hop.indexOf(']');
    return end < 0 ? hop : hop.slice(1, end);
  }
  const colon = hop.indexOf(':');
  return colon > 0 && hop.indexOf(':', colon + 1) < 0 ? hop.slice(0, colon) : hop;
}
