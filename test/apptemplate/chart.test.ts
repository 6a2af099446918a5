import { Duration } from 'cdk8s';
import {
  AppTemplateChart, AppTemplateSource, AppTemplateSourceKind, AppTemplateSourceOptions, AppTemplateValuesLayout,
} from '../../src';
import { expectRefusal } from '../helpers';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('AppTemplateChart.bjwS(): versions and values layouts', () => {
  test('the default is 5.0.0, the newest 5.x the library knows, from the OCI registry', () => {
    // GIVEN nothing WHEN the chart is chosen
    const chart = AppTemplateChart.bjwS();
    // THEN
    expect(chart).toMatchObject({ chart: 'app-template', version: '5.0.0', layout: AppTemplateValuesLayout.V5 });
    expect(chart.source).toMatchObject({
      kind: AppTemplateSourceKind.OCI_REPOSITORY, url: 'oci://ghcr.io/bjw-s-labs/helm/app-template', name: 'app-template', existing: false,
    });
    expect(chart.source.namespace).toBeUndefined();
    expect(chart.source.digest).toBeUndefined();
    expect(chart.source.interval.toHours()).toBe(2);
  });

  test('4.1.1 is known, with the 4.x layout', () => {
    expect(AppTemplateChart.bjwS({ version: '4.1.1' }).layout).toBe(AppTemplateValuesLayout.V4);
  });

  test('a newer 5.x (or another 4.x) needs its layout named, after its schema has been checked', () => {
    // GIVEN a version the library has not checked WHEN it comes with the layout of its major THEN it is taken
    expect(AppTemplateChart.bjwS({ version: '5.2.1', valuesLayout: AppTemplateValuesLayout.V5 })).toMatchObject({ version: '5.2.1', layout: AppTemplateValuesLayout.V5 });
    expect(AppTemplateChart.bjwS({ version: '4.4.0', valuesLayout: AppTemplateValuesLayout.V4 }).layout).toBe(AppTemplateValuesLayout.V4);
    // ... and without one it is refused, naming the layout to give
    expectRefusal(() => AppTemplateChart.bjwS({ version: '5.2.1' }), 'chart.version', '"5.2.1"');
    expect(() => AppTemplateChart.bjwS({ version: '5.2.1' })).toThrow(/valuesLayout: AppTemplateValuesLayout.V5/);
  });

  test.each([
    ['a range', { version: '^5.0.0' }, 'chart.version', '"^5.0.0"'],
    ['a number', { version: 5 }, 'chart.version', '5'],
    ['a 3.x', { version: '3.7.3' }, 'chart.version', '"3.7.3"'],
    ['a 3.x with a layout', { version: '3.7.3', valuesLayout: AppTemplateValuesLayout.V4 }, 'chart.version', '"3.7.3"'],
    ['a 6.x', { version: '6.0.0', valuesLayout: AppTemplateValuesLayout.V5 }, 'chart.version', '"6.0.0"'],
    ['the layout of another major', { version: '5.1.0', valuesLayout: AppTemplateValuesLayout.V4 }, 'chart.valuesLayout', '"V4"'],
    ['another layout for a known version', { version: '5.0.0', valuesLayout: AppTemplateValuesLayout.V4 }, 'chart.valuesLayout', '"V4"'],
    ['a layout that is no AppTemplateValuesLayout', { version: '5.1.0', valuesLayout: 'V5' }, 'chart.valuesLayout', '"V5"'],
    ['a source that is no AppTemplateSource', { source: { kind: 'OCIRepository' } }, 'chart.source', '{"kind":"OCIRepository"}'],
    ['options that are no object', 'v5', 'chart', '"v5"'],
  ])('refuses %s', (_name, options, field, shown) => {
    expectRefusal(() => AppTemplateChart.bjwS(options as any), field, shown);
  });

  test('null options (a JavaScript caller\'s omitted argument) are the defaults', () => {
    expect(AppTemplateChart.bjwS(null as any).version).toBe('5.0.0');
  });
});

describe('AppTemplateSource', () => {
  test('oci(): a digest pin, another name, namespace and interval', () => {
    const source = AppTemplateSource.oci({ digest: DIGEST, name: 'app-template-5', namespace: 'flux', interval: Duration.minutes(15) });
    expect(source).toMatchObject({ kind: AppTemplateSourceKind.OCI_REPOSITORY, digest: DIGEST, name: 'app-template-5', namespace: 'flux' });
    expect(source.interval.toMinutes()).toBe(15);
  });

  test('helmRepository(): HelmRepository bjw-s at the HTTP repository', () => {
    expect(AppTemplateSource.helmRepository()).toMatchObject({
      kind: AppTemplateSourceKind.HELM_REPOSITORY, url: 'https://bjw-s-labs.github.io/helm-charts', name: 'bjw-s', existing: false,
    });
    expect(AppTemplateSource.helmRepository({ existing: true }).existing).toBe(true);
  });

  test.each([
    ['an OCI URL with a tag', () => AppTemplateSource.oci({ url: 'oci://ghcr.io/bjw-s-labs/helm/app-template:5.0.0' }), 'chart.source.url', '"oci://ghcr.io/bjw-s-labs/helm/app-template:5.0.0"'],
    ['an https URL for OCI', () => AppTemplateSource.oci({ url: 'https://bjw-s-labs.github.io/helm-charts' }), 'chart.source.url', '"https://bjw-s-labs.github.io/helm-charts"'],
    ['a short digest', () => AppTemplateSource.oci({ digest: 'sha256:abc' }), 'chart.source.digest', '"sha256:abc"'],
    ['a digest for a HelmRepository', () => AppTemplateSource.helmRepository({ digest: DIGEST } as AppTemplateSourceOptions), 'chart.source.digest', JSON.stringify(DIGEST)],
    ['a Helm URL without scheme', () => AppTemplateSource.helmRepository({ url: 'bjw-s-labs.github.io/helm-charts' }), 'chart.source.url', '"bjw-s-labs.github.io/helm-charts"'],
    ['a name that is no DNS label', () => AppTemplateSource.oci({ name: 'App_Template' }), 'chart.source.name', '"App_Template"'],
    ['a namespace that is no DNS label', () => AppTemplateSource.helmRepository({ namespace: 'Flux System' }), 'chart.source.namespace', '"Flux System"'],
    ['an interval that is no Duration', () => AppTemplateSource.oci({ interval: '1h' as any }), 'chart.source.interval', '"1h"'],
    ['existing that is no boolean', () => AppTemplateSource.oci({ existing: 'yes' as any }), 'chart.source.existing', '"yes"'],
  ])('refuses %s', (_name, fn, field, shown) => {
    expectRefusal(fn, field, shown);
  });

  test('every problem of the options is reported at once', () => {
    expect(() => AppTemplateSource.oci({ url: 'x', digest: 'y', name: 'Z' })).toThrow(/^3 problems:/);
  });
});
