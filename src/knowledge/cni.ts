// Where containerd looks for CNI configs and plugins on the nodes, and what the primary CNIs do
// with that directory. Pure facts; `CniPaths` (src/multus) and the rulebook both read them.

/** A pair of CNI directories on a node. */
export interface CniDirs {
  /** The directory containerd reads network configs from (`00-multus.conf` goes here). */
  readonly configDir: string;
  /** The directory containerd runs CNI plugins from (macvlan, static, dhcp). */
  readonly binDir: string;
}

/** The CNI spec's and containerd's defaults: kubeadm, Talos, RKE2, k3s without flannel. */
export const STANDARD_DIRS: CniDirs = { configDir: '/etc/cni/net.d', binDir: '/opt/cni/bin' };

/**
 * k3s with its embedded flannel, from the October 2024 releases on (v1.28.15+k3s1, v1.29.10+k3s1,
 * v1.30.6+k3s1, v1.31.2+k3s1 and later): the plugins moved to `data/cni`
 * (https://github.com/k3s-io/k3s/pull/10920).
 */
export const K3S_DIRS: CniDirs = { configDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d', binDir: '/var/lib/rancher/k3s/data/cni' };

/** k3s with its embedded flannel, releases before October 2024: plugins in `data/current/bin`. */
export const K3S_LEGACY_DIRS: CniDirs = { configDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d', binDir: '/var/lib/rancher/k3s/data/current/bin' };

/** The name of the `CniPaths` preset with exactly these directories, if one has them. */
export function presetName(dirs: CniDirs): 'STANDARD' | 'K3S' | 'K3S_LEGACY' | undefined {
  const presets = { STANDARD: STANDARD_DIRS, K3S: K3S_DIRS, K3S_LEGACY: K3S_LEGACY_DIRS } as const;
  return (Object.keys(presets) as Array<keyof typeof presets>).find((k) => presets[k].configDir === dirs.configDir && presets[k].binDir === dirs.binDir);
}

/**
 * The Cilium chart's CNI settings when its values leave them out (cilium/cilium
 * `install/kubernetes/cilium/values.yaml`: `cni.exclusive: true`, `cni.confPath: /etc/cni/net.d`,
 * `cni.binPath: /opt/cni/bin`). With `cni.exclusive` true, Cilium renames every other config in
 * the directory, `00-multus.conf` included.
 */
export const CILIUM_DEFAULTS = { exclusive: true, confPath: STANDARD_DIRS.configDir, binPath: STANDARD_DIRS.binDir } as const;

/** A directory path without its trailing slashes (`/run/netns/` and `/run/netns` name one directory); `/` stays. */
export function trimDirectory(dir: string): string {
  return dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
}
