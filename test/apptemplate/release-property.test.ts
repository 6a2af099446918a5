import { App, Chart, Duration, Size } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AppTemplateChart, AppTemplateEnvSource, AppTemplatePersistence, AppTemplateProbe, AppTemplateRelease, CpuQuantity, IotNetwork,
  ValidationError,
} from '../../src';
import { parseAllDocuments } from 'yaml';
import { CHART_DATA, expectValidAppTemplateRelease } from '../chart-schema';
import { IOT, testApp, thrown } from '../helpers';

// Whatever a JavaScript caller passes in any prop, AppTemplateRelease returns or throws a
// ValidationError: never a TypeError from deep inside, never another error. What it returns
// synthesizes, parses back to the release it reports, and is valid for the chart's schemas; a
// baseline and counts of both outcomes show that the properties exercise both halves.

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

/** The outcome of making a release and synthesizing its app: the parsed manifests, or the ValidationError (anything else fails the property). */
function makeAndSynth(app: App, make: () => AppTemplateRelease): { release: AppTemplateRelease; manifests: any[] } | ValidationError {
  let release: AppTemplateRelease | undefined;
  let yaml = '';
  const e = thrown(() => {
    release = make();
    yaml = app.synthYaml();
  });
  if (e instanceof ValidationError) return e;
  if (e !== undefined) throw new Error(`expected a release or a ValidationError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  return { release: release!, manifests: parseAllDocuments(yaml).map((d) => d.toJS()).filter((m) => m !== null) };
}

/**
 * THEN, for a release that was made: the synthesized YAML parses back to its HelmRelease, under
 * the release's own name and namespace, running the image the release reports, on a chart source
 * that is among the manifests, and (with the chart data beside the repository) valid for the
 * chart version's values and HelmRelease schemas. `values` is the escape hatch (chart values merged
 * as given, refused only where they would undo a prop), so with it the schemas are not asked.
 */
function expectSynthesizedRelease(release: AppTemplateRelease, manifests: any[], userValues = false): void {
  const releases = manifests.filter((m) => m.kind === 'HelmRelease');
  expect(releases.map((m) => `${m.metadata.namespace}/${m.metadata.name}`)).toEqual([`${release.namespace}/${release.releaseName}`]);
  const [hr] = releases;
  expect(hr).toEqual(JSON.parse(JSON.stringify(release.helmRelease.toJson())));
  const container = hr.spec.values.controllers[release.controller].containers.app;
  expect(`${container.image.repository}:${container.image.tag}`).toBe(release.image);
  const ref = hr.spec.chartRef ?? hr.spec.chart.spec.sourceRef;
  expect(manifests.filter((m) => m.kind === ref.kind && m.metadata.name === ref.name).length + (release.chartSource ? 0 : 1)).toBe(1);
  if (CHART_DATA.dir && !userValues) expectValidAppTemplateRelease(hr, release.chart.version);
}

/** A fresh app with the IoT network (kube-system) and a chart for the release (home-automation). */
function givenApp(): { app: App; home: Chart } {
  const app = testApp();
  new IotNetwork(new Chart(app, 'net', { namespace: 'kube-system' }), 'iot', IOT);
  return { app, home: new Chart(app, 'home', { namespace: 'home-automation' }) };
}

describe('AppTemplateRelease with arbitrary props (property)', () => {
  test('the baseline: an image alone makes a release that synthesizes and parses back, valid for the chart', () => {
    // GIVEN the least a release needs WHEN it is made and synthesized THEN every check of the properties below holds
    const { app, home } = givenApp();
    const made = makeAndSynth(app, () => new AppTemplateRelease(home, 'home-assistant', { image: IMAGE }));
    expect(made).not.toBeInstanceOf(ValidationError);
    const { release, manifests } = made as Exclude<typeof made, ValidationError>;
    expectSynthesizedRelease(release, manifests);
    expect(release.image).toBe(`${IMAGE.repository}:${IMAGE.tag}`);
  });

  test('returns a release that synthesizes and parses back, or throws a ValidationError', () => {
    const outcomes = { made: 0, refused: 0 };
    fc.assert(fc.property(fc.constantFrom(...PROPS), junk, fc.boolean(), (prop, value, withImage) => {
      // GIVEN a fresh app WHEN one prop holds anything at all
      const { app, home } = givenApp();
      const props: Record<string, unknown> = { ...(withImage ? { image: IMAGE } : {}), [prop]: value };
      const made = makeAndSynth(app, () => new AppTemplateRelease(home, 'home-assistant', props as any));
      // THEN the release is refused with a ValidationError, or made, synthesized and valid
      if (made instanceof ValidationError) {
        outcomes.refused++;
        expect(made.field.length).toBeGreaterThan(0);
        return;
      }
      outcomes.made++;
      expectSynthesizedRelease(made.release, made.manifests, prop === 'values');
    }), { numRuns: 3000 });
    // The counterexample a run found: a values key given as undefined wiped the release's controllers
    const { app, home } = givenApp();
    const made = makeAndSynth(app, () => new AppTemplateRelease(home, 'home-assistant', { image: IMAGE, values: { controllers: undefined } } as any));
    if (made instanceof ValidationError) throw made;
    expectSynthesizedRelease(made.release, made.manifests, true);
    // Both halves ran (junk is mostly refused: about 1 in 50 is made, undefined or empty in an optional prop)
    expect(outcomes.made).toBeGreaterThan(10);
    expect(outcomes.refused).toBeGreaterThan(100);
  });

  test('the factories of volumes, probes, env sources and charts, given anything: a release that synthesizes, or a ValidationError at the latest when it is made', () => {
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
    const outcomes = { made: 0, refused: 0 };
    fc.assert(fc.property(fc.nat(makers.length - 1), junk, junk, junk, (i, a, b, c) => {
      const { app, home } = givenApp();
      const made = makeAndSynth(app, () => new AppTemplateRelease(home, 'home-assistant', { image: IMAGE, ...makers[i](a, b, c) } as any));
      if (made instanceof ValidationError) {
        outcomes.refused++;
        return;
      }
      outcomes.made++;
      expectSynthesizedRelease(made.release, made.manifests);
    }), { numRuns: 3000 });
    // Both halves ran (junk rarely makes a valid volume or probe: about 1 in 70 is made)
    expect(outcomes.made).toBeGreaterThan(10);
    expect(outcomes.refused).toBeGreaterThan(100);
  });
});
