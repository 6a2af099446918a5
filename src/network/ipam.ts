import { IConstruct } from 'constructs';
import { invalid } from '../errors';
import { isPlainObject } from '../util/merge';
import { checkKnownProps, propsShape } from '../util/props';
import { AddressPlan, AddressRange, Subnet, holdsIpv4Mapped, overlaps } from './address-plan';
import { CniIpam, CniRoute } from './cni-config';

/** The IPAM plugins an `IotNetwork` can use. */
export enum IpamType {
  /** `static`: addresses come from the pod annotation (`ips`). */
  STATIC = 'static',
  /** `host-local`: each node hands out addresses from its own copy of a range. */
  HOST_LOCAL = 'host-local',
  /** `dhcp`: the LAN's DHCP server leases the address, through the CNI dhcp daemon on the node. */
  DHCP = 'dhcp',
  /** `whereabouts`: a cluster-wide allocator (a separate install). */
  WHEREABOUTS = 'whereabouts',
}

/** Options of `Ipam.hostLocal()`. */
export interface HostLocalIpamOptions {
  /**
   * First address host-local may hand out. Must be inside the network's subnet and, with the range's
   * end, outside the router's `dhcpRange`.
   */
  readonly rangeStart: string;
  /** Last address host-local may hand out (inclusive). */
  readonly rangeEnd: string;
}

/** Options of `Ipam.whereabouts()`. */
export interface WhereaboutsIpamOptions {
  /**
   * The CIDR whereabouts allocates from, inside the network's subnet (it may be the subnet itself).
   */
  readonly range: string;
  /**
   * CIDRs inside `range` that whereabouts must not hand out. The network's `gateway`, its
   * `reservedAddresses` and its `dhcpRange` are excluded as well, without being listed here.
   * @default - only what the network itself excludes
   */
  readonly exclude?: string[];
}

const HOST_LOCAL_OPTIONS = propsShape<HostLocalIpamOptions>('HostLocalIpamOptions', { rangeStart: true, rangeEnd: true });
const WHEREABOUTS_OPTIONS = propsShape<WhereaboutsIpamOptions>('WhereaboutsIpamOptions', { range: true, exclude: true });

const MAPPED_HINT = 'the CNI plugins read an IPv4-mapped IPv6 address (::ffff:0:0/96) as an IPv4 address; give a range outside ::ffff:0:0/96';

/**
 * Where a pod's address on the network comes from (the `ipam` section of the CNI config).
 *
 * @example
 * Ipam.static(); // the pod annotation names the address; the library checks it against the network's address plan
 * Ipam.hostLocal({ rangeStart: '192.168.20.200', rangeEnd: '192.168.20.220' });
 */
export class Ipam {
  /**
   * Addresses come from the pod annotation (`"ips": ["192.168.20.10/24"]`). The config declares
   * `"capabilities": {"ips": true}`, which the CNI spec and the NPWG multi-net spec require before a
   * runtime may pass `ips` on; each address is checked against the network's address plan when the
   * pod's annotation is constructed.
   * The right choice for Home Assistant and other hosts that IoT devices must find at a fixed address.
   */
  public static static(): Ipam {
    return new Ipam(IpamType.STATIC);
  }

  /**
   * The reference `host-local` plugin hands out addresses from `rangeStart`..`rangeEnd`. Its state
   * lives on each node: two nodes hand out the same address, so use it only when the pods on this
   * network all run on one node.
   */
  public static hostLocal(options: HostLocalIpamOptions): Ipam {
    return new Ipam(IpamType.HOST_LOCAL, options);
  }

  /**
   * The LAN's DHCP server leases the address (it can then be pinned by MAC in the router). Needs the
   * CNI `dhcp` daemon (`dhcp daemon`, from the reference plugins) running on every node the pod can
   * land on; without it every attachment fails: deploy `CniDhcpDaemon` with the install's `cniPaths`.
   * Routes come from the DHCP server.
   */
  public static dhcp(): Ipam {
    return new Ipam(IpamType.DHCP);
  }

  /**
   * The whereabouts plugin allocates cluster-wide from `range`. Whereabouts is a separate install
   * (its CRDs and its reconciler), not part of Multus.
   */
  public static whereabouts(options: WhereaboutsIpamOptions): Ipam {
    return new Ipam(IpamType.WHEREABOUTS, undefined, options);
  }

  /** Which IPAM plugin. */
  public readonly type: IpamType;
  /** The host-local options, for `hostLocal()`. */
  public readonly hostLocalOptions?: HostLocalIpamOptions;
  /** The whereabouts options, for `whereabouts()`. */
  public readonly whereaboutsOptions?: WhereaboutsIpamOptions;

  private constructor(type: IpamType, hostLocal?: HostLocalIpamOptions, whereabouts?: WhereaboutsIpamOptions) {
    this.type = type;
    this.hostLocalOptions = hostLocal;
    this.whereaboutsOptions = whereabouts;
  }

  /** True iff pods name their address in the annotation (static IPAM, `capabilities.ips`). */
  public get takesAddressesFromAnnotation(): boolean {
    return this.type === IpamType.STATIC;
  }
}

