import { CniPaths, ClusterProfile, MultusChart, MultusInstall, MultusInstallProps, TaintEffect } from '../../src';
import { ChartBuild, Manifest, describeRendered, helmTemplate, ofKind, postRender, testWithBuild } from '../helm';
import { findKind, synth, testChart } from '../helpers';

// What the cluster runs for the HelmRelease the library writes for the home-operations chart
// (oci://ghcr.io/home-operations/charts/multus 0.1.0): rendered by the real helm against the chart's
// source (home-operations/helm-charts, tag multus-0.1.0, as `helm pull --untar` gives it), with the
// release's post-renderers applied as helm-controller applies them (it has none: the chart reads
// the tolerations from its values). Checked on the DaemonSet: the thin image, the resources, the
// two hostPath volumes, tolerations that put it on every node, and an API token.

/** An install, synthesized: its Flux source and HelmRelease manifests. */
function release(props: Partial<MultusInstallProps> = {}): { source: Manifest; manifest: Manifest } {
  const scope = testChart('kube-system');
  new MultusInstall(scope, 'multus', { cniPaths: CniPaths.STANDARD, chart: MultusChart.homeOperations({ version: '0.1.0' }), ...props });
  const manifests = synth(scope);
  return { source: findKind(manifests, 'OCIRepository'), manifest: findKind(manifests, 'HelmRelease') };
}

/** What the cluster runs: helm's render, then the post-renderers. */
function render(manifest: Manifest, build: ChartBuild): Manifest[] {
  const rendered = helmTemplate(build, {
    release: manifest.spec.releaseName ?? manifest.metadata.name,
    namespace: manifest.spec.targetNamespace ?? manifest.metadata.namespace,
    values: manifest.spec.values,
  });
  return postRender(rendered, manifest.spec.postRenderers);
}

function daemonSet(manifests: Manifest[]): Manifest {
  const sets = ofKind(manifests, 'DaemonSet');
  expect(sets).toHaveLength(1);
  return sets[0];
}

describeRendered('the home-operations chart, rendered by the real helm', () => {
  test('the install writes an OCIRepository with ref.tag (and ref.digest) and a chartRef HelmRelease', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const { source, manifest } = release();
    expect(source.spec).toMatchObject({ url: 'oci://ghcr.io/home-operations/charts/multus', ref: { tag: '0.1.0' } });
    expect(source.spec.ref.digest).toBeUndefined();
    expect(manifest.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'multus', namespace: 'flux-system' });
    expect(manifest.spec.chart).toBeUndefined();
    expect(manifest.spec.postRenderers).toBeUndefined();
    const pinned = new MultusInstall(testChart('kube-system'), 'multus', { cniPaths: CniPaths.STANDARD, chart: MultusChart.homeOperations({ version: '0.1.0', digest }) });
    expect(pinned.ociRepository).toBeDefined();
    expect(findKind(synth(pinned.node.scope as any), 'OCIRepository').spec.ref).toEqual({ tag: '0.1.0', digest });
  });

  testWithBuild('0.1.0: the DaemonSet runs the thin image with the resources, the two hostPaths, on every node, with an API token', 'multus', '0.1.0', undefined, (build) => {
    // GIVEN the install of the example
    const { manifest } = release();
    // WHEN the real chart renders its values
    const manifests = render(manifest, build);
    const ds = daemonSet(manifests);
    const pod = ds.spec.template.spec;
    const multus = pod.containers.find((c: any) => c.name === 'multus');
    // THEN the thin image, the library's resources
    expect(multus.image).toBe('ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0');
    expect(multus.resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } });
    // the two CNI directories as hostPath volumes, mounted where the entrypoint writes
    const volumes = Object.fromEntries(pod.volumes.filter((v: any) => v.hostPath).map((v: any) => [v.name, v.hostPath.path]));
    expect(volumes).toEqual({ 'cni-net': '/etc/cni/net.d', 'cni-bin': '/opt/cni/bin' });
    expect(multus.volumeMounts).toEqual(expect.arrayContaining([{ name: 'cni-net', mountPath: '/host/etc/cni/net.d' }, { name: 'cni-bin', mountPath: '/host/opt/cni/bin' }]));
    // the plugin installer into the same bin dir
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['cni-plugins']);
    expect(pod.initContainers[0].volumeMounts).toEqual([{ name: 'cni-bin', mountPath: '/host/opt/cni/bin' }]);
    // tolerations that put it on every node, instead of the chart's CriticalAddonsOnly alone
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    // an API token: the pod's ServiceAccount exists, mounts its token, and is bound to the ClusterRole
    expect(pod.automountServiceAccountToken).not.toBe(false);
    const sa = ofKind(manifests, 'ServiceAccount', pod.serviceAccountName);
    expect(sa).toHaveLength(1);
    expect(sa[0].automountServiceAccountToken).toBe(true);
    const binding = ofKind(manifests, 'ClusterRoleBinding')[0];
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: pod.serviceAccountName, namespace: 'kube-system' }]);
  });

  testWithBuild('0.1.0: given tolerations replace the chart\'s; an empty list keeps its CriticalAddonsOnly', 'multus', '0.1.0', undefined, (build) => {
    const tolerations = daemonSet(render(release({ tolerations: [{ key: 'node-role.kubernetes.io/control-plane', effect: TaintEffect.NO_SCHEDULE }] }).manifest, build)).spec.template.spec.tolerations;
    expect(tolerations).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]);
    const kept = daemonSet(render(release({ tolerations: [] }).manifest, build)).spec.template.spec.tolerations;
    expect(kept).toEqual([{ key: 'CriticalAddonsOnly', operator: 'Exists' }]);
  });

  testWithBuild('0.1.0: on a cluster whose nodes carry the plugins (kubeadm) the installer is off', 'multus', '0.1.0', undefined, (build) => {
    const pod = daemonSet(render(release({ cniPaths: undefined, cluster: ClusterProfile.kubeadm() }).manifest, build)).spec.template.spec;
    expect(pod.initContainers).toBeUndefined();
    expect(pod.volumes.filter((v: any) => v.hostPath).map((v: any) => v.hostPath.path)).toEqual(['/etc/cni/net.d', '/opt/cni/bin']);
  });
});
