import { CniDirs, K3S_DIRS, STANDARD_DIRS } from './cni';
import { commonKubernetesRange } from './common';
import { KeyTree } from './keys';
import { KubernetesRange, atLeast, semver } from './versions';

// What the library knows of each Multus chart, kept once: where it is served, which versions exist
// and which are broken, where its values put the daemon, which keys it reads and which the library
// owns, the daemon it runs, its default CNI directories, the Kubernetes versions it supports, and the
// values the library writes for it. `MultusChart`/`MultusInstall` (src/multus) and the rulebook
// (src/rules) both read these profiles; neither keeps a copy. A new chart is a new profile here.

/** The Multus charts the library knows, by id. */
export type MultusChartId = 'angelnu-multus' | 'bjw-s-multus';

/** Where a chart's values put the Multus daemon's container (bjw-s common: a controller, a container). */
export interface DaemonContainer {
  /** The daemon's controller (its key under `controllers`). */
  readonly controller: string;
  /** The daemon container's key under `controllers.<controller>.containers`. */
  readonly container: string;
}

/** What the library writes into a chart's values, from an install's validated model. */
export interface InstallValuesInput {
  /** Where the chart version puts the daemon. */
  readonly layout: DaemonContainer;
  readonly image: { readonly repository: string; readonly tag: string };
  /** The daemon container's resources, as the values take them. */
  readonly resources: Record<string, any>;
  readonly dirs: CniDirs;
  readonly logLevel?: string;
  readonly cniVersion?: string;
}

/** Who owns a key of the values the library writes: the prop that sets it, or the install itself. */
export type OwnedKeyOwner = 'cniPaths' | 'image' | 'token' | 'serviceAccount';

/** A values key the install writes and refuses in hand-given values. */
export interface OwnedKey {
  readonly path: readonly string[];
  readonly owner: OwnedKeyOwner;
}

/** Where a chart is served. */
export interface ChartSource {
  /** The kind of Flux source object it is installed from. */
  readonly kind: 'HelmRepository' | 'OCIRepository';
  /** A Helm repository's URL (HelmRepository), or the chart's OCI repository without a tag (OCIRepository). */
  readonly url: string;
  /** The chart's name in its repository. */
  readonly chart: string;
  /** The Flux source object's name as the library and the public repositories write it. */
  readonly repositoryName: string;
}

/** The Kubernetes ranges a chart version declares: its own (enforced by helm) and its library's (not enforced). */
export interface ChartKubernetes {
  /** The chart's own `kubeVersion`, when it declares one. */
  readonly own?: KubernetesRange;
  /** The library it is built on as served today, and that library's `kubeVersion`. */
  readonly library?: { readonly name: string; readonly range: KubernetesRange };
}

