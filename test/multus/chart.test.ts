import { Duration } from 'cdk8s';
import { MultusChart, MultusChartFamily, MultusValuesLayout, ValidationError } from '../../src';
import { expectRefusal, validationError } from '../helpers';

describe('MultusChartFamily', () => {
  test('angelnu: the thick daemon from a HelmRepository; bjw-s: the thin plugin from an OCIRepository', () => {
    expect(MultusChartFamily.ANGELNU).toMatchObject({ name: 'angelnu', sourceKind: 'HelmRepository', thickDaemon: true });
    expect(MultusChartFamily.BJW_S).toMatchObject({ name: 'bjw-s', sourceKind: 'OCIRepository', thickDaemon: false });
  });

  test('every chart belongs to its family', () => {
    expect(MultusChart.angelnu().family).toBe(MultusChartFamily.ANGELNU);
    expect(MultusChart.angelnu({ version: '6.0.4' }).family).toBe(MultusChartFamily.ANGELNU);
    expect(MultusChart.bjwS().family).toBe(MultusChartFamily.BJW_S);
  });
});

describe('MultusChart.bjwS()', () => {
  test('defaults: 1.3.1 from oci://ghcr.io/bjw-s-labs/helm/multus, OCIRepository multus, 15m, no digest', () => {
    // GIVEN / WHEN
    const chart = MultusChart.bjwS();
    // THEN
    expect(chart).toMatchObject({
      chart: 'multus',
      version: '1.3.1',
      url: 'oci://ghcr.io/bjw-s-labs/helm/multus',
      repositoryName: 'multus',
      layout: MultusValuesLayout.BJW_S,
      existingRepository: false,
    });
    expect(chart.digest).toBeUndefined();
    expect(chart.repositoryNamespace).toBeUndefined();
    expect(chart.repositoryInterval.toMinutes()).toBe(15);
  });

  test.each(['1.3.0', '1.3.1', '1.3.2', '1.3.3', '1.3.12'])('the 1.3 line is accepted: %s', (version) => {
    expect(MultusChart.bjwS({ version }).version).toBe(version);
  });

  test('null means the defaults, as jsii passes an omitted optional argument', () => {
    expect(MultusChart.bjwS(null as any).version).toBe('1.3.1');
  });

  test('the chart name is the last segment of its OCI repository', () => {
    expect(MultusChart.bjwS({ url: 'oci://registry.example.com/charts/multus' }).chart).toBe('multus');
  });

  test.each([
    ['1.2.1 (common 4.6.2)', { version: '1.2.1' }, 'chart.version', '"1.2.1"'],
    ['1.4.0', { version: '1.4.0' }, 'chart.version', '"1.4.0"'],
    ['a range', { version: '~1.3.1' }, 'chart.version', '"~1.3.1"'],
    ['a version with a "v"', { version: 'v1.3.1' }, 'chart.version', '"v1.3.1"'],
    ['a number', { version: 1.3 }, 'chart.version', '1.3'],
    ['a digest in upper case', { digest: `sha256:${'AB'.repeat(32)}` }, 'chart.digest', `"sha256:${'AB'.repeat(32)}"`],
    ['a short digest', { digest: 'sha256:abc' }, 'chart.digest', '"sha256:abc"'],
    ['a URL without a path', { url: 'oci://ghcr.io' }, 'chart.url', '"oci://ghcr.io"'],
    ['a URL with a digest', { url: 'oci://ghcr.io/bjw-s-labs/helm/multus@sha256:ab' }, 'chart.url', '"oci://ghcr.io/bjw-s-labs/helm/multus@sha256:ab"'],
    ['an https URL', { url: 'https://ghcr.io/bjw-s-labs/helm/multus' }, 'chart.url', '"https://ghcr.io/bjw-s-labs/helm/multus"'],
    ['a repository name in capitals', { repositoryName: 'Multus' }, 'chart.repositoryName', '"Multus"'],
    ['a repository namespace with a dot', { repositoryNamespace: 'flux.system' }, 'chart.repositoryNamespace', '"flux.system"'],
    ['an interval that is a number', { repositoryInterval: 900 }, 'chart.repositoryInterval', '900'],
  ])('refuses %s', (_name, options, field, shown) => {
    expectRefusal(() => MultusChart.bjwS(options as any), field, shown);
  });

  test('options that are not an object', () => {
    expectRefusal(() => MultusChart.bjwS('1.3.1' as any), 'chart', '"1.3.1"');
  });

  test('independent problems are reported together', () => {
    const err = validationError(() => MultusChart.bjwS({ version: '2.0.0', digest: 'latest', repositoryName: '-x', repositoryInterval: 5 as any }));
    expect(err.problems.map((p) => p.field)).toEqual(['chart.version', 'chart.digest', 'chart.repositoryName', 'chart.repositoryInterval']);
  });

  test('a valid Duration interval is kept', () => {
    expect(MultusChart.bjwS({ repositoryInterval: Duration.hours(1) }).repositoryInterval.toHours()).toBe(1);
  });
});

