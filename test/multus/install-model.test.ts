import { Duration } from 'cdk8s';
import { CniPaths, MultusChart, MultusLogLevel, MultusValuesLayout } from '../../src';
import { InstallContext, checkNoModelledValues, installValues, resolveInstall } from '../../src/multus/install-model';
import { expectRefusal, validationError } from '../helpers';

// src/multus/install-model.ts: a Multus install as a pure, validated model, and the chart values
// it renders. No construct: the scope's answers come in a context object.

const CONTEXT: InstallContext = { fluxNamespace: 'flux' };

describe('resolveInstall', () => {
  test('defaults: chart 7.0.0, release multus in kube-system, the thick image, safe resources, every node', () => {
    // GIVEN / WHEN only the CNI paths
    const model = resolveInstall({ cniPaths: CniPaths.K3S }, CONTEXT);
    // THEN
    expect(model).toMatchObject({
      cniPaths: CniPaths.K3S,
      repositoryNamespace: 'flux',
      releaseName: 'multus',
      namespace: 'kube-system',
      image: { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' },
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      tolerations: [{ operator: 'Exists' }],
      interval: '30m',
    });
    expect(model.chart.version).toBe('7.0.0');
    expect(model.chart.layout).toBe(MultusValuesLayout.V7);
    expect([model.logLevel, model.cniVersion, model.values]).toEqual([undefined, undefined, undefined]);
  });

  test.each<[string, Partial<InstallContext>, string | undefined, string]>([
    ['the namespace prop first', { chartNamespace: 'networking' }, 'multus-system', 'multus-system'],
    ['then the enclosing chart\'s', { chartNamespace: 'networking' }, undefined, 'networking'],
    ['then kube-system', {}, undefined, 'kube-system'],
  ])('namespace: %s', (_what, context, namespace, expected) => {
    // GIVEN / WHEN an install in a scope with or without a chart namespace
    const model = resolveInstall({ cniPaths: CniPaths.K3S, namespace }, { ...CONTEXT, ...context });
    // THEN its namespace
    expect(model.namespace).toBe(expected);
  });

  test('the HelmRepository lives where the chart says, else in the scope\'s Flux namespace', () => {
    // GIVEN / WHEN a chart that names its repository's namespace, and one that does not
    const named = resolveInstall({ cniPaths: CniPaths.K3S, chart: MultusChart.angelnu({ repositoryNamespace: 'repos' }) }, CONTEXT);
    const unnamed = resolveInstall({ cniPaths: CniPaths.K3S }, { fluxNamespace: 'gitops' });
    // THEN
    expect([named.repositoryNamespace, unnamed.repositoryNamespace]).toEqual(['repos', 'gitops']);
  });

  test('a tag without "v" is refused for the upstream image only: another registry may tag that way', () => {
    // GIVEN / WHEN the same tag on the upstream image and on a mirror
    const mirror = resolveInstall({ cniPaths: CniPaths.K3S, image: { repository: 'registry.lan/multus-cni', tag: '4.3.0-thick' } }, CONTEXT);
    // THEN the mirror's is taken, the upstream one refused with the tag that exists
    expect(mirror.image).toEqual({ repository: 'registry.lan/multus-cni', tag: '4.3.0-thick' });
    expectRefusal(() => resolveInstall({ cniPaths: CniPaths.K3S, image: { tag: '4.3.0-thick' } }, CONTEXT), 'image.tag', '"4.3.0-thick"');
    expect(validationError(() => resolveInstall({ cniPaths: CniPaths.K3S, image: { tag: '4.3.0-thick' } }, CONTEXT)).hint).toContain('"v4.3.0-thick"');
  });

  test('every refused prop is reported together, in one ValidationError, without a construct path', () => {
    // GIVEN / WHEN nine bad props at once
    const e = validationError(() => resolveInstall({
      cniPaths: CniPaths.K3S,
      chart: 'multus' as any,
      releaseName: 'Multus',
      namespace: 'kube_system',
      image: { tag: 'v4.3.0' },
      resources: { cpuRequestMillis: 0 },
      tolerations: [{ operator: 'Always' }],
      logLevel: 'loud' as MultusLogLevel,
      cniVersion: '0.2.0',
      interval: Duration.seconds(0),
    }, CONTEXT));
    // THEN each is named, in the order of the props
    expect(e.problems.map((p) => p.field)).toEqual([
      'chart', 'releaseName', 'namespace', 'image.tag', 'resources.cpuRequestMillis', 'tolerations[0].operator', 'logLevel', 'cniVersion', 'interval',
    ]);
    expect(e.message).toMatch(/^9 problems:\n/);
    expect(e.problems.every((p) => p.constructPath === undefined)).toBe(true);
    expect(e.message).not.toContain('(at ');
  });

  test.each<[string, unknown]>([['no props', undefined], ['no cniPaths', {}], ['cniPaths as a plain object', { cniPaths: { configDir: '/etc/cni/net.d', binDir: '/opt/cni/bin' } }]])('cniPaths is required first: %s', (_what, props) => {
    // GIVEN / WHEN props without a CniPaths, and another bad prop
    const e = validationError(() => resolveInstall({ ...(props as any), releaseName: 'Multus' }, CONTEXT));
    // THEN only the missing CNI paths are reported: without them nothing else can be checked
    expect(e.problems.map((p) => [p.field, p.problem])).toEqual([['cniPaths', 'is required']]);
  });

  test.each<[string, Record<string, unknown>, string, string]>([
    ['image not an object', { image: 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick' }, 'image', '"ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick"'],
    ['resources not an object', { resources: [] }, 'resources', '[]'],
    ['tolerations not a list', { tolerations: { operator: 'Exists' } }, 'tolerations', '{"operator":"Exists"}'],
    ['values not a plain object', { values: [] }, 'values', '[]'],
    ['the CNI paths through values', { values: { cni: { paths: { bin: '/opt/cni/bin' } } } }, 'values.cni.paths', '{"bin":"/opt/cni/bin"}'],
  ])('refuses %s', (_what, props, field, shown) => {
    // GIVEN / WHEN a prop of the wrong shape
    // THEN a ValidationError for it, naming the value and what to give instead
    expectRefusal(() => resolveInstall({ cniPaths: CniPaths.K3S, ...props } as any, CONTEXT), field, shown);
  });
});

describe('installValues', () => {
  const model = resolveInstall({ cniPaths: CniPaths.STANDARD, logLevel: MultusLogLevel.DEBUG, cniVersion: '1.0.0' }, CONTEXT);

  test('the model in the chart version\'s layout: image, resources, CNI paths and the optional keys set', () => {
    // GIVEN / WHEN the values of a 7.0.0 model, and of a 6.0.4 one without log level or version
    const v7 = installValues(model, []);
    const v6 = installValues(resolveInstall({ cniPaths: CniPaths.K3S, chart: MultusChart.angelnu({ version: '6.0.4' }) }, CONTEXT), []);
    // THEN each puts the container where its chart reads it, and writes only what is set
    expect(v7).toEqual({
      controllers: { multus: { containers: { multus: {
        image: { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' },
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      } } } },
      cni: { paths: { config: '/etc/cni/net.d', bin: '/opt/cni/bin' }, logLevel: 'debug', version: '1.0.0' },
    });
    expect(Object.keys(v6.controllers)).toEqual(['main']);
    expect(v6.controllers.main.containers.main.image.tag).toBe('v4.3.0-thick');
    expect(v6.cni).toEqual({ paths: { config: CniPaths.K3S.configDir, bin: CniPaths.K3S.binDir } });
  });

  test('extra values merge over the model in order: later ones win, null removes, arrays replace', () => {
    // GIVEN / WHEN two sets of extra values
    const values = installValues(model, [
      { cni: { logLevel: null, logToStderr: true }, hostPaths: { netns: '/run/netns' }, list: [1, 2] },
      { cni: { logToStderr: false }, list: [3] },
    ]);
    // THEN
    expect(values.cni).toEqual({ paths: { config: '/etc/cni/net.d', bin: '/opt/cni/bin' }, version: '1.0.0', logToStderr: false });
    expect(values.hostPaths).toEqual({ netns: '/run/netns' });
    expect(values.list).toEqual([3]);
  });

  test('the model is left alone', () => {
    // GIVEN a model
    const before = JSON.stringify(model);
    // WHEN values that change its resources are merged
    installValues(model, [{ controllers: { multus: { containers: { multus: { resources: { limits: { memory: '1Gi' } } } } } } }]);
    // THEN the model is as it was
    expect(JSON.stringify(model)).toBe(before);
  });
});

describe('checkNoModelledValues', () => {
  test.each<[string, Record<string, any>, MultusChart, string, string]>([
    ['the image under 7.0.0\'s names', { controllers: { multus: { containers: { multus: { image: { tag: 'v4.3.0' } } } } } }, MultusChart.angelnu(), 'values.controllers.multus.containers.multus.image', 'cannot be set through values'],
    ['the image under 6.0.4\'s names', { controllers: { main: { containers: { main: { image: null } } } } }, MultusChart.angelnu({ version: '6.0.4' }), 'values.controllers.main.containers.main.image', 'cannot be set through values'],
    ['cni.paths', { cni: { paths: { bin: '/opt/cni/bin' } } }, MultusChart.angelnu(), 'values.cni.paths', 'cannot be set through values'],
    ['cni.paths, even undefined', { cni: { paths: undefined } }, MultusChart.angelnu(), 'values.cni.paths', 'cannot be set through values'],
    ['cni replaced by null', { cni: null }, MultusChart.angelnu(), 'values.cni', 'would replace cni.paths'],
    ['cni replaced by a string', { cni: 'verbose' }, MultusChart.angelnu(), 'values.cni', 'would replace cni.paths'],
  ])('refuses %s', (_what, values, chart, field, problem) => {
    // GIVEN / WHEN values for what the install models
    const e = validationError(() => checkNoModelledValues(values, chart));
    // THEN a ValidationError for that path, saying why, pointing at the prop to use
    expect(e.problems.map((p) => [p.field, p.problem])).toEqual([[field, problem]]);
    expect(e.hint).toMatch(/image prop|cniPaths prop/);
  });

  test('other settings pass, the image under another chart\'s names included (that chart ignores them)', () => {
    // GIVEN / WHEN values the install does not model
    // THEN they pass
    expect(() => checkNoModelledValues({ cni: { logLevel: 'debug' }, controllers: { multus: { containers: { multus: { env: { TZ: 'UTC' } } } } } }, MultusChart.angelnu())).not.toThrow();
    expect(() => checkNoModelledValues({ controllers: { multus: { containers: { multus: { image: 'x' } } } } }, MultusChart.angelnu({ version: '6.0.4' }))).not.toThrow();
  });
});
