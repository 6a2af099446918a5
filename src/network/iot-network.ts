import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { NetworkAttachmentDefinition } from '../../imports/k8s.cni.cncf.io';
import { invalid } from '../errors';
import { checkCniVersion } from '../util/cni';
import { isPlainObject } from '../util/merge';
import { checkBoolean, checkDnsLabel, checkInterfaceName } from '../util/validate';
import { AddressPlan, AddressRange, Subnet, overlaps } from './address-plan';
import { CniIpam, CniRoute, MacvlanNetworkModel, buildCniConfig } from './cni-config';
import { Ipam, IpamType } from './ipam';
import { INetworkAttachment } from './network-ref';

/** How macvlan children of one master talk to each other (the macvlan `mode`). */
export enum MacvlanMode {
  /** Children reach each other directly and the LAN through the master: what IoT networks want. */
  BRIDGE = 'bridge',
  /** Children cannot reach each other, even through an external switch. */
  PRIVATE = 'private',
  /** Traffic between children goes out to the switch, which must reflect it (802.1Qbg). */
  VEPA = 'vepa',
  /** One child takes over the master: one pod per node and network. */
  PASSTHRU = 'passthru',
}

/** The router's DHCP pool, inclusive. */
export interface DhcpRange {
  /** First address the router leases. */
  readonly start: string;
  /** Last address the router leases. */
  readonly end: string;
}

/** A route added to `net1` by the IPAM plugin. */
export interface IotNetworkRoute {
  /** Destination in CIDR notation, e.g. `192.168.30.0/24` (another VLAN behind the router). */
  readonly destination: string;
  /**
   * Next hop, inside the network's subnet.
   * @default - the network's `gateway`; without one, the destination is reached on-link
   */
  readonly gateway?: string;
}

/** Props of `IotNetwork`. */
export interface IotNetworkProps {
  /**
   * The IoT LAN in CIDR notation (IPv4 or IPv6), e.g. `192.168.20.0/24`. Host bits must be zero.
   * Every static address, the gateway, the DHCP pool and the reserved addresses are checked against it.
   */
  readonly subnet: string;

  /**
   * Name of the NetworkAttachmentDefinition: what pods put in the annotation's `name`.
   * @default - the construct id (it must then be a DNS-1123 label)
   */
  readonly name?: string;

  /**
   * Namespace of the NetworkAttachmentDefinition. Pods name it explicitly in their annotation, so it
   * must be known here: a Flux `targetNamespace` would otherwise move the NAD away from where the
   * pods look for it.
   * @default - the namespace of the enclosing cdk8s Chart; without one, an error
   */
  readonly namespace?: string;

  /**
   * Host interface the macvlan children hang off (`eth0`, `ens18`). It must exist on every node the
   * pods can land on, and should carry an IP address (multus #997).
   * @default - the node's default-route interface: the answer for clusters whose nodes name their NIC differently
   */
  readonly master?: string;

  /**
   * 802.1Q VLAN id (1-4094) of the IoT LAN when the nodes reach it tagged: the master becomes the
   * host's VLAN sub-interface `<master>.<vlan>` (e.g. `eth0.20`), which must exist on every node.
   * Needs `master`.
   * @default - untagged: the master itself is on the IoT LAN
   */
  readonly vlan?: number;

  /**
   * macvlan mode.
   * @default MacvlanMode.BRIDGE
   */
  readonly mode?: MacvlanMode;

  /**
   * MTU of `net1`, 68-65535 (at least 1280 for IPv6).
   * @default - the master's MTU
   */
  readonly mtu?: number;

  /**
   * The LAN's router. No pod may claim it; routes without their own next hop go through it, and
   * host-local and whereabouts hand it to the pod as its gateway (which `sbr` needs for a default
   * route in its per-source table).
   * @default - no gateway: only the subnet is reachable through net1 unless `routes` say otherwise
   */
  readonly gateway?: string;

  /**
   * Routes the IPAM plugin adds to `net1`. A default route (`0.0.0.0/0`) here competes with the
   * pod's default route on `eth0`; with `sourceBasedRouting` it moves into the per-source table
   * instead. Not with `Ipam.dhcp()` (routes come from the DHCP server).
   * @default - none: the subnet itself is reachable on-link
   */
  readonly routes?: IotNetworkRoute[];

