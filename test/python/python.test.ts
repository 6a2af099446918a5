// The Python package as a Python user gets it: the wheel `npm run package` leaves in dist/python/,
// installed with pip into a fresh virtual environment beside the jsii runtime and the Python cdk8s,
// constructs and cdk8s-plus-28 of the versions the TypeScript side builds against. Two programs run
// in both languages and must write byte-identical files:
// - the Home Assistant setup, test/python/app/main.py, and its twin test/python/app/main.ts;
// - the README's quick start: its ```python block (<!-- python-quick-start -->) and its ```ts block
//   (<!-- quick-start -->), exactly as printed.
// The TypeScript side runs on the JavaScript package inside the wheel (the one the jsii kernel loads
// in Python), so any difference is the Python binding's. A refusal reaches Python with the message
// TypeScript gets, and the rulebook still checks the app at synth.
// Slow (a pip install from the package index), so it runs with `npm run test:python`, after
// `npm run package` (in .ci/run), not in `npm test`.
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const WHEELS = path.join(ROOT, 'dist', 'python');

/**
 * The Python packages installed beside the wheel, pinned to what the TypeScript side uses: the
 * peers' npm versions (published to the package index under the same numbers) and the jsii
 * runtime of the jsii-pacmak that generated the bindings.
 */
const PYTHON_PACKAGES = [
  `jsii==${pkg.devDependencies['jsii-pacmak']}`,
  ...['cdk8s', 'constructs', 'cdk8s-plus-28'].map((p) => `${p}==${pkg.devDependencies[p]}`),
];

/** The first fenced block of `lang` after the `<!-- name -->` marker of the README. */
function readmeBlock(name: string, lang: 'ts' | 'python'): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const marker = readme.indexOf(`<!-- ${name} -->`);
  if (marker < 0) throw new Error(`README.md has no <!-- ${name} --> marker`);
  const match = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(readme.slice(marker));
  if (!match) throw new Error(`no \`\`\`${lang} block after the ${name} marker of README.md`);
  return match[1];
}

/** Why python3 cannot make a virtual environment with pip here, or undefined when it can. */
function pythonMissing(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
  if (r.error) return `python3 not found (${r.error.message})`;
  if (r.status !== 0) return `python3 cannot make a virtual environment with pip (${r.stderr.trim().split('\n').pop()})`;
  return undefined;
}

/** The environment both languages synthesize in: no outdir from outside, no end-of-life banner of the jsii kernel. */
function synthEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0], ...extra };
  delete env.CDK8S_OUTDIR;
  return env;
}

function run(cmd: string, args: string[], cwd: string, timeout = 300_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: synthEnv(), timeout });
  if (r.error || r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${r.error?.message ?? `exit ${r.status}`}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/** Every file under `dir`, relative, in one order. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map(String)
    .filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Holds the files under `py` byte-identical to those under `ts`. Prints the file list with sizes and
 * hashes; on a difference, prints both versions of every differing file in full.
 */
function expectIdentical(title: string, ts: string, py: string): string[] {
  const tsFiles = filesUnder(ts);
  const pyFiles = filesUnder(py);
  const lines = [`${title}: ${tsFiles.length} files from TypeScript, ${pyFiles.length} from Python`];
  const differing: string[] = [];
  for (const f of [...new Set([...tsFiles, ...pyFiles])].sort()) {
    const a = tsFiles.includes(f) ? fs.readFileSync(path.join(ts, f)) : undefined;
    const b = pyFiles.includes(f) ? fs.readFileSync(path.join(py, f)) : undefined;
    const same = a !== undefined && b !== undefined && a.equals(b);
    if (!same) differing.push(f);
    lines.push(`  ${same ? 'identical' : 'DIFFERENT'}  ${f}  ${a ? `${a.length} B sha256 ${sha256(a)}` : 'missing'} (TypeScript)  ${b ? `${b.length} B sha256 ${sha256(b)}` : 'missing'} (Python)`);
  }
  console.log(lines.join('\n'));
  for (const f of differing) {
    const show = (dir: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : '(no such file)');
    console.log(`${f} from TypeScript:\n${show(ts)}\n${f} from Python:\n${show(py)}`);
  }
  expect(pyFiles).toEqual(tsFiles);
  for (const f of tsFiles) {
    expect(`${f}:\n${fs.readFileSync(path.join(py, f), 'utf8')}`).toBe(`${f}:\n${fs.readFileSync(path.join(ts, f), 'utf8')}`);
  }
  return tsFiles;
}

/** The manifests of every YAML file under `dir`, parsed. */
function manifests(dir: string): any[] {
  return filesUnder(dir).filter((f) => f.endsWith('.yaml')).flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS()));
}

