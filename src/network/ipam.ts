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

/**
 * Where a pod's address on the network comes from (the `ipam` section of the CNI config).
 *
 * @example
 * Ipam.static(); // the pod annotation names the address; the library checks it against the plan
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
