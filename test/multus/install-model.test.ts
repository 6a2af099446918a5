import { Duration } from 'cdk8s';
import { CniPaths, MultusChart, MultusInstallProps, MultusLogLevel, MultusValuesLayout, ValidationError } from '../../src';
import { checkNoModelledValues, InstallContext, installValues, resolveInstall } from '../../src/multus/install-model';
import { expectRefusal, validationError } from '../helpers';

// The install as a pure model: props in, a validated model and the chart values out, with no
// construct tree. What MultusInstall adds (the Flux objects) is tested in install.test.ts.

const CONTEXT = { fluxNamespace: 'flux-system' };

function values(props: Partial<MultusInstallProps>, extra: Array<Record<string, any>> = []): Record<string, any> {
  return installValues(resolveInstall({ cniPaths: CniPaths.STANDARD, ...props } as MultusInstallProps, CONTEXT), extra);
}

describe('resolveInstall', () => {
  test('defaults: chart angelnu 7.0.0, release multus in kube-system, thick v4.3.0, 30m interval, 15m timeout', () => {
    // GIVEN only the CNI paths WHEN resolved
    const model = resolveInstall({ cniPaths: CniPaths.STANDARD }, CONTEXT);
    // THEN
    expect(model).toMatchObject({
      releaseName: 'multus',
      namespace: 'kube-system',
      repositoryNamespace: 'flux-system',
      image: { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' },
      interval: '30m',
      timeout: '15m',
      tolerations: [{ operator: 'Exists' }],
    });
    expect(model.chart.version).toBe('7.0.0');
  });

  test('the bjw-s chart defaults to the thin v4.3.0', () => {
    const model = resolveInstall({ cniPaths: CniPaths.STANDARD, chart: MultusChart.bjwS() }, CONTEXT);
    expect(model.image).toEqual({ repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0' });
  });

  test('the context fills what the props leave open', () => {
    const model = resolveInstall({ cniPaths: CniPaths.STANDARD }, { chartNamespace: 'networking', fluxNamespace: 'flux' });
    expect(model).toMatchObject({ namespace: 'networking', repositoryNamespace: 'flux' });
  });

  test('a timeout that is not a Duration is refused', () => {
    const err = validationError(() => resolveInstall({ cniPaths: CniPaths.STANDARD, timeout: '15m' as any }, CONTEXT));
    expect(err.field).toBe('timeout');
  });

  test('every independent problem at once', () => {
    // GIVEN three unrelated mistakes WHEN resolved THEN one error lists all three
    const err = validationError(() => resolveInstall({
      cniPaths: CniPaths.K3S, releaseName: 'Multus', image: { tag: 'v4.3.0' }, timeout: Duration.seconds(0),
    }, CONTEXT));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.problems.map((p) => p.field)).toEqual(['releaseName', 'image.tag', 'timeout']);
  });
});

describe('installValues: one function per chart family', () => {
  test('angelnu 7.0.0: the container under controllers.multus, the CNI paths under cni.paths, and the keys common 5 needs', () => {
    expect(values({})).toEqual({
      controllers: {
        multus: {
          containers: {
            multus: {
              image: { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' },
              resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } },
            },
          },
        },
      },
      defaultPodOptions: { automountServiceAccountToken: true },
      global: { createDefaultServiceAccount: false },
      cni: { paths: { config: '/etc/cni/net.d', bin: '/opt/cni/bin' } },
    });
  });

  test('angelnu 6.0.4: the same, under controllers.main', () => {
    const v = values({ chart: MultusChart.angelnu({ version: '6.0.4' }) });
    expect(Object.keys(v.controllers)).toEqual(['main']);
    expect(Object.keys(v.controllers.main.containers)).toEqual(['main']);
    expect(v).toMatchObject({ defaultPodOptions: { automountServiceAccountToken: true }, global: { createDefaultServiceAccount: false } });
  });

  test('angelnu: logLevel and cniVersion go to cni', () => {
    expect(values({ cniVersion: '1.1.0', logLevel: 'debug' as any }).cni).toEqual({
      paths: { config: '/etc/cni/net.d', bin: '/opt/cni/bin' }, logLevel: 'debug', version: '1.1.0',
    });
  });

  test('bjw-s: multus.image, multus.resources, cni.netPath and cni.binPath, and the token', () => {
    expect(values({ chart: MultusChart.bjwS() })).toEqual({
      multus: {
        image: { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0' },
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } },
      },
      defaultPodOptions: { automountServiceAccountToken: true },
      cni: { netPath: '/etc/cni/net.d', binPath: '/opt/cni/bin' },
    });
  });

  test('extra values merge last, in order', () => {
    const v = values({ chart: MultusChart.bjwS() }, [{ multus: { resources: { limits: { memory: '32Mi' } } } }, { 'cni-plugins': { resources: {} } }]);
    expect(v.multus.resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '32Mi' } });
    expect(v['cni-plugins']).toEqual({ resources: {} });
  });
});

