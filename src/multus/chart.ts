import { Duration } from 'cdk8s';
import { Problems, invalid } from '../errors';
import { checkHelmRepositoryUrl, checkOciChartUrl, checkOciDigest } from '../flux/sources';
import { isPlainObject } from '../util/merge';
import { checkKnownProps, propsShape } from '../util/props';
import { checkDnsLabel } from '../util/validate';
import { ANGELNU_LAYOUTS, ANGELNU_MULTUS, BJW_S_MULTUS, DaemonContainer, HOME_OPERATIONS_MULTUS, MULTUS_CHARTS, MultusChartProfile } from '../knowledge/multus-charts';
import { SEMVER } from '../knowledge/versions';

/**
 * A family of Multus charts: whose chart it is, which Multus it runs, and the kind of Flux source it
 * is installed from. The families differ in everything the library writes (values keys, image,
 * source), so every `MultusChart` belongs to exactly one.
 */
export class MultusChartFamily {
  /**
   * angelnu's chart (https://github.com/angelnu/helm-charts, `charts/apps/multus`): the thick daemon
   * (`multus-daemon` in the pod, `multus-shim` on the node), from the Helm repository
   * https://angelnu.github.io/helm-charts, an index over HTTP (a Flux `HelmRepository`).
   */
  public static readonly ANGELNU = new MultusChartFamily(ANGELNU_MULTUS.family, ANGELNU_MULTUS.source.kind, ANGELNU_MULTUS.daemon === 'thick');

  /**
   * bjw-s-labs' chart (https://github.com/bjw-s-labs/helm-charts, `charts/other/multus`): the thin
   * plugin (`/thin_entrypoint` in the pod, the `multus` binary on the node), from the OCI registry
   * `oci://ghcr.io/bjw-s-labs/helm/multus` (a Flux `OCIRepository` and the HelmRelease's `chartRef`).
   */
  public static readonly BJW_S = new MultusChartFamily(BJW_S_MULTUS.family, BJW_S_MULTUS.source.kind, BJW_S_MULTUS.daemon === 'thick');

  /**
   * home-operations' chart (https://github.com/home-operations/helm-charts, `charts/multus`): the
   * thin plugin, a plain chart without the bjw-s common library, from the OCI registry
   * `oci://ghcr.io/home-operations/charts/multus` (a Flux `OCIRepository` and the HelmRelease's
   * `chartRef`).
   */
  public static readonly HOME_OPERATIONS = new MultusChartFamily(HOME_OPERATIONS_MULTUS.family, HOME_OPERATIONS_MULTUS.source.kind, HOME_OPERATIONS_MULTUS.daemon === 'thick');

  /** The family's name: `angelnu`, `bjw-s` or `home-operations`. */
  public readonly name: string;
  /** The kind of Flux source object the chart comes from: `HelmRepository` or `OCIRepository`. */
  public readonly sourceKind: string;
  /** True iff the chart runs the thick daemon (image tags `-thick`); false for the thin plugin. */
  public readonly thickDaemon: boolean;

  private constructor(name: string, sourceKind: string, thickDaemon: boolean) {
    this.name = name;
    this.sourceKind = sourceKind;
    this.thickDaemon = thickDaemon;
  }
}

/**
 * Where a chart's values put the Multus daemon's container.
 *
 * angelnu's and bjw-s-labs' charts are built on the bjw-s common library, whose values nest a
 * container under a controller name and a container name. angelnu's chart takes the daemon's image
 * and resources there, under names that changed between its chart lines; bjw-s-labs' chart takes
 * them under its own top-level key `multus` and fills its controller from them. home-operations'
 * chart has no library: it takes them at the top level (`image`, `resources`). Values under the
 * wrong names are silently ignored, so every chart version maps to exactly one layout.
 */
