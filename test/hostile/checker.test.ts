import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCheck } from '../../src/cli/check';
import { MAX_FILE_BYTES } from '../../src/cli/files';
import { MAX_NESTING, matches } from '../../src/cli/kustomize';

// `cdk8s-multus check` on hostile repositories (a pull request to a repository whose CI runs the
// checker): nothing outside the directories given is read, nothing blocks, overflows or hangs, and
// nothing the input holds can forge a line of output or reach the terminal raw. Each class is a
// table; each case is bounded by its test's timeout.

// Every path the checker opens, lists or reads goes through this module: recorded while a test
// collects them (globalThis.checkerTouched), then passed to the real function.
jest.mock('node:fs', () => {
  const real = jest.requireActual('node:fs');
  const recorded = (name: string) => (...args: any[]): any => {
    const touched: string[] | undefined = (globalThis as any).checkerTouched;
    if (touched && typeof args[0] === 'string') touched.push(args[0]);
    return real[name](...args);
  };
  // Opening, reading and listing: what must stay inside (resolving a path lstat's its parts, which reads no content).
  return { ...real, openSync: recorded('openSync'), readFileSync: recorded('readFileSync'), readdirSync: recorded('readdirSync') };
});

const FORMATS = ['text', 'json', 'sarif', 'github', 'junit'];
const SECRET = 'token-e2f1b0c9-never-printed';

/** A scratch area: `repo/` (the directory checked) beside `outside/` (a kubeconfig with a token). */
function area(files: Record<string, string>): { base: string; repo: string; outside: string } {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-hostile-')));
  const repo = path.join(base, 'repo');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(repo);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'kubeconfig'), `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: ${SECRET}\n`);
  fs.writeFileSync(path.join(outside, 'values.yaml'), `image:\n  repository: ${SECRET}\nresources:\n  limits: { memory: ${SECRET} }\n`);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), text);
  }
  return { base, repo, outside };
}

