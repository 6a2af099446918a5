import { CILIUM_DEFAULTS } from '../../knowledge/cni';
import { PRIMARY_CNIS } from '../../knowledge/clusters';
import { DAEMON_RESOURCE_DEFAULTS } from '../../knowledge/multus-charts';
import { chartLabel, multusProfile } from '../charts';
import { MultusDaemon, multusDaemons, runsMultusImage } from '../daemons';
import { Inventory } from '../inventory';
import { Manifest } from '../model';
import { Release, releaseLabel } from '../releases';
import { Rule } from '../rule';
import { dig, isTemplated, memoryBytes, render } from '../values';

// What the Multus daemon needs from the node and from the primary CNI: memory, a Cilium that leaves
// other CNI configs alone, and the same CNI directories as the primary CNI.

function cluster(m: Manifest): string {
  return m.flux?.cluster ?? '';
}

/** Pairs of items of one cluster; across clusters only when the input holds one of each. */
function sameCluster<A extends { manifest: Manifest }, B extends { manifest: Manifest }>(as: A[], bs: B[]): Array<[A, B]> {
  const out: Array<[A, B]> = [];
  const unambiguous = as.length === 1 && bs.length === 1;
  for (const a of as) for (const b of bs) if (unambiguous || cluster(a.manifest) === cluster(b.manifest)) out.push([a, b]);
  return out;
}

/**
 * The smallest memory limit public clusters run the thick daemon with and report no OOM kills at:
 * 256Mi (upstream's 50Mi and a hand-written 128Mi are killed on node reboots and bursts of pod
 * starts, https://github.com/k8snetworkplumbingwg/multus-cni/issues/1346). The library's own
 * default is higher (512Mi, what the public clusters run today); anything from this floor up is
 * judged adequate.
 */
const MEMORY_FLOOR = '256Mi';

export const memoryLimitLow: Rule = {
  id: 'memory-limit-low',
  level: 'warning',
  summary: `a memory limit of the thick Multus daemon below ${MEMORY_FLOOR}`,
  check(inventory, report) {
    const floor = memoryBytes(MEMORY_FLOOR)!;
    const problem = `is below ${MEMORY_FLOOR}: the thick daemon is OOM-killed on node reboots and bursts of pod starts, and while it is down no pod on its node can start`;
    const fix = `set the memory limit to ${MEMORY_FLOOR} or more (public home-ops clusters run 512Mi; cdk8s-multus defaults to ${DAEMON_RESOURCE_DEFAULTS.memoryLimit}Mi)`;
    for (const r of inventory.releases()) {
      const version = r.chart.version;
      const profile = multusProfile(r.chart.known);
      if (profile?.daemon !== 'thick' || version === undefined) continue;
      const layout = profile.layoutOf(version);
      if (!layout) continue;
      const path = [...profile.resourcesPath(layout), 'limits', 'memory'];
      const limit = dig(r.values, ...path);
      const bytes = memoryBytes(limit);
      if (bytes === undefined || bytes >= floor) continue;
      report.add({ manifest: r.manifest, field: r.originOf(path), value: limit, problem, fix });
    }
    // The thick daemon without a Multus chart: plain manifests, an app-template controller.
    for (const d of multusDaemons(inventory)) {
      if (d.flavor !== 'thick') continue;
      const limit = dig(d.container.resources, 'limits', 'memory');
      const bytes = memoryBytes(limit);
      if (bytes === undefined || bytes >= floor) continue;
      report.add({ manifest: d.manifest, field: `${d.container.field}.resources.limits.memory`, value: limit, problem, fix });
    }
  },
};

/** Releases and workloads that install Multus. */
function multusInstalls(inventory: Inventory): Array<{ manifest: Manifest }> {
  const out: Array<{ manifest: Manifest }> = [];
  for (const r of inventory.releases()) {
    if (multusProfile(r.chart.known) !== undefined || r.chart.name === 'multus') out.push(r);
  }
  for (const w of inventory.workloads()) {
    if (w.containers.some(runsMultusImage)) out.push(w);
  }
  return out;
}

function ciliumReleases(inventory: Inventory): Release[] {
  return inventory.releases().filter((r) => r.chart.known === 'cilium');
}

export const ciliumExclusive: Rule = {
  id: 'cilium-exclusive',
  level: 'error',
  summary: 'a Cilium HelmRelease without cni.exclusive: false where Multus is installed',
  check(inventory, report) {
    const fix = PRIMARY_CNIS.cilium.needs!.values;
    const pairs = sameCluster(ciliumReleases(inventory), multusInstalls(inventory));
    const judged = new Set<Release>();
    for (const [cilium] of pairs) {
      if (judged.has(cilium)) continue;
      judged.add(cilium);
      const exclusive = dig(cilium.values, 'cni', 'exclusive');
      if (exclusive === false) continue;
      // Left out here, it may be set in a valuesFrom source the input does not hold.
      if (exclusive === undefined && !cilium.complete) continue;
      if (typeof exclusive === 'string' && isTemplated(exclusive)) continue;
      report.add({
        manifest: cilium.manifest,
        field: cilium.originOf(['cni', 'exclusive']),
        value: exclusive ?? CILIUM_DEFAULTS.exclusive,
        problem: `${exclusive === undefined ? '(the chart\'s default) ' : typeof exclusive === 'string' ? '(a string, which Helm templates read as true) ' : ''}lets the Cilium agent rename every other CNI config, 00-multus.conf included, to *.cilium_bak whenever it restarts, and Multus silently stops attaching networks`,
        fix: `merge ${JSON.stringify(fix)} into the Cilium values (MultusInstall.ciliumValues()), then restart the Multus pods`,
      });
    }
  },
};

