import { existsSync } from 'node:fs';
import { exec, execOk } from './exec';
import { DEBIAN_PLUGIN_DIR, runnerUnavailableReason } from './build-runner';

/**
 * The lab's network: a "node" namespace whose uplinks are veth pairs into a "lan" namespace (the
 * router: its end of each pair holds the gateway address and answers like a device on the LAN),
 * and "pod" namespaces that Multus attaches (eth0 to the node through the cluster network, net1 and
 * further to the node's uplinks).
 *
 * This kernel has no `vlan` link type, so a VLAN sub-interface (`eth0.20`) is stood in for by a
 * veth of that name: macvlan only needs a master of that name on the node.
 *
 * Namespace names carry this process's pid and a counter, so parallel runs (and jest workers)
 * never collide; `destroy()` removes every namespace the lab made.
 */

/** One uplink of the node: an interface in the node namespace, wired to the LAN. */
export interface Uplink {
  /** Its name in the node namespace, e.g. `eth0` or `eth0.20` (at most 15 characters). */
  readonly name: string;
  /** The node's own address on it, with prefix (multus #997: the master should carry an IP). */
  readonly nodeAddress: string;
  /** The LAN end's address (the gateway), with prefix. */
  readonly gatewayAddress: string;
  /** Route the node's default route out of this uplink. @default false */
  readonly defaultRoute?: boolean;
}

/** Bound on every `ip` invocation. */
const IP_TIMEOUT_MS = 3000;
const PREFIX = 'cdk8s-multus-lab';
let counter = 0;

/** Runs `ip` with arguments, throwing with its stderr when it fails. */
export function ip(...args: string[]): Promise<string> {
  return execOk('ip', args, { timeoutMs: IP_TIMEOUT_MS });
}

/**
 * Why the lab cannot run here, or undefined when it can: root, `ip`, Debian's reference plugins
 * (what older nodes run) and Go 1.26 (which builds Multus and the current reference plugins).
 */
export function labUnavailableReason(pluginDir = DEBIAN_PLUGIN_DIR): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return 'not root (run `sudo npx jest test/lab`)';
  const missing = ['macvlan', 'static', 'tuning', 'sbr', 'dhcp', 'ptp', 'host-local'].filter((p) => !existsSync(`${pluginDir}/${p}`));
  if (missing.length > 0) return `CNI plugins ${missing.join(', ')} not in ${pluginDir} (apt-get install containernetworking-plugins)`;
  const hasIp = (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(`${dir}/ip`));
  if (!hasIp) return '`ip` not found (apt-get install iproute2)';
  return runnerUnavailableReason();
}

export class Lab {
  /** Creates the node and LAN namespaces with the given uplinks. */
  public static async create(uplinks: readonly Uplink[]): Promise<Lab> {
    await removeStaleNamespaces();
    const lab = new Lab(`${PREFIX}-${process.pid}-${++counter}`);
    try {
      await lab.addNamespace(lab.node);
      await lab.addNamespace(lab.lan);
      await ip('-n', lab.node, 'link', 'set', 'lo', 'up');
      let i = 0;
      for (const uplink of uplinks) {
        const lanEnd = `lan${i++}`;
        lab.lanInterfaces.set(uplink.name, lanEnd);
        await ip('-n', lab.node, 'link', 'add', uplink.name, 'type', 'veth', 'peer', 'name', lanEnd, 'netns', lab.lan);
        await ip('-n', lab.node, 'addr', 'add', uplink.nodeAddress, 'dev', uplink.name);
        await ip('-n', lab.lan, 'addr', 'add', uplink.gatewayAddress, 'dev', lanEnd);
        await ip('-n', lab.node, 'link', 'set', uplink.name, 'up');
        await ip('-n', lab.lan, 'link', 'set', lanEnd, 'up');
        if (uplink.defaultRoute) {
          await ip('-n', lab.node, 'route', 'add', 'default', 'via', uplink.gatewayAddress.split('/')[0], 'dev', uplink.name);
        }
      }
      return lab;
    } catch (e) {
      await lab.destroy();
      throw e;
    }
  }

  /** The node namespace: the plugins run here. */
  public readonly node: string;
  /** The LAN namespace: the other end of the node's uplinks. */
  public readonly lan: string;
  private readonly namespaces: string[] = [];
  private readonly lanInterfaces = new Map<string, string>();
  private pods = 0;
  private hosts = 0;

  private constructor(private readonly prefix: string) {
    this.node = `${prefix}-node`;
    this.lan = `${prefix}-lan`;
  }

  /** A new, empty pod namespace (loopback up, as a sandbox's). */
  public async pod(): Promise<string> {
    const name = `${this.prefix}-pod${++this.pods}`;
    await this.addNamespace(name);
    await ip('-n', name, 'link', 'set', 'lo', 'up');
    return name;
  }

