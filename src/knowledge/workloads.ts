import { digPath as dig, isMap, isTemplated } from './json';
import { apiGroupOf, isKind } from './kinds';

// The workload model: for any manifest that makes pods (Pod, Deployment, StatefulSet, DaemonSet,
// ReplicaSet, ReplicationController, Job, CronJob; the controllers of a bjw-s app-template release
// and its `defaultPodOptions`; the objects of a cdk8s-plus line, read by their properties), where
// the pod template is, where its annotations sit, how many pods can run at once (and why, as a
// phrase for messages), and whether the pods use the node's network. Also the autoscalers
// (HorizontalPodAutoscaler, KEDA ScaledObject, also in app-template `rawResources`) that change a
// workload's replicas. Pure: plain JSON in, answers out. The constructs (src/pod) and the rulebook
// (src/rules) both read it.

/** The annotation key Multus reads a pod's requested networks from. @internal */
export const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';

// ---------------------------------------------------------------------------------------------
// Raw workloads

/** The kinds that make pods, by their API group (`''`: the core group). @internal */
export const WORKLOAD_GROUPS: Readonly<Record<string, string>> = {
  Deployment: 'apps', StatefulSet: 'apps', DaemonSet: 'apps', ReplicaSet: 'apps',
  Job: 'batch', CronJob: 'batch', ReplicationController: '', Pod: '',
};

/** True iff the manifest is a kind that makes pods (Pod included). @internal */
export function isWorkload(object: any): boolean {
  const group = typeof object?.kind === 'string' && Object.prototype.hasOwnProperty.call(WORKLOAD_GROUPS, object.kind) ? WORKLOAD_GROUPS[object.kind] : undefined;
  return group !== undefined && isKind(object, group, object.kind);
}

const JOB_TEMPLATE_PATH: readonly string[] = ['spec', 'jobTemplate', 'spec', 'template'];
const TEMPLATE_PATH: readonly string[] = ['spec', 'template'];
/** A Pod is its own template. */
const POD_TEMPLATE_PATH: readonly string[] = [];

/**
 * Where the pod template of a manifest is: `[]` for a Pod (the object is the pod), the
 * `jobTemplate`'s template for a CronJob, `spec.template` for the other workload kinds; for any
 * other kind (a custom workload), whichever of `spec.template` and `spec.jobTemplate.spec.template`
 * it has. `undefined` when it has none.
 * @internal
 */
export function podTemplatePath(object: any): readonly string[] | undefined {
  const kind = object?.kind;
  if (kind === 'Pod') return POD_TEMPLATE_PATH;
  if (kind === 'CronJob' && apiGroupOf(object?.apiVersion) === 'batch') return JOB_TEMPLATE_PATH;
  if (isWorkload(object)) return TEMPLATE_PATH;
  if (isMap(dig(object, TEMPLATE_PATH))) return TEMPLATE_PATH;
  if (isMap(dig(object, JOB_TEMPLATE_PATH))) return JOB_TEMPLATE_PATH;
  return undefined;
}

/** Where the pod's annotations sit, below a pod template at `templatePath`. @internal */
export function podAnnotationsPath(templatePath: readonly string[]): string[] {
  return [...templatePath, 'metadata', 'annotations'];
}

/**
 * Where a networks annotation is often written on a workload but never reaches its pods: the
 * workload's own metadata, and a CronJob's Job template metadata. None for a Pod. `templatePath`:
 * where the pod template is, when the caller has it at hand.
 * @internal
 */
export function misplacedAnnotationsPaths(object: any, templatePath: readonly string[] | undefined = podTemplatePath(object)): ReadonlyArray<readonly string[]> {
  if (object?.kind === 'Pod') return [];
  return templatePath === JOB_TEMPLATE_PATH ? CRONJOB_MISPLACED : WORKLOAD_MISPLACED;
}

const WORKLOAD_MISPLACED: ReadonlyArray<readonly string[]> = [['metadata', 'annotations']];
const CRONJOB_MISPLACED: ReadonlyArray<readonly string[]> = [['metadata', 'annotations'], ['spec', 'jobTemplate', 'metadata', 'annotations']];

/** The networks annotation of the pods of a manifest, when it carries one as a string. @internal */
export function podNetworksAnnotation(object: any): string | undefined {
  const path = podTemplatePath(object);
  const value = path === undefined ? undefined : dig(object, [...podAnnotationsPath(path), NETWORKS_ANNOTATION]);
  return typeof value === 'string' ? value : undefined;
}