/** A Multus release's CNI directories: as set in its values, else the chart's defaults. */
function multusPaths(r: Release): { config?: string; bin?: string; fields: [string, string] } | undefined {
  const version = r.chart.version;
  if (version === undefined) return undefined;
  const profile = multusProfile(r.chart.known);
  if (profile === undefined || !profile.judges(version)) return undefined;
  const defaults = profile.defaultDirs(version);
  const { config, bin } = profile.dirsPaths;
  return {
    config: dig(r.values, ...config) ?? defaults?.configDir,
    bin: dig(r.values, ...bin) ?? defaults?.binDir,
    fields: [r.originOf([...config]), r.originOf([...bin])],
  };
}

/** The CNI directories of a Multus daemon without a chart: its hostPath volumes mounted where upstream's manifests mount them. */
function daemonPaths(d: MultusDaemon): { config?: string; bin?: string; fields: [string, string] } | undefined {
  if (!d.configDir && !d.binDir) return undefined;
  return { config: d.configDir?.hostPath, bin: d.binDir?.hostPath, fields: [d.configDir?.field ?? d.volumesField, d.binDir?.field ?? d.volumesField] };
}

/** The Multus daemons whose CNI directories the input shows: chart releases and daemons without a chart. */
function multusWithPaths(inventory: Inventory): Array<{ manifest: Manifest; paths: { config?: string; bin?: string; fields: [string, string] }; label: string }> {
  const out: Array<{ manifest: Manifest; paths: { config?: string; bin?: string; fields: [string, string] }; label: string }> = [];
  for (const r of inventory.releases()) {
    const paths = multusPaths(r);
    if (paths) out.push({ manifest: r.manifest, paths, label: `chart ${chartLabel(r.chart.known, r.chart.name, r.chart.version)}` });
  }
  for (const d of multusDaemons(inventory)) {
    const paths = daemonPaths(d);
    if (paths) out.push({ manifest: d.manifest, paths, label: d.workload.owner });
  }
  return out;
}

export const cniPathsPrimary: Rule = {
  id: 'cni-paths-primary',
  level: 'error',
  summary: 'Multus CNI directories other than the primary CNI\'s (k3s\'s embedded-flannel paths while the primary CNI is Cilium, or the reverse)',
  check(inventory, report) {
    for (const [m, cilium] of sameCluster(multusWithPaths(inventory), ciliumReleases(inventory))) {
      const paths = m.paths;
      const confPath = dig(cilium.values, 'cni', 'confPath');
      const binPath = dig(cilium.values, 'cni', 'binPath');
      const wanted = [
        { ours: paths.config, theirs: confPath ?? (cilium.complete ? CILIUM_DEFAULTS.confPath : undefined), field: paths.fields[0], what: 'config', key: 'cni.confPath', given: confPath !== undefined },
        { ours: paths.bin, theirs: binPath ?? (cilium.complete ? CILIUM_DEFAULTS.binPath : undefined), field: paths.fields[1], what: 'plugin binaries', key: 'cni.binPath', given: binPath !== undefined },
      ];
      for (const w of wanted) {
        if (typeof w.ours !== 'string' || typeof w.theirs !== 'string' || isTemplated(w.ours) || isTemplated(w.theirs)) continue;
        if (w.ours.replace(/\/+$/, '') === w.theirs.replace(/\/+$/, '')) continue;
        report.add({
          manifest: m.manifest,
          field: w.field,
          value: w.ours,
          problem: `is not where the primary CNI keeps its ${w.what}: Cilium (${releaseLabel(cilium)}) uses ${render(w.theirs)} (${w.key}${w.given ? '' : ', the chart\'s default'}), and Multus (${m.label}) must use the directories containerd and the primary CNI use, or every new pod on the node fails`,
          fix: `use ${render(w.theirs)}${w.theirs === CILIUM_DEFAULTS.confPath || w.theirs === CILIUM_DEFAULTS.binPath ? ' (CniPaths.STANDARD: k3s with --flannel-backend=none, Talos, kubeadm, RKE2)' : ''}`,
        });
      }
    }
  },
};

/** @internal */
export const CLUSTER_RULES: Rule[] = [memoryLimitLow, ciliumExclusive, cniPathsPrimary];
