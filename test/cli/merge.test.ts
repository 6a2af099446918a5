// `cdk8s-multus merge` on a small hand-made repository, created at test time: a tree the library
// synthesizes goes into a repository that has apps, sources and comments of its own.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CniPaths, FluxApp, FluxKustomization, FluxTreeApp, FluxTree, IotNetwork, MultusFluxApp, MultusTestPod } from '../../src';
import { planMerge, runMerge } from '../../src/cli/merge';
import { TREE_FILE_MARK } from '../../src/util/file-mark';
import { listFiles, testWithTool } from '../helpers';

const ROOT = 'kubernetes/main';

/** The user's repository: kube-system with Cilium, a HelmRepository angelnu of their own (another file name), comments. */
const USER_FILES: Record<string, string> = {
  'apps/kube-system/kustomization.yaml': [
    '---',
    '# yaml-language-server: $schema=https://json.schemastore.org/kustomization',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    '  # Pre Flux-Kustomizations',
    '  - ./namespace.yaml',
    '  # Flux-Kustomizations',
    '  - ./cilium/ks.yaml',
    'labels:',
    '  - pairs:',
    '      owner: me',
    '',
  ].join('\n'),
  'apps/kube-system/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-system\n',
  'apps/kube-system/cilium/ks.yaml': [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata:',
    '  name: cilium',
    '  namespace: flux-system',
    'spec:',
    '  targetNamespace: kube-system',
    '  path: ./kubernetes/main/apps/kube-system/cilium/app',
    '  prune: false',
    '  sourceRef:',
    '    kind: GitRepository',
    '    name: flux-system',
    '  interval: 30m',
    '',
  ].join('\n'),
  'flux/repositories/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./helm # charts\n',
  'flux/repositories/helm/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  # the charts of my cluster\n  - ./angelnu-charts.yaml\n  - ./cilium.yaml\n',
  'flux/repositories/helm/angelnu-charts.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: angelnu\n  namespace: flux-system\nspec:\n  interval: 1h # mine\n  url: https://angelnu.github.io/helm-charts\n',
  'flux/repositories/helm/cilium.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: cilium\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: https://helm.cilium.io\n',
};

/** Multus and the iot network, synthesized by the library into `<work>/tree`. */
function synthTree(work: string, testPod = false): string {
  const outdir = path.join(work, testPod ? 'tree-with-test-pod' : 'tree');
  const app = new FluxTreeApp({ outdir });
  const tree = new FluxTree(app, 'cluster', { clusterPath: ROOT });
  const multus = new MultusFluxApp(tree, 'multus', { install: { cniPaths: CniPaths.STANDARD } });
  const iot = new IotNetwork(multus.networks, 'iot', { subnet: '192.168.20.0/24', gateway: '192.168.20.1' });
  if (testPod) {
    const ks = new FluxKustomization(new FluxApp(tree, 'multus-test', { namespace: 'default' }), 'app', { dependsOn: [multus.networks] });
    new MultusTestPod(ks, 'multus-test', { network: iot, ips: ['192.168.20.250'] });
  }
  app.synth();
  return path.join(outdir, ROOT);
}

function writeRepo(dir: string, files: Record<string, string>): void {
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
}

