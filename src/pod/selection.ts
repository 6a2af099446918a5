import { IConstruct } from 'constructs';
import { invalid } from '../errors';
import { parseAddress } from '../network/address-plan';
import { isPlainObject } from '../util/merge';
import { checkSafeString } from '../util/strings';
import { checkDnsLabel, checkInterfaceName } from '../util/validate';

/**
 * One element of the `k8s.v1.cni.cncf.io/networks` annotation, with the keys of the NPWG multi-net
 * spec v1.3 (which Multus 4.x reads). Keys are declared in the order they are rendered.
 * @internal
 */
export interface SelectionElement {
  readonly name: string;
  readonly namespace: string;
  readonly interface?: string;
  readonly ips?: string[];
  readonly mac?: string;
  readonly 'default-route'?: string[];
  readonly 'cni-args'?: Record<string, string>;
}

/**
 * Interface names a selection must not ask for: `eth0` is the pod's primary (cluster) interface,
 * which the kubelet always asks the primary CNI for, and `lo` is the loopback.
 */
const RESERVED_INTERFACES = ['eth0', 'lo'];

/**
 * An IP address without a prefix, in canonical form (RFC 5952 for IPv6), read by the address
 * plan's parser: the same rules as every other address of the library.
 * @internal
 */
export function canonicalAddress(field: string, address: string, scope?: IConstruct): string {
  return parseAddress(field, address, scope, false).text;
}

/**
 * An IP address with an optional prefix (`192.0.2.10` or `192.0.2.10/24`), in canonical form. Used
 * for networks of which nothing is known (`NetworkRef`): the form is all that can be checked, by
 * the same parser as an `IotNetwork`'s addresses.
 * @internal
 */
export function canonicalAddressWithPrefix(field: string, value: string, scope?: IConstruct): string {
  const parsed = parseAddress(field, value, scope, true);
  return parsed.prefixLength === undefined ? parsed.text : `${parsed.text}/${parsed.prefixLength}`;
}

/**
 * A MAC address for a pod interface, as lower-case `aa:bb:cc:dd:ee:ff`. Colon or hyphen separated
 * forms are accepted. It must be unicast (lowest bit of the first octet 0): a multicast source MAC is
 * dropped by switches. Locally administered addresses (second-lowest bit 1, e.g. `02:...`) are
 * recommended, so a pod never clashes with a vendor's MAC, but not required.
 * @internal
 */
export function canonicalMac(field: string, mac: string, scope?: IConstruct): string {
  const m = typeof mac === 'string' ? /^([0-9a-fA-F]{2})([:-])([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})$/.exec(mac) : null;
  if (!m) {
    invalid({ field, value: mac, hint: 'give a MAC address of six hex octets, e.g. "02:42:c0:a8:01:64" (locally administered)', scope });
  }
  const octets = [m[1], m[3], m[4], m[5], m[6], m[7]].map((o) => o.toLowerCase());
  const first = parseInt(octets[0], 16);
  if ((first & 1) === 1) {
    invalid({ field, value: mac, hint: 'a pod needs a unicast MAC (lowest bit of the first octet 0); use a locally administered one such as "02:..."', scope, problem: 'is a multicast MAC' });
  }
  if (octets.every((o) => o === '00')) {
    invalid({ field, value: mac, hint: 'use a locally administered unicast MAC such as "02:42:c0:a8:01:64"', scope, problem: 'is the all-zero MAC' });
  }
  return octets.join(':');
}

/**
 * The `cni-args` map: non-empty string keys, string values, keys sorted so the annotation is the same
 * whatever order the caller wrote them in.
 * @internal
 */