  /**
   * The router's DHCP pool. A static address inside it is refused: the router would lease it to
   * another device sooner or later.
   * @default - no pool known: static addresses are not checked against one
   */
  readonly dhcpRange?: DhcpRange;

  /**
   * Addresses held by other hosts on the LAN (a NAS, an access point, the Home Assistant of another
   * cluster) that no pod may claim.
   * @default - none
   */
  readonly reservedAddresses?: string[];

  /**
   * Where pods' addresses come from.
   * @default Ipam.static() - pods name their address in the annotation, checked against this network's plan
   */
  readonly ipam?: Ipam;

  /**
   * Let pods pin their MAC through the annotation's `mac` (a fixed MAC keeps router client
   * reservations stable, e.g. UniFi fixed IPs). The macvlan plugin itself declares the `mac`
   * capability, so `net1` is created with the pinned MAC before the IPAM plugin runs: with
   * `Ipam.dhcp()` the lease is requested with that MAC, and the router's reservation matches. A
   * `tuning` plugin chained after macvlan (as in multus `examples/macvlan-pod.yml`) would set the
   * MAC only after the DHCP request went out with macvlan's random MAC. Needs the reference
   * plugins 1.1.0 or later (macvlan reads `runtimeConfig.mac`; the chart's installer ships 1.9.1).
   * @default false
   */
  readonly macCapability?: boolean;

  /**
   * Chain the `sbr` plugin: traffic from net1's address leaves through net1, by a per-source
   * routing table, while the pod's default route stays on eth0.
   * @default false
   */
  readonly sourceBasedRouting?: boolean;

  /**
   * cniVersion of the config: `0.3.1`, `0.4.0` or `1.0.0` (what the reference plugins and Multus 4 accept).
   * @default '0.3.1'
   */
  readonly cniVersion?: string;
}

/**
 * The IoT LAN as a Multus network: one macvlan `NetworkAttachmentDefinition` (k8s.cni.cncf.io/v1)
 * whose `spec.config` is built from a typed model, and the address plan of the subnet (who holds
 * which static address), checked as addresses are claimed.
 *
 * The config follows the CNI spec and the NPWG multi-net spec: with static IPAM it declares
 * `"capabilities": {"ips": true}`, without which a spec-following runtime fails the attachment with
 * `IPAM plugin returned missing IP config`.
 *
 * @example
 * const iot = new IotNetwork(chart, 'iot', {
 *   subnet: '192.168.20.0/24',
 *   master: 'eth0',
 *   gateway: '192.168.20.1',
 *   dhcpRange: { start: '192.168.20.100', end: '192.168.20.199' },
 * });
 * iot.claimAddress('192.168.20.10', 'home-assistant'); // '192.168.20.10/24'
 */
export class IotNetwork extends Construct implements INetworkAttachment {
  /** The NetworkAttachmentDefinition's name. */
  public readonly networkName: string;
  /** The NetworkAttachmentDefinition's namespace. */
  public readonly networkNamespace: string;
  /** The subnet, canonical CIDR (`192.168.20.0/24`, `2001:db8:20::/64`). */
  public readonly subnet: string;
  /** The subnet's prefix length. */
  public readonly prefixLength: number;
  /** Where pods' addresses come from. */
  public readonly ipam: Ipam;
  /** True iff pods name their address in the annotation (the config declares `capabilities.ips`). */
  public readonly takesAddressesFromAnnotation: boolean;
  /** True iff pods may pin their MAC through the annotation (the config declares `capabilities.mac`). */
  public readonly macCapability: boolean;
  /** The router, canonical. */
  public readonly gateway?: string;
  /** The host interface macvlan uses, including the VLAN suffix; undefined for the default-route interface. */
  public readonly master?: string;
  /** The generated NetworkAttachmentDefinition. */
  public readonly nad: NetworkAttachmentDefinition;
  /** The CNI config object that `spec.config` serializes (read-only). */
  public readonly cniConfig: any;

