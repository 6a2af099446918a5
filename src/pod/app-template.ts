import { IConstruct } from 'constructs';
import { invalid } from '../errors';
import { isPlainObject } from '../util/merge';
import { checkDnsLabel } from '../util/validate';

// Where the bjw-s app-template chart (4.x and 5.x) reads a controller's pod annotations, and the
// checks of a release's values before an annotation is merged into them. Pure: values in, values
// or refusals out.

/** The annotation key Multus reads the requested networks from. @internal */
export const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';

/**
 * The values fragment that puts `annotations` on the pods of `controller`:
 * `{ controllers: { <controller>: { pod: { annotations } } } }`. `controllers.<controller>.annotations`
 * would be the controller's own metadata, which Multus ignores.
 * @internal
 */
export function podAnnotationValues(controller: string, annotations: Record<string, string>): Record<string, any> {
  return { controllers: { [controller]: { pod: { annotations } } } };
}

/**
 * Checks app-template `values` before the networks annotation `rendered` is merged in for
 * `controller`: the controller exists, no networks annotation sits on the controller's own metadata,
 * and the pod holds no other networks annotation. Returns why the controller runs more than one pod,
 * when it does.
 * @internal
 */
export function checkAppTemplateValues(values: unknown, controller: string, rendered: string, field: string, scope?: IConstruct): string | undefined {
  checkDnsLabel('controller', controller, scope);
  if (!isPlainObject(values)) {
    invalid({ field, value: values, hint: 'give the app-template values as a plain object', scope });
  }
  const controllers = values.controllers;
  const names = isPlainObject(controllers) ? Object.keys(controllers) : [];
  if (!isPlainObject(controllers) || !isPlainObject(controllers[controller])) {
    invalid({ field: 'controller', value: controller, hint: `the values have no controllers.${controller} (they have: ${names.length ? names.join(', ') : 'none'}); name an existing app-template controller`, scope, problem: 'is not a controller of the release' });
  }
  const c = controllers[controller];
  if (isPlainObject(c.annotations) && c.annotations[NETWORKS_ANNOTATION] !== undefined) {
    invalid({
      field: `${field}.controllers.${controller}.annotations`,
      value: c.annotations[NETWORKS_ANNOTATION],
      hint: 'this is the controller\'s own metadata, which Multus ignores (https://github.com/k8snetworkplumbingwg/multus-cni/issues/348); remove it: the annotation belongs under pod.annotations',
      scope,
      problem: 'is on the wrong object',
    });
  }
  const existing = isPlainObject(c.pod) && isPlainObject(c.pod.annotations) ? c.pod.annotations[NETWORKS_ANNOTATION] : undefined;
  if (existing !== undefined && existing !== rendered) {
    invalid({ field: `${field}.controllers.${controller}.pod.annotations`, value: existing, hint: 'the pod already has a networks annotation; put all of a pod\'s networks in one MultusPodAnnotation', scope, problem: 'would be overwritten' });
  }
  return controllerMultiPod(controller, c);
}

/**
 * Why an app-template controller runs more than one pod, or undefined when it runs one.
 * @internal
 */
export function controllerMultiPod(controller: string, c: Record<string, any>): string | undefined {
  if (c.type === 'daemonset') return `app-template controller ${controller} is a daemonset (one pod on every node)`;
  if (typeof c.replicas === 'number' && c.replicas > 1) return `app-template controller ${controller} runs ${c.replicas} replicas`;
  // app-template 5.x: an autoscaler takes over the controller's replicas.
  if (c.horizontalPodAutoscaler !== undefined && c.horizontalPodAutoscaler !== null) return `an autoscaler changes app-template controller ${controller}'s replicas`;
  return undefined;
}
