import { ChartSource } from './multus-charts';
import { ChartKubernetes } from './charts/profile';
import { commonKubernetesRange } from './common';
import { atLeast } from './versions';

// Where bjw-s app-template is served: the library installs it from the first of these; the rulebook
// recognises a release of any of them (the public repositories use both registries and the older
// bjw-s Helm repository).

/** The OCI repository the library installs app-template from. */
export const APP_TEMPLATE_OCI: ChartSource = { kind: 'OCIRepository', url: 'oci://ghcr.io/bjw-s-labs/helm/app-template', chart: 'app-template', repositoryName: 'app-template' };

/** The HTTP Helm repository serving app-template (and bjw-s-labs' other charts). */
export const APP_TEMPLATE_HELM: ChartSource = { kind: 'HelmRepository', url: 'https://bjw-s-labs.github.io/helm-charts', chart: 'app-template', repositoryName: 'bjw-s' };

/** Every place app-template is served. */
export const APP_TEMPLATE_SOURCES: readonly ChartSource[] = [
  APP_TEMPLATE_OCI,
  APP_TEMPLATE_HELM,
  { kind: 'OCIRepository', url: 'oci://ghcr.io/bjw-s/helm/app-template', chart: 'app-template', repositoryName: 'app-template' },
  { kind: 'HelmRepository', url: 'https://bjw-s.github.io/helm-charts', chart: 'app-template', repositoryName: 'bjw-s' },
];

/**
 * The app-template versions whose values schema the library has checked everything it writes
 * against, newest first, with the major of their values layout. The first is the default.
 */
export const APP_TEMPLATE_VERSIONS: Readonly<Record<string, { readonly major: 4 | 5 }>> = {
  '5.0.0': { major: 5 },
  '4.1.1': { major: 4 },
};

/** The version the library installs by default. */
export const APP_TEMPLATE_DEFAULT_VERSION = '5.0.0';

/**
 * The Kubernetes ranges an app-template version declares: its own (`>=1.28.0-0` for 4.x and 5.x,
 * enforced by helm) and its common library's (5.x on common 5: `>=1.31.0-0`, not enforced).
 */
export function appTemplateKubernetes(version: string): ChartKubernetes {
  const major = Number(version.split('.')[0]);
  return major >= 5
    ? { own: atLeast(1, 28), library: { name: 'common 5', range: commonKubernetesRange('5.0.0') } }
    : { own: atLeast(1, 28), library: { name: 'common 4', range: commonKubernetesRange('4.1.1') } };
}
