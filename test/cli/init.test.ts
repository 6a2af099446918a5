// `cdk8s-multus init [dir]`: the files of a new app, and its main.ts synthesized against the
// library's sources. (Through the packed tarball, with npm install and cdk8s synth, in
// test/package/readme.test.ts.)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { transformSync } from '@swc/core';
import * as cdk8s from 'cdk8s';
import { parseDocument } from 'yaml';
import * as library from '../../src';
import { INIT_MAIN_TS, initFiles, runInit } from '../../src/cli/init';
import { TREE_FILE_MARK } from '../../src/util/file-mark';
import { listFiles } from '../helpers';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

function init(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const status = runInit(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
    return { status, out, err };
  } finally {
    process.chdir(before);
  }
}

describe('cdk8s-multus init', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-init-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  test('writes main.ts, cdk8s.yaml, tsconfig.json, package.json and .gitignore into a new directory', () => {
    const r = init(['myapp'], work);
    expect(r.status).toBe(0);
    expect(listFiles(path.join(work, 'myapp'))).toEqual(['.gitignore', 'cdk8s.yaml', 'main.ts', 'package.json', 'tsconfig.json']);
    expect(r.out).toContain('npx cdk8s synth');
    expect(r.out).toContain('npx cdk8s-multus merge dist/kubernetes/main');
  });

  test('package.json names the library, its peers at the ranges it declares, cdk8s-cli and TypeScript', () => {
    const app = JSON.parse(initFiles('myapp')['package.json']);
    expect(app.name).toBe('myapp');
    expect(app.dependencies).toEqual({
      'cdk8s-multus': `^${pkg.version}`,
      'cdk8s': pkg.peerDependencies.cdk8s,
      'constructs': pkg.peerDependencies.constructs,
      'cdk8s-plus-28': pkg.peerDependencies['cdk8s-plus-28'],
    });
    expect(app.devDependencies).toEqual({ 'cdk8s-cli': pkg.devDependencies['cdk8s-cli'], 'typescript': '~5.9.0' });
  });

  test('cdk8s.yaml compiles and runs main.ts, writes to dist/ and warns never to point output at a repository', () => {
    const text = initFiles('myapp')['cdk8s.yaml'];
    expect(parseDocument(text).toJS()).toEqual({ language: 'typescript', app: 'npx tsc && node lib/main.js', output: 'dist' });
    expect(text).toMatch(/^# .*deletes `output` before it writes: never point it at your repository\.$/m);
    expect(JSON.parse(initFiles('myapp')['tsconfig.json']).compilerOptions).toMatchObject({ strict: true, outDir: 'lib' });
  });

  test('refuses a directory that is not empty, and writes nothing into it', () => {
    fs.mkdirSync(path.join(work, 'mine'));
    fs.writeFileSync(path.join(work, 'mine', 'notes.txt'), 'mine');
    const r = init(['mine'], work);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/mine is not empty \(notes\.txt\); give a new or empty directory, nothing was written/);
    expect(listFiles(path.join(work, 'mine'))).toEqual(['notes.txt']);
    // the current directory, when it is not empty, too
    expect(init([], path.join(work, 'mine')).status).toBe(1);
  });

  test('an empty directory is fine; a second init into it is refused', () => {
    fs.mkdirSync(path.join(work, 'empty'));
    expect(init([], path.join(work, 'empty')).status).toBe(0);
    expect(init([], path.join(work, 'empty')).status).toBe(1);
    expect(init(['a', 'b'], work).status).toBe(2);
    expect(init(['--force'], work).status).toBe(2);
  });

  test('main.ts synthesizes the plan: Multus, the iot network, Home Assistant, ESPHome and the test pod as a Flux tree', () => {
    // GIVEN main.ts, compiled, with `cdk8s-multus` resolved to the library's sources
    const { code } = transformSync(INIT_MAIN_TS, { jsc: { parser: { syntax: 'typescript' }, target: 'es2020' }, module: { type: 'commonjs' }, swcrc: false });
    const modules: Record<string, unknown> = { 'cdk8s-multus': library, 'cdk8s': cdk8s };
    const outdir = path.join(work, 'dist');
    // WHEN it runs as cdk8s synth runs it (CDK8S_OUTDIR)
    const saved = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      new Function('require', 'exports', code)((m: string) => modules[m], {});
    } finally {
      if (saved === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = saved;
    }
    // THEN the tree holds each part of the plan, every file with the mark
    const files = listFiles(outdir);
    expect(files).toEqual(expect.arrayContaining([
      'kubernetes/main/apps/kube-system/multus/ks.yaml',
      'kubernetes/main/apps/kube-system/multus/networks/network-attachment-definition.yaml',
      'kubernetes/main/apps/home-automation/namespace.yaml',
      'kubernetes/main/apps/home-automation/home-assistant/app/helmrelease.yaml',
      'kubernetes/main/apps/home-automation/esphome/app/helmrelease.yaml',
      'kubernetes/main/apps/default/multus-test/app/pod.yaml',
      'kubernetes/main/flux/repositories/helm/angelnu.yaml',
      'kubernetes/main/flux/repositories/oci/app-template.yaml',
    ]));
    for (const f of files) expect(fs.readFileSync(path.join(outdir, f), 'utf8').startsWith(TREE_FILE_MARK)).toBe(true);
    const ha = parseDocument(fs.readFileSync(path.join(outdir, 'kubernetes/main/apps/home-automation/home-assistant/app/helmrelease.yaml'), 'utf8')).toJS();
    expect(JSON.parse(ha.spec.values.controllers['home-assistant'].pod.annotations['k8s.v1.cni.cncf.io/networks'])).toEqual([
      expect.objectContaining({ name: 'iot', namespace: 'kube-system', ips: ['192.168.20.100/24'] }),
    ]);
  });
});
