// The CNI network configuration of an IotNetwork as a plain, validated model, and the JSON object
// that `spec.config` serializes. Pure: unit-testable without cdk8s. Keys are written in a fixed
// order (object literals, never spread from user input), so the same model gives the same bytes.

/** A route of the model: destination CIDR and optional next hop, both canonical. @internal */
export interface CniRoute {
  readonly dst: string;
  readonly gw?: string;
}

/** The `ipam` section. @internal */
export type CniIpam =
  | { readonly type: 'static'; readonly routes: CniRoute[] }
  | { readonly type: 'host-local'; readonly subnet: string; readonly rangeStart: string; readonly rangeEnd: string; readonly gateway?: string; readonly routes: CniRoute[] }
  | { readonly type: 'dhcp' }
  | { readonly type: 'whereabouts'; readonly range: string; readonly exclude: string[]; readonly gateway?: string; readonly routes: CniRoute[] };

/** Everything `spec.config` is built from, validated. @internal */
export interface MacvlanNetworkModel {
  readonly cniVersion: string;
  readonly name: string;
  /** Host interface; undefined lets macvlan pick the node's default-route interface. */
  readonly master?: string;
  readonly mode: string;
  readonly mtu?: number;
  readonly ipam: CniIpam;
  /** Declare `capabilities.ips` on macvlan (static IPAM takes addresses from the annotation). */
  readonly ipsCapability: boolean;
  /** Declare `capabilities.mac` on macvlan: the link is created with the pod's MAC, before IPAM runs. */
  readonly macCapability: boolean;
  /** Chain `sbr` last. */
  readonly sourceBasedRouting: boolean;
}

/**
 * The CNI config object. A single-plugin config when macvlan alone is needed; the conflist form
 * (`plugins`) when `sbr` is chained, because only a conflist passes `prevResult` along.
 * @internal
 */
export function buildCniConfig(model: MacvlanNetworkModel): Record<string, unknown> {
  const macvlan = macvlanPlugin(model);
  if (!model.sourceBasedRouting) {
    return { cniVersion: model.cniVersion, name: model.name, ...macvlan };
  }
  // sbr last, so that it sees the final addresses and routes of net1 in prevResult.
  return { cniVersion: model.cniVersion, name: model.name, plugins: [macvlan, { type: 'sbr' }] };
}

function macvlanPlugin(model: MacvlanNetworkModel): Record<string, unknown> {
  const plugin: Record<string, unknown> = { type: 'macvlan' };
  if (model.master !== undefined) plugin.master = model.master;
  plugin.mode = model.mode;
  if (model.mtu !== undefined) plugin.mtu = model.mtu;
  const capabilities: Record<string, boolean> = {};
  if (model.ipsCapability) {
    // Without this declaration a runtime that follows the CNI spec drops (or refuses) the
    // annotation's `ips`, and static IPAM fails with "IPAM plugin returned missing IP config".
    capabilities.ips = true;
  }
  if (model.macCapability) {
    // The NPWG multi-net spec hands the annotation's `mac` only to a plugin that declares the
    // capability. It is declared here, on the plugin that creates the link, and not on a `tuning`
    // plugin chained after it (multus examples/macvlan-pod.yml): macvlan (reference plugins
    // >= 1.1.0) creates net1 with `runtimeConfig.mac` and only then runs the IPAM plugin, so a
    // DHCP request already carries the pinned MAC and a router reservation keyed on it matches.
    // tuning would rewrite the MAC after the lease was requested with macvlan's random one.
    capabilities.mac = true;
  }
  if (Object.keys(capabilities).length > 0) plugin.capabilities = capabilities;
  plugin.ipam = ipamSection(model.ipam);
  return plugin;
}

function ipamSection(ipam: CniIpam): Record<string, unknown> {
  switch (ipam.type) {
    case 'static':
      return { type: 'static', ...routes(ipam.routes) };
    case 'host-local': {
      const range: Record<string, unknown> = { subnet: ipam.subnet, rangeStart: ipam.rangeStart, rangeEnd: ipam.rangeEnd };
      if (ipam.gateway !== undefined) range.gateway = ipam.gateway;
      return { type: 'host-local', ranges: [[range]], ...routes(ipam.routes) };
    }
    case 'dhcp':
      return { type: 'dhcp' };
    case 'whereabouts': {
      const section: Record<string, unknown> = { type: 'whereabouts', range: ipam.range };
      if (ipam.exclude.length > 0) section.exclude = ipam.exclude;
      if (ipam.gateway !== undefined) section.gateway = ipam.gateway;
      return { ...section, ...routes(ipam.routes) };
    }
  }
}

function routes(list: CniRoute[]): Record<string, unknown> {
  if (list.length === 0) return {};
  return { routes: list.map((r) => (r.gw === undefined ? { dst: r.dst } : { dst: r.dst, gw: r.gw })) };
}
