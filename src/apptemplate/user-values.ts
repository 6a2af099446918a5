import { IConstruct } from 'constructs';
import { Problems, invalid, refusal } from '../errors';
import { deepMerge, isPlainObject } from '../util/merge';
import { checkYamlData } from '../util/strings';
import { HOST_NETWORK, NETWORKS_ANNOTATION, controllerHostNetwork, rawResourceAutoscaling } from '../knowledge/workloads';
import { AppTemplateValuesLayout } from './chart';
import { CONTAINER } from './values';

// The `values` escape hatch of an AppTemplateRelease: deep-merged last, for what the props do not
// model, but never a way around what the props check. Pure: values in, refusals out.

/** What the checks of `values` need to know of the release. @internal */
export interface UserValuesContext {
  /** The release's name (what app-template names the controller's workload after). */
  readonly releaseName: string;
  /** The release's controller. */
  readonly controller: string;
  /** The chart version's values layout. */
  readonly layout: AppTemplateValuesLayout;
  /** Whether the pod pins static addresses or a MAC (so it must be the only pod). */
  readonly singlePod: boolean;
  /** Whether the pod joins Multus networks. */
  readonly networks: boolean;
}

/**
 * Refuses `values` that would undo what the props set and check:
 *
 * - a networks annotation anywhere (on the controller's own metadata it is never read; on the pod
 *   it would bypass the checks of `networks`);
 * - the controller, its containers or the release's container removed or disabled;
 * - the container's `image`, the controller's `type`, `replicas` and `strategy` (props of their own);
 * - with static addresses or a MAC: an autoscaler, the controller's own or one in `rawResources`
 *   that scales the controller's workload (found by the workload model, knowledge/workloads);
 * - with networks: `hostNetwork` (the kubelet calls no CNI plugin for a host-network pod, so
 *   Multus never attaches it);
 * - `rawResources` in the other major version's layout;
 * - keys and strings YAML cannot carry or a reader would read back as another type, the key
 *   `__proto__`, non-finite numbers (util/strings `checkYamlData`).
 * @internal
 */