function check(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCheck(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

/** Every path the file system was asked to open, list or resolve while `fn` ran. */
function pathsTouched(fn: () => void): string[] {
  const touched: string[] = [];
  (globalThis as any).checkerTouched = touched;
  try {
    fn();
  } finally {
    (globalThis as any).checkerTouched = undefined;
  }
  return touched;
}

/** A Multus chart release whose values come from a ConfigMap a kustomization generates. */
const RELEASE = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: multus, namespace: kube-system }
spec:
  chart: { spec: { chart: multus, version: 7.0.0, sourceRef: { kind: HelmRepository, name: angelnu } } }
  valuesFrom: [{ kind: ConfigMap, name: multus-values }]
`;

describe('nothing outside the directories given is read', () => {
  const cases: Array<[string, Record<string, string>, (a: { repo: string; outside: string }) => void]> = [
    ['a resource ../../outside/kubeconfig', { 'app/kustomization.yaml': 'resources: [../../outside/kubeconfig]\n' }, () => undefined],
    ['an absolute resource', {}, ({ repo, outside }) => fs.writeFileSync(path.join(repo, 'kustomization.yaml'), `resources: [${path.join(outside, 'kubeconfig')}]\n`)],
    ['a generator file outside (values-ignored would print it)', {
      'kustomization.yaml': 'resources: [release.yaml]\nconfigMapGenerator:\n  - name: multus-values\n    namespace: kube-system\n    files: [values.yaml=../outside/values.yaml]\n',
      'release.yaml': RELEASE,
    }, () => undefined],
    ['a patch path outside', { 'kustomization.yaml': 'resources: [release.yaml]\npatches:\n  - path: ../outside/values.yaml\n    target: { kind: HelmRelease }\n', 'release.yaml': RELEASE }, () => undefined],
    ['patchesStrategicMerge outside', { 'kustomization.yaml': 'resources: [release.yaml]\npatchesStrategicMerge: [../outside/kubeconfig]\n', 'release.yaml': RELEASE }, () => undefined],
    ['a transformer config outside', { 'kustomization.yaml': 'resources: [release.yaml]\ntransformers: [../outside/kubeconfig]\n', 'release.yaml': RELEASE }, () => undefined],
    ['a symlinked manifest', {}, ({ repo, outside }) => fs.symlinkSync(path.join(outside, 'kubeconfig'), path.join(repo, 'kubeconfig.yaml'))],
    ['a symlinked generator file', {
      'kustomization.yaml': 'resources: [release.yaml]\nconfigMapGenerator:\n  - name: multus-values\n    namespace: kube-system\n    files: [values.yaml=values.yaml]\n',
      'release.yaml': RELEASE,
    }, ({ repo, outside }) => fs.symlinkSync(path.join(outside, 'values.yaml'), path.join(repo, 'values.yaml'))],
    ['a symlinked directory', {}, ({ repo, outside }) => fs.symlinkSync(outside, path.join(repo, 'linked'))],
    ['a symlinked directory a kustomization lists', { 'kustomization.yaml': 'resources: [linked]\n' }, ({ repo, outside }) => {
      fs.writeFileSync(path.join(outside, 'kustomization.yaml'), 'resources: [kubeconfig]\n');
      fs.symlinkSync(outside, path.join(repo, 'linked'));
    }],
    ['a Flux Kustomization whose path leaves the repository', {
      'clusters/main/ks.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: x, namespace: flux-system }\nspec: { path: ../outside, sourceRef: { kind: GitRepository, name: flux-system } }\n',
    }, () => undefined],
  ];

  test.each(cases)('%s: a note, never a read', (_name, files, setup) => {
    // GIVEN a repository that points outside itself
    const a = area(files);
    setup(a);
    for (const format of FORMATS) {
      // WHEN it is checked
      let r = { code: 0, out: '', err: '' };
      const touched = pathsTouched(() => { r = check('check', '--format', format, a.repo); });
      // THEN nothing outside it was opened or listed, and the token is printed nowhere
      expect(touched.length).toBeGreaterThan(0);
      // Opened, read or listed: only paths in the repository (the symlinks themselves included).
      const escaped = touched.filter((p) => !path.resolve(p).startsWith(a.repo) && !path.resolve(p).startsWith(path.join(__dirname, '..', '..')));
      expect(escaped).toEqual([]);
      expect(`${r.out}${r.err}`).not.toContain(SECRET);
      expect(r.code).toBeLessThan(2);
    }
    const r = check('check', a.repo);
    // Where a file or a directory outside is named, a note says it was not read. (A Flux
    // Kustomization's path outside the repository is simply not followed: Flux refuses it too.)
    if (fs.readdirSync(a.repo).some((f) => fs.lstatSync(path.join(a.repo, f)).isSymbolicLink()) || Object.values(files).some((t) => t.includes('resources') || t.includes('outside/'))) {
      expect(r.err).toContain('resolves outside the checked directories, not read');
    }
    fs.rmSync(a.base, { recursive: true, force: true });
  }, 20_000);
});

describe('only regular files, up to a size cap: nothing blocks or fills memory', () => {
  const cases: Array<[string, (repo: string) => void, string]> = [
    ['a FIFO named like a manifest', (repo) => execFileSync('mkfifo', [path.join(repo, 'pipe.yaml')]), 'pipe.yaml: not a regular file, not read'],
    ['a FIFO a kustomization lists', (repo) => {
      execFileSync('mkfifo', [path.join(repo, 'pipe')]);
      fs.writeFileSync(path.join(repo, 'kustomization.yaml'), 'resources: [pipe]\n');
    }, 'pipe: not a regular file, not read'],
    ['a FIFO as a generator file', (repo) => {
      execFileSync('mkfifo', [path.join(repo, 'pipe')]);
      fs.writeFileSync(path.join(repo, 'kustomization.yaml'), 'configMapGenerator: [{ name: c, files: [pipe] }]\n');
    }, 'pipe: not a regular file, not read'],
    ['/dev/zero listed', (repo) => fs.writeFileSync(path.join(repo, 'kustomization.yaml'), 'resources: [/dev/zero]\n'), 'resolves outside the checked directories'],
    ['a symlink to /dev/zero', (repo) => fs.symlinkSync('/dev/zero', path.join(repo, 'zero.yaml')), 'zero.yaml: resolves outside the checked directories'],
    ['/dev/zero as a patch', (repo) => fs.writeFileSync(path.join(repo, 'kustomization.yaml'), 'patches: [{ path: /dev/zero }]\n'), 'resolves outside the checked directories'],
    ['a file larger than the cap (sparse)', (repo) => {
      fs.writeFileSync(path.join(repo, 'huge.yaml'), '');
      fs.truncateSync(path.join(repo, 'huge.yaml'), MAX_FILE_BYTES + 1);
    }, `huge.yaml: larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB, not read`],
    ['a symlink loop of directories', (repo) => {
      fs.mkdirSync(path.join(repo, 'a'));
      fs.symlinkSync(path.join(repo, 'a'), path.join(repo, 'a', 'again'));
      fs.writeFileSync(path.join(repo, 'a', 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\n');
    }, '0 errors'],
  ];

  test.each(cases)('%s', (_name, setup, note) => {
    const a = area({});
    setup(a.repo);
    const r = check('check', a.repo);
    expect(r.code).toBeLessThan(2);
    expect(r.err).toContain(note);
    fs.rmSync(a.base, { recursive: true, force: true });
  }, 10_000);
});

describe('recursion is bounded, graphs are walked once per Kustomization', () => {
  const KS = (name: string, p: string): string => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: ${name}, namespace: flux-system }\nspec: { path: ${p}, sourceRef: { kind: GitRepository, name: flux-system } }\n`;
  const cases: Array<[string, () => Record<string, string>, string]> = [
    ['5,000 chained kustomizations', () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 5000; i++) files[`k${i}/kustomization.yaml`] = i < 4999 ? `resources: [../k${i + 1}]\n` : 'resources: [pod.yaml]\n';
      files['k4999/pod.yaml'] = 'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: x }\n';
      return files;
    }, `nested more than ${MAX_NESTING} levels deep`],
    ['5,000 chained components', () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 5000; i++) files[`c${i}/kustomization.yaml`] = `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${i < 4999 ? `components: [../c${i + 1}]\n` : ''}`;
      files['kustomization.yaml'] = 'components: [c0]\n';
      return files;
    }, `nested more than ${MAX_NESTING} levels deep`],
    ['2,000 chained Flux Kustomizations', () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 2000; i++) files[`f${i}/ks.yaml`] = KS(`f${i}`, `./f${i + 1}`);
      return files;
    }, '0 errors'],
    ['Flux Kustomizations fanning out 26 levels deep', () => {
      // Level i holds two Kustomizations, each applying level i+1: 2^26 paths, 52 Kustomizations.
      const files: Record<string, string> = {};
      for (let i = 0; i < 26; i++) {
        files[`l${i}/a.yaml`] = KS(`a${i}`, `./l${i + 1}`);
        files[`l${i}/b.yaml`] = KS(`b${i}`, `./l${i + 1}`);
      }
      files['l26/pod.yaml'] = 'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: x }\n';
      return files;
    }, '0 errors'],
    ['a document nested 20,000 levels deep', () => ({ 'deep.yaml': `${'['.repeat(20000)}${']'.repeat(20000)}\n` }), 'deep.yaml'],
    ['an alias inside the node it names, under a Flux substitution', () => ({
      'ks.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: apps, namespace: flux-system }\nspec: { path: ./apps, sourceRef: { kind: GitRepository, name: flux-system }, postBuild: { substitute: { X: "1" } } }\n`,
      'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: default }\ndata: &x\n  loop: *x\n',
    }), 'apps/cm.yaml: a document holds an alias inside the node it names (go-yaml refuses the loop), skipped'],
    ['an alias used 20 times at each of 10 levels (shared, no loop)', () => {
      const lines = ['l0: &l0 [x]'];
      for (let i = 1; i <= 10; i++) lines.push(`l${i}: &l${i} [${Array(20).fill(`*l${i - 1}`).join(', ')}]`);
      return { 'apps/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: default }\ndata:\n  shared:\n${lines.map((l) => `    ${l}`).join('\n')}\n` };
    }, '1 YAML file'],
    ['a patch nested 20,000 levels deep', () => ({ 'kustomization.yaml': 'resources: [pod.yaml]\npatches: [{ path: p.yaml, target: { kind: Pod } }]\n', 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\n', 'p.yaml': `spec: ${'{a: '.repeat(20000)}1${'}'.repeat(20000)}\n` }), 'errors'],
  ];

  test.each(cases)('%s: finishes, no stack overflow', (_name, files, note) => {
    const a = area(files());
    const r = check('check', a.repo);
    expect(r.code).toBeLessThan(2);
    expect(r.err).toContain(note);
    expect(r.err).not.toMatch(/RangeError|Maximum call stack/);
    fs.rmSync(a.base, { recursive: true, force: true });
  }, 60_000);

  test('1,000 nested directories are scanned without recursion', () => {
    const a = area({});
    let dir = a.repo;
    for (let i = 0; i < 1000; i++) dir = path.join(dir, 'd');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: x }\n');
    const r = check('check', a.repo);
    expect(r.err).toContain('in 1 YAML file (1 objects)');
    fs.rmSync(a.base, { recursive: true, force: true });
  }, 30_000);
});

