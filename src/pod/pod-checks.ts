import { ApiObject } from 'cdk8s';
import { ValidationError, refusal } from '../errors';
import { AppManifest } from '../util/app-checks';
import { isKind } from '../knowledge/kinds';
import { HOST_NETWORK, NETWORKS_ANNOTATION, controllerHostNetwork, podHostNetwork, podNetworksAnnotation } from '../knowledge/workloads';
import { isPlainObject } from '../util/merge';

// What the networks annotation needs of the pod that carries it, checked on the manifests as the
// app synthesizes them (after every patch, whatever order the app was built in): a pod on the node's
// network gets no CNI ADD, so Multus attaches nothing and says nothing. (That a pod with pinned
// addresses stays one pod is the rulebook's static-ip-rollout.) The checks render only the objects
// the annotation was applied to (and every manifest only when an annotation's value was handed out
// to be written by hand), so that a large app pays for them once per annotated pod.

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
  const value = podNetworksAnnotation(manifest);
  const host = value === undefined ? undefined : podHostNetwork(manifest);
  if (value !== undefined && host) {
    found.push({ value, error: refusal({ field: host.path.join('.'), value: true, problem: HOST_NETWORK.problem, hint: HOST_NETWORK.fix, constructPath: object.node.path }) });
  }
  const values = isKind(manifest, 'helm.toolkit.fluxcd.io', 'HelmRelease') ? manifest.spec?.values : undefined;
  if (isPlainObject(values) && isPlainObject(values.controllers)) {
    for (const controller of Object.keys(values.controllers)) {
      const pod = values.controllers[controller]?.pod;
      const own = isPlainObject(pod) && isPlainObject(pod.annotations) ? pod.annotations[NETWORKS_ANNOTATION] : undefined;
      const why = typeof own === 'string' ? controllerHostNetwork(values, controller) : undefined;
      if (typeof own === 'string' && why) {
        found.push({ value: own, error: refusal({ field: `spec.values.${why.path.join('.')}`, value: true, problem: HOST_NETWORK.problem, hint: `${why.why}; ${HOST_NETWORK.fix}`, constructPath: object.node.path }) });
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
