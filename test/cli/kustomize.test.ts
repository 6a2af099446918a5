import { BuiltObject, applyPatches } from '../../src/cli/kustomize';

// Kustomize's patches as the checker applies them. One document can be built into several
// kustomizations (a shared base, a component): a patch applied in one build must never show in
// another, so no patch may change the object it was given.

function deployment(): BuiltObject {
  return {
    key: 'base/deployment.yaml#0', file: 'base/deployment.yaml', index: 0,
    object: {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'esphome', namespace: 'home', labels: { app: 'esphome' } },
      spec: { replicas: 1, template: { metadata: { annotations: { a: 'b' } }, spec: { containers: [{ name: 'app', image: 'esphome:1' }] } } },
    },
  } as BuiltObject;
}

describe('a patch leaves the object it was given as it was', () => {
  const cases: Array<[string, unknown, Record<string, any> | undefined]> = [
    ['a strategic merge with a target', { spec: { template: { metadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': 'iot' } } } } }, { kind: 'Deployment' }],
    ['a strategic merge naming its object', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'esphome', labels: { app: null } }, spec: { replicas: 2 } }, undefined],
    ['a strategic merge of a named list item', { spec: { template: { spec: { containers: [{ name: 'app', image: 'esphome:2' }] } } } }, { kind: 'Deployment' }],
    ['JSON 6902 operations', [{ op: 'replace', path: '/spec/replicas', value: 3 }, { op: 'add', path: '/spec/template/metadata/annotations/x', value: 'y' }], { kind: 'Deployment' }],
  ];

  test.each(cases)('%s', (_name, body, target) => {
    // GIVEN one built object that another build shares
    const shared = deployment();
    const before = JSON.parse(JSON.stringify(shared.object));
    // WHEN a patch is applied to it in one build
    const [patched] = applyPatches([shared], [{ body, target }]);
    // THEN that build sees the patch, and the shared object is as it was
    expect(patched.object).not.toEqual(before);
    expect(shared.object).toEqual(before);
    // AND patching the result again (a second patch of the same build) leaves the first result as it was
    const first = JSON.parse(JSON.stringify(patched.object));
    applyPatches([patched], [{ body: [{ op: 'add', path: '/metadata/labels/second', value: 'yes' }], target: { kind: 'Deployment' } }]);
    expect(patched.object).toEqual(first);
    expect(shared.object).toEqual(before);
  });
});

describe('a patch target\'s labelSelector reads as Kubernetes reads a label selector', () => {
  const labeled = (labels: Record<string, string> | undefined): BuiltObject => ({
    key: 'k.yaml#0', file: 'k.yaml', index: 0,
    object: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system', ...(labels ? { labels } : {}) }, spec: {} },
  });
  const patched = (selector: string, labels: Record<string, string> | undefined): boolean => {
    const [out] = applyPatches([labeled(labels)], [{ body: { spec: { interval: '5m' } }, target: { kind: 'Kustomization', labelSelector: selector } }]);
    return out.object.spec.interval === '5m';
  };

  test.each<[string, Record<string, string> | undefined, boolean]>([
    ['app=home', { app: 'home' }, true],
    ['app==home', { app: 'home' }, true],
    ['app=home', { app: 'media' }, false],
    ['app!=home', { app: 'media' }, true],
    ['app!=home', undefined, true],
    ['app', { app: '' }, true],
    ['app', {}, false],
    ['!app', {}, true],
    ['!app', { app: 'x' }, false],
    ['tier in (web, api)', { tier: 'api' }, true],
    ['tier in (web, api)', { tier: 'db' }, false],
    ['tier in (web, api)', undefined, false],
    ['kustomization.flux.home.arpa/default notin (false)', undefined, true],
    ['kustomization.flux.home.arpa/default notin (false)', { 'kustomization.flux.home.arpa/default': 'false' }, false],
    ['kustomization.flux.home.arpa/default notin (false, no-deps)', { 'kustomization.flux.home.arpa/default': 'no-deps' }, false],
    ['kustomization.flux.home.arpa/default notin (false, no-deps)', { 'kustomization.flux.home.arpa/default': 'true' }, true],
    ['app=home,tier in (web, api)', { app: 'home', tier: 'web' }, true],
    ['app=home,tier in (web, api)', { app: 'home', tier: 'db' }, false],
    ['replicas > 2', { replicas: '3' }, true],
    ['replicas < 2', { replicas: '3' }, false],
    ['constructor', {}, false],
    ['tier in (web', { tier: 'web' }, false],
  ])('%s on %j: %s', (selector, labels, expected) => {
    expect(patched(selector, labels)).toBe(expected);
  });
});
