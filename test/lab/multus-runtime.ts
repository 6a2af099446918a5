import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labBuild } from './build-runner';
import { exec } from './exec';

/**
 * The lab's node: a pod's CNI ADD and DEL handed to the real Multus (multus-cni `pkg/multus`
 * CmdAdd/CmdDel, the thin plugin's code, built into `runner/`), exactly as the container runtime
 * hands them to the `multus` binary. Multus reads the pod's networks annotation, fetches each
 * NetworkAttachmentDefinition, decides what reaches the plugins as capability arguments
 * (`runtimeConfig`) and what as `CNI_ARGS`, names the interfaces, runs the cluster network and the
 * delegates through libcni, applies `default-route` and writes the pod's network-status annotation.
 *
 * The API server is client-go's fake clientset (the pod) and the NAD client's fake (the NADs),
 * holding what the test gives. The cluster network (`eth0`) is the reference `ptp` plugin with
 * host-local addresses of 203.0.113.0/25: the node routes for its pods, as a k3s node does.
 */

/** A NetworkAttachmentDefinition as the API server holds it. */
export interface LabNad {
  readonly name: string;
  readonly namespace: string;
  /** `spec.config`: the CNI config as JSON text. */
  readonly config: string;
}

/** A pod: its network namespace (the sandbox) and what the API server says of it. */
export interface LabPod {
  /** The pod's network namespace, by name (`ip netns`): `CNI_NETNS=/var/run/netns/<name>`. */
  readonly netns: string;
  /** The sandbox (pause container) id: `CNI_CONTAINERID`, and the key of Multus's cache. */
  readonly containerId: string;
  /** @default the namespace's name */
  readonly name?: string;
  /** @default 'home' (not a system namespace, whose pods Multus gives the cluster network only) */
  readonly namespace?: string;
  /** The pod's annotations (`k8s.v1.cni.cncf.io/networks`). */
  readonly annotations?: Record<string, string>;
}

/** One plugin executed by libcni under Multus, with what it was given. */
export interface Invocation {
  readonly containerId: string;
  readonly plugin: string;
  readonly command: string;
  readonly ifName: string;
  /** `CNI_ARGS`, as `key=value` pairs in order. */
  readonly args: Array<[string, string]>;
  readonly stdin: Record<string, any>;
}

/** An element of the pod's network-status annotation, as Multus writes it. */
export interface NetworkStatus {
  readonly name: string;
  readonly interface?: string;
  readonly ips?: string[];
  readonly mac?: string;
  readonly default?: boolean;
  readonly gateway?: string[];
}

/** What Multus answered to an ADD. */
export interface MultusAdd {
  /** Multus's CNI result (the cluster network's, for `eth0`). */
  readonly result: Record<string, any>;
  /** The pod's `k8s.v1.cni.cncf.io/network-status` as Multus wrote it. */
  readonly networkStatus: NetworkStatus[];
  /** The Kubernetes events Multus recorded, e.g. `Normal AddedInterface Add net1 [192.0.2.10/24] from kube-system/iot`. */
  readonly events: string[];
}

/** Multus's refusal or a delegate's failure, with Multus's error text. */
export class MultusError extends Error {
  constructor(
    /** Exactly what Multus returned (what kubelet shows in the pod's events). */
    public readonly multusMessage: string,
    /** The last plugin executed before the failure, or `multus` when none ran after the cluster network. */
    public readonly lastPlugin: string,
  ) {
    super(multusMessage);
    this.name = 'MultusError';
  }
}

export interface MultusRuntimeOptions {
  /** The node's namespace (by name): the plugins run there and find their masters there. */
  readonly nodeNetns: string;
  /**
   * Where the plugin binaries are (`binDir` and `CNI_PATH`).
   * @default the reference plugins 1.10 the lab builds
   */
  readonly pluginDir?: string;
  /** Multus's own `cniVersion` (00-multus.conf). @default '1.0.0' */
  readonly cniVersion?: string;
  /** Bound on one ADD or DEL of a pod (all its networks). @default 20000 */
  readonly timeoutMs?: number;
}

interface RunnerReply {
  readonly result?: Record<string, any>;
  readonly error?: string;
  readonly invocations: Array<{ plugin: string; command: string; ifName: string; args: string; stdin: Record<string, any> }>;
  readonly podAnnotations?: Record<string, string>;
  readonly events: string[];
}

/** The cluster network's subnet (`eth0` of every pod, through the node). */
export const CLUSTER_SUBNET = '203.0.113.0/25';
/** The node's address on every pod's `ptp` link: each pod's default gateway. */
export const CLUSTER_GATEWAY = '203.0.113.1';

const NETWORK_STATUS = 'k8s.v1.cni.cncf.io/network-status';

/** Runs pods' networks through the real Multus. */
export class MultusRuntime {
  private readonly timeoutMs: number;
  /** Multus's cniDir (`/var/lib/cni/multus` on a node): its delegate cache and libcni's results. */
  private readonly cacheDir: string;
  /** host-local's data directory for the cluster network's addresses. */
  private readonly clusterIpamDir: string;
  private readonly recorded: Invocation[] = [];

