// The package as a user gets it: `npm pack`, install the tarball with its peers into a fresh app,
// compile the README's quick start exactly as printed there, run `cdk8s synth`, check the output.
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

/** The first ```ts block after the `<!-- quick-start -->` marker of the README. */
export function quickStart(readme: string): string {
  const marker = readme.indexOf('<!-- quick-start -->');
  if (marker < 0) throw new Error('README.md has no <!-- quick-start --> marker');
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (!match) throw new Error('no ```ts block after the quick-start marker');
  return match[1];
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

  test('the README quick start compiles against the installed package and synthesizes', () => {
    // GIVEN a fresh app with the tarball and the peers a user installs
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'quick-start', private: true, version: '0.0.0' }));
    const peers = ['cdk8s', 'constructs', 'cdk8s-plus-28'].map((p) => `${p}@${pkg.devDependencies[p]}`);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...peers], app);

    // WHEN the quick start, exactly as the README prints it, is compiled and synthesized
    fs.writeFileSync(path.join(app, 'main.ts'), quickStart(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')));
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2020', module: 'commonjs', strict: true, types: [], skipLibCheck: false, outDir: '.' },
      files: ['main.ts'],
    }));
    run(process.execPath, [TSC, '-p', '.'], app);
    run(process.execPath, [CLI, 'synth', '--check-upgrade=false', '--app', 'node main.js', '--output', 'dist'], app);

    // THEN the output holds the Flux install, the network and the annotated pod template
    const docs = fs.readdirSync(path.join(app, 'dist'), { recursive: true } as any)
      .map(String).filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => Yaml.load(path.join(app, 'dist', f)) as any[]).filter(Boolean);
    const kinds = docs.map((d) => d.kind);
    expect(kinds).toEqual(expect.arrayContaining(['HelmRepository', 'HelmRelease', 'NetworkAttachmentDefinition', 'Deployment']));
    const deployment = docs.find((d) => d.kind === 'Deployment');
    expect(deployment.metadata.annotations?.['k8s.v1.cni.cncf.io/networks']).toBeUndefined();
    expect(JSON.parse(deployment.spec.template.metadata.annotations['k8s.v1.cni.cncf.io/networks'])).toEqual([
      expect.objectContaining({ name: 'iot', namespace: 'kube-system' }),
    ]);
  }, 300_000);
});
