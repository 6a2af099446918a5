import { NETWORKS_ANNOTATION, controllerMultiPod, podAnnotationValues } from '../pod/app-template';
import { Manifest } from './model';
import { Release } from './releases';
import { ParsedSelections, parseSelections } from './selections';
import { GROUPS, dig, digMap, isKind, isMap, isTemplated } from './values';

// Where pods come from and which networks annotation they carry: raw workloads (their pod
// template), Pods, and the controllers of bjw-s app-template releases (as common renders them:
// `defaultPodOptions.annotations`, replaced or merged by `controllers.<c>.pod.annotations`). Also
// every networks annotation written where Multus never looks (a workload's own metadata,
// `controllers.<c>.annotations`), and those in the values of charts the rulebook does not know.

/** A container of a workload. @internal */
export interface ContainerView {
  readonly name: string;
  /** `repository:tag` (with `@digest` when pinned), when written and not templated. */
  readonly image?: string;
  /** command and args, joined by spaces. */
  readonly commandLine: string;
  readonly resources?: Record<string, any>;
  /** Where the container is written, for messages. */
  readonly field: string;
}

/** One source of pods. @internal */
export interface Workload {
  readonly manifest: Manifest;
  /** `Deployment`, ..., or the app-template controller's type (`deployment`, `daemonset`, ...). */
  readonly kind: string;
  /** The app-template controller, when the pods come from one. */
  readonly controller?: string;
  /** The workload in messages: `Deployment default/esphome`, `HelmRelease default/ha controller main`. */
  readonly owner: string;
  /** The pods' namespace, when known. */
  readonly namespace?: string;
  readonly containers: ContainerView[];
  /** Why the workload can run two pods at once (for one address), or undefined when it cannot. */
  readonly multiPod?: string;
  /** True for a DaemonSet (one pod on every node). */
  readonly daemonSet: boolean;
}

/** Where a networks annotation is written. @internal */
export type Placement = 'pod' | 'misplaced' | 'unknown';

/** One networks annotation of the input. @internal */
export interface AnnotationSite {
  readonly manifest: Manifest;
  /** The field holding it, e.g. `spec.template.metadata.annotations["k8s.v1.cni.cncf.io/networks"]`. */
  readonly field: string;
  readonly value: string;
  /** `pod`: the pods get it; `misplaced`: Multus never sees it; `unknown`: the values of a chart the rulebook does not know. */
  readonly placement: Placement;
  /** The pods it is for (`pod` placement). */
  readonly workload?: Workload;
  /** The namespace of the pods (the default namespace of the annotation's elements). */
  readonly podNamespace?: string;
  /** For a misplaced annotation: where it belongs. */
  readonly belongs?: string;
  /** For a misplaced annotation: whether the pods carry a networks annotation anyway. */
  readonly podsAnnotated?: boolean;
  /** Who holds the pods: one per pod source, for address conflicts. */
  readonly holder: string;
  /** The annotation as Multus reads it. */
  readonly parsed: ParsedSelections;
}

/** A field path with the annotation key in brackets (it contains dots). */
export function annotationField(prefix: string): string {
  return `${prefix}["${NETWORKS_ANNOTATION}"]`;
}

/** An object in messages: `Kind namespace/name`. @internal */
export function label(m: Manifest): string {
  const name = m.object?.metadata?.name ?? '?';
  return `${m.object?.kind} ${m.namespace ? `${m.namespace}/` : ''}${name}`;
}

/** Who the pods of an annotation are, in messages. @internal */
export function ownerOf(site: AnnotationSite): string {
  return site.workload?.owner ?? label(site.manifest);
}

/** Why an autoscaler can run several pods of a target: `autoscaled(namespace, kind, name)`. @internal */
export type AutoscalerLookup = (namespace: string | undefined, kind: string, name: string) => string | undefined;

const WORKLOAD_KINDS: Record<string, string> = {
  Deployment: GROUPS.apps, StatefulSet: GROUPS.apps, DaemonSet: GROUPS.apps, ReplicaSet: GROUPS.apps,
  Job: GROUPS.batch, CronJob: GROUPS.batch, ReplicationController: '', Pod: '',
};

/** True iff the manifest is a workload kind the rulebook reads (Pod included). @internal */
export function isWorkload(object: any): boolean {
  const group = WORKLOAD_KINDS[object?.kind];
  return group !== undefined && isKind(object, group, object.kind);
}

