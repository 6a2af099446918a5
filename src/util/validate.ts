import { IConstruct } from 'constructs';
import { invalid } from '../errors';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A DNS-1123 label (namespaces, NetworkAttachmentDefinition names, Helm release names).
 * @internal
 */
export function checkDnsLabel(field: string, value: string, scope?: IConstruct): void {
  if (typeof value !== 'string' || value.length > 63 || !DNS_1123_LABEL.test(value)) {
    invalid({ field, value, hint: 'use a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters', scope });
  }
}

/**
 * True iff `value` is a DNS-1123 subdomain (also the prefix of a qualified name such as a label
 * or taint key).
 * @internal
 */
export function isDnsSubdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && DNS_1123_SUBDOMAIN.test(value);
}

/**
 * A DNS-1123 subdomain (most Kubernetes object names).
 * @internal
 */
export function checkDnsSubdomain(field: string, value: string, scope?: IConstruct): void {
  if (!isDnsSubdomain(value)) {
    invalid({ field, value, hint: 'use a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters', scope });
  }
}

/**
 * A Linux network interface name, as the kernel accepts it (`dev_valid_name`): 1 to 15 bytes,
 * not "." or "..", no "/", ":" or white space.
 * @internal
 */
export function checkInterfaceName(field: string, value: string, scope?: IConstruct): void {
  const ok = typeof value === 'string'
    && value.length >= 1
    && Buffer.byteLength(value, 'utf8') <= 15
    && value !== '.' && value !== '..'
    && !/[/:\s\0]/.test(value);
  if (!ok) {
    invalid({ field, value, hint: 'use a Linux interface name: 1 to 15 characters, not "." or "..", without "/", ":" or white space (e.g. "eth0", "ens18", "eth0.20")', scope });
  }
}

/**
 * An optional boolean prop: returns it, or `fallback` when it is left out.
 * @internal
 */
export function optionalBoolean(field: string, value: boolean | undefined, fallback: boolean, scope?: IConstruct): boolean {
  if (value !== undefined && typeof value !== 'boolean') invalid({ field, value, hint: 'use true or false', scope });
  return value ?? fallback;
}

// Kubernetes label keys and values (apimachinery validation.IsQualifiedName / IsValidLabelValue),
// which taint keys and values follow too.
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * True iff `key` is a qualified name (`[prefix/]name`): a label key, an annotation key, a taint key.
 * @internal
 */
export function isQualifiedName(key: unknown): key is string {
  if (typeof key !== 'string') return false;
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  return (prefix === undefined || isDnsSubdomain(prefix)) && QUALIFIED_NAME_PART.test(name);
}

/**
 * True iff `value` is a label value (also a taint value): at most 63 characters, empty allowed.
 * @internal
 */
export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && LABEL_VALUE.test(value);
}
