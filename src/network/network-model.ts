import { ApiObjectMetadata } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Problems, invalid } from '../errors';
import { checkCniVersion } from '../util/cni';
import { isPlainObject } from '../util/merge';
import { OwnMetadata, mergeMetadata, metadataProblems } from '../util/metadata';
import { checkDnsLabel, checkInterfaceName } from '../util/names';
import { checkKnownProps, propsShape } from '../util/props';
import { optionalBoolean } from '../util/validate';
import { AddressPlan, Subnet } from './address-plan';
import { CniIpam, CniRoute, MacvlanNetworkModel } from './cni-config';
import { Ipam, IpamType, resolveIpam } from './ipam';

// An IotNetwork as a pure, validated model: props in; the subnet, its address plan and the CNI
// config model out. IotNetwork turns it into a NetworkAttachmentDefinition.

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
   * Not `0.0.0.0/0` or `::/0`, nor inside `::ffff:0:0/96` (IPv4-mapped addresses, which the plugins
   * read as IPv4). One name and namespace is one network: a second IotNetwork of them is refused.
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
   * pods can land on, and should carry an IP address (https://github.com/k8snetworkplumbingwg/multus-cni/issues/997).
   * @default - the node's default-route interface: the answer for clusters whose nodes name their NIC differently
   */
  readonly master?: string;

  /**
   * 802.1Q VLAN id (1-4094) of the IoT LAN when the nodes reach it tagged: the master becomes the
   * host's VLAN sub-interface `<master>.<vlan>` (e.g. `eth0.20`), which must exist on every node.
   * Needs `master`, which must be the parent (`eth0`): a master that already names a sub-interface
   * (`eth0.20`) is refused with a vlan, and is given without one.
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
   * instead. Not with `Ipam.dhcp()` (routes come from the DHCP server). Each destination once, and
   * not the subnet itself: the kernel refuses either with "file exists", and the attachment fails.
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
   * routing table, while the pod's default route stays on eth0. With a `gateway` and static IPAM,
   * that table also gets a default route through the gateway, so that a client behind the router
   * (HomeKit from a phone on another VLAN) is answered through net1 (measured in the CNI lab with
   * the real Multus; without it the answers leave through eth0 and the client never connects).
   * @default false
   */
  readonly sourceBasedRouting?: boolean;

  /**
   * cniVersion of the config: `0.3.1`, `0.4.0`, `1.0.0` or `1.1.0`. The first three are what the
   * reference plugins 1.1.x and later and every Multus 4 accept; `1.1.0` needs Multus 4.1.0 or newer
   * and the reference plugins 1.6.0 or newer on every node (the Multus charts' installers ship 1.9.1;
   * Debian's `containernetworking-plugins` 1.1.1 stop at 1.0.0).
   * @default '0.3.1'
   */
  readonly cniVersion?: string;

  /**
   * Labels, annotations, finalizers and owner references of the NetworkAttachmentDefinition, added
   * to what the construct writes. Its name and namespace are `name` and `namespace`: a different
   * `metadata.name` or `metadata.namespace` is refused.
   * @default - the name and namespace only
   */
  readonly metadata?: ApiObjectMetadata;
}

const DHCP_RANGE = propsShape<DhcpRange>('DhcpRange', { start: true, end: true });
const ROUTE = propsShape<IotNetworkRoute>('IotNetworkRoute', { destination: true, gateway: true });
const IOT_NETWORK_PROPS = propsShape<IotNetworkProps>('IotNetworkProps', {
  subnet: true, name: true, namespace: true, master: true, vlan: true, mode: true, mtu: true, gateway: true, routes: true,
  dhcpRange: true, reservedAddresses: true, ipam: true, macCapability: true, sourceBasedRouting: true, cniVersion: true, metadata: true,
});

/** Where the network's scope puts it, when the props leave it open. @internal */
export interface NetworkContext {
  /** The construct id: the default name. */
  readonly id: string;
  /** The namespace of the enclosing cdk8s Chart, if it has one. */
  readonly chartNamespace?: string;
}

