import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from './exec';
import { capabilityArgs, cniArgs, SelectionElement } from './multus';
import { runnerBinary } from './build-runner';

/**
 * The lab's container runtime: runs a NetworkAttachmentDefinition's `spec.config` for one pod and
 * one element of its `k8s.v1.cni.cncf.io/networks` annotation, the way Multus runs a delegate.
 *
 * The CNI side is libcni itself (the runner in `runner/main.go`): conflist chaining, `prevResult`,
 * the list's name and version injected into each plugin, `runtimeConfig` holding only the
 * capability arguments a plugin declares, the result cache that hands DEL the ADD result. The
 * Multus side, turning the annotation element into capability arguments and `CNI_ARGS`, is
 * `multus.ts`.
 *
 * By default a request for `ips` or `mac` that no plugin of the network declares fails before any
 * plugin runs, as the NPWG multi-net spec (v1.3) asks of a runtime; `enforceCapabilities: false`
 * behaves like bare libcni, which drops such arguments silently and lets the plugins fail.
 */

/** One pod's request to be attached to one network: the annotation element and the pod. */
export interface AttachmentRequest extends Omit<SelectionElement, 'name' | 'namespace' | 'interface'> {
  /** The pod's sandbox id: with the network name and interface, the key of the attachment. */
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

/** One plugin execution by libcni, with the configuration it got on stdin. */
export interface Invocation {
  readonly containerId: string;
  readonly plugin: string;
  readonly command: 'ADD' | 'DEL';
  readonly stdin: Record<string, any>;
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

export interface CniRuntimeOptions {
  /**
   * The namespace (by name) the plugins run in: the node's. macvlan looks its master (or, with no
   * master, the default-route interface) up in the namespace it runs in.
   */
  readonly nodeNetns: string;
  /** Where the plugin binaries are (`CNI_PATH`). @default '/usr/lib/cni' (Debian's containernetworking-plugins) */
  readonly pluginDir?: string;
  /**
   * Refuse a request for capability arguments that no plugin declares, before executing any plugin
   * (NPWG). `false` behaves like bare libcni.
   * @default true
   */
  readonly enforceCapabilities?: boolean;
  /** Bound on one ADD or DEL (all plugins of the network). @default 15000 */
  readonly timeoutMs?: number;
}

interface RunnerReply {
  readonly result?: CniResult;
  readonly error?: { plugin: string; code: number; msg: string; details?: string };
  readonly invocations: Array<{ plugin: string; command: 'ADD' | 'DEL'; stdin: Record<string, any> }>;
}

/** Executes network configurations through libcni and the plugin binaries. */
export class CniRuntime {
  private readonly pluginDir: string;
  private readonly enforceCapabilities: boolean;
  private readonly timeoutMs: number;
  /** libcni's cache directory (`/var/lib/cni` on a node): results of ADD, handed to DEL. */
  private readonly cacheDir: string;
  private readonly recorded: Invocation[] = [];

  constructor(private readonly options: CniRuntimeOptions) {
    this.pluginDir = options.pluginDir ?? '/usr/lib/cni';
    this.enforceCapabilities = options.enforceCapabilities ?? true;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.cacheDir = mkdtempSync(join(tmpdir(), 'cdk8s-multus-lab-cache-'));
  }

  /**
   * Attaches the pod to the network. When a plugin fails, the attachment is torn down again with
   * DEL (as the container runtime does when sandbox network setup fails: a failed macvlan ADD can
   * leave its link behind) and the plugin's error is thrown.
   */
  public async add(config: Record<string, unknown>, request: AttachmentRequest): Promise<CniResult> {
    const reply = await this.run('ADD', config, request);
    if (reply.error) {
      if (reply.error.plugin !== 'runtime') await this.run('DEL', config, request).catch(() => undefined);
      throw new CniError(reply.error.plugin, reply.error.code, reply.error.msg, reply.error.details);
    }
    return reply.result!;
  }

  /** Detaches the pod from the network: every plugin's DEL, last plugin first (libcni). */
  public async del(config: Record<string, unknown>, request: AttachmentRequest): Promise<void> {
    const reply = await this.run('DEL', config, request);
    if (reply.error) throw new CniError(reply.error.plugin, reply.error.code, reply.error.msg, reply.error.details);
  }

  /** What libcni executed for the attachments of a container id so far, in order. */
  public invocations(containerId: string): Invocation[] {
    return this.recorded.filter((i) => i.containerId === containerId);
  }

  /** Removes libcni's cache directory. */
  public destroy(): void {
    rmSync(this.cacheDir, { recursive: true, force: true });
  }

  private async run(command: 'ADD' | 'DEL', config: Record<string, unknown>, request: AttachmentRequest): Promise<RunnerReply> {
    const runner = await runnerBinary();
    const input = {
      command,
      config,
      containerId: request.containerId,
      netns: `/var/run/netns/${request.netns}`,
      ifName: request.ifName ?? 'net1',
      args: cniArgs({ name: request.podName ?? request.netns, namespace: request.podNamespace ?? 'default', sandboxId: request.containerId }),
      capabilityArgs: capabilityArgs(request),
      cniPath: [this.pluginDir],
      cacheDir: this.cacheDir,
      strictCapabilities: this.enforceCapabilities,
      timeoutMs: this.timeoutMs,
    };
    const result = await exec('ip', ['netns', 'exec', this.options.nodeNetns, runner], {
      input: JSON.stringify(input),
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
      timeoutMs: this.timeoutMs + 2000,
    });
    if (result.code !== 0) {
      const how = result.signal ? `was killed after ${this.timeoutMs + 2000} ms` : `exited ${result.code}`;
      throw new Error(`the libcni runner ${how}: ${result.stderr.trim()}`);
    }
    const reply = JSON.parse(result.stdout) as RunnerReply;
    for (const i of reply.invocations) this.recorded.push({ containerId: request.containerId, ...i });
    return reply;
  }
}
