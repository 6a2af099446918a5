import Ajv2020 from 'ajv/dist/2020';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runCheck } from '../../src/cli/check';
import { ruleList } from '../../src/rules/rulebook';

// The checker in CI: its formats (SARIF 2.1.0 against the published schema, GitHub workflow
// commands, JUnit), the line and column of every finding, the composite action's steps run under
// bash as a runner runs them, and the pre-commit hook's entry.

const ROOT = path.resolve(__dirname, '..', '..');
const SARIF_SCHEMA = path.join(ROOT, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'sarif-2.1.0.json');

function check(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCheck(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

/** A directory with `files` written into it. */
function tree(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-ci-')));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** A repository with an error (a misplaced annotation), a warning (a NAD without ips), a release. */
const BROKEN: Record<string, string> = {
  'kubernetes/apps/home/app.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: home\n  annotations:\n    k8s.v1.cni.cncf.io/networks: iot\nspec:\n  template:\n    spec:\n      containers: []\n',
  'kubernetes/apps/home/nad.yaml': 'apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: iot\n  namespace: home\nspec:\n  config: \'{"cniVersion":"0.3.1","name":"iot","type":"macvlan","ipam":{"type":"static"}}\'\n',
  'kubernetes/apps/kube-system/multus.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: multus\n  namespace: kube-system\nspec:\n  chart:\n    spec:\n      chart: multus\n      version: 5.0.7\n      sourceRef: { kind: HelmRepository, name: angelnu }\n',
};

describe('every finding carries the line and column of its key', () => {
  test('the line a finding names holds the last key of its field, at its column', () => {
    const dir = tree(BROKEN);
    const found = JSON.parse(check('check', '--format', 'json', dir).out);
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const f of found) {
      const line = fs.readFileSync(path.join(dir, f.file), 'utf8').split('\n')[f.line - 1];
      const last = /\["([^"]+)"\]$/.exec(f.field)?.[1] ?? f.field.split(' ')[0].split('.').pop();
      expect({ rule: f.rule, at: line.slice(f.column - 1) }).toEqual({ rule: f.rule, at: expect.stringMatching(new RegExp(`^${last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`)) });
    }
    expect(found.map((f: any) => `${f.rule} ${f.file}:${f.line}:${f.column}`).sort()).toEqual([
      'annotation-misplaced kubernetes/apps/home/app.yaml:7:5',
      'chart-version-refused kubernetes/apps/kube-system/multus.yaml:10:7',
      'nad-capability kubernetes/apps/home/nad.yaml:7:3',
    ]);
  });
});

describe('--format sarif', () => {
  test('is valid SARIF 2.1.0 (the published schema), with every rule in tool.driver.rules and relative URIs', () => {
    const dir = tree(BROKEN);
    const r = check('check', '--format', 'sarif', dir);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    // The schema as the SARIF multitool package ships it (draft 2020-12); formats are not asserted.
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA, 'utf8')));
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((x: any) => x.id)).toEqual(ruleList().map((x) => x.id));
    expect(run.results.map((x: any) => [x.ruleId, x.level, run.tool.driver.rules[x.ruleIndex].id, x.locations[0].physicalLocation.artifactLocation.uri, x.locations[0].physicalLocation.region.startLine]).sort()).toEqual([
      ['annotation-misplaced', 'error', 'annotation-misplaced', 'kubernetes/apps/home/app.yaml', 7],
      ['chart-version-refused', 'error', 'chart-version-refused', 'kubernetes/apps/kube-system/multus.yaml', 10],
      ['nad-capability', 'warning', 'nad-capability', 'kubernetes/apps/home/nad.yaml', 7],
    ]);
  });

  test('a file name with spaces and a percent sign is a percent-encoded relative URI; no finding is still a valid log', () => {
    const dir = tree({ 'a dir/50% off.yaml': BROKEN['kubernetes/apps/home/app.yaml'] });
    const log = JSON.parse(check('check', '--format', 'sarif', dir).out);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('a%20dir/50%25%20off.yaml');
    const empty = JSON.parse(check('check', '--format', 'sarif', tree({ 'x.yaml': 'a: 1\n' })).out);
    expect(empty.runs[0].results).toEqual([]);
  });
});

