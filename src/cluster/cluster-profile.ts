import { IConstruct } from 'constructs';
import { Problems, invalid } from '../errors';
import { ClusterFacts, DistributionId, PRIMARY_CNIS, PrimaryCniId, clusterFacts, kubernetesVersion } from '../knowledge/clusters';
import { isPlainObject } from '../util/merge';
import { checkKnownProps, propsShape } from '../util/props';
import { CniPaths, cniPathsFor } from './cni-paths';

// The cluster Multus is installed on, as the user names it: its distribution, its primary CNI and
// its Kubernetes version. Everything that follows from them (the CNI directories, where pod network
// namespaces live, what the primary CNI needs, which chart versions support the Kubernetes
// version) is read from src/knowledge/clusters.ts, which the rulebook's `--cluster` reads too.

/** The primary CNI of a cluster: the network every pod gets as eth0, beside which Multus adds net1. */
export class PrimaryCni {
  /** Flannel: k3s's embedded default, and Talos's default. */
  public static readonly FLANNEL = new PrimaryCni('flannel');
  /** Cilium: needs `cni.exclusive: false` in its chart's values beside Multus (`MultusInstall.ciliumValues()`). */
  public static readonly CILIUM = new PrimaryCni('cilium');
  /** Calico. */
  public static readonly CALICO = new PrimaryCni('calico');
  /** Canal (Calico policy over Flannel): RKE2's default. */
  public static readonly CANAL = new PrimaryCni('canal');

  /** The CNI's id: `flannel`, `cilium`, `calico`, `canal`. */
  public readonly name: string;
  /** How messages name it. */
  public readonly label: string;

  private constructor(name: PrimaryCniId) {
    this.name = name;
    this.label = PRIMARY_CNIS[name].label;
  }
}

/** Options of `ClusterProfile.k3s()`, `ClusterProfile.kubeadm()` and `ClusterProfile.rke2()`. */
export interface ClusterProfileOptions {
  /**
   * The cluster's primary CNI.
   * @default - k3s: PrimaryCni.FLANNEL (its embedded flannel); kubeadm: PrimaryCni.CALICO; RKE2: PrimaryCni.CANAL
   */
  readonly primaryCni?: PrimaryCni;

  /**
   * The Kubernetes version the nodes run: `1.31`, `1.30.6`, or k3s's own `v1.30.6+k3s1`. On k3s with
   * its embedded flannel it decides the plugin directory (releases from v1.28.15, v1.29.10,
   * v1.30.6 and v1.31.2 on keep it in `data/cni`, older ones in `data/current/bin`); for every
   * cluster it decides which chart versions support it.
   * @default - unknown: k3s's current directories, and no Kubernetes range is checked
   */
  readonly kubernetesVersion?: string;
}

/** Options of `ClusterProfile.talos()`. */
export interface TalosClusterProfileOptions {
  /**
   * The cluster's primary CNI.
   * @default PrimaryCni.FLANNEL - Talos's default
   */
  readonly primaryCni?: PrimaryCni;

  /**
   * The Kubernetes version the nodes run (`1.34`): it decides which chart versions support it.
   * @default - unknown: no Kubernetes range is checked
   */
  readonly kubernetesVersion?: string;
}

const OPTIONS = propsShape<ClusterProfileOptions>('ClusterProfileOptions', { primaryCni: true, kubernetesVersion: true });
const TALOS_OPTIONS = propsShape<TalosClusterProfileOptions>('TalosClusterProfileOptions', { primaryCni: true, kubernetesVersion: true });

/**
 * The cluster Multus runs on. Give it to `MultusInstall` (prop `cluster`) or to a `FluxTree` (prop
 * `cluster`, for every install and release in the tree), and the CNI directories, the thick
 * daemon's network-namespace mount and the charts' Kubernetes ranges follow from it.
 *
 * @example
 * ClusterProfile.k3s({ primaryCni: PrimaryCni.CILIUM, kubernetesVersion: '1.33.4' });
 * ClusterProfile.talos({ kubernetesVersion: '1.34' });
 */
export class ClusterProfile {
  /** k3s. With its embedded flannel, containerd uses k3s's own directories; with another CNI (`--flannel-backend=none`), the standard ones. */
  public static k3s(options: ClusterProfileOptions = {}): ClusterProfile {
    return ClusterProfile.make('k3s', 'ClusterProfile.k3s()', options, OPTIONS, PrimaryCni.FLANNEL);
  }