describe('MultusChart.angelnu()', () => {
  test('knows only its own layouts', () => {
    expectRefusal(() => MultusChart.angelnu({ version: '7.1.0', valuesLayout: MultusValuesLayout.BJW_S }), 'chart.valuesLayout', '"BJW_S"');
    expect(MultusChart.angelnu({ version: '7.1.0', valuesLayout: MultusValuesLayout.V7 }).layout).toBe(MultusValuesLayout.V7);
  });

  test('pins no digest: a Helm repository over HTTP cannot be pinned by one', () => {
    expect(MultusChart.angelnu().digest).toBeUndefined();
  });
});

// MultusChart (src/multus/chart.ts): the chart versions the library installs, their values layouts
// and the HelmRepository they come from. How an install renders each layout is in install.test.ts.

describe('refusals', () => {
  test.each<[string, () => unknown, string]>([
    ['unknown chart version', () => MultusChart.angelnu({ version: '8.0.0' }), '8.0.0'],
    ['re-published 5.0.7', () => MultusChart.angelnu({ version: '5.0.7' }), '5.0.7'],
    ['6.0.2 with the privileged bug', () => MultusChart.angelnu({ version: '6.0.2' }), '6.0.2'],
    ['pre-6 layout', () => MultusChart.angelnu({ version: '4.0.0' }), '4.0.0'],
    ['version range', () => MultusChart.angelnu({ version: '^7.0.0' }), '^7.0.0'],
    ['layout contradicting a known version', () => MultusChart.angelnu({ version: '6.0.4', valuesLayout: MultusValuesLayout.V7 }), 'V7'],
    ['bad repository name', () => MultusChart.angelnu({ repositoryName: 'Angel_Nu' }), 'Angel_Nu'],
    ['bad repository URL', () => MultusChart.angelnu({ url: 'angelnu.github.io/helm-charts' }), 'angelnu.github.io/helm-charts'],
    ['repository URL scheme in capitals', () => MultusChart.angelnu({ url: 'OCI://ghcr.io/angelnu/helm-charts' }), 'OCI://ghcr.io/angelnu/helm-charts'],
  ])('%s', (_name, fn, value) => {
    // GIVEN / WHEN a setting the install cannot use
    const err = validationError(fn);
    // THEN a ValidationError names the offending value and says what to do
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toContain(value);
    // Every refusal says what to do.
    expect(err.hint.length).toBeGreaterThan(10);
  });

  test('the error names field, value and fix', () => {
    // GIVEN / WHEN a chart version that exists but installs a broken Multus
    const err = validationError(() => MultusChart.angelnu({ version: '5.0.7' }));
    // THEN the error names the field, the value and the versions to use instead
    expect(err.field).toBe('chart.version');
    expect(err.value).toBe('"5.0.7"');
    expect(err.message).toMatch(/use '7\.0\.0'.*or '6\.0\.4'/);
  });

});

describe('MultusChart.homeOperations()', () => {
  test('defaults: 0.1.0 from oci://ghcr.io/home-operations/charts/multus, OCIRepository multus, 15m, no digest; the thin plugin', () => {
    const chart = MultusChart.homeOperations();
    expect(chart).toMatchObject({
      family: MultusChartFamily.HOME_OPERATIONS,
      chart: 'multus',
      version: '0.1.0',
      url: 'oci://ghcr.io/home-operations/charts/multus',
      repositoryName: 'multus',
      layout: MultusValuesLayout.HOME_OPERATIONS,
      existingRepository: false,
    });
    expect(MultusChartFamily.HOME_OPERATIONS).toMatchObject({ name: 'home-operations', sourceKind: 'OCIRepository', thickDaemon: false });
    expect(chart.digest).toBeUndefined();
    expect(chart.repositoryInterval.toMinutes()).toBe(15);
    expect(MultusChart.homeOperations({ version: '0.1.0', digest: `sha256:${'a'.repeat(64)}` }).digest).toBe(`sha256:${'a'.repeat(64)}`);
  });

  test.each([
    ['another line', { version: '0.2.0' }, 'chart.version', '"0.2.0"'],
    ['bjw-s\'s version', { version: '1.3.1' }, 'chart.version', '"1.3.1"'],
    ['a short digest', { digest: 'sha256:abc' }, 'chart.digest', '"sha256:abc"'],
    ['an https URL', { url: 'https://ghcr.io/home-operations/charts/multus' }, 'chart.url', '"https://ghcr.io/home-operations/charts/multus"'],
    ['an unknown option', { tag: '0.1.0' }, 'chart.tag', '"0.1.0"'],
  ])('%s is refused', (_what, options, field, shown) => {
    expectRefusal(() => MultusChart.homeOperations(options as any), field, shown);
  });

  test('every refused option at once', () => {
    const e = validationError(() => MultusChart.homeOperations({ version: '0.2.0', digest: 'sha256:abc', repositoryName: 'Multus' }));
    expect(e.problems.map((p) => p.field).sort()).toEqual(['chart.digest', 'chart.repositoryName', 'chart.version']);
  });

  test('its layout is not an angelnu valuesLayout', () => {
    expect(() => MultusChart.angelnu({ version: '7.0.1', valuesLayout: MultusValuesLayout.HOME_OPERATIONS })).toThrow(/HOME_OPERATIONS of MultusChart.homeOperations\(\)/);
  });
});
