import { ValidationError, refusal } from '../errors';
import { AppManifest } from '../util/app-checks';
import { apiGroupOf } from '../util/kinds';
import { isPlainObject } from '../util/merge';
import { NETWORKS_ANNOTATION, controllerMultiPod } from './app-template';

// What the networks annotation needs of the pod that carries it, checked on the manifests as the
// app synthesizes them (after every patch, whatever order the app was built in): a pod on the node's
// network gets no CNI ADD, so Multus attaches nothing and says nothing; and a pod with pinned
// addresses must stay one pod (no replicas, no autoscaler).

/** Why an app-template controller's pods use the node's network, or undefined. @internal */
export function appTemplateHostNetwork(values: Record<string, any>, controller: string): string | undefined {
  const own = values.controllers?.[controller]?.pod?.hostNetwork;
  const shared = isPlainObject(values.defaultPodOptions) ? values.defaultPodOptions.hostNetwork : undefined;
  if (own === true) return `app-template controller ${controller} sets pod.hostNetwork: true`;
  if (own === undefined && shared === true) return 'the app-template values set defaultPodOptions.hostNetwork: true';
  return undefined;
}

const HOST_NETWORK_HINT = 'a pod on the node\'s network gets no CNI ADD, so Multus attaches nothing (no net1, and no error): run the pod on the pod network, or leave the annotation off';

/** The pod templates of a manifest: `[path to the template, template]`. */
function podTemplates(manifest: any): Array<[string, any]> {
  const spec = manifest?.spec;
  if (manifest?.kind === 'Pod') return [['', manifest]];
  if (!isPlainObject(spec)) return [];
  if (isPlainObject(spec.template)) return [['spec.template.', spec.template]];
  if (isPlainObject(spec.jobTemplate?.spec?.template)) return [['spec.jobTemplate.spec.template.', spec.jobTemplate.spec.template]];
  return [];
}

/**
 * Every pod of the app's manifests that carries the networks annotation and runs on the node's
 * network: a Pod or a pod template with `hostNetwork: true`, or an app-template controller whose
 * pod annotations hold it with `hostNetwork` on.
 * @internal
 */
export function hostNetworkProblems(manifests: ReadonlyArray<AppManifest>): ValidationError[] {
  const problems: ValidationError[] = [];
  for (const { object, manifest } of manifests) {
    for (const [at, template] of podTemplates(manifest)) {
      if (template?.metadata?.annotations?.[NETWORKS_ANNOTATION] !== undefined && template?.spec?.hostNetwork === true) {
        problems.push(refusal({ field: `${at}spec.hostNetwork`, value: true, problem: `leaves ${NETWORKS_ANNOTATION} unused`, hint: HOST_NETWORK_HINT, constructPath: object.node.path }));
      }
    }
    const values = manifest?.kind === 'HelmRelease' && apiGroupOf(manifest.apiVersion) === 'helm.toolkit.fluxcd.io' ? manifest.spec?.values : undefined;
    if (isPlainObject(values) && isPlainObject(values.controllers)) {
      for (const controller of Object.keys(values.controllers)) {
        if (values.controllers[controller]?.pod?.annotations?.[NETWORKS_ANNOTATION] === undefined) continue;
        const why = appTemplateHostNetwork(values, controller);
        if (why) {
          problems.push(refusal({ field: `spec.values.controllers.${controller}.pod.hostNetwork`, value: true, problem: `leaves ${NETWORKS_ANNOTATION} unused`, hint: `${why}; ${HOST_NETWORK_HINT}`, constructPath: object.node.path }));
        }
      }
    }
  }
  return problems;
}

/** `<group>/<kind>/<namespace>/<name>` of the object a HorizontalPodAutoscaler scales. */
function scaledKey(group: string, kind: unknown, namespace: unknown, name: unknown): string {
  return JSON.stringify([group, kind, typeof namespace === 'string' && namespace !== '' ? namespace : 'default', name]);
}

/**
 * The objects the HorizontalPodAutoscalers of the manifests scale, each with the construct path
 * of its autoscaler (one pass over the manifests, for every annotation's check).
 * @internal
 */
export function autoscaledObjects(manifests: ReadonlyArray<AppManifest>): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const m of manifests) {
    const hpa = m.manifest;
    if (hpa?.kind !== 'HorizontalPodAutoscaler' || apiGroupOf(hpa.apiVersion) !== 'autoscaling') continue;
    const ref = hpa.spec?.scaleTargetRef;
    out.set(scaledKey(apiGroupOf(ref?.apiVersion), ref?.kind, hpa.metadata?.namespace, ref?.name), m.object.node.path);
  }
  return out;
}

/**
 * Why the object with `manifest` runs more than one pod, judged on the synthesized manifests: a
 * DaemonSet, more than one replica, a Job with parallelism, or a HorizontalPodAutoscaler of the app
 * that scales it (whenever it was added; `autoscaled` from `autoscaledObjects`). For an
 * app-template HelmRelease, of `controller`.
 * @internal
 */
export function multiPodAtSynth(manifest: any, autoscaled: ReadonlyMap<string, string>, controller?: string): string | undefined {
  if (controller !== undefined) {
    const c = manifest?.spec?.values?.controllers?.[controller];
    return isPlainObject(c) ? controllerMultiPod(controller, c) : undefined;
  }
  const kind = manifest?.kind;
  const spec = manifest?.spec ?? {};
  if (kind === 'DaemonSet') return 'a DaemonSet runs one pod on every node';
  if (typeof spec.replicas === 'number' && spec.replicas > 1) return `the ${kind} runs ${spec.replicas} replicas`;
  if (kind === 'Job' && typeof spec.parallelism === 'number' && spec.parallelism > 1) return `the Job runs ${spec.parallelism} pods in parallel`;
  const hpa = autoscaled.get(scaledKey(apiGroupOf(manifest?.apiVersion), kind, manifest?.metadata?.namespace, manifest?.metadata?.name));
  return hpa === undefined ? undefined : `the HorizontalPodAutoscaler ${hpa} scales the ${kind}`;
}