/** One Multus chart. */
export interface MultusChartProfile {
  readonly id: MultusChartId;
  /** How messages name it: `angelnu multus`. */
  readonly label: string;
  /** The family's name, as `MultusChartFamily` gives it. */
  readonly family: string;
  /** The library's factory of the chart, for messages: `MultusChart.angelnu()`. */
  readonly factory: string;
  /** Where the library installs it from by default. */
  readonly source: ChartSource;
  /** Other places the same chart is served (mirrors the public repositories use). */
  readonly alsoServedAt: readonly ChartSource[];
  /** The daemon it runs: the thick daemon (`multus-daemon` + `multus-shim`) or the thin plugin. */
  readonly daemon: 'thick' | 'thin';
  /** The daemon image the library writes by default: Multus v4.3.0 (https://github.com/k8snetworkplumbingwg/multus-cni/releases/tag/v4.3.0). */
  readonly defaultImage: { readonly repository: string; readonly tag: string };
  /** The version the library installs by default. */
  readonly defaultVersion: string;
  /** The versions whose real packages the rendered suite renders with the real helm. */
  readonly verifiedVersions: readonly string[];
  /** Versions that exist but install a broken Multus, with the reason. */
  readonly refusedVersions: Readonly<Record<string, string>>;
  /** True iff the library writes values for `version` (and the rulebook judges its values). */
  accepts(version: string): boolean;
  /** Where `version` puts the daemon, when the library knows. */
  layoutOf(version: string): DaemonContainer | undefined;
  /** The chart's own values keys beyond the common library's top-level keys. */
  readonly keysRead: KeyTree;
  /** True iff the chart also reads the common library's top-level keys. */
  readonly readsCommonKeys: boolean;
  /** The CNI directories the chart uses when its values leave them out. */
  defaultDirs(version: string): CniDirs | undefined;
  /** Where the values put the CNI config and plugin directories. */
  readonly dirsPaths: { readonly config: readonly string[]; readonly bin: readonly string[] };
  /** Where the values put the daemon's image (`{ repository, tag }`). */
  imagePath(layout: DaemonContainer): readonly string[];
  /** Where the values put the daemon's resources. */
  resourcesPath(layout: DaemonContainer): readonly string[];
  /** The values the library writes for an install. */
  writeValues(input: InstallValuesInput): Record<string, any>;
  /** The keys the install writes and hand-given values may not set, remove or replace. */
  ownedKeys(layout: DaemonContainer): readonly OwnedKey[];
  /** A release name the chart renders only under, if any. */
  readonly fixedReleaseName?: string;
  /** A CNI config directory the chart works only with, if any. */
  readonly fixedConfigDir?: string;
  /** Which daemon settings the chart has values for. */
  readonly settings: { readonly logLevel: boolean; readonly cniVersion: boolean };
  /** True iff the chart overwrites the daemon's tolerations in values with its own (CriticalAddonsOnly). */
  readonly tolerationsHardCoded: boolean;
  /** The host directory the thick daemon mounts for pod network namespaces, and where the values set it. */
  readonly netnsMount?: { readonly valuesPath: readonly string[]; readonly defaultDir: string };
  /** The Kubernetes ranges `version` declares, as served today. */
  kubernetes(version: string): ChartKubernetes;
}

/** The daemon image upstream publishes. */
export const MULTUS_IMAGE = 'ghcr.io/k8snetworkplumbingwg/multus-cni';

const TOKEN_KEY: OwnedKey = { path: ['defaultPodOptions', 'automountServiceAccountToken'], owner: 'token' };

/** angelnu chart layouts: 6.0.x `controllers.main.containers.main`, 7.0.x `controllers.multus.containers.multus`. */
export const ANGELNU_LAYOUTS = {
  V6: { controller: 'main', container: 'main' },
  V7: { controller: 'multus', container: 'multus' },
} as const;

/** angelnu versions whose values layout the library knows, newest first. */
const ANGELNU_VERSIONS: Readonly<Record<string, keyof typeof ANGELNU_LAYOUTS>> = { '7.0.0': 'V7', '6.0.4': 'V6' };

/**
 * angelnu's chart (https://github.com/angelnu/helm-charts, `charts/apps/multus`).
 *
 * Values the library writes (6.0.4 and 7.0.0, every build):
 * - the daemon's image and resources under its controller and container (the version's layout);
 * - `defaultPodOptions.automountServiceAccountToken: true`: common 5 turns the token off by default,
 *   and the thick daemon without an API token exits without a log line
 *   (https://github.com/gavinmcfall/home-ops/pull/2438);
 * - `global.createDefaultServiceAccount: false`: common 5 adds a ServiceAccount named after the
 *   release next to the chart's own, and with two the chart's hook controllers (`test`,
 *   `uninstall`) fail to render. On common 4 both keys are what the chart does anyway.
 */
