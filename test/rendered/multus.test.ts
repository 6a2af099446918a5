import { parseAllDocuments } from 'yaml';
import { buildCluster } from '../../examples/cluster';
import { CniPaths, MultusChart, MultusChartFamily, MultusInstall, MultusInstallProps, MultusLogLevel, TaintEffect } from '../../src';
import { ChartBuild, Manifest, describeRendered, helmTemplate, ofKind, postRender, testWithBuild } from '../helm';
import { findKind, synth, testApp, testChart } from '../helpers';

// What the cluster runs for the HelmReleases the library writes: each rendered by the real helm
// against the charts' own sources (every build the library knows: angelnu 6.0.4, 7.0.0 on common
// 4.6.2 and on common 5.0.1, bjw-s 1.3.0 and 1.3.1), with the release's post-renderers applied by
// kustomize as helm-controller applies them. Checked on the DaemonSet: the image, the resources,
// the CNI directories in its hostPath volumes and in the daemon's config, a mounted API token, a
// ServiceAccount that exists and that the ClusterRoleBinding binds, and the tolerations.

/** A build of a chart, as its Chart.yaml names it, and the MultusChart that installs it. */
interface Build {
  readonly title: string;
  readonly version: string;
  readonly common: string;
  readonly chart: () => MultusChart;
}

const ANGELNU: Build[] = [
  { title: 'angelnu multus 6.0.4 (common 4.5.0)', version: '6.0.4', common: '4.5.0', chart: () => MultusChart.angelnu({ version: '6.0.4' }) },
  { title: 'angelnu multus 7.0.0 (common 4.6.2)', version: '7.0.0', common: '4.6.2', chart: () => MultusChart.angelnu({ version: '7.0.0' }) },
  { title: 'angelnu multus 7.0.0 (common 5.0.1)', version: '7.0.0', common: '5.0.1', chart: () => MultusChart.angelnu({ version: '7.0.0' }) },
];
const BJW_S: Build[] = [
  { title: 'bjw-s multus 1.3.0 (common 5.0.0)', version: '1.3.0', common: '5.0.0', chart: () => MultusChart.bjwS({ version: '1.3.0' }) },
  { title: 'bjw-s multus 1.3.1 (common 5.0.0)', version: '1.3.1', common: '5.0.0', chart: () => MultusChart.bjwS({ version: '1.3.1' }) },
];

/** An install, synthesized: its HelmRelease manifest (what Flux reads) and the construct. */
function release(chart: MultusChart, props: Partial<MultusInstallProps>): { install: MultusInstall; manifest: Manifest } {
  const scope = testChart('kube-system');
  const install = new MultusInstall(scope, 'multus', { cniPaths: CniPaths.K3S, chart, ...props });
  return { install, manifest: findKind(synth(scope), 'HelmRelease') };
}

/** What the cluster runs: helm's render, then the post-renderers; both, to tell what the patches changed. */
function render(manifest: Manifest, build: ChartBuild): { rendered: Manifest[]; applied: Manifest[] } {
  const rendered = helmTemplate(build, {
    release: manifest.spec.releaseName ?? manifest.metadata.name,
    namespace: manifest.spec.targetNamespace ?? manifest.metadata.namespace,
    values: manifest.spec.values,
  });
  return { rendered, applied: postRender(rendered, manifest.spec.postRenderers) };
}

const key = (m: Manifest) => `${m.kind}/${m.metadata?.namespace ?? ''}/${m.metadata?.name}`;

/** `value` as JSON with every object's keys sorted: kustomize writes keys in an order of its own. */
function canonical(value: unknown): string {
  const sort = (v: any): any => Array.isArray(v) ? v.map(sort)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v;
  return JSON.stringify(sort(value));
}

/** The objects the post-renderers changed, by kind/namespace/name (the same objects come out as went in). */
function changedByPostRender(rendered: Manifest[], applied: Manifest[]): string[] {
  const before = new Map(rendered.map((m) => [key(m), canonical(m)]));
  expect(applied.map(key).sort()).toEqual([...before.keys()].sort());
  return applied.filter((m) => before.get(key(m)) !== canonical(m)).map(key);
}

