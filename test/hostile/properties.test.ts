import { Chart } from 'cdk8s';
import * as fc from 'fast-check';
import * as ipaddr from 'ipaddr.js';
import { FluxKustomizationRef, IotNetwork, MultusPodAnnotation, NetworkRef, ValidationError } from '../../src';
import { AddressPlan, Subnet, parseAddress } from '../../src/network/address-plan';
import { canonicalAddressWithPrefix, canonicalMac, checkCniArgs } from '../../src/pod/selection';
import { yamlTypeConfusion } from '../../src/util/strings';
import { checkInterfaceName } from '../../src/util/validate';
import { expectAcceptedExactlyWhen, testApp, thrown } from '../helpers';

// Properties over thousands of generated inputs. Valid inputs are generated from the rules (the
// address plan's, DNS-1123's, the kernel's interface names), never from the implementation's own
// regular expressions, and each property has two halves: what the rules allow is accepted, and
// anything else ends in a ValidationError, never another exception.

/** Runs `fn`; true when it returned, false on a ValidationError; any other exception fails the property. */
function accepted(fn: () => unknown): boolean {
  const e = thrown(fn);
  if (e === undefined) return true;
  if (e instanceof ValidationError) return false;
  throw new Error(`expected a result or a ValidationError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
}

// ---------------------------------------------------------------------------------------------
// Addresses as numbers, written with ipaddr.js in the spellings a user may type.

type Family = 4 | 6;
const BITS: Record<Family, number> = { 4: 32, 6: 128 };

function toBytes(family: Family, value: bigint): number[] {
  const bytes: number[] = [];
  for (let i = BITS[family] / 8 - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return bytes;
}

/** The canonical text (RFC 5952 for IPv6), as the library must hand it back. */
function canonical(family: Family, value: bigint): string {
  const a = ipaddr.fromByteArray(toBytes(family, value));
  return family === 6 ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
}

/** A spelling of the address: 0 canonical, 1 IPv6 with every group, 2 IPv6 in capitals. */
function spelled(family: Family, value: bigint, style: number): string {
  if (family === 4 || style === 0) return canonical(family, value);
  const full = (ipaddr.fromByteArray(toBytes(family, value)) as ipaddr.IPv6).toNormalizedString();
  return style === 1 ? full : canonical(family, value).toUpperCase();
}

interface PlanShape {
  readonly family: Family;
  readonly prefix: number;
  readonly network: bigint;
  /** Offsets from the network address. */
  readonly gateway?: bigint;
  readonly dhcp?: readonly [bigint, bigint];
  readonly reserved: readonly bigint[];
}

function size(p: PlanShape): bigint {
  return 1n << BigInt(BITS[p.family] - p.prefix);
}

/** The offsets a host may use: without the IPv4 network and broadcast and the IPv6 anycast address, except in /31, /32, /127, /128. */
function usable(p: PlanShape): [bigint, bigint] {
  const last = size(p) - 1n;
  const pointToPoint = p.prefix >= BITS[p.family] - 1;
  if (pointToPoint) return [0n, last];
  return p.family === 4 ? [1n, last - 1n] : [1n, last];
}

const planShape: fc.Arbitrary<PlanShape> = fc.oneof(
  fc.tuple(fc.constant<Family>(4), fc.oneof(fc.integer({ min: 8, max: 32 }), fc.integer({ min: 29, max: 32 }))),
  fc.tuple(fc.constant<Family>(6), fc.oneof(fc.integer({ min: 64, max: 128 }), fc.integer({ min: 116, max: 128 }))),
).chain(([family, prefix]) => {
  const hostBits = BITS[family] - prefix;
  const shape = { family, prefix, network: 0n, reserved: [] } as PlanShape;
  const [lo, hi] = usable({ ...shape });
  const offset = fc.bigInt({ min: lo, max: hi });
  return fc.record({
    network: fc.bigInt({ min: 0n, max: (1n << BigInt(prefix)) - 1n }).map((v) => v << BigInt(hostBits)),
    gateway: fc.option(offset, { nil: undefined }),
    dhcp: fc.option(fc.tuple(offset, offset).map(([a, b]): readonly [bigint, bigint] => (a <= b ? [a, b] : [b, a])), { nil: undefined }),
    reserved: fc.uniqueArray(offset, { maxLength: 3 }),
  }).map((r) => ({ family, prefix, ...r, reserved: r.reserved.filter((x) => x !== r.gateway) }));
});

/** Which address a claim picks, relative to the plan, so that the rare special addresses come up often. */
const pick = fc.record({ kind: fc.nat(11), random: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), style: fc.nat(2), withPrefix: fc.boolean() });
type Pick = typeof pick extends fc.Arbitrary<infer T> ? T : never;

/** The offset (from the network address) a claim picks; undefined when the pick does not exist in this plan. */
function pickedOffset(p: PlanShape, k: Pick, claimed: bigint[]): bigint | undefined {
  const last = size(p) - 1n;
  switch (k.kind) {
    case 0: return 0n;
    case 1: return last;
    case 2: return p.gateway ?? 1n;
    case 3: return p.dhcp?.[0] ?? 2n;
    case 4: return p.dhcp?.[1] ?? 3n;
    case 5: return p.reserved.length > 0 ? p.reserved[Number(k.random % BigInt(p.reserved.length))] : 4n;
    case 6: // just outside the subnet, above or below
      if (p.network + last + 1n < (1n << BigInt(BITS[p.family]))) return last + 1n;
      return p.network > 0n ? -1n : undefined;
    case 7: return claimed.length > 0 ? claimed[Number(k.random % BigInt(claimed.length))] : 5n;
    default: return k.random % size(p);
  }
}

/** What the address plan accepts has a plain form: no zone, no white space, no hex, no IPv4 octet with a leading zero. */
function plain(text: unknown): boolean {
  if (typeof text !== 'string' || /[%\s]|0x/i.test(text)) return false;
  const dotted = text.split('/')[0].split(':').pop()!;
  return !dotted.includes('.') || dotted.split('.').every((octet) => !/^0\d/.test(octet));
}

describe('the address plan (property)', () => {
  test('a claim is accepted exactly when the rules allow it, and comes back canonical with the subnet prefix', () => {
    fc.assert(fc.property(planShape, fc.array(pick, { minLength: 1, maxLength: 10 }), (p, picks) => {
      // GIVEN a plan of a random IPv4 or IPv6 subnet with a gateway, a DHCP pool and reserved hosts
      const text = (offset: bigint, style = 0) => spelled(p.family, p.network + offset, style);
      // (IPv4-mapped IPv6 addresses, ::ffff:0:0/96, are never accepted: the plugins read them as IPv4)
      const mapped = (offset: bigint) => p.family === 6 && p.network + offset >= 0xffff00000000n && p.network + offset <= 0xffffffffffffn;
      const planned = [0n, ...(p.gateway === undefined ? [] : [p.gateway]), ...(p.dhcp ?? []), ...p.reserved];
      if (planned.some(mapped)) {
        expect(thrown(() => new AddressPlan(Subnet.parse('subnet', `${canonical(p.family, p.network)}/${p.prefix}`), {
          gateway: p.gateway === undefined ? undefined : text(p.gateway, 2),
          dhcpRange: p.dhcp === undefined ? undefined : { start: text(p.dhcp[0], 1), end: text(p.dhcp[1]) },
          reservedAddresses: p.reserved.map((r) => text(r, 1)),
        }))).toBeInstanceOf(ValidationError);
        return;
      }
      const subnet = Subnet.parse('subnet', `${canonical(p.family, p.network)}/${p.prefix}`);
      const plan = new AddressPlan(subnet, {
        gateway: p.gateway === undefined ? undefined : text(p.gateway, 2),
        dhcpRange: p.dhcp === undefined ? undefined : { start: text(p.dhcp[0], 1), end: text(p.dhcp[1]) },
        reservedAddresses: p.reserved.map((r) => text(r, 1)),
      });
      const [lo, hi] = usable(p);
      const claimed: bigint[] = [];
      for (const [i, k] of picks.entries()) {
        const offset = pickedOffset(p, k, claimed);
        if (offset === undefined) continue;
        const given = text(offset, k.style) + (k.withPrefix ? `/${p.prefix}` : '');
        // The rules, from the plan's shape alone
        const allowed = offset >= lo && offset <= hi
          && offset !== p.gateway
          && !(p.dhcp && offset >= p.dhcp[0] && offset <= p.dhcp[1])
          && !p.reserved.includes(offset)
          && !claimed.includes(offset)
          && !mapped(offset);
        // WHEN
        let result: string | undefined;
        const e = thrown(() => { result = plan.claim(given, `pod-${i}`); });
        // THEN
        if (allowed) {
          expect({ given, error: e instanceof Error ? e.message : e }).toEqual({ given, error: undefined });
          expect(result).toBe(`${canonical(p.family, p.network + offset)}/${p.prefix}`);
          claimed.push(offset);
        } else {
          expect({ given, refused: e instanceof ValidationError }).toEqual({ given, refused: true });
          expect((e as ValidationError).message).toContain(JSON.stringify(given));
        }
      }
      // and the plan holds the gateway and the reserved hosts, canonical, in order, and refuses every
      // address it holds, the accepted claims included, to anyone else
      const others = [...(p.gateway === undefined ? [] : [p.gateway]), ...p.reserved];
      expect(plan.nonPodAddresses.map((a) => a.text)).toEqual(others.map((o) => canonical(p.family, p.network + o)));
      for (const o of [...others, ...claimed]) {
        expect(thrown(() => plan.check([{ address: canonical(p.family, p.network + o), claimant: 'probe', field: 'probe' }]))).toBeInstanceOf(ValidationError);
      }
    }), { numRuns: 1000 });
  });

  test('arbitrary text and look-alikes of addresses never end in anything but a result or a ValidationError', () => {
    // GIVEN arbitrary text, any value, and address look-alikes with characters inserted or cut
    const lookAlike = fc.tuple(fc.oneof(fc.constant('192.0.2.10/24'), fc.constant('2001:db8::a/64'), fc.constant('::ffff:192.0.2.10')),
      fc.nat(20), fc.string({ unit: 'binary', maxLength: 3 }), fc.nat(3))
      .map(([s, at, insert, cut]) => s.slice(0, at % (s.length + 1)) + insert + s.slice((at % (s.length + 1)) + cut));
    const input = fc.oneof(lookAlike, fc.string({ unit: 'binary', maxLength: 60 }), fc.anything());
    const v4 = new AddressPlan(Subnet.parse('subnet', '192.0.2.0/24'), { gateway: '192.0.2.1', dhcpRange: { start: '192.0.2.100', end: '192.0.2.199' } });
    const v6 = new AddressPlan(Subnet.parse('subnet', '2001:db8::/64'), { gateway: '2001:db8::1' });
    // WHEN each is parsed as a subnet and an address, and claimed on an IPv4 and an IPv6 plan
    // THEN each ends in a result or a ValidationError (accepted() fails the test on anything else), and only plain text is accepted
    fc.assert(fc.property(input, (text) => {
      const t = text as string;
      for (const fn of [() => Subnet.parse('subnet', t), () => parseAddress('address', t), () => v4.claim(t, 'pod'), () => v6.claim(t, 'pod')]) {
        if (accepted(fn)) expect(plain(t)).toBe(true);
      }
      // Selections on a NetworkRef are checked for form only (IPv6 zones are refused there too: see regressions.test.ts)
      accepted(() => canonicalAddressWithPrefix('ips[0]', t));
    }), { numRuns: 2000 });
  });
});

// ---------------------------------------------------------------------------------------------
// Names

const LABEL_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-';
const HOSTILE_CHARS = ['A', 'Z', '_', '.', ' ', '\n', '\0', 'é', 'ı', '"', '/', '😀', '\u00a0'];

/** DNS-1123 label, from RFC 1123 as Kubernetes states it: 1-63 of [a-z0-9-], starting and ending alphanumeric. */
function isDnsLabel(s: string): boolean {
  return s.length >= 1 && s.length <= 63 && [...s].every((c) => LABEL_CHARS.includes(c)) && s[0] !== '-' && s[s.length - 1] !== '-';
}

/** DNS-1123 subdomain: at most 253 characters, dot-separated parts of [a-z0-9-], each starting and ending alphanumeric. */
function isDnsSubdomain(s: string): boolean {
  if (s.length < 1 || s.length > 253) return false;
  return s.split('.').every((part) => part.length >= 1 && [...part].every((c) => LABEL_CHARS.includes(c)) && part[0] !== '-' && part[part.length - 1] !== '-');
}

/**
 * Linux `dev_valid_name`: 1-15 bytes, not "." or "..", no "/", ":", NUL or white space; and what
 * `dev_get_valid_name` and the sysctl directories add: no "%" (a name pattern), not "all" or "default".
 */
function isInterfaceName(s: string): boolean {
  const bytes = Buffer.byteLength(s, 'utf8');
  return bytes >= 1 && bytes <= 15 && s !== '.' && s !== '..' && ![...s].some((c) => '/:%\0 \t\n\v\f\r\u00a0'.includes(c))
    && s !== 'all' && s !== 'default';
}

const label = fc.tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')),
  fc.string({ unit: fc.constantFrom(...LABEL_CHARS.split('')), maxLength: 61 }),
  fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')))
  .map(([a, mid, z]) => `${a}${mid}${z}`.slice(0, 63));

/** Mostly near-valid names: label characters with now and then a hostile one, of any length around the limits. */
const nearName = (maxLength: number) => fc.string({
  unit: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...(LABEL_CHARS + '.').split('')) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_CHARS) }),
  maxLength,
});

describe('name validation (property)', () => {
  test('every DNS-1123 label is a valid network name and namespace, but one go-yaml would read as a number', () => {
    // GIVEN any two DNS-1123 labels
    // WHEN a NetworkRef names them
    // THEN it is made, with both as given; only a label written plain that go-yaml reads as another
    // type ("0o6", "1e3": the manifests' readers would get a number) is refused, saying so
    fc.assert(fc.property(label, label, (name, namespace) => {
      if (yamlTypeConfusion(name) !== undefined || yamlTypeConfusion(namespace) !== undefined) {
        expect(() => NetworkRef.of(name, namespace)).toThrow(/is read back as/);
        return;
      }
      const ref = NetworkRef.of(name, namespace);
      expect([ref.networkName, ref.networkNamespace]).toEqual([name, namespace]);
    }), { numRuns: 1000 });
    // The counterexample a run found: "0o6" is a label, and go-yaml reads it as the integer 6.
    expect(() => NetworkRef.of('0o6', 'aa')).toThrow(/network.name: "0o6" is read back as an integer/);
    expect(NetworkRef.of('a0o6', 'aa').networkName).toBe('a0o6');
  });

  test('a network name is accepted exactly when it is a DNS-1123 label, but one go-yaml would read as a number', () => {
    // GIVEN near-valid names, labels and any value
    // WHEN / THEN a NetworkRef accepts exactly the DNS-1123 labels; only a label written plain that
    // go-yaml reads as another type ("0o6": the integer 6) is refused, saying so
    fc.assert(fc.property(fc.oneof(nearName(70), label, fc.anything()), (name) => {
      expectAcceptedExactlyWhen(() => NetworkRef.of(name as string, 'kube-system'), name, typeof name === 'string' && isDnsLabel(name));
    }), { numRuns: 2000 });
  });

  test('a Kustomization dependency is accepted exactly when its name is a DNS-1123 subdomain, but one go-yaml would read as a number', () => {
    // GIVEN near-valid names, dotted labels and any value
    const long = fc.array(label, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.'));
    // WHEN / THEN a FluxKustomizationRef accepts exactly the DNS-1123 subdomains; only a name written
    // plain that go-yaml reads as another type ("0o6": the integer 6) is refused, saying so
    fc.assert(fc.property(fc.oneof(nearName(80), long, fc.anything()), (name) => {
      expectAcceptedExactlyWhen(() => FluxKustomizationRef.of(name as string), name, typeof name === 'string' && isDnsSubdomain(name));
    }), { numRuns: 2000 });
    // The counterexample a run found: "0o6" is a subdomain, and go-yaml reads it as the integer 6;
    // a dotted name of digits ("1.5") is written quoted, so it reads back as the name.
    expect(() => FluxKustomizationRef.of('0o6')).toThrow(/dependsOn.name: "0o6" is read back as an integer/);
    expect(accepted(() => FluxKustomizationRef.of('a.0o6'))).toBe(true);
    expect(accepted(() => FluxKustomizationRef.of('1.5'))).toBe(true);
  });

  test('an interface name is accepted exactly when the kernel takes it, but one go-yaml would read as a number', () => {
    // GIVEN strings of characters the kernel treats differently, and any value
    // ASCII and multi-byte characters whose UTF-8 bytes the kernel reads alike under either rule
    const chars = 'abz09-_.@#"\'{}[],é中😀/: \t\n\0\u00a0'.split(/(?:)/u);
    const name = fc.string({ unit: fc.constantFrom(...chars), maxLength: 17 });
    // WHEN / THEN an interface name is accepted exactly when dev_valid_name would take it; only a
    // name written plain that go-yaml reads as another type ("-_9": the integer -9) is refused, saying so
    fc.assert(fc.property(fc.oneof(name, fc.anything()), (ifname) => {
      expectAcceptedExactlyWhen(() => checkInterfaceName('interface', ifname as string), ifname, typeof ifname === 'string' && isInterfaceName(ifname));
    }), { numRuns: 2000 });
    // The counterexample a run found: the kernel takes "-_9", and go-yaml reads it as an integer.
    expect(() => checkInterfaceName('interface', '-_9')).toThrow(/interface: "-_9" is read back as an integer/);
    expect(accepted(() => checkInterfaceName('interface', 'a-_9'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// The annotation

describe('the networks annotation (property)', () => {
  test('free addresses of an IotNetwork, in any spelling, come back canonical, and a second claim in another spelling is refused', () => {
    // (not inside ::ffff:0:0/96, whose IPv4-mapped addresses are refused)
    const shape = planShape.filter((p) => usable(p)[1] - usable(p)[0] >= 8n && !(p.family === 6 && p.network >= 0xffff00000000n && p.network <= 0xffffffffffffn));
    fc.assert(fc.property(shape, fc.uniqueArray(fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), { minLength: 1, maxLength: 4 }), fc.nat(2), (p, seeds, style) => {
      // GIVEN an IoT network with no gateway, pool or reservations, and free addresses for one pod
      const app = testApp();
      const net = new IotNetwork(new Chart(app, 'net', { namespace: 'kube-system' }), 'iot', { subnet: `${canonical(p.family, p.network)}/${p.prefix}` });
      const [lo, hi] = usable(p);
      const offsets = [...new Set(seeds.map((s) => lo + (s % (hi - lo + 1n))))];
      const pods = new Chart(app, 'pods');
      // WHEN a pod asks for them in some spelling
      const ann = new MultusPodAnnotation(pods, 'pod', { networks: [{ network: net, ips: offsets.map((o) => spelled(p.family, p.network + o, style)) }] });
      // THEN the annotation holds them canonical, with the subnet's prefix
      expect(JSON.parse(ann.value)).toEqual([{ name: 'iot', namespace: 'kube-system', ips: offsets.map((o) => `${canonical(p.family, p.network + o)}/${p.prefix}`) }]);
      // and another pod asking for the first in another spelling is refused, naming both
      const other = spelled(p.family, p.network + offsets[0], (style + 1) % 3);
      const e = thrown(() => new MultusPodAnnotation(pods, 'other', { networks: [{ network: net, ips: [other] }] }));
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).message).toMatch(/pods\/pod networks\[0\]\.ips\[0\].*pods\/other networks\[0\]\.ips\[0\]/);
    }), { numRuns: 300 });
  });

  test('any value in any field of a selection ends in a parseable annotation or a ValidationError', () => {
    // GIVEN a NetworkRef, and any value for any one field of a selection
    const app = testApp();
    const pods = new Chart(app, 'pods');
    const ref = NetworkRef.of('iot', 'kube-system');
    const field = fc.constantFrom('network', 'ips', 'mac', 'interface', 'defaultRoute', 'cniArgs');
    const value = fc.oneof(fc.anything(), fc.string({ unit: 'binary', maxLength: 20 }), fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 2 }));
    let n = 0;
    // WHEN a pod asks for the selection
    // THEN it is refused with a ValidationError, or its annotation parses back to one element on the network
    fc.assert(fc.property(field, value, (key, v) => {
      let ann: MultusPodAnnotation | undefined;
      if (accepted(() => { ann = new MultusPodAnnotation(pods, `pod${n++}`, { networks: [{ network: ref, [key]: v } as any] }); })) {
        const parsed = JSON.parse(ann!.value);
        expect(parsed).toHaveLength(1);
        expect(parsed[0]).toMatchObject({ name: key === 'network' ? expect.any(String) : 'iot' });
      }
    }), { numRuns: 1000 });
  });

  test('MACs: every unicast, non-zero MAC in either separator and case is accepted as lower-case colon form; anything else is refused', () => {
    // GIVEN any six octets, in either separator and case, and a little noise
    const octets = fc.array(fc.nat(255), { minLength: 6, maxLength: 6 });
    // WHEN / THEN a unicast, non-zero MAC comes back lower case with colons, and anything else (noise included) is refused
    fc.assert(fc.property(octets, fc.constantFrom(':', '-'), fc.boolean(), fc.string({ unit: 'binary', maxLength: 2 }), (o, sep, upper, noise) => {
      const hex = o.map((x) => x.toString(16).padStart(2, '0'));
      const text = hex.join(sep);
      const given = upper ? text.toUpperCase() : text;
      const valid = (o[0] & 1) === 0 && o.some((x) => x !== 0);
      if (valid) expect(canonicalMac('mac', given)).toBe(hex.join(':'));
      else expect(accepted(() => canonicalMac('mac', given))).toBe(false);
      // one more character anywhere is never a MAC
      if (noise.length > 0) expect(accepted(() => canonicalMac('mac', given + noise))).toBe(false);
    }), { numRuns: 2000 });
  });

  test('cni-args: any map of strings is kept, whatever order its keys were written in; any other value is refused', () => {
    // GIVEN maps of strings and any other value
    // WHEN / THEN exactly the maps of strings are accepted, kept as given, and the same whatever the order of their keys
    fc.assert(fc.property(fc.oneof(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 })), fc.anything()), (args) => {
      const isMapOfStrings = typeof args === 'object' && args !== null && !Array.isArray(args)
        && [Object.prototype, null].includes(Object.getPrototypeOf(args))
        && Object.keys(args).every((k) => k.length > 0 && typeof (args as any)[k] === 'string');
      let out: Record<string, string> | undefined;
      expect(accepted(() => { out = checkCniArgs('cniArgs', args); })).toBe(isMapOfStrings);
      if (out) {
        expect(out).toEqual({ ...(args as object) });
        const reversed = Object.fromEntries(Object.entries(args as object).reverse());
        expect(JSON.stringify(checkCniArgs('cniArgs', reversed))).toBe(JSON.stringify(out));
      }
    }), { numRuns: 1000 });
  });
});
