import * as net from 'node:net'; // types only, as ipaddr.js: both load on first use (see loadNet)
import { IConstruct } from 'constructs';
import * as ipaddr from 'ipaddr.js';
import { Problems, invalid, refusal, renderValue } from '../errors';
import { once } from '../util/once';

// The address math of a network: parsing and containment with `node:net` (strict syntax) and
// `ipaddr.js` (bytes and canonical text), compared as bigints. Pure: no cdk8s, no constructs
// beyond the optional scope that error messages carry.

/** @internal */
export type Family = 4 | 6;

/** An address inside a subnet, as a number and as canonical text. @internal */
export interface Address {
  readonly value: bigint;
  readonly text: string;
}

/** An address as written, with the prefix length it carried (if any). @internal */
export interface ParsedAddress extends Address {
  readonly family: Family;
  readonly prefixLength?: number;
}

/**
 * A prefix length as Go's `net.ParseCIDR` (which Multus and the CNI plugins use) reads it: decimal
 * digits without a leading zero, so `/024` is refused rather than read as 24.
 */
const PREFIX_LENGTH = /^(0|[1-9][0-9]{0,2})$/;

/**
 * Dotted-decimal IPv4 exactly as `node:net` reads it (each octet 0-255 without a leading zero),
 * with an optional prefix length in `PREFIX_LENGTH`'s form: such text is its own canonical form.
 */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const DOTTED_QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}(?:/(0|[1-9][0-9]{0,2}))?$`);

/**
 * The general address parsers, loaded on first use: the common dotted-decimal IPv4 text is read
 * without them, so a check or a synth that meets no other form never loads them.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadNet = once(() => require('node:net') as typeof net);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadIpaddr = once(() => require('ipaddr.js') as typeof ipaddr);

/**
 * The host part of an address, parsed, or undefined when it is none: `node:net` decides what an
 * address is (plain dotted-decimal or IPv6 text; no octal, hex or short IPv4 forms, which
 * `ipaddr.js` would quietly accept), and an IPv6 zone index ("fe80::1%eth0"), which `node:net`
 * accepts, is refused, because Go's `net.ParseIP` is.
 */
function parseHost(text: unknown): { family: Family; addr: ipaddr.IPv4 | ipaddr.IPv6 } | undefined {
  if (typeof text !== 'string' || text.includes('%')) return undefined;
  const family = loadNet().isIP(text);
  if (family === 0) return undefined;
  return { family: family as Family, addr: loadIpaddr().parse(text) };
}

/**
 * The common case of `parseAddress`, read without `ipaddr.js`: plain dotted-decimal IPv4 (the form
 * `node:net` accepts, which is already canonical) with an optional well-formed prefix, when one is
 * allowed. Undefined for anything else, refusals included, which takes the general path.
 */
function plainQuad(text: unknown, allowPrefix: boolean): RegExpExecArray | undefined {
  const quad = typeof text === 'string' ? DOTTED_QUAD.exec(text) : null;
  return quad && (quad[5] === undefined || (allowPrefix && Number(quad[5]) <= 32)) ? quad : undefined;
}

/**
 * An address without its `/prefix`, if it has one: the canonical text of a canonical address with
 * a prefix, or of a `plainQuad` match.
 * @internal
 */
export function withoutPrefix(text: string): string {
  const slash = text.indexOf('/');
  return slash < 0 ? text : text.slice(0, slash);
}

/**
 * Parses an address (`a.b.c.d`, an IPv6 address) with an optional `/prefix`, to its canonical
 * text (RFC 5952 for IPv6). The one parser of the library: networks, pods' `ips` and default
 * routes, on an `IotNetwork` or a `NetworkRef`, all read addresses through it, so that an address
 * is either valid everywhere or nowhere. A typo must not silently become another address.
 * @internal
 */
export function parseAddress(field: string, text: string, scope?: IConstruct, allowPrefix = true): ParsedAddress {
  const quad = plainQuad(text, allowPrefix);
  if (quad) {
    const value = BigInt(((Number(quad[1]) * 256 + Number(quad[2])) * 256 + Number(quad[3])) * 256 + Number(quad[4]));
    return { family: 4, value, text: withoutPrefix(text), prefixLength: quad[5] === undefined ? undefined : Number(quad[5]) };
  }
  const example = allowPrefix ? 'an IP address such as "192.168.20.10" or "192.168.20.10/24"' : 'an IP address such as "192.168.20.10"';
  if (typeof text !== 'string') invalid({ field, value: text, hint: `give ${example}`, scope });
  const slash = text.indexOf('/');
  const host = parseHost(slash < 0 ? text : text.slice(0, slash));
  if (!host) invalid({ field, value: text, hint: `give ${example}`, scope });
  if (host.addr.kind() === 'ipv6' && (host.addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    // Go's net.IP.To4() reads ::ffff:a.b.c.d as an IPv4 address: the plugins then pair the IPv4
    // address with the 128-bit mask and put a.b.c.d/0 on the interface.
    const v4 = (host.addr as ipaddr.IPv6).toIPv4Address().toString();
    invalid({ field, value: text, hint: `the CNI plugins read it as the IPv4 address ${v4} and lose the prefix; write IPv4 addresses and subnets as IPv4 ("${v4}"), and give IPv6 ones outside ::ffff:0:0/96`, scope, problem: 'is an IPv4-mapped IPv6 address' });
  }
  const canonicalText = canonical(host.addr);
  let prefixLength: number | undefined;
  if (slash >= 0) {
    const bits = host.family === 4 ? 32 : 128;
    const prefix = text.slice(slash + 1);
    if (!allowPrefix) invalid({ field, value: text, hint: `give ${example}, without a prefix length`, scope });
    if (!PREFIX_LENGTH.test(prefix) || Number(prefix) > bits) {
      invalid({ field, value: text, hint: `the prefix length must be a whole number from 0 to ${bits} without leading zeros, e.g. "${canonicalText}/${host.family === 4 ? 24 : 64}"`, scope });
    }
    prefixLength = Number(prefix);
  }
  return { family: host.family, value: toBigInt(host.addr.toByteArray()), text: canonicalText, prefixLength };
}

/**
 * The canonical text of an address with an optional `/prefix`, without the prefix, or undefined
 * where `parseAddress` refuses it: how the rulebook reads pods' `ips`, thousands of them at synth,
 * without building the value or an error for the common dotted-decimal form.
 * @internal
 */
export function addressText(text: string): string | undefined {
  const quad = plainQuad(text, true);
  if (quad) return withoutPrefix(text);
  try {
    return parseAddress('address', text).text;
  } catch {
    return undefined;
  }
}

/**
 * An IPv4 or IPv6 subnet: the IoT LAN a network attaches pods to.
 * @internal
 */
export class Subnet {
  /**
   * Parses a CIDR. Host bits must be zero: `192.168.20.5/24` is refused with the network it
   * probably means, because it is as likely a pod's address written in the wrong place.
   */
  public static parse(field: string, cidr: string, scope?: IConstruct): Subnet {
    const hint = 'give the network in CIDR notation, e.g. "192.168.20.0/24" or "2001:db8:20::/64"';
    if (typeof cidr !== 'string' || !cidr.includes('/')) invalid({ field, value: cidr, hint, scope });
    const parsed = parseAddress(field, cidr, scope);
    const subnet = new Subnet(parsed.family, parsed.prefixLength!, parsed.value);
    if (subnet.network !== parsed.value) {
      invalid({ field, value: cidr, hint: `host bits are set; the network is "${subnet.cidr}"`, scope });
    }
    return subnet;
  }

  /** 4 or 6. */
  public readonly family: Family;
  /** The prefix length. */
  public readonly prefixLength: number;
  /** The first address (network address). */
  public readonly network: bigint;
  /** The last address (IPv4 broadcast address). */
  public readonly last: bigint;
  /** Canonical CIDR text. */
  public readonly cidr: string;
  /** Bits in an address of this family. */
  public readonly bits: number;

  private constructor(family: Family, prefixLength: number, anyAddress: bigint) {
    this.family = family;
    this.prefixLength = prefixLength;
    this.bits = family === 4 ? 32 : 128;
    const hostBits = BigInt(this.bits - prefixLength);
    const hostMask = (1n << hostBits) - 1n;
    this.network = anyAddress & ~hostMask;
    this.last = this.network | hostMask;
    this.cidr = `${this.format(this.network)}/${prefixLength}`;
  }

  /** True iff `value` is inside the subnet. */
  public contains(value: bigint): boolean {
    return value >= this.network && value <= this.last;
  }

  /**
   * Why `value` can never be a host's address, as a phrase (`is the broadcast address of ...`), or
   * undefined when it can be one: the IPv4 network and broadcast addresses (except in /31 and /32,
   * RFC 3021), the IPv6 Subnet-Router anycast address (RFC 4291 2.6.1, the all-zero host).
   */
  public whyUnusable(value: bigint): string | undefined {
    if (this.family === 4 && this.prefixLength >= 31) return undefined;
    if (this.family === 6 && this.prefixLength >= 127) return undefined;
    if (value === this.network) {
      return this.family === 4 ? `is the network address of ${this.cidr}` : `is the Subnet-Router anycast address of ${this.cidr}`;
    }
    if (this.family === 4 && value === this.last) return `is the broadcast address of ${this.cidr}`;
    return undefined;
  }

  /** Canonical text of an address of this family. */
  public format(value: bigint): string {
    const bytes: number[] = [];
    for (let i = 0; i < this.bits / 8; i++) {
      bytes.unshift(Number((value >> BigInt(i * 8)) & 0xffn));
    }
    return canonical(loadIpaddr().fromByteArray(bytes));
  }

  /**
   * Parses an address that must lie in this subnet and be usable by a host; refuses it otherwise.
   * A prefix, when allowed and given, must equal the subnet's.
   */
  public hostAddress(field: string, text: string, scope?: IConstruct, allowPrefix = false): Address {
    const parsed = parseAddress(field, text, scope, allowPrefix);
    if (parsed.family !== this.family) {
      invalid({ field, value: text, hint: `the subnet ${this.cidr} is IPv${this.family}; give an IPv${this.family} address`, scope });
    }
    if (parsed.prefixLength !== undefined && parsed.prefixLength !== this.prefixLength) {
      invalid({ field, value: text, hint: `the subnet is ${this.cidr}: write "${parsed.text}/${this.prefixLength}" or leave the prefix out (another prefix gives the interface the wrong netmask)`, scope });
    }
    if (!this.contains(parsed.value)) {
      invalid({ field, value: text, hint: `give an address inside ${this.cidr}`, scope, problem: 'is outside the subnet' });
    }
    const unusable = this.whyUnusable(parsed.value);
    if (unusable) invalid({ field, value: text, hint: 'no host can use it; give another address inside the subnet', scope, problem: unusable });
    return { value: parsed.value, text: parsed.text };
  }

  /**
   * Parses a CIDR that must lie inside this subnet (e.g. a whereabouts range or exclusion).
   */
  public innerCidr(field: string, text: string, scope?: IConstruct, outer?: Subnet): Subnet {
    const inner = Subnet.parse(field, text, scope);
    const within = outer ?? this;
    if (inner.family !== within.family || inner.prefixLength < within.prefixLength || !within.contains(inner.network)) {
      invalid({ field, value: text, hint: `give a CIDR inside ${within.cidr}`, scope, problem: 'is outside the subnet' });
    }
    return inner;
  }

  /**
   * The smallest list of CIDRs that covers `start`..`end` (both inside this family), e.g. for
   * excluding a DHCP pool from an allocator that takes CIDRs only.
   */
  public cidrsCovering(start: bigint, end: bigint): string[] {
    const out: string[] = [];
    let at = start;
    while (at <= end) {
      let size = 0;
      while (size < this.bits) {
        const block = 1n << BigInt(size + 1);
        if ((at & (block - 1n)) !== 0n || at + block - 1n > end) break;
        size++;
      }
      out.push(`${this.format(at)}/${this.bits - size}`);
      at += 1n << BigInt(size);
    }
    return out;
  }
}

/** An inclusive address range inside a subnet (the router's DHCP pool, a host-local range). @internal */
export interface AddressRange {
  readonly start: Address;
  readonly end: Address;
}

/**
 * Parses `start`..`end` inside `subnet`: both usable host addresses, `start` not after `end`.
 * @internal
 */
export function parseRange(subnet: Subnet, field: string, start: string, end: string, scope?: IConstruct): AddressRange {
  const s = subnet.hostAddress(`${field}.start`, start, scope);
  const e = subnet.hostAddress(`${field}.end`, end, scope);
  if (s.value > e.value) {
    invalid({ field: `${field}.end`, value: end, hint: `the range must not end before its start ${renderValue(start)}`, scope, problem: 'comes before the start' });
  }
  return { start: s, end: e };
}

/** The IPv4-mapped IPv6 addresses, ::ffff:0:0/96, as numbers. */
const IPV4_MAPPED_START = 0xffff00000000n;
const IPV4_MAPPED_END = 0xffffffffffffn;

/**
 * True iff `from`..`to` of `family` holds an IPv4-mapped IPv6 address (::ffff:0:0/96), which the
 * CNI plugins would read as an IPv4 address.
 * @internal
 */
export function holdsIpv4Mapped(family: Family, from: bigint, to: bigint): boolean {
  return family === 6 && from <= IPV4_MAPPED_END && IPV4_MAPPED_START <= to;
}

/** True iff the two inclusive ranges share an address. @internal */
export function overlaps(a: AddressRange, b: AddressRange): boolean {
  return a.start.value <= b.end.value && b.start.value <= a.end.value;
}

/** Who holds an address, and in which role. @internal */
interface Claim {
  readonly address: Address;
  readonly claimant: string;
  readonly role: 'gateway' | 'reserved' | 'static';
}

/** One address a pod asks for: as written, who asks, and the field that holds it. @internal */
export interface ClaimRequest {
  readonly address: string;
  readonly claimant: string;
  readonly field: string;
}

/** A request that passed every check, ready to be recorded. @internal */
export interface CheckedClaim {
  readonly request: ClaimRequest;
  readonly address: Address;
  /** `address/prefix`, canonical: what the pod's annotation carries. */
  readonly withPrefix: string;
}

/** Options of an `AddressPlan`. @internal */
export interface AddressPlanOptions {
  /** The router, if any: no pod may take it. */
  readonly gateway?: string;
  /** The router's DHCP pool: a static address inside it collides with a leased one sooner or later. */
  readonly dhcpRange?: { readonly start: string; readonly end: string };
  /** Addresses held by other hosts on the LAN. */
  readonly reservedAddresses?: string[];
  /** Construct whose path error messages carry. */
  readonly scope?: IConstruct;
}

/**
 * Who holds which address of a subnet. Claims are checked as a whole, against the subnet, the
 * gateway, the DHCP pool, the reserved addresses, every earlier claim and each other, and recorded
 * only when all of them pass: a pod that is refused holds nothing, and nothing is ever given back.
 * A Map keyed by the canonical address keeps this linear in the number of claims, and the canonical
 * key makes `2001:db8::a` and `2001:DB8:0::A` the same address.
 * @internal
 */
export class AddressPlan {
  public readonly subnet: Subnet;
  public readonly gateway?: Address;
  public readonly dhcpRange?: AddressRange;
  private readonly claims = new Map<string, Claim>();
  private readonly scope?: IConstruct;

  constructor(subnet: Subnet, options: AddressPlanOptions = {}) {
    this.subnet = subnet;
    this.scope = options.scope;
    const problems = new Problems();
    if (options.gateway !== undefined) {
      const gateway = problems.check(() => subnet.hostAddress('gateway', options.gateway!, this.scope));
      if (gateway) {
        this.gateway = gateway;
        this.claims.set(gateway.text, { address: gateway, claimant: 'gateway', role: 'gateway' });
      }
    }
    if (options.dhcpRange !== undefined) {
      this.dhcpRange = problems.check(() => parseRange(subnet, 'dhcpRange', options.dhcpRange!.start, options.dhcpRange!.end, this.scope));
    }
    (options.reservedAddresses ?? []).forEach((text, i) => {
      const field = `reservedAddresses[${i}]`;
      const address = problems.check(() => subnet.hostAddress(field, text, this.scope));
      if (!address) return;
      const holder = this.claims.get(address.text);
      if (holder) {
        problems.add(this.clash(field, text, holder, field));
        return;
      }
      this.claims.set(address.text, { address, claimant: field, role: 'reserved' });
    });
    problems.throwIfAny();
  }

  /** The addresses of the gateway and of the reserved hosts, canonical: no pod can hold them. */
  public get nonPodAddresses(): Address[] {
    return [...this.claims.values()].filter((c) => c.role !== 'static').map((c) => c.address);
  }

  /**
   * Claims a static address for `claimant`; returns it as canonical `address/prefix`.
   * Refuses a malformed address, a prefix other than the subnet's, an address outside the subnet,
   * the network or broadcast address, the gateway, an address in the DHCP pool or reserved for
   * another host, and an address someone else already holds (naming both).
   */
  public claim(address: string, claimant: string, field = 'address'): string {
    const [checked] = this.check([{ address, claimant, field }]);
    this.record([checked]);
    return checked.withPrefix;
  }

  /**
   * Checks requests as a whole and returns them ready to record; throws one ValidationError for
   * every request that cannot be granted (two requests of the batch for one address included).
   * Records nothing.
   */
  public check(requests: ReadonlyArray<ClaimRequest>): CheckedClaim[] {
    // A pod asks for one address almost always, once per pod of an app: the problems and the
    // requests of the batch by address are kept only when there is something to keep.
    let problems: Problems | undefined;
    const checked: CheckedClaim[] = [];
    let inBatch: Map<string, ClaimRequest> | undefined;
    for (let i = 0; i < requests.length; i++) {
      const request = requests[i];
      try {
        const parsed = this.subnet.hostAddress(request.field, request.address, this.scope, true);
        const range = this.dhcpRange;
        if (range && parsed.value >= range.start.value && parsed.value <= range.end.value) {
          invalid({ field: request.field, value: request.address, hint: `the router leases ${range.start.text}-${range.end.text} by DHCP and will hand it to another device; give ${request.claimant} an address outside that range`, scope: this.scope, problem: 'is inside the DHCP range' });
        }
        const holder = this.claims.get(parsed.text);
        if (holder) {
          (problems ??= new Problems()).add(this.clash(request.field, request.address, holder, request.claimant));
          continue;
        }
        const sibling = inBatch?.get(parsed.text);
        if (sibling) {
          (problems ??= new Problems()).add(this.clash(request.field, request.address, { address: parsed, claimant: sibling.claimant, role: 'static' }, request.claimant));
          continue;
        }
        if (requests.length > 1) (inBatch ??= new Map()).set(parsed.text, request);
        checked.push({ request, address: parsed, withPrefix: `${parsed.text}/${this.subnet.prefixLength}` });
      } catch (e) {
        (problems ??= new Problems()).record(e);
      }
    }
    problems?.throwIfAny();
    return checked;
  }

  /** Records requests that `check()` returned (and nothing was recorded since). */
  public record(checked: ReadonlyArray<CheckedClaim>): void {
    for (const c of checked) {
      this.claims.set(c.address.text, { address: c.address, claimant: c.request.claimant, role: 'static' });
    }
  }

  private clash(field: string, given: string, holder: Claim, claimant: string) {
    const problem = holder.role === 'gateway' ? 'is the gateway'
      : holder.role === 'reserved' ? `is reserved for another host (${holder.claimant})`
        : 'is already claimed';
    return refusal({ field, value: given, hint: `${renderValue(holder.claimant)} holds it and ${renderValue(claimant)} claims it too; give each its own address`, scope: this.scope, problem });
  }
}

function toBigInt(bytes: number[]): bigint {
  return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

function canonical(addr: ipaddr.IPv4 | ipaddr.IPv6): string {
  return addr.kind() === 'ipv6' ? (addr as ipaddr.IPv6).toRFC5952String() : addr.toString();
}
