import { ChartSource } from './multus-charts';

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