/** Why pods use the node's network, and where that is written. @internal */
export interface HostNetworkUse {
  /** Where it is set: a path in the manifest (or, for an app-template controller, in the release's values). */
  readonly path: readonly string[];
  /** Why, as a phrase for messages: `the Deployment's pod template has hostNetwork: true`. */
  readonly why: string;
}

/**
 * Whether the pods of a manifest use the node's network (`hostNetwork: true` on the Pod or in the
 * pod template). `templatePath`: where the pod template is, when the caller has it at hand.
 * @internal
 */
export function podHostNetwork(object: any, templatePath: readonly string[] | undefined = podTemplatePath(object)): HostNetworkUse | undefined {
  if (templatePath === undefined || dig(dig(object, templatePath), ['spec', 'hostNetwork']) !== true) return undefined;
  const kind = typeof object?.kind === 'string' ? object.kind : 'workload';
  return {
    path: [...templatePath, 'spec', 'hostNetwork'],
    why: templatePath.length === 0 ? `the ${kind} has hostNetwork: true` : `the ${kind}'s pod template has hostNetwork: true`,
  };
}

const HOST_NETWORK_REASON = 'a pod on the node\'s network gets no CNI ADD, so Multus attaches nothing (no net1, and no error)';

/**
 * What a pod on the node's network does with a networks annotation, and what to do instead: the
 * words the constructs' refusals and the rulebook's `host-network-annotation` share.
 * @internal
 */
export const HOST_NETWORK = {
  /** The problem, after the `hostNetwork` field and its value. */
  problem: `leaves ${NETWORKS_ANNOTATION} unused`,
  /** Why nothing is attached. */
  reason: HOST_NETWORK_REASON,
  /** The reason and the fix, for a pod written by hand. */
  fix: `${HOST_NETWORK_REASON}: run the pod on the pod network, or leave the annotation off`,
} as const;

/**
 * How the pods a workload can run at once are counted:
 * - `declared`: what the spec asks for in the steady state (replicas, parallelism, a DaemonSet's
 *   pod on every node); what the constructs refuse at once when an annotation is applied;
 * - `rollout`: also what Kubernetes' defaults and rollouts add (a RollingUpdate that surges, a
 *   CronJob that lets Jobs overlap), and a DaemonSet pinned to one node as one pod; what the
 *   rulebook judges on the manifests as they will be applied.
 * @internal
 */
export type PodCounting = 'declared' | 'rollout';

/** How many pods a rolling update adds (`maxSurge`: a count, or a percentage of replicas rounded up). */
function surge(maxSurge: unknown, replicas: number): number | undefined {
  if (typeof maxSurge === 'number') return maxSurge;
  if (typeof maxSurge !== 'string' || isTemplated(maxSurge)) return undefined;
  const percent = /^(\d+)%$/.exec(maxSurge.trim());
  if (percent) return Math.ceil((replicas * Number(percent[1])) / 100);
  return /^\d+$/.test(maxSurge.trim()) ? Number(maxSurge) : undefined;
}

/** A count, `fallback` when absent, undefined when not a number (templated, say). */
function count(value: unknown, fallback: number): number | undefined {
  if (value === undefined || value === null) return fallback;
  return typeof value === 'number' ? value : undefined;
}

/**
 * Why the workload `object` can run more than one pod at once, or `undefined` when it runs one
 * (Kubernetes' defaults where the spec is silent: `replicas` 1, `parallelism` 1, a Deployment's
 * RollingUpdate with maxSurge 25%, a CronJob's concurrencyPolicy Allow).
 * @internal
 */
