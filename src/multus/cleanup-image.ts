import { IConstruct } from 'constructs';
import { invalid } from '../errors';

// The OCI distribution reference grammar (distribution/reference): an optional registry host
// (with port), path components, then a tag and/or a sha256 digest.
const DOMAIN = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?';
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Checks a pinned image reference (`name:tag`, `name@sha256:...` or both) for the helper workloads
 * (node clean-up, verification pod). An image without a tag, or with `latest`, would change under
 * the user between two runs of the same runbook, so both are refused.
 * @internal
 */
export function checkPinnedImage(field: string, image: string, example: string, scope?: IConstruct): void {
  if (typeof image !== 'string' || image.length === 0) {
    invalid(field, image, `give a pinned image reference such as "${example}"`, scope);
  }
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > withoutDigest.lastIndexOf('/');
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = hasTag ? withoutDigest.slice(colon + 1) : undefined;
  const wellFormed = NAME.test(name)
    && (tag === undefined || TAG.test(tag))
    && (digest === undefined || DIGEST.test(digest));
  if (!wellFormed) {
    invalid(field, image, `give an image reference such as "${example}" (lower-case name, then ":tag" and/or "@sha256:<digest>")`, scope);
  }
  if (tag === undefined && digest === undefined) {
    invalid(field, image, `pin a tag or digest, e.g. "${example}": an untagged image is "latest" and changes between runs`, scope, 'is not pinned');
  }
  if (tag === 'latest' && digest === undefined) {
    invalid(field, image, `pin a version tag or digest, e.g. "${example}": "latest" changes between runs`, scope, 'is not pinned');
  }
}
