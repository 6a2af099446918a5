import { KubernetesRange, atLeast } from './versions';

// The bjw-s common library, which angelnu's and bjw-s-labs' Multus charts and app-template are built
// on: the top-level values keys it reads, and the Kubernetes versions each line supports.

/**
 * The top-level values keys the bjw-s common library reads (4.1.1 to 5.0.1: the properties of its
 * `values.schema.json`).
 */
export const COMMON_KEYS: ReadonlySet<string> = new Set([
  'global', 'defaultPodOptionsStrategy', 'defaultPodOptions', 'controllers', 'serviceAccount', 'configMaps',
  'configMapsFromFolder', 'secrets', 'secretsFromFolder', 'ingress', 'route', 'service', 'serviceMonitor',
  'podMonitor', 'networkpolicies', 'persistence', 'rbac', 'rawResources',
]);

/**
 * The Kubernetes range each common line declares in its Chart.yaml (`kubeVersion`). helm enforces
 * only the top chart's own range, not its library's: a chart built on common 5 renders on 1.30 all
 * the same, outside the range its library's authors support (measured with helm v4.1.4).
 */
export function commonKubernetesRange(commonVersion: string): KubernetesRange {
  return commonVersion.startsWith('5.') ? atLeast(1, 31) : atLeast(1, 28);
}
