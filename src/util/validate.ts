import { IConstruct } from 'constructs';
import { invalid } from '../errors';

// Name checks live in util/names.ts (one function per kind of name, with its limit); they are
// re-exported here for the modules that import them from this one.
export { checkDnsLabel, checkDnsSubdomain, checkInterfaceName, isDnsSubdomain, isLabelValue, isQualifiedName } from './names';

/**
 * An optional boolean prop: returns it, or `fallback` when it is left out.
 * @internal
 */
export function optionalBoolean(field: string, value: boolean | undefined, fallback: boolean, scope?: IConstruct): boolean {
  if (value !== undefined && typeof value !== 'boolean') invalid({ field, value, hint: 'use true or false', scope });
  return value ?? fallback;
}
