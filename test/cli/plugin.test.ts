import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MultusValidation } from '../../src';

// Files the plugin opens are recorded (globalThis.pluginOpened) while a test collects them.
jest.mock('node:fs', () => {
  const real = jest.requireActual('node:fs');
  return {
    ...real,
    openSync: (...args: any[]): any => {
      const opened: string[] | undefined = (globalThis as any).pluginOpened;
      if (opened && typeof args[0] === 'string') opened.push(args[0]);
      return real.openSync(...args);
    },
  };
});

// MultusValidation as the cdk8s CLI runs it: `cdk8s synth` in a project whose cdk8s.yaml names the
// plugin under `validations:` by a local path. The path is a small package whose main module
// loads this library's sources (through ts-node), so that the test runs what is in src/ now; the
// packed tarball is run the same way by test/package.

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const CDK8S = path.join(ROOT, 'node_modules', 'cdk8s');

/** A cdk8s project with `main.js` and a cdk8s.yaml validating with the plugin at ./plugin. */
function project(main: string, properties?: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-plugin-'));
  const plugin = path.join(dir, 'plugin');
  fs.mkdirSync(plugin);
  fs.writeFileSync(path.join(plugin, 'package.json'), JSON.stringify({ name: 'cdk8s-multus', version: '0.1.0', main: 'index.js' }));
  fs.writeFileSync(path.join(plugin, 'index.js'), [
    `require(${JSON.stringify(path.join(ROOT, 'node_modules', 'ts-node'))}).register({ transpileOnly: true, project: ${JSON.stringify(path.join(ROOT, 'tsconfig.json'))} });`,
    `module.exports = require(${JSON.stringify(path.join(ROOT, 'src', 'index.ts'))});`,
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'main.js'), `const { App, Chart, ApiObject } = require(${JSON.stringify(CDK8S)});\n${main}`);
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
    'language: typescript',
    'app: node main.js',
    'validations:',
    '  - package: ./plugin',
    '    version: 0.1.0',
    '    class: MultusValidation',
    ...(properties ? [`    properties: ${JSON.stringify(properties)}`] : []),
  ].join('\n') + '\n');
  return dir;
}