export function workloadMultiPod(object: any, counting: PodCounting): string | undefined {
  const kind: string = typeof object?.kind === 'string' ? object.kind : 'workload';
  const spec = isMap(object?.spec) ? object.spec : {};
  const rollout = counting === 'rollout';
  const replicas = count(spec.replicas, 1);
  const many = replicas !== undefined && replicas > 1 ? `the ${kind} runs ${replicas} replicas` : undefined;
  switch (kind) {
    case 'Pod':
      return undefined;
    case 'Deployment': {
      if (many || !rollout) return many;
      const type = spec.strategy?.type ?? 'RollingUpdate';
      if (type !== 'RollingUpdate') return undefined;
      const given = spec.strategy?.rollingUpdate?.maxSurge;
      const extra = surge(given ?? '25%', Math.max(replicas ?? 1, 1));
      if (extra !== undefined && extra >= 1) {
        return `its RollingUpdate strategy (maxSurge ${given === undefined ? '25%, the default' : JSON.stringify(given)}) starts the new pod while the old one still runs`;
      }
      return undefined;
    }
    case 'DaemonSet': {
      if (!rollout) return 'a DaemonSet runs one pod on every node';
      const podSpec = dig(object, ['spec', 'template', 'spec']);
      const pinned = typeof podSpec?.nodeName === 'string' || typeof dig(podSpec, ['nodeSelector', 'kubernetes.io/hostname']) === 'string';
      if (!pinned) return 'a DaemonSet runs one pod on every node';
      const extra = surge(spec.updateStrategy?.rollingUpdate?.maxSurge, 1);
      return extra !== undefined && extra >= 1 ? 'its RollingUpdate strategy surges: the new pod starts while the old one still runs' : undefined;
    }
    case 'Job': {
      const parallelism = count(spec.parallelism, 1);
      return parallelism !== undefined && parallelism > 1 ? `the Job runs ${parallelism} pods in parallel` : undefined;
    }
    case 'CronJob': {
      const policy = spec.concurrencyPolicy ?? 'Allow';
      if (rollout && policy === 'Allow') return `its concurrencyPolicy ${spec.concurrencyPolicy === undefined ? 'Allow (the default)' : 'Allow'} starts a new Job while the last one may still run`;
      const parallelism = count(spec.jobTemplate?.spec?.parallelism, 1);
      return parallelism !== undefined && parallelism > 1 ? `each Job runs ${parallelism} pods in parallel` : undefined;
    }
    default:
      // StatefulSet, ReplicaSet, ReplicationController, and a custom workload with replicas.
      return many;
  }
}

// ---------------------------------------------------------------------------------------------
// cdk8s-plus workloads, read by their properties (no cdk8s-plus package is required)

/**
 * Why a cdk8s-plus workload (`kind` as it names itself) runs more than one pod. Its defaults:
 * a Deployment 2 replicas, the others 1.
 * @internal
 */
export function plusMultiPod(workload: any, kind: string): string | undefined {
  if (kind === 'DaemonSet') return 'a DaemonSet runs one pod on every node';
  if (workload?.hasAutoscaler === true) return `an autoscaler changes the ${kind}'s replicas`;
  if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet') {
    const replicas = typeof workload.replicas === 'number' ? workload.replicas : kind === 'Deployment' ? 2 : 1;
    if (replicas > 1) {
      const why = workload.replicas === undefined ? ' (the cdk8s-plus default for a Deployment)' : '';
      return `the ${kind} runs ${replicas} replicas${why}`;
    }
  }
  return undefined;
}

/** Why a cdk8s-plus workload's pods use the node's network, when they do. @internal */
export function plusHostNetwork(workload: any, kind: string): string | undefined {
  return workload?.hostNetwork === true ? `the ${kind} runs its pods with hostNetwork: true` : undefined;
}

// ---------------------------------------------------------------------------------------------
// bjw-s app-template controllers (values layout of app-template 3.x, 4.x and 5.x)

/**
 * The values path of a controller's pod annotations: `controllers.<controller>.pod.annotations`.
 * (`controllers.<controller>.annotations` is the controller's own metadata, which Multus ignores.)
 * @internal
 */
export function controllerPodAnnotationsPath(controller: string): string[] {
  return ['controllers', controller, 'pod', 'annotations'];
}

/** The values path of the annotations every controller's pods get by default. @internal */
export const DEFAULT_POD_ANNOTATIONS_PATH: readonly string[] = ['defaultPodOptions', 'annotations'];

/**
 * The values fragment that puts `annotations` on the pods of `controller`:
 * `{ controllers: { <controller>: { pod: { annotations } } } }`.
 * @internal
 */
export function podAnnotationValues(controller: string, annotations: Record<string, string>): Record<string, any> {
  return controllerPodAnnotationsPath(controller).reduceRight<Record<string, any>>((inner, key) => ({ [key]: inner }), annotations);
}

/**
 * Why an app-template controller runs more than one pod by what its values declare (a daemonset,
 * replicas > 1, an autoscaler of app-template 5.x), or undefined when it runs one.
 * @internal
 */
export function controllerMultiPod(controller: string, c: Record<string, any>): string | undefined {
  if (c.type === 'daemonset') return `app-template controller ${controller} is a daemonset (one pod on every node)`;
  if (typeof c.replicas === 'number' && c.replicas > 1) return `app-template controller ${controller} runs ${c.replicas} replicas`;
  // app-template 5.x: an autoscaler takes over the controller's replicas.
  if (c.horizontalPodAutoscaler !== undefined && c.horizontalPodAutoscaler !== null) return `an autoscaler changes app-template controller ${controller}'s replicas`;
  return undefined;
}

