import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError, refusal } from '../errors';
import { apiGroupOf, isClusterScoped } from '../knowledge/kinds';
import { isDnsLabel } from './names';
import { unsafeCharacter } from './strings';

// The identity of an object, as the API server and kustomize see it: API group (not version),
// kind, namespace (none for cluster-scoped kinds) and name. Two objects of one identity in one
// cluster are one object: kustomize refuses the second ("may not add resource with an already
// registered id"), kubectl applies both and keeps the last, Flux reports a conflict. The check runs
// at synth over every manifest of every app that uses the library (util/app-checks registers it),
// per identity scope: the app, or each part of it that marks itself as one (a FluxTree is one
// cluster's repository, and two trees of one app are two clusters).

const IDENTITY_SCOPE = Symbol.for('cdk8s-multus.IdentityScope');

/**
 * Marks `scope` as a scope of its own for object identities: the objects below it are checked
 * against each other, not against the rest of the app (a FluxTree: one cluster).
 * @internal
 */
export function markIdentityScope(scope: IConstruct): void {
  Object.defineProperty(scope, IDENTITY_SCOPE, { value: true });
}

/**
 * The identity scope `construct` belongs to: the nearest marked construct from it up, else the root.
 * @internal
 */
export function identityScopeOf(construct: IConstruct): IConstruct {
  for (let s: IConstruct | undefined = construct; s; s = s.node.scope) {
    if ((s as any)[IDENTITY_SCOPE] === true) return s;
  }
  return construct.node.root;
}

/** An object's identity. @internal */
export interface ObjectIdentity {
  readonly group: string;
  readonly kind: string;
  /** Undefined for a cluster-scoped kind. */
  readonly namespace?: string;
  readonly name: string;
}

/**
 * The identity of a manifest. A namespaced object without a namespace is applied to the default
 * namespace, so it is the same object as one that names `default`.
 * @internal
 */
export function identityOf(manifest: any, crdScopes?: ReadonlyMap<string, string>): ObjectIdentity {
  const group = apiGroupOf(manifest?.apiVersion);
  const kind = String(manifest?.kind);
  const name = String(manifest?.metadata?.name);
  if (isClusterScoped(group, kind, crdScopes)) return { group, kind, name };
  const namespace = manifest?.metadata?.namespace;
  return { group, kind, name, namespace: typeof namespace === 'string' && namespace !== '' ? namespace : 'default' };
}

/** `Kind namespace/name (group)`, for messages. @internal */
export function describeIdentity(id: ObjectIdentity): string {
  const where = id.namespace === undefined ? id.name : `${id.namespace}/${id.name}`;
  return `${id.kind} ${where}${id.group === '' ? '' : ` (${id.group})`}`;
}

// Kubernetes kinds are CamelCase identifiers; a kind is part of file names and API paths.
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

/** What an object declares as its identity (without rendering its whole manifest). */
function declared(object: ApiObject): any {
  return { apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.name, namespace: object.metadata.namespace } };
}

/**
 * What is wrong with the parts of an object's identity that reach file names and API paths, if
 * anything: the kind must be an identifier, the name a path segment (apimachinery
 * `IsValidPathSegmentName`: not "." or "..", no "/" or "%"; every kind's own rule is stricter) without
 * characters YAML cannot carry, the namespace a DNS-1123 label.
 */
function malformed(object: ApiObject, m: any): ValidationError | undefined {
  const kind = m.kind;
  const name = m.metadata.name;
  const namespace = m.metadata.namespace;
  if (typeof kind !== 'string' || !KIND.test(kind)) {
    return refusal({ field: 'kind', value: kind, hint: 'give a Kubernetes kind, a CamelCase identifier such as "ConfigMap"', constructPath: object.node.path });
  }
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/%]/.test(name) || unsafeCharacter(name) !== undefined) {
    return refusal({ field: 'metadata.name', value: name, hint: `give the ${kind} a Kubernetes name (lower-case letters, digits, "-" and "."): no Kubernetes object is named with "/", "%", "." or "..", or with control characters`, constructPath: object.node.path });
  }
  if (namespace !== undefined && !isDnsLabel(namespace)) {
    return refusal({ field: 'metadata.namespace', value: namespace, hint: 'give a namespace that is a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters)', constructPath: object.node.path });
  }
  return undefined;
}

