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
  /** Chain `tuning` with `capabilities.mac`. */
  readonly macCapability: boolean;
  /** Chain `sbr` last. */
  readonly sourceBasedRouting: boolean;
}

/**
 * The CNI config object. A single-plugin config when macvlan alone is needed; the conflist form
 * (`plugins`) when `tuning` or `sbr` are chained, because only a conflist passes `prevResult` along.
 * @internal
 */
export function buildCniConfig(model: MacvlanNetworkModel): Record<string, unknown> {
  const macvlan = macvlanPlugin(model);
  const chained: Array<Record<string, unknown>> = [];
  if (model.macCapability) {
    // The NPWG multi-net spec hands the annotation's `mac` only to a plugin that declares the
    // capability; multus examples/macvlan-pod.yml chains tuning for it.
    chained.push({ type: 'tuning', capabilities: { mac: true } });
  }
  if (model.sourceBasedRouting) {
    // Last, so that it sees the final addresses and routes of net1 in prevResult.
    chained.push({ type: 'sbr' });
  }
  if (chained.length === 0) {
    return { cniVersion: model.cniVersion, name: model.name, ...macvlan };
  }
  return { cniVersion: model.cniVersion, name: model.name, plugins: [macvlan, ...chained] };
}

function macvlanPlugin(model: MacvlanNetworkModel): Record<string, unknown> {
  const plugin: Record<string, unknown> = { type: 'macvlan' };
  if (model.master !== undefined) plugin.master = model.master;
  plugin.mode = model.mode;
  if (model.mtu !== undefined) plugin.mtu = model.mtu;
  if (model.ipsCapability) {
    // Without this declaration a runtime that follows the CNI spec drops (or refuses) the
    // annotation's `ips`, and static IPAM fails with "IPAM plugin returned missing IP config".
    plugin.capabilities = { ips: true };
  }
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
