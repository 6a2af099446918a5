import { Duration } from 'cdk8s';
import { ValidationError } from '../../src';
import { checkHelmRepositoryUrl, checkOciChartUrl, checkOciDigest, helmRepositorySpec, ociRepositorySpec } from '../../src/flux/sources';
import { expectRefusal, validationError } from '../helpers';

const EXAMPLE = 'https://charts.example.com';

describe('checkHelmRepositoryUrl', () => {
  test.each([
    'https://angelnu.github.io/helm-charts',
    'http://charts.lan:8080/stable',
    'oci://ghcr.io/angelnu/helm-charts',
  ])('accepts %s', (url) => {
    // GIVEN a URL Flux reads
    // WHEN / THEN it is accepted
    expect(() => checkHelmRepositoryUrl('url', url, EXAMPLE)).not.toThrow();
  });

  // Each of these parses with the WHATWG URL parser, but the HelmRepository CRD's
  // `^(http|https|oci)://.*$` (or Flux) refuses the string as written.
  test.each([
    ['no scheme', 'angelnu.github.io/helm-charts'],
    ['ftp', 'ftp://angelnu.github.io/helm-charts'],
    ['scheme in capitals', 'HTTPS://angelnu.github.io/helm-charts'],
    ['scheme without slashes', 'https:angelnu.github.io'],
    ['oci without a host', 'oci:///charts'],
    ['a newline inside', 'https://angelnu.github.io/helm-\ncharts'],
    ['a trailing space', 'oci://ghcr.io/angelnu/helm-charts '],
    ['a tab', '\thttps://angelnu.github.io/helm-charts'],
  ])('refuses %s', (_name, url) => {
    // GIVEN / WHEN a URL the HelmRepository CRD or Flux refuses as written
    const err = validationError(() => checkHelmRepositoryUrl('chart.url', url, EXAMPLE));
    // THEN it is refused for its field, naming it and an example of a good URL
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.field).toBe('chart.url');
    expect(err.value).toBe(JSON.stringify(url));
    expect(err.hint).toContain(EXAMPLE);
  });
});

describe('helmRepositorySpec', () => {
  test('an https URL: interval and url, no type (Flux defaults to the HTTP index)', () => {
    // GIVEN an https URL and two hours
    // WHEN / THEN the spec holds the interval in Flux's form and the URL
    expect(helmRepositorySpec('https://angelnu.github.io/helm-charts', Duration.hours(2), 'interval'))
      .toEqual({ interval: '2h', url: 'https://angelnu.github.io/helm-charts' });
  });

  test('an oci:// URL carries type oci, without which Flux cannot read the registry', () => {
    // GIVEN an oci:// URL and ninety minutes
    // WHEN / THEN the spec also says type oci
    expect(helmRepositorySpec('oci://ghcr.io/angelnu/helm-charts', Duration.minutes(90), 'interval'))
      .toEqual({ interval: '1h30m', url: 'oci://ghcr.io/angelnu/helm-charts', type: 'oci' });
  });
});

describe('OCI chart sources', () => {
  const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

  test('ociRepositorySpec: the Helm chart layer copied, ref.tag the version, the interval as Flux reads it', () => {
    expect(ociRepositorySpec('oci://ghcr.io/bjw-s-labs/helm/multus', '1.3.1', undefined, Duration.minutes(15), 'interval')).toEqual({
      interval: '15m',
      layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
      ref: { tag: '1.3.1' },
      url: 'oci://ghcr.io/bjw-s-labs/helm/multus',
    });
  });

  test('ociRepositorySpec: a digest goes beside the tag', () => {
    expect(ociRepositorySpec('oci://ghcr.io/x/multus', '1.3.3', DIGEST, Duration.hours(1), 'interval').ref).toEqual({ tag: '1.3.3', digest: DIGEST });
  });

  test.each(['oci://ghcr.io/bjw-s-labs/helm/multus', 'oci://registry.example.com:5000/charts/multus'])('checkOciChartUrl accepts %s', (url) => {
    expect(() => checkOciChartUrl('url', url, 'oci://ghcr.io/x/y')).not.toThrow();
  });

  test.each(['oci://ghcr.io', 'oci://ghcr.io/', 'oci://ghcr.io/x/multus:1.3.1', 'oci://ghcr.io/x/multus@sha256:00', 'https://ghcr.io/x/multus', 'OCI://ghcr.io/x/multus', 'oci://ghcr.io/x/multus\n'])('checkOciChartUrl refuses %j', (url) => {
    expectRefusal(() => checkOciChartUrl('url', url, 'oci://ghcr.io/x/y'), 'url', JSON.stringify(url));
  });

  test('checkOciDigest: sha256 and 64 lower-case hex digits only', () => {
    expect(() => checkOciDigest('digest', DIGEST)).not.toThrow();
    for (const bad of [DIGEST.toUpperCase(), DIGEST.slice(0, -1), `sha512:${'0'.repeat(64)}`, `${DIGEST} `]) {
      expectRefusal(() => checkOciDigest('digest', bad), 'digest', JSON.stringify(bad));
    }
  });
});