/** A validated IotNetwork. @internal */
export interface NetworkModel {
  readonly name: string;
  readonly namespace: string;
  readonly subnet: Subnet;
  readonly plan: AddressPlan;
  readonly ipam: Ipam;
  readonly macCapability: boolean;
  readonly master?: string;
  /** The NetworkAttachmentDefinition's metadata: name, namespace and the user's `metadata`. */
  readonly metadata: ApiObjectMetadata;
  /** What `spec.config` is built from. */
  readonly config: MacvlanNetworkModel;
}

/**
 * Validates the props of a network, reporting every refused prop at once, and returns its model.
 * @internal
 */
export function resolveNetwork(props: IotNetworkProps, context: NetworkContext, scope?: IConstruct): NetworkModel {
  if (!isPlainObject(props)) {
    invalid({ field: 'props', value: props, hint: 'give at least { subnet: "192.168.20.0/24" }', scope, problem: 'is required' });
  }
  checkKnownProps('', props, IOT_NETWORK_PROPS, scope);
  const problems = new Problems();
  const name = props.name ?? context.id;
  problems.check(() => checkDnsLabel('name', name, scope));
  const namespace = props.namespace ?? context.chartNamespace;
  problems.check(() => {
    if (namespace === undefined) {
      invalid({ field: 'namespace', value: namespace, hint: 'pods name the NetworkAttachmentDefinition\'s namespace in their annotation: set namespace (e.g. "kube-system") or give the chart a namespace; a Flux targetNamespace would otherwise move the NAD away from where pods look for it', scope, problem: 'is required' });
    }
    checkDnsLabel('namespace', namespace, scope);
  });
  const subnet = problems.check(() => {
    if (props.subnet === undefined) {
      invalid({ field: 'subnet', value: props.subnet, hint: 'give the IoT LAN in CIDR notation, e.g. "192.168.20.0/24"', scope, problem: 'is required' });
    }
    return checkLanSubnet(Subnet.parse('subnet', props.subnet, scope), props.subnet, scope);
  });
  const ipam = props.ipam ?? Ipam.static();
  problems.check(() => {
    if (!(ipam instanceof Ipam)) {
      invalid({ field: 'ipam', value: ipam, hint: 'use Ipam.static(), Ipam.hostLocal({...}), Ipam.dhcp() or Ipam.whereabouts({...})', scope });
    }
  });
  const macCapability = problems.check(() => optionalBoolean('macCapability', props.macCapability, false, scope));
  const sourceBasedRouting = problems.check(() => optionalBoolean('sourceBasedRouting', props.sourceBasedRouting, false, scope));
  const master = problems.check(() => resolveMaster(props.master, props.vlan, scope));
  const cniVersion = props.cniVersion ?? '0.3.1';
  problems.check(() => checkCniVersion('cniVersion', cniVersion, scope));
  const mode = props.mode ?? MacvlanMode.BRIDGE;
  problems.check(() => {
    if (!Object.values(MacvlanMode).includes(mode)) {
      invalid({ field: 'mode', value: mode, hint: `use one of ${Object.values(MacvlanMode).join(', ')} (MacvlanMode)`, scope });
    }
  });
  const dhcpRange = problems.check(() => checkDhcpRange(props.dhcpRange, scope));
  const reservedAddresses = problems.check(() => checkStringList('reservedAddresses', props.reservedAddresses, scope));
  let plan: AddressPlan | undefined;
  let mtu: number | undefined;
  let routes: CniRoute[] | undefined;
  let ipamSection: CniIpam | undefined;
  if (subnet) {
    plan = problems.check(() => new AddressPlan(subnet, { gateway: props.gateway, dhcpRange, reservedAddresses, scope }));
    mtu = problems.check(() => checkMtu(subnet, props.mtu, scope));
    // Routes are checked against the subnet whether or not the plan could be made; without a plan
    // (a refused gateway) their default next hop is unknown, which only the rendering needs.
    routes = problems.check(() => resolveRoutes(subnet, plan?.gateway?.text, props.routes, scope));
    // With sbr and a gateway, net1's own table needs a default route through the gateway, or the
    // answers to a client behind the router (HomeKit from a phone on another VLAN) still leave
    // through eth0: static IPAM hands sbr no gateway. Measured in the CNI lab through the real
    // Multus (test/lab/homekit.test.ts, docs/decisions.md). sbr keeps it out of the main table, so
    // the pod's default route stays on eth0. Host-local and whereabouts hand sbr the gateway
    // themselves; DHCP hands it the router's.
    const defaultDst = subnet.family === 4 ? '0.0.0.0/0' : '::/0';
    if (routes && sourceBasedRouting && plan?.gateway && ipam instanceof Ipam && ipam.type === IpamType.STATIC && !routes.some((r) => r.dst === defaultDst)) {
      routes = [...routes, { dst: defaultDst, gw: plan.gateway.text }];
    }
    if (plan && routes && ipam instanceof Ipam) ipamSection = problems.check(() => resolveIpam(ipam, subnet, plan!, routes!, scope));
  }
  const own: OwnMetadata = {
    name, namespace: namespace!,
    nameFrom: props.name !== undefined ? 'the name prop' : 'the construct id (set the name prop for another)',
    namespaceFrom: props.namespace !== undefined ? 'the namespace prop' : 'the chart\'s namespace (set the namespace prop for another)',
  };
  metadataProblems(props.metadata, own, scope).forEach((p) => problems.add(p));
  problems.throwIfAny();
  return {
    metadata: mergeMetadata(props.metadata, own),
    name,
    namespace: namespace!,
    subnet: subnet!,
    plan: plan!,
    ipam,
    macCapability: macCapability!,
    master,
    config: {
      cniVersion,
      name,
      master,
      mode,
      mtu,
      ipam: ipamSection!,
      ipsCapability: ipam.takesAddressesFromAnnotation,
      macCapability: macCapability!,
      sourceBasedRouting: sourceBasedRouting!,
    },
  };
}