/** The one DaemonSet of a render. */
function daemonSet(manifests: Manifest[]): Manifest {
  const all = ofKind(manifests, 'DaemonSet');
  expect(all.map((d) => d.metadata.name)).toHaveLength(1);
  return all[0];
}

/** The hostPath volume of the pod at `path`, and where `container` mounts it. */
function hostPathMount(pod: any, container: any, hostPath: string): string | undefined {
  const volume = (pod.volumes ?? []).find((v: any) => v.hostPath?.path === hostPath);
  if (!volume) return undefined;
  return (container.volumeMounts ?? []).find((m: any) => m.name === volume.name)?.mountPath;
}

/**
 * THEN, for any build: the patch matched exactly one object, the DaemonSet, whose tolerations are
 * the install's; the daemon's image and resources are the install's; its pod mounts a
 * ServiceAccount token; its ServiceAccount exists and is a subject of the ClusterRoleBinding of a
 * ClusterRole that lets Multus read pods.
 */
function expectDaemon(install: MultusInstall, manifest: Manifest, rendered: Manifest[], applied: Manifest[], tolerations: unknown[]): { ds: Manifest; daemon: any } {
  const ns = install.namespace;
  const ds = daemonSet(applied);
  // The tolerations patch: kustomize silently does nothing when its target matches nothing.
  expect(changedByPostRender(rendered, applied)).toEqual([key(ds)]);
  expect(daemonSet(rendered).spec.template.spec.tolerations).toEqual([{ key: 'CriticalAddonsOnly', operator: 'Exists' }]);
  const pod = ds.spec.template.spec;
  expect(pod.tolerations).toEqual(tolerations);

  const { controller, container } = install.chart.layout;
  const daemon = pod.containers.find((c: any) => c.name === container);
  expect(daemon).toBeDefined();
  expect(daemon.image).toBe(install.image);
  const values = install.chart.family === MultusChartFamily.BJW_S ? manifest.spec.values.multus : manifest.spec.values.controllers[controller].containers[container];
  expect(daemon.resources).toEqual(values.resources);
  expect(pod.hostNetwork).toBe(true);

  // A token, and a ServiceAccount that exists and is bound.
  expect(pod.automountServiceAccountToken).toBe(true);
  const sa = pod.serviceAccountName;
  expect(ofKind(applied, 'ServiceAccount', sa).map((s) => s.metadata.namespace)).toEqual([ns]);
  const bindings = ofKind(applied, 'ClusterRoleBinding').filter((b) => b.subjects?.some((s: any) => s.kind === 'ServiceAccount' && s.name === sa && s.namespace === ns));
  expect(bindings).toHaveLength(1);
  const [role] = ofKind(applied, 'ClusterRole', bindings[0].roleRef.name);
  expect(role.rules).toEqual(expect.arrayContaining([expect.objectContaining({ apiGroups: [''], resources: expect.arrayContaining(['pods']), verbs: expect.arrayContaining(['get']) })]));
  return { ds, daemon };
}

/** THEN, for angelnu: the thick daemon's CNI directories, its config, the plugin installers, and the hooks. */
function expectAngelnu(install: MultusInstall, applied: Manifest[], ds: Manifest, daemon: any, cni: { logLevel?: string; cniVersion?: string } = {}): void {
  const { configDir, binDir } = install.cniPaths;
  const pod = ds.spec.template.spec;
  expect(daemon.command).toEqual(['/usr/src/multus-cni/bin/multus-daemon']);
  // The thick daemon sees the node's directories under their own paths, as its config names them.
  expect(hostPathMount(pod, daemon, configDir)).toBe(configDir);
  expect(hostPathMount(pod, daemon, binDir)).toBe(binDir);
  // The installers copy the reference plugins and multus-shim into the node's bin directory.
  for (const name of ['cni-installer', 'multus-installer']) {
    expect(hostPathMount(pod, pod.initContainers.find((c: any) => c.name === name), binDir)).toBe('/host/opt/cni/bin');
  }
  const [config] = ofKind(applied, 'ConfigMap').filter((c) => c.data?.['daemon-config.json']);
  expect(JSON.parse(config.data['daemon-config.json'])).toMatchObject({
    multusAutoconfigDir: configDir, confDir: configDir, cniConfigDir: configDir, binDir,
    logLevel: cni.logLevel ?? 'verbose', cniVersion: cni.cniVersion ?? '0.3.1',
  });
  expect(pod.volumes.find((v: any) => v.configMap?.name === config.metadata.name)).toBeDefined();
  // The hook Jobs render, each on a ServiceAccount that exists: one the chart made, or the
  // namespace's own `default`.
  const hooks = ofKind(applied, 'Job').filter((j) => j.metadata.annotations?.['helm.sh/hook']);
  expect(hooks.map((j) => j.metadata.annotations['helm.sh/hook']).sort()).toEqual(['pre-delete', 'test-success']);
  const accounts = ofKind(applied, 'ServiceAccount').map((s) => s.metadata.name);
  for (const job of hooks) {
    expect([...accounts, 'default']).toContain(job.spec.template.spec.serviceAccountName ?? 'default');
  }
}

