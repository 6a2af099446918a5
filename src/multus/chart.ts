import { Duration } from 'cdk8s';
import { invalid } from '../errors';
import { checkHelmRepositoryUrl } from '../flux/sources';
import { isPlainObject } from '../util/merge';
import { checkDnsLabel } from '../util/validate';

/**
 * Where a chart's values put the Multus daemon's container.
 *
 * The angelnu chart is built on the bjw-s common library, whose values nest the container under
 * a controller name and a container name. Those names changed between chart lines, and values
 * under the wrong names are silently ignored, so every chart version maps to exactly one layout.
 */
export class MultusValuesLayout {
  /** Chart 6.0.x: `controllers.main.containers.main`. */
  public static readonly V6 = new MultusValuesLayout('V6', 'main', 'main');
  /** Chart 7.0.x: `controllers.multus.containers.multus`. */
  public static readonly V7 = new MultusValuesLayout('V7', 'multus', 'multus');

  /** The layout's name. */
  public readonly name: string;
  /** The controller's key under `controllers`. */
  public readonly controller: string;
  /** The daemon container's key under `controllers.<controller>.containers`. */
  public readonly container: string;

  private constructor(name: string, controller: string, container: string) {
    this.name = name;
    this.controller = controller;
    this.container = container;
  }
}

/** Chart versions whose values layout this library knows, newest first. */
/** @internal */ export const KNOWN_VERSIONS: Record<string, MultusValuesLayout> = {
  '7.0.0': MultusValuesLayout.V7,
  '6.0.4': MultusValuesLayout.V6,
};

/** Versions that exist but must not be installed, with the reason. */
/** @internal */ export const REFUSED_VERSIONS: Record<string, string> = {
  '5.0.7': 'was re-published in place (Dec 2025) on a new library: it ignores `image`, `resources` and `tolerations`, and its namespaced Role makes Multus fail for pods outside the release namespace',
  '6.0.0': 'grants Multus a namespaced Role (fixed in 6.0.1) and misplaces `privileged` (fixed by 6.0.4)',
  '6.0.1': 'misplaces `privileged` (fixed by 6.0.4)',
  '6.0.2': 'misplaces `privileged` (fixed by 6.0.4)',
  '6.0.3': 'misplaces `privileged` (fixed by 6.0.4)',
};

const DEFAULT_VERSION = '7.0.0';
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Options for `MultusChart.angelnu()`. */
export interface AngelnuChartOptions {
  /**
   * The exact chart version. Only versions whose values layout this library knows are accepted
   * (7.0.0, 6.0.4); 5.0.7 and 6.0.0-6.0.3 are refused because they install a broken Multus.
   * 7.0.0 needs Kubernetes 1.31 or newer; on older clusters use 6.0.4.
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
   * URL of the Helm repository.
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
   * `flux/repositories` tree): the release then refers to it and no HelmRepository is emitted.
   * @default false - the HelmRepository is emitted with the release
   */
  readonly existingRepository?: boolean;
}

/** The Helm chart that installs Multus, and the Flux HelmRepository it comes from. */
export class MultusChart {
  /**
   * Chart `multus` from angelnu's Helm repository (https://angelnu.github.io/helm-charts).
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
    const version = options.version ?? DEFAULT_VERSION;
    const layout = resolveLayout(version, options.valuesLayout);
    const repositoryName = options.repositoryName ?? 'angelnu';
    const repositoryNamespace = options.repositoryNamespace;
    checkDnsLabel('chart.repositoryName', repositoryName);
    if (repositoryNamespace !== undefined) checkDnsLabel('chart.repositoryNamespace', repositoryNamespace);
    const url = options.url ?? 'https://angelnu.github.io/helm-charts';
    checkHelmRepositoryUrl('chart.url', url, 'https://angelnu.github.io/helm-charts');
    if (options.repositoryInterval !== undefined && !(options.repositoryInterval instanceof Duration)) {
      invalid({ field: 'chart.repositoryInterval', value: options.repositoryInterval, hint: 'give a cdk8s Duration, e.g. Duration.hours(2)' });
    }
    return new MultusChart({
      chart: 'multus',
      version,
      layout,
      repositoryName,
      repositoryNamespace,
      url,
      repositoryInterval: options.repositoryInterval ?? Duration.hours(2),
      existingRepository: options.existingRepository ?? false,
    });
  }

  /** The chart's name in its repository. */
  public readonly chart: string;
  /** The exact chart version. */
  public readonly version: string;
  /** Where this version's values put the daemon container. */
  public readonly layout: MultusValuesLayout;
  /** Name of the Flux HelmRepository. */
  public readonly repositoryName: string;
  /** Namespace of the Flux HelmRepository; undefined for the Flux namespace of the install's scope. */
  public readonly repositoryNamespace?: string;
  /** URL of the Helm repository. */
  public readonly url: string;
  /** How often Flux refreshes the repository index. */
  public readonly repositoryInterval: Duration;
  /** Whether the HelmRepository already exists in the cluster (and is not emitted). */
  public readonly existingRepository: boolean;

  private constructor(p: {
    chart: string; version: string; layout: MultusValuesLayout; repositoryName: string; repositoryNamespace?: string;
    url: string; repositoryInterval: Duration; existingRepository: boolean;
  }) {
    this.chart = p.chart;
    this.version = p.version;
    this.layout = p.layout;
    this.repositoryName = p.repositoryName;
    this.repositoryNamespace = p.repositoryNamespace;
    this.url = p.url;
    this.repositoryInterval = p.repositoryInterval;
    this.existingRepository = p.existingRepository;
  }
}

function resolveLayout(version: string, explicit?: MultusValuesLayout): MultusValuesLayout {
  if (explicit !== undefined && !(explicit instanceof MultusValuesLayout)) {
    invalid({ field: 'chart.valuesLayout', value: explicit, hint: 'use MultusValuesLayout.V7 (controllers.multus) or MultusValuesLayout.V6 (controllers.main)' });
  }
  const known = Object.keys(KNOWN_VERSIONS).join(', ');
  if (typeof version !== 'string' || !SEMVER.test(version)) {
    invalid({ field: 'chart.version', value: version, hint: `pin an exact chart version (${known}): a range would let Flux move to a chart whose values layout differs` });
  }
  const refused = REFUSED_VERSIONS[version];
  if (refused) {
    invalid({ field: 'chart.version', value: version, hint: `this version ${refused}; use '${DEFAULT_VERSION}' (Kubernetes >= 1.31) or '6.0.4'`, problem: 'must not be installed' });
  }
  const layout = KNOWN_VERSIONS[version];
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