/**
 * The subnet of a LAN: not the whole address space. With `0.0.0.0/0` (or `::/0`) every destination,
 * the cluster network's included, is on-link on net1, and the pod's own traffic leaves through the
 * IoT LAN.
 */
function checkLanSubnet(subnet: Subnet, given: string, scope?: IConstruct): Subnet {
  if (subnet.prefixLength === 0) {
    invalid({ field: 'subnet', value: given, hint: 'give the IoT LAN itself, e.g. "192.168.20.0/24": with a /0 subnet every destination, the cluster network included, is on-link on net1, and the pod\'s traffic leaves through the IoT LAN', scope, problem: 'is the whole address space' });
  }
  return subnet;
}

function checkStringList(field: string, list: string[] | undefined, scope?: IConstruct): string[] | undefined {
  if (list !== undefined && !Array.isArray(list)) invalid({ field, value: list, hint: 'give a list of IP addresses, e.g. ["192.168.20.2"]', scope });
  return list;
}

function checkDhcpRange(range: DhcpRange | undefined, scope?: IConstruct): DhcpRange | undefined {
  if (range !== undefined && !isPlainObject(range)) {
    invalid({ field: 'dhcpRange', value: range, hint: 'give { start, end }, e.g. { start: "192.168.20.100", end: "192.168.20.199" }', scope });
  }
  checkKnownProps('dhcpRange', range, DHCP_RANGE, scope);
  return range;
}

