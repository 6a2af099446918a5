import { ApiObject, Chart, Duration } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  CniPaths, FluxApp, FluxHealthCheck, FluxKustomization, FluxKustomizationRef, FluxTree,
  FluxTreeProps, FluxTreeApp, FluxTreeFile, MultusChart, MultusFluxApp, MultusInstall, ValidationError,
} from '../../src';
import { testApp, validationError } from '../helpers';

function repo(props: FluxTreeProps = {}): FluxTree {
  return new FluxTree(testApp(), 'cluster', props);
}

function configMap(scope: Chart, name: string, namespace?: string): ApiObject {
  return new ApiObject(scope, name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) }, data: { a: 'b' } } as any);
}

function doc(files: FluxTreeFile[], p: string): any[] {
  const f = files.find((x) => x.path === p);
  if (!f) throw new Error(`no ${p} among ${files.map((x) => x.path).join(', ')}`);
  return parseAllDocuments(f.content).map((d) => d.toJS());
}

describe('FluxTree', () => {
  test('defaults: kubernetes/main, GitRepository flux-system, Kustomization defaults of the plan', () => {
    // GIVEN one app with one directory
    const r = repo();
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
    expect(doc(files, 'kubernetes/main/apps/default/echo/ks.yaml')).toEqual([{
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
    expect(doc(files, 'kubernetes/main/apps/default/echo/app/configmap.yaml')[0].metadata).toEqual({ name: 'settings', namespace: 'default' });
  });

  test('clusterPath, pathPrefix, GitRepository and every Kustomization field are configurable', () => {
    // GIVEN
    const r = repo({ clusterPath: 'clusters/home', pathPrefix: 'deploy/flux', gitRepositoryName: 'home', gitRepositoryNamespace: 'sources', fluxNamespace: 'flux' });
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
    const [k] = doc(r.files(), 'clusters/home/apps/tools/echo-server/ks.yaml');
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

  test('health checks turn wait off, because Flux ignores them while wait is true', () => {
    const r = repo();
    const ks = new FluxKustomization(new FluxApp(r, 'echo', { namespace: 'default' }), 'app', {
      healthChecks: [FluxHealthCheck.of('apps/v1', 'Deployment', 'echo', 'default')],
    });
    configMap(ks, 'settings');
    const [k] = doc(r.files(), 'kubernetes/main/apps/default/echo/ks.yaml');
    expect(k.spec.wait).toBe(false);
    expect(k.spec.healthChecks).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'echo', namespace: 'default' }]);
  });

  test('several objects of one kind get one file each, named after the object', () => {
    const r = repo();
    const ks = new FluxKustomization(new FluxApp(r, 'echo', { namespace: 'default' }), 'app');
    configMap(ks, 'zeta');
    configMap(ks, 'alpha');
    const files = r.files();
    expect(doc(files, 'kubernetes/main/apps/default/echo/app/kustomization.yaml')[0].resources).toEqual(['./configmap-alpha.yaml', './configmap-zeta.yaml']);
  });

  test('HelmRepositories go to flux/repositories/helm; identical declarations become one file; oci:// sets type oci', () => {
    // GIVEN two Multus installs that both declare the angelnu repository, and an OCI Helm registry
    const r = repo();
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
    expect(doc(files, 'kubernetes/main/flux/repositories/helm/ghcr.yaml')[0].spec).toEqual({ interval: '2h', url: 'oci://ghcr.io/example/charts', type: 'oci' });
    expect(doc(files, 'kubernetes/main/flux/repositories/kustomization.yaml')[0].resources).toEqual(['./helm']);
    expect(files.filter((f) => f.path.includes('/apps/') && f.content.includes('apiVersion: source.toolkit.fluxcd.io')).map((f) => f.path)).toEqual([]);
  });

  test('an OCI chart of MultusInstall and addHelmRepository with the same URL write one identical HelmRepository', () => {
    // GIVEN the Multus chart from an OCI registry, and the same registry declared for other apps
    const r = repo();
    new MultusFluxApp(r, 'multus', { install: { cniPaths: CniPaths.K3S, chart: MultusChart.angelnu({ url: 'oci://ghcr.io/angelnu/helm-charts' }) } });
    r.addHelmRepository('angelnu', 'oci://ghcr.io/angelnu/helm-charts');
    // WHEN
    const files = r.files();
    // THEN both render the same spec (type oci included), so they merge into one file
    expect(doc(files, 'kubernetes/main/flux/repositories/helm/angelnu.yaml')).toEqual([{
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: 'angelnu', namespace: 'flux-system' },
      spec: { interval: '2h', url: 'oci://ghcr.io/angelnu/helm-charts', type: 'oci' },
    }]);
  });

  test('construct validations run before rendering', () => {
    const r = repo();
    const ks = new FluxKustomization(new FluxApp(r, 'echo', { namespace: 'default' }), 'app');
    configMap(ks, 'settings').node.addValidation({ validate: () => ['address 192.0.2.7 claimed twice'] });
    const e = validationError(() => r.files());
    expect(e.message).toContain('address 192.0.2.7 claimed twice');
  });
});

describe('refusals', () => {
  test.each<[string, () => unknown, string]>([
    ['an absolute clusterPath', () => repo({ clusterPath: '/kubernetes/main' }), '"/kubernetes/main"'],
    ['a clusterPath with ..', () => repo({ clusterPath: 'kubernetes/../main' }), '"kubernetes/../main"'],
    ['a clusterPath with a trailing slash', () => repo({ clusterPath: 'kubernetes/main/' }), '"kubernetes/main/"'],
    ['an empty clusterPath', () => repo({ clusterPath: '' }), '""'],
    ['a pathPrefix starting with ./', () => repo({ pathPrefix: './deploy' }), '"./deploy"'],
    ['a GitRepository name that is no DNS label', () => repo({ gitRepositoryName: 'Home_Kubernetes' }), '"Home_Kubernetes"'],
    ['an app namespace that is no DNS label', () => new FluxApp(repo(), 'x', { namespace: 'Home' }), '"Home"'],
    ['a directory that is no DNS label', () => new FluxKustomization(new FluxApp(repo(), 'x', { namespace: 'default' }), 'app', { directory: 'a/b' }), '"a/b"'],
    ['a zero interval', () => new FluxKustomization(new FluxApp(repo(), 'x', { namespace: 'default' }), 'app', { interval: Duration.seconds(0) }), '0ms'],
    ['wait with health checks', () => new FluxKustomization(new FluxApp(repo(), 'x', { namespace: 'default' }), 'app', {
      wait: true, healthChecks: [FluxHealthCheck.helmRelease('x', 'default')],
    }), 'true'],
    ['a health check kind in lower case', () => FluxHealthCheck.of('apps/v1', 'deployment', 'x'), '"deployment"'],
    ['a HelmRepository URL without a scheme', () => repo().addHelmRepository('bjw-s', 'bjw-s-labs.github.io/helm-charts'), '"bjw-s-labs.github.io/helm-charts"'],
    ['a FluxKustomization outside a FluxApp', () => new FluxKustomization(new Chart(testApp(), 'c') as any, 'app'), 'c'],
  ])('%s', (_what, fn, value) => {
    const e = validationError(fn);
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toContain(value);
  });

  test('a Kustomization cannot depend on itself', () => {
    const ks = new FluxKustomization(new FluxApp(repo(), 'x', { namespace: 'default' }), 'app');
    expect(validationError(() => ks.addDependsOn(ks)).message).toContain('"x"');
  });

  test('two apps of one name in one namespace', () => {
    const r = repo();
    new FluxApp(r, 'a', { namespace: 'default', name: 'echo' });
    expect(validationError(() => new FluxApp(r, 'b', { namespace: 'default', name: 'echo' })).message).toContain('"echo"');
  });

  test('two Kustomizations in one directory', () => {
    const unit = new FluxApp(repo(), 'x', { namespace: 'default' });
    new FluxKustomization(unit, 'a', { directory: 'app' });
    expect(validationError(() => new FluxKustomization(unit, 'b', { directory: 'app' })).message).toContain('"app"');
  });

  test('two Flux Kustomizations of one name in the Flux namespace', () => {
    const r = repo();
    configMap(new FluxKustomization(new FluxApp(r, 'a', { namespace: 'default' }), 'app', { name: 'same' }), 'x');
    configMap(new FluxKustomization(new FluxApp(r, 'b', { namespace: 'default' }), 'app', { name: 'same' }), 'y');
    expect(validationError(() => r.files()).message).toContain('"same"');
  });

  test('an app without a Kustomization', () => {
    const r = repo();
    new FluxApp(r, 'empty', { namespace: 'default' });
    expect(validationError(() => r.files()).message).toContain('"empty"');
  });

  test('an object in another namespace than its directory\'s targetNamespace (Flux would move it)', () => {
    const r = repo();
    configMap(new FluxKustomization(new FluxApp(r, 'x', { namespace: 'default' }), 'app'), 'settings', 'kube-system');
    const e = validationError(() => r.files());
    expect(e.message).toContain('"kube-system"');
    expect(e.message).toContain('targetNamespace default');
  });

  test('an object outside every FluxKustomization of the repository', () => {
    const r = repo();
    configMap(new Chart(r, 'loose'), 'settings');
    expect(validationError(() => r.files()).message).toContain('ConfigMap settings');
  });

  test('two HelmRepositories of one name with different URLs: refused when the second is declared', () => {
    // GIVEN a tree that declares the HelmRepository angelnu with another URL
    const r = repo();
    r.addHelmRepository('angelnu', 'https://example.com/charts');
    // WHEN the Multus chart declares angelnu with its own URL THEN it is refused, naming both
    const e = validationError(() => new MultusFluxApp(r, 'multus', { install: { cniPaths: CniPaths.K3S, chart: MultusChart.angelnu() } }));
    expect(e.message).toContain('https://angelnu.github.io/helm-charts');
    expect(e.message).toContain('https://example.com/charts');
  });

  test('one HelmRepository declared twice alike is one object', () => {
    // GIVEN / WHEN the tree declares bjw-s twice with the same URL
    const r = repo();
    const first = r.addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts');
    const second = r.addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts');
    // THEN it is the same object, written once
    expect(second).toBe(first);
    expect(r.files().filter((f) => f.path.endsWith('/bjw-s.yaml'))).toHaveLength(1);
  });

  test('FluxTreeApp: an object outside every FluxTree, or no FluxTree at all', () => {
    const app = new FluxTreeApp({ outdir: 'never-written' });
    expect(validationError(() => app.synth()).message).toContain('never-written');
    new FluxTree(app, 'cluster');
    configMap(new Chart(app, 'flat'), 'stray');
    expect(validationError(() => app.synth()).message).toContain('ConfigMap stray');
  });

  test('FluxTreeApp: two repositories writing the same clusterPath', () => {
    const app = new FluxTreeApp({ outdir: 'never-written' });
    new FluxTree(app, 'a');
    new FluxTree(app, 'b');
    expect(validationError(() => app.synth()).message).toContain('"kubernetes/main"');
  });
});
