import { Duration } from 'cdk8s';
import { APP_TEMPLATE_DEFAULT_VERSION, APP_TEMPLATE_HELM, APP_TEMPLATE_OCI, APP_TEMPLATE_VERSIONS } from '../knowledge/app-template';
import { SEMVER } from '../knowledge/versions';
import { IConstruct } from 'constructs';
import { Problems, invalid } from '../errors';
import { checkHelmRepositoryUrl, checkOciChartUrl, checkOciDigest } from '../flux/sources';
import { isPlainObject } from '../util/merge';
import { checkDnsLabel } from '../util/validate';
import { checkKnownProps, propsShape } from '../util/props';

/** The keys of `AppTemplateSourceOptions` (util/props). @internal */
export const SOURCE_OPTIONS = propsShape<AppTemplateSourceOptions>('AppTemplateSourceOptions', { name: true, namespace: true, interval: true, existing: true });

/** The keys of `AppTemplateOciSourceOptions` (util/props). @internal */
export const OCI_SOURCE_OPTIONS = propsShape<AppTemplateOciSourceOptions>('AppTemplateOciSourceOptions', {
  url: true, digest: true, name: true, namespace: true, interval: true, existing: true,
});

/** The keys of `AppTemplateHelmSourceOptions` (util/props). @internal */
export const HELM_SOURCE_OPTIONS = propsShape<AppTemplateHelmSourceOptions>('AppTemplateHelmSourceOptions', {
  url: true, name: true, namespace: true, interval: true, existing: true,
});

/** The keys of `AppTemplateChartOptions` (util/props). @internal */
export const CHART_OPTIONS = propsShape<AppTemplateChartOptions>('AppTemplateChartOptions', { version: true, valuesLayout: true, source: true });

// The bjw-s app-template chart: which versions the library writes values for, their values
// layout, and the Flux source the chart comes from (an OCI registry or an HTTP Helm repository).

/**
 * The values layout of an app-template major version: what differs between 4.x and 5.x for the
 * values a release writes.
 *
 * Both read a controller's pod annotations at `controllers.<name>.pod.annotations`, its
 * `replicas` and `strategy` (a string) at `controllers.<name>`, and a container at
 * `controllers.<name>.containers.<container>`: everything this library renders is the same in
 * both. What differs (https://bjw-s-labs.github.io/helm-charts/docs/app-template/upgrades/4-to-5/):
 * 5.x takes each `rawResources.<name>` under a `manifest:` key (4.x refuses that key), creates a
 * ServiceAccount per release and mounts no ServiceAccount token by default
 * (`automountServiceAccountToken: false`), and its common library 5 documents Kubernetes 1.31
 * or newer.
 */
export class AppTemplateValuesLayout {
  /** app-template 4.x (common library 4): `rawResources.<name>` is the object itself. */
  public static readonly V4 = new AppTemplateValuesLayout('V4', 4);
  /** app-template 5.x (common library 5): `rawResources.<name>.manifest` holds the object. */
  public static readonly V5 = new AppTemplateValuesLayout('V5', 5);

  /** The layout's name (`V4`, `V5`). */
  public readonly name: string;
  /** The chart's major version this layout belongs to. */
  public readonly major: number;

  private constructor(name: string, major: number) {
    this.name = name;
    this.major = major;
  }
}

/**
 * Chart versions whose values schema the library has checked everything it writes against, newest
 * first. The newest 5.x of them is the default.
 */
const KNOWN_VERSIONS: Record<string, AppTemplateValuesLayout> = Object.fromEntries(
  Object.entries(APP_TEMPLATE_VERSIONS).map(([v, { major }]) => [v, major === 5 ? AppTemplateValuesLayout.V5 : AppTemplateValuesLayout.V4]),
);
const DEFAULT_VERSION = APP_TEMPLATE_DEFAULT_VERSION;

const OCI_URL = APP_TEMPLATE_OCI.url;
const HELM_URL = APP_TEMPLATE_HELM.url;

/** The kinds of Flux source the chart can come from. */
export enum AppTemplateSourceKind {
  /** A Flux `OCIRepository` serving one chart version from an OCI registry; the HelmRelease names it in `spec.chartRef`. */
  OCI_REPOSITORY = 'OCIRepository',
  /** A Flux `HelmRepository` (an `index.yaml` over HTTP); the HelmRelease names it in `spec.chart.spec.sourceRef`. */
  HELM_REPOSITORY = 'HelmRepository',
}

