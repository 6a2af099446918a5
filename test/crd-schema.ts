import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { describeNeeding } from './helpers';

/**
 * Validates synthesized custom resources against the openAPIV3Schema of the pinned upstream CRDs,
 * the way the API server's structural-schema pruning would see them, except stricter: a field the
 * CRD does not know is an error here (the API server would silently drop it, and the setting would
 * be lost without a word).
 *
 * The CRDs are read from the local mirror (`scripts/crds.js`: $CDK8S_MULTUS_CRDS, ../shared/crds, or
 * .crds/ from `npm run crds`), each checked against its sha256 pin. Without a mirror the tests that
 * use this helper are skipped with the reason, and fail in CI (see `describeWithCrds`).
 *
 * Not checked: `x-kubernetes-validations` (CEL rules need the API server) and `format`s.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findMirror, CRDS } = require('../scripts/crds.js') as {
  findMirror(): { dir?: string; reason?: string };
  CRDS: Array<{ file: string }>;
};

/** The mirror directory, or why there is none. */
export const CRD_MIRROR: { dir?: string; reason?: string } = findMirror();

/**
 * `describe` when the CRD mirror exists. Without it the suite is skipped with the reason in its
 * title and on stderr, except in CI, where ../shared/crds is always beside the clone and a missing
 * or altered mirror fails (`describeNeeding`).
 */
export function describeWithCrds(title: string, fn: () => void): void {
  describeNeeding(title, CRD_MIRROR.dir ? undefined : CRD_MIRROR.reason, fn);
}

let validators: Map<string, ValidateFunction> | undefined;

/** `apiVersion` + `kind` -> a compiled validator, for every version every pinned CRD serves. */
function loadValidators(): Map<string, ValidateFunction> {
  if (validators) return validators;
  if (!CRD_MIRROR.dir) throw new Error(CRD_MIRROR.reason);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
  validators = new Map();
  for (const { file } of CRDS) {
    const text = fs.readFileSync(path.join(CRD_MIRROR.dir, file), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      const crd = doc.toJS();
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions ?? []) {
        const schema = version.schema?.openAPIV3Schema;
        if (!schema || version.served === false) continue;
        validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(toJsonSchema(schema, true)));
      }
    }
  }
  return validators;
}

/**
 * Converts a Kubernetes structural schema to a JSON schema Ajv checks:
 * `nullable` -> also `null`; `x-kubernetes-int-or-string` -> integer or string;
 * `x-kubernetes-preserve-unknown-fields` -> anything goes below; elsewhere an object with
 * `properties` admits no other keys (`additionalProperties: false`). At the root, `apiVersion`,
 * `kind` and a loosely checked `metadata` object are always allowed, as the API server does.
 */
export function toJsonSchema(s: any, root = false): any {
  if (s === null || typeof s !== 'object') return s;
  const out: any = {};
  for (const key of ['type', 'enum', 'required', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
    'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'multipleOf']) {
    if (s[key] !== undefined) out[key] = s[key];
  }
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (s['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (s.properties) {
    out.properties = {};
    for (const [k, v] of Object.entries<any>(s.properties)) out.properties[k] = toJsonSchema(v);
  }
  if (root) {
    out.properties = {
      ...(out.properties ?? {}),
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
    };
  }
  if (s.additionalProperties !== undefined) {
    out.additionalProperties = typeof s.additionalProperties === 'object' ? toJsonSchema(s.additionalProperties) : s.additionalProperties;
  } else if (s.properties && !preserve) {
    out.additionalProperties = false;
  }
  if (s.items) out.items = toJsonSchema(s.items);
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    if (Array.isArray(s[key])) out[key] = [...(out[key] ?? []), ...s[key].map((x: any) => toJsonSchema(x))];
  }
  if (s.not) out.not = toJsonSchema(s.not);
  if (s.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

/**
 * The problems of each manifest that is a custom resource of a pinned CRD, as
 * `<kind>/<name>: <json pointer> <message>` lines; manifests of other kinds are not checked.
 */
export function crdProblems(manifests: any[]): string[] {
  const v = loadValidators();
  const problems: string[] = [];
  for (const m of manifests) {
    const validate = v.get(`${m?.apiVersion}/${m?.kind}`);
    if (!validate) continue;
    if (!validate(m)) {
      for (const e of validate.errors ?? []) {
        const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as any).additionalProperty})` : '';
        problems.push(`${m.kind}/${m.metadata?.name}: ${e.instancePath || '/'} ${e.message}${extra}`);
      }
    }
  }
  return problems;
}

/** True iff a pinned CRD defines `apiVersion`/`kind`. */
export function isPinnedCustomResource(manifest: any): boolean {
  return loadValidators().has(`${manifest?.apiVersion}/${manifest?.kind}`);
}

/** Fails the test with every problem when a custom resource does not match its CRD. */
export function expectValidAgainstCrds(manifests: any[]): void {
  expect(crdProblems(manifests)).toEqual([]);
}
