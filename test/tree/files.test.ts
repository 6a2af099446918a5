import { checkRepoPath, directoryFiles, fluxPath, kindFileName, mergeSources, orderKustomizationSpec } from '../../src/tree/files';
import { validationError } from '../helpers';

const obj = (kind: string, name: string, spec: any = {}) => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'default' }, spec });

describe('file names', () => {
  test.each([
    ['HelmRelease', 'helmrelease'],
    ['NetworkAttachmentDefinition', 'network-attachment-definition'],
    ['Pod', 'pod'],
    ['PersistentVolumeClaim', 'pvc'],
    ['ServiceAccount', 'serviceaccount'],
  ])('%s -> %s.yaml', (kind, name) => {
    // GIVEN a kind
    // WHEN / THEN its file name is the kind in lower case, split where it is several words, or its short name
    expect(kindFileName(kind)).toBe(name);
  });
});

describe('directoryFiles', () => {
  test('one file per kind, sorted, and a kustomization.yaml listing them', () => {
    // GIVEN / WHEN objects created in any order, laid out in directory d
    const files = directoryFiles('d', [obj('Pod', 'p'), obj('HelmRelease', 'h')]);
    // THEN
    expect(files.map((f) => f.path)).toEqual(['d/helmrelease.yaml', 'd/pod.yaml', 'd/kustomization.yaml']);
    expect(files[2].docs).toEqual([{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['./helmrelease.yaml', './pod.yaml'] }]);
  });

  test('the order objects were created in does not change the files', () => {
    // GIVEN the same objects created in two orders
    // WHEN each is laid out
    const a = directoryFiles('d', [obj('Pod', 'b'), obj('Pod', 'a'), obj('Service', 's')]);
    const b = directoryFiles('d', [obj('Service', 's'), obj('Pod', 'a'), obj('Pod', 'b')]);
    // THEN the files are the same, one per object of a kind with several
    expect(a).toEqual(b);
    expect(a.map((f) => f.path)).toEqual(['d/pod-a.yaml', 'd/pod-b.yaml', 'd/service.yaml', 'd/kustomization.yaml']);
  });

  test.each<[string, any[], string]>([
    ['the same object twice', [obj('Pod', 'a'), obj('Pod', 'a')], 'default/a'],
    ['two kinds that map to one file name', [obj('Pod', 'x'), { ...obj('POD', 'y') }], 'POD default/y'],
  ])('refuses %s', (_what, objects, value) => {
    // GIVEN objects that would land in one file
    // WHEN / THEN laying them out is refused, naming the second
    expect(validationError(() => directoryFiles('d', objects)).message).toContain(value);
  });
});

describe('mergeSources', () => {
  const repo = (url: string) => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'angelnu', namespace: 'flux-system' }, spec: { interval: '2h', url } });
  test('identical declarations are one object', () => {
    // GIVEN the same HelmRepository declared twice
    // WHEN / THEN the sources merge into one
    expect(mergeSources([repo('https://a.example'), repo('https://a.example')])).toEqual([repo('https://a.example')]);
  });
  test('differing declarations of one name are refused, naming the value', () => {
    // GIVEN two HelmRepositories of one name at different URLs
    // WHEN / THEN merging them is refused, naming the second URL
    expect(validationError(() => mergeSources([repo('https://a.example'), repo('https://b.example')])).message).toContain('https://b.example');
  });
});

describe('paths', () => {
  test.each([['kubernetes/main', true], ['a', true], ['/a', false], ['a//b', false], ['./a', false], ['a/..', false], ['a b', false], ['a/', false]])('%s valid: %s', (p, ok) => {
    // GIVEN a repository path
    // WHEN it is checked
    // THEN a valid one passes, and any other is refused, naming it
    if (ok) {
      expect(() => checkRepoPath('clusterPath', p as string, false)).not.toThrow();
    } else {
      expect(validationError(() => checkRepoPath('clusterPath', p as string, false)).message).toContain(JSON.stringify(p));
    }
  });

  test('Flux paths start with ./ and carry the prefix', () => {
    // GIVEN a tree path, with and without a prefix
    // WHEN / THEN the Flux path is relative to the repository root
    expect(fluxPath('', 'kubernetes/main/apps/x/y/app')).toBe('./kubernetes/main/apps/x/y/app');
    expect(fluxPath('deploy', 'kubernetes/main')).toBe('./deploy/kubernetes/main');
  });
});

test('Kustomization spec keys follow the plan\'s order, values unchanged', () => {
  // GIVEN a Kustomization spec in another order, with an unknown key
  const doc = { kind: 'Kustomization', spec: { wait: true, timeout: '5m', targetNamespace: 'x', path: './p', zzz: 1 } };
  // WHEN its keys are ordered
  const out = orderKustomizationSpec(doc);
  // THEN they follow the plan's order, the unknown key last, and no value changes
  expect(Object.keys(out.spec)).toEqual(['targetNamespace', 'path', 'wait', 'timeout', 'zzz']);
  expect(out.spec).toEqual(doc.spec);
});
