import { exec } from './exec';

/**
 * A small container runtime for CNI network configurations, just enough to run a
 * NetworkAttachmentDefinition's `spec.config` through the real reference plugins the way Multus
 * (through libcni) runs it for one network selection element of a pod's
 * `k8s.v1.cni.cncf.io/networks` annotation.
 *
 * It follows the CNI spec (conflist execution, `prevResult`, capability arguments) and the NPWG
 * multi-net spec (v1.3): `ips` and `mac` from the annotation reach a plugin only as `runtimeConfig`
 * of a plugin that declares the capability, and a request that no plugin of the network declares
 * fails the attachment. Multus 4.x also smuggles them through the deprecated `CNI_ARGS` `IP=`/`MAC=`
 * path, which is why configs without capabilities often still work on a cluster; this runtime
 * deliberately does not, so that the library's output is proven against the spec, not against a
 * Multus quirk.
 */

/** The conflist form of a network configuration (`{cniVersion, name, plugins: [...]}`). */
export interface ConfList {
  readonly cniVersion: string;
  readonly name: string;
  readonly plugins: readonly PluginConf[];
}

/** One plugin's configuration as written in the network configuration. */
export interface PluginConf {
  readonly type: string;
  readonly capabilities?: Readonly<Record<string, boolean>>;
  readonly [key: string]: unknown;
}

/** The capability arguments of one attachment request (NPWG: from the network selection element). */
export interface CapabilityArgs {
  /** `ips` of the selection element: addresses with prefix, e.g. `192.0.2.10/24`. */
  readonly ips?: readonly string[];
  /** `mac` of the selection element. */
  readonly mac?: string;
}

/** One pod's request to be attached to one network. */
export interface AttachmentRequest extends CapabilityArgs {
  /** The container (sandbox) id: with the network name and interface, the key of the attachment. */
  readonly containerId: string;
  /** The pod's network namespace, by name (`ip netns`): `CNI_NETNS=/var/run/netns/<name>`. */
  readonly netns: string;
  /** The interface to create in the pod. @default 'net1' (what Multus names the first extra network) */
  readonly ifName?: string;
  /** The pod's name and namespace, passed as `K8S_POD_*` in `CNI_ARGS` as Multus does. */
  readonly podName?: string;
  readonly podNamespace?: string;
}

/** A CNI result (the fields the lab looks at). */
export interface CniResult {
  readonly cniVersion: string;
  readonly interfaces?: ReadonlyArray<{ readonly name: string; readonly mac?: string; readonly sandbox?: string }>;
  readonly ips?: ReadonlyArray<{ readonly address: string; readonly gateway?: string; readonly interface?: number }>;
  readonly routes?: ReadonlyArray<{ readonly dst: string; readonly gw?: string }>;
  readonly [key: string]: unknown;
}

/** A plugin's (or the runtime's own) refusal of an attachment. */
export class CniError extends Error {
  constructor(
    /** The plugin that failed, or `runtime` when the runtime refused before executing any. */
    public readonly plugin: string,
    /** The CNI error code (the spec's well-known codes, or 999 for a plugin's own errors). */
    public readonly code: number,
    /** The plugin's `msg`. */
    public readonly msg: string,
    public readonly details?: string,
  ) {
    super(`${plugin}: ${msg}${details ? ` (${details})` : ''} [code ${code}]`);
    this.name = 'CniError';
  }
}

const CAPABILITIES: ReadonlyArray<keyof CapabilityArgs> = ['ips', 'mac'];

/**
 * The conflist form of a network configuration: a conflist is returned as it is, a single plugin
 * configuration becomes a one-plugin list (libcni `ConfListFromConf`), keeping its `cniVersion` and
 * `name`.
 */
export function toConfList(config: Record<string, unknown>): ConfList {
  const name = config.name;
  const cniVersion = config.cniVersion;
  if (typeof name !== 'string' || name === '') throw new CniError('runtime', 1, 'network configuration has no name');
  if (typeof cniVersion !== 'string') throw new CniError('runtime', 1, 'network configuration has no cniVersion');
  if (Array.isArray(config.plugins)) {
    if (config.plugins.length === 0) throw new CniError('runtime', 1, `network ${name} has an empty plugins list`);
    for (const plugin of config.plugins) {
      if (typeof plugin?.type !== 'string') throw new CniError('runtime', 1, `a plugin of network ${name} has no type`);
    }
    return { cniVersion, name, plugins: config.plugins as PluginConf[] };
  }
  if (typeof config.type !== 'string') throw new CniError('runtime', 1, `network ${name} has neither type nor plugins`);
  return { cniVersion, name, plugins: [config as PluginConf] };
}

/**
 * The capability arguments of a request that no plugin of the network declares. NPWG multi-net
 * spec: such a request must fail the attachment (libcni alone silently drops it).
 */
export function undeclaredCapabilities(list: ConfList, args: CapabilityArgs): string[] {
  return CAPABILITIES.filter((cap) => args[cap] !== undefined).filter(
    (cap) => !list.plugins.some((plugin) => plugin.capabilities?.[cap] === true),
  );
}

/**
 * The configuration one plugin of a list receives on stdin (libcni `buildOneConfig` and
 * `injectRuntimeConfig`): the list's `name` and `cniVersion` injected, `prevResult` when there is
 * one, and `runtimeConfig` holding only the capability arguments this plugin declares (replacing a
 * written `runtimeConfig`, as libcni does).
 */
