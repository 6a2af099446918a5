import { IConstruct } from 'constructs';
import { invalid } from '../errors';
import { checkSafeString } from './strings';

// The one place that knows which names Kubernetes, Helm, Flux and the kernel accept, and how long
// each may be. Every name the library checks goes through one function of this module, by kind:
//
// | kind                      | rule                                    | limit | why                                                      |
// | ------------------------- | --------------------------------------- | ----- | -------------------------------------------------------- |
// | DNS-1123 label            | [a-z0-9-], alphanumeric at both ends    | 63    | namespaces, NAD names, label values                      |
// | DNS-1123 subdomain        | labels joined by "."                    | 253   | most object names                                        |
// | Helm release name         | a DNS-1123 label                        | 53    | helm-controller shortens longer names with a hash        |
// | Flux Kustomization name   | a DNS-1123 subdomain                    | 63    | Flux labels every object it applies with the name        |
// | label value               | [A-Za-z0-9._-], alphanumeric at ends    | 63    | apimachinery IsValidLabelValue                           |
// | qualified name            | [prefix/]name, name as a label value    | 63    | label, annotation and taint keys                         |
// | API version               | [group/]version                         |       | group a DNS-1123 subdomain, version v1, v1beta1, ...     |
// | interface name            | 1-15 bytes, no "/", ":", "%", space     | 15    | the kernel's dev_valid_name and dev_get_valid_name        |
//
// Sources: apimachinery pkg/util/validation (IsDNS1123Label, IsDNS1123Subdomain, IsQualifiedName,
// IsValidLabelValue); helm pkg/chartutil (release names of at most 53 characters) and
// helm-controller api/v2 `GetReleaseName` (a longer `<targetNamespace>-<name>` is shortened to
// a prefix and a hash); kustomize-controller, which sets `kustomize.toolkit.fluxcd.io/name: <name>`
// on every object it applies (a label value: at most 63 characters); Linux net/core/dev.c.

/** The limits of the name kinds, in characters (bytes for interface names). @internal */
export const NAME_LIMITS = {
  dnsLabel: 63,
  dnsSubdomain: 253,
  helmReleaseName: 53,
  fluxKustomizationName: 63,
  labelValue: 63,
  interfaceName: 15,
} as const;

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
// Kubernetes API versions: v1, v2, v1beta1, v2alpha3 (apimachinery version priority rules).
const VERSION = /^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/;

const LABEL_HINT = 'lower-case letters, digits and "-", starting and ending with a letter or digit';

/** True iff `value` is a DNS-1123 label (at most 63 characters). @internal */
export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length <= NAME_LIMITS.dnsLabel && DNS_1123_LABEL.test(value);
}

/**
 * True iff `value` is a DNS-1123 subdomain (also the prefix of a qualified name such as a label
 * or taint key).
 * @internal
 */
export function isDnsSubdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length <= NAME_LIMITS.dnsSubdomain && DNS_1123_SUBDOMAIN.test(value);
}

/**
 * A DNS-1123 label (namespaces, NetworkAttachmentDefinition names, app and directory names).
 * @internal
 */
export function checkDnsLabel(field: string, value: string, scope?: IConstruct): void {
  if (!isDnsLabel(value)) {
    invalid({ field, value, hint: `use a DNS-1123 label: ${LABEL_HINT}, at most 63 characters`, scope });
  }
  // A label such as "0o17" is valid, and written plain: go-yaml would read it as a number.
  checkSafeString(field, value, 'a name', scope);
}

/**
 * A DNS-1123 subdomain (most Kubernetes object names).
 * @internal
 */
export function checkDnsSubdomain(field: string, value: string, scope?: IConstruct): void {
  if (!isDnsSubdomain(value)) {
    invalid({ field, value, hint: 'use a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters', scope });
  }
  checkSafeString(field, value, 'a name', scope);
}

/**
 * A Helm release name (the name of a HelmRelease that sets no `releaseName` and no
 * `targetNamespace`): a DNS-1123 label of at most 53 characters. helm-controller installs a longer
 * one under a shortened name with a hash suffix, so the release that runs is no longer the one
 * `helm list` or the library's `releaseName` names.
 * @internal
 */