describe('checkNoModelledValues', () => {
  const angelnu = MultusChart.angelnu();
  const bjws = MultusChart.bjwS();

  test.each([
    [angelnu, { cni: { paths: {} } }, ['values.cni.paths']],
    [angelnu, { cni: 'x' }, ['values.cni']],
    [angelnu, { controllers: { multus: { containers: { multus: { image: {} } } } } }, ['values.controllers.multus.containers.multus.image']],
    [angelnu, { controllers: { multus: null } }, ['values.controllers.multus']],
    [angelnu, { defaultPodOptions: { automountServiceAccountToken: true } }, ['values.defaultPodOptions.automountServiceAccountToken']],
    [angelnu, { global: null, cni: { paths: null } }, ['values.cni.paths', 'values.global']],
    [bjws, { cni: { netPath: '/x', binPath: '/y' } }, ['values.cni.netPath', 'values.cni.binPath']],
    [bjws, { cni: null }, ['values.cni']],
    [bjws, { multus: { image: { tag: 'v4.2.4' } } }, ['values.multus.image']],
  ])('%#: refuses every modelled key it finds, once each', (chart, v, fields) => {
    const err = validationError(() => checkNoModelledValues(v as any, chart as MultusChart));
    expect(err.problems.map((p) => p.field)).toEqual(fields);
  });

  test.each([
    [angelnu, { cni: { logLevel: 'debug' }, controllers: { multus: { containers: { multus: { env: { A: '1' } } } } }, hostPaths: { netns: '/var/run/netns' } }],
    [bjws, { multus: { resources: { limits: { memory: '32Mi' } } }, 'cni-plugins': { image: { tag: '1.9.1' } } }],
  ])('%#: other keys pass', (chart, v) => {
    expect(() => checkNoModelledValues(v as any, chart as MultusChart)).not.toThrow();
  });
});

// src/multus/install-model.ts: a Multus install as a pure, validated model, and the chart values
// it renders. No construct: the scope's answers come in a context object.

const FLUX_CONTEXT: InstallContext = { fluxNamespace: 'flux' };