/**
 * The workload and networks annotations of a raw workload (a Deployment, ..., a Pod).
 * @internal
 */
export function readWorkload(m: Manifest, autoscaled: AutoscalerLookup): { workload: Workload; annotations: AnnotationSite[] } {
  const o = m.object;
  const kind: string = o.kind;
  const owner = label(m);
  const templatePath = kind === 'Pod' ? [] : kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
  const template = templatePath.length === 0 ? o : dig(o, ...templatePath);
  const podSpec = kind === 'Pod' ? o.spec : dig(template, 'spec');
  const containers = (Array.isArray(podSpec?.containers) ? podSpec.containers : []).filter(isMap).map((c: any, i: number): ContainerView => ({
    name: typeof c.name === 'string' ? c.name : `${i}`,
    image: typeof c.image === 'string' && !isTemplated(c.image) ? c.image : undefined,
    commandLine: [...(Array.isArray(c.command) ? c.command : []), ...(Array.isArray(c.args) ? c.args : [])].join(' '),
    resources: isMap(c.resources) ? c.resources : undefined,
    field: [...templatePath, 'spec', `containers[${i}]`].join('.'),
  }));
  const name = typeof o.metadata?.name === 'string' ? o.metadata.name : '';
  const multiPod = rawMultiPod(kind, o.spec, podSpec) ?? autoscaled(m.namespace, kind, name);
  const workload: Workload = { manifest: m, kind, owner, namespace: m.namespace, containers, multiPod, daemonSet: kind === 'DaemonSet' };
  const holder = `${kind}/${m.namespace ?? ''}/${name}`;
  const annotations: AnnotationSite[] = [];
  const podValue = dig(template, 'metadata', 'annotations', NETWORKS_ANNOTATION);
  const podPrefix = [...templatePath, 'metadata', 'annotations'].join('.');
  if (typeof podValue === 'string') {
    annotations.push(site(m, annotationField(podPrefix), podValue, 'pod', holder, { workload, podNamespace: m.namespace }));
  }
  if (kind !== 'Pod') {
    const belongs = annotationField(podPrefix);
    const own = dig(o, 'metadata', 'annotations', NETWORKS_ANNOTATION);
    if (typeof own === 'string') {
      annotations.push(site(m, annotationField('metadata.annotations'), own, 'misplaced', holder, { belongs, podsAnnotated: typeof podValue === 'string', podNamespace: m.namespace }));
    }
    const jobOwn = kind === 'CronJob' ? dig(o, 'spec', 'jobTemplate', 'metadata', 'annotations', NETWORKS_ANNOTATION) : undefined;
    if (typeof jobOwn === 'string') {
      annotations.push(site(m, annotationField('spec.jobTemplate.metadata.annotations'), jobOwn, 'misplaced', holder, { belongs, podsAnnotated: typeof podValue === 'string', podNamespace: m.namespace }));
    }
  }
  return { workload, annotations };
}

function site(m: Manifest, field: string, value: string, placement: Placement, holder: string, extra: Partial<AnnotationSite>): AnnotationSite {
  return { manifest: m, field, value, placement, holder, parsed: parseSelections(value), ...extra };
}

/** How many pods a rolling update adds (`maxSurge`: a count, or a percentage of replicas rounded up). */
function surge(maxSurge: unknown, replicas: number): number | undefined {
  if (typeof maxSurge === 'number') return maxSurge;
  if (typeof maxSurge !== 'string' || isTemplated(maxSurge)) return undefined;
  const percent = /^(\d+)%$/.exec(maxSurge.trim());
  if (percent) return Math.ceil((replicas * Number(percent[1])) / 100);
  return /^\d+$/.test(maxSurge.trim()) ? Number(maxSurge) : undefined;
}

function count(value: unknown, fallback: number): number | undefined {
  if (value === undefined || value === null) return fallback;
  return typeof value === 'number' ? value : undefined;
}

