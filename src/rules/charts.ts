import { KNOWN_VERSIONS, MultusChart, MultusValuesLayout, REFUSED_VERSIONS } from '../multus/chart';
import { CniPaths } from '../multus/cni-paths';
import { semver } from './values';

// What the rulebook knows of the charts a Multus setup uses: which chart a HelmRelease installs,
// and for the Multus charts which values they read. The angelnu chart's versions, layouts and
// refused versions come from src/multus/chart.ts, where the library's own install reads them.
// A chart that is not recognised here is never judged.

/** The charts the rulebook knows. @internal */
export type KnownChart = 'angelnu-multus' | 'bjw-s-multus' | 'app-template' | 'cilium';

/** The angelnu chart as the library installs it by default: repository URL and name, chart name. */
const ANGELNU = MultusChart.angelnu();
/** The bjw-s-labs chart as the library installs it by default: its OCI repository. */
const BJW_S = MultusChart.bjwS();

/** @internal */
export const ANGELNU_CHART = { chart: ANGELNU.chart, url: ANGELNU.url, repositoryName: ANGELNU.repositoryName } as const;

/**
 * Why an angelnu chart version must not be installed, or undefined when it may be.
 * @internal
 */
export function refusedAngelnuVersion(version: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(REFUSED_VERSIONS, version) ? REFUSED_VERSIONS[version] : undefined;
}

/** The angelnu versions the library knows the values layout of (7.0.0, 6.0.4). @internal */
export function angelnuLayout(version: string): MultusValuesLayout | undefined {
  return Object.prototype.hasOwnProperty.call(KNOWN_VERSIONS, version) ? KNOWN_VERSIONS[version] : undefined;
}

/** The angelnu versions the library accepts, newest first, for fixes. @internal */
export function acceptedAngelnuVersions(): string[] {
  return Object.keys(KNOWN_VERSIONS);
}

/**
 * True iff the angelnu chart `version` is one whose content the library knows (the accepted and the
 * refused versions): all of them are built on the bjw-s common library, whose top-level keys are
 * the only ones they read besides `cni` and `hostPaths`.
 * @internal
 */
export function isKnownAngelnuVersion(version: string): boolean {
  return angelnuLayout(version) !== undefined || refusedAngelnuVersion(version) !== undefined;
}

/**
 * The top-level values keys the bjw-s common library reads (4.1.1 to 5.0.1, the versions the
 * Multus charts and app-template are built on: the properties of its `values.schema.json`).
 * @internal
 */
export const COMMON_KEYS: ReadonlySet<string> = new Set([
  'global', 'defaultPodOptionsStrategy', 'defaultPodOptions', 'controllers', 'serviceAccount', 'configMaps',
  'configMapsFromFolder', 'secrets', 'secretsFromFolder', 'ingress', 'route', 'service', 'serviceMonitor',
  'podMonitor', 'networkpolicies', 'persistence', 'rbac', 'rawResources',
]);

/** Keys a chart reads: a leaf (`true`) is read whatever it holds. @internal */
export type KeyTree = { readonly [key: string]: KeyTree | true };

/**
 * The chart's own values each Multus chart reads, beyond the common library's top-level keys. From
 * the charts' values.yaml and templates (angelnu/helm-charts `charts/apps/multus`,
 * bjw-s-labs/helm-charts `charts/other/multus`): the bjw-s chart copies only `repository` and `tag`
 * of each image into its hard-coded containers.
 * @internal
 */
export const CHART_VALUES: Record<'angelnu-multus' | 'bjw-s-multus', KeyTree> = {
  'angelnu-multus': { cni: { paths: { config: true, bin: true }, logLevel: true, version: true }, hostPaths: { netns: true } },
  'bjw-s-multus': {
    'cni': { netPath: true, binPath: true },
    'multus': { image: { repository: true, tag: true }, resources: true },
    'cni-plugins': { image: { repository: true, tag: true }, resources: true },
  },
};

