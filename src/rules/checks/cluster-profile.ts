import { APP_TEMPLATE_VERSIONS, appTemplateKubernetes } from '../../knowledge/app-template';
import { PRIMARY_CNIS } from '../../knowledge/clusters';
import { ChartKubernetes } from '../../knowledge/charts/profile';
import { inRange } from '../../knowledge/versions';
import { presetName, trimDirectory } from '../../knowledge/cni';
import { chartLabel, multusProfile } from '../charts';
import { multusDaemons } from '../daemons';
import { Inventory } from '../inventory';
import { Release, multusReleases, releaseLabel } from '../releases';
import { Rule } from '../rule';
import { dig, isTemplated, render } from '../values';

// Rules that need to know the cluster, which the input cannot show: its distribution's CNI
// directories and netns directory, its Kubernetes version, its primary CNI. They run only when the
// user names the cluster (`cdk8s-multus check --cluster`, `.cdk8s-multus.yaml`, or a
// `ClusterProfile` at synth); without one nothing here is reported.

export const cniPathsCluster: Rule = {
  id: 'cni-paths-cluster',
  level: 'error',
  summary: 'Multus CNI directories other than those containerd uses on the named cluster (k3s\'s embedded-flannel paths on k3s with Cilium, the legacy k3s plugin directory on a current k3s, ...)',
  check(inventory, report) {
    const cluster = inventory.cluster;
    if (!cluster) return;
    for (const { release, profile, version } of multusReleases(inventory.releases())) {
      const defaults = profile.defaultDirs(version);
      const pairs = [
        { path: profile.dirsPaths.config, want: cluster.dirs.configDir, accepted: cluster.acceptedDirs.map((d) => d.configDir), fallback: defaults?.configDir, what: 'config' },
        { path: profile.dirsPaths.bin, want: cluster.dirs.binDir, accepted: cluster.acceptedDirs.map((d) => d.binDir), fallback: defaults?.binDir, what: 'plugin' },
      ];
      for (const p of pairs) {
        const given = dig(release.values, ...p.path);
        const dir = given ?? p.fallback;
        if (typeof dir !== 'string' || isTemplated(dir) || p.accepted.some((a) => trimDirectory(dir) === trimDirectory(a))) continue;
        report.add({
          manifest: release.manifest,
          field: release.originOf([...p.path]),
          value: dir,
          problem: `${given === undefined ? '(the chart\'s default) ' : ''}is not the CNI ${p.what} directory of ${cluster.label} (${cluster.dirsWhy}): Multus writes its config where containerd never reads it, or looks for plugins where there are none, and every new pod on the node fails`,
          fix: `use ${render(p.want)} (${presetName(cluster.dirs) !== undefined ? `CniPaths.${presetName(cluster.dirs)}, ` : ''}or MultusInstall's cluster prop)`,
        });
      }
    }
    // Multus without a chart: the hostPath volumes mounted where the daemon reads and writes.
    for (const d of multusDaemons(inventory)) {
      const pairs = [
        { mount: d.configDir, want: cluster.dirs.configDir, what: 'config' },
        { mount: d.binDir, want: cluster.dirs.binDir, what: 'plugin' },
      ];
      for (const p of pairs) {
        if (!p.mount || trimDirectory(p.mount.hostPath) === trimDirectory(p.want)) continue;
        report.add({
          manifest: d.manifest,
          field: p.mount.field,
          value: p.mount.hostPath,
          problem: `is not the CNI ${p.what} directory of ${cluster.label} (${cluster.dirsWhy}): ${d.workload.owner} mounts it at ${p.mount.mountPath}, so Multus writes its config where containerd never reads it, or looks for plugins where there are none, and every new pod on the node fails`,
          fix: `make the hostPath ${render(p.want)}`,
        });
      }
    }
  },
};

export const netnsMount: Rule = {
  id: 'netns-mount',
  level: 'error',
  summary: 'a thick Multus daemon that does not mount the directory where the named cluster keeps pod network namespaces (Talos: /var/run/netns)',
  check(inventory, report) {
    const cluster = inventory.cluster;
    if (!cluster) return;
    const fix = `mount the host's ${cluster.netnsDir} into the daemon (angelnu chart: hostPaths.netns: "${cluster.netnsDir}/"; MultusInstall with cluster: ClusterProfile.${cluster.distribution}() writes it)`;
    const why = `${cluster.label} keeps pod network namespaces in ${cluster.netnsDir}; the thick daemon cannot enter a new pod's namespace, and every new pod on the node fails its sandbox`;
    for (const { release, profile } of multusReleases(inventory.releases())) {
      if (profile.daemon !== 'thick' || !profile.netnsMount) continue;
      const given = dig(release.values, ...profile.netnsMount.valuesPath);
      const dir = given ?? profile.netnsMount.defaultDir;
      if (typeof dir !== 'string' || isTemplated(dir) || trimDirectory(dir) === trimDirectory(cluster.netnsDir)) continue;
      report.add({
        manifest: release.manifest,
        field: release.originOf([...profile.netnsMount.valuesPath]),
        value: dir,
        problem: `${given === undefined ? '(the chart\'s default) ' : ''}is not where pods' network namespaces are: ${why}`,
        fix,
      });
    }
    // Multus as plain manifests or an app-template controller: the thick daemon without the mount.
    for (const d of multusDaemons(inventory)) {
      if (d.flavor !== 'thick') continue;
      const mounted = [...new Set(d.hostMounts.map((m) => trimDirectory(m.hostPath)))];
      if (mounted.includes(trimDirectory(cluster.netnsDir))) continue;
      report.add({
        manifest: d.manifest,
        field: d.volumesField,
        value: mounted,
        problem: `mount no hostPath ${cluster.netnsDir}: ${why}`,
        fix: d.release
          ? `add a persistence entry of type hostPath, hostPath ${cluster.netnsDir}, mounted at ${cluster.netnsDir} (globalMounts) with mountPropagation HostToContainer`
          : `add a hostPath volume ${cluster.netnsDir} mounted at ${cluster.netnsDir} with mountPropagation HostToContainer (the Talos guide's patch, https://docs.siderolabs.com/kubernetes-guides/cni/multus)`,
      });
    }
  },
};