/** Why a raw workload can run two pods at once (Kubernetes' defaults where the spec is silent). */
function rawMultiPod(kind: string, spec: any, podSpec: any): string | undefined {
  const replicas = count(spec?.replicas, 1);
  switch (kind) {
    case 'Deployment': {
      if (replicas !== undefined && replicas > 1) return `the Deployment runs ${replicas} replicas`;
      const type = spec?.strategy?.type ?? 'RollingUpdate';
      if (type !== 'RollingUpdate') return undefined;
      const given = spec?.strategy?.rollingUpdate?.maxSurge;
      const extra = surge(given ?? '25%', Math.max(replicas ?? 1, 1));
      if (extra !== undefined && extra >= 1) {
        return `its RollingUpdate strategy (maxSurge ${given === undefined ? '25%, the default' : JSON.stringify(given)}) starts the new pod while the old one still runs`;
      }
      return undefined;
    }
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'ReplicationController':
      return replicas !== undefined && replicas > 1 ? `the ${kind} runs ${replicas} replicas` : undefined;
    case 'DaemonSet': {
      const pinned = typeof podSpec?.nodeName === 'string' || typeof dig(podSpec, 'nodeSelector', 'kubernetes.io/hostname') === 'string';
      if (!pinned) return 'a DaemonSet runs one pod on every node';
      const extra = surge(spec?.updateStrategy?.rollingUpdate?.maxSurge, 1);
      return extra !== undefined && extra >= 1 ? 'its RollingUpdate strategy surges: the new pod starts while the old one still runs' : undefined;
    }
    case 'Job': {
      const parallelism = count(spec?.parallelism, 1);
      return parallelism !== undefined && parallelism > 1 ? `the Job runs ${parallelism} pods in parallel` : undefined;
    }
    case 'CronJob': {
      const policy = spec?.concurrencyPolicy ?? 'Allow';
      if (policy === 'Allow') return `its concurrencyPolicy ${spec?.concurrencyPolicy === undefined ? 'Allow (the default)' : 'Allow'} starts a new Job while the last one may still run`;
      const parallelism = count(spec?.jobTemplate?.spec?.parallelism, 1);
      return parallelism !== undefined && parallelism > 1 ? `each Job runs ${parallelism} pods in parallel` : undefined;
    }
    default:
      return undefined;
  }
}

/** Why an app-template controller can run two pods at once (common's defaults where values are silent). */
function controllerMultiPods(id: string, c: Record<string, any>): string | undefined {
  const known = controllerMultiPod(id, c);
  if (known) return known;
  const type = c.type ?? 'deployment';
  if (type === 'deployment') {
    if (Object.prototype.hasOwnProperty.call(c, 'replicas') && c.replicas === null) return `app-template controller ${id} has replicas: null, which leaves the count to an autoscaler`;
    if ((c.strategy ?? 'Recreate') !== 'RollingUpdate') return undefined;
    const extra = surge(c.rollingUpdate?.surge ?? '25%', Math.max(count(c.replicas, 1) ?? 1, 1));
    return extra !== undefined && extra >= 1 ? `app-template controller ${id} uses strategy RollingUpdate, which starts the new pod while the old one still runs` : undefined;
  }
  if (type === 'job' && typeof c.job?.parallelism === 'number' && c.job.parallelism > 1) return `app-template controller ${id} runs ${c.job.parallelism} pods in parallel`;
  if (type === 'cronjob') {
    if (c.cronjob?.concurrencyPolicy === 'Allow') return `app-template controller ${id} has concurrencyPolicy Allow, which starts a new Job while the last one may still run`;
    if (typeof c.cronjob?.parallelism === 'number' && c.cronjob.parallelism > 1) return `app-template controller ${id} runs ${c.cronjob.parallelism} pods in parallel`;
  }
  return undefined;
}

/** The values path of a controller's pod annotations, as the library writes them (`podAnnotationValues`). */
const POD_ANNOTATIONS_PATH = (() => {
  const path: string[] = [];
  let at: any = podAnnotationValues('<c>', {});
  while (isMap(at) && Object.keys(at).length === 1) {
    const key = Object.keys(at)[0];
    path.push(key);
    at = at[key];
  }
  return path; // ['controllers', '<c>', 'pod', 'annotations']
})();

/**
 * The workloads and networks annotations of a bjw-s app-template release (values with
 * `controllers`, the layout of app-template 2.x and later).
 * @internal
 */
