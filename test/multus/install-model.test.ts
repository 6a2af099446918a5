import { Duration } from 'cdk8s';
import { CniPaths, MultusChart, MultusInstallProps, ValidationError } from '../../src';
import { checkNoModelledValues, installValues, resolveInstall } from '../../src/multus/install-model';
import { validationError } from '../helpers';

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
