import { APP_TEMPLATE_SOURCES } from '../knowledge/app-template';
import { ANGELNU_MULTUS, MULTUS_CHARTS, MultusChartId, MultusChartProfile } from '../knowledge/multus-charts';

// Which chart a HelmRelease installs, read from where it comes from. Everything the rulebook knows
// of the Multus charts themselves (versions, layouts, the keys they read) is their profile in
// src/knowledge/multus-charts.ts, which the library's own install reads too. A chart that is not
// recognised here is never judged.

/** The charts the rulebook knows. @internal */
export type KnownChart = MultusChartId | 'app-template' | 'cilium' | 'multus-crd';

/** The angelnu chart's default source, by which a release whose HelmRepository is elsewhere is still known. @internal */
export const ANGELNU_CHART = { chart: ANGELNU_MULTUS.source.chart, url: ANGELNU_MULTUS.source.url, repositoryName: ANGELNU_MULTUS.source.repositoryName } as const;

/**
 * True iff a release of `chart` `version` installs the NetworkAttachmentDefinition CRD: a Multus
 * chart version that carries it (its profile's `installsCrd`), or a chart that carries nothing else
 * (bjw-s `multus-crd`).
 * @internal
 */
export function installsNadCrd(chart: KnownChart | undefined, version: string | undefined): boolean {
  if (chart === 'multus-crd') return true;
  return multusProfile(chart)?.installsCrd(version) ?? false;
}

/** The profile of a known Multus chart, or undefined for any other chart. @internal */
export function multusProfile(chart: KnownChart | undefined): MultusChartProfile | undefined {
  return MULTUS_CHARTS.find((p) => p.id === chart);
}

/** The angelnu versions the library accepts, newest first, for fixes. @internal */
export function acceptedAngelnuVersions(): string[] {
  return ANGELNU_MULTUS.verifiedVersions.filter((v) => ANGELNU_MULTUS.accepts(v));
}

/** Trims trailing slashes of a URL. */
function base(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Every place a known chart is served: `{ kind, url, chart, known }`. */
const SOURCES = [
  ...MULTUS_CHARTS.flatMap((p) => [p.source, ...p.alsoServedAt].map((s) => ({ ...s, known: p.id as KnownChart }))),
  // The charts that carry the NetworkAttachmentDefinition CRD for a Multus chart's later versions.
  ...MULTUS_CHARTS.flatMap((p) => (p.crdChart?.sources ?? []).map((s) => ({ ...s, known: 'multus-crd' as KnownChart }))),
  ...APP_TEMPLATE_SOURCES.map((s) => ({ ...s, known: 'app-template' as KnownChart })),
];

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
  const at = base(url);
  if (at.startsWith('oci://')) return ociChartAt(`${at}/${chart}`);
  return SOURCES.find((s) => s.kind === 'HelmRepository' && s.url === at && s.chart === chart)?.known;
}

/** Which known chart the OCI artifact at `url` is (an OCIRepository's `spec.url`). @internal */
export function ociChartAt(url: string): KnownChart | undefined {
  const at = base(url);
  if (at.split('/').pop() === 'cilium') return 'cilium';
  return SOURCES.find((s) => s.kind === 'OCIRepository' && s.url === at)?.known;
}

/** How a known chart is named in messages. @internal */
export function chartLabel(chart: KnownChart | undefined, name: string | undefined, version: string | undefined): string {
  const label = multusProfile(chart)?.label ?? chart ?? name ?? 'chart';
  return version !== undefined ? `${label} ${version}` : label;
}