/** Options of both kinds of `AppTemplateSource`. */
export interface AppTemplateSourceOptions {
  /**
   * Name of the Flux source object. Releases that declare the same source share one object; an
   * `OCIRepository` serves exactly one chart version, so releases on different versions need
   * sources of different names.
   * @default - 'app-template' for `oci()`, 'bjw-s' for `helmRepository()`
   */
  readonly name?: string;

  /**
   * Namespace of the Flux source object.
   * @default - the Flux namespace of the release's scope: its FluxTree's `fluxNamespace`, else 'flux-system'
   */
  readonly namespace?: string;

  /**
   * How often Flux checks the source for a new artifact.
   * @default Duration.hours(2)
   */
  readonly interval?: Duration;

  /**
   * Set when the cluster already defines this source (for example in a shared `flux/repositories`
   * tree): the release refers to it and no source object is written, so `url`, `digest` and
   * `interval`, which only shape that object, are refused with it.
   * @default false - the source is written with the release
   */
  readonly existing?: boolean;
}

/** Options of `AppTemplateSource.oci()`. */
export interface AppTemplateOciSourceOptions extends AppTemplateSourceOptions {
  /**
   * The chart's OCI repository, without a tag (the chart version is the OCIRepository's `ref.tag`).
   * @default 'oci://ghcr.io/bjw-s-labs/helm/app-template'
   */
  readonly url?: string;

  /**
   * The digest of the chart version (`sha256:` and 64 hex digits, from `crane digest` or
   * `oras resolve`): Flux then refuses any other content under the same version. A chart version
   * alone does not pin its content: a version can be published again.
   * @default - the version's tag only
   */
  readonly digest?: string;
}

/** Options of `AppTemplateSource.helmRepository()`. */
export interface AppTemplateHelmSourceOptions extends AppTemplateSourceOptions {
  /**
   * URL of the Helm repository.
   * @default 'https://bjw-s-labs.github.io/helm-charts'
   */
  readonly url?: string;
}

/**
 * Where Flux gets the app-template chart from.
 *
 * @example
 * AppTemplateSource.oci();                                  // OCIRepository app-template, oci://ghcr.io/bjw-s-labs/helm/app-template
 * AppTemplateSource.oci({ digest: 'sha256:...' });          // the same, pinned to the version's content
 * AppTemplateSource.helmRepository();                       // HelmRepository bjw-s, https://bjw-s-labs.github.io/helm-charts
 */
export class AppTemplateSource {
  /**
   * The chart from its OCI registry (`oci://ghcr.io/bjw-s-labs/helm/app-template`), through a Flux
   * `OCIRepository` that serves the release's chart version, named in the HelmRelease's
   * `spec.chartRef`. The default: what the chart's author and most public home-ops repositories use,
   * and the only source that can be pinned by digest.
   */
  public static oci(options: AppTemplateOciSourceOptions = {}): AppTemplateSource {
    options = checkOptions(options, 'AppTemplateSource.oci({ digest: "sha256:..." })');
    const problems = new Problems();
    problems.check(() => checkKnownProps('chart.source', options, OCI_SOURCE_OPTIONS));
    const url = options.url ?? OCI_URL;
    problems.check(() => checkOciChartUrl('chart.source.url', url, OCI_URL));
    if (options.digest !== undefined) problems.check(() => checkOciDigest('chart.source.digest', options.digest!));
    problems.check(() => checkOptionsApply(options));
    const common = problems.check(() => commonOptions(options, 'app-template'));
    problems.throwIfAny();
    return new AppTemplateSource(AppTemplateSourceKind.OCI_REPOSITORY, url, common!, options.digest);
  }

  /**
   * The chart from the HTTP Helm repository `https://bjw-s-labs.github.io/helm-charts`, through a
   * Flux `HelmRepository` (shared by every release of the repository, whatever their versions),
   * named in the HelmRelease's `spec.chart.spec.sourceRef`. It cannot be pinned by digest.
   */
  public static helmRepository(options: AppTemplateHelmSourceOptions = {}): AppTemplateSource {
    options = checkOptions(options, 'AppTemplateSource.helmRepository({ name: "bjw-s" })');
    const problems = new Problems();
    // A digest gets its own refusal below, which says why a HelmRepository cannot take one.
    const { digest: _digest, ...known } = options as AppTemplateOciSourceOptions;
    problems.check(() => checkKnownProps('chart.source', known, HELM_SOURCE_OPTIONS));
    const url = options.url ?? HELM_URL;
    problems.check(() => checkHelmRepositoryUrl('chart.source.url', url, HELM_URL));
    if ((options as AppTemplateOciSourceOptions).digest !== undefined) {
      problems.check(() => invalid({ field: 'chart.source.digest', value: (options as AppTemplateOciSourceOptions).digest, hint: 'a HelmRepository cannot pin a chart by digest; use AppTemplateSource.oci({ digest }) to pin the content', problem: 'cannot be honoured' }));
    }
    problems.check(() => checkOptionsApply(known));
    const common = problems.check(() => commonOptions(options, 'bjw-s'));
    problems.throwIfAny();
    return new AppTemplateSource(AppTemplateSourceKind.HELM_REPOSITORY, url, common!);
  }

