import { IConstruct } from 'constructs';
import { invalid } from '../errors';
import { isPlainObject } from '../util/merge';
import { checkDnsLabel } from '../util/validate';
import { NETWORKS_ANNOTATION, controllerMultiPod, controllerPodAnnotationsPath } from '../knowledge/workloads';

// The checks of an app-template release's values before a networks annotation is merged into
// them (where app-template reads a controller's pod annotations is the workload model's, in
// knowledge/workloads). Pure: values in, refusals out.

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
    invalid({ field: `${field}.${controllerPodAnnotationsPath(controller).join('.')}`, value: existing, hint: 'the pod already has a networks annotation; put all of a pod\'s networks in one MultusPodAnnotation', scope, problem: 'would be overwritten' });
  }
  return controllerMultiPod(controller, c);
}