export function checkCniArgs(field: string, args: unknown, scope?: IConstruct): Record<string, string> {
  // A map without a prototype (Object.create(null)) is a map of strings too.
  const isMap = isPlainObject(args) || (typeof args === 'object' && args !== null && !Array.isArray(args) && Object.getPrototypeOf(args) === null);
  if (!isMap) {
    invalid({ field, value: args, hint: 'give a map of strings, e.g. { "foo": "bar" }', scope });
  }
  const entries = Object.keys(args as object).sort().map((key): [string, string] => {
    if (key.length === 0) invalid({ field, value: key, hint: 'keys of cni-args must be non-empty', scope });
    checkSafeString(field, key, 'a cni-args key', scope, { embedded: true });
    const value = (args as Record<string, unknown>)[key];
    if (typeof value !== 'string') invalid({ field: `${field}.${key}`, value, hint: 'cni-args values must be strings', scope });
    checkSafeString(`${field}.${key}`, value, 'a cni-args value', scope, { embedded: true });
    return [key, value];
  });
  // fromEntries defines own properties, so even a key named "__proto__" stays a key.
  return Object.fromEntries(entries);
}

/**
 * The `name` and `namespace` of a NetworkAttachmentDefinition: both DNS-1123 labels.
 * @internal
 */
export function checkNetworkIdentity(field: string, network: unknown, scope?: IConstruct): { name: string; namespace: string } {
  if (typeof network !== 'object' || network === null) {
    invalid({ field, value: network, hint: 'give an IotNetwork of this app or NetworkRef.of(name, namespace)', scope, problem: 'is required' });
  }
  const n = network as { networkName?: unknown; networkNamespace?: unknown };
  checkDnsLabel(`${field}.networkName`, n.networkName as string, scope);
  checkDnsLabel(`${field}.networkNamespace`, n.networkNamespace as string, scope);
  return { name: n.networkName as string, namespace: n.networkNamespace as string };
}

/**
 * The interface name Multus gives each element: the requested one, or `net<N>` where N is the
 * element's position counting from 1 (the cluster network is delegate 0, `eth0`). Refuses reserved
 * names and two elements that would end up with the same interface, explicit or generated, since
 * the second CNI ADD would fail and the pod would never start.
 * @internal
 */
export function checkInterfaces(fieldOf: (index: number) => string, requested: ReadonlyArray<string | undefined>, scope?: IConstruct): void {
  const taken = new Map<string, number>();
  for (let index = 0; index < requested.length; index++) {
    const name = requested[index];
    if (name !== undefined) {
      const field = fieldOf(index);
      checkInterfaceName(field, name, scope);
      if (RESERVED_INTERFACES.includes(name)) {
        invalid({ field, value: name, hint: `"${name}" is the pod's ${name === 'lo' ? 'loopback' : 'primary (cluster network)'} interface; leave interface out (Multus names it net${index + 1}) or choose another name such as "iot0"`, scope, problem: 'is reserved' });
      }
    }
    const effective = name ?? `net${index + 1}`;
    const other = taken.get(effective);
    if (other !== undefined) {
      const how = name === undefined ? `the name Multus generates for networks[${index}]` : 'an interface';
      invalid({ field: fieldOf(index), value: effective, hint: `networks[${other}] already uses ${JSON.stringify(effective)} (${how}); give each network of a pod its own interface name`, scope, problem: 'is taken twice in one pod' });
    }
    taken.set(effective, index);
  }
}

/**
 * The annotation value: a JSON list of the elements. Built as objects and serialized, never
 * formatted by hand: older Multus silently ignored invalid JSON here (https://github.com/k8snetworkplumbingwg/multus-cni/issues/635).
 * @internal
 */
export function renderSelections(elements: ReadonlyArray<SelectionElement>): string {
  const list: Array<Record<string, unknown>> = [];
  for (const e of elements) {
    // Keys in the order of SelectionElement; a key left out is absent, not null (and an absent key
    // costs the serializer less than one holding undefined).
    const out: Record<string, unknown> = { name: e.name, namespace: e.namespace };
    if (e.interface !== undefined) out.interface = e.interface;
    if (e.ips !== undefined) out.ips = e.ips;
    if (e.mac !== undefined) out.mac = e.mac;
    if (e['default-route'] !== undefined) out['default-route'] = e['default-route'];
    if (e['cni-args'] !== undefined) out['cni-args'] = e['cni-args'];
    list.push(out);
  }
  return JSON.stringify(list);
}
