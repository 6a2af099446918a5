import { ApiObject } from 'cdk8s';
import { ValidationError, refusal } from '../errors';
import { AppManifest } from '../util/app-checks';
import { apiGroupOf } from '../knowledge/kinds';
import { isPlainObject } from '../util/merge';
import { NETWORKS_ANNOTATION } from './app-template';

// What the networks annotation needs of the pod that carries it, checked on the manifests as the
// app synthesizes them (after every patch, whatever order the app was built in): a pod on the node's
// network gets no CNI ADD, so Multus attaches nothing and says nothing. (That a pod with pinned
// addresses stays one pod is the rulebook's static-ip-rollout.) The checks render only the objects
// the annotation was applied to (and every manifest only when an annotation's value was handed out
// to be written by hand), so that a large app pays for them once per annotated pod.

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

/** A pod on the node's network that carries the networks annotation `value`. @internal */
export interface HostNetworkPod {
  readonly value: string;
  readonly error: ValidationError;
}

/**
 * The pods of one manifest that carry the networks annotation and run on the node's network: a Pod
 * or a pod template with `hostNetwork: true`, or an app-template controller whose pod annotations
 * hold it with `hostNetwork` on.
 * @internal
 */
export function hostNetworkPodsOf(object: ApiObject, manifest: any): HostNetworkPod[] {
  const found: HostNetworkPod[] = [];
  const valueOf = (annotations: any): string | undefined => {
    const v = isPlainObject(annotations) ? annotations[NETWORKS_ANNOTATION] : undefined;
    return typeof v === 'string' ? v : undefined;
  };
  for (const [at, template] of podTemplates(manifest)) {
    const value = valueOf(template?.metadata?.annotations);
    if (value !== undefined && template?.spec?.hostNetwork === true) {
      found.push({ value, error: refusal({ field: `${at}spec.hostNetwork`, value: true, problem: `leaves ${NETWORKS_ANNOTATION} unused`, hint: HOST_NETWORK_HINT, constructPath: object.node.path }) });
    }
  }
  const values = manifest?.kind === 'HelmRelease' && apiGroupOf(manifest.apiVersion) === 'helm.toolkit.fluxcd.io' ? manifest.spec?.values : undefined;
  if (isPlainObject(values) && isPlainObject(values.controllers)) {
    for (const controller of Object.keys(values.controllers)) {
      const value = valueOf(values.controllers[controller]?.pod?.annotations);
      const why = value === undefined ? undefined : appTemplateHostNetwork(values, controller);
      if (value !== undefined && why) {
        found.push({ value, error: refusal({ field: `spec.values.controllers.${controller}.pod.hostNetwork`, value: true, problem: `leaves ${NETWORKS_ANNOTATION} unused`, hint: `${why}; ${HOST_NETWORK_HINT}`, constructPath: object.node.path }) });
      }
    }
  }
  return found;
}

/**
 * `hostNetworkPodsOf` over every manifest of the app.
 * @internal
 */
export function hostNetworkPods(manifests: ReadonlyArray<AppManifest>): HostNetworkPod[] {
  return manifests.flatMap((m) => hostNetworkPodsOf(m.object, m.manifest));
}
