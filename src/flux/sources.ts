import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { HelmRepositorySpec, HelmRepositorySpecType, OciRepositorySpec, OciRepositorySpecLayerSelectorOperation } from '../../imports/source.toolkit.fluxcd.io';
import { invalid } from '../errors';
import { isImageName } from '../util/image';
import { checkSafeString } from '../util/strings';
import { fluxDuration } from './duration';

// The HelmRepository CRD (source.toolkit.fluxcd.io/v1) accepts `url` only against
// `^(http|https|oci)://.*$`, case-sensitive: `HTTPS://...` or `https:host` would parse as URLs
// but fail the CRD's validation when Flux applies the object.
const SCHEME = /^(https?|oci):\/\//;

/**
 * Checks a Helm repository URL: an `http://`, `https://` or `oci://` URL with a host, written
 * exactly as the HelmRepository CRD accepts it. The URL parser silently strips tabs and newlines
 * and trims spaces, but the string is written to the manifest as given, so unsafe characters
 * (util/strings) and white space are refused before parsing.
 * @internal
 */
export function checkHelmRepositoryUrl(field: string, url: string, example: string, scope?: IConstruct): void {
  if (typeof url !== 'string') {
    invalid({ field, value: url, hint: `give the Helm repository URL, e.g. "${example}"`, scope });
  }
  // White space, which no URL holds and which the URL parser would silently strip; then every other
  // character YAML cannot carry, as everywhere else (util/strings).
  if (/\s/.test(url)) {
    invalid({ field, value: url, hint: `give the Helm repository URL without white space or control characters, e.g. "${example}"`, scope });
  }
  checkSafeString(field, url, 'a repository URL', scope);
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!SCHEME.test(url) || !parsed || parsed.hostname === '') {
    invalid({ field, value: url, hint: `give the Helm repository URL starting with https://, http:// or oci://, e.g. "${example}"`, scope });
  }
  // The URL is written to the manifest, and so to git: credentials in it are published with it.
  if (parsed.username !== '' || parsed.password !== '') {
    invalid({ field, value: `${parsed.protocol}//***@${parsed.host}${parsed.pathname}`, hint: 'remove the user name and password from the URL: it is written to the repository tree in git; give Flux the credentials in a Secret named by the HelmRepository\'s spec.secretRef (https://fluxcd.io/flux/components/source/helmrepositories/#secret-reference)', scope, problem: 'carries credentials' });
  }
  if (isOciUrl(url)) checkOciReference(field, url, example, scope);
}

/**
 * Refuses an `oci://` URL whose reference breaks the OCI reference grammar (distribution/reference,
 * util/image: a registry host, then lower-case path components), which Flux's source-controller
 * and Helm parse it with: an upper-case path, a trailing or doubled `/` (the chart name derived
 * from the last component would be empty), a `?query` or `#fragment`, a tag or digest.
 */
function checkOciReference(field: string, url: string, example: string, scope?: IConstruct): void {
  const reference = url.slice('oci://'.length);
  const valid: boolean = isImageName(reference);
  if (valid) return;
  const why = /[?#]/.test(reference) ? 'a query or fragment, which an OCI reference has no place for'
    : reference.endsWith('/') ? 'a trailing "/", which leaves an empty last path component (the chart name)'
      : /\/\//.test(reference) ? 'an empty path component ("//")'
        : /[A-Z]/.test(reference.slice(reference.indexOf('/') + 1)) ? 'capitals in the path, which OCI repository names never have'
          : 'a character or separator the OCI reference grammar does not allow';
  invalid({ field, value: url, problem: 'is not an OCI reference', hint: `it has ${why}; give oci://, a registry host and a lower-case path of letters, digits and single ".", "_" or "-" between them, e.g. "${example}"`, scope });
}

/** True iff `url` (already checked) names an OCI registry rather than an index over HTTP. */
function isOciUrl(url: string): boolean {
  return url.startsWith('oci://');
}

/**
 * The spec of a Flux HelmRepository for a checked URL: `{ interval, url, type? }`. An `oci://` URL
 * is an OCI Helm registry, which Flux reads only with `type: oci`; without it, Flux fetches
 * `index.yaml` from the URL and the source never becomes ready.
 * @internal
 */
export function helmRepositorySpec(url: string, interval: Duration, intervalField: string, scope?: IConstruct): HelmRepositorySpec {
  return {
    interval: fluxDuration(intervalField, interval, scope),
    url,
    ...(isOciUrl(url) ? { type: HelmRepositorySpecType.OCI } : {}),
  };
}

/**
 * The media type of a Helm chart's layer in an OCI artifact: what an OCIRepository must select for
 * a HelmRelease's `chartRef` to read it as a chart.
 */
const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** A digest as OCI registries give it (and the OCIRepository CRD's `ref.digest` takes). */
const OCI_DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Checks the URL of a Helm chart in an OCI registry, as an OCIRepository takes it: `oci://`, a host
 * and the chart's repository path, without a tag (the version goes to `ref.tag`).
 * @internal
 */
export function checkOciChartUrl(field: string, url: string, example: string, scope?: IConstruct): void {
  checkHelmRepositoryUrl(field, url, example, scope);
  // Past checkHelmRepositoryUrl an oci:// URL holds an OCI reference (checkOciReference).
  const path = url.startsWith('oci://') ? url.slice('oci://'.length).split('/').slice(1).join('/') : '';
  if (!url.startsWith('oci://') || path === '') {
    invalid({ field, value: url, hint: `give the chart's OCI repository without a tag or digest, e.g. "${example}" (the version is given on its own)`, scope });
  }
}

/**
 * Checks a digest pin of an OCI artifact: `sha256:` and 64 lower-case hex digits.
 * @internal
 */
export function checkOciDigest(field: string, digest: string, scope?: IConstruct): void {
  if (typeof digest !== 'string' || !OCI_DIGEST.test(digest)) {
    invalid({ field, value: digest, hint: 'give the digest the registry reports for the chart version, "sha256:" and 64 lower-case hex digits (e.g. from `crane digest` or `oras resolve`)', scope });
  }
}

/**
 * The spec of a Flux OCIRepository (source.toolkit.fluxcd.io/v1) that serves one Helm chart
 * version to a HelmRelease's `chartRef`, as the public home-ops repositories write it: the chart
 * layer copied as is, `ref.tag` the chart version, and `ref.digest` when pinned. A digest is the
 * only pin that survives a re-publication of the same version: Flux then refuses any other content.
 * @internal
 */
export function ociRepositorySpec(url: string, tag: string, digest: string | undefined, interval: Duration, intervalField: string, scope?: IConstruct): OciRepositorySpec {
  return {
    interval: fluxDuration(intervalField, interval, scope),
    layerSelector: { mediaType: HELM_CHART_LAYER, operation: OciRepositorySpecLayerSelectorOperation.COPY },
    ref: { tag, ...(digest !== undefined ? { digest } : {}) },
    url,
  };
}
