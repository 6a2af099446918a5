import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Size } from 'cdk8s';
import Ajv, { ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { ClusterProfile, CniPaths, CpuQuantity, MultusChart, MultusInstall, MultusInstallProps, TaintEffect } from '../../src';
import { CHART_DATA, describeWithChartData, schemaErrors } from '../chart-schema';
import { testChart } from '../helpers';

// The values the library writes for the home-operations chart, checked against the chart itself:
// its values.schema.json (draft-07; it does not close its objects) and, for the keys, its
// values.yaml, since a key under the wrong name is silently ignored. Both are read from the real
// package (../shared/chart-packages), unpacked into a temporary directory.

const PACKAGE = 'home-operations-multus-0.1.0.tgz';

let chartDir: string;
let tmp: string;
let validate: ValidateFunction;
let defaults: Record<string, any>;

/** Every key of `values` that the chart's values.yaml does not have (a default of `{}` or a list takes anything). */
function unknownKeys(values: Record<string, any>, known: Record<string, any>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const at = `${prefix}${key}`;
    if (!Object.prototype.hasOwnProperty.call(known, key)) {
      out.push(at);
      continue;
    }
    const d = known[key];
    const open = d === null || typeof d !== 'object' || Array.isArray(d) || Object.keys(d).length === 0;
    if (!open && value !== null && typeof value === 'object' && !Array.isArray(value)) out.push(...unknownKeys(value, d, `${at}.`));
  }
  return out;
}

function problemsOf(values: Record<string, any>): string[] {
  const problems = validate(values) ? [] : schemaErrors(validate).map((e) => `values.schema.json: ${e}`);
  return [...problems, ...unknownKeys(values, defaults).map((k) => `${k}: not a key of the chart's values.yaml`)];
}

function valuesOf(props: Partial<MultusInstallProps> = {}): Record<string, any> {
  return new MultusInstall(testChart('kube-system'), 'multus', { cniPaths: CniPaths.STANDARD, chart: MultusChart.homeOperations({ version: '0.1.0' }), ...props }).values;
}

describeWithChartData('the values the library writes for the home-operations chart, against its values.schema.json', () => {
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-home-operations-'));
    const archive = path.resolve(CHART_DATA.dir!, '..', 'chart-packages', PACKAGE);
    const r = spawnSync('tar', ['xzf', archive, '-C', tmp], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`tar xzf ${archive}: ${r.stderr}`);
    chartDir = path.join(tmp, 'multus');
    const schema = JSON.parse(fs.readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8'));
    validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    defaults = parseYaml(fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8'));
  });

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the package is the chart checked here: multus 0.1.0, thin v4.3.0, Kubernetes >=1.25.0-0', () => {
    const chart = parseYaml(fs.readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8'));
    expect(chart).toMatchObject({ name: 'multus', version: '0.1.0', appVersion: 'v4.3.0', kubeVersion: '>=1.25.0-0' });
  });

  test('the defaults are valid, and write image, resources, the directories, the installer, the token and the tolerations', () => {
    const values = valuesOf();
    expect(problemsOf(values)).toEqual([]);
    expect(values).toEqual({
      image: { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0' },
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } },
      cni: { netDir: '/etc/cni/net.d', binDir: '/opt/cni/bin' },
      cniPlugins: { enabled: true },
      serviceAccount: { automount: true },
      tolerations: [{ operator: 'Exists' }],
    });
  });

  test('every prop that reaches the values, set, is valid', () => {
    const values = valuesOf({
      image: { repository: 'registry.example.com/multus-cni', tag: 'v4.2.4' },
      resources: { cpuRequest: CpuQuantity.millis(20), cpuLimit: CpuQuantity.cores(1), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(1024) },
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', effect: TaintEffect.NO_SCHEDULE }, { key: 'dedicated', value: 'iot' }],
      values: { priorityClassName: 'system-node-critical', extraArgs: ['--namespace-isolation=true'], podAnnotations: { a: 'b' } },
    });
    expect(problemsOf(values)).toEqual([]);
    expect(values.tolerations).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'iot' },
    ]);
  });

  test('a cluster whose nodes carry the reference plugins turns the installer off; Talos keeps it on', () => {
    expect(valuesOf({ cniPaths: undefined, cluster: ClusterProfile.kubeadm() }).cniPlugins).toEqual({ enabled: false });
    expect(valuesOf({ cniPaths: undefined, cluster: ClusterProfile.talos() }).cniPlugins).toEqual({ enabled: true });
    expect(problemsOf(valuesOf({ cniPaths: undefined, cluster: ClusterProfile.kubeadm() }))).toEqual([]);
  });

  test('a wrong type and an unknown key are named (the check can fail)', () => {
    const problems = problemsOf(valuesOf({ values: { priorityClassName: 5, cni: { netPath: '/etc/cni/net.d' } } })).join('\n');
    expect(problems).toMatch(/priorityClassName.*string/);
    expect(problems).toContain('cni.netPath: not a key of the chart\'s values.yaml');
  });
});
