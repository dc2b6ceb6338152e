import { BlockList, isIPv4, isIPv6 } from 'node:net';

const cache = new Map<string, BlockList>();

function blockListOf(entries: string[]): BlockList {
  const key = entries.join(',');
  let list = cache.get(key);
  if (!list) {
    list = new BlockList();
    for (const entry of entries) {
      const [address, prefix] = entry.split('/');
      const type = isIPv6(address) ? 'ipv6' : 'ipv4';
      if (prefix === undefined) list.addAddress(address, type);
      else list.addSubnet(address, Number(prefix), type);
    }
    if (cache.size > 1000) cache.clear();
    cache.set(key, list);
  }
  return list;
}

/** Whether `ip` is inside one of the allowlist's addresses or CIDR blocks (IPv4-mapped IPv6 counts as IPv4). */
export function isIpAllowed(ip: string | null, allowlist: string[]): boolean {
  if (!ip) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1] : ip;
  const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
  if (!type) return false;
  return blockListOf(allowlist).check(address, type);
}