  private readonly plan: AddressPlan;

  constructor(scope: Construct, id: string, props: IotNetworkProps) {
    super(scope, id);
    if (!isPlainObject(props)) {
      invalid('props', props, 'give at least { subnet: "192.168.20.0/24" }', this, 'is required');
    }
    this.networkName = props.name ?? id;
    checkDnsLabel('name', this.networkName, this);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      invalid('namespace', namespace, 'pods name the NetworkAttachmentDefinition\'s namespace in their annotation: set namespace (e.g. "kube-system") or give the chart a namespace; a Flux targetNamespace would otherwise move the NAD away from where pods look for it', this, 'is required');
    }
    checkDnsLabel('namespace', namespace, this);
    this.networkNamespace = namespace;

    if (props.subnet === undefined) {
      invalid('subnet', props.subnet, 'give the IoT LAN in CIDR notation, e.g. "192.168.20.0/24"', this, 'is required');
    }
    const subnet = Subnet.parse('subnet', props.subnet, this);
    this.subnet = subnet.cidr;
    this.prefixLength = subnet.prefixLength;
    this.plan = new AddressPlan(subnet, {
      gateway: props.gateway,
      dhcpRange: checkDhcpRange(this, props.dhcpRange),
      reservedAddresses: checkStringList(this, 'reservedAddresses', props.reservedAddresses),
      scope: this,
    });
    this.gateway = this.plan.gateway?.text;

    this.ipam = props.ipam ?? Ipam.static();
    if (!(this.ipam instanceof Ipam)) {
      invalid('ipam', this.ipam, 'use Ipam.static(), Ipam.hostLocal({...}), Ipam.dhcp() or Ipam.whereabouts({...})', this);
    }
    this.takesAddressesFromAnnotation = this.ipam.takesAddressesFromAnnotation;
    this.macCapability = checkBoolean('macCapability', props.macCapability, this);
    this.master = resolveMaster(this, props.master, props.vlan);

    const cniVersion = props.cniVersion ?? '0.3.1';
    checkCniVersion('cniVersion', cniVersion, this);
    const mode = props.mode ?? MacvlanMode.BRIDGE;
    if (!Object.values(MacvlanMode).includes(mode)) {
      invalid('mode', mode, `use one of ${Object.values(MacvlanMode).join(', ')} (MacvlanMode)`, this);
    }

    const routes = resolveRoutes(this, subnet, this.plan, props.routes);
    const model: MacvlanNetworkModel = {
      cniVersion,
      name: this.networkName,
      master: this.master,
      mode,
      mtu: checkMtu(this, subnet, props.mtu),
      ipam: resolveIpam(this, this.ipam, subnet, this.plan, routes),
      ipsCapability: this.takesAddressesFromAnnotation,
      macCapability: this.macCapability,
      sourceBasedRouting: checkBoolean('sourceBasedRouting', props.sourceBasedRouting, this),
    };
    this.cniConfig = deepFreeze(buildCniConfig(model));

