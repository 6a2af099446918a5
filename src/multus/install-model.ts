import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Problems, invalid, refusal } from '../errors';
import { fluxDuration } from '../flux/duration';
import { checkCniVersion } from '../util/cni';
import { isImageName, isImageTag } from '../util/image';
import { deepMerge, isPlainObject } from '../util/merge';
import { checkHelmReleaseName } from '../util/names';
import { checkDnsLabel } from '../util/validate';
import { ClusterProfile } from '../cluster/cluster-profile';
import { trimDirectory } from '../knowledge/cni';
import { acceptsDirs } from '../knowledge/clusters';
import { MULTUS_IMAGE, MultusChartProfile, OwnedKeyOwner } from '../knowledge/multus-charts';
import { inRange } from '../knowledge/versions';
import { MultusChart, profileOf } from './chart';
import { CniPaths } from '../cluster/cni-paths';
import { ContainerResources } from '../util/resources';
import { renderResources } from './resources';
import { MultusToleration, checkToleration } from './toleration';

// A Multus install as a pure, validated model (props in, plain values out), and the chart values
// it renders, from its chart's profile (src/knowledge/multus-charts.ts). MultusInstall turns the model into a HelmRelease and
// the Flux source (HelmRepository or OCIRepository) of its chart.

/** The Multus daemon image. */
export interface MultusImage {
  /**
   * Image repository.
   * @default 'ghcr.io/k8snetworkplumbingwg/multus-cni'
   */
  readonly repository?: string;

  /**
   * Image tag. The angelnu chart runs the thick daemon (`multus-daemon` in the pod, `multus-shim` on
   * the node), so its tag must be a `-thick` tag; the bjw-s chart runs the thin plugin
   * (`/thin_entrypoint`), so its tag must not be one. Upstream tags carry a `v` (`v4.3.0-thick`,
   * `v4.3.0`); the angelnu chart's own default renders without it and does not exist upstream.
   * @default - 'v4.3.0-thick' for MultusChart.angelnu(), 'v4.3.0' for MultusChart.bjwS() and MultusChart.homeOperations()
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
   * Where the nodes' containerd reads CNI configs and plugins. A wrong value breaks every new pod on
   * the cluster: give it, or give `cluster` and let the directories follow from it. Given with
   * `cluster`, it overrides the cluster's directories, and a preset that contradicts the cluster
   * (CniPaths.K3S on k3s with Cilium) is refused.
   * @default - the directories of `cluster` (or of the enclosing FluxTree's cluster); required without one
   */
  readonly cniPaths?: CniPaths;

  /**
   * The cluster Multus runs on. The CNI directories follow from it, the thick daemon mounts the
   * directory where it keeps pod network namespaces (Talos: /var/run/netns), and a chart version
   * whose own Kubernetes range excludes its version is refused (one whose library's range excludes
   * it is a warning of the rulebook at synth).
   * @default - the enclosing FluxTree's cluster; without one, nothing of the cluster is known or checked
   */
  readonly cluster?: ClusterProfile;

  /**
   * The chart and the Flux source it comes from.
   * @default MultusChart.angelnu() - chart multus 7.0.0, HelmRepository angelnu in the Flux namespace
   */
  readonly chart?: MultusChart;

  /**
   * The daemon image.
   * @default - ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick (angelnu), :v4.3.0 (bjw-s)
   */
  readonly image?: MultusImage;

  /**
   * Requests and limits of the daemon container.
   * @default - requests cpu 10m and memory 64Mi, limit memory 512Mi
   */
  readonly resources?: ContainerResources;

  /**
   * Tolerations of the DaemonSet. The angelnu and bjw-s charts ignore tolerations in values and force
   * `CriticalAddonsOnly`, so for them these are applied with a Flux post-renderer patch on the
   * DaemonSet; the home-operations chart reads them from its values (`tolerations`), where they are
   * written. Pass an empty list to keep the chart's own.
   * @default [{ operator: 'Exists' }] - run on every node, control plane included
   */
  readonly tolerations?: MultusToleration[];

