import { ApiObject, ImplicitTokenResolver, JsonPatch, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from '../errors';
import { plusHostNetwork, plusMultiPod, podAnnotationsPath, podHostNetwork, podTemplatePath, workloadMultiPod } from '../knowledge/workloads';
import { isPlainObject } from '../util/merge';

/**
 * Where one annotation of a pod lives on a target construct, and how to set it.
 * @internal
 */
export interface PodAnnotationSite {
  /** The kind of the target (`Deployment`, `Pod`, ...). */
  readonly kind: string;
  /** Why the target runs more than one pod, when it does (`undefined`: one pod). */
  readonly multiPod?: string;
  /** Why the pod uses the node's network (then no CNI runs for it), when it does. */
  readonly hostNetwork?: string;
  /**
   * The construct whose pod this is, the same for a cdk8s-plus workload and its ApiObject, so
   * that two annotations applied to one pod are told apart from two pods.
   */
  readonly key: IConstruct;
  /** The annotation's current value on the pod (template), if any. */
  existing(key: string): string | undefined;
  /** Sets the annotation on the pod (template), keeping the other annotations. */
  set(key: string, value: string): void;
}

/**
 * Finds where the pod annotations of `target` live. The pod's metadata only, never the workload's own:
 * Multus reads the pod, and an annotation on a Deployment's metadata is ignored
 * (https://github.com/k8snetworkplumbingwg/multus-cni/issues/348).
 *
 * - Anything with `podMetadata.addAnnotation()`: the workloads of every cdk8s-plus line (for a
 *   cdk8s-plus `Pod`, `podMetadata` is the pod's own metadata). Duck-typed so that no one
 *   cdk8s-plus package is required.
 * - An `ApiObject` (or a construct whose default child is one) of kind `Pod`: its metadata.
 * - An `ApiObject` whose spec has a `template` (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job)
 *   or a `jobTemplate.spec.template` (CronJob): the template's metadata, through a JSON patch.
 *
 * Returns `undefined` for anything else.
 * @internal
 */
export function findPodAnnotationSite(target: IConstruct, field: string): PodAnnotationSite | undefined {
  const t = target as any;
  if (t && typeof t === 'object' && t.podMetadata && typeof t.podMetadata.addAnnotation === 'function') {
    const metadata = t.podMetadata;
    const kind = typeof t.kind === 'string' ? t.kind : t.constructor?.name ?? 'workload';
    return {
      kind,
      multiPod: plusMultiPod(t, kind),
      hostNetwork: plusHostNetwork(t, kind),
      key: ApiObject.isApiObject(target.node.defaultChild) ? target.node.defaultChild as ApiObject : target,
      existing: (key) => annotationOf(metadata, target, key),
      set: (key, value) => metadata.addAnnotation(key, value),
    };
  }

  const apiObject = ApiObject.isApiObject(target) ? target
    : ApiObject.isApiObject(target?.node?.defaultChild) ? target.node.defaultChild as ApiObject
      : undefined;
  if (!apiObject) return undefined;

  // The manifest as far as the props show it: enough for the workload model to find the pod.
  const manifest = { apiVersion: apiObject.apiVersion, kind: apiObject.kind, spec: apiObjectProps(apiObject).spec };
  if (apiObject.kind === 'Pod') {
    return {
      kind: 'Pod',
      hostNetwork: podHostNetwork(manifest)?.why,
      key: apiObject,
      existing: (key) => annotationOf(apiObject.metadata, apiObject, key),
      set: (key, value) => apiObject.metadata.addAnnotation(key, value),
    };
  }

  const templatePath = podTemplatePath(manifest);
  const template = templatePath?.reduce((o: any, k) => (isPlainObject(o) ? o[k] : undefined), manifest);
  if (!templatePath || !isPlainObject(template)) return undefined;
  const annotationsPath = podAnnotationsPath(templatePath);
  return {
    kind: apiObject.kind,
    multiPod: workloadMultiPod(manifest, 'declared'),
    hostNetwork: podHostNetwork(manifest)?.why,
    key: apiObject,
    existing: (key) => readNested(apiObject, annotationsPath, field)?.[key],
    set: (key, value) => setNested(apiObject, annotationsPath, key, value, field),
  };
}

/**
 * One annotation of a metadata object (`ApiObjectMetadataDefinition`), as its `toJson()` renders
 * it. cdk8s keeps the annotations as a plain map in a private field, and renders a string value
 * as it is unless the app has resolvers of its own; then, or for any other value (a `Lazy`, a
 * token), or when the field is not there, the whole metadata is rendered to read it.
 */
function annotationOf(metadata: any, scope: IConstruct, key: string): string | undefined {
  const annotations = metadata?.annotations;
  if (isPlainObject(annotations) && defaultResolvers(scope)) {
    const value = annotations[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
  }
  return metadata.toJson()?.annotations?.[key];
}

/** True iff the app of `scope` resolves values with cdk8s's built-in resolvers only. */
function defaultResolvers(scope: IConstruct): boolean {
  const resolvers = (scope.node.root as any).resolvers;
  return Array.isArray(resolvers) && resolvers.every((r) => r instanceof LazyResolver || r instanceof ImplicitTokenResolver || r instanceof NumberStringUnionResolver);
}

/**
 * The props an `ApiObject` was created with (what it renders before patches). cdk8s 2.x keeps them
 * in a private field; the generated classes (`KubeDeployment`, `HelmRelease`, ...) pass the user's
 * props through, so nested objects are the ones the user wrote. This is the one place the library
 * reads them: only the props show which parts are computed at synth (`Lazy`), and so cannot take a
 * patch that merges into them.
 */
function apiObjectProps(apiObject: ApiObject): Record<string, any> {
  const props = (apiObject as any).props;
  return isPlainObject(props) ? props : {};
}

/**
 * The plain object at `path` in an ApiObject's props; `undefined` when a step is missing. Refuses
 * a step that is computed at synth (`Lazy`), since what it will hold cannot be seen now.
 * @internal
 */
export function readNested(apiObject: ApiObject, path: string[], field: string): Record<string, any> | undefined {
  let current: any = apiObjectProps(apiObject);
  for (let i = 0; i < path.length; i++) {
    const next = current[path[i]];
    if (next === undefined || next === null) return undefined;
    if (!isPlainObject(next)) {
      invalid({ field, value: apiObject.node.path, hint: `${path.slice(0, i + 1).join('.')} of this ${apiObject.kind} is computed at synth (not a plain object), so the annotation cannot be merged into it; write it as a plain object`, scope: apiObject, problem: 'cannot be annotated' });
    }
    current = next;
  }
  return current;
}

/**
 * Sets `key` in the object at `path` of an ApiObject, keeping what is there: one RFC 6902 `add` of
 * the smallest missing subtree (an `add` needs its parent to exist, so adding the key under a missing
 * parent would fail at synth).
 * @internal
 */
export function setNested(apiObject: ApiObject, path: string[], key: string, value: unknown, field: string): void {
  let current: any = apiObjectProps(apiObject);
  for (let i = 0; i < path.length; i++) {
    const next = current[path[i]];
    if (next === undefined || next === null) {
      const subtree = path.slice(i + 1).reduceRight<Record<string, any>>((inner, segment) => ({ [segment]: inner }), { [key]: value });
      apiObject.addJsonPatch(JsonPatch.add(pointer(path.slice(0, i + 1)), subtree));
      return;
    }
    if (!isPlainObject(next)) {
      invalid({ field, value: apiObject.node.path, hint: `${path.slice(0, i + 1).join('.')} of this ${apiObject.kind} is computed at synth (not a plain object), so the annotation cannot be merged into it; write it as a plain object`, scope: apiObject, problem: 'cannot be annotated' });
    }
    current = next;
  }
  apiObject.addJsonPatch(JsonPatch.add(pointer([...path, key]), value));
}

/** An RFC 6901 JSON pointer (`~` and `/` escaped: the annotation key contains a `/`). */
function pointer(segments: string[]): string {
  return segments.map((s) => '/' + s.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
