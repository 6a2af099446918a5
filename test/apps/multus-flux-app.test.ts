import { parseAllDocuments } from 'yaml';
import { CniPaths, FluxTree, FluxTreeFile, IotNetwork, MultusChart, MultusFluxApp } from '../../src';
import { testApp } from '../helpers';

function doc(files: FluxTreeFile[], p: string): any[] {
  const f = files.find((x) => x.path === p);
  if (!f) throw new Error(`no ${p} among ${files.map((x) => x.path).join(', ')}`);
  return parseAllDocuments(f.content).map((d) => d.toJS());
}

describe('MultusFluxApp', () => {
  test('networks depend on the chart, which health-checks the release and the CRD', () => {
    // GIVEN a Multus app with its own release name and networks directory
    const tree = new FluxTree(testApp(), 'cluster');
    const m = new MultusFluxApp(tree, 'multus', { install: { cniPaths: CniPaths.STANDARD, releaseName: 'cni-multus' }, networksDirectory: 'nads' });
    // WHEN the tree is rendered
    const [chart, nets] = doc(tree.files(), 'kubernetes/main/apps/kube-system/multus/ks.yaml');
    // THEN the networks wait for the chart, which waits for the release and the CRD
    expect(m.networks.kustomizationName).toBe('multus-nads');
    expect(chart.spec.healthChecks[0]).toEqual({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'cni-multus', namespace: 'kube-system' });
    expect(nets.spec).toMatchObject({ dependsOn: [{ name: 'multus' }], path: './kubernetes/main/apps/kube-system/multus/nads' });
  });

  test('the tree\'s fluxNamespace reaches every Flux object, the chart\'s HelmRepository included', () => {
    // GIVEN a tree whose Flux runs in `flux`
    const tree = new FluxTree(testApp(), 'cluster', { fluxNamespace: 'flux' });
    const multus = new MultusFluxApp(tree, 'multus', { install: { cniPaths: CniPaths.K3S } });
    new IotNetwork(multus.networks, 'iot', { subnet: '192.0.2.0/24', namespace: 'kube-system' });
    // WHEN the tree is rendered
    const files = tree.files();
    // THEN the HelmRepository, the release's source reference and every Kustomization are in `flux`
    const [repository] = doc(files, 'kubernetes/main/flux/repositories/helm/angelnu.yaml');
    expect(repository.metadata).toEqual({ name: 'angelnu', namespace: 'flux' });
    const [release] = doc(files, 'kubernetes/main/apps/kube-system/multus/app/helmrelease.yaml');
    expect(release.spec.chart.spec.sourceRef).toEqual({ kind: 'HelmRepository', name: 'angelnu', namespace: 'flux' });
    expect(doc(files, 'kubernetes/main/apps/kube-system/multus/ks.yaml').map((k) => k.metadata.namespace)).toEqual(['flux', 'flux']);
    // and nothing anywhere is put in flux-system (the GitRepository keeps its default name)
    expect(files.map((f) => f.content).join('\n')).not.toContain('namespace: flux-system');
  });

  test('a chart that names its repository namespace keeps it', () => {
    // GIVEN a chart whose HelmRepository lives elsewhere
    const tree = new FluxTree(testApp(), 'cluster', { fluxNamespace: 'flux' });
    new MultusFluxApp(tree, 'multus', { install: { cniPaths: CniPaths.K3S, chart: MultusChart.angelnu({ repositoryNamespace: 'sources' }) } });
    // WHEN / THEN
    const [release] = doc(tree.files(), 'kubernetes/main/apps/kube-system/multus/app/helmrelease.yaml');
    expect(release.spec.chart.spec.sourceRef.namespace).toBe('sources');
  });

  test('the bjw-s chart: its OCIRepository is filed beside the HelmRepositories, under flux/repositories/oci', () => {
    // GIVEN the bjw-s chart in a tree whose Flux runs in `flux`
    const tree = new FluxTree(testApp(), 'cluster', { fluxNamespace: 'flux' });
    new MultusFluxApp(tree, 'multus', { install: { cniPaths: CniPaths.STANDARD, chart: MultusChart.bjwS() } });
    tree.addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts');
    // WHEN the tree is rendered
    const files = tree.files();
    // THEN the OCIRepository has a file of its own in oci/, listed next to helm/
    expect(files.map((f) => f.path).filter((p) => p.includes('/flux/repositories/'))).toEqual([
      'kubernetes/main/flux/repositories/helm/bjw-s.yaml',
      'kubernetes/main/flux/repositories/helm/kustomization.yaml',
      'kubernetes/main/flux/repositories/kustomization.yaml',
      'kubernetes/main/flux/repositories/oci/kustomization.yaml',
      'kubernetes/main/flux/repositories/oci/multus.yaml',
    ]);
    expect(doc(files, 'kubernetes/main/flux/repositories/kustomization.yaml')[0].resources).toEqual(['./helm', './oci']);
    const [source] = doc(files, 'kubernetes/main/flux/repositories/oci/multus.yaml');
    expect(source).toMatchObject({ kind: 'OCIRepository', metadata: { name: 'multus', namespace: 'flux' }, spec: { ref: { tag: '1.3.1' } } });
    // ... and the release reads it by chartRef, health-checked like any release
    const [release] = doc(files, 'kubernetes/main/apps/kube-system/multus/app/helmrelease.yaml');
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'multus', namespace: 'flux' });
    expect(doc(files, 'kubernetes/main/apps/kube-system/multus/app/kustomization.yaml')[0].resources).toEqual(['./helmrelease.yaml']);
  });
});
