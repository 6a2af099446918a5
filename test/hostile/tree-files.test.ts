import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject } from 'cdk8s';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { CniPaths, FluxApp, FluxKustomization, FluxTree, FluxTreeApp, MultusFluxApp, ValidationError } from '../../src';
import { expectValidAgainstCrds, describeWithCrds } from '../crd-schema';
import { listFiles, testWithTool, thrown, validationError } from '../helpers';

// What the tree writer promises about files: every file lands inside the output directory, file
// names are at most 255 bytes, unique and deterministic, and overlapping trees are refused; a
// refusal writes nothing. Names and kinds reach file names through one mapper (src/tree/files.ts).

const dirs: string[] = [];
/** A fresh directory `parent/out`: anything written beside `out` left the output directory. */
function outdir(): { parent: string; out: string } {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-tree-'));
  dirs.push(parent);
  return { parent, out: path.join(parent, 'out') };
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** GIVEN a FluxTreeApp writing to `out`, with one app `echo` in `default` and its Kustomization `app`. */
function treeApp(out: string): { app: FluxTreeApp; tree: FluxTree; ks: FluxKustomization } {
  const app = new FluxTreeApp({ outdir: out });
  const tree = new FluxTree(app, 'cluster');
  const ks = new FluxKustomization(new FluxApp(tree, 'echo', { namespace: 'default' }), 'app');
  return { app, tree, ks };
}

const configMap = (ks: FluxKustomization, id: string, name: string, kind = 'ConfigMap') =>
  new ApiObject(ks, id, { apiVersion: 'v1', kind, metadata: { name }, data: { a: 'b' } });

describe('files outside the output directory', () => {
  test.each([
    ['a name that climbs out', 'ConfigMap', '../../../../../../../../../../escape', 'metadata.name'],
    ['a name with a slash', 'ConfigMap', 'a/b', 'metadata.name'],
    ['the name ".."', 'ConfigMap', '..', 'metadata.name'],
    ['a name with "%"', 'ConfigMap', '%2e%2e', 'metadata.name'],
    ['a name with a line separator', 'ConfigMap', 'a\u2028b', 'metadata.name'],
    ['a kind that climbs out', '../../Evil', 'x', 'kind'],
    ['a kind with a slash', 'Config/Map', 'x', 'kind'],
  ])('%s is refused and nothing is written', (_name, kind, name, field) => {
    // GIVEN an object whose name or kind reaches a file name
    const { parent, out } = outdir();
    const { app, ks } = treeApp(out);
    configMap(ks, 'hostile', name, kind);
    configMap(ks, 'other', 'other');
    // WHEN
    const e = validationError(() => app.synth());
    // THEN refused, naming the field, and nothing written at all
    expect(e.field).toBe(field);
    expect(fs.readdirSync(parent)).toEqual(fs.existsSync(out) ? ['out'] : []);
    expect(fs.existsSync(out) ? listFiles(out) : []).toEqual([]);
  });

  test('two valid 253-character names in one directory get bounded, distinct file names', () => {
    // GIVEN two ConfigMaps whose names are the longest DNS-1123 subdomains, alike but for the last label
    const { out } = outdir();
    const { app, ks } = treeApp(out);
    const long = (last: string) => `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61 - last.length)}${last}`;
    configMap(ks, 'one', long('1'));
    configMap(ks, 'two', long('2'));
    expect(long('1')).toHaveLength(253);
    // WHEN
    app.synth();
    // THEN both files exist, each name at most 255 bytes, and they differ
    const files = listFiles(out).filter((f) => f.includes('/configmap-'));
    expect(files).toHaveLength(2);
    for (const f of files) expect(Buffer.byteLength(path.posix.basename(f))).toBeLessThanOrEqual(255);
    expect(new Set(files).size).toBe(2);
  });

  test('the same names give the same files, whatever order they were created in', () => {
    const render = (names: string[]) => {
      const { out } = outdir();
      const { app, ks } = treeApp(out);
      names.forEach((n, i) => configMap(ks, `c${i}`, n));
      app.synth();
      return listFiles(out);
    };
    const names = ['x'.repeat(253), 'system.admin', 'a'.repeat(252), 'b'];
    expect(render(names)).toEqual(render([...names].reverse()));
  });

  test.each([
    ['k', 'k/apps/ns'],
    ['k/apps/ns', 'k'],
    ['kubernetes/main', 'kubernetes/main'],
    ['kubernetes/main', 'Kubernetes/Main'],
  ])('trees at %s and %s are refused', (a, b) => {
    // GIVEN two trees whose directories overlap
    const { out } = outdir();
    const app = new FluxTreeApp({ outdir: out });
    for (const [id, clusterPath] of [['one', a], ['two', b]]) {
      new MultusFluxApp(new FluxTree(app, id, { clusterPath }), 'multus', { install: { cniPaths: CniPaths.K3S } });
    }
    // WHEN / THEN
    const e = validationError(() => app.synth());
    expect([e.field, e.value, e.constructPath]).toEqual(['clusterPath', JSON.stringify(b), 'two']);
    expect(fs.existsSync(out) ? listFiles(out) : []).toEqual([]);
  });

  test('trees side by side (k and kk, k/a and k/b) are accepted', () => {
    const { out } = outdir();
    const app = new FluxTreeApp({ outdir: out });
    for (const [id, clusterPath] of [['one', 'k'], ['two', 'kk'], ['three', 'c/a'], ['four', 'c/b']]) {
      new MultusFluxApp(new FluxTree(app, id, { clusterPath }), 'multus', { install: { cniPaths: CniPaths.K3S } });
    }
    app.synth();
    expect(new Set(listFiles(out).map((f) => f.split('/').slice(0, f.startsWith('c/') ? 2 : 1).join('/')))).toEqual(new Set(['k', 'kk', 'c/a', 'c/b']));
  });

  test.each([
    ['clusterPath', { clusterPath: 'k/'.repeat(128) + 'k' }],
    ['pathPrefix', { pathPrefix: 'p'.repeat(256) }],
  ])('a %s longer than 255 characters is refused', (field, props) => {
    const e = validationError(() => new FluxTree(new FluxTreeApp({ outdir: 'never-written' }), 'cluster', props));
    expect(e.field).toBe(field);
  });

  test('a symbolic link in the output directory that leads outside it is refused, and nothing is written', () => {
    // GIVEN an output directory whose kubernetes/ is a link to a directory beside it
    const { parent, out } = outdir();
    fs.mkdirSync(out);
    fs.mkdirSync(path.join(parent, 'elsewhere'));
    fs.symlinkSync(path.join(parent, 'elsewhere'), path.join(out, 'kubernetes'));
    const { tree, ks } = treeApp(path.join(parent, 'unused'));
    configMap(ks, 'cm', 'settings');
    // WHEN
    const e = validationError(() => tree.writeTo(out));
    // THEN
    expect([e.field, e.problems[0].problem]).toEqual(['file', 'would leave the output directory']);
    expect(fs.readdirSync(path.join(parent, 'elsewhere'))).toEqual([]);
  });

  test('a directory where a file is to go is refused, and nothing is written', () => {
    const { out } = outdir();
    const { tree, ks } = treeApp(out);
    configMap(ks, 'cm', 'settings');
    fs.mkdirSync(path.join(out, 'kubernetes/main/apps/default/echo/ks.yaml'), { recursive: true });
    const e = validationError(() => tree.writeTo(out));
    expect([e.field, e.value]).toEqual(['file', '"kubernetes/main/apps/default/echo/ks.yaml"']);
    expect(listFiles(out)).toEqual([]);
  });

  test('an object of kind Kustomization is not written over the directory\'s kustomization.yaml', () => {
    const { out } = outdir();
    const { app, ks } = treeApp(out);
    new ApiObject(ks, 'ks', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'inner' }, spec: {} });
    app.synth();
    const dir = path.join(out, 'kubernetes/main/apps/default/echo/app');
    expect(parseAllDocuments(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'))[0].toJS().kind).toBe('Kustomization');
    expect(fs.readdirSync(dir).filter((f) => f !== 'kustomization.yaml')).toEqual([expect.stringMatching(/^kustomization-[0-9a-f]{10}\.yaml$/)]);
  });
});

describe('files outside the output directory (property)', () => {
  test('for any object name, either a ValidationError or every file inside the output directory, bounded, and the name read back unchanged', () => {
    const chars = 'ab.-_:/%\\ \n\u2028\u0085\u007fAZé😀'.split(/(?:)/u);
    const name = fc.oneof(
      fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength: 40 }),
      fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?){0,3}$/).filter((s) => s.length <= 253),
      fc.constantFrom('..', '.', '../..', '../../../../../../../x'),
    );
    fc.assert(fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 3 }), (names) => {
      // GIVEN ConfigMaps with these names
      const { parent, out } = outdir();
      const { app, ks } = treeApp(out);
      names.forEach((n, i) => configMap(ks, `c${i}`, n));
      // WHEN the tree is written
      const e = thrown(() => app.synth());
      // THEN nothing ever lands beside the output directory
      expect(fs.readdirSync(parent).filter((f) => f !== 'out')).toEqual([]);
      if (e !== undefined) {
        expect(e).toBeInstanceOf(ValidationError);
        return;
      }
      // ... and every file name is bounded, and every name comes back unchanged from its file
      const files = listFiles(out);
      for (const f of files) expect(Buffer.byteLength(path.posix.basename(f))).toBeLessThanOrEqual(255);
      const read = files.filter((f) => f.includes('/configmap'))
        .map((f) => parseAllDocuments(fs.readFileSync(path.join(out, f), 'utf8'))[0].toJS().metadata.name);
      expect(read.sort()).toEqual([...names].sort());
    }), { numRuns: 150 });
  });
});

