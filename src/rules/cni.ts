import { isMap } from './values';

// A NetworkAttachmentDefinition's `spec.config` as Multus hands it to libcni: a single plugin
// config (`type` at the top) or a conflist (`plugins`). What the rules need from it: the plugins,
// the capabilities they declare, and their IPAM.

/** One plugin of a NAD's config. @internal */
export interface CniPlugin {
  readonly type?: string;
  readonly capabilities: ReadonlySet<string>;
  readonly ipamType?: string;
  /** Static IPAM with fixed `addresses` in the config (then the annotation's `ips` are not needed). */
  readonly staticAddresses: boolean;
}

/** A NAD's config, read. @internal */
export type NadConfig =
  | { readonly kind: 'plugins'; readonly plugins: CniPlugin[] }
  /** No `spec.config`: Multus reads the config from a file of that name on the node. */
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid'; readonly problem: string };

/** Reads `spec.config` of a NAD. Never throws. @internal */
export function readNadConfig(config: unknown): NadConfig {
  if (config === undefined || config === null || config === '') return { kind: 'none' };
  if (typeof config !== 'string') return { kind: 'invalid', problem: 'is not a string (the CRD holds the CNI config as JSON text)' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(config);
  } catch (e) {
    return { kind: 'invalid', problem: `is not valid JSON (${(e as Error).message})` };
  }
  if (!isMap(parsed)) return { kind: 'invalid', problem: 'is not a JSON object' };
  const raw = Array.isArray(parsed.plugins) ? parsed.plugins : parsed.type !== undefined ? [parsed] : undefined;
  if (!raw) return { kind: 'invalid', problem: 'has neither "type" (a plugin config) nor "plugins" (a conflist)' };
  const plugins = raw.filter(isMap).map((p): CniPlugin => {
    const capabilities = new Set(isMap(p.capabilities) ? Object.keys(p.capabilities).filter((k) => p.capabilities[k] === true) : []);
    const ipam = isMap(p.ipam) ? p.ipam : undefined;
    return {
      type: typeof p.type === 'string' ? p.type : undefined,
      capabilities,
      ipamType: typeof ipam?.type === 'string' ? ipam.type : undefined,
      staticAddresses: Array.isArray(ipam?.addresses) && ipam!.addresses.length > 0,
    };
  });
  return { kind: 'plugins', plugins };
}

/** True iff some plugin of the config declares `capability`. @internal */
export function declares(config: NadConfig, capability: string): boolean {
  return config.kind === 'plugins' && config.plugins.some((p) => p.capabilities.has(capability));
}
