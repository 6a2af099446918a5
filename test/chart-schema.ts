import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import { describeNeeding } from './helpers';

/**
 * Validates chart values against the values schemas of the charts the library targets: the bjw-s
 * common library (which the angelnu and bjw-s multus charts, and app-template, are built on) and
 * app-template's own `values.schema.json` (and its whole-HelmRelease schema).
 *
 * The schemas are read from the chart data beside the repository ($CDK8S_MULTUS_CHART_DATA, else
 * ../shared/charts), never copied into it. They refer to each other by absolute
 * raw.githubusercontent.com URLs; each file is registered under the URL its references resolve to,
 * so nothing is downloaded. common 4.x is draft-07, common 5.x is draft 2020-12.
 *
 * What this catches: a key the library writes where common does not have it (controllers,
 * containers, pod options are closed objects), a value of the wrong type. What it cannot: the
 * multus charts' own top-level keys (`cni`, `hostPaths`, `multus`, `cni-plugins`), which no schema
 * describes; the rendered-chart suite (test/rendered) checks what the real charts make of those.
 */

const RAW = 'https://raw.githubusercontent.com/bjw-s-labs/helm-charts';

/** Where the chart data is, or why it is not there. */
export const CHART_DATA: { dir?: string; reason?: string } = (() => {
  const dir = process.env.CDK8S_MULTUS_CHART_DATA ?? path.resolve(__dirname, '..', '..', 'shared', 'charts');
  return fs.existsSync(path.join(dir, 'SOURCES.md')) ? { dir } : { reason: `no chart data at ${dir} (set CDK8S_MULTUS_CHART_DATA)` };
})();

/**
 * `describe` when the chart data is there. Without it the suite is skipped with the reason, except
 * in CI, where the chart data is always beside the clone and a missing one fails (`describeNeeding`).
 */
export function describeWithChartData(title: string, fn: () => void): void {
  describeNeeding(title, CHART_DATA.dir ? undefined : CHART_DATA.reason, fn);
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function dataDir(): string {
  if (!CHART_DATA.dir) throw new Error(CHART_DATA.reason);
  return CHART_DATA.dir;
}

/** An Ajv holding every schema file of common `version`, registered under its URL. */
const commonAjvs = new Map<string, { ajv: Ajv; topId: string }>();
function commonAjv(version: string): { ajv: Ajv; topId: string } {
  let found = commonAjvs.get(version);
  if (!found) {
    const dir = path.join(dataDir(), `common-${version}`);
    const top = readJson(path.join(dir, 'values.schema.json'));
    const options = { strict: false, allErrors: true, formats: { 'int32': true as const, 'int64': true as const, 'date-time': true as const } };
    const ajv = String(top.$schema).includes('2020-12') ? new Ajv2020(options) : new Ajv(options);
    const base = `${RAW}/common-${version}/charts/library/common/`;
    for (const f of fs.readdirSync(path.join(dir, 'schemas')).sort()) {
      const schema = readJson(path.join(dir, 'schemas', f));
      // common 4.x files have no $id: register them under the URL their relative $refs resolve to;
      // common 5.x files carry that URL as their $id.
      ajv.addSchema(schema, schema.$id ? undefined : `${base}schemas/${f}`);
    }
    ajv.addSchema(top);
    found = { ajv: ajv as Ajv, topId: top.$id };
    commonAjvs.set(version, found);
  }
  return found;
}

const validators = new Map<string, ValidateFunction>();

/** The validator of common `version`'s top-level values schema (what a chart built on it reads). */
export function commonValuesValidator(version: string): ValidateFunction {
  const key = `common-${version}`;
  if (!validators.has(key)) {
    const { ajv, topId } = commonAjv(version);
    validators.set(key, ajv.getSchema(topId)!);
  }
  return validators.get(key)!;
}

/** The common version app-template `version` is built on (from its schema's `$ref`). */
export function appTemplateCommonVersion(version: string): string {
  const schema = readJson(path.join(dataDir(), `app-template-${version}`, 'values.schema.json'));
  return /common-([0-9.]+)\//.exec(schema.$ref)![1];
}

/** The validator of app-template `version`'s values schema. */
export function appTemplateValuesValidator(version: string): ValidateFunction {
  const key = `app-template-${version}`;
  if (!validators.has(key)) {
    const schema = readJson(path.join(dataDir(), key, 'values.schema.json'));
    validators.set(key, commonAjv(appTemplateCommonVersion(version)).ajv.compile(schema));
  }
  return validators.get(key)!;
}

/** The validator of a whole Flux HelmRelease (helm.toolkit.fluxcd.io/v2) of app-template `version`. */
export function appTemplateHelmReleaseValidator(version: string): ValidateFunction {
  const key = `helmrelease-${version}`;
  if (!validators.has(key)) {
    const schema = readJson(path.join(dataDir(), `app-template-${version}`, 'schemas', 'helmrelease-helm-v2.schema.json'));
    validators.set(key, commonAjv(appTemplateCommonVersion(version)).ajv.compile(schema));
  }
  return validators.get(key)!;
}

/** Ajv's errors as one line each (`/controllers/main unevaluatedProperties ... [bogusKey]`), for messages. */
export function schemaErrors(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e: ErrorObject) => {
    const extra = (e.params as any).additionalProperty ?? (e.params as any).unevaluatedProperty;
    return `${e.instancePath || '/'} ${e.message}${extra ? ` [${extra}]` : ''}`;
  });
}

/** THEN: `value` is valid for `validate`; the failure message lists every schema error. */
export function expectValidValues(validate: ValidateFunction, value: unknown): void {
  const ok = validate(value);
  expect(ok ? [] : schemaErrors(validate)).toEqual([]);
}

/**
 * The app-template version whose schema checks a release of `version`: the version itself when its
 * schema is in the chart data (4.1.1, 5.0.0), else the checked version of the same major, whose
 * values layout the release declares.
 */
export function appTemplateSchemaVersion(version: string): string {
  const major = version.split('.')[0];
  return major === '4' ? '4.1.1' : major === '5' ? '5.0.0' : version;
}

/**
 * THEN: a HelmRelease manifest of app-template `version` is valid for the chart: its values for
 * the values schema (closed objects: an unknown or misplaced key fails), and the whole HelmRelease
 * for the chart's HelmRelease schema. The failure message lists every schema error.
 */
export function expectValidAppTemplateRelease(release: any, version: string): void {
  const schemaVersion = appTemplateSchemaVersion(version);
  expect({ release: release?.metadata?.name, version: schemaVersion, values: validate(appTemplateValuesValidator(schemaVersion), release?.spec?.values) })
    .toEqual({ release: release?.metadata?.name, version: schemaVersion, values: [] });
  expect({ release: release?.metadata?.name, version: schemaVersion, helmRelease: validate(appTemplateHelmReleaseValidator(schemaVersion), release) })
    .toEqual({ release: release?.metadata?.name, version: schemaVersion, helmRelease: [] });
}

function validate(fn: ValidateFunction, value: unknown): string[] {
  return fn(value) ? [] : schemaErrors(fn);
}
