import { Chart, Duration, Lazy, Size, SizeRoundingBehavior, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { HelmRepository } from '../../imports/source.toolkit.fluxcd.io';
import { invalid } from '../errors';
import { fluxDuration } from '../flux/duration';
import { helmRepositorySpec } from '../flux/helm-repository';
import { checkCniVersion } from '../util/cni';
import { isImageName, isImageTag } from '../util/image';
import { deepMerge, isPlainObject } from '../util/merge';
import { checkDnsLabel, isDnsSubdomain } from '../util/validate';
import { MultusChart } from './chart';
import { CniPaths } from './cni-paths';

/** The Multus daemon image. */
export interface MultusImage {
  /**
   * Image repository.
   * @default 'ghcr.io/k8snetworkplumbingwg/multus-cni'
   */
  readonly repository?: string;

  /**
   * Image tag. The angelnu chart runs the thick daemon (`multus-daemon` in the pod, `multus-shim` on
   * the node), so the tag must be a `-thick` tag. Upstream tags carry a `v` (`v4.3.0-thick`); the
   * chart's own default renders without it and does not exist upstream.
   * @default 'v4.3.0-thick'
   */
  readonly tag?: string;
}

/** Requests and limits of the Multus daemon container. */
export interface MultusResources {
  /**
   * CPU request, in millicores.
   * @default 10
   */
  readonly cpuRequestMillis?: number;

  /**
   * CPU limit, in millicores.
   * @default - no CPU limit (a throttled daemon delays every pod start on the node)
   */
  readonly cpuLimitMillis?: number;

  /**
   * Memory request.
   * @default Size.mebibytes(64)
   */
  readonly memoryRequest?: Size;

  /**
   * Memory limit. The thick daemon is OOM-killed on node reboots and pod bursts with small limits
   * (multus-cni #1346, #1349, #1416): upstream's 50Mi and the hand-written plan's 128Mi are borderline;
   * public home-ops clusters run 256Mi-512Mi. A killed daemon blocks pod creation on its node.
   * @default Size.mebibytes(256)
   */
  readonly memoryLimit?: Size;
}

/** A pod toleration for the Multus DaemonSet. */
export interface MultusToleration {
  /**
   * Taint key; leave out with operator `Exists` to tolerate every taint.
   * @default - every key
   */
  readonly key?: string;
  /**
   * `Exists` or `Equal`.
   * @default 'Equal' when a value is given, else 'Exists'
   */
  readonly operator?: string;
  /**
   * Taint value (only with `Equal`).
   * @default - none
   */
  readonly value?: string;
  /**
   * `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
   * @default - every effect
   */
  readonly effect?: string;
}

/** Multus daemon log levels (`cni.logLevel`). */
export enum MultusLogLevel {
  /** Everything, including each CNI request. */
  DEBUG = 'debug',
  /** The chart's default. */
  VERBOSE = 'verbose',
  /** Errors only. */
  ERROR = 'error',
  /** Fatal errors only. */
  PANIC = 'panic',
}

/** Props of `MultusInstall`. */
export interface MultusInstallProps {
  /**
   * Where the nodes' containerd reads CNI configs and plugins. Required, because a wrong value breaks
   * every new pod on the cluster; see the presets of `CniPaths` for which applies when.
   */
  readonly cniPaths: CniPaths;

  /**
   * The chart and the HelmRepository it comes from.
   * @default MultusChart.angelnu() - chart multus 7.0.0, HelmRepository angelnu in flux-system
   */
  readonly chart?: MultusChart;

  /**
   * The daemon image.
   * @default - ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick
   */
  readonly image?: MultusImage;

  /**
   * Requests and limits of the daemon container.
   * @default - requests cpu 10m and memory 64Mi, limit memory 256Mi
   */
  readonly resources?: MultusResources;

  /**
   * Tolerations of the DaemonSet. The charts (6.x, 7.0.0) ignore tolerations in values and force
   * `CriticalAddonsOnly`, so these are applied with a Flux post-renderer patch on the DaemonSet.
   * Pass an empty list to keep the chart's own.
   * @default [{ operator: 'Exists' }] - run on every node, control plane included
   */
  readonly tolerations?: MultusToleration[];

  /**
   * Daemon log level (`cni.logLevel`).
   * @default - the chart's default (verbose)
   */
  readonly logLevel?: MultusLogLevel;

  /**
   * cniVersion of the generated `00-multus.conf` (`cni.version`): `0.3.1`, `0.4.0` or `1.0.0`.
   * @default - the chart's default (0.3.1)
   */
  readonly cniVersion?: string;

  /**
   * How often Flux reconciles the release.
   * @default Duration.minutes(30)
   */
  readonly interval?: Duration;

  /**
   * Name of the HelmRelease and of the Helm release.
   * @default 'multus'
   */
  readonly releaseName?: string;

  /**
   * Namespace of the HelmRelease (and of the daemon).
   * @default - the namespace of the enclosing cdk8s Chart, else 'kube-system'
   */
  readonly namespace?: string;

  /**
   * Values deep-merged over everything this construct renders, last: the escape hatch for chart
   * settings the library does not model. Objects merge key by key; arrays and scalars replace;
   * `null` removes a key. `cni.paths` and the daemon container's `image` are refused here (and in
   * `addValues`): set them with `cniPaths` and `image`, which are checked.
   * @default - none
   */
  readonly values?: { [key: string]: any };
}

const DEFAULT_IMAGE = 'ghcr.io/k8snetworkplumbingwg/multus-cni';
const DEFAULT_TAG = 'v4.3.0-thick';
const OPERATORS = ['Exists', 'Equal'];
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/**
 * Installs Multus through Flux: a `HelmRelease` (helm.toolkit.fluxcd.io/v2) of the angelnu chart with
 * values in the layout of the chart version it names, and the `HelmRepository`
 * (source.toolkit.fluxcd.io/v1) the chart comes from.
 *
 * @example
 * new MultusInstall(chart, 'multus', { cniPaths: CniPaths.K3S });
 */
export class MultusInstall extends Construct {
  /**
   * Values for the Cilium HelmRelease of a cluster that runs Multus next to Cilium.
   *
   * With `cni.exclusive: true` (Cilium's default) the Cilium agent renames every other CNI config,
   * `00-multus.conf` included, to `*.cilium_bak` whenever it restarts, and Multus silently stops
   * attaching networks (multus-cni #972; Talos #10468). Merge these into the Cilium release's values,
   * then restart the Multus daemon pods so that they write `00-multus.conf` again.
   */
  public static ciliumValues(): { [key: string]: any } {
    return { cni: { exclusive: false } };
  }

  /** The Flux HelmRelease. */
  public readonly helmRelease: HelmRelease;
  /** The Flux HelmRepository, unless the chart points at an existing one. */
  public readonly helmRepository?: HelmRepository;
  /** The chart and repository in use. */
  public readonly chart: MultusChart;
  /** The CNI directories the daemon is installed into. */
  public readonly cniPaths: CniPaths;
  /** Namespace of the HelmRelease and the daemon. */
  public readonly namespace: string;
  /** Name of the HelmRelease and Helm release. */
  public readonly releaseName: string;
  /** The daemon image reference, `repository:tag`. */
  public readonly image: string;

  private readonly baseValues: Record<string, any>;
  private readonly extraValues: Array<Record<string, any>> = [];
  private readonly tolerations: MultusToleration[];

  constructor(scope: Construct, id: string, props: MultusInstallProps) {
    super(scope, id);
    if (!props || !(props.cniPaths instanceof CniPaths)) {
      invalid('cniPaths', props?.cniPaths, 'choose CniPaths.K3S, CniPaths.K3S_LEGACY, CniPaths.STANDARD or CniPaths.custom(configDir, binDir): a wrong value breaks every new pod', this, 'is required');
    }
    this.cniPaths = props.cniPaths;
    if (props.chart !== undefined && !(props.chart instanceof MultusChart)) {
      invalid('chart', props.chart, "give a MultusChart, e.g. MultusChart.angelnu({ version: '7.0.0' })", this);
    }
    for (const field of ['image', 'resources'] as const) {
      if (props[field] !== undefined && !isPlainObject(props[field])) {
        invalid(field, props[field], field === 'image'
          ? "give an object, e.g. { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' }"
          : 'give an object, e.g. { memoryLimit: Size.mebibytes(256) }', this);
      }
    }
    if (props.tolerations !== undefined && !Array.isArray(props.tolerations)) {
      invalid('tolerations', props.tolerations, "give a list, e.g. [{ operator: 'Exists' }]", this);
    }
    this.chart = props.chart ?? MultusChart.angelnu();
    this.releaseName = props.releaseName ?? 'multus';
    checkDnsLabel('releaseName', this.releaseName, this);
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'kube-system';
    checkDnsLabel('namespace', this.namespace, this);

    const repository = props.image?.repository ?? DEFAULT_IMAGE;
    const tag = props.image?.tag ?? DEFAULT_TAG;
    checkImage(this, repository, tag);
    this.image = `${repository}:${tag}`;

    const resources = renderResources(this, props.resources ?? {});
    this.tolerations = (props.tolerations ?? [{ operator: 'Exists' }]).map((t, i) => checkToleration(this, t, i));
    if (props.logLevel !== undefined && !Object.values(MultusLogLevel).includes(props.logLevel)) {
      invalid('logLevel', props.logLevel, `use one of ${Object.values(MultusLogLevel).join(', ')} (MultusLogLevel)`, this);
    }
    if (props.cniVersion !== undefined) checkCniVersion('cniVersion', props.cniVersion, this);
    if (props.values !== undefined && !isPlainObject(props.values)) {
      invalid('values', props.values, 'give a plain object of chart values, e.g. { cni: { logToStderr: true } }', this);
    }
    if (props.values !== undefined) checkNoModelledValues(this, props.values, this.chart);
    const interval = fluxDuration('interval', props.interval ?? Duration.minutes(30), this);

    const { controller, container } = this.chart.layout;
    this.baseValues = {
      controllers: {
        [controller]: {
          containers: {
            [container]: {
              image: { repository, tag },
              resources,
            },
          },
        },
      },
      cni: {
        paths: { config: this.cniPaths.configDir, bin: this.cniPaths.binDir },
        ...(props.logLevel !== undefined ? { logLevel: props.logLevel } : {}),
        ...(props.cniVersion !== undefined ? { version: props.cniVersion } : {}),
      },
    };
    if (props.values) this.extraValues.push(props.values);

    if (!this.chart.existingRepository) {
      this.helmRepository = new HelmRepository(this, 'HelmRepository', {
        metadata: { name: this.chart.repositoryName, namespace: this.chart.repositoryNamespace },
        // The same spec as FluxRepository.addHelmRepository: an oci:// chart URL needs `type: oci`.
        spec: helmRepositorySpec(this.chart.url, this.chart.repositoryInterval, 'chart.repositoryInterval', this),
      });
    }

    this.helmRelease = new HelmRelease(this, 'Resource', {
      metadata: { name: this.releaseName, namespace: this.namespace },
      spec: {
        interval,
        chart: {
          spec: {
            chart: this.chart.chart,
            version: this.chart.version,
            sourceRef: { kind: 'HelmRepository' as any, name: this.chart.repositoryName, namespace: this.chart.repositoryNamespace },
          },
        },
        // The NetworkAttachmentDefinition CRD comes with the chart. Helm applies a chart's crds/
        // directory only on install, and Flux skips it on upgrade by default: CreateReplace keeps
        // such a CRD current on upgrades too (for a CRD among the templates it changes nothing).
        install: { crds: 'CreateReplace' as any, remediation: { retries: 3 } },
        upgrade: { crds: 'CreateReplace' as any, cleanupOnFail: true, remediation: { retries: 3 } },
        values: Lazy.any({ produce: () => this.renderValues() }),
        postRenderers: Lazy.any({ produce: () => this.renderPostRenderers() }),
      },
    });
  }

  /**
   * Deep-merges more values over the rendered ones (after the `values` prop), for settings the
   * library does not model. `cni.paths` and the daemon container's `image` are refused: set them with
   * the `cniPaths` and `image` props.
   */
  public addValues(values: { [key: string]: any }): void {
    if (!isPlainObject(values)) {
      invalid('values', values, 'give a plain object of chart values', this);
    }
    checkNoModelledValues(this, values, this.chart);
    this.extraValues.push(values);
  }

  /** Adds a toleration to the DaemonSet (applied through the post-renderer patch). */
  public addToleration(toleration: MultusToleration): void {
    this.tolerations.push(checkToleration(this, toleration, this.tolerations.length));
  }

  /** The chart values as they will be rendered. */
  public get values(): { [key: string]: any } {
    return this.renderValues();
  }

  private renderValues(): Record<string, any> {
    return this.extraValues.reduce((acc, v) => deepMerge(acc, v), this.baseValues);
  }

  private renderPostRenderers(): any[] | undefined {
    if (this.tolerations.length === 0) return undefined;
    // The chart merges a hard-coded CriticalAddonsOnly toleration over any values, so the only way
    // to run on every node is to patch the rendered DaemonSet. JSON6902 `add` replaces the list.
    // The release holds a single DaemonSet, so the target selects by kind alone and survives
    // the chart's naming changes between versions.
    const patch = [{ op: 'add', path: '/spec/template/spec/tolerations', value: this.tolerations }];
    return [{
      kustomize: {
        patches: [{
          target: { group: 'apps', version: 'v1', kind: 'DaemonSet' },
          patch: Yaml.stringify(patch),
        }],
      },
    }];
  }
}

// Kubernetes label keys and values (apimachinery validation.IsQualifiedName / IsValidLabelValue),
// which taint keys and values follow.
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function isQualifiedName(key: unknown): boolean {
  if (typeof key !== 'string') return false;
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const prefixOk = prefix === undefined || isDnsSubdomain(prefix);
  return prefixOk && QUALIFIED_NAME_PART.test(name);
}

/**
 * Refuses values for what the construct models and checks: the CNI directories and the daemon's
 * image (a thin or untagged image through values would bypass the thick-tag check, and
 * `install.image` would no longer describe the install).
 */
function checkNoModelledValues(scope: Construct, values: Record<string, any>, chart: MultusChart): void {
  checkNoCniPaths(scope, values);
  const { controller, container } = chart.layout;
  const target = values.controllers?.[controller]?.containers?.[container];
  if (isPlainObject(target) && Object.prototype.hasOwnProperty.call(target, 'image')) {
    invalid(`values.controllers.${controller}.containers.${container}.image`, target.image,
      "set the daemon image with the image prop, e.g. image: { tag: 'v4.3.0-thick' }: it is checked for a thick tag, and install.image then describes the install",
      scope, 'cannot be set through values');
  }
}

/**
 * Refuses values that would change `cni.paths`: the directories come from `cniPaths` alone, so that
 * `install.cniPaths` describes what is installed. The removal runbook passes it to
 * `MultusNodeCleanup`, which would otherwise clean directories Multus never wrote to and leave
 * the real `00-multus.conf` behind (multus-cni #1105, #1146, #1429).
 */
function checkNoCniPaths(scope: Construct, values: Record<string, any>): void {
  if (!Object.prototype.hasOwnProperty.call(values, 'cni')) return;
  const fix = 'choose the CNI directories with the cniPaths prop (CniPaths.K3S, CniPaths.K3S_LEGACY, CniPaths.STANDARD or CniPaths.custom(configDir, binDir)), so that install.cniPaths, which MultusNodeCleanup cleans, describes the install';
  if (!isPlainObject(values.cni)) {
    invalid('values.cni', values.cni, `give an object of other cni settings, e.g. { logToStderr: true }: replacing cni drops cni.paths; ${fix}`, scope, 'would replace cni.paths');
  }
  if (Object.prototype.hasOwnProperty.call(values.cni, 'paths')) {
    invalid('values.cni.paths', values.cni.paths, fix, scope, 'cannot be set through values');
  }
}

/** The Multus image: any well-formed repository and tag (util/image), and a thick tag. */
function checkImage(scope: Construct, repository: string, tag: string): void {
  if (!isImageName(repository)) {
    invalid('image.repository', repository, `give an image repository such as "${DEFAULT_IMAGE}" (a registry host, then a lower-case path; no tag)`, scope);
  }
  if (!isImageTag(tag)) {
    invalid('image.tag', tag, `give an image tag such as "${DEFAULT_TAG}"`, scope);
  }
  if (!tag.endsWith('-thick')) {
    invalid('image.tag', tag, `the chart runs the thick daemon (multus-daemon + multus-shim); use a -thick tag such as "${DEFAULT_TAG}"`, scope, 'is not a thick tag');
  }
  if (repository === DEFAULT_IMAGE && !/^v\d/.test(tag)) {
    invalid('image.tag', tag, `upstream tags carry a "v" (e.g. "v${tag}"); "${tag}" does not exist in ${DEFAULT_IMAGE}`, scope);
  }
}

function renderResources(scope: Construct, r: MultusResources): Record<string, any> {
  const cpuRequest = r.cpuRequestMillis ?? 10;
  const memRequest = mebibytes(scope, 'resources.memoryRequest', r.memoryRequest ?? Size.mebibytes(64));
  const memLimit = mebibytes(scope, 'resources.memoryLimit', r.memoryLimit ?? Size.mebibytes(256));
  checkMillis(scope, 'resources.cpuRequestMillis', cpuRequest);
  if (r.cpuLimitMillis !== undefined) {
    checkMillis(scope, 'resources.cpuLimitMillis', r.cpuLimitMillis);
    if (r.cpuLimitMillis < cpuRequest) {
      invalid('resources.cpuLimitMillis', r.cpuLimitMillis, `the limit must be at least the request (${cpuRequest})`, scope);
    }
  }
  if (memLimit < memRequest) {
    invalid('resources.memoryLimit', `${memLimit}Mi`, `the limit must be at least the request (${memRequest}Mi)`, scope);
  }
  return {
    requests: { cpu: `${cpuRequest}m`, memory: `${memRequest}Mi` },
    limits: {
      ...(r.cpuLimitMillis !== undefined ? { cpu: `${r.cpuLimitMillis}m` } : {}),
      memory: `${memLimit}Mi`,
    },
  };
}

function mebibytes(scope: Construct, field: string, size: Size): number {
  const mi = size instanceof Size ? size.toMebibytes({ rounding: SizeRoundingBehavior.NONE }) : NaN;
  // Safe integers only: larger numbers render in exponent form ("1e+21Mi"), which is no quantity.
  if (!Number.isSafeInteger(mi) || mi <= 0) {
    invalid(field, size instanceof Size ? `${mi}Mi` : size, 'give a positive whole number of mebibytes, e.g. Size.mebibytes(256)', scope);
  }
  return mi;
}

function checkMillis(scope: Construct, field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    invalid(field, value, 'give a positive whole number of millicores, e.g. 10', scope);
  }
}

