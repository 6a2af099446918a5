// The README as a user follows it, against the packed tarball: every TypeScript block compiled
// exactly as printed (strict, against the package's own types) and synthesized with cdk8s, and the
// commands of "A new app" (npx ... cdk8s-multus init, npm install <tarball>, npx cdk8s synth) run
// as printed, with the tarball's path for the one in the README.
// Slow (npm pack, npm install), so it runs with `npm run test:package` (in .ci/run), not in `npm test`.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { parseDocument } from 'yaml';
import { packedTarball } from './tarball';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const ENV = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

/** Every ```ts block of the README, named by the `<!-- name -->` marker right above it, else by its position. */
function tsBlocks(readme: string): Array<{ name: string; code: string }> {
  const blocks: Array<{ name: string; code: string }> = [];
  const re = /(?:<!-- ([\w-]+) -->\n)?```ts\n([\s\S]*?)```/g;
  for (let m = re.exec(readme); m; m = re.exec(readme)) {
    blocks.push({ name: m[1] ?? `block-${blocks.length + 1}`, code: m[2] });
  }
  return blocks;
}

/** The commands of the first ```sh block after `heading`, comments removed. */
function shellCommands(readme: string, heading: string): string[] {
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README.md has no ${heading}`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`no sh block after ${heading}`);
  return block[1].split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
}

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: ENV });
}

const blocks = tsBlocks(README);

describe('the README, followed against the packed package', () => {
  let work: string;
  let tarball: string;
  let app: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-readme-'));
    // The tarball the global setup packed (`npm pack` runs `prepack`, which compiles the library with jsii).
    tarball = packedTarball().tarball;
    app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'readme-blocks', private: true, version: '0.0.0' }));
    const peers = ['cdk8s', 'constructs', 'cdk8s-plus-28'].map((p) => `${p}@${pkg.devDependencies[p]}`);
    run('npm', ['install', '--prefer-offline', tarball, ...peers], app);
  }, 600_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('the README has its TypeScript blocks, the quick start first', () => {
    expect(blocks.map((b) => b.name)).toEqual(['quick-start', 'multus-install', 'iot-network', 'pod-annotation', 'home-assistant']);
  });

  /** Compiles a block exactly as printed, runs `cdk8s synth` on it, and returns the manifests of its output. */
  function compileAndSynth(name: string, code: string): { dir: string; files: string[]; docs: any[] } {
    const dir = path.join(app, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'main.ts'), code);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2020', module: 'commonjs', strict: true, types: [], skipLibCheck: false, outDir: '.' },
      files: ['main.ts'],
    }));
    run(process.execPath, [TSC, '-p', '.'], dir);
    run(process.execPath, [CLI, 'synth', '--check-upgrade=false', '--app', 'node main.js', '--output', 'dist'], dir);
    const files = fs.readdirSync(path.join(dir, 'dist'), { recursive: true } as any).map(String).filter((f) => f.endsWith('.yaml')).sort();
    return { dir, files, docs: files.flatMap((f) => Yaml.load(path.join(dir, 'dist', f)) as any[]).filter(Boolean) };
  }

  test.each(blocks.map((b) => [b.name, b.code]))('README block %s compiles as printed and synthesizes', (name, code) => {
    const { files, docs } = compileAndSynth(name, code);
    expect(docs.length).toBeGreaterThan(0);

    if (name === 'quick-start') {
      // the block is the main.ts that init writes, and its tree holds each part of the plan
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the installed package's compiled module, found at run time
      const { INIT_MAIN_TS } = require(path.join(app, 'node_modules', 'cdk8s-multus', 'lib', 'src', 'cli', 'init.js'));
      expect(code).toBe(INIT_MAIN_TS);
      expect(files).toEqual(expect.arrayContaining([
        'kubernetes/main/apps/kube-system/multus/ks.yaml',
        'kubernetes/main/apps/kube-system/multus/networks/network-attachment-definition.yaml',
        'kubernetes/main/apps/home-automation/home-assistant/app/helmrelease.yaml',
        'kubernetes/main/apps/home-automation/esphome/app/helmrelease.yaml',
        'kubernetes/main/apps/default/multus-test/app/pod.yaml',
        'kubernetes/main/flux/repositories/oci/app-template.yaml',
      ]));
      const releases = docs.filter((d) => d.kind === 'HelmRelease' && d.spec.chartRef);
      expect(releases.map((r) => r.metadata.name).sort()).toEqual(['esphome', 'home-assistant']);
      for (const r of releases) {
        expect(r.spec.values.controllers[r.metadata.name]).toMatchObject({ replicas: 1, strategy: 'Recreate' });
        expect(JSON.parse(r.spec.values.controllers[r.metadata.name].pod.annotations['k8s.v1.cni.cncf.io/networks'])).toEqual([
          expect.objectContaining({ name: 'iot', namespace: 'kube-system' }),
        ]);
      }
    }
    if (name === 'home-assistant') {
      // one shared OCIRepository, two app-template releases on the network, one pod each
      expect(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual([
        'HelmRelease/esphome', 'HelmRelease/home-assistant', 'NetworkAttachmentDefinition/iot', 'OCIRepository/app-template',
      ]);
      for (const release of docs.filter((d) => d.kind === 'HelmRelease')) {
        expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'app-template', namespace: 'flux-system' });
        const controller = release.spec.values.controllers[release.metadata.name];
        expect(controller).toMatchObject({ replicas: 1, strategy: 'Recreate' });
        expect(controller.annotations).toBeUndefined();
      }
    }
    if (name === 'pod-annotation') {
      // the annotation on the pod template, never on the Deployment
      const deployment = docs.find((d) => d.kind === 'Deployment');
      expect(deployment.metadata.annotations?.['k8s.v1.cni.cncf.io/networks']).toBeUndefined();
      expect(JSON.parse(deployment.spec.template.metadata.annotations['k8s.v1.cni.cncf.io/networks'])).toEqual([
        expect.objectContaining({ name: 'iot', namespace: 'kube-system', ips: ['192.168.20.102/24'], mac: '02:42:c0:a8:14:66' }),
      ]);
    }
    if (name === 'multus-install') {
      expect(docs.map((d) => d.kind).sort()).toEqual(['HelmRelease', 'HelmRepository']);
    }
    if (name === 'iot-network') {
      expect(docs.map((d) => `${d.kind}/${d.metadata.namespace}/${d.metadata.name}`)).toEqual(['NetworkAttachmentDefinition/kube-system/iot']);
    }
  }, 300_000);

  test('"A new app", as printed: npx ... cdk8s-multus init, npm install <tarball>, npx cdk8s synth writes the tree', () => {
    // GIVEN the commands of the README, with the tarball built here for the one it names
    const named = `cdk8s-multus-${pkg.version}.tgz`;
    const commands = shellCommands(README, '## A new app');
    expect(commands).toEqual([
      `npx --yes --package ./cdk8s-multus/${named} cdk8s-multus init my-cluster`,
      'cd my-cluster',
      `npm install ../cdk8s-multus/${named}`,
      'npx cdk8s synth',
    ]);
    const script = commands.map((c) => c.replace(/\.{1,2}\/cdk8s-multus\/cdk8s-multus-[\d.]+\.tgz/, tarball)).join(' && ');
    // WHEN they run in an empty directory
    const home = path.join(work, 'user');
    fs.mkdirSync(home);
    const r = spawnSync('bash', ['-c', script], { cwd: home, encoding: 'utf8', env: ENV, timeout: 600_000 });
    if (r.status !== 0) throw new Error(`${script}\nexit ${r.status}\n${r.stdout}\n${r.stderr}`);
    // THEN the app names the library and its peers, and dist/ holds the Flux tree
    const myApp = path.join(home, 'my-cluster');
    const appPkg = JSON.parse(fs.readFileSync(path.join(myApp, 'package.json'), 'utf8'));
    expect(Object.keys(appPkg.dependencies).sort()).toEqual(['cdk8s', 'cdk8s-multus', 'cdk8s-plus-28', 'constructs']);
    expect(parseDocument(fs.readFileSync(path.join(myApp, 'cdk8s.yaml'), 'utf8')).toJS().output).toBe('dist');
    const tree = path.join(myApp, 'dist', 'kubernetes', 'main');
    for (const f of ['apps/kube-system/multus/ks.yaml', 'apps/home-automation/home-assistant/app/helmrelease.yaml', 'flux/repositories/helm/angelnu.yaml']) {
      expect(fs.existsSync(path.join(tree, f))).toBe(true);
    }
    // AND the installed command merges that tree into a repository (here an empty one)
    const repo = path.join(home, 'home-ops', 'kubernetes', 'main');
    fs.mkdirSync(repo, { recursive: true });
    const merge = spawnSync('npx', ['--no-install', 'cdk8s-multus', 'merge', 'dist/kubernetes/main', repo], { cwd: myApp, encoding: 'utf8', env: ENV });
    expect(merge.status).toBe(0);
    expect(merge.stdout).toMatch(/^wrote +apps\/kube-system\/multus\/ks\.yaml: new$/m);
    expect(fs.existsSync(path.join(repo, 'apps/kube-system/multus/ks.yaml'))).toBe(true);
  }, 900_000);
});
