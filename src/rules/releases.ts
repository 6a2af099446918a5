import { deepMerge, isPlainObject } from '../util/merge';
import { MultusChartProfile } from '../knowledge/multus-charts';
import { ANGELNU_CHART, KnownChart, chartAt, multusProfile, ociChartAt } from './charts';
import { Manifest } from './model';
import { dig, digMap, digString, isMap, isTemplated } from './values';

// A Flux HelmRelease as the rules read it: which chart it installs (through its HelmRepository,
// OCIRepository or HelmChart, when the input holds them) and the values Helm will get (`valuesFrom`
// in order, then `spec.values` over them, as helm-controller merges them).

/** What a release needs looked up in the input. @internal */
export interface ReleaseLookup {
  /** The object `kind` (of the Flux source group, or ConfigMap/Secret) named `name` in `namespace`. */
  find(kind: string, namespace: string | undefined, name: string): Manifest | undefined;
}

/** The chart of a release. @internal */
export interface ReleaseChart {
  /** The chart, when it is one the rulebook knows. */
  readonly known?: KnownChart;
  /** The chart's name, when the release or its source says. */
  readonly name?: string;
  /** The exact version, when it is written (not a range, not a template). */
  readonly version?: string;
  /** Where the version is written, for messages. */
  readonly versionField: string;
}

/** A HelmRelease, read. @internal */
export interface Release {
  readonly manifest: Manifest;
  /** The namespace Helm installs into: `spec.targetNamespace`, else the release's own. */
  readonly namespace?: string;
  readonly chart: ReleaseChart;
  /** The values as Helm will get them, as far as the input holds them. */
  readonly values: Record<string, any>;
  /** False when some `valuesFrom` source is not in the input (or cannot be read): keys may be set there. */
  readonly complete: boolean;
  /** Where the value at `path` is set: `spec.values.<path>`, or the `valuesFrom` entry that sets it. */
  originOf(path: string[]): string;
}

/** Reads a HelmRelease manifest. @internal */
export function readRelease(manifest: Manifest, lookup: ReleaseLookup): Release {
  const spec = digMap(manifest.object, 'spec') ?? {};
  const namespace = manifest.namespace;
  const chart = readChart(spec, namespace, lookup);
  const layers: Array<{ field: string; values: Record<string, any> }> = [];
  let complete = true;
  const valuesFrom = Array.isArray(spec.valuesFrom) ? spec.valuesFrom : [];
  valuesFrom.forEach((ref: any, i: number) => {
    const read = readValuesFrom(ref, namespace, lookup);
    if (read === undefined) {
      if (ref?.optional !== true) complete = false;
      return;
    }
    layers.push({ field: `spec.valuesFrom[${i}] (${ref.kind} ${ref.name}, ${ref.valuesKey ?? 'values.yaml'})`, values: read });
  });
  const inline = isPlainObject(spec.values) ? spec.values : {};
  layers.push({ field: 'spec.values', values: inline });
  const values = layers.reduce((acc, l) => deepMerge(acc, l.values), {} as Record<string, any>);
  return {
    manifest,
    namespace: digString(spec, 'targetNamespace') ?? namespace,
    chart,
    values,
    complete,
    originOf(path: string[]): string {
      for (let i = layers.length - 1; i >= 0; i--) {
        if (hasPath(layers[i].values, path)) return `${layers[i].field}.${path.join('.')}`;
      }
      return `spec.values.${path.join('.')}`;
    },
  };
}

function hasPath(values: unknown, path: string[]): boolean {
  let current: any = values;
  for (const step of path) {
    if (!isMap(current) || !Object.prototype.hasOwnProperty.call(current, step)) return false;
    current = current[step];
  }
  return true;
}