function resolveMaster(master: string | undefined, vlan: number | undefined, scope?: IConstruct): string | undefined {
  const problems = new Problems();
  if (master !== undefined) problems.check(() => checkInterfaceName('master', master, scope));
  if (vlan !== undefined && (!Number.isInteger(vlan) || vlan < 1 || vlan > 4094)) {
    problems.check(() => invalid({ field: 'vlan', value: vlan, hint: 'use an integer from 1 to 4094 (802.1Q VLAN id)', scope }));
  }
  if (vlan !== undefined && master === undefined) {
    problems.check(() => invalid({ field: 'vlan', value: vlan, hint: 'a VLAN sub-interface needs its parent: set master (e.g. "eth0" for "eth0.20")', scope, problem: 'needs master' }));
  }
  problems.throwIfAny();
  if (vlan === undefined) return master;
  // `master: 'eth0.20', vlan: 20` would be `eth0.20.20`, an interface no node has. A master that
  // already names a VLAN sub-interface is taken as the user's whole answer; stacked VLANs (QinQ)
  // are given as the full sub-interface name, without vlan.
  const suffix = /^(.+)\.([0-9]+)$/.exec(master!);
  if (suffix) {
    invalid({ field: 'master', value: master, hint: `with vlan ${vlan} the master would be "${master}.${vlan}"; give the parent with the VLAN id (master "${suffix[1]}", vlan ${vlan}), or "${master}" without vlan (for stacked VLANs, the full sub-interface name without vlan)`, scope, problem: 'already names a VLAN sub-interface' });
  }
  const name = `${master}.${vlan}`;
  if (Buffer.byteLength(name, 'utf8') > 15) {
    invalid({ field: 'vlan', value: name, hint: 'Linux interface names have at most 15 characters; create the VLAN sub-interface under a shorter name on the nodes and give that as master, without vlan', scope, problem: 'makes an interface name that is too long' });
  }
  return name;
}

function checkMtu(subnet: Subnet, mtu: number | undefined, scope?: IConstruct): number | undefined {
  if (mtu === undefined) return undefined;
  const min = subnet.family === 6 ? 1280 : 68;
  if (!Number.isInteger(mtu) || mtu < min || mtu > 65535) {
    invalid({ field: 'mtu', value: mtu, hint: `use an integer from ${min} to 65535${subnet.family === 6 ? ' (IPv6 needs at least 1280)' : ''}`, scope });
  }
  return mtu;
}

/**
 * The routes, checked all at once. The plugin adds each route to net1 with the same metric, so the
 * kernel refuses a second route to one destination, whatever its next hop, and a route to the
 * subnet itself, which the connected route already covers, with "file exists" (IPv4): the
 * attachment then fails for every pod.
 */
function resolveRoutes(subnet: Subnet, defaultGateway: string | undefined, routes: IotNetworkRoute[] | undefined, scope?: IConstruct): CniRoute[] {
  if (routes === undefined) return [];
  if (!Array.isArray(routes)) invalid({ field: 'routes', value: routes, hint: 'give a list of { destination, gateway? }', scope });
  const problems = new Problems();
  const destinations = new Map<string, number>();
  const out = routes.map((route, i) => problems.check(() => {
    const field = `routes[${i}]`;
    if (!isPlainObject(route)) invalid({ field, value: route, hint: 'give { destination, gateway? }, e.g. { destination: "192.168.30.0/24" }', scope });
    checkKnownProps(field, route, ROUTE, scope);
    const dst = Subnet.parse(`${field}.destination`, route.destination, scope);
    if (dst.family !== subnet.family) {
      invalid({ field: `${field}.destination`, value: route.destination, hint: `net1 is on IPv${subnet.family} subnet ${subnet.cidr}; give an IPv${subnet.family} destination`, scope });
    }
    if (dst.cidr === subnet.cidr) {
      invalid({ field: `${field}.destination`, value: route.destination, hint: `net1 reaches ${subnet.cidr} on-link already (the kernel's connected route), and the kernel refuses a second route to it with "file exists"; leave this route out`, scope, problem: 'is the network\'s own subnet' });
    }
    const earlier = destinations.get(dst.cidr);
    if (earlier !== undefined) {
      invalid({ field: `${field}.destination`, value: route.destination, hint: `routes[${earlier}] already routes ${dst.cidr}; the kernel refuses a second route to one destination with "file exists" and the attachment fails for every pod: give each destination once`, scope, problem: 'is routed twice' });
    }
    destinations.set(dst.cidr, i);
    // The next hop must be on net1's own subnet, or the kernel refuses the route ("network unreachable").
    const gw = route.gateway !== undefined ? subnet.hostAddress(`${field}.gateway`, route.gateway, scope).text : defaultGateway;
    return gw === undefined ? { dst: dst.cidr } : { dst: dst.cidr, gw };
  }));
  problems.throwIfAny();
  return out as CniRoute[];
}