  /**
   * Daemon log level (`cni.logLevel`). Only the angelnu chart takes it: the bjw-s chart fixes the
   * thin plugin's arguments.
   * @default - the chart's default (verbose)
   */
  readonly logLevel?: MultusLogLevel;

  /**
   * cniVersion of the generated `00-multus.conf` (`cni.version`): `0.3.1`, `0.4.0`, `1.0.0` or
   * `1.1.0`. 1.1.0 needs Multus 4.1 or newer and the CNI reference plugins 1.6.0 or newer on the
   * nodes (the charts' installers ship 1.9.1). Only the angelnu chart takes it: the thin plugin of
   * the bjw-s chart copies the cniVersion of the node's primary network config.
   * @default - the chart's default (0.3.1)
   */
  readonly cniVersion?: string;

  /**
   * How often Flux reconciles the release.
   * @default Duration.minutes(30)
   */
  readonly interval?: Duration;

  /**
   * How long Helm waits for the release's objects to be ready (`spec.timeout`). Multus is a
   * DaemonSet that rolls one node at a time; Helm's default of 5 minutes can run out mid-roll on a
   * cluster of several nodes, and the remediation then rolls back a half-updated DaemonSet
   * (https://github.com/gavinmcfall/home-ops/pull/2435).
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;

  /**
   * Name of the HelmRelease and of the Helm release: a DNS-1123 label of at most 53 characters
   * (helm-controller installs a longer one under a shortened, hashed name). The bjw-s chart renders
   * only as `multus`.
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
   * `null` removes a key; a key given as `undefined` is left unset. What the install sets from its
   * props or needs to run is refused here (and in `addValues`): the CNI directories (`cniPaths`),
   * the daemon's image (`image`) and its API token (`defaultPodOptions.automountServiceAccountToken`;
   * for angelnu also `global.createDefaultServiceAccount`; for home-operations
   * `serviceAccount.automount`, and `tolerations`, which the `tolerations` prop sets).
   * Strings must be YAML-safe (no control characters or line separators), and everything JSON data.
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
  /** The cluster of the scope (its FluxTree's), if any. */
  readonly cluster?: ClusterProfile;
}

/** A validated Multus install. @internal */
export interface InstallModel {
  readonly cniPaths: CniPaths;
  /** The cluster, when known. */
  readonly cluster?: ClusterProfile;
  /** The host directory of pod network namespaces the thick daemon mounts, when the cluster's differs from the chart's default. */
  readonly netnsDir?: string;
  /** Why the CNI directories differ from the cluster's, when `CniPaths.custom()` overrides them. */
  readonly cniPathsOverride?: string;
  readonly chart: MultusChart;
  /** Namespace of the chart's HelmRepository. */
  readonly repositoryNamespace: string;
  readonly releaseName: string;
  readonly namespace: string;
  readonly image: { readonly repository: string; readonly tag: string };
  /** The daemon container's resources, as the values take them. */
  readonly resources: Record<string, any>;
  readonly tolerations: MultusToleration[];
  /** Whether the chart's plugin installer runs: false only where the cluster's nodes carry the reference plugins. */
  readonly pluginInstaller: boolean;
  readonly logLevel?: MultusLogLevel;
  readonly cniVersion?: string;
  /** The release's reconcile interval, as Flux reads it (`30m`). */
  readonly interval: string;
  /** The release's Helm timeout, as Flux reads it (`15m`). */
  readonly timeout: string;
  /** The `values` prop, checked. */
  readonly values?: Record<string, any>;
}

/** The daemon image upstream publishes. */
const DEFAULT_IMAGE = MULTUS_IMAGE;

/**
 * The default tag of a chart: Multus v4.3.0 (https://github.com/k8snetworkplumbingwg/multus-cni/releases/tag/v4.3.0),
 * thick or thin as the chart runs it. The bjw-s chart's own default is v4.2.4; the thin v4.3.0
 * image runs the same `/thin_entrypoint` with the same flags.
 */
function defaultTag(chart: MultusChart): string {
  return profileOf(chart.family).defaultImage.tag;
}

/**
 * Validates the props of an install, reporting every refused prop at once, and returns its model.
 * @internal
 */
