import { Size } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Problems, invalid } from '../errors';
import { checkKnownProps, propsShape } from '../util/props';
import { CpuQuantity, wholeMebibytes } from '../util/quantity';

/** Requests and limits of the Multus daemon container. */
export interface MultusResources {
  /**
   * CPU request.
   * @default CpuQuantity.millis(10)
   */
  readonly cpuRequest?: CpuQuantity;

  /**
   * CPU limit.
   * @default - no CPU limit (a throttled daemon delays every pod start on the node)
   */
  readonly cpuLimit?: CpuQuantity;

  /**
   * CPU request, in millicores.
   * @deprecated use `cpuRequest: CpuQuantity.millis(n)`
   * @default 10
   */
  readonly cpuRequestMillis?: number;

  /**
   * CPU limit, in millicores.
   * @deprecated use `cpuLimit: CpuQuantity.millis(n)`
   * @default - no CPU limit
   */
  readonly cpuLimitMillis?: number;

  /**
   * Memory request.
   * @default Size.mebibytes(64)
   */
  readonly memoryRequest?: Size;

  /**
   * Memory limit. The thick daemon's memory grows with the CNI requests it serves at once, and it is
   * OOM-killed on node reboots and pod bursts with small limits
   * (https://github.com/k8snetworkplumbingwg/multus-cni/issues/1346, where even 500Mi did not end
   * every OOM loop; https://github.com/k8snetworkplumbingwg/multus-cni/issues/1349): upstream's
   * 50Mi and the common hand-written 128Mi are too small. A killed daemon blocks pod creation on its
   * node. Public home-ops clusters run 512Mi. A limit is a ceiling, not a reservation: the request
   * stays 64Mi.
   * @default Size.mebibytes(512)
   */
  readonly memoryLimit?: Size;
}

const RESOURCES = propsShape<MultusResources>('MultusResources', {
  cpuRequest: true, cpuLimit: true, cpuRequestMillis: true, cpuLimitMillis: true, memoryRequest: true, memoryLimit: true,
});

/**
 * The daemon's container resources as the chart values take them, checked: positive whole
 * millicores and mebibytes, each limit at least its request.
 * @internal
 */
export function renderResources(r: MultusResources, scope?: IConstruct): Record<string, any> {
  checkKnownProps('resources', r, RESOURCES, scope);
  const problems = new Problems();
  const cpuRequest = problems.check(() => cpu(r.cpuRequest, r.cpuRequestMillis, 'cpuRequest', scope)) ?? 10;
  const cpuLimit = problems.check(() => cpu(r.cpuLimit, r.cpuLimitMillis, 'cpuLimit', scope));
  const memRequest = problems.check(() => wholeMebibytes('resources.memoryRequest', r.memoryRequest ?? Size.mebibytes(64), 'Size.mebibytes(64)', scope));
  const memLimit = problems.check(() => wholeMebibytes('resources.memoryLimit', r.memoryLimit ?? Size.mebibytes(512), 'Size.mebibytes(512)', scope));
  if (cpuLimit !== undefined && cpuLimit < cpuRequest) {
    const field = r.cpuLimit !== undefined ? 'resources.cpuLimit' : 'resources.cpuLimitMillis';
    problems.check(() => invalid({ field, value: r.cpuLimit !== undefined ? `${cpuLimit}m` : cpuLimit, hint: `the limit must be at least the request (${cpuRequest}m)`, scope }));
  }
  if (memLimit !== undefined && memRequest !== undefined && memLimit < memRequest) {
    problems.check(() => invalid({ field: 'resources.memoryLimit', value: `${memLimit}Mi`, hint: `the limit must be at least the request (${memRequest}Mi)`, scope }));
  }
  problems.throwIfAny();
  return {
    requests: { cpu: quantity(cpuRequest), memory: `${memRequest}Mi` },
    limits: {
      ...(cpuLimit !== undefined ? { cpu: quantity(cpuLimit) } : {}),
      memory: `${memLimit}Mi`,
    },
  };
}

/** Millicores from a CpuQuantity or the deprecated millicore number (not both). */
function cpu(q: CpuQuantity | undefined, millis: number | undefined, name: string, scope?: IConstruct): number | undefined {
  if (q !== undefined && millis !== undefined) {
    invalid({ field: `resources.${name}Millis`, value: millis, hint: `give only resources.${name} (a CpuQuantity); ${name}Millis is its deprecated form`, scope, problem: 'is given twice' });
  }
  if (q !== undefined) {
    if (!(q instanceof CpuQuantity)) invalid({ field: `resources.${name}`, value: q, hint: 'give a CpuQuantity, e.g. CpuQuantity.millis(10)', scope });
    return q.millicores;
  }
  if (millis !== undefined && (!Number.isSafeInteger(millis) || millis <= 0)) {
    invalid({ field: `resources.${name}Millis`, value: millis, hint: 'give a positive whole number of millicores, e.g. 10', scope });
  }
  return millis;
}

/** `10m`: millicores as the values have always been written (the same bytes for the same request). */
function quantity(millicores: number): string {
  return `${millicores}m`;
}
