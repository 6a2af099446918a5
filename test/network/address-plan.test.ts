import * as fc from 'fast-check';
import { ValidationError } from '../../src';
import { AddressPlan, Subnet, addressText, parseAddress } from '../../src/network/address-plan';
import { validationError } from '../helpers';

// The address plan is pure: these tests need no cdk8s app.

describe('Subnet', () => {
  test('IPv4 and IPv6 CIDRs are parsed to canonical text', () => {
    // GIVEN / WHEN
    const v4 = Subnet.parse('subnet', '192.168.20.0/24');
    const v6 = Subnet.parse('subnet', '2001:0DB8:0020:0000::/64');

    // THEN
    expect([v4.cidr, v4.family, v4.prefixLength]).toEqual(['192.168.20.0/24', 4, 24]);
    expect([v6.cidr, v6.family, v6.prefixLength]).toEqual(['2001:db8:20::/64', 6, 64]);
    expect(v4.format(v4.last)).toBe('192.168.20.255');
  });

  test('host bits set: refused with the network it probably means', () => {
    // GIVEN / WHEN a CIDR with host bits set
    const e = validationError(() => Subnet.parse('subnet', '192.168.20.7/24'));

    // THEN it is refused, naming the network it probably means
    expect(e.message).toContain('"192.168.20.7/24"');
    expect(e.message).toContain('"192.168.20.0/24"');
  });

  test.each([
    ['0x7f.0.0.1/8'], ['127.1/8'], ['192.168.020.0/24'], ['fe80::%eth0/64'], ['192.168.20.0/24/1'], ['192.168.20.0/-1'], [''],
  ])('non-canonical or malformed %j is refused', (text) => {
    // GIVEN / WHEN a CIDR Go would not read, or would read as another network
    const e = validationError(() => Subnet.parse('subnet', text));

    // THEN it is refused, naming it
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toContain(JSON.stringify(text));
  });

  test('/31 and /32 have no network or broadcast address (RFC 3021)', () => {
    // GIVEN a point-to-point /31
    const p2p = Subnet.parse('subnet', '192.168.20.0/31');

    // WHEN / THEN both of its addresses are usable
    expect(p2p.whyUnusable(p2p.network)).toBeUndefined();
    expect(p2p.whyUnusable(p2p.last)).toBeUndefined();
  });

  test('cidrsCovering covers exactly the range, with aligned blocks that do not overlap', () => {
    // GIVEN a /8 and any range inside it
    const s = Subnet.parse('subnet', '10.0.0.0/8');
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 0xffff }), (offset, length) => {
      const start = s.network + BigInt(offset);
      const end = start + BigInt(length) > s.last ? s.last : start + BigInt(length);
      // WHEN it is covered with CIDR blocks
      // THEN the blocks are aligned, follow each other without gap or overlap, and end at the range's end
      let next = start;
      for (const cidr of s.cidrsCovering(start, end)) {
        const block = Subnet.parse('block', cidr); // throws if the block is not aligned
        expect(block.network).toBe(next);
        next = block.last + 1n;
      }
      expect(next).toBe(end + 1n);
    }));
  });
});

describe('parseAddress', () => {
  test('keeps the prefix and canonicalizes the address', () => {
    // GIVEN addresses with and without a prefix, in upper case
    // WHEN / THEN each parses to its family, canonical text and prefix
    expect(parseAddress('ip', '2001:DB8::0:A/64')).toMatchObject({ family: 6, text: '2001:db8::a', prefixLength: 64 });
    expect(parseAddress('ip', '192.0.2.10')).toMatchObject({ family: 4, text: '192.0.2.10', prefixLength: undefined });
  });

  // Go's net.ParseCIDR, which Multus and the CNI plugins use, refuses "/024": so does every
  // address of the library, on a subnet, an IotNetwork's claim and a NetworkRef's ips alike.
  test.each(['192.0.2.10/024', '192.0.2.10/00', '2001:db8::a/064', '192.0.2.10/+24', '192.0.2.10/ 24', '192.0.2.10/'])('the prefix of %j is refused', (text) => {
    // GIVEN / WHEN an address whose prefix Go's net.ParseCIDR refuses
    const e = validationError(() => parseAddress('ip', text));
    // THEN it is refused, naming it
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toContain(JSON.stringify(text));
  });

  test('prefixes 0 and the full length are whole numbers without leading zeros', () => {
    // GIVEN the shortest and longest prefixes of each family
    // WHEN / THEN they parse
    expect(parseAddress('ip', '0.0.0.0/0').prefixLength).toBe(0);
    expect(parseAddress('ip', '192.0.2.10/32').prefixLength).toBe(32);
    expect(parseAddress('ip', '2001:db8::a/128').prefixLength).toBe(128);
  });

  test('a subnet with a leading zero in its prefix is refused', () => {
    // GIVEN a subnet whose prefix has a leading zero
    // WHEN / THEN it is refused, naming it
    expect(validationError(() => Subnet.parse('subnet', '192.0.2.0/024')).message).toContain('"192.0.2.0/024"');
  });

  test('a prefix where none is allowed is refused', () => {
    // GIVEN / WHEN a gateway written with a prefix
    const e = validationError(() => parseAddress('gateway', '192.0.2.1/24', undefined, false));

    // THEN it is refused, naming it
    expect(e.message).toContain('"192.0.2.1/24"');
  });
});