    this.nad = new NetworkAttachmentDefinition(this, 'Resource', {
      metadata: { name: this.networkName, namespace: this.networkNamespace },
      spec: { config: JSON.stringify(this.cniConfig) },
    });
  }

  /** True iff `address` (without a prefix) is inside the subnet. */
  public containsAddress(address: string): boolean {
    return this.plan.containsAddress(address);
  }

  /**
   * Checks that `address` (without a prefix) is one a host on this network can hold, and returns it
   * in canonical form: inside the subnet, and neither the network address (the IPv6 Subnet-Router
   * anycast address) nor the IPv4 broadcast address. For addresses pods point at without holding
   * them, such as a `defaultRoute` gateway: no router answers at the network or broadcast address,
   * so a route through either cannot work. Claims nothing.
   *
   * @param address the address, without prefix length
   * @param field the field that holds the address, for error messages
   */
  public checkHostAddress(address: string, field?: string): string {
    return this.plan.subnet.hostAddress(field ?? 'address', address, this).text;
  }

  /**
   * Claims a static address for `claimant` and returns it as canonical `address/prefix`.
   *
   * Accepts `a.b.c.d` or `a.b.c.d/nn` (and IPv6). A missing prefix gets the subnet's; another
   * prefix is refused (it would give net1 the wrong netmask). Refuses a malformed address, one
   * outside the subnet, the network or broadcast address, the gateway, an address in `dhcpRange` or
   * `reservedAddresses`, and an address already claimed (naming both claimants); and any claim when
   * the network's IPAM does not take addresses from the annotation.
   *
   * @param address the address, with or without prefix length
   * @param claimant who claims it, for error messages (e.g. a construct path and element)
   * @param field the field that holds the address, for error messages
   */
  public claimAddress(address: string, claimant: string, field?: string): string {
    const where = field ?? 'address';
    if (!this.takesAddressesFromAnnotation) {
      invalid(where, address, `network "${this.networkName}" uses ${this.ipam.type} IPAM, which assigns addresses itself; leave the address out or use Ipam.static()`, this, 'cannot be requested');
    }
    return this.plan.claim(address, claimant, where);
  }

  /**
   * Gives back an address that `claimant` claimed with `claimAddress` (with or without prefix).
   * Does nothing when `claimant` does not hold it: the gateway and reserved addresses are never released.
   * A caller that claims several addresses uses it to leave no claim behind when a later one is refused.
   */
  public releaseAddress(address: string, claimant: string): void {
    this.plan.release(address, claimant);
  }
}

function checkStringList(scope: Construct, field: string, list: string[] | undefined): string[] | undefined {
  if (list !== undefined && !Array.isArray(list)) invalid(field, list, 'give a list of IP addresses, e.g. ["192.168.20.2"]', scope);
  return list;
}

function checkDhcpRange(scope: Construct, range: DhcpRange | undefined): DhcpRange | undefined {
  if (range !== undefined && !isPlainObject(range)) {
    invalid('dhcpRange', range, 'give { start, end }, e.g. { start: "192.168.20.100", end: "192.168.20.199" }', scope);
  }
  return range;
}

function resolveMaster(scope: Construct, master: string | undefined, vlan: number | undefined): string | undefined {
  if (master !== undefined) checkInterfaceName('master', master, scope);
  if (vlan === undefined) return master;
  if (!Number.isInteger(vlan) || vlan < 1 || vlan > 4094) {
    invalid('vlan', vlan, 'use an integer from 1 to 4094 (802.1Q VLAN id)', scope);
  }
  if (master === undefined) {
    invalid('vlan', vlan, 'a VLAN sub-interface needs its parent: set master (e.g. "eth0" for "eth0.20")', scope, 'needs master');
  }
  const name = `${master}.${vlan}`;
  if (Buffer.byteLength(name, 'utf8') > 15) {
    invalid('vlan', name, 'Linux interface names have at most 15 characters; create the VLAN sub-interface under a shorter name on the nodes and give that as master, without vlan', scope, 'makes an interface name that is too long');
  }
  return name;
}

function checkMtu(scope: Construct, subnet: Subnet, mtu: number | undefined): number | undefined {
  if (mtu === undefined) return undefined;
  const min = subnet.family === 6 ? 1280 : 68;
  if (!Number.isInteger(mtu) || mtu < min || mtu > 65535) {
    invalid('mtu', mtu, `use an integer from ${min} to 65535${subnet.family === 6 ? ' (IPv6 needs at least 1280)' : ''}`, scope);
  }
  return mtu;
}

function resolveRoutes(scope: Construct, subnet: Subnet, plan: AddressPlan, routes: IotNetworkRoute[] | undefined): CniRoute[] {
  if (routes === undefined) return [];
  if (!Array.isArray(routes)) invalid('routes', routes, 'give a list of { destination, gateway? }', scope);
  return routes.map((route, i) => {
    const field = `routes[${i}]`;
    if (!isPlainObject(route)) invalid(field, route, 'give { destination, gateway? }, e.g. { destination: "192.168.30.0/24" }', scope);
    const dst = Subnet.parse(`${field}.destination`, route.destination, scope);
    if (dst.family !== subnet.family) {
      invalid(`${field}.destination`, route.destination, `net1 is on IPv${subnet.family} subnet ${subnet.cidr}; give an IPv${subnet.family} destination`, scope);
    }
    // The next hop must be on net1's own subnet, or the kernel refuses the route ("network unreachable").
    const gw = route.gateway !== undefined ? subnet.hostAddress(`${field}.gateway`, route.gateway, scope).text : plan.gateway?.text;
    return gw === undefined ? { dst: dst.cidr } : { dst: dst.cidr, gw };
  });
}