const missing = pythonMissing();
const describePython = missing && !process.env.CI ? describe.skip : describe;
if (missing) {
  process.stderr.write(`${process.env.CI ? 'FAILING' : 'SKIPPED'} the Python package test: ${missing}. Install python3 with its venv and pip modules (Debian: apt-get install python3-venv python3-pip).\n`);
}

describePython(`the Python package${missing && !process.env.CI ? ` (skipped: ${missing})` : ''}`, () => {
  let work: string;
  let python: string;
  let tsApp: string;
  let wheel: string;

  beforeAll(() => {
    if (missing) throw new Error(`python3 is needed here and CI must have it: ${missing}`);
    const wheels = fs.existsSync(WHEELS) ? fs.readdirSync(WHEELS).filter((f) => f.endsWith('.whl')) : [];
    if (wheels.length !== 1) {
      throw new Error(`expected one wheel in dist/python/, found ${wheels.length === 0 ? 'none' : wheels.join(', ')}: run npm run package first`);
    }
    wheel = path.join(WHEELS, wheels[0]);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-python-'));

    // The JavaScript package the wheel carries (what the jsii kernel loads), unpacked as the
    // TypeScript app's cdk8s-multus; the peers are the repository's own.
    const unzipped = path.join(work, 'wheel');
    run('python3', ['-m', 'zipfile', '-e', wheel, unzipped], work);
    const jsiiDir = path.join(unzipped, pkg.name.replace(/-/g, '_'), '_jsii');
    const tarballs = fs.readdirSync(jsiiDir).filter((f) => f.endsWith('.jsii.tgz'));
    expect(tarballs).toEqual([`${pkg.name}@${pkg.version}.jsii.tgz`]);
    tsApp = path.join(work, 'ts');
    const modules = path.join(tsApp, 'node_modules');
    fs.mkdirSync(path.join(modules, pkg.name), { recursive: true });
    run('tar', ['xzf', path.join(jsiiDir, tarballs[0]), '-C', path.join(modules, pkg.name), '--strip-components=1'], work);
    for (const peer of ['cdk8s', 'constructs', 'cdk8s-plus-28']) fs.symlinkSync(path.join(ROOT, 'node_modules', peer), path.join(modules, peer));

    // A wheel built from another compile than the last `npm run jsii` would test old code.
    const assembly = path.join(ROOT, '.jsii');
    if (fs.existsSync(assembly)) {
      const inWheel = JSON.parse(fs.readFileSync(path.join(modules, pkg.name, '.jsii'), 'utf8')).fingerprint;
      const compiled = JSON.parse(fs.readFileSync(assembly, 'utf8')).fingerprint;
      if (inWheel !== compiled) throw new Error(`${path.relative(ROOT, wheel)} holds another assembly than .jsii (fingerprint ${inWheel}, not ${compiled}): run npm run package`);
    }

    // A fresh virtual environment with the wheel and the pinned Python packages, from the package index.
    const venv = path.join(work, 'venv');
    run('python3', ['-m', 'venv', venv], work);
    python = path.join(venv, 'bin', 'python');
    run(python, ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', '--quiet', wheel, ...PYTHON_PACKAGES], work, 600_000);
    const freeze = run(python, ['-m', 'pip', 'freeze', '--disable-pip-version-check'], work).stdout;
    console.log(`${path.relative(ROOT, wheel)} installed with pip into a fresh virtual environment:\n${freeze.trim().split('\n').filter((l) => /^(cdk8s|constructs|jsii)/i.test(l)).map((l) => `  ${l}`).join('\n')}`);
  }, 900_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** Compiles `source` (strict) against the unpacked package, runs it, and returns the directory it synthesized into. */
  function synthTypeScript(name: string, source: string): string {
    const dir = path.join(tsApp, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'main.ts'), source);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2020', module: 'commonjs', strict: true, types: [], skipLibCheck: false, outDir: '.' },
      files: ['main.ts'],
    }));
    run(process.execPath, [TSC, '-p', '.'], dir);
    run(process.execPath, ['main.js'], dir);
    return path.join(dir, 'dist');
  }

  /** Runs `source` with the virtual environment's Python and returns the directory it synthesized into. */
  function synthPython(name: string, source: string): string {
    const dir = path.join(work, 'py', name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'main.py'), source);
    run(python, ['main.py'], dir);
    return path.join(dir, 'dist');
  }

  test('the Home Assistant setup in Python writes exactly what its TypeScript twin writes', () => {
    // GIVEN the same program in both languages (test/python/app/main.ts and main.py)
    const app = path.join(__dirname, 'app');
    // WHEN each is synthesized
    const ts = synthTypeScript('home-assistant', fs.readFileSync(path.join(app, 'main.ts'), 'utf8'));
    const py = synthPython('home-assistant', fs.readFileSync(path.join(app, 'main.py'), 'utf8'));

    // THEN the same files, byte for byte
    expect(expectIdentical('Home Assistant setup', ts, py)).toEqual(['home-automation.k8s.yaml', 'multus.k8s.yaml']);
    // and they hold the setup: Multus, the network, both releases on it with their addresses
    const docs = manifests(py);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual([
      'HelmRelease/esphome', 'HelmRelease/home-assistant', 'HelmRelease/multus', 'HelmRepository/angelnu',
      'NetworkAttachmentDefinition/iot', 'OCIRepository/app-template',
    ]);
    const multus = docs.find((d) => d.kind === 'HelmRelease' && d.metadata.name === 'multus');
    expect(JSON.stringify(multus.spec.values)).toContain('"memory":"512Mi"');
    const ha = docs.find((d) => d.kind === 'HelmRelease' && d.metadata.name === 'home-assistant');
    expect(JSON.parse(ha.spec.values.controllers['home-assistant'].pod.annotations['k8s.v1.cni.cncf.io/networks'])).toEqual([
      { name: 'iot', namespace: 'kube-system', ips: ['192.168.20.100/24'], mac: '02:42:c0:a8:14:64' },
    ]);
  }, 300_000);

  test('the README\'s Python quick start writes exactly what its TypeScript quick start writes', () => {
    // GIVEN the README's two quick starts, exactly as printed
    // WHEN each is synthesized
    const ts = synthTypeScript('quick-start', readmeBlock('quick-start', 'ts'));
    const py = synthPython('quick-start', readmeBlock('python-quick-start', 'python'));

    // THEN the same files, byte for byte: the Flux tree, with both releases on the network
    const files = expectIdentical('README quick start', ts, py);
    expect(files).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes\/main\/apps\/kube-system\/multus\//)]));
    const docs = manifests(py);
    expect(docs.filter((d) => d?.kind === 'NetworkAttachmentDefinition').map((d) => `${d.metadata.namespace}/${d.metadata.name}`)).toEqual(['kube-system/iot']);
    const ha = docs.find((d) => d?.kind === 'HelmRelease' && d.metadata.name === 'home-assistant');
    expect(JSON.parse(ha.spec.values.controllers['home-assistant'].pod.annotations['k8s.v1.cni.cncf.io/networks'])).toEqual([
      { name: 'iot', namespace: 'kube-system', ips: ['192.168.20.100/24'] },
    ]);
  }, 300_000);

  test('the rulebook runs at synth in Python too: a static address under RollingUpdate is refused and nothing is written', () => {
    // GIVEN a Deployment with a static address on the network and the default RollingUpdate strategy
    const dir = path.join(work, 'py', 'rollout');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'main.py'), [
      'from cdk8s import App, Chart',
      'import cdk8s_plus_28 as kplus',
      'from cdk8s_multus import IotNetwork, MultusPodAnnotation, NetworkSelection',
      'app = App()',
      'iot = IotNetwork(Chart(app, "multus", namespace="kube-system"), "iot", subnet="192.168.20.0/24")',
      'apps = Chart(app, "home-automation", namespace="home-automation")',
      'esphome = kplus.Deployment(apps, "esphome", replicas=1, containers=[kplus.ContainerProps(image="ghcr.io/esphome/esphome:2025.11.2",',
      '    port_number=6052, security_context=kplus.ContainerSecurityContextProps(ensure_non_root=False))])',
      'MultusPodAnnotation(apps, "esphome-iot", networks=[NetworkSelection(network=iot, ips=["192.168.20.101"])]).apply_to(esphome)',
      'app.synth()',
    ].join('\n'));

    // WHEN it is synthesized
    const r = spawnSync(python, ['main.py'], { cwd: dir, encoding: 'utf8', env: synthEnv(), timeout: 120_000 });

    // THEN the library's rule refuses it, as in TypeScript, and no file is written
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/RuntimeError: ValidationError: static-ip-rollout: Deployment home-automation\/home-automation-esphome-\w+: spec\.template\.metadata\.annotations/);
    expect(filesUnder(path.join(dir, 'dist'))).toEqual([]);
  }, 300_000);

  test('a refused subnet raises in Python with the message TypeScript gets: the field and the value', () => {
    // GIVEN a subnet with host bits set, in both languages
    const subnet = '192.168.20.5/24';
    const dir = path.join(work, 'refusal');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'refusal.py'), [
      'import json',
      'from cdk8s import App, Chart',
      'from cdk8s_multus import IotNetwork',
      'try:',
      `    IotNetwork(Chart(App(), "multus", namespace="kube-system"), "iot", subnet=${JSON.stringify(subnet)})`,
      'except Exception as e:',
      '    print(json.dumps({"type": type(e).__name__, "message": str(e), "cause": str(e.__cause__).strip().splitlines()[0]}))',
      'else:',
      '    print(json.dumps(None))',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'refusal.js'), [
      "const { App, Chart } = require('cdk8s');",
      `const { IotNetwork } = require(${JSON.stringify(path.join(tsApp, 'node_modules', pkg.name))});`,
      'try {',
      `  new IotNetwork(new Chart(new App(), 'multus', { namespace: 'kube-system' }), 'iot', { subnet: ${JSON.stringify(subnet)} });`,
      '  console.log(JSON.stringify(null));',
      '} catch (e) {',
      '  console.log(JSON.stringify({ name: e.name, message: e.message }));',
      '}',
    ].join('\n'));
    fs.symlinkSync(path.join(tsApp, 'node_modules'), path.join(dir, 'node_modules'));

    // WHEN each constructs the network
    const py = JSON.parse(run(python, ['refusal.py'], dir).stdout);
    const ts = JSON.parse(run(process.execPath, ['refusal.js'], dir).stdout);
    console.log(`refused subnet in TypeScript: ${ts?.name}: ${ts?.message}\nrefused subnet in Python: ${py?.type}: ${py?.message}`);

    // THEN TypeScript throws the library's ValidationError naming the field and the value
    expect(ts).toEqual({ name: 'ValidationError', message: expect.stringContaining(`subnet: "${subnet}" is not valid`) });
    // and Python raises jsii's RuntimeError with that very message, the JavaScript error as its cause
    expect(py).toEqual({ type: 'RuntimeError', message: ts.message, cause: `ValidationError: ${ts.message}` });
  }, 300_000);
});