  /**
   * A host on the LAN (an IoT device): a namespace of its own whose `eth0` is a macvlan on the LAN
   * end of `uplink`, so it shares the segment with the pods' net1 (unicast and multicast), with
   * `address` (with prefix) and the given routes.
   */
  public async lanHost(uplink: string, address: string, hostRoutes: ReadonlyArray<{ dst: string; via: string }> = []): Promise<string> {
    const name = `${this.prefix}-host${++this.hosts}`;
    await this.addNamespace(name);
    await ip('-n', name, 'link', 'set', 'lo', 'up');
    const link = `host${this.hosts}`;
    await ip('-n', this.lan, 'link', 'add', link, 'link', this.lanInterface(uplink), 'type', 'macvlan', 'mode', 'bridge');
    await ip('-n', this.lan, 'link', 'set', link, 'netns', name);
    await ip('-n', name, 'link', 'set', link, 'name', 'eth0');
    await ip('-n', name, 'addr', 'add', address, 'dev', 'eth0');
    await ip('-n', name, 'link', 'set', 'eth0', 'up');
    for (const r of hostRoutes) await ip('-n', name, 'route', 'add', r.dst, 'via', r.via, 'dev', 'eth0');
    return name;
  }

  /** The LAN namespace's end of the node's uplink `uplink`. */
  public lanInterface(uplink: string): string {
    const found = this.lanInterfaces.get(uplink);
    if (!found) throw new Error(`no uplink ${uplink} in this lab`);
    return found;
  }

  /** Removes every namespace of this lab (the veths and macvlans in them go with them). */
  public async destroy(): Promise<void> {
    const errors: string[] = [];
    for (const ns of [...this.namespaces].reverse()) {
      const result = await exec('ip', ['netns', 'del', ns], { timeoutMs: IP_TIMEOUT_MS });
      if (result.code !== 0 && !/No such file/.test(result.stderr)) errors.push(`${ns}: ${result.stderr.trim()}`);
    }
    this.namespaces.length = 0;
    if (errors.length > 0) throw new Error(`could not remove lab namespaces: ${errors.join('; ')}`);
  }

  private async addNamespace(name: string): Promise<void> {
    await ip('netns', 'add', name);
    this.namespaces.push(name);
  }
}

/** Removes namespaces left by lab runs whose process is gone (a killed jest worker never reaches `afterAll`). */
async function removeStaleNamespaces(): Promise<void> {
  const listed = await exec('ip', ['netns', 'list'], { timeoutMs: IP_TIMEOUT_MS });
  for (const line of listed.stdout.split('\n')) {
    const match = new RegExp(`^(${PREFIX}-(\\d+)-\\S+)`).exec(line);
    if (!match || isAlive(Number(match[2]))) continue;
    await exec('ip', ['netns', 'del', match[1]], { timeoutMs: IP_TIMEOUT_MS });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What `ip -j addr show dev <ifName>` says about an interface in a namespace. */
export interface LinkState {
  readonly mac: string;
  /** IPv4 addresses with prefix, e.g. `192.0.2.10/24`. */
  readonly ipv4: string[];
  readonly up: boolean;
  readonly mtu: number;
  /** For a macvlan: the ifindex of its master (in the namespace it was created in, the node's). */
  readonly masterIndex?: number;
}

/** The interface `ifName` in namespace `ns`, or undefined when there is none. */
export async function linkState(ns: string, ifName: string): Promise<LinkState | undefined> {
  const result = await exec('ip', ['-n', ns, '-j', 'addr', 'show', 'dev', ifName], { timeoutMs: IP_TIMEOUT_MS });
  if (result.code !== 0) {
    if (/does not exist/.test(result.stderr)) return undefined;
    throw new Error(`ip -n ${ns} addr show dev ${ifName}: ${result.stderr.trim()}`);
  }
  const [link] = JSON.parse(result.stdout) as Array<{
    address: string;
    flags: string[];
    mtu: number;
    link_index?: number;
    addr_info: Array<{ family: string; local: string; prefixlen: number }>;
  }>;
  return {
    mac: link.address,
    ipv4: link.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
    up: link.flags.includes('UP'),
    mtu: link.mtu,
    masterIndex: link.link_index,
  };
}

/** The ifindex of interface `ifName` in namespace `ns`. */
export async function ifIndex(ns: string, ifName: string): Promise<number> {
  const [link] = JSON.parse(await ip('-n', ns, '-j', 'link', 'show', 'dev', ifName)) as Array<{ ifindex: number }>;
  return link.ifindex;
}

/** The interface names in namespace `ns`. */
export async function linkNames(ns: string): Promise<string[]> {
  const links = JSON.parse(await ip('-n', ns, '-j', 'link', 'show')) as Array<{ ifname: string }>;
  return links.map((l) => l.ifname);
}

/** The IPv4 routes in namespace `ns`, as `ip -j route` objects (`dst`, `gateway`, `dev`, ...). */
export async function routes(ns: string): Promise<Array<{ dst: string; gateway?: string; dev: string; table?: string }>> {
  return JSON.parse(await ip('-n', ns, '-j', 'route', 'show', 'table', 'all'));
}
