import { BlockList, isIP } from 'node:net';

/**
 * A client address as rules see it: IPv4-mapped IPv6 (`::ffff:192.0.2.1`, what a dual-stack
 * listener reports for IPv4 clients) as plain IPv4, the zone of a link-local address dropped,
 * lower-case. Anything that is not an address comes back unchanged.
 */
export function normalizeIp(address: string): string {
  let ip = address.toLowerCase();
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  if (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4) return ip.slice(7);
  return ip;
}

/**
 * The key per-client state is kept under: an IPv4 address as is, an IPv6 address cut to its
 * first `ipv6PrefixLength` bits. One IPv6 client usually holds a whole /64, so counting per
 * address would let it rotate through 2^64 addresses past every per-client limit.
 */
export function clientKey(ip: string, ipv6PrefixLength: number): string {
  if (isIP(ip) !== 6) return ip;
  const groups = expandIpv6(ip);
  const kept: string[] = [];
  for (let i = 0, bits = ipv6PrefixLength; i < 8; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : bits <= 0 ? 0 : (0xffff << (16 - bits)) & 0xffff;
    kept.push(((groups[i] as number) & mask).toString(16));
  }
  return `${kept.join(':')}/${ipv6PrefixLength}`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` and a trailing dotted quad expanded). */
function expandIpv6(ip: string): number[] {
  let text = ip;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad !== null) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
}

/** Whether `entry` is an IP address or a CIDR block (`192.0.2.0/24`, `2001:db8::/32`). */
export function isCidr(entry: string): boolean {
  return parseCidr(entry) !== undefined;
}

/** A `BlockList` holding every address and CIDR block of `entries` (IPv4 and IPv6). */
export function addressList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const cidr = parseCidr(entry);
    if (cidr === undefined) throw new TypeError(`not an IP address or CIDR block: ${entry}`);
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return list;
}

/** Whether `list` holds `ip` (already normalized); false for anything that is not an address. */
export function listHas(list: BlockList, ip: string): boolean {
  const family = isIP(ip);
  return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

function parseCidr(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, extra] = entry.trim().split('/');
  const ip = normalizeIp(address);
  const family = isIP(ip);
  if (family === 0 || extra !== undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address: ip, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}
