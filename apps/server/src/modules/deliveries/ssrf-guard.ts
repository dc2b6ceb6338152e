import * as dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * The SSRF guard: which addresses forwarding may connect to. Pure and
 * framework-free; the HTTP sender applies it at connect time, on the address
 * actually connected to (after DNS), so a hostname that resolves, or later
 * re-resolves, to a private address does not get through.
 */
export interface SsrfPolicy {
  /** Everything may be reached (standalone mode: forwarding to localhost is the point). */
  allowPrivate: boolean;
  /** Addresses or CIDR blocks that may be reached even though they are in a refused range. */
  allowedCidrs: string[];
}

export class SsrfBlockedError extends Error {
  readonly code = 'SSRF_BLOCKED';

  constructor(
    readonly address: string,
    readonly reason: string,
  ) {
    super(`refused by the SSRF guard: ${reason}`);
    this.name = 'SsrfBlockedError';
  }
}

interface Range {
  cidr: string;
  reason: string;
}

/** Most specific first: the first range that holds an address names the reason. */
const REFUSED_V4: Range[] = [
  { cidr: '169.254.169.254/32', reason: 'link-local (cloud metadata) address' },
  { cidr: '0.0.0.0/8', reason: 'unspecified address' },
  { cidr: '127.0.0.0/8', reason: 'loopback address' },
  { cidr: '10.0.0.0/8', reason: 'private address' },
  { cidr: '172.16.0.0/12', reason: 'private address' },
  { cidr: '192.168.0.0/16', reason: 'private address' },
  { cidr: '100.64.0.0/10', reason: 'carrier-grade NAT address' },
  { cidr: '169.254.0.0/16', reason: 'link-local address' },
  { cidr: '192.0.0.0/24', reason: 'IETF protocol assignment address' },
  { cidr: '198.18.0.0/15', reason: 'benchmarking address' },
  { cidr: '224.0.0.0/4', reason: 'multicast address' },
  { cidr: '240.0.0.0/4', reason: 'reserved address' },
];

const REFUSED_V6: Range[] = [
  { cidr: '::/128', reason: 'unspecified address' },
  { cidr: '::1/128', reason: 'loopback address' },
  { cidr: 'fd00:ec2::254/128', reason: 'unique-local (cloud metadata) address' },
  { cidr: 'fe80::/10', reason: 'link-local address' },
  { cidr: 'fec0::/10', reason: 'site-local address' },
  { cidr: 'fc00::/7', reason: 'unique-local address' },
  { cidr: 'ff00::/8', reason: 'multicast address' },
];

function compile(ranges: Range[], family: 'ipv4' | 'ipv6'): { list: BlockList; reason: string }[] {
  return ranges.map(({ cidr, reason }) => {
    const [network, prefix] = cidr.split('/');
    const list = new BlockList();
    list.addSubnet(network, Number(prefix), family);
    return { list, reason };
  });
}

const REFUSED = { ipv4: compile(REFUSED_V4, 'ipv4'), ipv6: compile(REFUSED_V6, 'ipv6') };

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) =>
    part ? part.split(':').map((group) => parseInt(group, 16)) : [];
  const left = parse(head);
  const right = parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

/**
 * The IPv4 address an IPv6 address stands for, where it does: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`), 6to4
 * (`2002:aabb:ccdd::/48`, routed to a.b.c.d by a relay) and Teredo (`2001:0::/32`, whose
 * last 32 bits are the client's IPv4 address, inverted). Null for any other IPv6 address
 * (and for `::` and `::1`, which are themselves).
 */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  const zero = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  const dotted = (high: number, low: number) =>
    [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  const mapped = zero(0, 5) && g[5] === 0xffff;
  const compatible = zero(0, 6) && !(g[6] === 0 && g[7] <= 1);
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6);
  if (mapped || compatible || nat64) return dotted(g[6], g[7]);
  if (g[0] === 0x2002) return dotted(g[1], g[2]);
  if (g[0] === 0x2001 && g[1] === 0) return dotted(g[6] ^ 0xffff, g[7] ^ 0xffff);
  return null;
}

function isAllowed(address: string, family: 'ipv4' | 'ipv6', cidrs: string[]): boolean {
  if (cidrs.length === 0) return false;
  const allowed = new BlockList();
  for (const entry of cidrs) {
    const [network, prefix] = entry.split('/');
    const entryFamily = isIP(network) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) allowed.addAddress(network, entryFamily);
    else allowed.addSubnet(network, Number(prefix), entryFamily);
  }
  return allowed.check(address, family);
}

/**
 * Null when forwarding may connect to `ip` (`allowPrivate` opens every range but the
 * cloud metadata addresses); otherwise why not, in a few words
 * ("loopback address 127.0.0.1"). An IPv6 address that embeds an IPv4 one is
 * judged by the IPv4 address. Anything that is not an IP address is refused.
 */
export function blockedReason(ip: string, policy: SsrfPolicy): string | null {
  const address = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(address);
  if (version === 0) return `not an IP address: ${ip}`;
  const v4 = version === 4 ? address : embeddedIpv4(address);
  if (isAllowed(address, version === 4 ? 'ipv4' : 'ipv6', policy.allowedCidrs)) return null;
  if (v4 !== null && v4 !== address && isAllowed(v4, 'ipv4', policy.allowedCidrs)) return null;
  const [judged, family] = v4 !== null ? [v4, 'ipv4' as const] : [address, 'ipv6' as const];
  const refused = REFUSED[family].find(({ list }) => list.check(judged, family));
  if (!refused) return null;
  // Allowing private addresses (local debugging) still keeps the cloud metadata service
  // out of reach: credentials live there. Only an explicit allowed CIDR opens it.
  if (policy.allowPrivate && !refused.reason.includes('cloud metadata')) return null;
  return judged === address
    ? `${refused.reason} ${address}`
    : `${refused.reason} ${judged} (embedded in ${address})`;
}

type Resolve = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

/**
 * A `dns.lookup` replacement for `net.connect` / undici's `connect.lookup`: it
 * resolves every address of the host and fails with `SsrfBlockedError` if ANY
 * of them is refused, so the socket can only ever connect to an allowed one.
 * (Node does not call `lookup` for IP literals: check those with `blockedReason`.)
 */
export function createGuardedLookup(
  policy: SsrfPolicy,
  resolve: Resolve = dns.lookup,
): LookupFunction {
  return (hostname, options, callback) => {
    const opts: dns.LookupOptions = typeof options === 'object' && options !== null ? options : {};
    const { family, hints, verbatim, order } = opts;
    resolve(hostname, { family, hints, verbatim, order, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (addresses.length === 0) {
        const notFound: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        notFound.code = 'ENOTFOUND';
        return callback(notFound, []);
      }
      for (const { address } of addresses) {
        const reason = blockedReason(address, policy);
        if (reason !== null) return callback(new SsrfBlockedError(address, reason), []);
      }
      if (opts.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