/** The API group of the Flux source objects. */
const FLUX_SOURCE_GROUP = 'source.toolkit.fluxcd.io';

/**
 * The end-of-app identity check: refuses, per identity scope, two objects of one identity (with
 * both construct paths), and an object whose kind, name or namespace is malformed. Identities are
 * read from what each ApiObject declares (its apiVersion, kind, name and namespace), so that the
 * check renders no manifest but those of the CustomResourceDefinitions the app carries and of
 * objects declared twice. Flux sources declared twice identically (two charts from one
 * HelmRepository) are one declaration: the tree writes them once, and applying the same object
 * twice changes nothing.
 * @internal
 */
export function identityProblems(objects: ReadonlyArray<ApiObject>, manifestOf: (object: ApiObject) => any): ValidationError[] {
  const problems: ValidationError[] = [];
  // The scopes of the custom resources whose CRDs the app itself carries.
  const crdScopes = new Map<string, string>();
  for (const object of objects) {
    if (object.kind !== 'CustomResourceDefinition' || apiGroupOf(object.apiVersion) !== 'apiextensions.k8s.io') continue;
    const spec = manifestOf(object)?.spec;
    if (typeof spec?.group === 'string' && typeof spec?.names?.kind === 'string' && typeof spec?.scope === 'string') {
      crdScopes.set(`${spec.group}/${spec.names.kind}`, spec.scope);
    }
  }
  const seen = new Map<IConstruct, Map<string, ApiObject>>();
  // The identity scope of each parent construct, found once (an app's objects share a few parents).
  const scopes = new Map<IConstruct | undefined, IConstruct>();
  for (const object of objects) {
    const m = declared(object);
    const bad = malformed(object, m);
    if (bad) {
      problems.push(bad);
      continue;
    }
    const id = identityOf(m, crdScopes);
    // NUL never occurs in a group, kind, namespace or name (malformed() refuses control characters),
    // and a namespace is never empty, so the parts cannot run into each other.
    const key = `${id.group}\0${id.kind}\0${id.namespace ?? ''}\0${id.name}`;
    const parent = object.node.scope;
    let scope = (object as any)[IDENTITY_SCOPE] === true ? object : scopes.get(parent);
    if (scope === undefined) scopes.set(parent, scope = parent === undefined ? object.node.root : identityScopeOf(parent));
    let inScope = seen.get(scope);
    if (inScope === undefined) seen.set(scope, inScope = new Map<string, ApiObject>());
    const first = inScope.get(key);
    if (!first) {
      inScope.set(key, object);
      continue;
    }
    const source = id.group === FLUX_SOURCE_GROUP;
    const [a, b] = source ? [manifestOf(first), manifestOf(object)] : [undefined, undefined];
    if (source && JSON.stringify(a) === JSON.stringify(b)) continue;
    const where = scope === object.node.root ? 'in this app' : `in ${scope.node.path || 'the app'}`;
    const fix = source
      ? `, with spec ${JSON.stringify(a.spec)} against ${JSON.stringify(b.spec)}: declare the repository once (e.g. MultusChart.angelnu({ existingRepository: true })) or make both declarations equal`
      : '; kustomize refuses two objects of one group, kind, namespace and name, and kubectl keeps only the last: give one of them another name (or namespace)';
    problems.push(refusal({
      field: 'metadata.name',
      value: id.name,
      problem: 'is used twice',
      hint: `${describeIdentity(id)} is also defined ${where} by ${first.node.path}${fix}`,
      constructPath: object.node.path,
    }));
  }
  return problems;
}
