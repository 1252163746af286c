/**
 * The host names a SigV4 signature may be made for (`auth.iam.hosts`). A signature covers the
 * `host` its client signed; checking that value against this list ties signatures to this
 * deployment, so one made for another API (another Switchboard, or AWS) is refused here.
 *
 * An entry `name` matches that name on any port; `name:port` matches only that port. The port
 * rule exists because clients disagree: HTTP signers sign the real `Host` (with the port when it
 * is not the scheme's default), while WebSocket clients put a `host` of their choosing in the
 * `header-` object, usually without a port. Names compare case-insensitively; IPv6 literals may
 * be written with or without brackets.
 */
export class HostList {
  readonly #entries: readonly HostPort[];

  constructor(entries: readonly string[]) {
    this.#entries = entries.map(splitHost);
  }

  /** Whether a signed `host` value is one of the entries. */
  matches(signedHost: string): boolean {
    const { name, port } = splitHost(signedHost);
    return this.#entries.some((e) => e.name === name && (e.port === undefined || e.port === port));
  }

  /** The entries, for error messages. */
  toString(): string {
    return this.#entries.map((e) => (e.port === undefined ? e.name : `${e.name.includes(':') ? `[${e.name}]` : e.name}:${e.port}`)).join(', ');
  }
}

/**
 * The hosts accepted when `auth.iam.hosts` is not set: the loopback names, so local development
 * works unconfigured, and `server.host` when it is a specific address rather than a wildcard.
 * Any other deployment must list the names its clients sign for.
 */
export function defaultIamHosts(serverHost: string | undefined): string[] {
  const hosts = ['localhost', '127.0.0.1', '::1'];
  const own = serverHost === undefined ? undefined : splitHost(serverHost).name;
  if (own !== undefined && own !== '' && !WILDCARDS.has(own) && !hosts.includes(own)) hosts.push(own);
  return hosts;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

interface HostPort {
  readonly name: string;
  readonly port: string | undefined;
}

function splitHost(value: string): HostPort {
  const v = value.trim().toLowerCase();
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    const rest = end < 0 ? '' : v.slice(end + 1);
    return { name: v.slice(1, end < 0 ? undefined : end), port: rest.startsWith(':') ? rest.slice(1) : undefined };
  }
  const colon = v.indexOf(':');
  // More than one colon and no brackets: a bare IPv6 address, which has no port.
  if (colon < 0 || v.indexOf(':', colon + 1) >= 0) return { name: stripDot(v), port: undefined };
  return { name: stripDot(v.slice(0, colon)), port: v.slice(colon + 1) };
}

function stripDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}