export class MultusValuesLayout {
  /** angelnu chart 6.0.x: `controllers.main.containers.main`. */
  public static readonly V6 = new MultusValuesLayout('V6', ANGELNU_LAYOUTS.V6.controller, ANGELNU_LAYOUTS.V6.container);
  /** angelnu chart 7.0.x: `controllers.multus.containers.multus`. */
  public static readonly V7 = new MultusValuesLayout('V7', ANGELNU_LAYOUTS.V7.controller, ANGELNU_LAYOUTS.V7.container);
  /**
   * bjw-s-labs chart 1.3.x: `multus.image`, `multus.resources` and `cni.netPath`, `cni.binPath`; the
   * chart renders them into its controller `multus`, container `multus`.
   */
  public static readonly BJW_S = new MultusValuesLayout('BJW_S', BJW_S_MULTUS.layoutOf(BJW_S_MULTUS.defaultVersion)!.controller, BJW_S_MULTUS.layoutOf(BJW_S_MULTUS.defaultVersion)!.container);
  /**
   * home-operations chart 0.1.x: top-level `image`, `resources`, `cni.netDir`, `cni.binDir` and
   * `tolerations`; its DaemonSet's container is `multus` (the chart has no controllers).
   */
  public static readonly HOME_OPERATIONS = new MultusValuesLayout('HOME_OPERATIONS', HOME_OPERATIONS_MULTUS.layoutOf(HOME_OPERATIONS_MULTUS.defaultVersion)!.controller, HOME_OPERATIONS_MULTUS.layoutOf(HOME_OPERATIONS_MULTUS.defaultVersion)!.container);

  /** The layout's name. */
  public readonly name: string;
  /** The daemon's controller in the chart (its key under `controllers`). */
  public readonly controller: string;
  /** The daemon container's key under `controllers.<controller>.containers`. */
  public readonly container: string;

  private constructor(name: string, controller: string, container: string) {
    this.name = name;
    this.controller = controller;
    this.container = container;
  }
}

/** The Multus chart profile (src/knowledge) of a chart family. @internal */
export function profileOf(family: MultusChartFamily): MultusChartProfile {
  return MULTUS_CHARTS.find((p) => p.family === family.name)!;
}

/** The public layout of a profile's daemon container. */
function layoutOf(container: DaemonContainer | undefined): MultusValuesLayout | undefined {
  if (container === undefined) return undefined;
  return [MultusValuesLayout.V7, MultusValuesLayout.V6].find((l) => l.controller === container.controller && l.container === container.container);
}

const ANGELNU = ANGELNU_MULTUS;
const DEFAULT_VERSION = ANGELNU.defaultVersion;
/** The angelnu versions whose values layout the library knows, newest first. */
const ANGELNU_KNOWN = ANGELNU.verifiedVersions.filter((v) => ANGELNU.accepts(v));

/** Options for `MultusChart.angelnu()`. */
export interface AngelnuChartOptions {
  /**
   * The exact chart version. Only versions whose values layout this library knows are accepted
   * (7.0.0, 6.0.4); 5.0.7 and 6.0.0-6.0.3 are refused because they install a broken Multus.
   * 7.0.0 is served on the bjw-s common library 5.0.1 since May 2026 (before: 4.6.2), which needs
   * Kubernetes 1.31 or newer; on older clusters use 6.0.4 (common 4.5.0). The values the install
   * writes render on every one of these builds.
   * @default '7.0.0'
   */
  readonly version?: string;

  /**
   * The values layout of a chart version this library does not know yet. Give it only after checking
   * the chart's `values.yaml`: values under the wrong names are silently ignored by the chart.
   * @default - the layout of a known version; unknown versions are refused
   */
  readonly valuesLayout?: MultusValuesLayout;

  /**
   * Name of the Flux HelmRepository.
   * @default 'angelnu'
   */
  readonly repositoryName?: string;

  /**
   * Namespace of the Flux HelmRepository.
   * @default - the Flux namespace of the install's scope: its FluxTree's `fluxNamespace`, else 'flux-system'
   */
  readonly repositoryNamespace?: string;

  /**
   * URL of the Helm repository. Without credentials: the URL is written to git; give Flux
   * credentials through a Secret (the HelmRepository's `spec.secretRef`).
   * @default 'https://angelnu.github.io/helm-charts'
   */
  readonly url?: string;

  /**
   * How often Flux refreshes the repository index.
   * @default Duration.hours(2)
   */
  readonly repositoryInterval?: Duration;