describe('--format github', () => {
  test('one workflow command per finding, its level, file, line and column; a comma or colon in a path escaped', () => {
    const dir = tree({ ...BROKEN, 'kubernetes/odd,na:me.yaml': BROKEN['kubernetes/apps/home/app.yaml'].replace('name: d', 'name: e') });
    const r = check('check', '--format', 'github', dir);
    const lines = r.out.trimEnd().split('\n').sort();
    expect(lines).toHaveLength(4);
    expect(lines).toContainEqual(expect.stringMatching(/^::error file=kubernetes\/apps\/home\/app\.yaml,line=7,col=5,title=cdk8s-multus annotation-misplaced::Deployment home\/d: /));
    expect(lines).toContainEqual(expect.stringMatching(/^::warning file=kubernetes\/apps\/home\/nad\.yaml,line=7,col=3,title=cdk8s-multus nad-capability::/));
    expect(lines).toContainEqual(expect.stringMatching(/^::error file=kubernetes\/odd%2Cna%3Ame\.yaml,line=7,col=5,/));
  });
});

describe('--format junit', () => {
  test('a test case per finding, a failure per error, counts in the suite', () => {
    const r = check('check', '--format', 'junit', tree(BROKEN));
    expect(r.out).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="cdk8s-multus" tests="3" failures="2" errors="0">\n {2}<testsuite name="cdk8s-multus check" tests="3" failures="2"/);
    expect(r.out.match(/<testcase /g)).toHaveLength(3);
    expect(r.out.match(/<failure type="(annotation-misplaced|chart-version-refused)"/g)).toHaveLength(2);
    expect(r.out).toContain('<system-out>warning: kubernetes/apps/home/nad.yaml:7:3: NetworkAttachmentDefinition home/iot');
    // Markup in the input is text: `"` in field names is an entity, never an attribute's end.
    expect(r.out).toContain('name="annotation-misplaced: Deployment home/d: metadata.annotations[&quot;k8s.v1.cni.cncf.io/networks&quot;]"');
  });

  test('no finding: one passing test case', () => {
    const r = check('check', '--format', 'junit', tree({ 'x.yaml': 'a: 1\n' }));
    expect(r.code).toBe(0);
    expect(r.out).toContain('<testsuite name="cdk8s-multus check" tests="1" failures="0"');
  });
});

/** A directory on PATH whose `npx` runs this checkout's command (and logs how it was called). */
function fakeNpx(): { bin: string; log: string } {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-npx-'));
  const log = path.join(bin, 'calls.log');
  fs.writeFileSync(path.join(bin, 'npx'), [
    '#!/usr/bin/env bash',
    `echo "$*" >> ${JSON.stringify(log)}`,
    '[ "$1" = "--yes" ] || { echo "npx: expected --yes" >&2; exit 99; }',
    'case "$2" in cdk8s-multus@*) ;; *) echo "npx: expected cdk8s-multus@VERSION" >&2; exit 99;; esac',
    'shift 2',
    `TS_NODE_PROJECT=${JSON.stringify(path.join(ROOT, 'tsconfig.json'))} TS_NODE_TRANSPILE_ONLY=true TS_NODE_SWC=true exec ${JSON.stringify(process.execPath)} -r ${JSON.stringify(path.join(ROOT, 'node_modules', 'ts-node', 'register'))} ${JSON.stringify(path.join(ROOT, 'src', 'cli', 'main.ts'))} "$@"`,
  ].join('\n'), { mode: 0o755 });
  return { bin, log };
}

/** `${{ inputs.x }}` and `${{ steps.id.outputs.y }}`, as the runner evaluates them. */
function evaluate(text: string, inputs: Record<string, string>, outputs: Record<string, Record<string, string>>): string {
  return text.replace(/\$\{\{\s*(inputs\.([\w-]+)|steps\.([\w-]+)\.outputs\.([\w-]+))\s*\}\}/g, (_m, _all, input, step, output) => (input !== undefined ? inputs[input] ?? '' : outputs[step]?.[output] ?? ''));
}

/** Runs the composite action's `run:` steps under bash, as a runner does; `uses:` steps are returned. */
function runAction(workspace: string, given: Record<string, string>): { codes: number[]; stdout: string; outputs: Record<string, Record<string, string>>; uses: any[] } {
  const action = parseYaml(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries<any>(action.inputs)) inputs[name] = given[name] ?? String(spec.default ?? '');
  const npx = fakeNpx();
  const outputs: Record<string, Record<string, string>> = {};
  const codes: number[] = [];
  const uses: any[] = [];
  let stdout = '';
  expect(action.runs.using).toBe('composite');
  for (const step of action.runs.steps) {
    if (step.uses) {
      uses.push({ ...step, with: Object.fromEntries(Object.entries<string>(step.with ?? {}).map(([k, v]) => [k, evaluate(v, inputs, outputs)])) });
      continue;
    }
    expect(step.shell).toBe('bash');
    // A script never has an input spliced into it: expressions live only in `env:`.
    expect(step.run).not.toContain('${{');
    const outputFile = path.join(npx.bin, `output-${codes.length}`);
    fs.writeFileSync(outputFile, '');
    const env: Record<string, string> = { PATH: `${npx.bin}:${process.env.PATH}`, HOME: process.env.HOME ?? '/tmp', GITHUB_OUTPUT: outputFile, GITHUB_WORKSPACE: workspace };
    for (const [k, v] of Object.entries<string>(step.env ?? {})) env[k] = evaluate(v, inputs, outputs);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], { cwd: workspace, env, encoding: 'utf8', timeout: 120_000 });
    stdout += r.stdout;
    codes.push(r.status ?? -1);
    if (step.id) outputs[step.id] = Object.fromEntries(fs.readFileSync(outputFile, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  }
  return { codes, stdout, outputs, uses };
}

