import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Problems, invalid } from '../errors';
import { fluxDuration } from '../flux/duration';
import { checkCniVersion } from '../util/cni';
import { isImageName, isImageTag } from '../util/image';
import { deepMerge, isPlainObject } from '../util/merge';
import { checkHelmReleaseName } from '../util/names';
import { checkDnsLabel } from '../util/validate';
import { MultusChart } from './chart';
import { CniPaths } from './cni-paths';
import { MultusResources, renderResources } from './resources';
import { MultusToleration, checkToleration } from './toleration';

// A Multus install as a pure, validated model (props in, plain values out), and the chart values
// it renders. MultusInstall turns the model into a HelmRelease and a HelmRepository.

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
   * @default MultusChart.angelnu() - chart multus 7.0.0, HelmRepository angelnu in the Flux namespace
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
   * Name of the HelmRelease and of the Helm release: a DNS-1123 label of at most 53 characters
   * (helm-controller installs a longer one under a shortened, hashed name).
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
   * `addValues`): set them with `cniPaths` and `image`, which are checked. Nothing the install renders
   * may be removed (`null`) or replaced by a non-object (`controllers: null` would drop the checked
   * image and resources), and strings must be YAML-safe (no control characters or line separators).
   * @default - none
   */
  readonly values?: { [key: string]: any };
}

/** Where the install's scope puts it, when the props leave it open. @internal */
export interface InstallContext {
  /** The namespace of the enclosing cdk8s Chart, if it has one. */
  readonly chartNamespace?: string;
  /** The Flux namespace of the scope (flux/namespace.ts). */
  readonly fluxNamespace: string;
}

/** A validated Multus install. @internal */
export interface InstallModel {
  readonly cniPaths: CniPaths;
  readonly chart: MultusChart;
  /** Namespace of the chart's HelmRepository. */
  readonly repositoryNamespace: string;
  readonly releaseName: string;
  readonly namespace: string;
  readonly image: { readonly repository: string; readonly tag: string };
  /** The daemon container's resources, as the values take them. */
  readonly resources: Record<string, any>;
  readonly tolerations: MultusToleration[];
  readonly logLevel?: MultusLogLevel;
  readonly cniVersion?: string;
  /** The release's reconcile interval, as Flux reads it (`30m`). */
  readonly interval: string;
  /** The `values` prop, checked. */
  readonly values?: Record<string, any>;
}

/** The daemon image upstream publishes. @internal */
export const DEFAULT_IMAGE = 'ghcr.io/k8snetworkplumbingwg/multus-cni';
const DEFAULT_TAG = 'v4.3.0-thick';

/**
 * Validates the props of an install, reporting every refused prop at once, and returns its model.
 * @internal
 */
export function resolveInstall(props: MultusInstallProps, context: InstallContext, scope?: IConstruct): InstallModel {
  if (!props || !(props.cniPaths instanceof CniPaths)) {
    invalid({ field: 'cniPaths', value: props?.cniPaths, hint: 'choose CniPaths.K3S, CniPaths.K3S_LEGACY, CniPaths.STANDARD or CniPaths.custom(configDir, binDir): a wrong value breaks every new pod', scope, problem: 'is required' });
  }
  const problems = new Problems();
  const chart = problems.check(() => {
    if (props.chart !== undefined && !(props.chart instanceof MultusChart)) {
      invalid({ field: 'chart', value: props.chart, hint: "give a MultusChart, e.g. MultusChart.angelnu({ version: '7.0.0' })", scope });
    }
    return props.chart ?? MultusChart.angelnu();
  });
  const releaseName = props.releaseName ?? 'multus';
  problems.check(() => checkHelmReleaseName('releaseName', releaseName, scope));
  const namespace = props.namespace ?? context.chartNamespace ?? 'kube-system';
  problems.check(() => checkDnsLabel('namespace', namespace, scope));
  const image = problems.check(() => {
    if (props.image !== undefined && !isPlainObject(props.image)) {
      invalid({ field: 'image', value: props.image, hint: "give an object, e.g. { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' }", scope });
    }
    const repository = props.image?.repository ?? DEFAULT_IMAGE;
    const tag = props.image?.tag ?? DEFAULT_TAG;
    checkImage(repository, tag, scope);
    return { repository, tag };
  });
  const resources = problems.check(() => {
    if (props.resources !== undefined && !isPlainObject(props.resources)) {
      invalid({ field: 'resources', value: props.resources, hint: 'give an object, e.g. { memoryLimit: Size.mebibytes(256) }', scope });
    }
    return renderResources(props.resources ?? {}, scope);
  });
  const tolerations = problems.check(() => {
    if (props.tolerations !== undefined && !Array.isArray(props.tolerations)) {
      invalid({ field: 'tolerations', value: props.tolerations, hint: "give a list, e.g. [{ operator: 'Exists' }]", scope });
    }
    return (props.tolerations ?? [{ operator: 'Exists' }]).map((t, i) => checkToleration(t, i, scope));
  });
  problems.check(() => {
    if (props.logLevel !== undefined && !Object.values(MultusLogLevel).includes(props.logLevel)) {
      invalid({ field: 'logLevel', value: props.logLevel, hint: `use one of ${Object.values(MultusLogLevel).join(', ')} (MultusLogLevel)`, scope });
    }
  });
  if (props.cniVersion !== undefined) problems.check(() => checkCniVersion('cniVersion', props.cniVersion!, scope));
  problems.check(() => {
    if (props.values !== undefined && !isPlainObject(props.values)) {
      invalid({ field: 'values', value: props.values, hint: 'give a plain object of chart values, e.g. { cni: { logToStderr: true } }', scope });
    }
    if (props.values !== undefined && chart) checkNoModelledValues(props.values, chart, scope);
  });
  const interval = problems.check(() => fluxDuration('interval', props.interval ?? Duration.minutes(30), scope));
  problems.throwIfAny();
  return {
    cniPaths: props.cniPaths,
    chart: chart!,
    repositoryNamespace: chart!.repositoryNamespace ?? context.fluxNamespace,
    releaseName,
    namespace,
    image: image!,
    resources: resources!,
    tolerations: tolerations!,
    logLevel: props.logLevel,
    cniVersion: props.cniVersion,
    interval: interval!,
    values: props.values,
  };
}