/**
 * The `ipam` section of a network's CNI config for its `Ipam`, checked against the network's subnet
 * and address plan (a pure function of the validated network).
 * @internal
 */
export function resolveIpam(ipam: Ipam, subnet: Subnet, plan: AddressPlan, routes: CniRoute[], scope?: IConstruct): CniIpam {
  switch (ipam.type) {
    case IpamType.STATIC:
      // The static plugin gets its addresses from the annotation (runtimeConfig.ips), which carry
      // no gateway: routes are what reaches beyond the subnet.
      return { type: 'static', routes };
    case IpamType.DHCP:
      if (routes.length > 0) {
        invalid({ field: 'routes', value: routes.map((r) => r.dst), hint: 'with Ipam.dhcp() routes come from the DHCP server; configure them in the router', scope, problem: 'would be ignored' });
      }
      return { type: 'dhcp' };
    case IpamType.HOST_LOCAL:
      return hostLocal(ipam, subnet, plan, routes, scope);
    case IpamType.WHEREABOUTS:
      return whereabouts(ipam, subnet, plan, routes, scope);
  }
}

function hostLocal(ipam: Ipam, subnet: Subnet, plan: AddressPlan, routes: CniRoute[], scope?: IConstruct): CniIpam {
  const o = ipam.hostLocalOptions;
  if (!isPlainObject(o)) invalid({ field: 'ipam', value: o, hint: 'give Ipam.hostLocal({ rangeStart, rangeEnd })', scope });
  checkKnownProps('ipam', o, HOST_LOCAL_OPTIONS, scope);
  const start = subnet.hostAddress('ipam.rangeStart', o.rangeStart, scope);
  const end = subnet.hostAddress('ipam.rangeEnd', o.rangeEnd, scope);
  if (start.value > end.value) {
    invalid({ field: 'ipam.rangeEnd', value: o.rangeEnd, hint: `the range must not end before rangeStart "${start.text}"`, scope, problem: 'comes before rangeStart' });
  }
  if (holdsIpv4Mapped(subnet.family, start.value, end.value)) {
    invalid({ field: 'ipam.rangeStart', value: `${start.text}-${end.text}`, hint: MAPPED_HINT, scope, problem: 'holds IPv4-mapped addresses' });
  }
  const range: AddressRange = { start, end };
  if (plan.dhcpRange && overlaps(range, plan.dhcpRange)) {
    invalid({ field: 'ipam.rangeStart', value: `${start.text}-${end.text}`, hint: `the router leases ${plan.dhcpRange.start.text}-${plan.dhcpRange.end.text}: give host-local a range outside the DHCP pool`, scope, problem: 'overlaps the DHCP range' });
  }
  // host-local skips the range's gateway itself, but knows nothing of other hosts' addresses.
  for (const held of plan.nonPodAddresses) {
    if (held.value >= start.value && held.value <= end.value && held.value !== plan.gateway?.value) {
      invalid({ field: 'ipam.rangeStart', value: `${start.text}-${end.text}`, hint: `${held.text} is reserved for another host: narrow the range so that it leaves it out`, scope, problem: 'contains a reserved address' });
    }
  }
  return { type: 'host-local', subnet: subnet.cidr, rangeStart: start.text, rangeEnd: end.text, gateway: plan.gateway?.text, routes };
}

function whereabouts(ipam: Ipam, subnet: Subnet, plan: AddressPlan, routes: CniRoute[], scope?: IConstruct): CniIpam {
  const o = ipam.whereaboutsOptions;
  if (!isPlainObject(o)) invalid({ field: 'ipam', value: o, hint: 'give Ipam.whereabouts({ range })', scope });
  checkKnownProps('ipam', o, WHEREABOUTS_OPTIONS, scope);
  const range = subnet.innerCidr('ipam.range', o.range, scope);
  if (holdsIpv4Mapped(range.family, range.network, range.last)) {
    invalid({ field: 'ipam.range', value: o.range, hint: MAPPED_HINT, scope, problem: 'holds IPv4-mapped addresses' });
  }
  if (o.exclude !== undefined && !Array.isArray(o.exclude)) invalid({ field: 'ipam.exclude', value: o.exclude, hint: 'give a list of CIDRs inside the range', scope });
  const exclude = (o.exclude ?? []).map((cidr, i) => subnet.innerCidr(`ipam.exclude[${i}]`, cidr, scope, range).cidr);
  // Whereabouts allocates from the whole range: keep the router, the reserved hosts and the DHCP
  // pool out of it without making the user spell them out.
  const excluded = (value: bigint) => exclude.some((c) => Subnet.parse('exclude', c).contains(value));
  for (const held of plan.nonPodAddresses) {
    if (range.contains(held.value) && !excluded(held.value)) exclude.push(`${held.text}/${subnet.bits}`);
  }
  const pool = plan.dhcpRange;
  if (pool && pool.start.value <= range.last && range.network <= pool.end.value) {
    const from = pool.start.value > range.network ? pool.start.value : range.network;
    const to = pool.end.value < range.last ? pool.end.value : range.last;
    exclude.push(...subnet.cidrsCovering(from, to));
  }
  return { type: 'whereabouts', range: range.cidr, exclude, gateway: plan.gateway?.text, routes };
}