export function checkUserValues(values: unknown, context: UserValuesContext, scope?: IConstruct): void {
  if (values === undefined) return;
  if (!isPlainObject(values)) {
    invalid({ field: 'values', value: values, hint: 'give a plain object of chart values, e.g. { defaultPodOptions: { hostUsers: false } }', scope });
  }
  try {
    JSON.stringify(values);
  } catch (e) {
    invalid({ field: 'values', value: '[unserializable]', hint: `give plain data (objects, arrays, strings, numbers, booleans, null): ${(e as Error).message}`, scope });
  }
  const problems = new Problems();
  problems.check(() => checkYamlData('values', values, 'a chart value', scope));
  const c = context.controller;
  findNetworksAnnotations(values, 'values', (field, value) => {
    const onController = /^values\.controllers\.[^.]+\.annotations$/.test(field);
    problems.add(refusal({
      field: `${field}.${NETWORKS_ANNOTATION}`,
      value,
      hint: onController
        ? 'this is the controller\'s own metadata, which Multus never reads (https://github.com/k8snetworkplumbingwg/multus-cni/issues/348); give the pod\'s networks with the networks prop'
        : 'give the pod\'s networks with the networks prop, which checks them against their networks and address plans and puts them on the pod',
      scope,
      problem: onController ? 'is on the wrong object' : 'bypasses the networks prop',
    }));
  });

  // Each level down to the release's container must stay an object: null removes it, anything
  // else replaces it, and the release would render without its workload.
  const replaced = (field: string, value: unknown, what: string): boolean => {
    if (value === undefined || isPlainObject(value)) return false;
    problems.add(refusal({ field, value, hint: `it would ${value === null ? 'remove' : 'replace'} ${what}; remove the AppTemplateRelease instead, or give an object that adds to it`, scope, problem: 'removes the workload' }));
    return true;
  };
  const controllers = (values as Record<string, any>).controllers;
  replaced('values.controllers', controllers, 'every controller, the release\'s own included');
  const own = isPlainObject(controllers) ? controllers[c] : undefined;
  replaced(`values.controllers.${c}`, own, `the controller ${c}`);
  if (isPlainObject(own)) {
    const base = `values.controllers.${c}`;
    if (own.enabled === false) problems.add(refusal({ field: `${base}.enabled`, value: false, hint: 'it would disable the release\'s workload; remove the AppTemplateRelease instead', scope, problem: 'removes the workload' }));
    replaced(`${base}.containers`, own.containers, 'the release\'s containers');
    const container = isPlainObject(own.containers) ? own.containers[CONTAINER] : undefined;
    replaced(`${base}.containers.${CONTAINER}`, container, 'the release\'s container');
    if (isPlainObject(container)) {
      if (container.enabled === false) problems.add(refusal({ field: `${base}.containers.${CONTAINER}.enabled`, value: false, hint: 'it would disable the release\'s container; remove the AppTemplateRelease instead', scope, problem: 'removes the workload' }));
      if (has(container, 'image')) problems.add(ownedBy(`${base}.containers.${CONTAINER}.image`, container.image, 'the image prop, which requires a pinned tag', scope));
    }
    if (has(own, 'type')) {
      problems.add(refusal({ field: `${base}.type`, value: own.type, hint: 'an AppTemplateRelease runs its container in a Deployment (replicas and strategy are its props); for another kind of workload write the HelmRelease yourself and use MultusPodAnnotation.applyToHelmRelease()', scope, problem: 'is set by the release' }));
    }
    if (has(own, 'replicas')) problems.add(ownedBy(`${base}.replicas`, own.replicas, 'the replicas prop (with static addresses or a MAC it must stay 1)', scope));
    if (has(own, 'strategy')) problems.add(ownedBy(`${base}.strategy`, own.strategy, 'the strategy prop (with static addresses or a MAC it must stay AppTemplateStrategy.RECREATE)', scope));
    if (context.singlePod && own.horizontalPodAutoscaler !== undefined && own.horizontalPodAutoscaler !== null) {
      problems.add(refusal({ field: `${base}.horizontalPodAutoscaler`, value: own.horizontalPodAutoscaler, hint: 'an autoscaler would start more pods with the same static addresses/MAC; leave it out, or leave ips and mac out of networks', scope, problem: 'runs more than one pod' }));
    }
  }

  if (context.networks) {
    const host = controllerHostNetwork(values, c);
    if (host) {
      problems.add(refusal({ field: `values.${host.path.join('.')}`, value: true, hint: `${HOST_NETWORK.reason}: leave hostNetwork out, or leave networks out`, scope, problem: 'cannot carry networks' }));
    }
  }

  if (context.singlePod) {
    // The controller as the chart renders it (a Deployment unless values say otherwise), so that
    // the model can tell what an autoscaler's scaleTargetRef names.
    const why = rawResourceAutoscaling(deepMerge({ controllers: { [c]: {} } }, values as Record<string, any>), context.releaseName, c);
    if (why !== undefined) {
      problems.add(refusal({ field: 'values.rawResources', value: why, hint: 'an autoscaler would start more pods with the same static addresses/MAC; leave it out, or leave ips and mac out of networks', scope, problem: 'runs more than one pod' }));
    }
  }

  const raw = (values as Record<string, any>).rawResources;
  if (isPlainObject(raw)) {
    for (const [name, item] of Object.entries(raw)) {
      if (!isPlainObject(item)) continue;
      const field = `values.rawResources.${name}`;
      if (context.layout.major >= 5 && !has(item, 'manifest') && (has(item, 'apiVersion') || has(item, 'kind') || has(item, 'spec'))) {
        problems.add(refusal({ field, value: Object.keys(item), hint: 'app-template 5.x takes the object under manifest: (rawResources.<name>.manifest.apiVersion, .kind, .spec); the 4.x form fails its schema', scope, problem: 'is in the 4.x layout' }));
      }
      if (context.layout.major < 5 && has(item, 'manifest')) {
        problems.add(refusal({ field, value: Object.keys(item), hint: 'app-template 4.x takes apiVersion, kind and spec directly under rawResources.<name>; manifest: is the 5.x form and fails its schema', scope, problem: 'is in the 5.x layout' }));
      }
    }
  }
  problems.throwIfAny();
}

function has(o: Record<string, any>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

function ownedBy(field: string, value: unknown, prop: string, scope?: IConstruct) {
  return refusal({ field, value, hint: `set it with ${prop}`, scope, problem: 'is set by a prop' });
}

/** Calls `found(path, value)` for every networks annotation key in `node`, wherever it is. */
function findNetworksAnnotations(node: unknown, at: string, found: (field: string, value: unknown) => void): void {
  if (Array.isArray(node)) {
    node.forEach((n, i) => findNetworksAnnotations(n, `${at}[${i}]`, found));
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === NETWORKS_ANNOTATION) found(at, value);
      else findNetworksAnnotations(value, `${at}.${key}`, found);
    }
  }
}
