import { addressText, parseAddress, withoutPrefix } from '../network/address-plan';
import { SelectionElement, canonicalMac } from '../pod/selection';
import { trimmed } from '../util/lists';
import { checkInterfaceName, isDnsSubdomain } from '../util/validate';
import { isMap, isTemplated } from './values';

// The `k8s.v1.cni.cncf.io/networks` annotation as Multus reads it (pkg/k8sclient, Multus 4.x):
// text that contains `[`, `{` or `"` is a JSON list of selection elements (NPWG multi-net spec
// v1.3), anything else a comma-separated list of `[<namespace>/]<name>[@<interface>]`. Multus
// decodes the JSON into typed fields (Go's encoding/json: keys match case-insensitively, unknown keys
// are dropped, a value of the wrong type fails the whole annotation), then checks every `mac` and
// `ips` entry. Any failure fails the pod's sandbox.

/** One element of the annotation, as far as it could be read. @internal */
export interface SelectionView {
  /** The element's index in the list. */
  readonly index: number;
  readonly name?: string;
  /** The NAD's namespace, when the element names one (else the pod's). */
  readonly namespace?: string;
  /** The static addresses, canonical and without prefix; templated entries are left out. */
  readonly ips: string[];
  /** The pinned MAC, canonical; undefined when absent or templated. */
  readonly mac?: string;
}

