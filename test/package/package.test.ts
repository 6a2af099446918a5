// The package as a user gets it: `npm pack`, install the tarball with its peers into a fresh app,
// compile the README's marked code blocks (the quick start, Home Assistant and ESPHome) exactly as
// printed there, run `cdk8s synth` on each, check the output.
// Slow (an npm install), so it runs with `npm run test:package` (in .ci/run), not in `npm test`.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

/** The first ```ts block after the `<!-- <name> -->` marker of the README. */
export function markedBlock(readme: string, name: string): string {
  const marker = readme.indexOf(`<!-- ${name} -->`);
  if (marker < 0) throw new Error(`README.md has no <!-- ${name} --> marker`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (!match) throw new Error(`no \`\`\`ts block after the ${name} marker`);
  return match[1];
}

/** The first ```ts block after the `<!-- quick-start -->` marker of the README. */
export function quickStart(readme: string): string {
  return markedBlock(readme, 'quick-start');
}

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
}

describe('the published package', () => {
  let work: string;
  let tarball: string;
  let packed: { files: Array<{ path: string }>; size: number; unpackedSize: number };

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-package-'));
    // `npm pack` runs `prepack`, which compiles the library with jsii.
    const out = run('npm', ['pack', '--json', '--pack-destination', work], ROOT);
    packed = JSON.parse(out.slice(out.indexOf('[')))[0];
    tarball = path.join(work, (packed as any).filename);
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
      'node_modules/ipaddr.js/package.json',
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

  test('the README quick start compiles against the installed package and synthesizes', () => {
    // GIVEN a fresh app with the tarball and the peers a user installs
    // WHEN the quick start, exactly as the README prints it, is compiled and synthesized
    const docs = compileAndSynth('quick-start');

    // THEN the output holds the Flux install, the network and the annotated pod template
    const kinds = docs.map((d) => d.kind);
    expect(kinds).toEqual(expect.arrayContaining(['HelmRepository', 'HelmRelease', 'NetworkAttachmentDefinition', 'Deployment']));
    const deployment = docs.find((d) => d.kind === 'Deployment');
    expect(deployment.metadata.annotations?.['k8s.v1.cni.cncf.io/networks']).toBeUndefined();
    expect(JSON.parse(deployment.spec.template.metadata.annotations['k8s.v1.cni.cncf.io/networks'])).toEqual([
      expect.objectContaining({ name: 'iot', namespace: 'kube-system' }),
    ]);
  }, 300_000);

  test('the README\'s Home Assistant and ESPHome compile against the installed package and synthesize', () => {
    // GIVEN the same app WHEN the Home Assistant block, exactly as printed, is compiled and synthesized
    const docs = compileAndSynth('home-assistant');

    // THEN one shared OCIRepository, two app-template releases on the network, one pod each
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual([
      'HelmRelease/esphome', 'HelmRelease/home-assistant', 'NetworkAttachmentDefinition/iot', 'OCIRepository/app-template',
    ]);
    for (const release of docs.filter((d) => d.kind === 'HelmRelease')) {
      expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'app-template', namespace: 'flux-system' });
      const controller = release.spec.values.controllers[release.metadata.name];
      expect(controller).toMatchObject({ replicas: 1, strategy: 'Recreate' });
      expect(controller.annotations).toBeUndefined();
      expect(JSON.parse(controller.pod.annotations['k8s.v1.cni.cncf.io/networks'])).toEqual([
        expect.objectContaining({ name: 'iot', namespace: 'kube-system', ips: [expect.stringMatching(/^192\.168\.20\.10[01]\/24$/)] }),
      ]);
    }
  }, 300_000);
});