export function readAppTemplate(release: Release): { workloads: Workload[]; annotations: AnnotationSite[] } {
  const m = release.manifest;
  const values = release.values;
  const controllers = digMap(values, 'controllers') ?? {};
  const strategy = values.defaultPodOptionsStrategy === 'merge' ? 'merge' : 'overwrite';
  const defaults = digMap(values, 'defaultPodOptions', 'annotations');
  const globalAnnotations = dig(values, 'global', 'propagateGlobalMetadataToPods') === true ? digMap(values, 'global', 'annotations') : undefined;
  const workloads: Workload[] = [];
  const annotations: AnnotationSite[] = [];
  for (const id of Object.keys(controllers).sort()) {
    const c = controllers[id];
    if (!isMap(c) || c.enabled === false) continue;
    const owner = `${label(m)} controller ${id}`;
    const holder = `HelmRelease/${release.namespace ?? ''}/${m.object?.metadata?.name}#${id}`;
    const containerMap = digMap(c, 'containers') ?? {};
    const containers = Object.keys(containerMap).filter((k) => isMap(containerMap[k])).map((k): ContainerView => {
      const spec = containerMap[k];
      const repo = dig(spec, 'image', 'repository');
      const tag = dig(spec, 'image', 'tag');
      const image = typeof repo === 'string' && !isTemplated(repo) ? `${repo}${typeof tag === 'string' ? `:${tag}` : ''}` : undefined;
      const command = [spec.command, spec.args].flatMap((x) => (Array.isArray(x) ? x : typeof x === 'string' ? [x] : []));
      return { name: k, image, commandLine: command.join(' '), resources: isMap(spec.resources) ? spec.resources : undefined, field: release.originOf(['controllers', id, 'containers', k]) };
    });
    const type = typeof c.type === 'string' ? c.type : 'deployment';
    const workload: Workload = { manifest: m, kind: type, controller: id, owner, namespace: release.namespace, containers, multiPod: controllerMultiPods(id, c), daemonSet: type === 'daemonset' };
    workloads.push(workload);

    // What common renders on the pods: global annotations (when propagated), then the defaults,
    // which the controller's own pod annotations replace (strategy overwrite) or merge into.
    const podPath = POD_ANNOTATIONS_PATH.map((p) => (p === '<c>' ? id : p));
    const own = digMap(values, ...podPath);
    let effective: Record<string, any> | undefined;
    let from: string[] | undefined;
    if (own !== undefined && (strategy === 'overwrite' || own[NETWORKS_ANNOTATION] !== undefined)) {
      effective = own;
      from = podPath;
    } else if (defaults !== undefined) {
      effective = defaults;
      from = ['defaultPodOptions', 'annotations'];
    }
    let value = effective?.[NETWORKS_ANNOTATION];
    if (value === undefined && globalAnnotations?.[NETWORKS_ANNOTATION] !== undefined) {
      value = globalAnnotations[NETWORKS_ANNOTATION];
      from = ['global', 'annotations'];
    }
    if (typeof value === 'string' && from) {
      annotations.push(site(m, annotationField(release.originOf(from)), value, 'pod', holder, { workload, podNamespace: release.namespace }));
    }
    const misplaced = dig(c, 'annotations', NETWORKS_ANNOTATION);
    if (typeof misplaced === 'string') {
      annotations.push(site(m, annotationField(release.originOf(['controllers', id, 'annotations'])), misplaced, 'misplaced', holder, {
        belongs: `${podPath.join('.')} (or defaultPodOptions.annotations)`,
        podsAnnotated: typeof value === 'string',
        podNamespace: release.namespace,
      }));
    }
  }
  return { workloads, annotations };
}

/**
 * The networks annotations in the values of a chart the rulebook does not know: wherever a key
 * `k8s.v1.cni.cncf.io/networks` holds a string (`podAnnotations`, ...). Whether its pods get it is
 * the chart's business.
 * @internal
 */
export function readUnknownChartAnnotations(release: Release): AnnotationSite[] {
  const out: AnnotationSite[] = [];
  const m = release.manifest;
  const holder = `HelmRelease/${release.namespace ?? ''}/${m.object?.metadata?.name}`;
  const walk = (node: unknown, path: string[], depth: number): void => {
    if (depth > 12 || !isMap(node)) return;
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (key === NETWORKS_ANNOTATION && typeof value === 'string') {
        out.push(site(m, annotationField(release.originOf(path)), value, 'unknown', `${holder}@${path.join('.')}`, { podNamespace: release.namespace }));
      } else {
        walk(value, [...path, key], depth + 1);
      }
    }
  };
  walk(release.values, [], 0);
  return out;
}
