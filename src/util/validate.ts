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
    invalid(field, value, 'use a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters', scope);
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
    invalid(field, value, 'use a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters', scope);
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
    invalid(field, value, 'use a Linux interface name: 1 to 15 characters, not "." or "..", without "/", ":" or white space (e.g. "eth0", "ens18", "eth0.20")', scope);
  }
}

/**
 * An optional boolean prop; returns it, or false when it is left out.
 * @internal
 */
export function checkBoolean(field: string, value: boolean | undefined, scope?: IConstruct): boolean {
  if (value !== undefined && typeof value !== 'boolean') invalid(field, value, 'use true or false', scope);
  return value ?? false;
}