/**
 * The chart values of an install: what the model sets, in the chart version's layout, then
 * `extra` deep-merged over it in order (the `values` prop first, then each `addValues`).
 * @internal
 */
export function installValues(model: InstallModel, extra: ReadonlyArray<Record<string, any>>): Record<string, any> {
  const { controller, container } = model.chart.layout;
  const base = {
    controllers: {
      [controller]: {
        containers: {
          [container]: {
            image: { repository: model.image.repository, tag: model.image.tag },
            resources: model.resources,
          },
        },
      },
    },
    cni: {
      paths: { config: model.cniPaths.configDir, bin: model.cniPaths.binDir },
      ...(model.logLevel !== undefined ? { logLevel: model.logLevel } : {}),
      ...(model.cniVersion !== undefined ? { version: model.cniVersion } : {}),
    },
  };
  return extra.reduce((acc, v) => deepMerge(acc, v), base as Record<string, any>);
}

/**
 * Refuses values for what the install models and checks: the CNI directories and the daemon's
 * image (a thin or untagged image through values would bypass the thick-tag check, and
 * `install.image` would no longer describe the install).
 * @internal
 */
export function checkNoModelledValues(values: Record<string, any>, chart: MultusChart, scope?: IConstruct): void {
  checkNoCniPaths(values, scope);
  const { controller, container } = chart.layout;
  const target = values.controllers?.[controller]?.containers?.[container];
  if (isPlainObject(target) && Object.prototype.hasOwnProperty.call(target, 'image')) {
    invalid({
      field: `values.controllers.${controller}.containers.${container}.image`,
      value: target.image,
      hint: "set the daemon image with the image prop, e.g. image: { tag: 'v4.3.0-thick' }: it is checked for a thick tag, and install.image then describes the install",
      scope,
      problem: 'cannot be set through values',
    });
  }
}

/**
 * Refuses values that would change `cni.paths`: the directories come from `cniPaths` alone, so that
 * `install.cniPaths` describes what is installed. The removal runbook passes it to
 * `MultusNodeCleanup`, which would otherwise clean directories Multus never wrote to and leave
 * the real `00-multus.conf` behind (https://github.com/k8snetworkplumbingwg/multus-cni/issues/1105).
 */
function checkNoCniPaths(values: Record<string, any>, scope?: IConstruct): void {
  if (!Object.prototype.hasOwnProperty.call(values, 'cni')) return;
  const fix = 'choose the CNI directories with the cniPaths prop (CniPaths.K3S, CniPaths.K3S_LEGACY, CniPaths.STANDARD or CniPaths.custom(configDir, binDir)), so that install.cniPaths, which MultusNodeCleanup cleans, describes the install';
  if (!isPlainObject(values.cni)) {
    invalid({ field: 'values.cni', value: values.cni, hint: `give an object of other cni settings, e.g. { logToStderr: true }: replacing cni drops cni.paths; ${fix}`, scope, problem: 'would replace cni.paths' });
  }
  if (Object.prototype.hasOwnProperty.call(values.cni, 'paths')) {
    invalid({ field: 'values.cni.paths', value: values.cni.paths, hint: fix, scope, problem: 'cannot be set through values' });
  }
}

/** The Multus image: any well-formed repository and tag (util/image), and a thick tag. */
function checkImage(repository: string, tag: string, scope?: IConstruct): void {
  if (!isImageName(repository)) {
    invalid({ field: 'image.repository', value: repository, hint: `give an image repository such as "${DEFAULT_IMAGE}" (a registry host, then a lower-case path; no tag)`, scope });
  }
  if (!isImageTag(tag)) {
    invalid({ field: 'image.tag', value: tag, hint: `give an image tag such as "${DEFAULT_TAG}"`, scope });
  }
  if (!tag.endsWith('-thick')) {
    invalid({ field: 'image.tag', value: tag, hint: `the chart runs the thick daemon (multus-daemon + multus-shim); use a -thick tag such as "${DEFAULT_TAG}"`, scope, problem: 'is not a thick tag' });
  }
  if (repository === DEFAULT_IMAGE && !/^v\d/.test(tag)) {
    invalid({ field: 'image.tag', value: tag, hint: `upstream tags carry a "v" (e.g. "v${tag}"); "${tag}" does not exist in ${DEFAULT_IMAGE}`, scope });
  }
}