function resolveIpam(scope: Construct, ipam: Ipam, subnet: Subnet, plan: AddressPlan, routes: CniRoute[]): CniIpam {
  switch (ipam.type) {
    case IpamType.STATIC:
      // The static plugin gets its addresses from the annotation (runtimeConfig.ips), which carry
      // no gateway: routes are what reaches beyond the subnet.
      return { type: 'static', routes };
    case IpamType.DHCP:
      if (routes.length > 0) {
        invalid('routes', routes.map((r) => r.dst), 'with Ipam.dhcp() routes come from the DHCP server; configure them in the router', scope, 'would be ignored');
      }
      return { type: 'dhcp' };
    case IpamType.HOST_LOCAL:
      return hostLocal(scope, ipam, subnet, plan, routes);
    case IpamType.WHEREABOUTS:
      return whereabouts(scope, ipam, subnet, plan, routes);
  }
}

function hostLocal(scope: Construct, ipam: Ipam, subnet: Subnet, plan: AddressPlan, routes: CniRoute[]): CniIpam {
  const o = ipam.hostLocalOptions;
  if (!isPlainObject(o)) invalid('ipam', o, 'give Ipam.hostLocal({ rangeStart, rangeEnd })', scope);
  const start = subnet.hostAddress('ipam.rangeStart', o.rangeStart, scope);
  const end = subnet.hostAddress('ipam.rangeEnd', o.rangeEnd, scope);
  if (start.value > end.value) {
    invalid('ipam.rangeEnd', o.rangeEnd, `the range must not end before rangeStart "${start.text}"`, scope, 'comes before rangeStart');
  }
  const range: AddressRange = { start, end };
  if (plan.dhcpRange && overlaps(range, plan.dhcpRange)) {
    invalid('ipam.rangeStart', `${start.text}-${end.text}`, `the router leases ${plan.dhcpRange.start.text}-${plan.dhcpRange.end.text}: give host-local a range outside the DHCP pool`, scope, 'overlaps the DHCP range');
  }
  // host-local skips the range's gateway itself, but knows nothing of other hosts' addresses.
  for (const held of plan.held) {
    if (held.value >= start.value && held.value <= end.value && held.value !== plan.gateway?.value) {
      invalid('ipam.rangeStart', `${start.text}-${end.text}`, `${held.text} is reserved for another host: narrow the range so that it leaves it out`, scope, 'contains a reserved address');
    }
  }
  return { type: 'host-local', subnet: subnet.cidr, rangeStart: start.text, rangeEnd: end.text, gateway: plan.gateway?.text, routes };
}

function whereabouts(scope: Construct, ipam: Ipam, subnet: Subnet, plan: AddressPlan, routes: CniRoute[]): CniIpam {
  const o = ipam.whereaboutsOptions;
  if (!isPlainObject(o)) invalid('ipam', o, 'give Ipam.whereabouts({ range })', scope);
  const range = subnet.innerCidr('ipam.range', o.range, scope);
  if (o.exclude !== undefined && !Array.isArray(o.exclude)) invalid('ipam.exclude', o.exclude, 'give a list of CIDRs inside the range', scope);
  const exclude = (o.exclude ?? []).map((cidr, i) => subnet.innerCidr(`ipam.exclude[${i}]`, cidr, scope, range).cidr);
  // Whereabouts allocates from the whole range: keep the router, the reserved hosts and the DHCP
  // pool out of it without making the user spell them out.
  const excluded = (value: bigint) => exclude.some((c) => Subnet.parse('exclude', c).contains(value));
  for (const held of plan.held) {
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

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value as Record<string, unknown>).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