describe('resolveInstall', () => {
  test('defaults: chart 7.0.0, release multus in kube-system, the thick image, safe resources, every node', () => {
    // GIVEN / WHEN only the CNI paths
    const model = resolveInstall({ cniPaths: CniPaths.K3S }, FLUX_CONTEXT);
    // THEN
    expect(model).toMatchObject({
      cniPaths: CniPaths.K3S,
      repositoryNamespace: 'flux',
      releaseName: 'multus',
      namespace: 'kube-system',
      image: { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' },
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } },
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
    const model = resolveInstall({ cniPaths: CniPaths.K3S, namespace }, { ...FLUX_CONTEXT, ...context });
    // THEN its namespace
    expect(model.namespace).toBe(expected);
  });

  test('the HelmRepository lives where the chart says, else in the scope\'s Flux namespace', () => {
    // GIVEN / WHEN a chart that names its repository's namespace, and one that does not
    const named = resolveInstall({ cniPaths: CniPaths.K3S, chart: MultusChart.angelnu({ repositoryNamespace: 'repos' }) }, FLUX_CONTEXT);
    const unnamed = resolveInstall({ cniPaths: CniPaths.K3S }, { fluxNamespace: 'gitops' });
    // THEN
    expect([named.repositoryNamespace, unnamed.repositoryNamespace]).toEqual(['repos', 'gitops']);
  });

  test('a tag without "v" is refused for the upstream image only: another registry may tag that way', () => {
    // GIVEN / WHEN the same tag on the upstream image and on a mirror
    const mirror = resolveInstall({ cniPaths: CniPaths.K3S, image: { repository: 'registry.lan/multus-cni', tag: '4.3.0-thick' } }, FLUX_CONTEXT);
    // THEN the mirror's is taken, the upstream one refused with the tag that exists
    expect(mirror.image).toEqual({ repository: 'registry.lan/multus-cni', tag: '4.3.0-thick' });
    expectRefusal(() => resolveInstall({ cniPaths: CniPaths.K3S, image: { tag: '4.3.0-thick' } }, FLUX_CONTEXT), 'image.tag', '"4.3.0-thick"');
    expect(validationError(() => resolveInstall({ cniPaths: CniPaths.K3S, image: { tag: '4.3.0-thick' } }, FLUX_CONTEXT)).hint).toContain('"v4.3.0-thick"');
  });

  test('every refused prop is reported together, in one ValidationError, without a construct path', () => {
    // GIVEN / WHEN nine bad props at once
    const e = validationError(() => resolveInstall({
      cniPaths: CniPaths.K3S,
      chart: 'multus' as any,
      releaseName: 'Multus',
      namespace: 'kube_system',
      image: { tag: 'v4.3.0' },
      resources: { cpuRequest: 0 as any },
      tolerations: [{ operator: 'Always' }],
      logLevel: 'loud' as MultusLogLevel,
      cniVersion: '0.2.0',
      interval: Duration.seconds(0),
    }, FLUX_CONTEXT));
    // THEN each is named, in the order of the props
    expect(e.problems.map((p) => p.field)).toEqual([
      // (no image.tag: without a chart, whether the tag must be thick or thin is unknown)
      'chart', 'releaseName', 'namespace', 'resources.cpuRequest', 'tolerations[0].operator', 'logLevel', 'cniVersion', 'interval',
    ]);
    expect(e.message).toMatch(/^8 problems:\n/);
    expect(e.problems.every((p) => p.constructPath === undefined)).toBe(true);
    expect(e.message).not.toContain('(at ');
  });

  test.each<[string, unknown]>([['no props', undefined], ['no cniPaths', {}], ['cniPaths as a plain object', { cniPaths: { configDir: '/etc/cni/net.d', binDir: '/opt/cni/bin' } }]])('cniPaths is required first: %s', (_what, props) => {
    // GIVEN / WHEN props without a CniPaths, and another bad prop
    const e = validationError(() => resolveInstall({ ...(props as any), releaseName: 'Multus' }, FLUX_CONTEXT));
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
    expectRefusal(() => resolveInstall({ cniPaths: CniPaths.K3S, ...props } as any, FLUX_CONTEXT), field, shown);
  });
});

describe('installValues', () => {
  const model = resolveInstall({ cniPaths: CniPaths.STANDARD, logLevel: MultusLogLevel.DEBUG, cniVersion: '1.0.0' }, FLUX_CONTEXT);

  test('the model in the chart version\'s layout: image, resources, CNI paths and the optional keys set', () => {
    // GIVEN / WHEN the values of a 7.0.0 model, and of a 6.0.4 one without log level or version
    const v7 = installValues(model, []);
    const v6 = installValues(resolveInstall({ cniPaths: CniPaths.K3S, chart: MultusChart.angelnu({ version: '6.0.4' }) }, FLUX_CONTEXT), []);
    // THEN each puts the container where its chart reads it, and writes only what is set
    expect(v7).toEqual({
      controllers: { multus: { containers: { multus: {
        image: { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' },
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } },
      } } } },
      defaultPodOptions: { automountServiceAccountToken: true },
      global: { createDefaultServiceAccount: false },
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

  test('a modelled key given as undefined passes: it is left unset, so the install\'s value stays', () => {
    // GIVEN values that name modelled keys, or objects on their path, as undefined (optional values not set)
    // WHEN checked, and merged over what the install writes
    // THEN they pass, and change nothing
    for (const values of [{ cni: { paths: undefined } }, { cni: undefined }, { controllers: { multus: { containers: { multus: { image: undefined } } } } }]) {
      expect(() => checkNoModelledValues(values, MultusChart.angelnu())).not.toThrow();
    }
    const model = resolveInstall({ cniPaths: CniPaths.STANDARD }, FLUX_CONTEXT);
    expect(installValues(model, [{ cni: { paths: undefined } }, { cni: undefined }])).toEqual(installValues(model, []));
  });
});