export function checkHelmReleaseName(field: string, value: string, scope?: IConstruct): void {
  checkDnsLabel(field, value, scope);
  if (value.length > NAME_LIMITS.helmReleaseName) {
    invalid({ field, value, problem: `is ${value.length} characters long`, hint: 'give a Helm release name of at most 53 characters: helm-controller installs a longer one under a shortened name with a hash, which no longer says what runs', scope });
  }
}

/**
 * The name of a Flux Kustomization the library writes: a DNS-1123 subdomain of at most 63
 * characters. kustomize-controller labels every object it applies with
 * `kustomize.toolkit.fluxcd.io/name: <name>`, and a label value holds at most 63 characters: with a
 * longer name every apply fails and nothing of the directory reaches the cluster. `derived` names
 * what the name was made of, when it was not given.
 * @internal
 */
export function checkFluxKustomizationName(field: string, value: string, scope?: IConstruct, derived?: string): void {
  checkDnsSubdomain(field, value, scope);
  if (value.length > NAME_LIMITS.fluxKustomizationName) {
    const from = derived ? ` (made from ${derived})` : '';
    invalid({ field, value, problem: `is ${value.length} characters long${from}`, hint: 'give a Flux Kustomization name of at most 63 characters: Flux labels every object it applies with the name (kustomize.toolkit.fluxcd.io/name), a label value holds at most 63, and a longer name applies nothing', scope });
  }
}

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

/**
 * True iff `value` is a Kubernetes API version: `v1`, or `<group>/<version>` with the group a
 * DNS-1123 subdomain and the version `v<n>`, `v<n>alpha<m>` or `v<n>beta<m>`.
 * @internal
 */
export function isApiVersion(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const slash = value.indexOf('/');
  if (slash < 0) return VERSION.test(value);
  return isDnsSubdomain(value.slice(0, slash)) && VERSION.test(value.slice(slash + 1));
}

/**
 * A Kubernetes API version (`v1`, `apps/v1`, `helm.toolkit.fluxcd.io/v2`).
 * @internal
 */
export function checkApiVersion(field: string, value: string, scope?: IConstruct): void {
  if (!isApiVersion(value)) {
    invalid({ field, value, hint: 'give an API version as "<group>/<version>" (the group a DNS-1123 subdomain, the version v1, v1beta1, ...) or "v1" for the core group, e.g. "helm.toolkit.fluxcd.io/v2"', scope });
  }
}

/**
 * Names the kernel refuses although `dev_valid_name` takes them: `all` and `default` collide with
 * the per-interface sysctl directories (`/proc/sys/net/ipv4/conf/all`), and the link is refused
 * with "Invalid argument".
 */
const KERNEL_RESERVED_INTERFACES = ['all', 'default'];

/**
 * A Linux network interface name, as the kernel accepts it: 1 to 15 bytes, not "." or "..",
 * without "/", ":" or white space (`dev_valid_name`), without "%" (the kernel reads "net%d" as a
 * pattern and names the link "net0" instead, or refuses it), not `all` or `default`, and without a
 * character YAML cannot carry (util/strings).
 * @internal
 */
export function checkInterfaceName(field: string, value: string, scope?: IConstruct): void {
  const hint = 'use a Linux interface name: 1 to 15 bytes, not "." or "..", without "/", ":", "%" or white space (e.g. "eth0", "ens18", "eth0.20")';
  const ok = typeof value === 'string'
    && value.length >= 1
    && Buffer.byteLength(value, 'utf8') <= NAME_LIMITS.interfaceName
    && value !== '.' && value !== '..'
    && !/[/:\s\0]/.test(value);
  if (!ok) invalid({ field, value, hint, scope });
  if (value.includes('%')) {
    invalid({ field, value, hint: `the kernel reads "%" as a name pattern ("net%d" becomes "net0") or refuses it; ${hint}`, scope, problem: 'is a name pattern' });
  }
  if (KERNEL_RESERVED_INTERFACES.includes(value)) {
    invalid({ field, value, hint: `the kernel refuses "${value}" as an interface name (it is the name of a sysctl directory, /proc/sys/net/ipv4/conf/${value}); choose another name`, scope, problem: 'is reserved by the kernel' });
  }
  checkSafeString(field, value, 'an interface name', scope);
}