describeRendered('Multus charts rendered with the real helm, post-renderers applied', () => {
  describe.each(ANGELNU)('$title', (build) => {
    testWithBuild('the defaults: release multus, k3s directories, the thick v4.3.0, every node', 'multus', build.version, build.common, (b) => {
      // GIVEN the install's defaults
      const { install, manifest } = release(build.chart(), {});
      // WHEN rendered and post-rendered
      const { rendered, applied } = render(manifest, b);
      // THEN
      const { ds, daemon } = expectDaemon(install, manifest, rendered, applied, [{ operator: 'Exists' }]);
      expect(daemon.image).toBe('ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick');
      expect(daemon.resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } });
      expectAngelnu(install, applied, ds, daemon);
      expect(ds.metadata).toMatchObject({ name: build.version === '6.0.4' ? 'multus-main' : 'multus', namespace: 'kube-system' });
      // One ServiceAccount, the chart's, under the name it has on every build.
      expect(ofKind(applied, 'ServiceAccount').map((s) => s.metadata.name)).toEqual(['multus']);
      expect(manifest.spec.timeout).toBe('15m');
    });

    testWithBuild('another release and namespace, the standard directories, cniVersion 1.1.0, a log level, tolerations of its own', 'multus', build.version, build.common, (b) => {
      // GIVEN every setting the angelnu chart takes
      const tolerations = [{ key: 'node-role.kubernetes.io/control-plane', effect: TaintEffect.NO_SCHEDULE }, { key: 'CriticalAddonsOnly' }];
      const { install, manifest } = release(build.chart(), {
        releaseName: 'net', namespace: 'networking', cniPaths: CniPaths.STANDARD, cniVersion: '1.1.0', logLevel: MultusLogLevel.DEBUG, tolerations,
      });
      // WHEN
      const { rendered, applied } = render(manifest, b);
      // THEN
      const { ds, daemon } = expectDaemon(install, manifest, rendered, applied, [
        { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'CriticalAddonsOnly', operator: 'Exists' },
      ]);
      expectAngelnu(install, applied, ds, daemon, { logLevel: 'debug', cniVersion: '1.1.0' });
      expect(ds.metadata.namespace).toBe('networking');
      expect(ofKind(applied, 'ServiceAccount').map((s) => s.metadata.name)).toEqual(['net-multus']);
    });
  });

  describe('the values written before common 5', () => {
    // What the library wrote until 7.0.0 was served on common 5.0.1: the daemon's image and
    // resources and the CNI paths, without the two keys common 5 needs.
    const before = () => {
      const { manifest } = release(MultusChart.angelnu(), {});
      const { defaultPodOptions: _d, global: _g, ...values } = manifest.spec.values;
      return { ...manifest, spec: { ...manifest.spec, values } };
    };

    testWithBuild('fail to render on 7.0.0 with common 5.0.1: two ServiceAccounts, and the hooks find none', 'multus', '7.0.0', '5.0.1', (b) => {
      // helm names whichever hook controller it validates first: `test` mostly, `uninstall` sometimes.
      expect(() => render(before(), b)).toThrow(/Controller '(test|uninstall)': serviceAccount field is required because automatic Service Account detection is not possible \(found 2 service accounts: default, multus\)/);
    });

    testWithBuild('rendered on 7.0.0 with common 4.6.2, as they always were', 'multus', '7.0.0', '4.6.2', (b) => {
      const { applied } = render(before(), b);
      expect(daemonSet(applied).spec.template.spec.automountServiceAccountToken).toBe(true);
    });
  });

  describe.each(BJW_S)('$title', (build) => {
    testWithBuild('release multus from the OCIRepository: the standard directories, the thin v4.3.0, every node', 'multus', build.version, build.common, (b) => {
      // GIVEN the install's defaults on the standard directories (the only ones the chart's fixed flags work with)
      const { install, manifest } = release(build.chart(), { cniPaths: CniPaths.STANDARD });
      expect(manifest.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'multus', namespace: 'flux-system' });
      // WHEN
      const { rendered, applied } = render(manifest, b);
      // THEN
      const { ds, daemon } = expectDaemon(install, manifest, rendered, applied, [{ operator: 'Exists' }]);
      expect(ds.metadata).toMatchObject({ name: 'multus', namespace: 'kube-system' });
      expect(daemon.image).toBe('ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0');
      expect(daemon.resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } });
      const pod = ds.spec.template.spec;
      // The thin plugin: the image's own entrypoint with the chart's fixed flags. None moves the
      // kubeconfig off /etc/cni/net.d/multus.d/, where the node's 00-multus.conf names it.
      expect(daemon.command).toBeUndefined();
      expect(daemon.args).toEqual(['--cleanup-config-on-exit', '--multus-cni-conf-dir=/tmp']);
      // The node's directories at the thin entrypoint's defaults, /host/etc/cni/net.d and /host/opt/cni/bin.
      expect(hostPathMount(pod, daemon, '/etc/cni/net.d')).toBe('/host/etc/cni/net.d');
      expect(hostPathMount(pod, daemon, '/opt/cni/bin')).toBe('/host/opt/cni/bin');
      expect(hostPathMount(pod, pod.initContainers.find((c: any) => c.name === 'cni-plugins'), '/opt/cni/bin')).toBe('/host/opt/cni/bin');
      expect(ofKind(applied, 'ServiceAccount').map((s) => s.metadata.name)).toEqual(['multus']);
    });

    testWithBuild('another release name does not render: the install refuses it first', 'multus', build.version, build.common, (b) => {
      // GIVEN the library's values under another release name
      const { manifest } = release(build.chart(), { cniPaths: CniPaths.STANDARD });
      // WHEN helm renders them THEN it fails (1.3.1: the binding's ServiceAccount "multus" is not
      // there; 1.3.0: two ServiceAccounts, "multus" and "net"), which is why MultusInstall refuses the name
      expect(() => render({ ...manifest, metadata: { ...manifest.metadata, name: 'net' } }, b))
        .toThrow(/No enabled ServiceAccount found with this identifier\. \(rolebinding: 'multus', identifier: 'multus'\)|found 2 service accounts: multus, net/);
      expect(() => release(build.chart(), { cniPaths: CniPaths.STANDARD, releaseName: 'net' })).toThrow(/releaseName: "net" does not render with MultusChart.bjwS\(\)/);
    });
  });

  describe('the example cluster\'s own release', () => {
    const cluster = buildCluster(testApp());
    const file = cluster.repository.files().find((f) => f.path.endsWith('/apps/kube-system/multus/app/helmrelease.yaml'))!;
    const manifest = parseAllDocuments(file.content).map((d) => d.toJS())[0];

    describe.each(ANGELNU.filter((b) => b.version === manifest.spec.chart.spec.version))('$title', (build) => {
      testWithBuild('renders what the example means: its directories, image and tolerations', 'multus', build.version, build.common, (b) => {
        const install = cluster.multus.install;
        const { rendered, applied } = render(manifest, b);
        const { ds, daemon } = expectDaemon(install, manifest, rendered, applied, [{ operator: 'Exists' }]);
        expectAngelnu(install, applied, ds, daemon);
        expect(ofKind(applied, 'ServiceAccount').map((s) => s.metadata.name)).toEqual(['multus']);
      });
    });
  });
});
