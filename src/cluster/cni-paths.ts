import * as path from 'node:path';
import { invalid } from '../errors';
import { CniDirs, K3S_DIRS, K3S_LEGACY_DIRS, STANDARD_DIRS } from '../knowledge/cni';
import { checkSafeString } from '../util/strings';

/**
 * Where the nodes' container runtime reads CNI configs and plugin binaries.
 *
 * Multus must use exactly the directories containerd uses (`conf_dir` / `bin_dir`): with any other
 * value the thick daemon waits 120 s for a primary CNI config that never appears, then crash-loops,
 * and every new pod on the node fails. Check a node with
 * `grep -A3 cni /var/lib/rancher/k3s/agent/etc/containerd/config.toml` (k3s) or
 * `crictl info | grep -i -A3 cni`.
 */
export class CniPaths {
  /**
   * k3s with its embedded flannel, releases from October 2024 on (v1.28.15+k3s1, v1.29.10+k3s1,
   * v1.30.6+k3s1, v1.31.2+k3s1 and later): conf `/var/lib/rancher/k3s/agent/etc/cni/net.d`,
   * bin `/var/lib/rancher/k3s/data/cni` (https://docs.k3s.io/networking/multus-ipams;
   * https://github.com/k3s-io/k3s/pull/10868).
   */
  public static readonly K3S = new CniPaths(K3S_DIRS.configDir, K3S_DIRS.binDir, 'K3S');

  /**
   * k3s with embedded flannel released before October 2024: the bin dir is
   * `/var/lib/rancher/k3s/data/current/bin`. On newer k3s this directory still exists but is not
   * where containerd looks for plugins, so macvlan and static would be missing at pod start.
   */
  public static readonly K3S_LEGACY = new CniPaths(K3S_LEGACY_DIRS.configDir, K3S_LEGACY_DIRS.binDir, 'K3S_LEGACY');

  /**
   * `/etc/cni/net.d` and `/opt/cni/bin`: k3s started with `--flannel-backend=none` and an external
   * CNI such as Cilium or Calico (k3s points containerd at its own dirs only when embedded flannel
   * is on), Talos, kubeadm and RKE2.
   */
  public static readonly STANDARD = new CniPaths(STANDARD_DIRS.configDir, STANDARD_DIRS.binDir, 'STANDARD');

  /**
   * Any other layout: the values of containerd's `conf_dir` and `bin_dir` on the nodes.
   * Both must be absolute, normalized paths (no `..`, no trailing slash).
   *
   * @param configDir the CNI configuration directory (containerd `conf_dir`)
   * @param binDir the CNI plugin directory (containerd `bin_dir`)
   */
  public static custom(configDir: string, binDir: string): CniPaths {
    checkDir('cniPaths.configDir', configDir);
    checkDir('cniPaths.binDir', binDir);
    if (configDir === binDir) {
      invalid({ field: 'cniPaths.binDir', value: binDir, hint: 'the plugin directory must differ from the configuration directory: Multus would read its own binaries as configs' });
    }
    return new CniPaths(configDir, binDir, 'custom');
  }

  /** The CNI configuration directory on the nodes (containerd `conf_dir`). */
  public readonly configDir: string;
  /** The CNI plugin directory on the nodes (containerd `bin_dir`). */
  public readonly binDir: string;
  /** The preset's name (`K3S`, `K3S_LEGACY`, `STANDARD`) or `custom`. */
  public readonly preset: string;

  private constructor(configDir: string, binDir: string, preset: string) {
    this.configDir = configDir;
    this.binDir = binDir;
    this.preset = preset;
  }
}

function checkDir(field: string, dir: string): void {
  if (typeof dir !== 'string' || dir.length === 0) {
    invalid({ field, value: dir, hint: 'give the absolute directory containerd uses on the nodes, e.g. "/etc/cni/net.d"' });
  }
  if (!path.posix.isAbsolute(dir)) {
    invalid({ field, value: dir, hint: `the path must be absolute: the daemon resolves it on the node, not in the pod; did you mean "/${dir}"?` });
  }
  if (/[\s\0]/.test(dir)) {
    invalid({ field, value: dir, hint: 'remove the white space: containerd paths on the nodes contain none' });
  }
  checkSafeString(field, dir, 'a CNI directory (a hostPath of the clean-up DaemonSet and a chart value)');
  const normalized = path.posix.normalize(dir).replace(/(.)\/$/, '$1');
  if (normalized !== dir) {
    invalid({ field, value: dir, hint: `write the path in normal form: "${normalized}"` });
  }
  if (dir === '/') {
    invalid({ field, value: dir, hint: 'the filesystem root is not a CNI directory; give the directory containerd uses' });
  }
}

/** The preset with these directories, else a custom pair. @internal */
export function cniPathsFor(dirs: CniDirs): CniPaths {
  return [CniPaths.K3S, CniPaths.K3S_LEGACY, CniPaths.STANDARD].find((p) => p.configDir === dirs.configDir && p.binDir === dirs.binDir)
    ?? CniPaths.custom(dirs.configDir, dirs.binDir);
}