function readChart(spec: Record<string, any>, namespace: string | undefined, lookup: ReleaseLookup): ReleaseChart {
  const template = digMap(spec, 'chart', 'spec');
  if (template) {
    const name = digString(template, 'chart');
    const rawVersion = digString(template, 'version');
    const version = exactVersion(rawVersion);
    const ref = digMap(template, 'sourceRef') ?? {};
    const refName = typeof ref.name === 'string' ? ref.name : undefined;
    let known: KnownChart | undefined;
    if (ref.kind === 'HelmRepository' && refName !== undefined) {
      const repo = lookup.find('HelmRepository', typeof ref.namespace === 'string' ? ref.namespace : namespace, refName);
      const url = digString(repo?.object, 'spec', 'url');
      if (repo && url !== undefined) {
        // An OCI HelmRepository names the registry path; the chart is below it.
        known = chartAt(url, name);
      } else if (!repo && name !== undefined) {
        // The repository is defined elsewhere: the angelnu chart is still known by its documented
        // repository name; Cilium by its chart name.
        known = chartAt(undefined, name) ?? (refName === ANGELNU_CHART.repositoryName ? chartAt(ANGELNU_CHART.url, name) : undefined);
      }
    } else {
      known = chartAt(undefined, name);
    }
    return { known, name, version, versionField: 'spec.chart.spec.version' };
  }
  const chartRef = digMap(spec, 'chartRef');
  if (chartRef && chartRef.kind === 'OCIRepository' && typeof chartRef.name === 'string') {
    const source = lookup.find('OCIRepository', typeof chartRef.namespace === 'string' ? chartRef.namespace : namespace, chartRef.name);
    const url = digString(source?.object, 'spec', 'url');
    if (source && url !== undefined && !isTemplated(url)) {
      const tag = exactVersion(digString(source.object, 'spec', 'ref', 'tag'));
      const pinnedOtherwise = dig(source.object, 'spec', 'ref', 'digest') !== undefined || dig(source.object, 'spec', 'ref', 'semver') !== undefined;
      const where = `OCIRepository ${source.namespace ? `${source.namespace}/` : ''}${chartRef.name} spec.ref.tag`;
      return { known: ociChartAt(url), name: url.split('/').pop(), version: pinnedOtherwise ? undefined : tag, versionField: where };
    }
  }
  return { versionField: 'spec.chartRef' };
}

/** A version as written, when it names exactly one version (no range, no template). */
function exactVersion(version: string | undefined): string | undefined {
  if (version === undefined || isTemplated(version)) return undefined;
  const v = version.trim();
  return /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?$/.test(v) ? v : undefined;
}

/** The values a `valuesFrom` entry contributes, or undefined when its source cannot be read. */
function readValuesFrom(ref: any, namespace: string | undefined, lookup: ReleaseLookup): Record<string, any> | undefined {
  if (!isMap(ref) || (ref.kind !== 'ConfigMap' && ref.kind !== 'Secret') || typeof ref.name !== 'string') return undefined;
  const source = lookup.find(ref.kind, namespace, ref.name);
  if (!source) return undefined;
  const key = typeof ref.valuesKey === 'string' ? ref.valuesKey : 'values.yaml';
  const text = dataOf(source.object, key);
  if (text === undefined) return undefined;
  if (typeof ref.targetPath === 'string') {
    // `targetPath` sets one value; only plain dotted paths are read here.
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(ref.targetPath)) return undefined;
    return ref.targetPath.split('.').reduceRight<any>((inner, step) => ({ [step]: inner }), text);
  }
  try {
    const parsed = parseYaml()(text);
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `data[key]` of a ConfigMap, or of a Secret (`stringData`, or base64 `data`). */
function dataOf(object: any, key: string): string | undefined {
  const plain = dig(object, 'data', key);
  if (object?.kind === 'Secret') {
    const stringData = dig(object, 'stringData', key);
    if (typeof stringData === 'string') return stringData;
    return typeof plain === 'string' ? Buffer.from(plain, 'base64').toString('utf8') : undefined;
  }
  return typeof plain === 'string' ? plain : undefined;
}

/**
 * The YAML parser, loaded when a release first reads values from a ConfigMap: every app that uses
 * the library loads the rulebook at synth, and most never need it (it is a second copy of the
 * parser beside cdk8s's own, and costs a tenth of a second to load).
 */
function parseYaml(): (text: string) => unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('yaml') as { parse: (text: string) => unknown }).parse;
}

/** A HelmRelease as messages name it: `HelmRelease kube-system/multus`. @internal */
export function releaseLabel(r: Release): string {
  return `HelmRelease ${r.namespace ? `${r.namespace}/` : ''}${r.manifest.object.metadata?.name}`;
}

/** A release of a known Multus chart, with its profile and the version it is judged by. @internal */
export interface MultusRelease {
  readonly release: Release;
  readonly profile: MultusChartProfile;
  readonly version: string;
}

/** The Multus chart releases the rulebook judges (their profile's `judges`), with the version it judges them by. @internal */
export function multusReleases(releases: readonly Release[]): MultusRelease[] {
  const out: MultusRelease[] = [];
  for (const release of releases) {
    const version = release.chart.version;
    const profile = multusProfile(release.chart.known);
    if (version !== undefined && profile !== undefined && profile.judges(version)) out.push({ release, profile, version });
  }
  return out;
}
