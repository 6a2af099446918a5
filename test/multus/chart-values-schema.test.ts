import * as fs from 'node:fs';
import * as path from 'node:path';
import { Size } from 'cdk8s';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { buildCluster } from '../../examples/cluster';
import { CniPaths, CpuQuantity, MultusChart, MultusInstall, MultusInstallProps, MultusLogLevel } from '../../src';
import { CHART_DATA, commonValuesValidator, describeWithChartData, schemaErrors } from '../chart-schema';
import { testApp, testChart } from '../helpers';

// The values the library writes for each chart line, checked against the charts themselves: the keys
// of the bjw-s common library (controllers, containers, pod options, ServiceAccounts) against the
// values schema of the common version the chart bundles, and the chart's own top-level keys (`cni`,
// `hostPaths`, `multus`, ...), which no schema describes and helm never checks, against the chart's
// own values.yaml. Both refuse unknown keys: a key under the wrong name is silently ignored by the
// chart, so a typo here is a setting that never reaches the cluster.

/** One line of a chart: its values.yaml in the chart data, and the common version a build bundles. */
interface ChartLine {
  readonly title: string;
  readonly dataDir: string;
  readonly common: string;
  readonly chart: () => MultusChart;
  readonly cniPaths: CniPaths;
}

const LINES: ChartLine[] = [
  { title: 'angelnu multus 6.0.4 (common 4.5.0)', dataDir: 'angelnu-multus-6.0.4', common: '4.5.0', chart: () => MultusChart.angelnu({ version: '6.0.4' }), cniPaths: CniPaths.K3S },
  // 7.0.0 was served on common 4.6.2 until May 2026, then on 5.0.1 under the same version.
  { title: 'angelnu multus 7.0.0 (common 4.6.2)', dataDir: 'angelnu-multus-7.0.0', common: '4.6.2', chart: () => MultusChart.angelnu({ version: '7.0.0' }), cniPaths: CniPaths.K3S },
  { title: 'angelnu multus 7.0.0 (common 5.0.1)', dataDir: 'angelnu-multus-7.0.0', common: '5.0.1', chart: () => MultusChart.angelnu({ version: '7.0.0' }), cniPaths: CniPaths.K3S },
  { title: 'bjw-s multus 1.3.x (common 5.0.0)', dataDir: 'bjw-s-multus-1.3.1', common: '5.0.0', chart: () => MultusChart.bjwS(), cniPaths: CniPaths.STANDARD },
];

function readYaml(file: string): any {
  return parseYaml(fs.readFileSync(file, 'utf8'));
}

/** The chart's values.yaml: its defaults, and so the shape of its own keys. */
function chartDefaults(line: ChartLine): Record<string, any> {
  return readYaml(path.join(CHART_DATA.dir!, line.dataDir, 'values.yaml'));
}

/** The top-level keys common's values schema describes. */
function commonKeys(version: string): Set<string> {
  const schema = JSON.parse(fs.readFileSync(path.join(CHART_DATA.dir!, `common-${version}`, 'values.schema.json'), 'utf8'));
  return new Set(Object.keys(schema.properties ?? {}));
}

/**
 * Every key of `values` under the chart's own keys that its values.yaml does not have, as dotted
 * paths. A default of `{}` (e.g. `multus.resources`) takes any object.
 */
function unknownChartKeys(values: Record<string, any>, defaults: Record<string, any>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const at = `${prefix}${key}`;
    if (!Object.prototype.hasOwnProperty.call(defaults, key)) {
      out.push(at);
      continue;
    }
    const d = defaults[key];
    const open = d !== null && typeof d === 'object' && Object.keys(d).length === 0;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !open) {
      if (d === null || typeof d !== 'object') out.push(`${at} (an object where the chart takes ${JSON.stringify(d)})`);
      else out.push(...unknownChartKeys(value, d, `${at}.`));
    }
  }
  return out;
}

/**
 * What is wrong with `values` for `line`, one line per problem: common's schema errors for the
 * common keys; for the rest, keys that are neither common's nor the chart's own, and chart keys its
 * values.yaml does not have.
 */
function problemsOf(line: ChartLine, values: Record<string, any>): string[] {
  const common = commonKeys(line.common);
  const defaults = chartDefaults(line);
  const ownKeys = new Set(Object.keys(defaults).filter((k) => !common.has(k)));
  const commonPart = Object.fromEntries(Object.entries(values).filter(([k]) => common.has(k)));
  const ownPart = Object.fromEntries(Object.entries(values).filter(([k]) => ownKeys.has(k)));
  const validate = commonValuesValidator(line.common);
  const problems = validate(commonPart) ? [] : schemaErrors(validate).map((e) => `common ${line.common}: ${e}`);
  for (const k of Object.keys(values)) {
    if (!common.has(k) && !ownKeys.has(k)) problems.push(`${k}: neither a key of common ${line.common} nor of the chart (${[...ownKeys].join(', ')})`);
  }
  problems.push(...unknownChartKeys(ownPart, defaults).map((p) => `${p}: not a key of the chart's values.yaml`));
  return problems;
}