describe('patch targets are matched in linear time (RE2, as kustomize\'s Go regexp)', () => {
  const evil = 'a'.repeat(5000) + 'c';
  test.each([
    ['(a+)+b', 'a×5000 c', evil, false],
    ['(a|a)*b', 'a×5000 c', evil, false],
    ['(a*)*b', 'a×5000 c', evil, false],
    ['(.*a){12}b', 'a×5000 c', evil, false],
    ['app-.*', 'app-home', 'app-home', true],
    ['app-.*', 'xapp-home (anchored, as kustomize anchors it)', 'xapp-home', false],
    ['home|media', 'media', 'media', true],
    ['(?=a)a', 'a (not RE2 syntax: compared as text)', 'a', false],
    ['(?=a)a', '(?=a)a', '(?=a)a', true],
    ['Deployment', 'Deployment (a literal, compared as text)', 'Deployment', true],
    ['Deployment', 'Deployments', 'Deployments', false],
    ['home-assistant', 'home-assistant', 'home-assistant', true],
    ['apps.v1', 'appsXv1 (a dot is a metacharacter)', 'appsXv1', true],
    ['kustomize.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io', true],
    ['a.b', 'a.bc (anchored: one character per dot)', 'a.bc', false],
  ])('%s against %s', (pattern, _label, value, expected) => {
    expect(matches(pattern, value)).toBe(expected);
  }, 5_000);

  test('a catastrophic pattern in a patch target does not hang the command', () => {
    const a = area({
      'kustomization.yaml': 'resources: [pod.yaml]\npatches:\n  - target: { kind: Pod, name: "(a+)+b" }\n    patch: |\n      - { op: add, path: /metadata/labels, value: { x: y } }\n',
      'pod.yaml': `apiVersion: v1\nkind: Pod\nmetadata: { name: ${'a'.repeat(60)}c, namespace: x }\n`,
    });
    expect(check('check', a.repo).code).toBe(0);
    fs.rmSync(a.base, { recursive: true, force: true });
  }, 5_000);
});

