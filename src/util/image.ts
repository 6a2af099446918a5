import { IConstruct } from 'constructs';
import { invalid } from '../errors';

// The image reference grammar of distribution/reference (regexp.go), which containerd and the
// kubelet parse images with:
//
//   reference        := name [ ":" tag ] [ "@" digest ]
//   name             := [domain "/"] path-component ["/" path-component]*
//   domain           := host [":" port-number]
//   host             := domain-name | "[" IPv6 address "]"
//   domain-name      := domain-component ["." domain-component]*
//   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//   path-component   := /[a-z0-9]+/ [separator /[a-z0-9]+/]*
//   separator        := /[_.]|__|[-]+/
//   tag              := /[\w][\w.-]{0,127}/
//
// The registry host may carry capitals (host names are case-insensitive); the path may not.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[_.]|__|[-]+)[a-z0-9]+)*';
const NAME = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
// distribution/reference checks digests with go-digest, which knows these algorithms and wants
// their hex encoding in lower case and at full length.
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;
// reference.NameTotalLengthMax.
const NAME_MAX = 255;
// A name of 64 hex digits reads as an image id; reference.ParseNormalizedNamed refuses it.
const IMAGE_ID = /^[a-f0-9]{64}$/;

/**
 * An image reference, split into its parts.
 * @internal
 */
export interface ImageReference {
  /** The repository, with its registry host if any: `ghcr.io/k8snetworkplumbingwg/multus-cni`. */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * True iff `name` is an image repository (registry host and path, without tag or digest).
 * @internal
 */
export function isImageName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= NAME_MAX && NAME.test(name) && !IMAGE_ID.test(name);
}

/**
 * True iff `tag` is an image tag.
 * @internal
 */
export function isImageTag(tag: unknown): tag is string {
  return typeof tag === 'string' && TAG.test(tag);
}

/**
 * Splits an image reference (`name[:tag][@digest]`); undefined when any part breaks the grammar.
 * @internal
 */
export function parseImageReference(image: unknown): ImageReference | undefined {
  if (typeof image !== 'string') return undefined;
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  // A ":" after the last "/" starts the tag; one before it belongs to the registry's port.
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > withoutDigest.lastIndexOf('/');
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = hasTag ? withoutDigest.slice(colon + 1) : undefined;
  if (!isImageName(name) || (tag !== undefined && !isImageTag(tag)) || (digest !== undefined && !DIGEST.test(digest))) {
    return undefined;
  }
  return { name, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/**
 * Checks a pinned image reference (`name:tag`, `name@sha256:...` or both) for the helper workloads
 * (node clean-up, verification pod). An image without a tag, or with `latest`, would change under
 * the user between two runs of the same runbook, so both are refused.
 * @internal
 */
export function checkPinnedImage(field: string, image: string, example: string, scope?: IConstruct): void {
  if (typeof image !== 'string' || image.length === 0) {
    invalid({ field, value: image, hint: `give a pinned image reference such as "${example}"`, scope });
  }
  const ref = parseImageReference(image);
  if (!ref) {
    invalid({ field, value: image, hint: `give an image reference such as "${example}" (a registry host, a lower-case path, then ":tag" and/or "@sha256:<digest>")`, scope });
  }
  if (ref.tag === undefined && ref.digest === undefined) {
    invalid({ field, value: image, hint: `pin a tag or digest, e.g. "${example}": an untagged image is "latest" and changes between runs`, scope, problem: 'is not pinned' });
  }
  if (ref.tag === 'latest' && ref.digest === undefined) {
    invalid({ field, value: image, hint: `pin a version tag or digest, e.g. "${example}": "latest" changes between runs`, scope, problem: 'is not pinned' });
  }
}
