import { ApiObjectMetadata } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError, refusal } from '../errors';
import { isPlainObject } from './merge';
import { isLabelValue, isQualifiedName } from './names';
import { checkSafeString, checkYamlKey, unsafeCharacter } from './strings';

// The `metadata` prop of a construct that makes one Kubernetes object (cdk8s-plus: every resource
// takes one): the user's labels, annotations, finalizers and owner references merged onto the
// metadata the construct writes. The name and namespace stay the construct's own (its props say
// them, and other objects refer to them), as do the labels a selector matches and the annotations
// the construct writes.

/** The metadata a construct writes for its object, and what a user may not change of it. @internal */
export interface OwnMetadata {
  readonly name: string;
  readonly namespace: string;
  /** Labels the construct writes (a selector matches them): a different value is refused. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotation keys the construct writes itself (the pod's networks annotation): refused. */
  readonly reservedAnnotations?: ReadonlyArray<string>;
  /** Where the name comes from, for the hint (`the name prop`). */
  readonly nameFrom: string;
  /** Where the namespace comes from, for the hint (`the namespace prop`). */
  readonly namespaceFrom: string;
}

/** The keys of `ApiObjectMetadata` the merge knows; any other is refused (a typo would be dropped). */
const KNOWN_KEYS = ['name', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences'];

/**
 * Every problem of a `metadata` prop, given the metadata the construct writes (empty when it can
 * be merged).
 * @internal
 */
export function metadataProblems(given: ApiObjectMetadata | undefined, own: OwnMetadata, scope?: IConstruct): ValidationError[] {
  if (given === undefined) return [];
  if (!isPlainObject(given)) {
    return [refusal({ field: 'metadata', value: given, hint: 'give an object such as { labels: { "app.kubernetes.io/part-of": "home" } }', scope })];
  }
  const problems: ValidationError[] = [];
  for (const key of Object.keys(given)) {
    if (!KNOWN_KEYS.includes(key)) {
      problems.push(refusal({ field: `metadata.${key}`, value: given[key], hint: `metadata takes ${KNOWN_KEYS.join(', ')}; set anything else on the construct's object with addJsonPatch()`, scope, problem: 'is not a key of metadata' }));
    }
  }
  if (given.name !== undefined && given.name !== own.name) {
    problems.push(refusal({ field: 'metadata.name', value: given.name, hint: `the object's name is ${own.name}, from ${own.nameFrom}: set it there, or leave metadata.name out`, scope, problem: 'conflicts with the construct\'s name' }));
  }
  // (A namespace the construct could not resolve is reported by the construct itself.)
  if (given.namespace !== undefined && own.namespace !== undefined && given.namespace !== own.namespace) {
    problems.push(refusal({ field: 'metadata.namespace', value: given.namespace, hint: `the object's namespace is ${own.namespace}, from ${own.namespaceFrom}: set it there, or leave metadata.namespace out`, scope, problem: 'conflicts with the construct\'s namespace' }));
  }
  problems.push(...mapProblems('labels', given.labels, scope, (key, value) => {
    if (!isLabelValue(value)) return { value, hint: 'give a label value: at most 63 characters, alphanumerics, "-", "_" and "." inside, or empty', problem: 'is not a label value' };
    const mine = own.labels?.[key];
    if (mine !== undefined && mine !== value) return { value, hint: `the construct sets ${key}: ${mine}, which its selector matches; leave it out or give the same value`, problem: 'conflicts with a label of the construct' };
    return undefined;
  }));
  problems.push(...mapProblems('annotations', given.annotations, scope, (key, value) => {
    if (typeof value !== 'string') return { value, hint: 'give the annotation\'s value as a string (JSON.stringify for structured data)', problem: 'is not a string' };
    if (own.reservedAnnotations?.includes(key)) return { value, hint: `the construct writes ${key} itself, checked; set it through the construct's props`, problem: 'is written by the construct' };
    // Multi-line values (a config snippet) are fine; what YAML cannot carry unchanged is not.
    const unsafe = unsafeCharacter(value, { multiline: true });
    return unsafe ? { value, hint: `remove it: the annotation is written to YAML, which cannot carry ${unsafe.codePoint} unchanged`, problem: `contains ${unsafe.description} (${unsafe.codePoint} at index ${unsafe.index})` } : undefined;
  }));
  if (given.finalizers !== undefined) {
    if (!Array.isArray(given.finalizers)) {
      problems.push(refusal({ field: 'metadata.finalizers', value: given.finalizers, hint: 'give a list of qualified names, e.g. ["example.com/cleanup"]', scope }));
    } else {
      given.finalizers.forEach((f: unknown, i: number) => {
        if (!isQualifiedName(f)) problems.push(refusal({ field: `metadata.finalizers[${i}]`, value: f, hint: 'give a qualified name, e.g. "example.com/cleanup"', scope }));
      });
    }
  }
  if (given.ownerReferences !== undefined && (!Array.isArray(given.ownerReferences) || !given.ownerReferences.every(isPlainObject))) {
    problems.push(refusal({ field: 'metadata.ownerReferences', value: given.ownerReferences, hint: 'give a list of owner references ({ apiVersion, kind, name, uid })', scope }));
  }
  return problems;
}

/**
 * The object's metadata: the construct's own, with the user's labels and annotations added (in key
 * order, after the construct's own) and finalizers and owner references as given. Call it on
 * metadata `metadataProblems` found nothing in.
 * @internal
 */
export function mergeMetadata(given: ApiObjectMetadata | undefined, own: OwnMetadata): ApiObjectMetadata {
  const labels = { ...(own.labels ?? {}), ...sorted(given?.labels) };
  const annotations = sorted(given?.annotations);
  return {
    name: own.name,
    namespace: own.namespace,
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    ...(given?.finalizers !== undefined ? { finalizers: [...given.finalizers] } : {}),
    ...(given?.ownerReferences !== undefined ? { ownerReferences: given.ownerReferences.map((r) => ({ ...r })) } : {}),
  };
}

function sorted(map: { [key: string]: string } | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(map ?? {}).sort()) out[key] = map![key];
  return out;
}

/** The problems of a map of labels or annotations: its form, each key, and each value (`check`). */
function mapProblems(
  name: 'labels' | 'annotations',
  map: unknown,
  scope: IConstruct | undefined,
  check: (key: string, value: unknown) => { value: unknown; hint: string; problem: string } | undefined,
): ValidationError[] {
  if (map === undefined) return [];
  if (!isPlainObject(map)) {
    return [refusal({ field: `metadata.${name}`, value: map, hint: `give a map of ${name}, e.g. { "app.kubernetes.io/part-of": "home" }`, scope })];
  }
  const problems: ValidationError[] = [];
  for (const [key, value] of Object.entries(map)) {
    const field = `metadata.${name}.${key}`;
    if (!isQualifiedName(key)) {
      problems.push(refusal({ field, value: key, hint: 'give a qualified name as the key: [prefix/]name, the name at most 63 characters (e.g. "app.kubernetes.io/part-of")', scope, problem: 'is not a valid key' }));
      continue;
    }
    const found = check(key, value);
    if (found) {
      problems.push(refusal({ field, scope, ...found }));
      continue;
    }
    // The one check of strings bound for YAML (util/strings): here, what a reader would read back
    // as another type ("0o17").
    try {
      checkYamlKey(field, key, `a key of ${name}`, scope);
      if (typeof value === 'string') checkSafeString(field, value, `a value of ${name}`, scope, { multiline: name === 'annotations' });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      problems.push(e);
    }
  }
  return problems;
}