/** The release's chart's Kubernetes ranges and the versions that fit the cluster, or undefined when unknown. */
function rangesOf(release: Release): { kube: ChartKubernetes; label: string; fitting: string[] } | undefined {
  const version = release.chart.version;
  if (version === undefined) return undefined;
  const profile = multusProfile(release.chart.known);
  if (profile && profile.judges(version)) {
    return { kube: profile.kubernetes(version), label: chartLabel(profile.id, release.chart.name, version), fitting: profile.verifiedVersions.filter((v) => profile.accepts(v)) };
  }
  if (release.chart.known === 'app-template' && /^[45]\./.test(version)) {
    return { kube: appTemplateKubernetes(version), label: `app-template ${version}`, fitting: Object.keys(APP_TEMPLATE_VERSIONS) };
  }
  return undefined;
}

/** The versions of a chart whose ranges (own and library's) admit the cluster. */
function versionsFor(version: readonly number[], release: Release, fitting: string[]): string[] {
  const profile = multusProfile(release.chart.known);
  const kubeOf = (v: string) => (profile ? profile.kubernetes(v) : appTemplateKubernetes(v));
  return fitting.filter((v) => {
    const k = kubeOf(v);
    return (!k.own || inRange(version, k.own)) && (!k.library || inRange(version, k.library.range));
  });
}

/** The ranges a chart release declares, with what the cluster's version is outside of. */
function outside(v: readonly number[], kube: ChartKubernetes): { own?: string; library?: string } {
  return {
    own: kube.own && !inRange(v, kube.own) ? kube.own.text : undefined,
    library: kube.library && !inRange(v, kube.library.range) ? `${kube.library.name}, which declares Kubernetes ${kube.library.range.text}` : undefined,
  };
}

function kubernetesRangeCheck(level: 'own' | 'library') {
  return (inventory: Inventory, report: { add: (f: any) => void }) => {
    const version = inventory.kubernetesVersion;
    if (!version) return;
    const shown = `${version[0]}.${version[1]}`;
    for (const release of inventory.releases()) {
      const ranges = rangesOf(release);
      if (!ranges) continue;
      const out = outside(version, ranges.kube);
      const what = level === 'own' ? out.own : out.library;
      if (what === undefined || (level === 'library' && out.own !== undefined)) continue;
      const fits = versionsFor(version, release, ranges.fitting);
      const min = ranges.kube.library?.range.min ?? ranges.kube.own?.min;
      report.add({
        manifest: release.manifest,
        field: release.chart.versionField,
        value: release.chart.version,
        problem: level === 'own'
          ? `supports Kubernetes ${what} only, and the cluster runs ${shown}: helm refuses to install chart ${ranges.label}`
          : `is built on ${what}, and the cluster runs ${shown}: chart ${ranges.label} renders there, but outside the range its library's authors support`,
        fix: `${fits.length > 0 ? `pin ${fits.join(' or ')} on Kubernetes ${shown}` : `no verified version fits Kubernetes ${shown}`}${min ? `, or upgrade the cluster to ${min.join('.')} or later` : ''}`,
      });
    }
  };
}

export const chartKubernetesRange: Rule = {
  id: 'chart-kubernetes-range',
  level: 'error',
  summary: 'a chart whose own Kubernetes range (kubeVersion, enforced by helm) excludes the named cluster\'s version',
  check: kubernetesRangeCheck('own'),
};

export const chartLibraryKubernetesRange: Rule = {
  id: 'chart-library-kubernetes-range',
  level: 'warning',
  summary: 'a chart built on a library whose Kubernetes range excludes the named cluster\'s version (angelnu 7.0.0 and bjw-s multus 1.3 on common 5 need 1.31): it renders, unsupported',
  check: kubernetesRangeCheck('library'),
};

export const ciliumExclusiveUnseen: Rule = {
  id: 'cilium-exclusive-unseen',
  level: 'warning',
  summary: 'Multus on a cluster named as running Cilium, whose Cilium release is not in the input: cni.exclusive: false cannot be checked',
  // A cdk8s app rarely holds the cluster's Cilium: only a whole repository is expected to.
  repositoryOnly: true,
  check(inventory, report) {
    const cluster = inventory.cluster;
    if (!cluster || cluster.primaryCni !== 'cilium') return;
    if (inventory.releases().some((r) => r.chart.known === 'cilium')) return;
    const needs = PRIMARY_CNIS.cilium.needs!;
    for (const { release } of multusReleases(inventory.releases())) {
      report.add({
        manifest: release.manifest,
        field: 'spec.chart',
        value: releaseLabel(release),
        problem: `installs Multus on ${cluster.label}, and the input holds no Cilium HelmRelease, so its cni.exclusive could not be checked: ${needs.why}`,
        fix: `make sure Cilium's values hold ${JSON.stringify(needs.values)} (MultusInstall.ciliumValues()), wherever Cilium is installed`,
      });
    }
  },
};


/** @internal */
export const CLUSTER_PROFILE_RULES: Rule[] = [cniPathsCluster, netnsMount, chartKubernetesRange, chartLibraryKubernetesRange, ciliumExclusiveUnseen];