/**
 * Why an app-template controller can run two pods at once, with common's defaults where the values
 * are silent (type deployment, replicas 1, strategy Recreate) and what a rollout adds.
 * @internal
 */
export function controllerRolloutMultiPod(controller: string, c: Record<string, any>): string | undefined {
  const declared = controllerMultiPod(controller, c);
  if (declared) return declared;
  const type = c.type ?? 'deployment';
  if (type === 'deployment') {
    if (Object.prototype.hasOwnProperty.call(c, 'replicas') && c.replicas === null) return `app-template controller ${controller} has replicas: null, which leaves the count to an autoscaler`;
    if ((c.strategy ?? 'Recreate') !== 'RollingUpdate') return undefined;
    const extra = surge(c.rollingUpdate?.surge ?? '25%', Math.max(count(c.replicas, 1) ?? 1, 1));
    return extra !== undefined && extra >= 1 ? `app-template controller ${controller} uses strategy RollingUpdate, which starts the new pod while the old one still runs` : undefined;
  }
  if (type === 'job' && typeof c.job?.parallelism === 'number' && c.job.parallelism > 1) return `app-template controller ${controller} runs ${c.job.parallelism} pods in parallel`;
  if (type === 'cronjob') {
    if (c.cronjob?.concurrencyPolicy === 'Allow') return `app-template controller ${controller} has concurrencyPolicy Allow, which starts a new Job while the last one may still run`;
    if (typeof c.cronjob?.parallelism === 'number' && c.cronjob.parallelism > 1) return `app-template controller ${controller} runs ${c.cronjob.parallelism} pods in parallel`;
  }
  return undefined;
}

/**
 * Whether the pods of app-template controller `controller` use the node's network: its own
 * `pod.hostNetwork`, else (when that is absent or null) `defaultPodOptions.hostNetwork`. The
 * path is one in the release's values.
 * @internal
 */
export function controllerHostNetwork(values: unknown, controller: string): HostNetworkUse | undefined {
  const own = dig(values, ['controllers', controller, 'pod', 'hostNetwork']);
  if (own !== undefined && own !== null) {
    return own === true ? { path: ['controllers', controller, 'pod', 'hostNetwork'], why: `app-template controller ${controller} sets pod.hostNetwork: true` } : undefined;
  }
  return dig(values, ['defaultPodOptions', 'hostNetwork']) === true
    ? { path: ['defaultPodOptions', 'hostNetwork'], why: 'the app-template values set defaultPodOptions.hostNetwork: true' }
    : undefined;
}

/** The pod annotations app-template renders on a controller's pods, and the values path they come from. @internal */
export interface ControllerPodAnnotations {
  readonly annotations: Record<string, any>;
  /** The values path of the map holding the networks annotation (when there is one), else of the map used. */
  readonly from: readonly string[];
}

/**
 * The networks annotation app-template's common library renders on the pods of `controller`:
 * the controller's `pod.annotations`, which replace `defaultPodOptions.annotations`
 * (`defaultPodOptionsStrategy: overwrite`, the default) or merge into them (`merge`); then the
 * `global.annotations` when `global.propagateGlobalMetadataToPods` is on. With the values path it
 * is written at.
 * @internal
 */
export function controllerNetworksAnnotation(values: unknown, controller: string): { value: string; from: string[] } | undefined {
  const strategy = dig(values, ['defaultPodOptionsStrategy']) === 'merge' ? 'merge' : 'overwrite';
  const ownPath = controllerPodAnnotationsPath(controller);
  const own = dig(values, ownPath);
  const defaults = dig(values, DEFAULT_POD_ANNOTATIONS_PATH);
  let effective: Record<string, any> | undefined;
  let from: string[] | undefined;
  if (isMap(own) && (strategy === 'overwrite' || own[NETWORKS_ANNOTATION] !== undefined)) {
    effective = own;
    from = ownPath;
  } else if (isMap(defaults)) {
    effective = defaults;
    from = [...DEFAULT_POD_ANNOTATIONS_PATH];
  }
  let value = effective?.[NETWORKS_ANNOTATION];
  const global = dig(values, ['global', 'propagateGlobalMetadataToPods']) === true ? dig(values, ['global', 'annotations']) : undefined;
  if (value === undefined && isMap(global) && global[NETWORKS_ANNOTATION] !== undefined) {
    value = global[NETWORKS_ANNOTATION];
    from = ['global', 'annotations'];
  }
  return typeof value === 'string' && from ? { value, from } : undefined;
}