function synth(dir: string): { status: number | null; out: string; report: any } {
  const r = spawnSync(process.execPath, [CLI, 'synth', '--check-upgrade=false', '--validation-reports-output-file', 'report.json'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  const file = path.join(dir, 'report.json');
  const report = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
  return { status: r.status, out: `${r.stdout}${r.stderr}`, report };
}

const BROKEN = `
const app = new App();
const chart = new Chart(app, 'multus', { namespace: 'kube-system' });
new ApiObject(chart, 'repo', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'angelnu', namespace: 'flux-system' }, spec: { interval: '2h', url: 'https://angelnu.github.io/helm-charts' } });
new ApiObject(chart, 'release', { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'multus' },
  spec: { interval: '30m', chart: { spec: { chart: 'multus', version: '5.0.7', sourceRef: { kind: 'HelmRepository', name: 'angelnu', namespace: 'flux-system' } } }, values: { tolerations: [{ operator: 'Exists' }] } } });
app.synth();
`;

const WARNING_ONLY = `
const app = new App();
const chart = new Chart(app, 'net', { namespace: 'kube-system' });
new ApiObject(chart, 'iot', { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'iot' },
  spec: { config: '{"cniVersion":"0.3.1","name":"iot","type":"macvlan","ipam":{"type":"static"}}' } });
app.synth();
`;

describe('MultusValidation through the real cdk8s CLI (cdk8s.yaml validations:)', () => {
  test('an error finding fails the report and the synth (exit 2), naming rule, construct, field and fix', () => {
    const r = synth(project(BROKEN));
    expect(r.status).toBe(2);
    expect(r.out).toContain('Validation failed');
    const [report] = r.report.reports;
    expect(report.summary).toMatchObject({ status: 'failure', plugin: expect.stringContaining('plugin'), metadata: { errors: '1', warnings: '1' } });
    const refused = report.violations.find((v: any) => v.ruleName === 'chart-version-refused (error)');
    expect(refused.fix).toContain('7.0.0');
    expect(refused.recommendation).toContain('HelmRelease kube-system/multus: spec.chart.spec.version: "5.0.7" must not be installed');
    expect(refused.violatingConstructs).toEqual([expect.objectContaining({ constructPath: 'multus/release', resourceName: 'multus', locations: ['spec.chart.spec.version'], manifestPath: expect.stringMatching(/multus\.k8s\.yaml$/) })]);
    expect(report.violations.map((v: any) => v.ruleName)).toContain('values-ignored (warning)');
  }, 120_000);

  test('warnings alone pass the report; with failOnWarnings they fail it', () => {
    const ok = synth(project(WARNING_ONLY));
    expect(ok.status).toBe(0);
    expect(ok.report.reports[0].summary).toMatchObject({ status: 'success', metadata: { errors: '0', warnings: '1' } });
    expect(ok.report.reports[0].violations.map((v: any) => v.ruleName)).toEqual(['nad-capability (warning)']);
    const strict = synth(project(WARNING_ONLY, { failOnWarnings: true }));
    expect(strict.status).toBe(2);
  }, 120_000);
});

describe('MultusValidation.validate', () => {
  test('with no manifests, submits success', async () => {
    const submitted: any[] = [];
    await new MultusValidation().validate({ manifests: [], report: { submit: (...a: any[]) => submitted.push(a), addViolation: () => undefined } });
    expect(submitted).toEqual([['success', { findings: '0' }]]);
  });
});

describe('MultusValidation reads the manifests it is given, no other file', () => {
  const report = (): { submitted: any[]; violations: any[]; context: (manifests: string[]) => any } => {
    const submitted: any[] = [];
    const violations: any[] = [];
    return {
      submitted, violations,
      context: (manifests: string[]) => ({ manifests, report: { submit: (...a: any[]) => submitted.push(a), addViolation: (v: any) => violations.push(v) } }),
    };
  };

  test('a broken manifest beside the output (not given) is not judged; the given one is', async () => {
    // GIVEN an output directory with the synthesized manifest and a stale file the synth did not write
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-plugin-only-'));
    const nad = 'apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata: { name: iot, namespace: x }\nspec:\n  config: \'{"cniVersion":"0.3.1","name":"iot","type":"macvlan","ipam":{"type":"static"}}\'\n';
    fs.writeFileSync(path.join(dir, 'given.k8s.yaml'), nad);
    fs.writeFileSync(path.join(dir, 'stale.k8s.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: home\n  annotations: { k8s.v1.cni.cncf.io/networks: iot }\nspec: { template: { spec: { containers: [] } } }\n');
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources: [stale.k8s.yaml]\n');
    // WHEN the plugin is given only the first
    const r = report();
    const read: string[] = [];
    (globalThis as any).pluginOpened = read;
    try {
      await new MultusValidation().validate(r.context([path.join(dir, 'given.k8s.yaml')]));
    } finally {
      (globalThis as any).pluginOpened = undefined;
    }
    // THEN only its finding (the NAD's capability warning) is reported, and no other file was opened
    expect(r.violations.map((v) => v.ruleName)).toEqual(['nad-capability (warning)']);
    expect(read.filter((f) => f.startsWith(fs.realpathSync(dir)) || f.startsWith(dir))).toEqual([expect.stringMatching(/given\.k8s\.yaml$/)]);
    expect(r.submitted).toEqual([['success', { errors: '0', warnings: '1' }]]);
  });

  test.each([
    [{ failOnWarnings: 'yes' }, 'properties.failOnWarnings: "yes" is not a boolean'],
    [{ failOnWarnings: 'true' }, 'properties.failOnWarnings: "true" is not a boolean'],
    [{ failOnWarnings: 1 }, 'properties.failOnWarnings: 1 is not a boolean'],
    [{ failOnWarnings: 'yes', fail_on_warnings: true }, 'fail_on_warnings'],
  ])('properties %j are refused', (props, message) => {
    expect(() => new MultusValidation(props as any)).toThrow(message);
  });

  test('properties failOnWarnings true and false are taken', () => {
    expect(() => new MultusValidation({ failOnWarnings: true })).not.toThrow();
    expect(() => new MultusValidation({ failOnWarnings: false })).not.toThrow();
  });
});