describe('remote references are named, never fetched', () => {
  test.each([
    ['github.com/k8snetworkplumbingwg/multus-cni/deployments?ref=v4.2.0'],
    ['https://raw.githubusercontent.com/k8snetworkplumbingwg/multus-cni/master/deployments/multus-daemonset-thick.yml'],
    ['git@github.com:example/repo.git//base'],
  ])('%s', (ref) => {
    const a = area({ 'kustomization.yaml': `resources: [${JSON.stringify(ref)}]\n` });
    const r = check('check', a.repo);
    expect(r.err).toContain(`note: kustomization.yaml: not checked: remote ${ref}`);
    fs.rmSync(a.base, { recursive: true, force: true });
  });
});

describe('nothing in the input forges a line or reaches the terminal raw', () => {
  // A Deployment whose networks annotation is misplaced (an error), with a hostile name.
  const deployment = (name: string): string => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${JSON.stringify(name)}\n  namespace: home\n  annotations:\n    k8s.v1.cni.cncf.io/networks: iot\nspec:\n  template:\n    spec:\n      containers: []\n`;
  const names: Array<[string, string]> = [
    ['a newline that forges a finding', 'd\nkubernetes/fake.yaml:1:1: error: chart-version-refused: forged'],
    ['raw escape sequences', 'd\u001b[2J\u001b]0;owned\u0007'],
    ['a carriage return', 'd\rfake'],
    ['Unicode line separators', 'd\u2028x\u2029y\u0085z'],
    ['a workflow command', 'd\n::error file=x::forged'],
  ];
  test.each(names)('%s', (_name, name) => {
    const a = area({ 'app.yaml': deployment(name) });
    // A file name with a newline and an ESC, that a note names (it is not YAML).
    fs.writeFileSync(path.join(a.repo, 'x\n\u001b[31mred.yaml'), ': : :\n\t- [');
    for (const format of FORMATS) {
      const r = check('check', '--format', format, a.repo);
      expect(r.code).toBe(1);
      // No control character reaches stdout or stderr but the line ends (and JSON's own indentation).
      // eslint-disable-next-line no-control-regex
      expect(`${r.out}${r.err}`).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
      const lines = r.out.trimEnd().split('\n');
      if (format === 'text') {
        expect(lines).toHaveLength(2);
        expect(lines[0]).toMatch(/^app\.yaml:7:5: error: annotation-misplaced: Deployment home\/d/);
        expect(lines[1]).toMatch(/^ {4}fix: /);
      }
      if (format === 'github') {
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^::error file=app\.yaml,line=7,col=5,title=cdk8s-multus annotation-misplaced::Deployment home\/d/);
      }
      if (format === 'json' || format === 'sarif') expect(JSON.stringify(JSON.parse(r.out))).toContain('Deployment home/d');
      for (const line of r.err.trimEnd().split('\n')) expect(line).toMatch(/^(note: |\d+ errors?, )/);
    }
    fs.rmSync(a.base, { recursive: true, force: true });
  }, 20_000);
});

describe('a generator file that is a URL is named, never fetched', () => {
  test('configMapGenerator files: [name=https://…]', () => {
    const a = area({ 'kustomization.yaml': 'configMapGenerator:\n  - name: dashboards\n    files: [cluster.json=https://example.com/dashboards/cluster.json]\n' });
    const r = check('check', a.repo);
    expect(r.err).toContain('note: kustomization.yaml: not checked: remote https://example.com/dashboards/cluster.json');
    fs.rmSync(a.base, { recursive: true, force: true });
  });
});