/**
 * The objects of app-template's `rawResources`: `rawResources.<name>` itself (4.x) or its
 * `manifest` (5.x), with the values path of each.
 * @internal
 */
export function rawResourceObjects(values: unknown): Array<{ name: string; path: string[]; object: Record<string, any> }> {
  const raw = dig(values, ['rawResources']);
  if (!isMap(raw)) return [];
  const out: Array<{ name: string; path: string[]; object: Record<string, any> }> = [];
  for (const name of Object.keys(raw).sort()) {
    const item = raw[name];
    if (!isMap(item)) continue;
    if (isMap(item.manifest)) out.push({ name, path: ['rawResources', name, 'manifest'], object: item.manifest });
    else if (typeof item.kind === 'string') out.push({ name, path: ['rawResources', name], object: item });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Autoscalers

/** What an autoscaler scales, and why that makes more than one pod. @internal */
export interface Autoscaling {
  /** The target's kind (`Deployment`, ...) and name, as `scaleTargetRef` writes them. */
  readonly kind: string;
  readonly name: string;
  /** Why, as a phrase for messages: `HorizontalPodAutoscaler ha scales it up to 3 replicas`. */
  readonly why: string;
}

/**
 * What a HorizontalPodAutoscaler (`autoscaling`) or KEDA ScaledObject (`keda.sh`, maxReplicaCount
 * 100 by default, target kind Deployment by default) scales to more than one replica; undefined for
 * anything else, or one that keeps a single replica.
 * @internal
 */
export function autoscalingOf(object: any): Autoscaling | undefined {
  const ref = object?.spec?.scaleTargetRef;
  if (!isMap(ref) || typeof ref.name !== 'string') return undefined;
  const name = object?.metadata?.name;
  if (isKind(object, 'autoscaling', 'HorizontalPodAutoscaler')) {
    const max = object.spec.maxReplicas;
    if (typeof ref.kind !== 'string' || typeof max !== 'number' || max <= 1) return undefined;
    return { kind: ref.kind, name: ref.name, why: `HorizontalPodAutoscaler ${name} scales it up to ${max} replicas` };
  }
  if (isKind(object, 'keda.sh', 'ScaledObject')) {
    const max = object.spec.maxReplicaCount ?? 100;
    if (typeof max !== 'number' || max <= 1) return undefined;
    return { kind: typeof ref.kind === 'string' ? ref.kind : 'Deployment', name: ref.name, why: `ScaledObject ${name} scales it up to ${max} replicas` };
  }
  return undefined;
}

/** The kind of workload app-template renders for a controller type. */
const CONTROLLER_KINDS: Readonly<Record<string, string>> = { deployment: 'Deployment', statefulset: 'StatefulSet', daemonset: 'DaemonSet', job: 'Job', cronjob: 'CronJob' };

/**
 * Why an autoscaler among a release's `rawResources` scales the workload of `controller`: one whose
 * `scaleTargetRef` names the controller's kind and either a name app-template gives it (the release
 * name, `<release>-<controller>`, `fullnameOverride`) or a templated name while the release has no
 * other enabled controller of that kind.
 * @internal
 */
export function rawResourceAutoscaling(values: unknown, release: string, controller: string): string | undefined {
  const controllers = dig(values, ['controllers']);
  if (!isMap(controllers) || !isMap(controllers[controller])) return undefined;
  const kindOf = (c: any) => CONTROLLER_KINDS[typeof c?.type === 'string' ? c.type : 'deployment'];
  const kind = kindOf(controllers[controller]);
  const sameKind = Object.keys(controllers).filter((id) => isMap(controllers[id]) && controllers[id].enabled !== false && kindOf(controllers[id]) === kind);
  const override = dig(values, ['fullnameOverride']);
  const names = new Set([release, `${release}-${controller}`, ...(typeof override === 'string' ? [override, `${override}-${controller}`] : [])]);
  for (const raw of rawResourceObjects(values)) {
    const a = autoscalingOf(raw.object);
    if (a === undefined || a.kind !== kind) continue;
    if (names.has(a.name) || (isTemplated(a.name) && sameKind.length === 1)) return `${a.why} (rawResources.${raw.name})`;
  }
  return undefined;
}