function checkToleration(scope: Construct, t: MultusToleration, index: number): MultusToleration {
  const field = `tolerations[${index}]`;
  if (!isPlainObject(t)) invalid(field, t, 'give an object such as { operator: "Exists" }', scope);
  const operator = t.operator ?? (t.value !== undefined ? 'Equal' : 'Exists');
  if (!OPERATORS.includes(operator)) invalid(`${field}.operator`, t.operator, 'use "Exists" or "Equal"', scope);
  if (operator === 'Exists' && t.value !== undefined) {
    invalid(`${field}.value`, t.value, 'operator Exists matches any value; drop the value or use operator "Equal"', scope);
  }
  if (operator === 'Equal' && t.key === undefined) {
    invalid(`${field}.key`, t.key, 'operator Equal needs a taint key', scope);
  }
  if (t.key !== undefined && !isQualifiedName(t.key)) {
    invalid(`${field}.key`, t.key, 'give a taint key as Kubernetes writes label keys, e.g. "node-role.kubernetes.io/control-plane"', scope);
  }
  if (t.value !== undefined && (typeof t.value !== 'string' || !LABEL_VALUE.test(t.value))) {
    invalid(`${field}.value`, t.value, 'give a taint value as a string of at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit', scope);
  }
  if (t.effect !== undefined && !EFFECTS.includes(t.effect)) {
    invalid(`${field}.effect`, t.effect, `use one of ${EFFECTS.join(', ')}`, scope);
  }
  // Keys in a fixed order: the output is the same whatever order the caller wrote them in.
  return {
    ...(t.key !== undefined ? { key: t.key } : {}),
    operator,
    ...(t.value !== undefined ? { value: t.value } : {}),
    ...(t.effect !== undefined ? { effect: t.effect } : {}),
  };
}
