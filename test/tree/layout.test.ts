import { AppModel, KustomizationModel, TreeModel, layoutTree } from '../../src/tree/layout';
import { validationError } from '../helpers';

// layoutTree (src/tree/layout.ts): the files of a Flux repository tree from a plain TreeModel.
// Pure: plain objects in, file paths and documents out; no construct.

const ROOT = 'clusters/home';

const configMapDoc = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: 'b' } });
const source = (kind: string, name: string, url: string) => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind, metadata: { name, namespace: 'flux-system' }, spec: { interval: '2h', url } });
const namespaceDoc = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

/** GIVEN helper: a Kustomization `<app>` (or `<app>-<dir>`) of an app in `namespace`, with `objects`. */
function ks(app: string, namespace: string, dir = 'app', objects: any[] = [configMapDoc('settings', namespace)], name = dir === 'app' ? app : `${app}-${dir}`): KustomizationModel {
  return {
    name,
    namespace: 'flux-system',
    treePath: `${ROOT}/apps/${namespace}/${app}/${dir}`,
    manifest: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: 'flux-system' }, spec: { wait: true, path: `./${ROOT}/apps/${namespace}/${app}/${dir}`, targetNamespace: namespace } },
    objects,
    constructPath: `cluster/${app}/${dir}`,
  };
}

/** GIVEN helper: an app with its Kustomizations. */
function app(name: string, namespace: string, kustomizations: KustomizationModel[] = [ks(name, namespace)]): AppModel {
  return { name, namespace, treePath: `${ROOT}/apps/${namespace}/${name}`, kustomizations, constructPath: `cluster/${name}` };
}

function treeModel(parts: Partial<TreeModel> = {}): TreeModel {
  return { clusterPath: ROOT, sources: [], namespaces: new Map(), apps: [], ...parts };
}

const paths = (t: TreeModel) => layoutTree(t).map((f) => f.path);

