import { IConstruct } from 'constructs';
import { DAEMON_RESOURCE_DEFAULTS } from '../knowledge/multus-charts';
import { ContainerResources, checkResources } from '../util/resources';

/**
 * The daemon's requests and limits when none is given: 10m CPU and 64Mi requested, a 512Mi memory
 * limit and no CPU limit (a throttled daemon delays every pod start on the node). The thick
 * daemon's memory grows with the CNI requests it serves at once, and it is OOM-killed on node
 * reboots and pod bursts with small limits
 * (https://github.com/k8snetworkplumbingwg/multus-cni/issues/1346, where even 500Mi did not end
 * every OOM loop; https://github.com/k8snetworkplumbingwg/multus-cni/issues/1349): upstream's 50Mi
 * and the common hand-written 128Mi are too small, and a killed daemon blocks pod creation on its
 * node. Public home-ops clusters run 512Mi. A limit is a ceiling, not a reservation.
 */
const DAEMON_DEFAULTS = DAEMON_RESOURCE_DEFAULTS;

/**
 * The daemon's container resources as the chart values take them, checked (util/resources) with
 * the daemon's defaults: millicores and mebibytes, as the values have always been written (the
 * same bytes for the same request).
 * @internal
 */
export function renderResources(r: ContainerResources, scope?: IConstruct): Record<string, any> {
  const c = checkResources(r, DAEMON_DEFAULTS, scope);
  return {
    requests: { cpu: `${c.cpuRequest}m`, memory: `${c.memoryRequest}Mi` },
    limits: {
      ...(c.cpuLimit !== undefined ? { cpu: `${c.cpuLimit}m` } : {}),
      memory: `${c.memoryLimit}Mi`,
    },
  };
}