/** Something in the annotation that Multus refuses. @internal */
export interface SelectionProblem {
  /** Where, relative to the annotation: `[0].ips[1]`, or `` for the whole value. */
  readonly at: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

/** The annotation, read. @internal */
export interface ParsedSelections {
  readonly elements: SelectionView[];
  /** Why Multus would refuse the annotation; empty when it reads it. */
  readonly problems: SelectionProblem[];
  /** Keys of elements that Multus does not know (and drops). */
  readonly unknownKeys: Array<{ readonly at: string; readonly key: string }>;
  /** True when the value is (partly) a template that is filled in later, so that parts could not be judged. */
  readonly templated: boolean;
}

/** The keys of a selection element that Multus 4.x decodes (NPWG v1.3 and Multus's own). */
const KNOWN_KEYS: ReadonlySet<string> = new Set(['name', 'namespace', 'ips', 'mac', 'interface', 'default-route', 'cni-args', 'portmappings', 'bandwidth', 'infiniband-guid', 'deviceid', 'ipam-claim-reference', 'interfacerequest']);

const JSON_FIX = 'write a JSON list of objects, e.g. [{"name":"iot","namespace":"kube-system","ips":["192.168.20.10/24"]}] (MultusPodAnnotation builds it)';

/**
 * Reads a networks annotation the way Multus does. Never throws.
 * @internal
 */
export function parseSelections(text: string): ParsedSelections {
  const problems: SelectionProblem[] = [];
  const unknownKeys: Array<{ at: string; key: string }> = [];
  const templated = isTemplated(text);
  if (!/[[{"]/.test(text)) return parseCommaForm(text, templated);
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (e) {
    // A template may be what breaks the JSON (`"ips": [${IPS}]`): nothing can be said then.
    if (templated) return { elements: [], problems, unknownKeys, templated };
    problems.push({ at: '', value: text, problem: `is not valid JSON (${(e as Error).message})`, fix: JSON_FIX });
    return { elements: [], problems, unknownKeys, templated };
  }
  if (!Array.isArray(list)) {
    problems.push({ at: '', value: text, problem: 'is not a JSON list (Multus reads a list of selection elements)', fix: `wrap the element in a list: ${JSON_FIX}` });
    return { elements: [], problems, unknownKeys, templated };
  }
  const elements: SelectionView[] = [];
  for (let index = 0; index < list.length; index++) {
    const raw = list[index];
    if (!isMap(raw)) {
      problems.push({ at: `[${index}]`, value: raw, problem: 'is not an object', fix: JSON_FIX });
      continue;
    }
    elements.push(readElement(raw, index, problems, unknownKeys));
  }
  // A read that found nothing wrong shares one empty list, and its elements are kept at their
  // length (the rulebook keeps thousands of reads while it runs; util/lists.ts).
  return { elements: trimmed(elements), problems: problems.length === 0 ? NONE : problems, unknownKeys: unknownKeys.length === 0 ? NONE : unknownKeys, templated };
}

const NONE: never[] = Object.freeze([]) as unknown as never[];

/**
 * How the rulebook reads a networks annotation: `parseSelections`, or first what the input's own
 * model knows of it (at synth, the elements of the MultusPodAnnotation that wrote it).
 * @internal
 */
export type SelectionReader = (text: string) => ParsedSelections;

/**
 * What the input's own model knows of a networks annotation, by its text: the annotation read,
 * or undefined where the model did not write it.
 * @internal
 */
export type KnownSelections = (text: string) => ParsedSelections | undefined;

/**
 * What `parseSelections` reads from the value of a MultusPodAnnotation, taken from its elements,
 * checked and canonical, without parsing the JSON it wrote: the construct refused every element
 * Multus would refuse, and wrote only keys Multus knows. Not for a value with a template in it,
 * which `parseSelections` reads as such.
 * @internal
 */
export function checkedSelections(elements: ReadonlyArray<SelectionElement>): ParsedSelections {
  // Lists made at their length (map): the rulebook keeps one read per annotation while it runs.
  const views = elements.map((e, index): SelectionView => ({ index, name: e.name, namespace: e.namespace, ips: e.ips?.map(withoutPrefix) ?? [], mac: e.mac }));
  return { elements: views, problems: NONE, unknownKeys: NONE, templated: false };
}

/**
 * Go's encoding/json matches keys case-insensitively: `field(raw, folded, 'ips')` finds `IPs` too.
 * `folded`: the element's keys that are not in lower case, by their lower-case form (undefined when
 * every key is in lower case, as the known keys are).
 */
function field(raw: Record<string, any>, folded: Map<string, string> | undefined, key: string): { key: string; value: unknown } | undefined {
  if (key in raw) return { key, value: raw[key] };
  const found = folded?.get(key);
  return found === undefined ? undefined : { key: found, value: raw[found] };
}

/** An element's string `key` (matched as Go does), or undefined when absent or null; a problem when not a string. */
function stringField(raw: Record<string, any>, folded: Map<string, string> | undefined, key: string, at: string, problems: SelectionProblem[]): string | undefined {
  const f = field(raw, folded, key);
  if (f === undefined || f.value === null) return undefined;
  if (typeof f.value !== 'string') {
    problems.push({ at: `${at}.${f.key}`, value: f.value, problem: 'is not a string', fix: `give ${key} as a JSON string` });
    return undefined;
  }
  return f.value;
}

/** An element's list of strings `key` (matched as Go does), or undefined when absent or null; a problem when not a list of strings. */
function listField(raw: Record<string, any>, folded: Map<string, string> | undefined, key: string, at: string, problems: SelectionProblem[]): string[] | undefined {
  const f = field(raw, folded, key);
  if (f === undefined || f.value === null) return undefined;
  if (!Array.isArray(f.value) || f.value.some((v) => typeof v !== 'string')) {
    problems.push({ at: `${at}.${f.key}`, value: f.value, problem: 'is not a list of strings', fix: `give ${key} as a list, e.g. "${key}": ["192.168.20.10/24"]` });
    return undefined;
  }
  return f.value as string[];
}

// Loops and plain functions, no closures per element: the rulebook reads every annotation of an
// app, thousands at synth.
function readElement(raw: Record<string, any>, index: number, problems: SelectionProblem[], unknownKeys: Array<{ at: string; key: string }>): SelectionView {
  const at = `[${index}]`;
  let folded: Map<string, string> | undefined;
  const keys = Object.keys(raw);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    // A known key is in lower case already.
    if (KNOWN_KEYS.has(key)) continue;
    const lower = key.toLowerCase();
    if (lower !== key) {
      folded ??= new Map();
      // The first key of a lower-case form wins, as the first match in key order did.
      if (!folded.has(lower)) folded.set(lower, key);
    }
    if (!KNOWN_KEYS.has(lower)) unknownKeys.push({ at, key });
  }

  const name = stringField(raw, folded, 'name', at, problems);
  if (name === undefined || name === '') {
    problems.push({ at: `${at}.name`, value: name ?? raw.name, problem: 'is required', fix: 'name the NetworkAttachmentDefinition, e.g. "name": "iot"' });
  }
  const namespace = stringField(raw, folded, 'namespace', at, problems);
  const ips: string[] = [];
  const written = listField(raw, folded, 'ips', at, problems);
  if (written !== undefined) {
    for (let j = 0; j < written.length; j++) {
      const ip = written[j];
      if (isTemplated(ip)) continue;
      const text = addressText(ip);
      if (text !== undefined) ips.push(text);
      else problems.push({ at: `${at}.ips[${j}]`, value: ip, problem: 'is not an IP address', fix: 'give an address with its prefix, e.g. "192.168.20.10/24"' });
    }
  }
  let mac: string | undefined;
  const macText = stringField(raw, folded, 'mac', at, problems);
  if (macText !== undefined && !isTemplated(macText)) {
    try {
      mac = canonicalMac('mac', dottedToColons(macText));
    } catch (e) {
      problems.push({ at: `${at}.mac`, value: macText, problem: 'is not a usable MAC address', fix: (e as { hint?: string }).hint ?? 'give a unicast MAC such as "02:42:c0:a8:14:0a"' });
    }
  }
  const iface = stringField(raw, folded, 'interface', at, problems);
  if (iface !== undefined && !isTemplated(iface)) {
    try {
      checkInterfaceName('interface', iface);
    } catch (e) {
      problems.push({ at: `${at}.interface`, value: iface, problem: 'is not a Linux interface name', fix: (e as { hint?: string }).hint ?? 'give a name such as "net1"' });
    }
  }
  const gateways = listField(raw, folded, 'default-route', at, problems);
  if (gateways !== undefined) {
    for (let j = 0; j < gateways.length; j++) {
      const gw = gateways[j];
      if (isTemplated(gw)) continue;
      try {
        parseAddress('default-route', gw, undefined, false);
      } catch {
        problems.push({ at: `${at}.default-route[${j}]`, value: gw, problem: 'is not an IP address (Go cannot decode it, so Multus refuses the whole annotation)', fix: 'give the gateway without a prefix, e.g. "192.168.20.1"' });
      }
    }
  }
  return { index, name: name || undefined, namespace: namespace || undefined, ips: trimmed(ips), mac };
}

/** Go's net.ParseMAC also reads the dotted form `0242.c0a8.140a`. */
function dottedToColons(mac: string): string {
  const m = /^([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})$/.exec(mac);
  if (!m) return mac;
  return [m[1], m[2], m[3]].map((g) => `${g.slice(0, 2)}:${g.slice(2)}`).join(':');
}

/** `[<namespace>/]<name>[@<interface>]`, comma separated. */
function parseCommaForm(text: string, templated: boolean): ParsedSelections {
  const problems: SelectionProblem[] = [];
  const elements: SelectionView[] = [];
  if (text.trim() === '') return { elements, problems, unknownKeys: [], templated };
  text.split(',').forEach((item, index) => {
    const trimmed = item.trim();
    if (isTemplated(trimmed)) return;
    const m = /^(?:([^/@]+)\/)?([^/@]+)(?:@([^/@]+))?$/.exec(trimmed);
    if (!m || !isDnsSubdomain(m[2]) || (m[1] !== undefined && !isDnsSubdomain(m[1]))) {
      problems.push({ at: `[${index}]`, value: trimmed, problem: 'is not a network reference', fix: 'write "<namespace>/<name>" or "<name>" (optionally "@<interface>"), or the JSON list form' });
      return;
    }
    elements.push({ index, name: m[2], namespace: m[1], ips: [] });
  });
  return { elements, problems, unknownKeys: [], templated };
}