describe('layoutTree', () => {
  test('an empty tree has no files', () => {
    // GIVEN / WHEN a tree with nothing in it
    // THEN no file, not even an empty kustomization.yaml
    expect(layoutTree(treeModel())).toEqual([]);
  });

  test('sources: one file each under flux/repositories/{helm,oci}, a kustomization.yaml per directory', () => {
    // GIVEN a HelmRepository and an OCIRepository
    const t = treeModel({ sources: [source('OCIRepository', 'flux-manifests', 'oci://ghcr.io/x/y'), source('HelmRepository', 'bjw-s', 'https://bjw-s-labs.github.io/helm-charts')] });
    // WHEN laid out
    const files = layoutTree(t);
    // THEN
    expect(files.map((f) => f.path)).toEqual([
      `${ROOT}/flux/repositories/helm/bjw-s.yaml`,
      `${ROOT}/flux/repositories/helm/kustomization.yaml`,
      `${ROOT}/flux/repositories/oci/flux-manifests.yaml`,
      `${ROOT}/flux/repositories/oci/kustomization.yaml`,
      `${ROOT}/flux/repositories/kustomization.yaml`,
    ]);
    expect(files[1].docs[0].resources).toEqual(['./bjw-s.yaml']);
    expect(files[4].docs[0].resources).toEqual(['./helm', './oci']);
  });

  test('an app: its directory, its ks.yaml and the namespace\'s kustomization.yaml listing it, the namespace first', () => {
    // GIVEN an app in a namespace the tree creates
    const t = treeModel({ namespaces: new Map([['home-automation', namespaceDoc('home-automation')]]), apps: [app('home-assistant', 'home-automation')] });
    // WHEN laid out
    const files = layoutTree(t);
    // THEN
    expect(files.map((f) => f.path)).toEqual([
      `${ROOT}/apps/home-automation/namespace.yaml`,
      `${ROOT}/apps/home-automation/home-assistant/app/configmap.yaml`,
      `${ROOT}/apps/home-automation/home-assistant/app/kustomization.yaml`,
      `${ROOT}/apps/home-automation/home-assistant/ks.yaml`,
      `${ROOT}/apps/home-automation/kustomization.yaml`,
    ]);
    expect(files[4].docs[0].resources).toEqual(['./namespace.yaml', './home-assistant/ks.yaml']);
  });

  test('ks.yaml holds the app\'s Kustomizations in their order, each spec in the plan\'s key order', () => {
    // GIVEN an app with a chart and a networks directory
    const t = treeModel({ apps: [app('multus', 'kube-system', [ks('multus', 'kube-system', 'app'), ks('multus', 'kube-system', 'networks')])] });
    // WHEN laid out
    const ksFile = layoutTree(t).find((f) => f.path.endsWith('/multus/ks.yaml'))!;
    // THEN both documents, the chart's first, with targetNamespace and path before wait
    expect(ksFile.docs.map((d) => d.metadata.name)).toEqual(['multus', 'multus-networks']);
    expect(ksFile.docs.map((d) => Object.keys(d.spec))).toEqual([['targetNamespace', 'path', 'wait'], ['targetNamespace', 'path', 'wait']]);
  });

  test('a namespace of the tree without apps still gets its namespace.yaml', () => {
    // GIVEN a namespace and no app in it
    // WHEN / THEN its directory holds the Namespace and a kustomization.yaml
    expect(paths(treeModel({ namespaces: new Map([['iot', namespaceDoc('iot')]]) }))).toEqual([`${ROOT}/apps/iot/namespace.yaml`, `${ROOT}/apps/iot/kustomization.yaml`]);
  });

  test('namespaces and apps are ordered by name: the order they were made in changes nothing', () => {
    // GIVEN the same apps and namespaces in two orders
    const apps = [app('zigbee2mqtt', 'home-automation'), app('esphome', 'home-automation'), app('multus', 'kube-system'), app('echo', 'default')];
    const namespaces: Array<[string, any]> = [['home-automation', namespaceDoc('home-automation')], ['default', namespaceDoc('default')]];
    const one = treeModel({ apps, namespaces: new Map(namespaces) });
    const other = treeModel({ apps: [...apps].reverse(), namespaces: new Map([...namespaces].reverse()) });
    // WHEN each is laid out
    const files = layoutTree(one);
    // THEN the files are the same, by namespace, then app
    expect(layoutTree(other)).toEqual(files);
    expect(files.filter((f) => f.path.endsWith('/ks.yaml')).map((f) => f.path)).toEqual([
      `${ROOT}/apps/default/echo/ks.yaml`,
      `${ROOT}/apps/home-automation/esphome/ks.yaml`,
      `${ROOT}/apps/home-automation/zigbee2mqtt/ks.yaml`,
      `${ROOT}/apps/kube-system/multus/ks.yaml`,
    ]);
  });

  test('one Kustomization name in two Flux namespaces is no clash', () => {
    // GIVEN two apps whose Kustomizations share a name but not a namespace
    const a = ks('echo', 'default');
    const b = { ...ks('echo', 'tools'), namespace: 'flux-tools' };
    // WHEN / THEN both are laid out
    expect(paths(treeModel({ apps: [app('echo', 'default', [a]), app('echo', 'tools', [b])] })).filter((p) => p.endsWith('ks.yaml'))).toHaveLength(2);
  });

  test('every problem is reported together: conflicting sources, an app without a Kustomization, a name used twice, a file written twice', () => {
    // GIVEN a tree with four problems
    const t = treeModel({
      sources: [source('HelmRepository', 'angelnu', 'https://a.example'), source('HelmRepository', 'angelnu', 'https://b.example')],
      apps: [
        app('empty', 'default', []),
        app('echo', 'default', [ks('echo', 'default', 'app', [configMapDoc('x', 'default'), configMapDoc('x', 'default')])]),
        app('one', 'tools', [ks('one', 'tools', 'app', undefined, 'same')]),
        app('two', 'tools', [ks('two', 'tools', 'app', undefined, 'same')]),
      ],
    });
    // WHEN laid out
    const e = validationError(() => layoutTree(t));
    // THEN one ValidationError names each, where it is
    expect(e.problems.map((p) => [p.field, p.problem, p.constructPath])).toEqual([
      ['HelmRepository.angelnu', 'conflicts', undefined],
      [`${ROOT}/apps/default/echo/app/configmap.yaml`, 'is defined twice', undefined],
      ['name', 'has no Kustomization', 'cluster/empty'],
      ['name', 'is used twice', 'cluster/two/app'],
    ]);
    expect(e.problems[3].hint).toContain('cluster/one/app');
  });
});
