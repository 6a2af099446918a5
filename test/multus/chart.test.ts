import { MultusChart, MultusValuesLayout, ValidationError } from '../../src';
import { validationError } from '../helpers';

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