/**
 * The CNI directories a Multus chart uses when its values leave them out (the charts' values.yaml:
 * angelnu 6.0.4 and 7.0.0 default to k3s's embedded-flannel directories, bjw-s to the standard ones).
 * @internal
 */
export function defaultMultusPaths(chart: 'angelnu-multus' | 'bjw-s-multus', version?: string): CniPaths | undefined {
  if (chart === 'bjw-s-multus') return CniPaths.STANDARD;
  return version !== undefined && angelnuLayout(version) !== undefined ? CniPaths.K3S : undefined;
}

/**
 * The bjw-s-labs multus chart (`oci://ghcr.io/bjw-s-labs/helm/multus`): the versions whose values
 * this rulebook knows (1.0.0 to 1.3.x: `multus`, `cni-plugins`, `cni.netPath`, `cni.binPath`).
 * @internal
 */
export function isKnownBjwsMultusVersion(version: string): boolean {
  const v = semver(version);
  return v !== undefined && v[0] === 1 && v[1] <= 3;
}

/**
 * The Cilium chart's CNI settings when its values leave them out (cilium/cilium
 * `install/kubernetes/cilium/values.yaml`: `cni.exclusive: true`, `cni.confPath: /etc/cni/net.d`,
 * `cni.binPath: /opt/cni/bin`).
 * @internal
 */
export const CILIUM_DEFAULTS = { exclusive: true, confPath: CniPaths.STANDARD.configDir, binPath: CniPaths.STANDARD.binDir } as const;

/** Repository URLs (without a trailing slash) and the charts they serve, for HTTP Helm repositories. */
const HELM_REPOSITORIES: Array<{ url: string; charts: Record<string, KnownChart> }> = [
  { url: ANGELNU.url, charts: { [ANGELNU.chart]: 'angelnu-multus' } },
  { url: 'https://bjw-s-labs.github.io/helm-charts', charts: { 'app-template': 'app-template', 'multus': 'bjw-s-multus' } },
  { url: 'https://bjw-s.github.io/helm-charts', charts: { 'app-template': 'app-template' } },
];

/** OCI chart URLs (`oci://<registry>/<path>/<chart>`) of the known charts. */
const OCI_CHARTS: Record<string, KnownChart> = {
  [BJW_S.url]: 'bjw-s-multus',
  'oci://ghcr.io/bjw-s-labs/helm/app-template': 'app-template',
  'oci://ghcr.io/bjw-s/helm/app-template': 'app-template',
};

/**
 * Which known chart `chart` of the repository at `url` is; Cilium and app-template by their chart
 * names wherever they come from (the upstream repositories, the mirrors home-ops repositories use,
 * or a source the input does not hold): no other chart takes those names, and app-template's
 * controllers are read the same way in every copy. `multus` is judged only from a known source, since
 * two charts of that name read different values.
 * @internal
 */
export function chartAt(url: string | undefined, chart: string | undefined): KnownChart | undefined {
  if (chart === 'cilium') return 'cilium';
  if (chart === 'app-template') return 'app-template';
  if (url === undefined || chart === undefined) return undefined;
  const base = url.replace(/\/+$/, '');
  if (base.startsWith('oci://')) return OCI_CHARTS[`${base}/${chart}`];
  return HELM_REPOSITORIES.find((r) => r.url === base)?.charts[chart];
}

/** Which known chart the OCI artifact at `url` is (an OCIRepository's `spec.url`). @internal */
export function ociChartAt(url: string): KnownChart | undefined {
  const base = url.replace(/\/+$/, '');
  if (base.split('/').pop() === 'cilium') return 'cilium';
  return OCI_CHARTS[base];
}

/** How a known chart is named in messages. @internal */
export function chartLabel(chart: KnownChart | undefined, name: string | undefined, version: string | undefined): string {
  const label = chart === 'angelnu-multus' ? 'angelnu multus' : chart === 'bjw-s-multus' ? 'bjw-s-labs multus' : chart ?? name ?? 'chart';
  return version !== undefined ? `${label} ${version}` : label;
}