  /**
   * Set when the cluster already defines this HelmRepository (for example in a shared
   * `flux/repositories` tree): the release then refers to it and no HelmRepository is emitted, so
   * `url` and `repositoryInterval`, which only shape that object, are refused with it.
   * @default false - the HelmRepository is emitted with the release
   */
  readonly existingRepository?: boolean;
}

const ANGELNU_CHART_OPTIONS = propsShape<AngelnuChartOptions>('AngelnuChartOptions', {
  version: true, valuesLayout: true, repositoryName: true, repositoryNamespace: true, url: true, repositoryInterval: true, existingRepository: true,
});


/**
 * The Flux OCIRepository of a chart served from an OCI registry (`MultusChart.bjwS()`,
 * `MultusChart.homeOperations()`): one chart version, pinned by tag and, when given, by digest.
 */
export interface OciChartSourceOptions {
  /**
   * The digest of the chart version's OCI artifact (`sha256:` and 64 hex digits), written to the
   * OCIRepository's `ref.digest`. A chart version is no guarantee of its content: a version can be
   * published again with other content under the same tag. With a digest, Flux refuses anything but
   * the artifact it names; it is the only pin that survives such a re-publication.
   * @default - the tag alone (`ref.tag`)
   */
  readonly digest?: string;

  /**
   * Name of the Flux OCIRepository. It serves this one chart version.
   * @default 'multus'
   */
  readonly repositoryName?: string;

  /**
   * Namespace of the Flux OCIRepository.
   * @default - the Flux namespace of the install's scope: its FluxTree's `fluxNamespace`, else 'flux-system'
   */
  readonly repositoryNamespace?: string;

  /**
   * How often Flux checks the tag (and the digest) in the registry.
   * @default Duration.minutes(15)
   */
  readonly repositoryInterval?: Duration;
}

/** The keys of OciChartSourceOptions, which every OCI chart's options have. */
const OCI_SOURCE_KEYS = { digest: true, repositoryName: true, repositoryNamespace: true, repositoryInterval: true } as const;

/** Options for `MultusChart.bjwS()`. */
export interface BjwSChartOptions extends OciChartSourceOptions {
  /**
   * The exact chart version, of the 1.3 line (built on the bjw-s common library 5, with the values
   * keys `multus.image`, `multus.resources`, `cni.netPath`, `cni.binPath`). The library was checked
   * against the rendered sources of 1.3.0 and 1.3.1; public clusters run 1.3.2 and 1.3.3 with the
   * same keys. Other lines are refused.
   * @default '1.3.1'
   */
  readonly version?: string;

  /**
   * The chart's OCI repository, without a tag.
   * @default 'oci://ghcr.io/bjw-s-labs/helm/multus'
   */
  readonly url?: string;
}

const BJW_S_CHART_OPTIONS = propsShape<BjwSChartOptions>('BjwSChartOptions', { version: true, url: true, ...OCI_SOURCE_KEYS });

/** Options for `MultusChart.homeOperations()`. */
export interface HomeOperationsChartOptions extends OciChartSourceOptions {
  /**
   * The exact chart version, of the 0.1 line. The library was checked against the rendered source
   * of 0.1.0 (home-operations/helm-charts, tag `multus-0.1.0`). Other lines are refused.
   * @default '0.1.0'
   */
  readonly version?: string;

  /**
   * The chart's OCI repository, without a tag.
   * @default 'oci://ghcr.io/home-operations/charts/multus'
   */
  readonly url?: string;
}

const HOME_OPERATIONS_CHART_OPTIONS = propsShape<HomeOperationsChartOptions>('HomeOperationsChartOptions', { version: true, url: true, ...OCI_SOURCE_KEYS });

