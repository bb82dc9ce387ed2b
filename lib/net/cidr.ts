import ipaddr from 'ipaddr.js';

// IPv4 and IPv6 addresses and CIDR ranges, on ipaddr.js (a maintained parser) rather than
// hand-written bit twiddling. IPv4 clients on a dual-stack socket arrive as ::ffff:a.b.c.d:
// every address and range is reduced to its IPv4 form where it has one, so 10.0.0.0/8 matches
// ::ffff:10.1.2.3 and ::ffff:10.0.0.0/104 matches 10.1.2.3.

type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type Cidr = readonly [Address, number];

function unmap(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

function parseAddress(text: string): Address | null {
  const trimmed = text.trim();
  // ipaddr.js also accepts odd legacy IPv4 forms ("10", "0x0a.1"); an allowlist entry or a
  // client address must be written out in full.
  if (!ipaddr.IPv4.isValidFourPartDecimal(trimmed) && !ipaddr.IPv6.isValid(trimmed)) return null;
  try {
    return unmap(ipaddr.parse(trimmed));
  } catch {
    return null;
  }
}

/** The canonical text of an address (IPv4 for mapped addresses, compact IPv6), or null if it is not one. */
export function normalizeIp(text: string | null | undefined): string | null {
  if (!text) return null;
  // A zone index ("fe80::1%eth0") names an interface, not a different host.
  const address = parseAddress(text.replace(/%.*$/, ''));
  return address ? address.toString() : null;
}

/** Parses "a.b.c.d/n", "x::/n" or a bare address (a /32 or /128); null if malformed. */
export function parseCidr(text: string): Cidr | null {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const addressText = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const raw = parseAddress(addressText);
  if (!raw) return null;
  const isMapped = addressText.includes(':') && raw.kind() === 'ipv4';
  const fullBits = raw.kind() === 'ipv4' ? 32 : 128;
  let bits = fullBits;
  if (slash !== -1) {
    const bitsText = trimmed.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bitsText)) return null;
    bits = Number(bitsText);
    if (isMapped) {
      // ::ffff:a.b.c.d/n written in IPv6 form: n counts the 96 mapping bits too.
      if (bits < 96 || bits > 128) return null;
      bits -= 96;
    } else if (bits > fullBits) {
      return null;
    }
  }
  return [raw, bits];
}

export function isValidCidr(text: string): boolean {
  return parseCidr(text) !== null;
}

/** The message for an allowlist entry that is not an address or range: the form's and the API's. */
export const notACidrMessage = (text: string) => `Not an IP address or CIDR range: ${text}`;

/** The network in canonical form: "10.1.2.3/8" becomes "10.0.0.0/8", "10.1.2.3" becomes "10.1.2.3/32". */
export function normalizeCidr(text: string): string | null {
  const cidr = parseCidr(text);
  if (!cidr) return null;
  const [address, bits] = cidr;
  const network =
    address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`);
  return `${network.toString()}/${bits}`;
}

function inCidr(address: Address, [network, bits]: Cidr): boolean {
  return address.kind() === network.kind() && address.match(network, bits);
}

/**
 * True if every address of `inner` lies in `outer`: the same family, a prefix at least as long,
 * and the same leading bits. IPv4-mapped ranges were reduced to IPv4 by parseCidr.
 */
export function cidrWithin([address, bits]: Cidr, outer: Cidr): boolean {
  return bits >= outer[1] && inCidr(address, outer);
}

/** A parsed allowlist: parse once, match many times. */
export class Allowlist {
  readonly entries: readonly Cidr[];

  constructor(cidrs: readonly string[]) {
    this.entries = cidrs.map((text) => {
      const cidr = parseCidr(text);
      if (!cidr) throw new Error(`Not an IP address or CIDR range: ${JSON.stringify(text)}`);
      return cidr;
    });
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** True if the address lies in any entry. An unknown or malformed address is never in the list. */
  contains(ip: string | null | undefined): boolean {
    const address = ip ? parseAddress(ip.replace(/%.*$/, '')) : null;
    if (!address) return false;
    return this.entries.some((cidr) => inCidr(address, cidr));
  }

  /**
   * True if the whole range lies inside one entry. A range that only a union of entries covers
   * (10.0.0.0/8 against 10.0.0.0/9 and 10.128.0.0/9) is not counted: the caller splits it.
   * A malformed range is never covered.
   */
  coversRange(text: string): boolean {
    const range = parseCidr(text);
    return range !== null && this.entries.some((cidr) => cidrWithin(range, cidr));
  }

  /** An empty allowlist places no restriction; otherwise the address must be in it. */
  admits(ip: string | null | undefined): boolean {
    return this.isEmpty || this.contains(ip);
  }
}

const cache = new Map<string, Allowlist>();
const CACHE_LIMIT = 1000;

/**
 * The parsed form of a stored allowlist. Lists are parsed on every request otherwise, and an
 * organization's list of 100 CIDRs is the same on each, so parsed lists are kept (bounded).
 */
export function allowlistOf(cidrs: readonly string[]): Allowlist {
  if (cidrs.length === 0) return EMPTY;
  const key = cidrs.join(',');
  let list = cache.get(key);
  if (!list) {
    list = new Allowlist(cidrs);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, list);
  }
  return list;
}

const EMPTY = new Allowlist([]);