describe('action.yml: the composite action, its steps run under bash', () => {
  test('findings as annotations, SARIF written and handed to the upload step, the job failed after the upload', () => {
    // GIVEN a repository with an error, checked in two directories given in one input
    const workspace = tree({ ...BROKEN, 'other/x.yaml': 'a: 1\n' });
    // WHEN the action runs with sarif "true"
    const r = runAction(workspace, { path: 'kubernetes other', sarif: 'true' });
    // THEN the check step succeeds with status 1, annotations name files from the repository root
    expect(r.codes).toEqual([0, 1]);
    expect(r.outputs.check).toEqual({ status: '1', 'sarif-file': 'cdk8s-multus.sarif' });
    expect(r.stdout).toContain('::error file=kubernetes/apps/home/app.yaml,line=7,col=5,');
    // the SARIF log is there for the upload step, which runs even though the check found errors
    const log = JSON.parse(fs.readFileSync(path.join(workspace, 'cdk8s-multus.sarif'), 'utf8'));
    expect(log.runs[0].results).toHaveLength(3);
    expect(r.uses).toEqual([expect.objectContaining({ uses: expect.stringMatching(/^github\/codeql-action\/upload-sarif@v\d+$/), if: expect.stringContaining('always()'), with: { sarif_file: 'cdk8s-multus.sarif', category: 'cdk8s-multus' } })]);
  }, 180_000);

  test('a clean repository passes; without sarif no log is written; an input is never run as a command', () => {
    const workspace = tree({ 'kubernetes/x.yaml': 'a: 1\n' });
    const ok = runAction(workspace, { path: 'kubernetes' });
    expect(ok.codes).toEqual([0, 0]);
    expect(ok.outputs.check).toEqual({ status: '0' });
    expect(fs.existsSync(path.join(workspace, 'cdk8s-multus.sarif'))).toBe(false);
    const marker = path.join(workspace, 'pwned');
    const hostile = runAction(workspace, { path: `$(touch ${marker})` });
    expect(fs.existsSync(marker)).toBe(false);
    expect(hostile.codes).toEqual([0, 2]);
  }, 180_000);
});

describe('.pre-commit-hooks.yaml: the cdk8s-multus-check hook', () => {
  const hooks = parseYaml(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
  const hook = hooks.find((h: any) => h.id === 'cdk8s-multus-check');

  test('its entry is the package\'s command, run once on the repository, when YAML changes', () => {
    expect(hook).toMatchObject({ language: 'node', pass_filenames: false, entry: 'cdk8s-multus check' });
    const bin = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).bin;
    expect(Object.keys(bin)).toContain(hook.entry.split(' ')[0]);
    const files = new RegExp(hook.files);
    expect(['kubernetes/apps/x/helmrelease.yaml', 'a/b.yml', 'apps/Kustomization'].filter((f) => files.test(f))).toHaveLength(3);
    expect(['README.md', 'flake.nix', 'kustomization.json'].filter((f) => files.test(f))).toEqual([]);
  });

  test.each([
    ['a repository with an error: exit 1', BROKEN, 1],
    ['a clean repository: exit 0', { 'kubernetes/x.yaml': 'a: 1\n' }, 0],
  ])('the entry and its args, run as pre-commit runs them (in the repository root): %s', (_name, files, code) => {
    const workspace = tree(files as Record<string, string>);
    const [command, ...entryArgs] = hook.entry.split(' ');
    const bin = path.join(ROOT, JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).bin[command].replace(/^lib\//, '').replace(/\.js$/, '.ts'));
    const r = spawnSync(process.execPath, ['-r', path.join(ROOT, 'node_modules', 'ts-node', 'register'), bin, ...entryArgs, ...hook.args], {
      cwd: workspace, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_SWC: 'true' },
    });
    expect({ status: r.status, stderr: r.stderr.split('\n').filter((l) => /error|warning/.test(l) && !/^\d+ errors?/.test(l)) }).toEqual({ status: code, stderr: [] });
    if (code === 1) expect(r.stdout).toContain('kubernetes/apps/home/app.yaml:7:5: error: annotation-misplaced');
  }, 120_000);
});