function installValues(line: ChartLine, props: Partial<MultusInstallProps> = {}): Record<string, any> {
  return new MultusInstall(testChart('kube-system'), 'multus', { cniPaths: line.cniPaths, chart: line.chart(), ...props }).values;
}

/** Every prop that reaches the values, set. */
function fullProps(line: ChartLine): Partial<MultusInstallProps> {
  const angelnu = line.dataDir.startsWith('angelnu');
  return {
    image: { repository: 'registry.example.com/multus-cni', tag: angelnu ? 'v4.2.4-thick' : 'v4.2.4' },
    resources: { cpuRequest: CpuQuantity.millis(20), cpuLimit: CpuQuantity.cores(1), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(1024) },
    ...(angelnu ? { logLevel: MultusLogLevel.DEBUG, cniVersion: '1.1.0' } : {}),
  };
}

describeWithChartData('the values the library writes, against the charts\' own schemas and values', () => {
  test.each(LINES.filter((l) => l.common !== '4.6.2'))('$title: the chart data bundles the common version checked here', (line) => {
    const chartYaml = readYaml(path.join(CHART_DATA.dir!, line.dataDir, 'Chart.yaml'));
    expect(chartYaml.dependencies.find((d: any) => d.name === 'common').version).toBe(line.common);
  });

  describe.each(LINES)('$title', (line) => {
    test('the defaults are valid', () => {
      expect(problemsOf(line, installValues(line))).toEqual([]);
    });

    test('every prop that reaches the values, set, is valid', () => {
      expect(problemsOf(line, installValues(line, fullProps(line)))).toEqual([]);
    });

    test('the values split into common keys and the chart\'s own keys, and nothing else', () => {
      const common = commonKeys(line.common);
      const keys = Object.keys(installValues(line));
      const own = keys.filter((k) => !common.has(k)).sort();
      expect(own).toEqual(line.dataDir.startsWith('angelnu') ? ['cni'] : ['cni', 'multus']);
      expect(keys.filter((k) => common.has(k)).sort()).toEqual(line.dataDir.startsWith('angelnu') ? ['controllers', 'defaultPodOptions', 'global'] : ['defaultPodOptions']);
    });

    test('unknown keys are refused, in common\'s part and in the chart\'s own', () => {
      // GIVEN the library's values with keys no chart reads
      const values = installValues(line, {
        values: line.dataDir.startsWith('angelnu')
          ? { defaultPodOptions: { bogusPodKey: 1 }, cni: { logLevl: 'debug' }, controlers: {} }
          : { defaultPodOptions: { bogusPodKey: 1 }, multus: { imag: {} }, cni: { netpath: '/etc/cni/net.d' } },
      });
      // WHEN checked THEN each is named
      const problems = problemsOf(line, values).join('\n');
      expect(problems).toMatch(/\/defaultPodOptions .*bogusPodKey/);
      if (line.dataDir.startsWith('angelnu')) {
        expect(problems).toContain('cni.logLevl: not a key of the chart\'s values.yaml');
        expect(problems).toContain('controlers: neither a key of common');
      } else {
        expect(problems).toContain('multus.imag: not a key of the chart\'s values.yaml');
        expect(problems).toContain('cni.netpath: not a key of the chart\'s values.yaml');
      }
    });

    if (line.dataDir.startsWith('angelnu')) {
      test('a key under the controller or container that common does not have is refused', () => {
        const { controller, container } = line.chart().layout;
        const values = installValues(line, { values: { controllers: { [controller]: { bogusKey: 1, containers: { [container]: { bogusContainerKey: 1 } } } } } });
        const problems = problemsOf(line, values).join('\n');
        expect(problems).toMatch(new RegExp(`/controllers/${controller} .*bogusKey`));
        expect(problems).toMatch(new RegExp(`/controllers/${controller}/containers/${container} .*bogusContainerKey`));
      });
    }
  });

  describe('the example cluster\'s Multus release', () => {
    const files = buildCluster(testApp()).repository.files();
    const file = files.find((f) => f.path.endsWith('/apps/kube-system/multus/app/helmrelease.yaml'))!;
    const release = parseAllDocuments(file.content).map((d) => d.toJS())[0];

    test.each(LINES.filter((l) => l.dataDir === 'angelnu-multus-7.0.0'))('valid for $title', (line) => {
      expect(release.spec.chart.spec).toMatchObject({ chart: 'multus', version: '7.0.0' });
      expect(problemsOf(line, release.spec.values)).toEqual([]);
    });
  });
});
