import { Chart, Duration, Size } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AppTemplateChart, AppTemplateEnvSource, AppTemplatePersistence, AppTemplateProbe, AppTemplateRelease, CpuQuantity, IotNetwork,
  ValidationError,
} from '../../src';
import { IOT, testApp } from '../helpers';

// Whatever a JavaScript caller passes in any prop, AppTemplateRelease returns or throws a
// ValidationError: never a TypeError from deep inside, never another error.

const IMAGE = { repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.11.3' };

/** Anything a caller can pass: JSON-ish values, the library's own objects, odd objects. */
const junk: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(undefined, null, true, false, 0, -1, 1.5, NaN, Infinity, '', ' ', 'latest', '/config', 'http', '\n', '{{ .Release.Name }}'),
    fc.string(),
    fc.integer(),
    fc.constantFrom(
      AppTemplatePersistence.emptyDir(), AppTemplatePersistence.device('/dev/ttyUSB0'), AppTemplatePersistence.existingClaim('x'),
      AppTemplateProbe.tcp(), AppTemplateProbe.http('/'), AppTemplateEnvSource.secret('s'), AppTemplateChart.bjwS(),
      Size.gibibytes(1), Duration.seconds(10), CpuQuantity.millis(100), Object.create(null), [],
    ),
    fc.array(tie('any'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('name', 'port', 'protocol', 'privileged', 'liveness', 'config', 'controllers', 'home-assistant', 'pod', 'containers', 'app', 'image', 'TZ', 'annotations', 'k8s.v1.cni.cncf.io/networks', 'hostNetwork', 'rawResources', 'manifest', 'replicas'), tie('any'), { maxKeys: 4 }),
  ),
})).any;

const PROPS = ['image', 'chart', 'releaseName', 'namespace', 'controller', 'interval', 'replicas', 'strategy', 'ports', 'persistence', 'env', 'envFrom', 'securityContext', 'podSecurityContext', 'resources', 'probes', 'nodeSelector', 'networks', 'values'];

describe('AppTemplateRelease with arbitrary props (property)', () => {
  test('returns, or throws a ValidationError', () => {
    fc.assert(fc.property(fc.constantFrom(...PROPS), junk, fc.boolean(), (prop, value, withImage) => {
      // GIVEN a fresh app WHEN one prop holds anything at all
      const app = testApp();
      const iot = new IotNetwork(new Chart(app, 'net', { namespace: 'kube-system' }), 'iot', IOT);
      void iot;
      const home = new Chart(app, 'home', { namespace: 'home-automation' });
      const props: Record<string, unknown> = { ...(withImage ? { image: IMAGE } : {}), [prop]: value };
      // THEN the release is made, or refused with a ValidationError
      try {
        new AppTemplateRelease(home, 'home-assistant', props as any);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
      }
    }), { numRuns: 3000 });
  });

  test('the factories of volumes, probes, env sources and charts, given anything: a ValidationError at the latest when the release is made', () => {
    const f = (x: unknown) => x as any;
    const makers: Array<(a: unknown, b: unknown, c: unknown) => Record<string, unknown>> = [
      (a) => ({ persistence: { config: AppTemplatePersistence.persistentVolumeClaim(f(a)) } }),
      (a, b) => ({ persistence: { config: AppTemplatePersistence.existingClaim(f(a), f(b)) } }),
      (a, b) => ({ securityContext: { privileged: true }, persistence: { usb: AppTemplatePersistence.device(f(a), f(b)) } }),
      (a, b) => ({ persistence: { dbus: AppTemplatePersistence.hostPath(f(a), f(b)) } }),
      (a) => ({ persistence: { tmp: AppTemplatePersistence.emptyDir(f(a)) } }),
      (a, b, c) => ({ persistence: { recs: AppTemplatePersistence.nfs(f(a), f(b), f(c)) } }),
      (a, b) => ({ ports: [{ name: 'http', port: 8123 }], probes: { liveness: AppTemplateProbe.tcp(f(a), f(b)) } }),
      (a, b, c) => ({ ports: [{ name: 'http', port: 8123 }], probes: { startup: AppTemplateProbe.http(f(a), f(b), f(c)) } }),
      (a) => ({ envFrom: [AppTemplateEnvSource.configMap(f(a))] }),
      (a) => ({ chart: AppTemplateChart.bjwS(f(a)) }),
    ];
    fc.assert(fc.property(fc.nat(makers.length - 1), junk, junk, junk, (i, a, b, c) => {
      const home = new Chart(testApp(), 'home', { namespace: 'home-automation' });
      try {
        new AppTemplateRelease(home, 'home-assistant', { image: IMAGE, ...makers[i](a, b, c) } as any);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
      }
    }), { numRuns: 3000 });
  });
});
