import { ANGELNU_MULTUS } from './charts/angelnu-multus';
import { BJW_S_MULTUS } from './charts/bjw-s-multus';
import { HOME_OPERATIONS_MULTUS } from './charts/home-operations-multus';
import { MultusChartId, MultusChartProfile } from './charts/profile';

// What the library knows of each Multus chart, kept once: where it is served, which versions exist
// and which are broken, where its values put the daemon, which keys it reads and which the library
// owns, the daemon it runs, its default CNI directories, the Kubernetes versions it supports, and the
// values the library writes for it. `MultusChart`/`MultusInstall` (src/multus) and the rulebook
// (src/rules) both read these profiles; neither keeps a copy. Each chart is one profile in
// src/knowledge/charts/, listed here.

export * from './charts/profile';
export { ANGELNU_LAYOUTS, ANGELNU_MULTUS } from './charts/angelnu-multus';
export { BJW_S_MULTUS } from './charts/bjw-s-multus';
export { HOME_OPERATIONS_MULTUS } from './charts/home-operations-multus';

/** Every Multus chart the library knows. */
export const MULTUS_CHARTS: readonly MultusChartProfile[] = [ANGELNU_MULTUS, BJW_S_MULTUS, HOME_OPERATIONS_MULTUS];

/** The profile of a chart id. */
export function multusChart(id: MultusChartId): MultusChartProfile {
  return MULTUS_CHARTS.find((p) => p.id === id)!;
}


/**
 * The Multus daemon's requests and limits when none is given (MiB, millicores): 10m CPU and 64Mi
 * requested, a 512Mi memory limit (what public home-ops clusters run; the thick daemon is OOM-killed
 * with upstream's 50Mi and the common 128Mi, https://github.com/k8snetworkplumbingwg/multus-cni/issues/1346),
 * no CPU limit (a throttled daemon delays every pod start on its node).
 */
export const DAEMON_RESOURCE_DEFAULTS = { cpuRequest: 10, memoryRequest: 64, memoryLimit: 512 } as const;