export const ANGELNU_MULTUS: MultusChartProfile = {
  id: 'angelnu-multus',
  label: 'angelnu multus',
  family: 'angelnu',
  factory: 'MultusChart.angelnu()',
  source: { kind: 'HelmRepository', url: 'https://angelnu.github.io/helm-charts', chart: 'multus', repositoryName: 'angelnu' },
  alsoServedAt: [],
  daemon: 'thick',
  defaultImage: { repository: MULTUS_IMAGE, tag: 'v4.3.0-thick' },
  defaultVersion: '7.0.0',
  verifiedVersions: ['7.0.0', '6.0.4'],
  refusedVersions: {
    '5.0.7': 'was re-published in place (Dec 2025) on a new library: it ignores `image`, `resources` and `tolerations`, and its namespaced Role makes Multus fail for pods outside the release namespace',
    '6.0.0': 'grants Multus a namespaced Role (fixed in 6.0.1) and misplaces `privileged` (fixed by 6.0.4)',
    '6.0.1': 'misplaces `privileged` (fixed by 6.0.4)',
    '6.0.2': 'misplaces `privileged` (fixed by 6.0.4)',
    '6.0.3': 'misplaces `privileged` (fixed by 6.0.4)',
  },
  accepts: (version) => Object.prototype.hasOwnProperty.call(ANGELNU_VERSIONS, version),
  layoutOf: (version) => Object.prototype.hasOwnProperty.call(ANGELNU_VERSIONS, version) ? ANGELNU_LAYOUTS[ANGELNU_VERSIONS[version]] : undefined,
  keysRead: { cni: { paths: { config: true, bin: true }, logLevel: true, version: true }, hostPaths: { netns: true } },
  readsCommonKeys: true,
  // 6.0.4 and 7.0.0 default to k3s's embedded-flannel directories.
  defaultDirs: (version) => Object.prototype.hasOwnProperty.call(ANGELNU_VERSIONS, version) ? K3S_DIRS : undefined,
  dirsPaths: { config: ['cni', 'paths', 'config'], bin: ['cni', 'paths', 'bin'] },
  imagePath: (l) => ['controllers', l.controller, 'containers', l.container, 'image'],
  resourcesPath: (l) => ['controllers', l.controller, 'containers', l.container, 'resources'],
  writeValues: (i) => ({
    controllers: {
      [i.layout.controller]: {
        containers: {
          [i.layout.container]: {
            image: { repository: i.image.repository, tag: i.image.tag },
            resources: i.resources,
          },
        },
      },
    },
    defaultPodOptions: { automountServiceAccountToken: true },
    global: { createDefaultServiceAccount: false },
    cni: {
      paths: { config: i.dirs.configDir, bin: i.dirs.binDir },
      ...(i.logLevel !== undefined ? { logLevel: i.logLevel } : {}),
      ...(i.cniVersion !== undefined ? { version: i.cniVersion } : {}),
    },
  }),
  ownedKeys: (l) => [
    { path: ['cni', 'paths'], owner: 'cniPaths' },
    { path: ['controllers', l.controller, 'containers', l.container, 'image'], owner: 'image' },
    TOKEN_KEY,
    { path: ['global', 'createDefaultServiceAccount'], owner: 'serviceAccount' },
  ],
  settings: { logLevel: true, cniVersion: true },
  tolerationsHardCoded: true,
  // templates/common.yaml `host-run-netns`.
  netnsMount: { valuesPath: ['hostPaths', 'netns'], defaultDir: '/run/netns/' },
  kubernetes: (version) => version === '6.0.4'
    ? { own: atLeast(1, 16), library: { name: 'common 4.5.0', range: commonKubernetesRange('4.5.0') } }
    // 7.0.0 as served since May 2026: common 5.0.1 (before: 4.5.0, then 4.6.2).
    : { own: atLeast(1, 16), library: { name: 'common 5.0.1', range: commonKubernetesRange('5.0.1') } },
};