/** The Helm chart that installs Multus, and the Flux source (HelmRepository or OCIRepository) it comes from. */
export class MultusChart {
  /**
   * Chart `multus` from angelnu's Helm repository (https://angelnu.github.io/helm-charts), installed
   * through a Flux HelmRepository and the HelmRelease's `spec.chart`. It runs the thick daemon. A
   * Helm repository over HTTP cannot be pinned by digest: the same version may be served again with
   * other content, as 7.0.0 was.
   *
   * @example
   * MultusChart.angelnu();                        // 7.0.0, HelmRepository angelnu in the Flux namespace
   * MultusChart.angelnu({ version: '6.0.4' });    // clusters older than Kubernetes 1.31
   */
  public static angelnu(options: AngelnuChartOptions = {}): MultusChart {
    options = options ?? {};
    if (!isPlainObject(options)) {
      invalid({ field: 'chart', value: options, hint: "give an options object, e.g. MultusChart.angelnu({ version: '7.0.0' })" });
    }
    checkKnownProps('chart', options, ANGELNU_CHART_OPTIONS);
    const version = options.version ?? DEFAULT_VERSION;
    const layout = resolveLayout(version, options.valuesLayout);
    const repositoryName = options.repositoryName ?? ANGELNU.source.repositoryName;
    const repositoryNamespace = options.repositoryNamespace;
    checkDnsLabel('chart.repositoryName', repositoryName);
    if (repositoryNamespace !== undefined) checkDnsLabel('chart.repositoryNamespace', repositoryNamespace);
    const url = options.url ?? ANGELNU.source.url;
    checkHelmRepositoryUrl('chart.url', url, ANGELNU.source.url);
    if (options.repositoryInterval !== undefined && !(options.repositoryInterval instanceof Duration)) {
      invalid({ field: 'chart.repositoryInterval', value: options.repositoryInterval, hint: 'give a cdk8s Duration, e.g. Duration.hours(2)' });
    }
    if (options.existingRepository === true) {
      // Both shape only the HelmRepository the install writes; with existingRepository none is
      // written, and either would be silently ignored.
      const problems = new Problems();
      for (const key of ['url', 'repositoryInterval'] as const) {
        const value = options[key];
        if (value === undefined) continue;
        problems.check(() => invalid({ field: `chart.${key}`, value: value instanceof Duration ? value.toHumanString() : value, hint: `it is written to the HelmRepository, and with existingRepository none is written: the install uses the existing repository's; leave ${key} out, or leave existingRepository out`, problem: 'cannot apply to an existing repository' }));
      }
      problems.throwIfAny();
    }
    return new MultusChart({
      family: MultusChartFamily.ANGELNU,
      chart: ANGELNU.source.chart,
      version,
      layout,
      repositoryName,
      repositoryNamespace,
      url,
      repositoryInterval: options.repositoryInterval ?? Duration.hours(2),
      existingRepository: options.existingRepository ?? false,
    });
  }

  /**
   * Chart `multus` of bjw-s-labs (https://github.com/bjw-s-labs/helm-charts, `charts/other/multus`)
   * from the OCI registry `oci://ghcr.io/bjw-s-labs/helm/multus`, installed as the public home-ops
   * repositories install it: a Flux OCIRepository (source.toolkit.fluxcd.io/v1, `ref.tag`, and
   * `ref.digest` when pinned) and a HelmRelease with `spec.chartRef`. It runs the thin Multus plugin.
   *
   * The chart binds its ClusterRole to a ServiceAccount that exists only when the release is named
   * `multus`, and writes the plugin's kubeconfig path as `/etc/cni/net.d/...` into the node's
   * config: `MultusInstall` refuses another release name and another CNI config directory.
   *
   * @example
   * MultusChart.bjwS();                                    // 1.3.1, OCIRepository multus in the Flux namespace
   * MultusChart.bjwS({ version: '1.3.3', digest: 'sha256:...' }); // pinned to the artifact
   */
  public static bjwS(options: BjwSChartOptions = {}): MultusChart {
    return ociChart(BJW_S_MULTUS, MultusChartFamily.BJW_S, MultusValuesLayout.BJW_S, options, BJW_S_CHART_OPTIONS,
      'its values layout (multus.image, cni.netPath, cni.binPath) and its ServiceAccount on common 5 are what this library writes for; other lines differ');
  }

