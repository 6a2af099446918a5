// The package as a user gets it: `npm pack`, install the tarball with its peers into a fresh app,
// and run the rulebook's three surfaces from it. (Every TypeScript block of the README, and `init`
// as the README prints it, in readme.test.ts.)
// Slow (an npm install), so it runs with `npm run test:package` (in .ci/run), not in `npm test`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';

import { CLI, markedBlock, packedTarball, pkg, ROOT, run, TSC } from './tarball';

describe('the published package', () => {
  let work: string;
  let tarball: string;
  let packed: { files: Array<{ path: string }>; size: number; unpackedSize: number };

  beforeAll(() => {
    // The tarball the global setup packed (`npm pack` runs `prepack`, which compiles the library with jsii).
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-package-'));
    ({ tarball, packed } = packedTarball());
  }, 240_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('contents are deliberate: compiled library, types, jsii assembly, README; no tests or sources of examples', () => {
    const files = packed.files.map((f) => f.path).sort();
    console.log(`tarball ${path.basename(tarball)}: ${(packed.size / 1024).toFixed(0)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${files.length} files`);
    expect(files).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'API.md', '.jsii',
      'lib/src/index.js', 'lib/src/index.d.ts', 'lib/src/errors.d.ts',
      'lib/imports/helm.toolkit.fluxcd.io.js', 'lib/imports/k8s.cni.cncf.io.d.ts',
      'node_modules/yaml/package.json', 'lib/src/cli/main.js', 'lib/src/rules/rulebook.js',
      'node_modules/ipaddr.js/package.json', 'LICENSE', 'docs/rules.md',
    ]));
    const unwanted = files.filter((f) => /^(test|examples|bench|scripts|\.ci|src|imports)\//.test(f)
      || /^lib\/(test|examples|bench)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts') || f.endsWith('.snap'));
    expect(unwanted).toEqual([]);
  });

  /** The installed app (the tarball and the peers a user installs), made once for every block. */
  let app: string | undefined;
  function installedApp(): string {
    if (!app) {
      app = path.join(work, 'app');
      fs.mkdirSync(app);
      fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'readme-blocks', private: true, version: '0.0.0' }));
      const peers = ['cdk8s', 'constructs', 'cdk8s-plus-28'].map((p) => `${p}@${pkg.devDependencies[p]}`);
      run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...peers], app);
    }
    return app;
  }

  /** Compiles the README block after `<!-- name -->` exactly as printed, synthesizes it, and returns the manifests. */
  function compileAndSynth(name: string): any[] {
    const dir = path.join(installedApp(), name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'main.ts'), markedBlock(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), name));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2020', module: 'commonjs', strict: true, types: [], skipLibCheck: false, outDir: '.' },
      files: ['main.ts'],
    }));
    run(process.execPath, [TSC, '-p', '.'], dir);
    run(process.execPath, [CLI, 'synth', '--check-upgrade=false', '--app', 'node main.js', '--output', 'dist'], dir);
    return fs.readdirSync(path.join(dir, 'dist'), { recursive: true } as any)
      .map(String).filter((f) => f.endsWith('.yaml')).sort()
      .flatMap((f) => Yaml.load(path.join(dir, 'dist', f)) as any[]).filter(Boolean);
  }

  test('the rulebook at synth: a static address under the default RollingUpdate is refused', () => {
    // GIVEN the README's Deployment with a static address, without its Recreate strategy
    const app = installedApp();
    const broken = markedBlock(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), 'pod-annotation')
      .replace(/ {2}strategy: kplus\.DeploymentStrategy\.recreate\(\),.*\n/, '');
    expect(broken).not.toContain('recreate()');
    fs.mkdirSync(path.join(app, 'broken'));
    fs.writeFileSync(path.join(app, 'broken', 'main.ts'), broken);
    fs.writeFileSync(path.join(app, 'broken', 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2020', module: 'commonjs', strict: true, types: [], skipLibCheck: true, outDir: '.' },
      files: ['main.ts'],
    }));
    run(process.execPath, [TSC, '-p', 'broken'], app);
    // WHEN it is synthesized THEN the library's ValidationError names the rule
    const r = spawnSync(process.execPath, [CLI, 'synth', '--check-upgrade=false', '--app', 'node broken/main.js', '--output', 'dist-broken'], { cwd: app, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/ValidationError: static-ip-rollout: Deployment home-automation\/home-automation-mdns-browser-\w+: spec\.template\.metadata\.annotations/);
  }, 300_000);

  test('the validation plugin from the tarball: cdk8s.yaml validations: ./node_modules/cdk8s-multus', () => {
    // GIVEN a plain cdk8s app (no construct of the library) with a refused chart version
    const app = installedApp();
    const dir = path.join(app, 'plain');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'main.js'), [
      "const { App, Chart, ApiObject } = require('cdk8s');",
      'const app = new App();',
      "const chart = new Chart(app, 'multus', { namespace: 'kube-system' });",
      "new ApiObject(chart, 'release', { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'multus' }, spec: { interval: '30m', chart: { spec: { chart: 'multus', version: '6.0.2', sourceRef: { kind: 'HelmRepository', name: 'angelnu', namespace: 'flux-system' } } } } });",
      'app.synth();',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: node main.js\nvalidations:\n  - package: ./node_modules/cdk8s-multus\n    version: ${pkg.version}\n    class: MultusValidation\n`);
    fs.symlinkSync(path.join(app, 'node_modules'), path.join(dir, 'node_modules'));
    // WHEN cdk8s synth runs THEN the report fails on the finding and the CLI exits 2
    const r = spawnSync(process.execPath, [CLI, 'synth', '--check-upgrade=false'], { cwd: dir, encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status).toBe(2);
    expect(out).toContain('chart-version-refused (error)');
    expect(out).toContain('Construct Path: multus/release');
    expect(out).toContain('Validation failed');
  }, 300_000);

  test('npx cdk8s-multus check from the tarball: findings, exit status, JSON', () => {
    // GIVEN a hand-written NAD applied together with the chart, and the output of a README block
    const app = installedApp();
    const repo = path.join(app, 'repo');
    fs.mkdirSync(path.join(repo, 'multus'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'multus', 'ks.yaml'), 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: multus\n  namespace: flux-system\nspec:\n  path: ./multus/app\n  targetNamespace: kube-system\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n');
    fs.mkdirSync(path.join(repo, 'multus', 'app'));
    fs.writeFileSync(path.join(repo, 'multus', 'app', 'all.yaml'), 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: multus\nspec:\n  chart:\n    spec:\n      chart: multus\n      version: 7.0.0\n      sourceRef:\n        kind: HelmRepository\n        name: angelnu\n  values:\n    defaultPodOptions:\n      automountServiceAccountToken: true\n    global:\n      createDefaultServiceAccount: false\n    controllers:\n      multus:\n        containers:\n          multus:\n            image:\n              tag: v4.3.0-thick\n---\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: iot\nspec:\n  config: \'{"cniVersion":"0.3.1","name":"iot","type":"macvlan","capabilities":{"ips":true},"ipam":{"type":"static"}}\'\n');
    const npx = (args: string[]) => spawnSync('npx', ['--no-install', 'cdk8s-multus', ...args], { cwd: app, encoding: 'utf8' });
    // WHEN / THEN the text form names the finding and exits 1
    const text = npx(['check', 'repo']);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/^multus\/app\/all\.yaml:\d+:\d+: error: nad-same-kustomization: NetworkAttachmentDefinition kube-system\/iot: /);
    // the JSON form, one object per finding
    const json = npx(['check', '--format', 'json', 'repo']);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ rule: 'nad-same-kustomization', level: 'error', file: 'multus/app/all.yaml', kind: 'NetworkAttachmentDefinition', namespace: 'kube-system', name: 'iot' })]);
    // the README block's output is clean, and unreadable input exits 2
    compileAndSynth('pod-annotation');
    expect(npx(['check', 'pod-annotation/dist']).status).toBe(0);
    expect(npx(['check', 'no-such-directory']).status).toBe(2);
  }, 300_000);
});