testWithTool('kubectl', 'kubectl kustomize builds a directory of long and hashed file names', (kubectl) => {
  // GIVEN objects whose names are long or need the mapper (a ClusterRole named with ":")
  const { out } = outdir();
  const { app, ks } = treeApp(out);
  configMap(ks, 'one', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`);
  configMap(ks, 'two', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'e'.repeat(61)}`);
  new ApiObject(ks, 'role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:multus' }, rules: [] });
  new ApiObject(ks, 'role2', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:multus-view' }, rules: [] });
  app.synth();
  // WHEN kustomize builds the directory
  const r = spawnSync(kubectl, ['kustomize', path.join(out, 'kubernetes/main/apps/default/echo/app')], { encoding: 'utf8' });
  // THEN it builds, and holds every object
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(parseAllDocuments(r.stdout).map((d) => d.toJS().metadata.name).sort()).toEqual([
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'e'.repeat(61)}`,
    'system:multus', 'system:multus-view',
  ]);
});

testWithTool('kubectl', 'kubectl kustomize reads back cni-args and chart values with umlauts, emoji and line breaks unchanged', (kubectl) => {
  // GIVEN a tree whose annotation and values carry non-ASCII text and a multi-line value
  const { out } = outdir();
  const app = new FluxTreeApp({ outdir: out });
  const tree = new FluxTree(app, 'cluster');
  const multus = new MultusFluxApp(tree, 'multus', { install: { cniPaths: CniPaths.K3S, values: { podLabels: { room: 'küche' }, configs: { note: 'line 1\n\tline 2\n' } } } });
  expect(multus.install.values.configs.note).toBe('line 1\n\tline 2\n');
  app.synth();
  // WHEN kustomize builds the chart's directory
  const r = spawnSync(kubectl, ['kustomize', path.join(out, 'kubernetes/main/apps/kube-system/multus/app')], { encoding: 'utf8' });
  // THEN the values come back as written
  expect(r.status).toBe(0);
  const release = parseAllDocuments(r.stdout).map((d) => d.toJS()).find((m) => m.kind === 'HelmRelease');
  expect(release.spec.values.configs.note).toBe('line 1\n\tline 2\n');
  expect(release.spec.values.podLabels.room).toBe('küche');
});

describeWithCrds('accepted hostile values against the pinned CRDs', () => {
  test('a tree with the longest names the library accepts is valid for its CRDs', () => {
    // GIVEN a Multus app of a 53-character name (its networks Kustomization name is 62) and a 53-character release
    const { out } = outdir();
    const app = new FluxTreeApp({ outdir: out });
    const name = 'm'.repeat(53);
    new MultusFluxApp(new FluxTree(app, 'cluster'), name, { install: { cniPaths: CniPaths.K3S, releaseName: name } });
    app.synth();
    // THEN every custom resource is valid
    const manifests = listFiles(out).filter((f) => !f.endsWith('/kustomization.yaml'))
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(out, f), 'utf8')).map((d) => d.toJS()));
    expect(manifests.map((m) => m.metadata.name)).toContain(`${name}-networks`);
    expectValidAgainstCrds(manifests);
  });
});