  /** Talos: the standard CNI directories, pod network namespaces in `/var/run/netns`, no reference CNI plugins on the nodes. */
  public static talos(options: TalosClusterProfileOptions = {}): ClusterProfile {
    return ClusterProfile.make('talos', 'ClusterProfile.talos()', options, TALOS_OPTIONS, PrimaryCni.FLANNEL);
  }

  /** A kubeadm cluster: the standard CNI directories. */
  public static kubeadm(options: ClusterProfileOptions = {}): ClusterProfile {
    return ClusterProfile.make('kubeadm', 'ClusterProfile.kubeadm()', options, OPTIONS, PrimaryCni.CALICO);
  }

  /** RKE2: the standard CNI directories. */
  public static rke2(options: ClusterProfileOptions = {}): ClusterProfile {
    return ClusterProfile.make('rke2', 'ClusterProfile.rke2()', options, OPTIONS, PrimaryCni.CANAL);
  }

  private static make(distribution: DistributionId, factory: string, options: ClusterProfileOptions, shape: ReturnType<typeof propsShape>, defaultCni: PrimaryCni): ClusterProfile {
    options = options ?? {};
    if (!isPlainObject(options)) {
      invalid({ field: 'cluster', value: options, hint: `give an options object, e.g. ${factory.replace('()', "({ kubernetesVersion: '1.33' })")}` });
    }
    checkKnownProps('cluster', options, shape);
    const problems = new Problems();
    problems.check(() => {
      if (options.primaryCni !== undefined && !(options.primaryCni instanceof PrimaryCni)) {
        invalid({ field: 'cluster.primaryCni', value: options.primaryCni, hint: 'use PrimaryCni.FLANNEL, PrimaryCni.CILIUM, PrimaryCni.CALICO or PrimaryCni.CANAL' });
      }
    });
    problems.check(() => {
      const v = options.kubernetesVersion;
      if (v !== undefined && (typeof v !== 'string' || kubernetesVersion(v) === undefined || kubernetesVersion(v)![0] !== 1)) {
        invalid({ field: 'cluster.kubernetesVersion', value: v, hint: "give the nodes' Kubernetes version, e.g. '1.33', '1.30.6' or 'v1.30.6+k3s1'" });
      }
    });
    problems.throwIfAny();
    const cni = options.primaryCni ?? defaultCni;
    return new ClusterProfile(factory, clusterFacts({ distribution, primaryCni: cni.name as PrimaryCniId, kubernetesVersion: options.kubernetesVersion }), cni);
  }

  /** The distribution: `k3s`, `talos`, `kubeadm` or `rke2`. */
  public readonly distribution: string;
  /** The primary CNI. */
  public readonly primaryCni: PrimaryCni;
  /** The Kubernetes version, as given. */
  public readonly kubernetesVersion?: string;
  /** The CNI directories containerd uses on the nodes. */
  public readonly cniPaths: CniPaths;
  /** Where pod network namespaces live on the hosts (what a thick Multus daemon mounts). */
  public readonly netnsDir: string;
  /** True iff the nodes carry no reference CNI plugins (macvlan, static, dhcp), so the chart must install them. */
  public readonly needsPluginInstaller: boolean;
  /** How messages name the cluster: `k3s with Cilium`. */
  public readonly label: string;
  /** The factory that made it, for messages. */
  public readonly factory: string;

  /** The facts, for the library's own layers. @internal */
  public readonly _facts: ClusterFacts;

  private constructor(factory: string, facts: ClusterFacts, cni: PrimaryCni) {
    this.factory = factory;
    this._facts = facts;
    this.distribution = facts.distribution;
    this.primaryCni = cni;
    this.kubernetesVersion = facts.kubernetesVersion;
    this.cniPaths = cniPathsFor(facts.dirs);
    this.netnsDir = facts.netnsDir;
    this.needsPluginInstaller = facts.needsPluginInstaller;
    this.label = facts.label;
  }
}

/** The construct context key under which a FluxTree passes its `cluster` down. @internal */
export const CLUSTER_CONTEXT = 'cdk8s-multus:cluster';

/** The cluster of `scope`: its FluxTree's `cluster`, when one is set. @internal */
export function clusterOf(scope: IConstruct): ClusterProfile | undefined {
  const value = scope.node.tryGetContext(CLUSTER_CONTEXT);
  return value instanceof ClusterProfile ? value : undefined;
}
