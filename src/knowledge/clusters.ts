import { CniDirs, K3S_DIRS, K3S_LEGACY_DIRS, STANDARD_DIRS } from './cni';
import { compareVersions, semver } from './versions';

// What the library knows of the clusters its users run: where each distribution's containerd keeps
// CNI configs and plugins, where pod network namespaces live on the host, whether the reference
// plugins (macvlan, static, dhcp) are on the nodes, and what each primary CNI needs beside Multus.
// `ClusterProfile` (src/multus) and the rulebook (`--cluster`) both read these facts.

/** The Kubernetes distributions the library knows. */
export type DistributionId = 'k3s' | 'talos' | 'kubeadm' | 'rke2';

/** The primary CNIs the library knows. */
export type PrimaryCniId = 'flannel' | 'cilium' | 'calico' | 'canal';

/** A primary CNI and what it needs for Multus to work beside it. */
export interface PrimaryCniFacts {
  readonly id: PrimaryCniId;
  /** How messages name it. */
  readonly label: string;
  /**
   * Values its Helm chart needs beside Multus, with why. Cilium with `cni.exclusive: true` (its
   * default) renames every other CNI config, `00-multus.conf` included, whenever its agent restarts
   * (https://docs.cilium.io/en/stable/network/kubernetes/configuration/#adjusting-cni-configuration).
   */
  readonly needs?: { readonly chart: string; readonly values: Record<string, any>; readonly why: string };
}

export const PRIMARY_CNIS: Readonly<Record<PrimaryCniId, PrimaryCniFacts>> = {
  flannel: { id: 'flannel', label: 'Flannel' },
  cilium: {
    id: 'cilium',
    label: 'Cilium',
    needs: {
      chart: 'cilium',
      values: { cni: { exclusive: false } },
      why: 'with cni.exclusive true (the chart\'s default) the Cilium agent renames every other CNI config, 00-multus.conf included, to *.cilium_bak whenever it restarts, and Multus silently stops attaching networks',
    },
  },
  calico: { id: 'calico', label: 'Calico' },
  canal: { id: 'canal', label: 'Canal' },
};

/** What a cluster is: its distribution, primary CNI and Kubernetes version. */
export interface ClusterSpec {
  readonly distribution: DistributionId;
  readonly primaryCni: PrimaryCniId;
  /** `1.31`, `1.30.6`, `v1.30.6+k3s1`; undefined when not given. */
  readonly kubernetesVersion?: string;
}

/** What follows from a cluster spec. */
export interface ClusterFacts extends ClusterSpec {
  /** How messages name it: `k3s with Cilium`, `Talos`. */
  readonly label: string;
  /** The CNI directories containerd uses on its nodes. */
  readonly dirs: CniDirs;
  /** Why those directories, for messages. */
  readonly dirsWhy: string;
  /**
   * Every pair of directories the nodes may use, `dirs` first: on k3s with its embedded flannel and
   * no version given, both its current and its pre-October-2024 plugin directory.
   */
  readonly acceptedDirs: readonly CniDirs[];
  /**
   * Where the runtime keeps pod network namespaces on the host: what a thick Multus daemon must
   * mount. Talos keeps them in `/var/run/netns`, which on Talos is not a link to `/run`
   * (https://docs.siderolabs.com/kubernetes-guides/cni/multus: "Failing to do so will leave your
   * cluster crippled").
   */
  readonly netnsDir: string;
  /** True iff the nodes carry no reference CNI plugins (macvlan, static, dhcp): a chart's installer must put them in `dirs.binDir`. */
  readonly needsPluginInstaller: boolean;
  /** The version's numbers, when given and readable. */
  readonly version?: readonly [number, number, number];
}

/**
 * The first k3s patch of each minor that keeps its plugins in `data/cni` (k3s's October 2024
 * releases, https://github.com/k3s-io/k3s/pull/10920); every later minor does too.
 */
const K3S_DATA_CNI_FROM: ReadonlyArray<readonly [number, number, number]> = [[1, 28, 15], [1, 29, 10], [1, 30, 6], [1, 31, 2]];

/** True iff k3s `version` keeps its plugins in `data/cni`; undefined when the version does not say. */
export function k3sUsesDataCni(version: readonly [number, number, number] | undefined): boolean | undefined {
  if (version === undefined) return undefined;
  if (compareVersions(version.slice(0, 2), [1, 31]) > 0) return true;
  const first = K3S_DATA_CNI_FROM.find((v) => v[0] === version[0] && v[1] === version[1]);
  if (first === undefined) return false;
  return compareVersions(version, first) >= 0;
}

