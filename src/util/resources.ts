import { Size } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Problems, invalid, refusal } from '../errors';
import { checkKnownProps, propsShape } from './props';
import { CpuQuantity, wholeMebibytes } from './quantity';

/**
 * Requests and limits of a container: the Multus daemon's (`MultusInstallProps.resources`) or an
 * app-template release's (`AppTemplateReleaseProps.resources`). Each limit must be at least its
 * request. Which defaults apply is told by the prop that takes it.
 */
export interface ContainerResources {
  /**
   * CPU request.
   * @default - the default of the prop that takes the resources
   */
  readonly cpuRequest?: CpuQuantity;

  /**
   * CPU limit. A throttled container answers late: the Multus daemon delays every pod start on its
   * node, Home Assistant answers devices late.
   * @default - the default of the prop that takes the resources
   */
  readonly cpuLimit?: CpuQuantity;

  /**
   * Memory request, in whole mebibytes or more.
   * @default - the default of the prop that takes the resources
   */
  readonly memoryRequest?: Size;

  /**
   * Memory limit, in whole mebibytes or more.
   * @default - the default of the prop that takes the resources
   */
  readonly memoryLimit?: Size;
}

/** The keys of `ContainerResources` (util/props). @internal */
export const CONTAINER_RESOURCES = propsShape<ContainerResources>('ContainerResources', {
  cpuRequest: true, cpuLimit: true, memoryRequest: true, memoryLimit: true,
});

/** Checked requests and limits: CPU in millicores, memory in mebibytes. @internal */
export interface CheckedResources {
  readonly cpuRequest?: number;
  readonly cpuLimit?: number;
  readonly memoryRequest?: number;
  readonly memoryLimit?: number;
}

/**
 * Checks `r` (`resources` of a props object) with the defaults of the prop that takes it: known
 * keys only, CPU as a CpuQuantity, memory as a Size of whole mebibytes, each limit at least its
 * request. Reports every problem in one ValidationError.
 * @internal
 */
export function checkResources(r: ContainerResources, defaults: CheckedResources, scope?: IConstruct): CheckedResources {
  const problems = new Problems();
  problems.check(() => checkKnownProps('resources', r, CONTAINER_RESOURCES, scope));
  type Given = unknown;
  const cpu = (name: 'cpuRequest' | 'cpuLimit') => problems.check(() => {
    const q: Given = r[name];
    if (q === undefined) return defaults[name];
    if (!(q instanceof CpuQuantity)) invalid({ field: `resources.${name}`, value: q, hint: 'give a CpuQuantity, e.g. CpuQuantity.millis(100)', scope });
    return q.millicores;
  });
  const memory = (name: 'memoryRequest' | 'memoryLimit') => problems.check(() => {
    const s: Given = r[name];
    if (s === undefined) return defaults[name];
    return wholeMebibytes(`resources.${name}`, s, 'Size.mebibytes(512)', scope);
  });
  const checked: CheckedResources = {
    cpuRequest: cpu('cpuRequest'), cpuLimit: cpu('cpuLimit'), memoryRequest: memory('memoryRequest'), memoryLimit: memory('memoryLimit'),
  };
  problems.throwIfAny();
  const { cpuRequest, cpuLimit, memoryRequest, memoryLimit } = checked;
  if (cpuRequest !== undefined && cpuLimit !== undefined && cpuLimit < cpuRequest) {
    problems.add(refusal({ field: 'resources.cpuLimit', value: `${cpuLimit}m`, hint: `the limit must be at least the request (${cpuRequest}m)`, scope, problem: 'is below the request' }));
  }
  if (memoryRequest !== undefined && memoryLimit !== undefined && memoryLimit < memoryRequest) {
    problems.add(refusal({ field: 'resources.memoryLimit', value: `${memoryLimit}Mi`, hint: `the limit must be at least the request (${memoryRequest}Mi)`, scope, problem: 'is below the request' }));
  }
  problems.throwIfAny();
  return checked;
}
