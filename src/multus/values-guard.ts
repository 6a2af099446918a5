import { IConstruct } from 'constructs';
import { Problems, invalid } from '../errors';
import { isPlainObject } from '../util/merge';
import { checkYamlDatum, checkYamlKey } from '../util/strings';

// Chart values given through `values` or `addValues` are deep-merged over what the install renders,
// the way Helm merges values: objects key by key, `null` removes a key (`undefined` leaves it unset,
// util/merge). Over the library's own values that would undo what it checked: `controllers: null`
// removes the daemon's image and resources, and the chart falls back to its defaults while
// `install.image` still names the library's tag. So values may add keys and change leaves, but never
// remove or replace (with a non-object) anything the install renders; `null` stays available for
// the chart's own defaults. Their strings must be YAML-safe (util/strings), and everything in them
// JSON data.

/**
 * Refuses, all at once, what in `values` would remove or replace a part of `rendered` (the install's
 * own values), and values that are no JSON data or hold a string YAML cannot carry.
 * @internal
 */
export function checkValuesKeepRendered(field: string, values: Record<string, any>, rendered: Record<string, any>, scope?: IConstruct): void {
  const problems = new Problems();
  walk(problems, field, values, rendered, scope);
  problems.throwIfAny();
}

const FIX = 'change it through the MultusInstall props (image, resources, cniPaths, logLevel, cniVersion), which are checked; null in values removes a key, as in Helm, and here would remove what the library renders and checks';

function walk(problems: Problems, at: string, value: unknown, rendered: unknown, scope?: IConstruct): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(problems, `${at}[${i}]`, item, undefined, scope));
    return;
  }
  if (!isPlainObject(value)) {
    problems.check(() => checkYamlDatum(at, value, 'a chart value', scope));
    return;
  }
  for (const key of Object.keys(value)) {
    const field = `${at}.${key}`;
    problems.check(() => checkYamlKey(field, key, 'a chart values key', scope));
    const v = value[key];
    const r = isPlainObject(rendered) ? rendered[key] : undefined;
    if (r !== undefined && v === null) {
      problems.check(() => invalid({ field, value: v, hint: FIX, scope, problem: 'would remove what the install renders' }));
      continue;
    }
    if (isPlainObject(r) && v !== undefined && !isPlainObject(v)) {
      problems.check(() => invalid({ field, value: v, hint: `give an object that changes single keys of it; ${FIX}`, scope, problem: 'would replace what the install renders' }));
      continue;
    }
    walk(problems, field, v, r, scope);
  }
}