/** A Kubernetes version as users write it: `1.31`, `1.30.6`, `v1.30.6+k3s1` (a missing patch is 0). */
export function kubernetesVersion(text: string | undefined): [number, number, number] | undefined {
  if (text === undefined) return undefined;
  const m = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:[-+][0-9A-Za-z.+-]*)?$/.exec(text.trim());
  if (m) return [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])];
  return semver(text);
}

const LABELS: Record<DistributionId, string> = { k3s: 'k3s', talos: 'Talos', kubeadm: 'kubeadm', rke2: 'RKE2' };

/** The facts of a cluster. */
export function clusterFacts(spec: ClusterSpec): ClusterFacts {
  const version = kubernetesVersion(spec.kubernetesVersion);
  const cni = PRIMARY_CNIS[spec.primaryCni];
  const label = `${LABELS[spec.distribution]} with ${cni.label}`;
  const base = { ...spec, label, version };
  switch (spec.distribution) {
    case 'k3s': {
      if (spec.primaryCni !== 'flannel') {
        // k3s points containerd at its own directories only with its embedded flannel
        // (pkg/agent/config/config.go, `if !NoFlannel`); with --flannel-backend=none it keeps the defaults.
        return { ...base, dirs: STANDARD_DIRS, dirsWhy: `k3s with --flannel-backend=none (${cni.label}) keeps containerd's default directories`, acceptedDirs: [STANDARD_DIRS], netnsDir: '/run/netns', needsPluginInstaller: true };
      }
      const dataCni = k3sUsesDataCni(version);
      const dirs = dataCni === false ? K3S_LEGACY_DIRS : K3S_DIRS;
      const why = dataCni === undefined
        ? 'k3s with its embedded flannel (the directories of its October 2024 releases and later; give kubernetesVersion for older ones)'
        : dataCni
          ? `k3s ${spec.kubernetesVersion} with its embedded flannel keeps its plugins in data/cni (October 2024 releases and later: v1.28.15, v1.29.10, v1.30.6, v1.31.2)`
          : `k3s ${spec.kubernetesVersion} with its embedded flannel keeps its plugins in data/current/bin (releases before v1.28.15, v1.29.10, v1.30.6, v1.31.2)`;
      return { ...base, dirs, dirsWhy: why, acceptedDirs: dataCni === undefined ? [K3S_DIRS, K3S_LEGACY_DIRS] : [dirs], netnsDir: '/run/netns', needsPluginInstaller: true };
    }
    case 'talos':
      return { ...base, label: `Talos with ${cni.label}`, dirs: STANDARD_DIRS, dirsWhy: 'Talos uses containerd\'s default directories', acceptedDirs: [STANDARD_DIRS], netnsDir: '/var/run/netns', needsPluginInstaller: true };
    case 'kubeadm':
      return { ...base, dirs: STANDARD_DIRS, dirsWhy: 'kubeadm clusters use containerd\'s default directories', acceptedDirs: [STANDARD_DIRS], netnsDir: '/run/netns', needsPluginInstaller: false };
    case 'rke2':
      return { ...base, dirs: STANDARD_DIRS, dirsWhy: 'RKE2 uses containerd\'s default directories', acceptedDirs: [STANDARD_DIRS], netnsDir: '/run/netns', needsPluginInstaller: true };
  }
}

/** True iff the cluster's nodes may use `dirs` (one of its accepted pairs). */
export function acceptsDirs(cluster: ClusterFacts, dirs: CniDirs): boolean {
  return cluster.acceptedDirs.some((d) => d.configDir === dirs.configDir && d.binDir === dirs.binDir);
}

/**
 * The cluster names of the checker's `--cluster` (and `.cdk8s-multus.yaml`'s `cluster:`), each with
 * its distribution and primary CNI.
 */
export const CLUSTER_NAMES: Readonly<Record<string, { readonly distribution: DistributionId; readonly primaryCni: PrimaryCniId }>> = {
  'talos': { distribution: 'talos', primaryCni: 'flannel' },
  'talos-cilium': { distribution: 'talos', primaryCni: 'cilium' },
  'k3s-flannel': { distribution: 'k3s', primaryCni: 'flannel' },
  'k3s-cilium': { distribution: 'k3s', primaryCni: 'cilium' },
  'k3s-calico': { distribution: 'k3s', primaryCni: 'calico' },
  'kubeadm': { distribution: 'kubeadm', primaryCni: 'calico' },
  'kubeadm-cilium': { distribution: 'kubeadm', primaryCni: 'cilium' },
  'kubeadm-flannel': { distribution: 'kubeadm', primaryCni: 'flannel' },
  'rke2': { distribution: 'rke2', primaryCni: 'canal' },
  'rke2-cilium': { distribution: 'rke2', primaryCni: 'cilium' },
};
