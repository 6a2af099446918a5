import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { parseAllDocuments } from 'yaml';
import { buildCluster } from '../../examples/cluster';
import { FluxTreeApp, FluxTreeFile } from '../../src';
import { describeWithChartData, expectValidAppTemplateRelease } from '../chart-schema';
import { describeWithCrds, expectValidAgainstCrds, isPinnedCustomResource } from '../crd-schema';
import { listFiles, testApp, testWithTool } from '../helpers';

/** The example cluster's tree, rendered in memory. */
function exampleFiles(testPod = true): FluxTreeFile[] {
  const app = testApp();
  return buildCluster(app, { testPod }).repository.files();
}

function docsOf(files: FluxTreeFile[], file: string): any[] {
  const f = files.find((x) => x.path === file);
  if (!f) throw new Error(`no ${file} among ${files.map((x) => x.path).join(', ')}`);
  return parseAllDocuments(f.content).map((d) => d.toJS());
}

const ROOT = 'kubernetes/main';
const MULTUS = `${ROOT}/apps/kube-system/multus`;
const HA = `${ROOT}/apps/home-automation/home-assistant`;
const TEST = `${ROOT}/apps/default/multus-test`;

describe('the example cluster (the plan as code)', () => {
  const files = exampleFiles();

  test('the tree: file list and contents', () => {
    // GIVEN the example cluster
    // WHEN it is rendered (files, above)
    // THEN the whole tree is the reviewed one
    expect(Object.fromEntries(files.map((f) => [f.path, f.content]))).toMatchSnapshot();
    // ... and these are what the snapshot must keep:
    expect(files.map((f) => f.path)).toEqual([
      `${ROOT}/apps/default/kustomization.yaml`,
      `${TEST}/app/kustomization.yaml`,
      `${TEST}/app/pod.yaml`,
      `${TEST}/ks.yaml`,
      `${HA}/app/helmrelease.yaml`,
      `${HA}/app/kustomization.yaml`,
      `${HA}/ks.yaml`,
      `${ROOT}/apps/home-automation/kustomization.yaml`,
      `${ROOT}/apps/home-automation/namespace.yaml`,
      `${ROOT}/apps/kube-system/kustomization.yaml`,
      `${MULTUS}/app/helmrelease.yaml`,
      `${MULTUS}/app/kustomization.yaml`,
      `${MULTUS}/ks.yaml`,
      `${MULTUS}/networks/kustomization.yaml`,
      `${MULTUS}/networks/network-attachment-definition.yaml`,
      `${ROOT}/flux/repositories/helm/angelnu.yaml`,
      `${ROOT}/flux/repositories/helm/kustomization.yaml`,
      `${ROOT}/flux/repositories/kustomization.yaml`,
      `${ROOT}/flux/repositories/oci/app-template.yaml`,
      `${ROOT}/flux/repositories/oci/kustomization.yaml`,
    ]);
  });

  test('Multus installs in two Kustomizations: the chart first, then the NADs (kustomize-controller #601)', () => {
    // GIVEN the example cluster's tree (files, above)
    // WHEN its Multus ks.yaml is read
    const [chart, networks] = docsOf(files, `${MULTUS}/ks.yaml`);
    // THEN the chart's Kustomization health-checks the release and the CRD, and the networks' waits for it
    expect(chart).toMatchObject({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'multus', namespace: 'flux-system' },
      spec: {
        targetNamespace: 'kube-system',
        commonMetadata: { labels: { 'app.kubernetes.io/name': 'multus' } },
        path: `./${MULTUS}/app`,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'home-kubernetes' },
        // wait: true would make Flux ignore the health checks
        wait: false,
        healthChecks: [
          { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'multus', namespace: 'kube-system' },
          { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'network-attachment-definitions.k8s.cni.cncf.io' },
        ],
        interval: '30m',
        retryInterval: '1m',
        timeout: '5m',
      },
    });
    expect(networks).toMatchObject({
      metadata: { name: 'multus-networks', namespace: 'flux-system' },
      spec: { dependsOn: [{ name: 'multus' }], path: `./${MULTUS}/networks`, targetNamespace: 'kube-system', wait: true },
    });
    expect(docsOf(files, `${MULTUS}/app/kustomization.yaml`)[0].resources).toEqual(['./helmrelease.yaml']);
    expect(docsOf(files, `${MULTUS}/networks/kustomization.yaml`)[0].resources).toEqual(['./network-attachment-definition.yaml']);
  });

  test('the Multus release: the default thick image and resources, the standard CNI paths of k3s with Cilium, the Exists toleration', () => {
    // GIVEN the example cluster's tree (files, above)
    // WHEN its Multus HelmRelease is read
    const [release] = docsOf(files, `${MULTUS}/app/helmrelease.yaml`);
    // THEN it carries the chart, image, requests, standard paths and toleration, from the angelnu repository
    expect(release.spec.chart.spec).toEqual({ chart: 'multus', version: '7.0.0', sourceRef: { kind: 'HelmRepository', name: 'angelnu', namespace: 'flux-system' } });
    expect(release.spec.values.controllers.multus.containers.multus).toEqual({
      image: { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' },
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } },
    });
    // k3s with flannel off (Cilium): containerd's own defaults, not k3s's directories
    expect(release.spec.values.cni.paths).toEqual({ config: '/etc/cni/net.d', bin: '/opt/cni/bin' });
    // what every build of 7.0.0 needs, and room for a DaemonSet rolling node by node
    expect(release.spec.values).toMatchObject({ defaultPodOptions: { automountServiceAccountToken: true }, global: { createDefaultServiceAccount: false } });
    expect(release.spec.timeout).toBe('15m');
    expect(release.spec.postRenderers[0].kustomize.patches[0].patch).toContain('operator: Exists');
    expect(docsOf(files, `${ROOT}/flux/repositories/helm/angelnu.yaml`)[0]).toMatchObject({
      kind: 'HelmRepository', metadata: { name: 'angelnu', namespace: 'flux-system' }, spec: { interval: '2h', url: 'https://angelnu.github.io/helm-charts' },
    });
  });

  test('the iot network: macvlan bridge on eth0, static IPAM that takes the annotation\'s ips', () => {
    // GIVEN the example cluster's tree (files, above)
    // WHEN its NetworkAttachmentDefinition is read
    const [nad] = docsOf(files, `${MULTUS}/networks/network-attachment-definition.yaml`);
    // THEN it is iot in kube-system: macvlan bridge on eth0, static IPAM declared as capabilities.ips
    expect(nad.metadata).toEqual({ name: 'iot', namespace: 'kube-system' });
    expect(JSON.parse(nad.spec.config)).toMatchObject({
      cniVersion: '0.3.1', name: 'iot', type: 'macvlan', master: 'eth0', mode: 'bridge',
      capabilities: { ips: true }, ipam: { type: 'static' },
    });
  });

  test('Home Assistant: one app-template 5.0.0 release from the OCI registry, on iot at 192.168.20.100/24 through the pod annotation, after the networks', () => {
    // GIVEN the example cluster's tree (files, above)
    // WHEN Home Assistant's HelmRelease and ks.yaml are read
    const [release] = docsOf(files, `${HA}/app/helmrelease.yaml`);
    // THEN the pod (not the controller) carries the annotation, and the app waits for the networks
    expect(release.metadata).toEqual({ name: 'home-assistant', namespace: 'home-automation' });
    expect(release.spec.chart).toBeUndefined();
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'app-template', namespace: 'flux-system' });
    const controller = release.spec.values.controllers['home-assistant'];
    expect(controller).toMatchObject({ replicas: 1, strategy: 'Recreate' });
    expect(controller.containers.app.image).toEqual({ repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.11.3' });
    expect(controller.annotations).toBeUndefined();
    expect(JSON.parse(controller.pod.annotations['k8s.v1.cni.cncf.io/networks'])).toEqual([
      { name: 'iot', namespace: 'kube-system', ips: ['192.168.20.100/24'] },
    ]);
    expect(release.spec.values.service.app.ports.http.port).toBe(8123);
    expect(release.spec.values.persistence.config).toMatchObject({ type: 'persistentVolumeClaim', globalMounts: [{ path: '/config' }] });
    const [ks] = docsOf(files, `${HA}/ks.yaml`);
    expect(ks.spec).toMatchObject({ targetNamespace: 'home-automation', dependsOn: [{ name: 'multus-networks' }], path: `./${HA}/app` });
    expect(docsOf(files, `${ROOT}/apps/home-automation/kustomization.yaml`)[0].resources).toEqual(['./namespace.yaml', './home-assistant/ks.yaml']);
    expect(docsOf(files, `${ROOT}/flux/repositories/oci/app-template.yaml`)[0]).toMatchObject({
      kind: 'OCIRepository', metadata: { name: 'app-template', namespace: 'flux-system' },
      spec: { ref: { tag: '5.0.0' }, url: 'oci://ghcr.io/bjw-s-labs/helm/app-template' },
    });
  });

  test('the verification pod: netshoot, sleep infinity, in default on iot at 192.168.20.250/24, after the networks', () => {
    // GIVEN the example cluster's tree (files, above)
    // WHEN the verification pod is read
    const [pod] = docsOf(files, `${TEST}/app/pod.yaml`);
    // THEN it sleeps on iot at its address, after the networks
    expect(pod.metadata).toMatchObject({ name: 'multus-test', namespace: 'default' });
    expect(JSON.parse(pod.metadata.annotations['k8s.v1.cni.cncf.io/networks'])).toEqual([
      { name: 'iot', namespace: 'kube-system', ips: ['192.168.20.250/24'] },
    ]);
    expect(pod.spec.containers[0]).toMatchObject({ image: expect.stringMatching(/^nicolaka\/netshoot:/), command: ['sleep', 'infinity'] });
    expect(docsOf(files, `${TEST}/ks.yaml`)[0].spec).toMatchObject({ targetNamespace: 'default', dependsOn: [{ name: 'multus-networks' }] });
  });

  test('the flag leaves the verification pod out, and nothing else', () => {
    // GIVEN the example cluster
    // WHEN rendered without the verification pod
    const without = exampleFiles(false);
    // THEN the default namespace is gone, and every other file is as with it
    expect(without.filter((f) => f.path.startsWith(`${ROOT}/apps/default/`))).toEqual([]);
    expect(without).toEqual(files.filter((f) => !f.path.startsWith(`${ROOT}/apps/default/`)));
  });

  test('every Kustomization path resolves to a directory of the tree that holds a kustomization.yaml', () => {
    // GIVEN the example cluster's tree (files, above)
    // WHEN the path of every Flux Kustomization is followed
    const paths = new Set(files.map((f) => f.path));
    const ks = files.filter((f) => f.path.endsWith('/ks.yaml')).flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS()));
    // THEN each leads to a directory with a kustomization.yaml
    expect(ks.length).toBe(4);
    for (const k of ks) {
      expect(k.spec.path).toMatch(/^\.\//);
      expect(paths.has(`${k.spec.path.slice(2)}/kustomization.yaml`)).toBe(true);
    }
  });

  test('every file listed by a kustomization.yaml exists, and every file is listed by one', () => {
    // GIVEN the example cluster's tree (files, above)
    // WHEN every resource of every kustomization.yaml is followed
    const paths = new Set(files.map((f) => f.path));
    const listed = new Set<string>();
    // THEN each exists, and no file but the roots is left unlisted
    for (const f of files.filter((x) => x.path.endsWith('/kustomization.yaml'))) {
      const dir = path.posix.dirname(f.path);
      for (const r of parseAllDocuments(f.content)[0].toJS().resources) {
        const target = path.posix.normalize(`${dir}/${r}`);
        const exists = paths.has(target) || paths.has(`${target}/kustomization.yaml`);
        expect({ resource: `${dir}/${r}`, exists }).toEqual({ resource: `${dir}/${r}`, exists: true });
        listed.add(paths.has(target) ? target : `${target}/kustomization.yaml`);
      }
    }
    // The roots a parent Kustomization applies (apps/<ns>, flux/repositories) are listed by nobody here.
    const roots = [`${ROOT}/apps/default/kustomization.yaml`, `${ROOT}/apps/home-automation/kustomization.yaml`, `${ROOT}/apps/kube-system/kustomization.yaml`, `${ROOT}/flux/repositories/kustomization.yaml`];
    const unlisted = [...paths].filter((p) => !listed.has(p) && !roots.includes(p)
      // a Flux Kustomization applies an app's directory through its `path`
      && !/\/(app|networks)\/kustomization\.yaml$/.test(p));
    expect(unlisted).toEqual([]);
  });

  test('two renders are byte-identical', () => {
    // GIVEN the example cluster's tree (files, above)
    // WHEN it is rendered again
    // THEN the files are the same
    expect(exampleFiles()).toEqual(files);
  });
});