describe('addressText', () => {
  /** What parseAddress makes of `text` (prefix allowed): its canonical text, or undefined when it refuses it. */
  const parsed = (text: string): string | undefined => {
    try {
      return parseAddress('ips', text).text;
    } catch {
      return undefined;
    }
  };

  test.each([
    '192.0.2.10', '192.0.2.10/24', '192.0.2.10/32', '192.0.2.10/33', '192.0.2.10/024', '192.0.2.010', '192.0.2.256',
    '2001:DB8::0:A/64', '::ffff:192.0.2.1', 'fe80::1%eth0', '192.0.2', '', ' 192.0.2.10', '192.0.2.10/',
  ])('reads %j as parseAddress does', (text) => {
    // GIVEN / WHEN an address the rulebook reads from a pod's ips, in any form
    // THEN it reads the canonical text parseAddress gives, without the prefix, or nothing where parseAddress refuses
    expect(addressText(text)).toBe(parsed(text));
  });

  test('agrees with parseAddress on any text, and on any dotted quad with any prefix', () => {
    // GIVEN arbitrary text, and dotted quads of arbitrary numbers with arbitrary prefixes
    const quad = fc.tuple(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 4, maxLength: 4 }), fc.option(fc.integer({ min: 0, max: 40 })))
      .map(([octets, prefix]) => `${octets.join('.')}${prefix === null ? '' : `/${prefix}`}`);
    // WHEN / THEN addressText gives what parseAddress does
    fc.assert(fc.property(fc.oneof(fc.string(), quad), (text) => {
      expect(addressText(text)).toBe(parsed(text));
    }));
  });
});

describe('AddressPlan', () => {
  const subnet = Subnet.parse('subnet', '192.0.2.0/24');

  test('holds the gateway and the reserved addresses, and refuses them and every claim to anyone else', () => {
    // GIVEN
    const plan = new AddressPlan(subnet, { gateway: '192.0.2.1', reservedAddresses: ['192.0.2.2'] });
    // WHEN
    plan.claim('192.0.2.10', 'ha');
    // THEN
    expect(plan.nonPodAddresses.map((a) => a.text)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(validationError(() => plan.claim('192.0.2.1', 'esphome')).problems[0].problem).toBe('is the gateway');
    expect(validationError(() => plan.claim('192.0.2.2', 'esphome')).problems[0].problem).toBe('is reserved for another host (reservedAddresses[0])');
    expect(validationError(() => plan.claim('192.0.2.10', 'esphome')).message).toContain('"ha" holds it');
  });

  test('checks a batch as a whole: every refused request is reported, and nothing is recorded', () => {
    // GIVEN
    const plan = new AddressPlan(subnet, { gateway: '192.0.2.1' });
    // WHEN a batch holds a good address, the gateway, and one address twice
    const e = validationError(() => plan.check([
      { address: '192.0.2.10', claimant: 'ha', field: 'ips[0]' },
      { address: '192.0.2.1', claimant: 'ha', field: 'ips[1]' },
      { address: '192.0.2.11', claimant: 'ha', field: 'ips[2]' },
      { address: '192.0.2.11/24', claimant: 'ha', field: 'ips[3]' },
    ]));
    // THEN both bad requests are named, and the good ones are still free
    expect(e.problems.map((p) => p.field)).toEqual(['ips[1]', 'ips[3]']);
    expect(plan.claim('192.0.2.10', 'esphome')).toBe('192.0.2.10/24');
    expect(plan.claim('192.0.2.11', 'matter')).toBe('192.0.2.11/24');
  });

  test('one IPv6 address in two spellings is one claim', () => {
    // GIVEN a claim of an IPv6 address
    const plan = new AddressPlan(Subnet.parse('subnet', '2001:db8:20::/64'));
    plan.claim('2001:db8:20::a', 'ha');

    // WHEN the same address is claimed in another spelling
    const e = validationError(() => plan.claim('2001:DB8:20:0:0:0:0:000A/64', 'esphome'));

    // THEN it is refused, naming the spelling and both claimants
    expect(e.message).toContain('"2001:DB8:20:0:0:0:0:000A/64"');
    expect(e.message).toContain('"ha"');
    expect(e.message).toContain('"esphome"');
  });

  test('any usable address claimed once is accepted; claimed again, refused naming both claimants', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 254 }), (host) => {
      // GIVEN any usable address of a /24
      const plan = new AddressPlan(subnet);
      const address = `192.0.2.${host}`;

      // WHEN / THEN its first claim is accepted, and a second one refused naming both claimants
      expect(plan.claim(address, 'first')).toBe(`${address}/24`);
      const e = validationError(() => plan.claim(`${address}/24`, 'second', 'ips[0]'));
      expect(e.field).toBe('ips[0]');
      expect(e.message).toContain('"first"');
      expect(e.message).toContain('"second"');
    }));
  });

  test('many distinct claims are all kept (a Map keyed by the canonical address)', () => {
    // GIVEN nearly every address of a /16
    const plan = new AddressPlan(Subnet.parse('subnet', '10.0.0.0/16'));
    const addresses = Array.from({ length: 60000 }, (_, i) => `10.0.${Math.floor((i + 1) / 256)}.${(i + 1) % 256}`)
      .filter((a) => !a.endsWith('.0.0') && a !== '10.0.255.255');

    // WHEN each is claimed by its own pod
    addresses.forEach((a, i) => plan.claim(a, `pod-${i}`));

    // THEN each is still held by its pod
    for (const i of [0, 1, 255, 30000, addresses.length - 1]) {
      expect(validationError(() => plan.claim(addresses[i], 'another')).message).toContain(`"pod-${i}" holds it`);
    }
  });
});