/** Every file of `dir` with its content. */
function contents(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

function merge(args: string[]) {
  let out = '';
  let err = '';
  const status = runMerge(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { status, out, err };
}

describe('cdk8s-multus merge', () => {
  let work: string;
  let treeDir: string;
  let repo: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-merge-'));
    treeDir = synthTree(work);
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(work, 'repo-'));
    writeRepo(repo, USER_FILES);
  });

  test('every file the tree writes carries the mark on its first line', () => {
    for (const f of listFiles(treeDir)) expect(fs.readFileSync(path.join(treeDir, f), 'utf8').split('\n')[0]).toBe(TREE_FILE_MARK);
  });

  test('adds Multus and keeps every file, entry, comment and key the user had', () => {
    // GIVEN the user's repository WHEN the tree is merged into it
    const before = contents(repo);
    const r = merge([treeDir, repo]);

    // THEN it succeeds and reports what it did with each path
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^merged +apps\/kube-system\/kustomization\.yaml: \+ \.\/multus\/ks\.yaml$/m);
    expect(r.out).toMatch(/^wrote +apps\/kube-system\/multus\/ks\.yaml: new$/m);
    expect(r.out).toMatch(/^kept +flux\/repositories\/helm\/angelnu\.yaml: HelmRepository flux-system\/angelnu is declared by flux\/repositories\/helm\/angelnu-charts\.yaml; shared/m);
    expect(r.err).toMatch(/^\d+ written, 1 merged, \d+ kept, 0 refused\n$/);
    const after = contents(repo);

    // AND every file of the user is still there; those not merged are byte for byte the same
    for (const [f, text] of Object.entries(before)) {
      if (f === 'apps/kube-system/kustomization.yaml') continue;
      expect([f, after[f]]).toEqual([f, text]);
    }
    // AND the merged kustomization holds every line it had (comments, labels), plus the new entry
    const merged = after['apps/kube-system/kustomization.yaml'];
    expect(merged).toBe(`${before['apps/kube-system/kustomization.yaml'].replace('  - ./cilium/ks.yaml\n', '  - ./cilium/ks.yaml\n  - ./multus/ks.yaml\n')}`);
    // AND the shared source is not written a second time, nor listed twice
    expect(after['flux/repositories/helm/angelnu.yaml']).toBeUndefined();
    expect(after['flux/repositories/helm/kustomization.yaml']).toBe(before['flux/repositories/helm/kustomization.yaml']);
    // AND the new files are the tree's, with the mark
    expect(after['apps/kube-system/multus/ks.yaml']).toBe(fs.readFileSync(path.join(treeDir, 'apps/kube-system/multus/ks.yaml'), 'utf8'));
    expect(Object.keys(after).filter((f) => !(f in before)).sort()).toEqual(
      listFiles(treeDir).filter((f) => f.startsWith('apps/kube-system/multus/')).sort());
  });

  test('a second merge of the same tree changes nothing', () => {
    expect(merge([treeDir, repo]).status).toBe(0);
    const once = contents(repo);
    const again = merge([treeDir, repo]);
    expect(again.status).toBe(0);
    expect(again.out).not.toMatch(/^(wrote|merged|refused) /m);
    expect(contents(repo)).toEqual(once);
  });

  test('over a repository with its own kube-system/multus: changes nothing and names kube-system/multus', () => {
    // GIVEN a repository with a hand-written Multus app in kube-system
    writeRepo(repo, {
      'apps/kube-system/multus/ks.yaml': USER_FILES['apps/kube-system/cilium/ks.yaml'].replace(/cilium/g, 'multus'),
      'apps/kube-system/multus/app/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./helmrelease.yaml\n',
      'apps/kube-system/multus/app/helmrelease.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: multus\nspec:\n  interval: 30m\n',
    });
    const before = contents(repo);
    // WHEN the tree is merged
    const r = merge([treeDir, repo]);
    // THEN it is refused, names kube-system/multus and why, and no file changed
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/^refused +apps\/kube-system\/multus: the repository has its own kube-system\/multus \(3 files without the cdk8s-multus mark/m);
    expect(r.err).toContain('nothing written');
    expect(contents(repo)).toEqual(before);
  });

  test('--dry-run prints the same report and writes nothing', () => {
    const before = contents(repo);
    const dry = merge([treeDir, repo, '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.err).toContain('dry run, nothing written');
    expect(contents(repo)).toEqual(before);
    const real = merge([treeDir, repo]);
    expect(real.out).toBe(dry.out);
  });

  test('a file without the mark is never overwritten; holding the same objects, it is kept as the user\'s', () => {
    // GIVEN the user's copy of the tree's HelmRelease file without the mark, and another file of theirs
    // where the tree writes the network
    const release = 'apps/kube-system/multus/app/helmrelease.yaml';
    const nad = 'apps/kube-system/multus/networks/network-attachment-definition.yaml';
    const ks = 'apps/kube-system/multus/ks.yaml';
    const strip = (f: string) => fs.readFileSync(path.join(treeDir, f), 'utf8').split('\n').slice(1).join('\n');
    writeRepo(repo, { [ks]: `# mine now\n${strip(ks)}`, [release]: strip(release), [nad]: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n' });
    const before = contents(repo);
    const plan = planMerge(treeDir, repo);
    // THEN the app counts as the user's: refused as a whole, nothing written
    expect(plan.refused).toBe(true);
    expect(plan.entries.filter((e) => e.action === 'refused').map((e) => e.path)).toEqual(['apps/kube-system/multus']);
    expect(merge([treeDir, repo]).status).toBe(1);
    expect(contents(repo)).toEqual(before);

    // AND when every file of the app holds the tree's objects, they are kept as the user's
    fs.writeFileSync(path.join(repo, nad), strip(nad));
    for (const f of listFiles(treeDir).filter((x) => x.startsWith('apps/kube-system/multus/'))) fs.writeFileSync(path.join(repo, f), strip(f));
    const kept = merge([treeDir, repo]);
    expect(kept.status).toBe(0);
    expect(kept.out).toMatch(new RegExp(`^kept +${release.replace(/[./]/g, '\\$&')}: yours, with the same objects$`, 'm'));
    expect(fs.readFileSync(path.join(repo, release), 'utf8')).toBe(strip(release));
  });

  test('a source the repository declares with another URL, and a directory Flux reads without a kustomization, are refused together', () => {
    // GIVEN angelnu at another URL, and an apps/kube-system without kustomization.yaml
    writeRepo(repo, { 'flux/repositories/helm/angelnu-charts.yaml': USER_FILES['flux/repositories/helm/angelnu-charts.yaml'].replace('angelnu.github.io', 'example.org') });
    fs.rmSync(path.join(repo, 'apps/kube-system/kustomization.yaml'));
    const before = contents(repo);
    const r = merge([treeDir, repo]);
    // THEN both are named with the reason, and nothing is written
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/^refused +flux\/repositories\/helm\/angelnu\.yaml: HelmRepository flux-system\/angelnu is declared by flux\/repositories\/helm\/angelnu-charts\.yaml with spec\.url "https:\/\/example\.org\/helm-charts" where the tree has "https:\/\/angelnu\.github\.io\/helm-charts"/m);
    expect(r.out).toMatch(/^refused +apps\/kube-system\/kustomization\.yaml: the directory has no kustomization file, so Flux applies every file in it/m);
    expect(contents(repo)).toEqual(before);
  });

  test('a Flux Kustomization of the same name elsewhere in the repository is refused', () => {
    // GIVEN Multus of the user's in another namespace, whose Flux Kustomization is flux-system/multus too
    writeRepo(repo, { 'apps/network/multus/ks.yaml': USER_FILES['apps/kube-system/cilium/ks.yaml'].replace(/cilium/g, 'multus') });
    const r = merge([treeDir, repo]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/^refused +apps\/kube-system\/multus\/ks\.yaml: Kustomization flux-system\/multus is already declared by apps\/network\/multus\/ks\.yaml/m);
  });

  test('a kustomization that sets a namespace of its own is refused: it would move the tree\'s Flux objects', () => {
    // GIVEN a layout where each namespace's kustomization moves its Flux Kustomizations into it
    writeRepo(repo, { 'apps/kube-system/kustomization.yaml': `${USER_FILES['apps/kube-system/kustomization.yaml']}namespace: kube-system\n` });
    const before = contents(repo);
    const r = merge([treeDir, repo]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/^refused +apps\/kube-system\/kustomization\.yaml: it sets namespace: kube-system, which would move the tree's Kustomization flux-system\/multus into kube-system/m);
    expect(contents(repo)).toEqual(before);
  });

  test('a new namespace directory joins the repository\'s apps/kustomization.yaml when it has one', () => {
    // GIVEN a repository whose apps/ lists its namespaces, and a tree with an app in a namespace it lacks
    writeRepo(repo, { 'apps/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./kube-system # system\n' });
    const r = merge([synthTree(work, true), repo]);
    // THEN apps/default is written and listed, beside what was there
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^merged +apps\/kustomization\.yaml: \+ \.\/default$/m);
    expect(r.out).toMatch(/^wrote +apps\/default\/kustomization\.yaml: new$/m);
    expect(fs.readFileSync(path.join(repo, 'apps/kustomization.yaml'), 'utf8')).toBe('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./kube-system # system\n  - ./default\n');
  });

  test('a new directory no Flux Kustomization reaches is written with a note', () => {
    // GIVEN a repository without flux/repositories, and a Flux Kustomization that applies only apps/
    fs.rmSync(path.join(repo, 'flux'), { recursive: true });
    writeRepo(repo, { 'flux/apps.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: cluster-apps\n  namespace: flux-system\nspec:\n  path: ./kubernetes/main/apps\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n' });
    const r = merge([treeDir, repo, '--dry-run']);
    // THEN the sources are written, with a note that nothing applies them yet; apps/ is reached
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^note +flux\/repositories: no Flux Kustomization of the repository has a path that holds \.\/kubernetes\/main\/flux\/repositories/m);
    expect(r.out.match(/^note /gm)).toHaveLength(1);
    expect(r.err).toMatch(/, 1 note: dry run/);
    // AND a Flux Kustomization of the whole flux/ directory reaches them
    writeRepo(repo, { 'flux/config.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: cluster\n  namespace: flux-system\nspec:\n  path: ./kubernetes/main/flux\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n' });
    expect(merge([treeDir, repo, '--dry-run']).out).not.toMatch(/^note /m);
  });

  test('usage errors and a tree not written by the library exit 2', () => {
    expect(merge([treeDir]).status).toBe(2);
    expect(merge([treeDir, repo, '--force']).status).toBe(2);
    expect(merge([path.join(work, 'missing'), repo]).status).toBe(2);
    const notATree = merge([repo, treeDir]);
    expect(notATree.status).toBe(2);
    expect(notATree.err).toContain('is not a tree written by cdk8s-multus');
    const overlap = merge([treeDir, path.dirname(treeDir)]);
    expect(overlap.status).toBe(2);
    expect(overlap.err).toContain('overlap');
  });

  testWithTool('kubectl', 'kubectl kustomize of every touched directory holds every object it held before plus the new ones', (kubectl) => {
    const build = (dir: string) => {
      const r = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
      if (r.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${r.stderr}`);
      return parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean).map((o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    };
    const touched = ['apps/kube-system', 'flux/repositories', 'flux/repositories/helm'];
    const before = Object.fromEntries(touched.map((d) => [d, build(path.join(repo, d))]));
    expect(merge([treeDir, repo]).status).toBe(0);
    for (const d of touched) expect(build(path.join(repo, d))).toEqual(expect.arrayContaining(before[d]));
    expect(build(path.join(repo, 'apps/kube-system'))).toEqual([...before['apps/kube-system'], 'Kustomization/flux-system/multus', 'Kustomization/flux-system/multus-networks'].sort());
    expect(build(path.join(repo, 'apps/kube-system/multus/app')).length).toBeGreaterThan(0);
  }, 120_000);
});