describe('the example as `cdk8s synth` runs it (FluxTreeApp)', () => {
  let outdir: string;
  beforeEach(() => { outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-tree-')); });
  afterEach(() => { fs.rmSync(outdir, { recursive: true, force: true }); });

  test('writes exactly the tree, and nothing else, under the outdir', () => {
    // GIVEN the example in a FluxTreeApp
    const app = new FluxTreeApp({ outdir });
    buildCluster(app);
    // WHEN synthesized
    app.synth();
    // THEN the files on disk are the tree's files, with the same contents
    const expected = exampleFiles();
    expect(listFiles(outdir)).toEqual(expected.map((f) => f.path));
    for (const f of expected) expect(fs.readFileSync(path.join(outdir, f.path), 'utf8')).toBe(f.content);
  });

  testWithTool('kubectl', 'kubectl kustomize builds every directory with a kustomization.yaml', (kubectl) => {
    // GIVEN the example tree on disk
    const app = new FluxTreeApp({ outdir });
    buildCluster(app);
    app.synth();
    const dirs = listFiles(outdir).filter((p) => p.endsWith('/kustomization.yaml')).map((p) => path.posix.dirname(p));
    expect(dirs.length).toBe(10);
    // WHEN kustomize builds each directory
    // THEN every one builds, without a warning
    for (const dir of dirs) {
      const r = spawnSync(kubectl, ['kustomize', path.join(outdir, dir)], { encoding: 'utf8' });
      expect({ dir, status: r.status, stderr: r.stderr }).toEqual({ dir, status: 0, stderr: '' });
      expect(parseAllDocuments(r.stdout).length).toBeGreaterThan(0);
    }
  });
});

describeWithCrds('the example against the pinned CRDs', () => {
  test('every custom resource of the tree is valid for its CRD (unknown fields rejected)', () => {
    // GIVEN the example cluster's tree and the pinned CRDs
    const manifests = exampleFiles()
      .filter((f) => !f.path.endsWith('/kustomization.yaml'))
      .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS()));
    const custom = manifests.filter(isPinnedCustomResource);
    // WHEN / THEN every custom resource of the pinned groups is found, and valid against its CRD
    expect(custom.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'HelmRelease/home-assistant', 'HelmRelease/multus', 'HelmRepository/angelnu',
      'Kustomization/home-assistant', 'Kustomization/multus', 'Kustomization/multus-networks', 'Kustomization/multus-test',
      'NetworkAttachmentDefinition/iot', 'OCIRepository/app-template',
    ]);
    expectValidAgainstCrds(manifests);
  });
});


