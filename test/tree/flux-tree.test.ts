import { Chart, Duration } from 'cdk8s';
import { CniPaths, FluxApp, FluxKustomization, FluxKustomizationRef, MultusChart, MultusFluxApp, MultusInstall, ValidationError } from '../../src';
import { configMap, tree, treeDocs, validationError } from '../helpers';

// FluxTree (src/tree/flux-tree.ts): its props, its Flux sources, the tree of files it renders and
// what it refuses while rendering. FluxApp, FluxKustomization and FluxTreeApp have their own files.

describe('FluxTree', () => {
  test('defaults: kubernetes/main, GitRepository flux-system, Kustomization defaults of the plan', () => {
    // GIVEN one app with one directory
    const r = tree();
    const unit = new FluxApp(r, 'echo', { namespace: 'default' });
    configMap(new FluxKustomization(unit, 'app'), 'settings');
    // WHEN rendered
    const files = r.files();
    // THEN
    expect(files.map((f) => f.path)).toEqual([
      'kubernetes/main/apps/default/echo/app/configmap.yaml',
      'kubernetes/main/apps/default/echo/app/kustomization.yaml',
      'kubernetes/main/apps/default/echo/ks.yaml',
      'kubernetes/main/apps/default/kustomization.yaml',
    ]);
    expect(treeDocs(files, 'kubernetes/main/apps/default/echo/ks.yaml')).toEqual([{
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'echo', namespace: 'flux-system' },
      spec: {
        targetNamespace: 'default',
        commonMetadata: { labels: { 'app.kubernetes.io/name': 'echo' } },
        path: './kubernetes/main/apps/default/echo/app',
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
        wait: true,
        interval: '30m',
        retryInterval: '1m',
        timeout: '5m',
      },
    }]);
    expect(treeDocs(files, 'kubernetes/main/apps/default/echo/app/configmap.yaml')[0].metadata).toEqual({ name: 'settings', namespace: 'default' });
  });

  test('clusterPath, pathPrefix, GitRepository and every Kustomization field are configurable', () => {
    // GIVEN
    const r = tree({ clusterPath: 'clusters/home', pathPrefix: 'deploy/flux', gitRepositoryName: 'home', gitRepositoryNamespace: 'sources', fluxNamespace: 'flux' });
    const unit = new FluxApp(r, 'echo', { namespace: 'tools', name: 'echo-server' });
    const ks = new FluxKustomization(unit, 'config', {
      name: 'echo-config',
      prune: false,
      wait: false,
      interval: Duration.hours(1),
      retryInterval: Duration.seconds(30),
      timeout: Duration.minutes(10),
      dependsOn: [FluxKustomizationRef.of('cilium', 'flux'), FluxKustomizationRef.of('secrets', 'other')],
    });
    configMap(ks, 'settings');
    // WHEN
    const [k] = treeDocs(r.files(), 'clusters/home/apps/tools/echo-server/ks.yaml');
    // THEN
    expect(k.metadata).toEqual({ name: 'echo-config', namespace: 'flux' });
    expect(k.spec).toMatchObject({
      path: './deploy/flux/clusters/home/apps/tools/echo-server/config',
      prune: false,
      wait: false,
      interval: '1h',
      retryInterval: '30s',
      timeout: '10m',
      sourceRef: { kind: 'GitRepository', name: 'home', namespace: 'sources' },
      dependsOn: [{ name: 'cilium' }, { name: 'secrets', namespace: 'other' }],
      commonMetadata: { labels: { 'app.kubernetes.io/name': 'echo-server' } },
    });
  });

  test('several objects of one kind get one file each, named after the object', () => {
    // GIVEN two ConfigMaps in one directory, created in reverse order of their names
    const r = tree();
    const ks = new FluxKustomization(new FluxApp(r, 'echo', { namespace: 'default' }), 'app');
    configMap(ks, 'zeta');
    configMap(ks, 'alpha');
    // WHEN rendered
    const files = r.files();
    // THEN each has its own file, listed by name
    expect(treeDocs(files, 'kubernetes/main/apps/default/echo/app/kustomization.yaml')[0].resources).toEqual(['./configmap-alpha.yaml', './configmap-zeta.yaml']);
  });

  test('HelmRepositories go to flux/repositories/helm; identical declarations become one file; oci:// sets type oci', () => {
    // GIVEN two Multus installs that both declare the angelnu repository, and an OCI Helm registry
    const r = tree();
    new MultusFluxApp(r, 'multus', { install: { cniPaths: CniPaths.K3S } });
    const other = new FluxKustomization(new FluxApp(r, 'multus-b', { namespace: 'multus-b' }), 'app');
    new MultusInstall(other, 'm', { cniPaths: CniPaths.K3S, releaseName: 'multus-b' });
    r.addHelmRepository('ghcr', 'oci://ghcr.io/example/charts');
    // WHEN
    const files = r.files();
    // THEN
    const helm = files.filter((f) => f.path.startsWith('kubernetes/main/flux/')).map((f) => f.path);
    expect(helm).toEqual([
      'kubernetes/main/flux/repositories/helm/angelnu.yaml',
      'kubernetes/main/flux/repositories/helm/ghcr.yaml',
      'kubernetes/main/flux/repositories/helm/kustomization.yaml',
      'kubernetes/main/flux/repositories/kustomization.yaml',
    ]);
    expect(treeDocs(files, 'kubernetes/main/flux/repositories/helm/ghcr.yaml')[0].spec).toEqual({ interval: '2h', url: 'oci://ghcr.io/example/charts', type: 'oci' });
    expect(treeDocs(files, 'kubernetes/main/flux/repositories/kustomization.yaml')[0].resources).toEqual(['./helm']);
    expect(files.filter((f) => f.path.includes('/apps/') && f.content.includes('apiVersion: source.toolkit.fluxcd.io')).map((f) => f.path)).toEqual([]);
  });

  test('an OCI chart of MultusInstall and addHelmRepository with the same URL write one identical HelmRepository', () => {
    // GIVEN the Multus chart from an OCI registry, and the same registry declared for other apps
    const r = tree();
    new MultusFluxApp(r, 'multus', { install: { cniPaths: CniPaths.K3S, chart: MultusChart.angelnu({ url: 'oci://ghcr.io/angelnu/helm-charts' }) } });
    r.addHelmRepository('angelnu', 'oci://ghcr.io/angelnu/helm-charts');
    // WHEN
    const files = r.files();
    // THEN both render the same spec (type oci included), so they merge into one file
    expect(treeDocs(files, 'kubernetes/main/flux/repositories/helm/angelnu.yaml')).toEqual([{
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: 'angelnu', namespace: 'flux-system' },
      spec: { interval: '2h', url: 'oci://ghcr.io/angelnu/helm-charts', type: 'oci' },
    }]);
  });

  test('construct validations run before rendering', () => {
    // GIVEN an object of the tree whose own validation fails
    const r = tree();
    const ks = new FluxKustomization(new FluxApp(r, 'echo', { namespace: 'default' }), 'app');
    configMap(ks, 'settings').node.addValidation({ validate: () => ['address 192.0.2.7 claimed twice'] });
    // WHEN the tree is rendered
    const e = validationError(() => r.files());
    // THEN the rendering is refused with that validation's message
    expect(e.message).toContain('address 192.0.2.7 claimed twice');
  });
});

