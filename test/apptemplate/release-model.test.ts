import { Size } from 'cdk8s';
import { AppTemplateChart, AppTemplatePersistence, AppTemplateProbe, AppTemplateSource, NetworkRef } from '../../src';
import { resolveRelease } from '../../src/apptemplate/release-model';
import { checkUserValues } from '../../src/apptemplate/user-values';
import { AppTemplateValuesLayout } from '../../src/apptemplate/chart';
import { renderProbes, sizeQuantity } from '../../src/apptemplate/values';
import { appTemplateValuesValidator, describeWithChartData, expectValidValues } from '../chart-schema';
import { expectRefusal } from '../helpers';

// The release model is pure: props and the scope's context in, chart values out, no construct.

const IMAGE = { repository: 'ghcr.io/esphome/esphome', tag: '2025.11.2' };
const CONTEXT = { id: 'esphome', chartNamespace: 'home-automation', fluxNamespace: 'flux-system' };

describe('resolveRelease', () => {
  test('props and context in, the model and its values out', () => {
    // GIVEN a release with a port, a claim and a probe WHEN it is resolved
    const model = resolveRelease({
      image: IMAGE,
      ports: [{ name: 'http', port: 6052 }],
      persistence: { config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(2), retain: false }) },
      probes: { liveness: AppTemplateProbe.tcp() },
    }, CONTEXT);
    // THEN
    expect(model).toMatchObject({
      releaseName: 'esphome', namespace: 'home-automation', controller: 'esphome', interval: '30m', sourceNamespace: 'flux-system',
      image: 'ghcr.io/esphome/esphome:2025.11.2', singlePod: false,
    });
    expect(model.values).toEqual({
      controllers: {
        esphome: {
          replicas: 1,
          strategy: 'Recreate',
          containers: { app: { image: IMAGE, probes: { liveness: { enabled: true, type: 'TCP', port: 6052 } } } },
        },
      },
      service: { app: { controller: 'esphome', ports: { http: { port: 6052 } } } },
      persistence: { config: { type: 'persistentVolumeClaim', accessMode: 'ReadWriteOnce', size: '2Gi', retain: false, globalMounts: [{ path: '/config' }] } },
    });
  });

  test('the source\'s namespace wins over the scope\'s Flux namespace', () => {
    const model = resolveRelease({ image: IMAGE, chart: AppTemplateChart.bjwS({ source: AppTemplateSource.oci({ namespace: 'flux' }) }) }, CONTEXT);
    expect(model.sourceNamespace).toBe('flux');
  });

  test('a pod with static addresses or a MAC is a single pod; networks without them are not', () => {
    const ref = NetworkRef.of('iot', 'kube-system');
    expect(resolveRelease({ image: IMAGE, networks: [{ network: ref, ips: ['192.0.2.10/24'] }] }, CONTEXT).singlePod).toBe(true);
    expect(resolveRelease({ image: IMAGE, networks: [{ network: ref, mac: '02:00:00:00:00:01' }] }, CONTEXT).singlePod).toBe(true);
    expect(resolveRelease({ image: IMAGE, networks: [{ network: ref }] }, CONTEXT).singlePod).toBe(false);
  });

  test('values merge over the rendered values; the input is not modified', () => {
    const values = { controllers: { esphome: { pod: { priorityClassName: 'home' } } } };
    const model = resolveRelease({ image: IMAGE, values }, CONTEXT);
    expect(model.values.controllers.esphome).toEqual({ replicas: 1, strategy: 'Recreate', pod: { priorityClassName: 'home' }, containers: { app: { image: IMAGE } } });
    expect(values).toEqual({ controllers: { esphome: { pod: { priorityClassName: 'home' } } } });
  });
});

describe('the pieces', () => {
  test('sizes: whole gibibytes as Gi, else mebibytes', () => {
    expect(sizeQuantity('size', Size.gibibytes(5), '', undefined)).toBe('5Gi');
    expect(sizeQuantity('size', Size.mebibytes(1536), '', undefined)).toBe('1536Mi');
    expect(sizeQuantity('size', Size.tebibytes(1), '', undefined)).toBe('1024Gi');
  });

  test('a probe without a port takes the first TCP port, not a UDP one', () => {
    const ports = [{ name: 'coap', port: 5683, protocol: 'UDP' as any }, { name: 'http', port: 8080, protocol: 'TCP' as any }];
    expect(renderProbes({ readiness: AppTemplateProbe.tcp() }, ports)).toEqual({ readiness: { enabled: true, type: 'TCP', port: 8080 } });
  });

  test('user values without networks may carry hostNetwork; with a MAC an autoscaler is refused', () => {
    const context = { releaseName: 'esphome', controller: 'esphome', layout: AppTemplateValuesLayout.V5, singlePod: false, networks: false };
    expect(() => checkUserValues({ defaultPodOptions: { hostNetwork: true } }, context)).not.toThrow();
    expect(() => checkUserValues({ controllers: { esphome: { horizontalPodAutoscaler: { maxReplicas: 2 } } } }, context)).not.toThrow();
    expectRefusal(() => checkUserValues({ controllers: { esphome: { horizontalPodAutoscaler: { maxReplicas: 2 } } } }, { ...context, singlePod: true, networks: true }),
      'values.controllers.esphome.horizontalPodAutoscaler', '{"maxReplicas":2}');
  });

  test('a pod-level hostNetwork: false overrides a default of true', () => {
    const context = { releaseName: 'esphome', controller: 'esphome', layout: AppTemplateValuesLayout.V5, singlePod: false, networks: true };
    expect(() => checkUserValues({ defaultPodOptions: { hostNetwork: true }, controllers: { esphome: { pod: { hostNetwork: false } } } }, context)).not.toThrow();
  });
});

describe('maps without a prototype', () => {
  test('env and nodeSelector may be Object.create(null) maps', () => {
    const env = Object.assign(Object.create(null), { TZ: 'UTC' });
    const nodeSelector = Object.assign(Object.create(null), { 'kubernetes.io/hostname': 'node-1' });
    const model = resolveRelease({ image: IMAGE, env, nodeSelector }, CONTEXT);
    expect(model.values.controllers.esphome.containers.app.env).toEqual({ TZ: 'UTC' });
    expect(model.values.controllers.esphome.pod.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'node-1' });
  });
});

describeWithChartData('the model\'s values against the chart\'s values schema', () => {
  test.each(['4.1.1', '5.0.0'])('app-template %s', (version) => {
    // GIVEN a release with a port, a claim, a probe and pod options WHEN it is resolved for the version
    const model = resolveRelease({
      image: IMAGE,
      chart: AppTemplateChart.bjwS({ version }),
      ports: [{ name: 'http', port: 6052 }],
      persistence: { config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(2) }) },
      probes: { liveness: AppTemplateProbe.http('/') },
      podSecurityContext: { runAsUser: 1000, fsGroup: 1000 },
      nodeSelector: { 'kubernetes.io/arch': 'amd64' },
      values: { controllers: { esphome: { pod: { priorityClassName: 'home' } } } },
    }, CONTEXT);
    // THEN its values are valid for the chart
    expectValidValues(appTemplateValuesValidator(version), model.values);
  });
});