describeWithChartData('the example\'s app-template releases against their chart\'s schemas', () => {
  test('every release of app-template is valid for its version: values and the whole HelmRelease (unknown keys refused)', () => {
    // GIVEN the example's manifests
    const manifests = exampleFiles()
      .filter((f) => !f.path.endsWith('/kustomization.yaml'))
      .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS()));
    const sources = manifests.filter((m) => m.kind === 'OCIRepository' && m.spec.url === 'oci://ghcr.io/bjw-s-labs/helm/app-template');
    // WHEN its app-template releases are picked, with the version their source serves
    const releases = manifests.filter((m) => m.kind === 'HelmRelease').flatMap((m) => {
      const source = sources.find((s) => s.metadata.name === m.spec.chartRef?.name && s.metadata.namespace === m.spec.chartRef?.namespace);
      const version = source?.spec.ref.tag ?? (m.spec.chart?.spec.chart === 'app-template' ? m.spec.chart.spec.version : undefined);
      return version ? [{ release: m, version }] : [];
    });
    // THEN there is Home Assistant on 5.0.0, and each is valid for its version's schemas
    expect(releases.map((r) => `${r.release.metadata.name} ${r.version}`)).toEqual(['home-assistant 5.0.0']);
    for (const r of releases) expectValidAppTemplateRelease(r.release, r.version);
  });
});
