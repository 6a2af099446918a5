// A synthetic Flux repository in the home-ops layout, for timing the command line: a root
// Kustomization, one kustomization.yaml per namespace, and per app a ks.yaml and an app/ directory
// (kustomization.yaml, an app-template HelmRelease with a static address, its OCIRepository).
import * as fs from 'node:fs';
import * as path from 'node:path';

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** Writes a repository of `apps` apps (4 files each, plus the tree's own) under `dir`; returns the file count. */
export function writeRepository(dir: string, apps: number): number {
  const root = path.join(dir, 'kubernetes');
  let files = 0;
  const put = (file: string, text: string): void => {
    write(path.join(root, file), text);
    files++;
  };
  put('flux/cluster/ks.yaml', 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: cluster-apps\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./kubernetes/apps\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n');
  put('apps/network/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: network\nresources:\n  - ./multus/ks.yaml\n');
  put('apps/network/multus/ks.yaml', 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: multus-networks\nspec:\n  interval: 1h\n  path: ./kubernetes/apps/network/multus/networks\n  targetNamespace: network\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n    namespace: flux-system\n');
  put('apps/network/multus/networks/iot.yaml', 'apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: iot\nspec:\n  config: \'{"cniVersion":"0.3.1","name":"iot","type":"macvlan","capabilities":{"ips":true},"ipam":{"type":"static"}}\'\n');
  const namespaces = new Map<string, string[]>();
  for (let i = 0; i < apps; i++) {
    const ns = `ns-${i % 10}`;
    const app = `app-${i}`;
    namespaces.set(ns, [...(namespaces.get(ns) ?? []), app]);
    const ip = `198.18.${Math.floor((i + 10) / 250)}.${((i + 10) % 250) + 1}`;
    put(`apps/${ns}/${app}/ks.yaml`, `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${app}\nspec:\n  interval: 1h\n  path: ./kubernetes/apps/${ns}/${app}/app\n  targetNamespace: ${ns}\n  postBuild:\n    substitute:\n      APP: ${app}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n    namespace: flux-system\n`);
    put(`apps/${ns}/${app}/app/kustomization.yaml`, 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./helmrelease.yaml\n  - ./ocirepository.yaml\n');
    put(`apps/${ns}/${app}/app/ocirepository.yaml`, '---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: ${APP}\nspec:\n  interval: 15m\n  ref:\n    tag: 4.1.1\n  url: oci://ghcr.io/bjw-s-labs/helm/app-template\n');
    put(`apps/${ns}/${app}/app/helmrelease.yaml`, `---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: \${APP}\nspec:\n  interval: 1h\n  chartRef:\n    kind: OCIRepository\n    name: \${APP}\n  values:\n    controllers:\n      main:\n        pod:\n          annotations:\n            k8s.v1.cni.cncf.io/networks: |\n              [{"name": "iot", "namespace": "network", "ips": ["${ip}/15"]}]\n        containers:\n          app:\n            image:\n              repository: registry.example/\${APP}\n              tag: 1.0.0\n`);
  }
  for (const [ns, list] of namespaces) {
    put(`apps/${ns}/kustomization.yaml`, `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${ns}\nresources:\n${list.map((a) => `  - ./${a}/ks.yaml`).join('\n')}\n`);
  }
  return files;
}