  /**
   * Chart `multus` of home-operations (https://github.com/home-operations/helm-charts,
   * `charts/multus`) from the OCI registry `oci://ghcr.io/home-operations/charts/multus`, as
   * onedr0p/home-ops installs it: a Flux OCIRepository (`ref.tag`, and `ref.digest` when pinned) and
   * a HelmRelease with `spec.chartRef`. It runs the thin Multus plugin, without the bjw-s common
   * library: the install writes `image`, `resources`, `cni.netDir`/`cni.binDir`, the daemon's
   * tolerations (the chart reads them; its default keeps the daemon on `CriticalAddonsOnly` nodes
   * alone), its plugin installer (`cniPlugins.enabled`, off only where the cluster's nodes carry the
   * reference plugins) and its API token (`serviceAccount.automount`).
   *
   * The thin plugin names its kubeconfig under `/etc/cni/net.d` in the node's `00-multus.conf`:
   * `MultusInstall` refuses another CNI config directory.
   *
   * @example
   * MultusChart.homeOperations();                                      // 0.1.0, OCIRepository multus in the Flux namespace
   * MultusChart.homeOperations({ version: '0.1.0', digest: 'sha256:...' }); // pinned to the artifact
   */
  public static homeOperations(options: HomeOperationsChartOptions = {}): MultusChart {
    return ociChart(HOME_OPERATIONS_MULTUS, MultusChartFamily.HOME_OPERATIONS, MultusValuesLayout.HOME_OPERATIONS, options, HOME_OPERATIONS_CHART_OPTIONS,
      'its values (image, resources, cni.netDir, cni.binDir, tolerations) are what this library writes for; other lines may differ');
  }

  /** @internal */
  public static _of(p: ChartParts): MultusChart {
    return new MultusChart(p);
  }

  /** The chart's family: whose chart it is, which daemon it runs, which Flux source it comes from. */
  public readonly family: MultusChartFamily;
  /** The chart's name in its repository. */
  public readonly chart: string;
  /** The exact chart version (for an OCIRepository, its `ref.tag`). */
  public readonly version: string;
  /** The digest the chart's OCI artifact is pinned to (`ref.digest`); undefined when unpinned or not from OCI. */
  public readonly digest?: string;
  /** Where this version's values put the daemon container. */
  public readonly layout: MultusValuesLayout;
  /** Name of the Flux source object (HelmRepository or OCIRepository). */
  public readonly repositoryName: string;
  /** Namespace of the Flux source object; undefined for the Flux namespace of the install's scope. */
  public readonly repositoryNamespace?: string;
  /** URL of the Helm repository, or of the chart's OCI repository. */
  public readonly url: string;
  /** How often Flux refreshes the repository index (or checks the OCI tag). */
  public readonly repositoryInterval: Duration;
  /** Whether the HelmRepository already exists in the cluster (and is not emitted). */
  public readonly existingRepository: boolean;

  private constructor(p: ChartParts) {
    this.family = p.family;
    this.chart = p.chart;
    this.version = p.version;
    this.digest = p.digest;
    this.layout = p.layout;
    this.repositoryName = p.repositoryName;
    this.repositoryNamespace = p.repositoryNamespace;
    this.url = p.url;
    this.repositoryInterval = p.repositoryInterval;
    this.existingRepository = p.existingRepository;
  }
}

/** What a MultusChart is made of. */
interface ChartParts {
  family: MultusChartFamily; chart: string; version: string; digest?: string; layout: MultusValuesLayout; repositoryName: string;
  repositoryNamespace?: string; url: string; repositoryInterval: Duration; existingRepository: boolean;
}

/** The options every chart from an OCI registry takes: its source, and the chart's version and URL. */
interface OciChartOptions extends OciChartSourceOptions {
  readonly version?: string;
  readonly url?: string;
}

/**
 * A chart from an OCI registry (a Flux OCIRepository and `chartRef`), from its profile: every
 * refused option reported at once.
 */
