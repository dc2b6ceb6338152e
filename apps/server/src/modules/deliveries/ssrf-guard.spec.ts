import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import {
  SsrfBlockedError,
  blockedReason,
  createGuardedLookup,
  type SsrfPolicy,
} from './ssrf-guard';

const strict: SsrfPolicy = { allowPrivate: false, allowedCidrs: [] };

interface LookupOutcome {
  err: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family?: number;
}

function lookupWith(
  lookup: LookupFunction,
  hostname: string,
  all: boolean,
): Promise<LookupOutcome> {
  return new Promise((resolve) =>
    lookup(hostname, { all }, (err, address, family) => resolve({ err, address, family })),
  );
}

/** A resolver that answers with fixed addresses, so no test depends on (or touches) the network. */
function fixedResolver(addresses: LookupAddress[], seen: { options?: unknown } = {}) {
  return (
    _hostname: string,
    options: unknown,
    callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
  ) => {
    seen.options = options;
    setImmediate(() => callback(null, addresses));
  };
}

describe('blockedReason', () => {
  it.each([
    ['0.0.0.0', 'unspecified address 0.0.0.0'],
    ['0.1.2.3', 'unspecified address 0.1.2.3'],
    ['127.0.0.1', 'loopback address 127.0.0.1'],
    ['127.255.255.254', 'loopback address 127.255.255.254'],
    ['10.0.0.1', 'private address 10.0.0.1'],
    ['10.255.255.255', 'private address 10.255.255.255'],
    ['172.16.0.1', 'private address 172.16.0.1'],
    ['172.31.255.255', 'private address 172.31.255.255'],
    ['192.168.1.1', 'private address 192.168.1.1'],
    ['100.64.0.1', 'carrier-grade NAT address 100.64.0.1'],
    ['100.127.255.255', 'carrier-grade NAT address 100.127.255.255'],
    ['169.254.169.254', 'link-local (cloud metadata) address 169.254.169.254'],
    ['169.254.1.1', 'link-local address 169.254.1.1'],
    ['192.0.0.8', 'IETF protocol assignment address 192.0.0.8'],
    ['198.18.0.1', 'benchmarking address 198.18.0.1'],
    ['198.19.255.255', 'benchmarking address 198.19.255.255'],
    ['224.0.0.1', 'multicast address 224.0.0.1'],
    ['239.255.255.250', 'multicast address 239.255.255.250'],
    ['240.0.0.1', 'reserved address 240.0.0.1'],
    ['255.255.255.255', 'reserved address 255.255.255.255'],
  ])('refuses the IPv4 address %s as "%s"', (ip, reason) => {
    expect(blockedReason(ip, strict)).toBe(reason);
  });

  it.each([
    ['::', 'unspecified address ::'],
    ['::1', 'loopback address ::1'],
    ['0:0:0:0:0:0:0:1', 'loopback address 0:0:0:0:0:0:0:1'],
    ['fe80::1', 'link-local address fe80::1'],
    ['febf:ffff::1', 'link-local address febf:ffff::1'],
    ['fd00:ec2::254', 'unique-local (cloud metadata) address fd00:ec2::254'],
    ['fc00::1', 'unique-local address fc00::1'],
    ['fdff:ffff::1', 'unique-local address fdff:ffff::1'],
    ['ff02::1', 'multicast address ff02::1'],
  ])('refuses the IPv6 address %s as "%s"', (ip, reason) => {
    expect(blockedReason(ip, strict)).toBe(reason);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback address 127.0.0.1'],
    ['::ffff:7f00:1', 'loopback address 127.0.0.1'],
    ['0:0:0:0:0:ffff:7f00:1', 'loopback address 127.0.0.1'],
    ['::FFFF:A9FE:A9FE', 'link-local (cloud metadata) address 169.254.169.254'],
    ['::ffff:10.0.0.1', 'private address 10.0.0.1'],
    ['::127.0.0.1', 'loopback address 127.0.0.1'],
    ['::7f00:1', 'loopback address 127.0.0.1'],
    ['::c0a8:101', 'private address 192.168.1.1'],
    ['64:ff9b::7f00:1', 'loopback address 127.0.0.1'],
    ['64:ff9b::169.254.169.254', 'link-local (cloud metadata) address 169.254.169.254'],
    ['2002:7f00:1::', 'loopback address 127.0.0.1'],
    ['2002:a9fe:a9fe::1', 'link-local (cloud metadata) address 169.254.169.254'],
    ['2002:c0a8:101:5::10', 'private address 192.168.1.1'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback address 127.0.0.1'],
    ['2001::f5ff:fffe', 'private address 10.0.0.1'],
    ['2001:0:5ef5:79fd::5601:5601', 'link-local (cloud metadata) address 169.254.169.254'],
  ])('judges %s by its embedded IPv4 address (%s)', (ip, reason) => {
    expect(blockedReason(ip, strict)).toBe(`${reason} (embedded in ${ip})`);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.255.0.1',
    '192.0.1.1',
    '198.17.255.255',
    '198.20.0.1',
    '223.255.255.255',
    '2606:2800:220:1:248:1893:25c8:1946',
    '2001:4860:4860::8888',
    '::ffff:93.184.216.34',
    '::ffff:5db8:d822',
    '64:ff9b::5db8:d822',
    '2002:5db8:d822::1',
    '2001:0:4136:e378:8000:63bf:a247:27dd',
  ])('allows the public address %s', (ip) => {
    expect(blockedReason(ip, strict)).toBeNull();
  });

  it('accepts bracketed IPv6 and strips a zone id before judging', () => {
    expect(blockedReason('[::1]', strict)).toBe('loopback address ::1');
    expect(blockedReason('fe80::1%eth0', strict)).toBe('link-local address fe80::1');
  });

  it('refuses anything that is not an IP address', () => {
    expect(blockedReason('localhost', strict)).toBe('not an IP address: localhost');
    expect(blockedReason('', strict)).toBe('not an IP address: ');
  });

  it('allows every private range when allowPrivate is set, but not the cloud metadata service', () => {
    const open: SsrfPolicy = { allowPrivate: true, allowedCidrs: [] };
    for (const ip of ['127.0.0.1', '::1', '10.0.0.1', '169.254.1.1', 'fc00::1']) {
      expect(blockedReason(ip, open)).toBeNull();
    }
    expect(blockedReason('169.254.169.254', open)).toBe(
      'link-local (cloud metadata) address 169.254.169.254',
    );
    expect(blockedReason('fd00:ec2::254', open)).toBe(
      'unique-local (cloud metadata) address fd00:ec2::254',
    );
    const explicit: SsrfPolicy = { allowPrivate: true, allowedCidrs: ['169.254.169.254/32'] };
    expect(blockedReason('169.254.169.254', explicit)).toBeNull();
  });

  it('lets addresses inside an allowed CIDR through and keeps the rest of the range refused', () => {
    const policy: SsrfPolicy = { allowPrivate: false, allowedCidrs: ['10.1.0.0/16', 'fd12::/16'] };
    expect(blockedReason('10.1.2.3', policy)).toBeNull();
    expect(blockedReason('10.2.0.1', policy)).toBe('private address 10.2.0.1');
    expect(blockedReason('fd12:3456::1', policy)).toBeNull();
    expect(blockedReason('fd13::1', policy)).toBe('unique-local address fd13::1');
  });

  it('accepts a bare address as an allowed entry', () => {
    const policy: SsrfPolicy = { allowPrivate: false, allowedCidrs: ['169.254.169.254'] };
    expect(blockedReason('169.254.169.254', policy)).toBeNull();
    expect(blockedReason('169.254.169.253', policy)).toBe('link-local address 169.254.169.253');
  });

  it('allows 127.0.0.1 (also IPv4-mapped) with 127.0.0.1/32 while ::1 stays refused', () => {
    const policy: SsrfPolicy = { allowPrivate: false, allowedCidrs: ['127.0.0.1/32'] };
    expect(blockedReason('127.0.0.1', policy)).toBeNull();
    expect(blockedReason('::ffff:127.0.0.1', policy)).toBeNull();
    expect(blockedReason('127.0.0.2', policy)).toBe('loopback address 127.0.0.2');
    expect(blockedReason('::1', policy)).toBe('loopback address ::1');
  });
});

describe('SsrfBlockedError', () => {
  it('carries the address, the reason and the SSRF_BLOCKED code', () => {
    const error = new SsrfBlockedError('127.0.0.1', 'loopback address 127.0.0.1');
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('SSRF_BLOCKED');
    expect(error.address).toBe('127.0.0.1');
    expect(error.message).toBe('refused by the SSRF guard: loopback address 127.0.0.1');
  });
});

describe('createGuardedLookup', () => {
  it('refuses localhost, which resolves to a loopback address', async () => {
    const { err } = await lookupWith(createGuardedLookup(strict), 'localhost', true);
    expect(err).toBeInstanceOf(SsrfBlockedError);
    expect((err as SsrfBlockedError).address).toMatch(/^(127\.|::1$)/);
  });

  it('resolves localhost when private destinations are allowed, honouring options.all', async () => {
    const lookup = createGuardedLookup({ allowPrivate: true, allowedCidrs: [] });
    const all = await lookupWith(lookup, 'localhost', true);
    expect(all.err).toBeNull();
    expect(Array.isArray(all.address)).toBe(true);
    expect((all.address as LookupAddress[]).length).toBeGreaterThan(0);

    const one = await lookupWith(lookup, 'localhost', false);
    expect(one.err).toBeNull();
    expect(typeof one.address).toBe('string');
    expect([4, 6]).toContain(one.family);
  });

  it('refuses a host when ANY of its addresses is refused (a rebinding answer mixing public and private)', async () => {
    const lookup = createGuardedLookup(
      strict,
      fixedResolver([
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.1', family: 4 },
      ]),
    );
    const { err } = await lookupWith(lookup, 'rebind.example', true);
    expect(err).toBeInstanceOf(SsrfBlockedError);
    expect((err as SsrfBlockedError).address).toBe('10.0.0.1');
    expect(err?.message).toContain('private address 10.0.0.1');
  });

  it('hands back public addresses in the shape dns.lookup would (all, or the first one)', async () => {
    const seen: { options?: unknown } = {};
    const addresses = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ];
    const lookup = createGuardedLookup(strict, fixedResolver(addresses, seen));
    expect((await lookupWith(lookup, 'example.com', true)).address).toEqual(addresses);
    expect(seen.options).toMatchObject({ all: true });

    const one = await lookupWith(lookup, 'example.com', false);
    expect(one).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    expect(seen.options).toMatchObject({ all: true });
  });

  it('passes a resolver failure through unchanged', async () => {
    const failure: NodeJS.ErrnoException = new Error('getaddrinfo ENOTFOUND nowhere.invalid');
    failure.code = 'ENOTFOUND';
    const lookup = createGuardedLookup(strict, (_hostname, _options, callback) =>
      callback(failure, []),
    );
    expect((await lookupWith(lookup, 'nowhere.invalid', true)).err).toBe(failure);
  });
});