  /** The kind of Flux source object. */
  public readonly kind: AppTemplateSourceKind;
  /** The chart's OCI repository, or the Helm repository's URL. */
  public readonly url: string;
  /** Name of the Flux source object. */
  public readonly name: string;
  /** Namespace of the Flux source object; undefined for the Flux namespace of the release's scope. */
  public readonly namespace?: string;
  /** How often Flux checks the source. */
  public readonly interval: Duration;
  /** Whether the cluster already defines the source (and it is not written). */
  public readonly existing: boolean;
  /** The digest the OCIRepository pins, if any. */
  public readonly digest?: string;

  private constructor(kind: AppTemplateSourceKind, url: string, common: CommonOptions, digest?: string) {
    this.kind = kind;
    this.url = url;
    this.name = common.name;
    this.namespace = common.namespace;
    this.interval = common.interval;
    this.existing = common.existing;
    this.digest = digest;
  }
}

/** Options of `AppTemplateChart.bjwS()`. */
export interface AppTemplateChartOptions {
  /**
   * The exact chart version. The library knows the versions whose values schema it has checked
   * its values against: 5.0.0 and 4.1.1. Any other 5.x or 4.x needs `valuesLayout`, given after
   * checking that version's values schema. 5.x needs Kubernetes 1.31 or newer (its common library
   * says so); on older clusters use 4.1.1.
   * @default '5.0.0' - the newest 5.x the library knows
   */
  readonly version?: string;

  /**
   * The values layout of a version the library does not know: `AppTemplateValuesLayout.V5` for a
   * 5.x, `V4` for a 4.x. Give it only after checking the version's `values.schema.json`: the chart
   * refuses values under keys its schema does not have.
   * @default - the layout of a known version; other versions are refused
   */
  readonly valuesLayout?: AppTemplateValuesLayout;

  /**
   * Where Flux gets the chart.
   * @default AppTemplateSource.oci() - OCIRepository app-template in the Flux namespace
   */
  readonly source?: AppTemplateSource;
}

/** The bjw-s app-template chart: its version, values layout and Flux source. */
export class AppTemplateChart {
  /**
   * bjw-s app-template (https://github.com/bjw-s-labs/helm-charts, `charts/other/app-template`).
   *
   * @example
   * AppTemplateChart.bjwS();                                   // 5.0.0 from oci://ghcr.io/bjw-s-labs/helm/app-template
   * AppTemplateChart.bjwS({ version: '4.1.1' });               // Kubernetes older than 1.31
   * AppTemplateChart.bjwS({ version: '5.2.1', valuesLayout: AppTemplateValuesLayout.V5 }); // a newer 5.x, its schema checked
   * AppTemplateChart.bjwS({ source: AppTemplateSource.helmRepository() });                  // HelmRepository bjw-s
   */
  public static bjwS(options: AppTemplateChartOptions = {}): AppTemplateChart {
    options = checkOptions(options, "AppTemplateChart.bjwS({ version: '5.0.0' })");
    const problems = new Problems();
    problems.check(() => checkKnownProps('chart', options, CHART_OPTIONS));
    const version = options.version ?? DEFAULT_VERSION;
    const layout = problems.check(() => resolveLayout(version, options.valuesLayout));
    const source = options.source ?? AppTemplateSource.oci();
    if (!(source instanceof AppTemplateSource)) {
      problems.check(() => invalid({ field: 'chart.source', value: source, hint: 'give AppTemplateSource.oci() or AppTemplateSource.helmRepository()' }));
    }
    problems.throwIfAny();
    return new AppTemplateChart(version, layout!, source);
  }

  /** The chart's name (in its Helm repository, and the last part of its OCI repository). */
  public readonly chart = 'app-template';
  /** The exact chart version. */
  public readonly version: string;
  /** The values layout of that version. */
  public readonly layout: AppTemplateValuesLayout;
  /** Where Flux gets the chart. */
  public readonly source: AppTemplateSource;

  private constructor(version: string, layout: AppTemplateValuesLayout, source: AppTemplateSource) {
    this.version = version;
    this.layout = layout;
    this.source = source;
  }
}

interface CommonOptions {
  readonly name: string;
  readonly namespace?: string;
  readonly interval: Duration;
  readonly existing: boolean;
}

