import { Finding, FluxContext, Manifest } from '../../src/rules/model';
import { runRules } from '../../src/rules/rulebook';

// Plain manifests for the rulebook's tests: each builder returns the object a hand-written file
// would hold, and `manifest()` wraps it the way the command line does (file, namespace, Flux).

export const NETWORKS = 'k8s.v1.cni.cncf.io/networks';

let counter = 0;

/** A manifest of the input: the object, its file, its namespace (metadata's unless given), its Flux Kustomization. */
export function manifest(object: any, options: { namespace?: string; flux?: FluxContext; file?: string } = {}): Manifest {
  return {
    object,
    location: { file: options.file ?? `${String(object.kind).toLowerCase()}-${counter++}.yaml`, doc: 0 },
    namespace: options.namespace ?? object.metadata?.namespace,
    ...(options.flux ? { flux: options.flux } : {}),
  };
}

/** A Flux Kustomization context. */
export function flux(name: string, cluster = ''): FluxContext {
  return { name, namespace: 'flux-system', location: { file: `${name}/ks.yaml` }, cluster };
}

/** The findings over `objects` (plain objects or manifests), as a whole repository. */
export function check(objects: Array<any>, input: 'app' | 'repository' = 'repository'): Finding[] {
  return runRules(objects.map((o) => (o && o.location && o.object ? o : manifest(o))), { input });
}

/** The rule ids found, sorted. */
export function rules(findings: Finding[]): string[] {
  return findings.map((f) => f.rule).sort();
}

export const angelnuRepository = {
  apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository',
  metadata: { name: 'angelnu', namespace: 'flux-system' }, spec: { interval: '2h', url: 'https://angelnu.github.io/helm-charts' },
};

/** The values of a correct angelnu 7.0.0 release for k3s with Cilium off. */
export function angelnuValues(paths = { config: '/var/lib/rancher/k3s/agent/etc/cni/net.d', bin: '/var/lib/rancher/k3s/data/cni' }): any {
  return {
    controllers: { multus: { containers: { multus: { image: { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' }, resources: { limits: { memory: '256Mi' } } } } } },
    // what 7.0.0 as served on common 5.0.1 needs (ignored by 6.0.4's common 4.5.0)
    defaultPodOptions: { automountServiceAccountToken: true },
    global: { createDefaultServiceAccount: false },
    cni: { paths },
  };
}

/** An angelnu multus HelmRelease in kube-system. */
export function angelnuRelease(version: string, values: any = angelnuValues(), name = 'multus'): any {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name, namespace: 'kube-system' },
    spec: { interval: '30m', chart: { spec: { chart: 'multus', version, sourceRef: { kind: 'HelmRepository', name: 'angelnu', namespace: 'flux-system' } } }, values },
  };
}

/** The OCIRepository of a chart and a HelmRelease installing it through `chartRef`. */
export function ociRelease(url: string, tag: string, name: string, namespace: string, values: any): any[] {
  return [
    { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name, namespace }, spec: { interval: '15m', url, ref: { tag } } },
    { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name, namespace }, spec: { interval: '1h', chartRef: { kind: 'OCIRepository', name }, values } },
  ];
}

/** A bjw-s app-template release (OCI) named `name` in `namespace`. */
export function appTemplate(name: string, namespace: string, values: any): any[] {
  return ociRelease('oci://ghcr.io/bjw-s-labs/helm/app-template', '4.1.1', name, namespace, values);
}

/** A Cilium HelmRelease in kube-system. */
export function cilium(values: any): any {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'cilium', namespace: 'kube-system' },
    spec: { interval: '30m', chart: { spec: { chart: 'cilium', version: '1.18.4', sourceRef: { kind: 'HelmRepository', name: 'cilium', namespace: 'flux-system' } } }, values },
  };
}

/** A NetworkAttachmentDefinition with a config object (serialized) or text. */
export function nad(name: string, namespace: string, config: any): any {
  return {
    apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name, namespace },
    spec: { config: typeof config === 'string' ? config : JSON.stringify(config) },
  };
}

/** A macvlan config with static IPAM, declaring `capabilities`. */
export function macvlan(name: string, capabilities?: Record<string, boolean>, ipam: any = { type: 'static' }): any {
  return { cniVersion: '0.3.1', name, type: 'macvlan', master: 'eth0', mode: 'bridge', ...(capabilities ? { capabilities } : {}), ipam };
}

/** A Pod with a networks annotation. */
export function pod(name: string, namespace: string, annotation: string): any {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, annotations: { [NETWORKS]: annotation } },
    spec: { containers: [{ name: 'main', image: 'registry.example/app:1.0.0' }] },
  };
}

/** A Deployment whose pod template carries `annotation`, with `spec` over the default (1 replica, Recreate). */
export function deployment(name: string, namespace: string, annotation: string | undefined, spec: any = {}, own?: Record<string, string>): any {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, ...(own ? { annotations: own } : {}) },
    spec: {
      replicas: 1, strategy: { type: 'Recreate' }, selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, ...(annotation !== undefined ? { annotations: { [NETWORKS]: annotation } } : {}) },
        spec: { containers: [{ name: 'main', image: 'registry.example/app:1.0.0' }] },
      },
      ...spec,
    },
  };
}

/** A selection list with one element. */
export function selection(element: Record<string, unknown>): string {
  return JSON.stringify([element]);
}