function ociChart(profile: MultusChartProfile, family: MultusChartFamily, layout: MultusValuesLayout, options: OciChartOptions, shape: ReturnType<typeof propsShape>, why: string): MultusChart {
  const factory = profile.factory.replace(/\(\)$/, '');
  options = options ?? {};
  if (!isPlainObject(options)) {
    invalid({ field: 'chart', value: options, hint: `give an options object, e.g. ${factory}({ version: '${profile.defaultVersion}' })` });
  }
  checkKnownProps('chart', options, shape);
  const problems = new Problems();
  const version = options.version ?? profile.defaultVersion;
  problems.check(() => {
    if (typeof version !== 'string' || !profile.accepts(version)) {
      const line = profile.defaultVersion.split('.').slice(0, 2).join('.');
      invalid({ field: 'chart.version', value: version, hint: `pin an exact version of the ${line} line, e.g. '${profile.defaultVersion}': ${why}` });
    }
  });
  if (options.digest !== undefined) problems.check(() => checkOciDigest('chart.digest', options.digest!));
  const repositoryName = options.repositoryName ?? profile.source.repositoryName;
  problems.check(() => checkDnsLabel('chart.repositoryName', repositoryName));
  const repositoryNamespace = options.repositoryNamespace;
  if (repositoryNamespace !== undefined) problems.check(() => checkDnsLabel('chart.repositoryNamespace', repositoryNamespace));
  const url = options.url ?? profile.source.url;
  problems.check(() => checkOciChartUrl('chart.url', url, profile.source.url));
  problems.check(() => {
    if (options.repositoryInterval !== undefined && !(options.repositoryInterval instanceof Duration)) {
      invalid({ field: 'chart.repositoryInterval', value: options.repositoryInterval, hint: 'give a cdk8s Duration, e.g. Duration.minutes(15)' });
    }
  });
  problems.throwIfAny();
  return MultusChart._of({
    family,
    // The chart's name is the last segment of its OCI repository.
    chart: url.slice(url.lastIndexOf('/') + 1),
    version,
    digest: options.digest,
    layout,
    repositoryName,
    repositoryNamespace,
    url,
    repositoryInterval: options.repositoryInterval ?? Duration.minutes(15),
    existingRepository: false,
  });
}

function resolveLayout(version: string, explicit?: MultusValuesLayout): MultusValuesLayout {
  if (explicit !== undefined && (!(explicit instanceof MultusValuesLayout) || explicit === MultusValuesLayout.BJW_S || explicit === MultusValuesLayout.HOME_OPERATIONS)) {
    invalid({ field: 'chart.valuesLayout', value: explicit instanceof MultusValuesLayout ? explicit.name : explicit, hint: 'use MultusValuesLayout.V7 (controllers.multus) or MultusValuesLayout.V6 (controllers.main); BJW_S is the layout of MultusChart.bjwS(), HOME_OPERATIONS of MultusChart.homeOperations()' });
  }
  const known = ANGELNU_KNOWN.join(', ');
  if (typeof version !== 'string' || !SEMVER.test(version)) {
    invalid({ field: 'chart.version', value: version, hint: `pin an exact chart version (${known}): a range would let Flux move to a chart whose values layout differs` });
  }
  const refused = Object.prototype.hasOwnProperty.call(ANGELNU.refusedVersions, version) ? ANGELNU.refusedVersions[version] : undefined;
  if (refused) {
    invalid({ field: 'chart.version', value: version, hint: `this version ${refused}; use '${DEFAULT_VERSION}' (Kubernetes >= 1.31) or '6.0.4'`, problem: 'must not be installed' });
  }
  const layout = layoutOf(ANGELNU.layoutOf(version));
  if (layout) {
    if (explicit && explicit !== layout) {
      invalid({ field: 'chart.valuesLayout', value: explicit.name, hint: `chart ${version} uses layout ${layout.name}; leave valuesLayout out for known versions` });
    }
    return layout;
  }
  if (Number(version.split('.')[0]) < 6) {
    invalid({ field: 'chart.version', value: version, hint: `charts before 6.0 use a values layout without controllers that this library does not write; use '${DEFAULT_VERSION}' or '6.0.4'` });
  }
  if (!explicit) {
    invalid({ field: 'chart.version', value: version, hint: `its values layout is unknown to this library (known: ${known}); use one of those, or check the chart's values.yaml and pass valuesLayout: MultusValuesLayout.V7 (controllers.multus) or MultusValuesLayout.V6 (controllers.main)` });
  }
  return explicit;
}