/**
 * The source options that only shape the source object the release writes: with `existing`, no
 * object is written, and each of them would be silently ignored (a digest that pins nothing).
 */
const WRITTEN_SOURCE_ONLY: Readonly<Record<string, string>> = {
  digest: 'the digest is written to the OCIRepository\'s ref.digest, and with existing no OCIRepository is written: nothing would be pinned; pin the digest where the source is declared',
  url: 'the URL is written to the source object, and with existing none is written: the release uses the existing source\'s URL',
  interval: 'the interval is written to the source object, and with existing none is written',
};

/** Refuses, all at once, the options that cannot apply to an existing source (`WRITTEN_SOURCE_ONLY`). */
function checkOptionsApply(options: AppTemplateOciSourceOptions): void {
  if (options.existing !== true) return;
  const problems = new Problems();
  for (const [key, why] of Object.entries(WRITTEN_SOURCE_ONLY)) {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    problems.check(() => invalid({ field: `chart.source.${key}`, value: value instanceof Duration ? value.toHumanString() : value, hint: `${why}; leave ${key} out, or leave existing out so that the release writes the source`, problem: 'cannot apply to an existing source' }));
  }
  problems.throwIfAny();
}

function checkOptions<T>(options: T, example: string): T {
  const o = options ?? {};
  if (!isPlainObject(o)) invalid({ field: 'chart', value: o, hint: `give an options object, e.g. ${example}` });
  return o as T;
}

function commonOptions(options: AppTemplateSourceOptions, defaultName: string, scope?: IConstruct): CommonOptions {
  const problems = new Problems();
  const name = options.name ?? defaultName;
  problems.check(() => checkDnsLabel('chart.source.name', name, scope));
  if (options.namespace !== undefined) problems.check(() => checkDnsLabel('chart.source.namespace', options.namespace!, scope));
  if (options.interval !== undefined && !(options.interval instanceof Duration)) {
    problems.check(() => invalid({ field: 'chart.source.interval', value: options.interval, hint: 'give a cdk8s Duration, e.g. Duration.hours(2)', scope }));
  }
  if (options.existing !== undefined && typeof options.existing !== 'boolean') {
    problems.check(() => invalid({ field: 'chart.source.existing', value: options.existing, hint: 'use true or false', scope }));
  }
  problems.throwIfAny();
  return { name, namespace: options.namespace, interval: options.interval ?? Duration.hours(2), existing: options.existing ?? false };
}

/**
 * The values layout of `version`: the known layout of a version whose schema the library checked,
 * or the explicit one of another version of the same major. Refuses ranges, majors before 4 and
 * after 5, and unknown versions without a layout.
 */
function resolveLayout(version: string, explicit?: AppTemplateValuesLayout): AppTemplateValuesLayout {
  if (explicit !== undefined && !(explicit instanceof AppTemplateValuesLayout)) {
    invalid({ field: 'chart.valuesLayout', value: explicit, hint: 'use AppTemplateValuesLayout.V5 (app-template 5.x) or AppTemplateValuesLayout.V4 (4.x)' });
  }
  const known = Object.keys(KNOWN_VERSIONS).join(', ');
  if (typeof version !== 'string' || !SEMVER.test(version)) {
    invalid({ field: 'chart.version', value: version, hint: `pin an exact chart version (${known}): a range would let Flux move to a chart whose values schema the library has not checked` });
  }
  const major = Number(version.split('.')[0]);
  const layout = KNOWN_VERSIONS[version];
  if (layout) {
    if (explicit && explicit !== layout) {
      invalid({ field: 'chart.valuesLayout', value: explicit.name, hint: `app-template ${version} uses layout ${layout.name}; leave valuesLayout out for the versions the library knows` });
    }
    return layout;
  }
  if (major < 4 || major > 5) {
    invalid({ field: 'chart.version', value: version, hint: `the library writes values for app-template 4.x and 5.x only (known: ${known}); use '${DEFAULT_VERSION}', or '4.1.1' on Kubernetes older than 1.31`, problem: 'is not supported' });
  }
  if (!explicit) {
    invalid({ field: 'chart.version', value: version, hint: `the library has not checked this version's values schema (known: ${known}); use one of those, or check its values.schema.json and pass valuesLayout: AppTemplateValuesLayout.V${major}`, problem: 'is not known' });
  }
  if (explicit.major !== major) {
    invalid({ field: 'chart.valuesLayout', value: explicit.name, hint: `app-template ${version} is a ${major}.x: use AppTemplateValuesLayout.V${major}` });
  }
  return explicit;
}