/**
 * bjw-s-labs' chart (https://github.com/bjw-s-labs/helm-charts, `charts/other/multus`), 1.3.x on
 * common 5: the thin plugin. The library writes `multus.image`, `multus.resources`, `cni.netPath`,
 * `cni.binPath` and the daemon's API token (1.3.1 hard-codes it on; 1.3.0 renders the daemon without
 * one, and the thin plugin cannot write its kubeconfig). The chart binds its ClusterRole to the
 * ServiceAccount `multus`, which common 5 creates only for a release of that name, and fixes the thin
 * plugin's arguments, so the node's `00-multus.conf` names its kubeconfig under `/etc/cni/net.d`
 * (https://github.com/k8snetworkplumbingwg/multus-cni/blob/v4.3.0/cmd/thin_entrypoint/main.go).
 */
export const BJW_S_MULTUS: MultusChartProfile = {
  id: 'bjw-s-multus',
  label: 'bjw-s-labs multus',
  family: 'bjw-s',
  factory: 'MultusChart.bjwS()',
  source: { kind: 'OCIRepository', url: 'oci://ghcr.io/bjw-s-labs/helm/multus', chart: 'multus', repositoryName: 'multus' },
  alsoServedAt: [{ kind: 'HelmRepository', url: 'https://bjw-s-labs.github.io/helm-charts', chart: 'multus', repositoryName: 'bjw-s' }],
  daemon: 'thin',
  defaultImage: { repository: MULTUS_IMAGE, tag: 'v4.3.0' },
  defaultVersion: '1.3.1',
  verifiedVersions: ['1.3.1', '1.3.0'],
  refusedVersions: {},
  accepts: (version) => /^1\.3\.(0|[1-9]\d*)$/.test(version),
  layoutOf: () => ({ controller: 'multus', container: 'multus' }),
  keysRead: {
    'cni': { netPath: true, binPath: true },
    'multus': { image: { repository: true, tag: true }, resources: true },
    'cni-plugins': { image: { repository: true, tag: true }, resources: true },
  },
  readsCommonKeys: true,
  defaultDirs: () => STANDARD_DIRS,
  dirsPaths: { config: ['cni', 'netPath'], bin: ['cni', 'binPath'] },
  imagePath: () => ['multus', 'image'],
  resourcesPath: () => ['multus', 'resources'],
  writeValues: (i) => ({
    multus: {
      image: { repository: i.image.repository, tag: i.image.tag },
      resources: i.resources,
    },
    defaultPodOptions: { automountServiceAccountToken: true },
    cni: { netPath: i.dirs.configDir, binPath: i.dirs.binDir },
  }),
  ownedKeys: () => [
    { path: ['cni', 'netPath'], owner: 'cniPaths' },
    { path: ['cni', 'binPath'], owner: 'cniPaths' },
    { path: ['multus', 'image'], owner: 'image' },
    TOKEN_KEY,
  ],
  fixedReleaseName: 'multus',
  fixedConfigDir: STANDARD_DIRS.configDir,
  settings: { logLevel: false, cniVersion: false },
  tolerationsHardCoded: true,
  kubernetes: () => ({ library: { name: 'common 5', range: commonKubernetesRange('5.0.0') } }),
};

/** Every Multus chart the library knows. */
export const MULTUS_CHARTS: readonly MultusChartProfile[] = [ANGELNU_MULTUS, BJW_S_MULTUS];

/** The profile of a chart id. */
export function multusChart(id: MultusChartId): MultusChartProfile {
  return MULTUS_CHARTS.find((p) => p.id === id)!;
}

/**
 * True iff the rulebook judges `version` of a chart: a version the library writes for, one it
 * refuses, or for bjw-s-labs' chart any 1.x up to 1.3 (the same values keys since 1.0.0).
 */
export function isJudgedVersion(profile: MultusChartProfile, version: string): boolean {
  if (profile.accepts(version) || Object.prototype.hasOwnProperty.call(profile.refusedVersions, version)) return true;
  if (profile.id !== 'bjw-s-multus') return false;
  const v = semver(version);
  return v !== undefined && v[0] === 1 && v[1] <= 3;
}