export function pluginStdin(list: ConfList, plugin: PluginConf, args: CapabilityArgs, prevResult?: CniResult): Record<string, unknown> {
  const conf: Record<string, unknown> = { ...plugin, name: list.name, cniVersion: list.cniVersion };
  if (prevResult !== undefined) conf.prevResult = prevResult;
  const runtimeConfig: Record<string, unknown> = {};
  for (const cap of CAPABILITIES) {
    if (plugin.capabilities?.[cap] === true && args[cap] !== undefined) runtimeConfig[cap] = args[cap];
  }
  if (Object.keys(runtimeConfig).length > 0) conf.runtimeConfig = runtimeConfig;
  return conf;
}

/** Whether `version` is at least `min` (both `major.minor.patch`). */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

export interface CniRuntimeOptions {
  /**
   * The namespace (by name) the plugins run in: the node's. macvlan looks its master (or, with no
   * master, the default-route interface) up in the namespace it runs in.
   */
  readonly nodeNetns: string;
  /** Where the plugin binaries are (`CNI_PATH`). @default '/usr/lib/cni' (Debian's containernetworking-plugins) */
  readonly pluginDir?: string;
  /**
   * Refuse a request for `ips`/`mac` that no plugin declares, before executing any plugin (NPWG).
   * `false` behaves like bare libcni, which drops such arguments silently and lets the plugins fail.
   * @default true
   */
  readonly enforceCapabilities?: boolean;
  /** Bound on each plugin execution. @default 5000 */
  readonly pluginTimeoutMs?: number;
}

/**
 * Executes network configurations through the plugin binaries: ADD runs the plugins in order, each
 * with the previous one's result as `prevResult`; DEL runs them in reverse order.
 */
export class CniRuntime {
  private readonly pluginDir: string;
  private readonly enforceCapabilities: boolean;
  private readonly timeoutMs: number;
  /** libcni's result cache (`/var/lib/cni/results`): DEL of CNI >= 0.4.0 gets the ADD result as prevResult. */
  private readonly cache = new Map<string, CniResult>();

  constructor(private readonly options: CniRuntimeOptions) {
    this.pluginDir = options.pluginDir ?? '/usr/lib/cni';
    this.enforceCapabilities = options.enforceCapabilities ?? true;
    this.timeoutMs = options.pluginTimeoutMs ?? 5000;
  }

  /**
   * Attaches the pod to the network. When a plugin fails, the attachment is torn down again with
   * DEL (as the container runtime does when sandbox network setup fails: a failed macvlan ADD can
   * leave its link behind) and the plugin's error is thrown.
   */
  public async add(config: Record<string, unknown>, request: AttachmentRequest): Promise<CniResult> {
    const list = toConfList(config);
    if (this.enforceCapabilities) {
      const missing = undeclaredCapabilities(list, request);
      if (missing.length > 0) {
        throw new CniError(
          'runtime',
          1,
          `network ${list.name} was asked for ${missing.map((c) => `"${c}"`).join(', ')} but no plugin declares the capability`,
          'NPWG multi-net spec: declare "capabilities" on a plugin of the network',
        );
      }
    }
    let result: CniResult | undefined;
    try {
      for (const plugin of list.plugins) {
        result = await this.invoke('ADD', plugin.type, pluginStdin(list, plugin, request, result), request);
      }
    } catch (e) {
      await this.del(config, request).catch(() => undefined);
      throw e;
    }
    this.cache.set(this.key(list, request), result!);
    return result!;
  }

  /** Detaches the pod from the network: every plugin's DEL, last plugin first. */
  public async del(config: Record<string, unknown>, request: AttachmentRequest): Promise<void> {
    const list = toConfList(config);
    const key = this.key(list, request);
    const cached = versionAtLeast(list.cniVersion, '0.4.0') ? this.cache.get(key) : undefined;
    for (const plugin of [...list.plugins].reverse()) {
      await this.invoke('DEL', plugin.type, pluginStdin(list, plugin, request, cached), request);
    }
    this.cache.delete(key);
  }

  private key(list: ConfList, request: AttachmentRequest): string {
    return `${list.name}-${request.containerId}-${request.ifName ?? 'net1'}`;
  }

  private async invoke(command: 'ADD' | 'DEL', type: string, stdin: Record<string, unknown>, request: AttachmentRequest): Promise<CniResult> {
    if (!/^[A-Za-z0-9_.-]+$/.test(type)) throw new CniError('runtime', 1, `plugin type ${JSON.stringify(type)} is not a file name`);
    const podNamespace = request.podNamespace ?? 'default';
    const podName = request.podName ?? request.netns;
    const env = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: command,
      CNI_CONTAINERID: request.containerId,
      CNI_NETNS: `/var/run/netns/${request.netns}`,
      CNI_IFNAME: request.ifName ?? 'net1',
      CNI_PATH: this.pluginDir,
      // What Multus passes (without the deprecated IP=/MAC=): the static plugin refuses unknown
      // keys unless IgnoreUnknown is set.
      CNI_ARGS: `IgnoreUnknown=true;K8S_POD_NAMESPACE=${podNamespace};K8S_POD_NAME=${podName};K8S_POD_INFRA_CONTAINER_ID=${request.containerId}`,
    };
    const result = await exec('ip', ['netns', 'exec', this.options.nodeNetns, `${this.pluginDir}/${type}`], {
      input: JSON.stringify(stdin),
      env,
      timeoutMs: this.timeoutMs,
    });
    if (result.code !== 0) {
      if (result.signal) throw new CniError(type, 1, `${command} was killed after ${this.timeoutMs} ms`);
      let error: { code?: number; msg?: string; details?: string };
      try {
        error = JSON.parse(result.stdout);
      } catch {
        error = { msg: result.stderr.trim() || result.stdout.trim() || `exited ${result.code}` };
      }
      throw new CniError(type, error.code ?? 999, error.msg ?? '(no message)', error.details);
    }
    if (command === 'DEL' || result.stdout.trim() === '') return { cniVersion: String(stdin.cniVersion) };
    return JSON.parse(result.stdout) as CniResult;
  }
}