  constructor(private readonly options: MultusRuntimeOptions) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.cacheDir = mkdtempSync(join(tmpdir(), 'cdk8s-multus-lab-cache-'));
    this.clusterIpamDir = mkdtempSync(join(tmpdir(), 'cdk8s-multus-lab-ipam-'));
  }

  /**
   * Sandbox creation: ADD of the pod. When Multus fails, the sandbox is torn down again with DEL (as
   * the container runtime does) and Multus's error is thrown.
   */
  public async add(pod: LabPod, nads: readonly LabNad[] = []): Promise<MultusAdd> {
    const reply = await this.run('ADD', pod, nads);
    if (reply.error !== undefined) {
      await this.run('DEL', pod, nads).catch(() => undefined);
      const last = reply.invocations.filter((i) => i.command === 'ADD').pop();
      throw new MultusError(reply.error, last?.plugin ?? 'multus');
    }
    const status = reply.podAnnotations?.[NETWORK_STATUS];
    return { result: reply.result ?? {}, networkStatus: status ? JSON.parse(status) : [], events: reply.events };
  }

  /** Sandbox removal: DEL of the pod (every network, last first, from Multus's cache). */
  public async del(pod: LabPod, nads: readonly LabNad[] = []): Promise<void> {
    const reply = await this.run('DEL', pod, nads);
    if (reply.error !== undefined) throw new MultusError(reply.error, reply.invocations.pop()?.plugin ?? 'multus');
  }

  /** What libcni executed under Multus for a sandbox so far, in order. */
  public invocations(containerId: string): Invocation[] {
    return this.recorded.filter((i) => i.containerId === containerId);
  }

  /** The invocations of a sandbox for one interface (e.g. `net1`) and command. */
  public invocationsOf(containerId: string, ifName: string, command: 'ADD' | 'DEL'): Invocation[] {
    return this.invocations(containerId).filter((i) => i.ifName === ifName && i.command === command);
  }

  /**
   * The result libcni cached for a sandbox's network and interface (what DEL is handed), as Multus
   * left it: Multus edits it when it applies `default-route`.
   */
  public cachedResult(containerId: string, network: string, ifName: string): Record<string, any> | undefined {
    const file = join(this.cacheDir, 'results', `${network}-${containerId}-${ifName}`);
    if (!existsSync(file)) return undefined;
    return JSON.parse(readFileSync(file, 'utf8')).result;
  }

  /** Removes Multus's cache and the cluster network's address store. */
  public destroy(): void {
    rmSync(this.cacheDir, { recursive: true, force: true });
    rmSync(this.clusterIpamDir, { recursive: true, force: true });
  }

  private async run(command: 'ADD' | 'DEL', pod: LabPod, nads: readonly LabNad[]): Promise<RunnerReply> {
    const build = await labBuild();
    const pluginDir = this.options.pluginDir ?? build.pluginDir;
    const cniVersion = this.options.cniVersion ?? '1.0.0';
    const input = {
      command,
      pod: { name: pod.name ?? pod.netns, namespace: pod.namespace ?? 'home', annotations: pod.annotations ?? {} },
      nads,
      multusConfig: {
        cniVersion,
        name: 'multus-cni-network',
        type: 'multus',
        logLevel: 'error',
        logToStderr: true,
        delegates: [this.clusterNetwork()],
      },
      containerId: pod.containerId,
      netns: `/var/run/netns/${pod.netns}`,
      ifName: 'eth0',
      cniPath: [pluginDir],
      cacheDir: this.cacheDir,
    };
    const limit = this.timeoutMs;
    const result = await exec('ip', ['netns', 'exec', this.options.nodeNetns, build.runner], {
      input: JSON.stringify(input),
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
      timeoutMs: limit,
    });
    if (result.code !== 0) {
      const how = result.signal ? `was killed after ${limit} ms` : `exited ${result.code}`;
      throw new Error(`the Multus runner ${how}: ${result.stderr.trim()}`);
    }
    const reply = JSON.parse(result.stdout) as RunnerReply;
    for (const i of reply.invocations) {
      const args = i.args === '' ? [] : i.args.split(';').map((pair) => pair.split(/=(.*)/s, 2) as [string, string]);
      this.recorded.push({ containerId: pod.containerId, plugin: i.plugin, command: i.command, ifName: i.ifName, args, stdin: i.stdin });
    }
    return reply;
  }

  /** The cluster network (Multus's first delegate, `eth0`): ptp with host-local addresses. */
  private clusterNetwork(): Record<string, unknown> {
    // 1.0.0: what both plugin releases of the lab run, whatever the NADs under test say.
    return {
      cniVersion: '1.0.0',
      name: 'lab-cluster',
      plugins: [
        {
          type: 'ptp',
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: CLUSTER_SUBNET, rangeStart: '203.0.113.2', rangeEnd: '203.0.113.126', gateway: CLUSTER_GATEWAY }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: this.clusterIpamDir,
          },
        },
      ],
    };
  }
}