describe('refusals', () => {
  test.each<[string, () => unknown, string]>([
    ['an absolute clusterPath', () => tree({ clusterPath: '/kubernetes/main' }), '"/kubernetes/main"'],
    ['a clusterPath with ..', () => tree({ clusterPath: 'kubernetes/../main' }), '"kubernetes/../main"'],
    ['a clusterPath with a trailing slash', () => tree({ clusterPath: 'kubernetes/main/' }), '"kubernetes/main/"'],
    ['an empty clusterPath', () => tree({ clusterPath: '' }), '""'],
    ['a pathPrefix starting with ./', () => tree({ pathPrefix: './deploy' }), '"./deploy"'],
    ['a GitRepository name that is no DNS label', () => tree({ gitRepositoryName: 'Home_Kubernetes' }), '"Home_Kubernetes"'],
    ['a HelmRepository URL without a scheme', () => tree().addHelmRepository('bjw-s', 'bjw-s-labs.github.io/helm-charts'), '"bjw-s-labs.github.io/helm-charts"'],
  ])('%s', (_what, fn, value) => {
    // GIVEN a tree setting or source that Flux cannot use
    // WHEN it is given
    const e = validationError(fn);
    // THEN a ValidationError names the offending value
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toContain(value);
  });

  test('two Flux Kustomizations of one name in the Flux namespace', () => {
    // GIVEN two apps whose Kustomizations are both named "same"
    const r = tree();
    configMap(new FluxKustomization(new FluxApp(r, 'a', { namespace: 'default' }), 'app', { name: 'same' }), 'x');
    configMap(new FluxKustomization(new FluxApp(r, 'b', { namespace: 'default' }), 'app', { name: 'same' }), 'y');
    // WHEN / THEN rendering the tree is refused, naming the name
    expect(validationError(() => r.files()).message).toContain('"same"');
  });

  test('an app without a Kustomization', () => {
    // GIVEN an app with no directory
    const r = tree();
    new FluxApp(r, 'empty', { namespace: 'default' });
    // WHEN / THEN rendering the tree is refused, naming the app
    expect(validationError(() => r.files()).message).toContain('"empty"');
  });

  test('an object in another namespace than its directory\'s targetNamespace (Flux would move it)', () => {
    // GIVEN an object in kube-system inside a directory applied to default
    const r = tree();
    configMap(new FluxKustomization(new FluxApp(r, 'x', { namespace: 'default' }), 'app'), 'settings', 'kube-system');
    // WHEN the tree is rendered
    const e = validationError(() => r.files());
    // THEN it is refused, naming both namespaces
    expect(e.message).toContain('"kube-system"');
    expect(e.message).toContain('targetNamespace default');
  });

  test('an object outside every FluxKustomization of the repository', () => {
    // GIVEN an object in a plain chart of the tree
    const r = tree();
    configMap(new Chart(r, 'loose'), 'settings');
    // WHEN / THEN rendering the tree is refused, naming the object
    expect(validationError(() => r.files()).message).toContain('ConfigMap settings');
  });

  test('two HelmRepositories of one name with different URLs: refused when the second is declared', () => {
    // GIVEN a tree that declares the HelmRepository angelnu with another URL
    const r = tree();
    r.addHelmRepository('angelnu', 'https://example.com/charts');
    // WHEN the Multus chart declares angelnu with its own URL THEN it is refused, naming both
    const e = validationError(() => new MultusFluxApp(r, 'multus', { install: { cniPaths: CniPaths.K3S, chart: MultusChart.angelnu() } }));
    expect(e.message).toContain('https://angelnu.github.io/helm-charts');
    expect(e.message).toContain('https://example.com/charts');
  });

  test('one HelmRepository declared twice alike is one object', () => {
    // GIVEN / WHEN the tree declares bjw-s twice with the same URL
    const r = tree();
    const first = r.addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts');
    const second = r.addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts');
    // THEN it is the same object, written once
    expect(second).toBe(first);
    expect(r.files().filter((f) => f.path.endsWith('/bjw-s.yaml'))).toHaveLength(1);
  });
});