export function resolveInstall(props: MultusInstallProps, context: InstallContext, scope?: IConstruct): InstallModel {
  const cluster = props?.cluster ?? context.cluster;
  if (props?.cluster !== undefined && !(props.cluster instanceof ClusterProfile)) {
    invalid({ field: 'cluster', value: props.cluster, hint: "give a ClusterProfile, e.g. ClusterProfile.k3s({ primaryCni: PrimaryCni.CILIUM, kubernetesVersion: '1.33' }) or ClusterProfile.talos()", scope });
  }
  if (!props || (props.cniPaths === undefined && cluster === undefined) || (props.cniPaths !== undefined && !(props.cniPaths instanceof CniPaths))) {
    invalid({ field: 'cniPaths', value: props?.cniPaths, hint: 'choose CniPaths.K3S, CniPaths.K3S_LEGACY, CniPaths.STANDARD or CniPaths.custom(configDir, binDir), or give cluster (ClusterProfile.k3s(), .talos(), .kubeadm(), .rke2()) and the directories follow from it: a wrong value breaks every new pod', scope, problem: 'is required' });
  }
  const cniPaths = props.cniPaths ?? cluster!.cniPaths;
  const problems = new Problems();
  const chart = problems.check(() => {
    if (props.chart !== undefined && !(props.chart instanceof MultusChart)) {
      invalid({ field: 'chart', value: props.chart, hint: "give a MultusChart, e.g. MultusChart.angelnu({ version: '7.0.0' }) or MultusChart.bjwS()", scope });
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
    if (!chart) return undefined;
    const repository = props.image?.repository ?? DEFAULT_IMAGE;
    const tag = props.image?.tag ?? defaultTag(chart);
    checkImage(repository, tag, chart, scope);
    return { repository, tag };
  });
  const resources = problems.check(() => {
    if (props.resources !== undefined && !isPlainObject(props.resources)) {
      invalid({ field: 'resources', value: props.resources, hint: 'give an object, e.g. { memoryLimit: Size.mebibytes(512) }', scope });
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
  const netns = chart ? profileOf(chart.family).netnsMount : undefined;
  const netnsDir = cluster !== undefined && netns !== undefined && trimDirectory(netns.defaultDir) !== trimDirectory(cluster.netnsDir) ? `${trimDirectory(cluster.netnsDir)}/` : undefined;
  if (cluster !== undefined) {
    checkAgainstCluster(cniPaths, props.cniPaths !== undefined, cluster, problems, scope);
    if (chart) checkKubernetesRange(chart, cluster, problems, scope);
  }
  if (chart) checkChartLimits(props, cniPaths, releaseName, chart, problems, scope);
  problems.check(() => {
    if (props.values !== undefined && !isPlainObject(props.values)) {
      invalid({ field: 'values', value: props.values, hint: 'give a plain object of chart values, e.g. { hostPaths: { netns: "/run/netns/" } }', scope });
    }
    if (props.values !== undefined && chart) checkNoModelledValues(props.values, chart, scope, netnsDir !== undefined);
  });
  const interval = problems.check(() => fluxDuration('interval', props.interval ?? Duration.minutes(30), scope));
  const timeout = problems.check(() => fluxDuration('timeout', props.timeout ?? Duration.minutes(15), scope));
  problems.throwIfAny();
  const overridden = cluster !== undefined && !acceptsDirs(cluster._facts, cniPaths);
  return {
    cniPaths,
    cluster,
    netnsDir,
    cniPathsOverride: overridden ? `cniPaths given as CniPaths.custom() overrides the directories of ${cluster!.factory} (${cluster!.label})` : undefined,
    chart: chart!,
    repositoryNamespace: chart!.repositoryNamespace ?? context.fluxNamespace,
    releaseName,
    namespace,
    image: image!,
    resources: resources!,
    tolerations: tolerations!,
    pluginInstaller: cluster?.needsPluginInstaller ?? true,
    logLevel: props.logLevel,
    cniVersion: props.cniVersion,
    interval: interval!,
    timeout: timeout!,
    values: props.values,
  };
}

/**
 * What a chart cannot do, from its profile, each refused with the reason. The bjw-s chart:
 *
 * - another release name: on common 5 the chart binds its ClusterRole to the ServiceAccount
 *   `multus`, which common creates only for a release of that name; any other name fails to render
 *   ("No enabled ServiceAccount found with this identifier");
 * - another CNI config directory: the chart fixes the thin plugin's arguments, so the node's
 *   `00-multus.conf` names its kubeconfig at the plugin's default,
 *   `/etc/cni/net.d/multus.d/multus.kubeconfig` (`--multus-kubeconfig-file-host`,
 *   https://github.com/k8snetworkplumbingwg/multus-cni/blob/v4.3.0/cmd/thin_entrypoint/main.go),
 *   while the file is written into the chart's `cni.netPath`: elsewhere the plugin finds no
 *   kubeconfig and every pod on the node fails to start;
 * - `logLevel` and `cniVersion`: the chart has no values for them (the thin plugin copies the
 *   primary network's cniVersion).
 */
function checkChartLimits(props: MultusInstallProps, cniPaths: CniPaths, releaseName: string, chart: MultusChart, problems: Problems, scope?: IConstruct): void {
  const profile = profileOf(chart.family);
  const factory = profile.factory;
  if (profile.fixedReleaseName !== undefined && releaseName !== profile.fixedReleaseName) {
    problems.add(refusal({ field: 'releaseName', value: releaseName, hint: `the ${profile.family} chart renders only as release "${profile.fixedReleaseName}": on common 5 its ClusterRoleBinding names the ServiceAccount "${profile.fixedReleaseName}", which exists only for a release of that name; leave releaseName out`, scope, problem: `does not render with ${factory}` }));
  }
  if (profile.fixedConfigDir !== undefined && cniPaths.configDir !== profile.fixedConfigDir) {
    problems.add(refusal({ field: 'cniPaths.configDir', value: cniPaths.configDir, hint: `the ${profile.family} chart runs the thin plugin with its default --multus-kubeconfig-file-host, so the node's 00-multus.conf reads its kubeconfig from ${profile.fixedConfigDir}/multus.d/ whatever config directory the chart mounts; use CniPaths.STANDARD (k3s without flannel, Talos, kubeadm, RKE2), or MultusChart.angelnu(), whose thick daemon takes any directory (CniPaths.K3S)`, scope, problem: `does not work with ${factory}` }));
  }
  if (!profile.settings.logLevel && props.logLevel !== undefined) {
    problems.add(refusal({ field: 'logLevel', value: props.logLevel, hint: `the ${profile.family} chart fixes the thin plugin's arguments and has no log level value; leave logLevel out, or use MultusChart.angelnu()`, scope, problem: `is not a setting of ${factory}` }));
  }
  if (!profile.settings.cniVersion && props.cniVersion !== undefined) {
    problems.add(refusal({ field: 'cniVersion', value: props.cniVersion, hint: `the thin plugin of the ${profile.family} chart copies the cniVersion of the node's primary network config; leave cniVersion out, or use MultusChart.angelnu()`, scope, problem: `is not a setting of ${factory}` }));
  }
}

/**
 * The chart values of an install: what the model sets, in its chart's layout, then `extra`
 * deep-merged over it in order (the `values` prop first, then each `addValues`).
 * @internal
 */
export function installValues(model: InstallModel, extra: ReadonlyArray<Record<string, any>>, tolerations: ReadonlyArray<MultusToleration> = model.tolerations): Record<string, any> {
  const profile = profileOf(model.chart.family);
  const written = profile.writeValues({
    layout: model.chart.layout,
    image: model.image,
    resources: model.resources,
    dirs: model.cniPaths,
    netnsDir: model.netnsDir,
    logLevel: model.logLevel,
    cniVersion: model.cniVersion,
    pluginInstaller: model.pluginInstaller,
  });
  // A chart that reads the tolerations from its values gets them there (an empty list keeps its own).
  const base = profile.tolerationsPath !== undefined && tolerations.length > 0
    ? deepMerge(written, valuesAt(profile.tolerationsPath, tolerations.map((t) => ({ ...t }))))
    : written;
  return extra.reduce((acc, v) => deepMerge(acc, v), base);
}

/** `{ a: { b: value } }` for the path `['a', 'b']`. */
function valuesAt(path: readonly string[], value: unknown): Record<string, any> {
  return path.reduceRight<any>((inner, key) => ({ [key]: inner }), value);
}

/** A key the install sets, refused in `values`, and why. */
interface ModelledKey {
  readonly path: readonly string[];
  readonly hint: string;
}

const CNI_PATHS_FIX = 'choose the CNI directories with the cniPaths prop (CniPaths.K3S, CniPaths.K3S_LEGACY, CniPaths.STANDARD or CniPaths.custom(configDir, binDir)), so that install.cniPaths, which MultusNodeCleanup cleans, describes the install';
const IMAGE_FIX = "set the daemon image with the image prop, e.g. image: { tag: 'v4.3.0-thick' }: it is checked against the chart's daemon (thick or thin), and install.image then describes the install";
const TOKEN_FIX = 'the install turns the daemon\'s ServiceAccount token on: without an API token Multus exits (common 5 turns it off by default); leave it out';
const NETNS_FIX = 'the install mounts the directory where the cluster keeps pod network namespaces (its cluster prop, e.g. Talos: /var/run/netns); leave it out, or give another ClusterProfile';
const TOLERATIONS_FIX = 'the chart reads the daemon\'s tolerations from its values, and the install writes them there from the tolerations prop (default: every node); set them with the tolerations prop or addToleration()';
const SERVICE_ACCOUNT_FIX = 'the install turns common 5\'s automatic ServiceAccount off, so that the chart\'s own is the only one and its hook Jobs render; leave it out';

/** Why each kind of key the install owns cannot be given in values. */
const OWNED_KEY_FIX: Record<OwnedKeyOwner, string> = {
  cniPaths: CNI_PATHS_FIX,
  image: IMAGE_FIX,
  token: TOKEN_FIX,
  serviceAccount: SERVICE_ACCOUNT_FIX,
  netns: NETNS_FIX,
  tolerations: TOLERATIONS_FIX,
};

/**
 * The keys an install sets from its props, or needs to run (its chart profile's owned keys).
 *
 * The CNI directories come from `cniPaths` alone, so that `install.cniPaths` describes what is
 * installed: the removal runbook passes it to `MultusNodeCleanup`, which would otherwise clean
 * directories Multus never wrote to and leave the real `00-multus.conf` behind
 * (https://github.com/k8snetworkplumbingwg/multus-cni/issues/1105). The image comes from `image`
 * alone: a thin image for the thick daemon (or the reverse) through values would bypass its check.
 */
function modelledKeys(chart: MultusChart, netns: boolean): ModelledKey[] {
  const profile = profileOf(chart.family);
  const owned = profile.ownedKeys(chart.layout).map((k) => ({ path: k.path, hint: OWNED_KEY_FIX[k.owner] }));
  if (profile.tolerationsPath !== undefined) owned.push({ path: profile.tolerationsPath, hint: TOLERATIONS_FIX });
  return netns && profile.netnsMount ? [...owned, { path: profile.netnsMount.valuesPath, hint: NETNS_FIX }] : owned;
}

/**
 * Refuses values that would set, remove or replace a key the install sets (`modelledKeys`): the
 * key itself, or an object on its path replaced by something that is not an object.
 * @internal
 */
export function checkNoModelledValues(values: Record<string, any>, chart: MultusChart, scope?: IConstruct, netns = false): void {
  const problems = new Problems();
  const refused = new Set<string>();
  for (const key of modelledKeys(chart, netns)) {
    let at: any = values;
    for (let i = 0; i < key.path.length; i++) {
      // A key given as undefined is left unset (util/merge `deepMerge`): it changes nothing.
      if (!isPlainObject(at) || !Object.prototype.hasOwnProperty.call(at, key.path[i]) || at[key.path[i]] === undefined) break;
      const field = `values.${key.path.slice(0, i + 1).join('.')}`;
      const value = at[key.path[i]];
      // One refusal per field: replacing `cni` drops both of bjw-s's CNI keys.
      if (refused.has(field)) break;
      if (i === key.path.length - 1) {
        refused.add(field);
        problems.add(refusal({ field, value, hint: key.hint, scope, problem: 'cannot be set through values' }));
      } else if (!isPlainObject(value)) {
        refused.add(field);
        problems.add(refusal({ field, value, hint: `give an object of other settings: replacing it drops ${key.path.join('.')}; ${key.hint}`, scope, problem: `would replace ${key.path.join('.')}` }));
        break;
      }
      at = value;
    }
  }
  problems.throwIfAny();
}

/** The Multus image: any well-formed repository and tag (util/image), thick or thin as the chart runs it. */
function checkImage(repository: string, tag: string, chart: MultusChart, scope?: IConstruct): void {
  const example = defaultTag(chart);
  if (!isImageName(repository)) {
    invalid({ field: 'image.repository', value: repository, hint: `give an image repository such as "${DEFAULT_IMAGE}" (a registry host, then a lower-case path; no tag)`, scope });
  }
  if (!isImageTag(tag)) {
    invalid({ field: 'image.tag', value: tag, hint: `give an image tag such as "${example}"`, scope });
  }
  const profile: MultusChartProfile = profileOf(chart.family);
  if (profile.daemon === 'thick' && !tag.endsWith('-thick')) {
    invalid({ field: 'image.tag', value: tag, hint: `the ${chart.family.name} chart runs the thick daemon (multus-daemon + multus-shim); use a -thick tag such as "${example}"`, scope, problem: 'is not a thick tag' });
  }
  if (profile.daemon === 'thin' && tag.endsWith('-thick')) {
    invalid({ field: 'image.tag', value: tag, hint: `the ${chart.family.name} chart runs the thin plugin (/thin_entrypoint with its flags); use a thin tag such as "${example}"`, scope, problem: 'is a thick tag' });
  }
  if (repository === DEFAULT_IMAGE && !/^v\d/.test(tag)) {
    invalid({ field: 'image.tag', value: tag, hint: `upstream tags carry a "v" (e.g. "v${tag}"); "${tag}" does not exist in ${DEFAULT_IMAGE}`, scope });
  }
}


/**
 * Refuses CNI directories that contradict the cluster: a preset other than the cluster's own (the
 * plan's mistake: CniPaths.K3S on k3s with Cilium). `CniPaths.custom()` stays an override; on k3s
 * with flannel and no version given, both k3s presets are accepted.
 */
function checkAgainstCluster(cniPaths: CniPaths, given: boolean, cluster: ClusterProfile, problems: Problems, scope?: IConstruct): void {
  if (!given || cniPaths.preset === 'custom') return;
  const want = cluster.cniPaths;
  if (acceptsDirs(cluster._facts, cniPaths)) return;
  problems.add(refusal({
    field: 'cniPaths',
    value: `CniPaths.${cniPaths.preset}`,
    hint: `${cluster._facts.dirsWhy}: leave cniPaths out (the cluster gives ${want.configDir} and ${want.binDir}), or give CniPaths.custom() if the nodes really differ`,
    problem: `contradicts cluster ${cluster.factory} (${cluster.label})`,
    scope,
  }));
}

/**
 * Refuses a chart version whose own Kubernetes range (`kubeVersion`, which helm enforces) excludes
 * the cluster's version. One whose library's range excludes it renders (helm does not check a
 * library's range): the rulebook at synth warns of it (rule chart-library-kubernetes-range).
 */
function checkKubernetesRange(chart: MultusChart, cluster: ClusterProfile, problems: Problems, scope?: IConstruct): void {
  const version = cluster._facts.version;
  if (version === undefined) return;
  const own = profileOf(chart.family).kubernetes(chart.version).own;
  if (own === undefined || inRange(version, own)) return;
  problems.add(refusal({
    field: 'chart.version',
    value: chart.version,
    hint: `chart ${chart.chart} ${chart.version} declares Kubernetes ${own.text}; helm refuses to install it on ${cluster.kubernetesVersion}: upgrade the cluster, or pin a version whose range admits it`,
    problem: `does not support Kubernetes ${cluster.kubernetesVersion}`,
    scope,
  }));
}
