import { IConstruct } from 'constructs';
import * as Yaml from 'yaml'; // its types only: the package is loaded on first use (see loadYaml)
import { Problems, invalid } from '../errors';
import { once } from './once';

// The one rule for free-form strings the library writes into YAML: cni-args, interface names, CNI
// paths, repository URLs, chart values. YAML 1.2 allows only printable characters in a stream
// (https://yaml.org/spec/1.2.2/#51-character-set), and its parsers read several characters as line
// breaks: go-yaml (which kubectl, kustomize and Flux use) refuses C0 and C1 controls outright, and
// reads U+0085, U+2028 and U+2029 as line breaks, so a plain or folded scalar comes back as another
// value (a hostPath `/opt/cni<U+0085>bin` is read as `/opt/cni bin`). Such strings are refused,
// naming the field, rather than escaped: the value the user meant is never one of them.

/** Why a character is refused, by code point range. */
const REFUSED: ReadonlyArray<readonly [number, number, string]> = [
  [0x0000, 0x001f, 'a C0 control character'],
  [0x007f, 0x007f, 'DEL'],
  [0x0080, 0x009f, 'a C1 control character'],
  [0x061c, 0x061c, 'a bidirectional control character'],
  [0x200e, 0x200f, 'a bidirectional control character'],
  [0x2028, 0x2028, 'LINE SEPARATOR (U+2028), which YAML reads as a line break'],
  [0x2029, 0x2029, 'PARAGRAPH SEPARATOR (U+2029), which YAML reads as a line break'],
  [0x202a, 0x202e, 'a bidirectional control character'],
  [0x2066, 0x2069, 'a bidirectional control character'],
  [0xd800, 0xdfff, 'a lone UTF-16 surrogate, which has no UTF-8 form'],
  [0xfeff, 0xfeff, 'a byte order mark (U+FEFF)'],
  [0xfffe, 0xffff, 'a noncharacter that YAML does not allow'],
];

/** A character class of REFUSED's ranges, less `allowed`: a string it does not match is safe. */
function refusedClass(allowed: readonly number[]): RegExp {
  const unit = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;
  const ranges: string[] = [];
  for (const [from, to] of REFUSED) {
    let start: number | undefined;
    for (let c = from; c <= to + 1; c++) {
      const inside = c <= to && !allowed.includes(c);
      if (inside && start === undefined) start = c;
      if (!inside && start !== undefined) {
        ranges.push(start === c - 1 ? unit(start) : `${unit(start)}-${unit(c - 1)}`);
        start = undefined;
      }
    }
  }
  return new RegExp(`[${ranges.join('')}]`);
}

/** Any code unit REFUSED names (a surrogate pair matches too, and is read by code point). */
const MAY_REFUSE = refusedClass([]);
/** The same, less tabs and line feeds, which multiline text may hold. */
const MAY_REFUSE_MULTILINE = refusedClass([0x09, 0x0a]);

const NAMES: Record<number, string> = {
  0x0009: 'a tab', 0x000a: 'a line feed', 0x000d: 'a carriage return', 0x0000: 'a NUL byte',
  0x0085: 'NEXT LINE (U+0085), which YAML reads as a line break',
};

/** Where a string holds a refused character, and which. @internal */
export interface UnsafeCharacter {
  /** Index (in UTF-16 code units) of the character. */
  readonly index: number;
  /** `U+2028`. */
  readonly codePoint: string;
  /** What it is, as a phrase: `a C1 control character`. */
  readonly description: string;
}

/** Options of `unsafeCharacter`. @internal */
export interface SafeStringOptions {
  /**
   * Allow tabs and line feeds (text such as a chart value holding a config file; YAML writes it
   * as a block scalar and reads it back unchanged). A carriage return stays refused: YAML
   * normalizes line breaks, so CR LF would come back as LF.
   */
  readonly multiline?: boolean;

  /**
   * The string is part of a JSON document that is itself one YAML string (a cni-args value in the
   * networks annotation), not a YAML scalar of its own: only its characters are checked, since no
   * reader resolves its type.
   */
  readonly embedded?: boolean;
}

/**
 * The first character of `value` that never belongs in a string written to YAML, or undefined when
 * there is none. Scans by code point, so a surrogate pair (an emoji) is one character, and a lone
 * surrogate is refused.
 * @internal
 */
export function unsafeCharacter(value: string, options: SafeStringOptions = {}): UnsafeCharacter | undefined {
  // Almost every string holds none of them: one scan for any refused code unit (a surrogate pair
  // matches too, and is then read by code point below) settles it.
  if (!(options.multiline ? MAY_REFUSE_MULTILINE : MAY_REFUSE).test(value)) return undefined;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (options.multiline && (code === 0x09 || code === 0x0a)) continue;
    for (const [from, to, description] of REFUSED) {
      if (code >= from && code <= to) {
        return { index: i, codePoint: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`, description: NAMES[code] ?? description };
      }
    }
  }
  return undefined;
}

/**
 * True iff `value` is a string without a character `unsafeCharacter` refuses.
 * @internal
 */
export function isSafeString(value: unknown, options: SafeStringOptions = {}): value is string {
  return typeof value === 'string' && unsafeCharacter(value, options) === undefined;
}

/**
 * The one check of a free-form string bound for YAML: refuses a string that holds a character YAML
 * cannot carry unchanged (see `unsafeCharacter`), naming the field, the value, the character and
 * where it is, and a string that the Go readers of the manifests would read back as another type
 * (see `yamlTypeConfusion`). `what` says what the string is, for the hint (`an interface name`).
 * @internal
 */
export function checkSafeString(field: string, value: string, what: string, scope?: IConstruct, options: SafeStringOptions = {}): void {
  if (typeof value !== 'string') invalid({ field, value, hint: `give ${what} as a string`, scope });
  const found = unsafeCharacter(value, options);
  if (found) {
    invalid({
      field,
      value,
      problem: `contains ${found.description} (${found.codePoint} at index ${found.index})`,
      hint: `remove it: ${what} is written to YAML, which cannot carry ${found.codePoint} unchanged (go-yaml refuses control characters and reads U+0085, U+2028 and U+2029 as line breaks)`,
      scope,
    });
  }
  const type = options.embedded ? undefined : yamlTypeConfusion(value);
  if (type !== undefined) {
    invalid({
      field,
      value,
      problem: `is read back as ${type}`,
      hint: `${what} is written to YAML unquoted (cdk8s writes YAML 1.1, which has no such number), and go-yaml, which kubectl, the API server, Flux and kustomize read the manifests with, reads it as ${type}; write the value another way (an octal as "017", a decimal), which is quoted and read back as written`,
      scope,
    });
  }
}

/**
 * Code-unit order of two strings: the same on every machine and locale (`localeCompare` is not),
 * so that sorted output is deterministic.
 * @internal
 */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Strings that a YAML reader would read as another type.
//
// The manifests are written by cdk8s's serializer (the `yaml` package with the YAML 1.1 schema),
// which quotes every string that a YAML 1.1 reader would take for another type (`yes`, `on`, `~`,
// `0x1F`, `1e3`, `017`, `12:30`, `2001-12-14`). The Go readers of the manifests read plain scalars
// by rules of their own: go-yaml v2 (kubectl and sigs.k8s.io/yaml, hence the API server's YAML
// and Flux's) and go-yaml v3 (kustomize's kyaml) strip `_` from anything that starts with a digit
// or a sign and hand it to Go's `strconv.ParseInt(s, 0, 64)`, which also reads `0o17` and `0O17`
// as 15; v3 also reads `0o`/`-0o` octals as YAML 1.2 does (resolve.go of go.yaml.in/yaml v2.4.3
// and v3.0.5). A YAML 1.1 schema has no `0o` form, so the serializer writes `0o17` plain, and a
// Go reader brings back the integer 15: an env value, a label or an image tag changed type and
// value on the way. `goYamlPlainType` ports the Go resolvers; a string that one of them would read
// as another type and that the serializer writes plain is refused (the rest are quoted by the
// serializer and read back as written).

const GO_YAML_MAP: Readonly<Record<string, string>> = Object.fromEntries([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE'].map((s) => [s, 'a boolean']),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, 'null']),
  ...['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF'].map((s) => [s, 'a float']),
]);

/** go-yaml's `yamlStyleFloat`. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** What Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint` read (after go-yaml removed every `_`). */
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** What Go's `strconv.ParseFloat` reads after a leading `.` (go-yaml's `.` hint): decimal forms only, `_` not allowed. */
const GO_DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
/** The timestamps go-yaml tries (`2006-1-2`, with an optional time). */
const GO_TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})?)?$/;

/**
 * What go-yaml (v2 or v3) reads the plain scalar `value` as, when it is not a string: `an integer`,
 * `a float`, `a boolean`, `null`, `a timestamp`; undefined when both read a string.
 * @internal
 */
export function goYamlPlainType(value: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(GO_YAML_MAP, value)) return GO_YAML_MAP[value];
  const first = value[0];
  if (first === '.') return GO_DOT_FLOAT.test(value) ? 'a float' : undefined;
  if (first === undefined || !/[-+0-9]/.test(first)) return undefined;
  if (GO_TIMESTAMP.test(value)) return 'a timestamp';
  const plain = value.replace(/_/g, '');
  if (GO_INT.test(plain)) return 'an integer';
  if (YAML_STYLE_FLOAT.test(plain)) return 'a float';
  return undefined;
}

/**
 * The yaml package, loaded on first use: only a string that a Go reader would take for another
 * type gets here, and an app's synth otherwise never needs a second copy of the serializer cdk8s
 * already loaded (its own, bundled).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadYaml = once(() => require('yaml') as typeof Yaml);

/** True iff the serializer of the manifests (cdk8s: the `yaml` package, YAML 1.1 schema) writes `value` as a plain scalar. */
function writtenPlain(value: string): boolean {
  const written = loadYaml().stringify(value, { version: '1.1', lineWidth: 0 });
  return !/^["'|>!]/.test(written);
}

/**
 * Why `value`, written to YAML by cdk8s, would be read back by kubectl, the API server, Flux or
 * kustomize as another type, or undefined when it comes back as the same string.
 * @internal
 */
export function yamlTypeConfusion(value: string): string | undefined {
  const type = goYamlPlainType(value);
  return type !== undefined && writtenPlain(value) ? type : undefined;
}

/** The key JavaScript reads as an object's prototype: assigning it sets the prototype, and the key is lost. */
const PROTO_KEY = '__proto__';
/** The merge key of YAML 1.1, which the serializer writes plain and go-yaml merges (or refuses, for a scalar value). */
const MERGE_KEY = '<<';

/**
 * Refuses a map key bound for YAML: one `checkSafeString` refuses, `<<` (a YAML merge key), and
 * `__proto__`, which every copy by assignment (`copy[key] = value`, as cdk8s's serializer copies
 * every object) takes for the prototype and silently drops.
 * @internal
 */
export function checkYamlKey(field: string, key: string, what: string, scope?: IConstruct): void {
  if (key === PROTO_KEY) {
    invalid({
      field,
      value: key,
      problem: 'would be dropped',
      hint: `rename it: JavaScript takes ${PROTO_KEY} for an object's prototype, and the serializer of the manifests (which copies every object key by key) drops it silently, so ${what} named ${PROTO_KEY} never reaches the YAML`,
      scope,
    });
  }
  if (key === MERGE_KEY) {
    invalid({ field, value: key, problem: 'is a YAML merge key', hint: `rename it: ${MERGE_KEY} is written plain and go-yaml (kubectl, Flux, kustomize) reads it as a merge key, refusing the file or merging the value into the map`, scope });
  }
  checkSafeString(field, key, what, scope);
}

/**
 * Refuses, all at once, what in `data` (JSON-like data bound for YAML: chart values, an
 * environment) YAML cannot carry or a reader would read back otherwise: unsafe characters and
 * type-confusable strings in keys and strings (line breaks and tabs allowed in strings), the key
 * `__proto__`, non-finite numbers, and anything that is no JSON data.
 * @internal
 */
export function checkYamlData(field: string, data: unknown, what: string, scope?: IConstruct): void {
  const problems = new Problems();
  walkYamlData(problems, field, data, what, scope);
  problems.throwIfAny();
}

function walkYamlData(problems: Problems, at: string, value: unknown, what: string, scope?: IConstruct): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walkYamlData(problems, `${at}[${i}]`, item, what, scope));
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      const field = `${at}.${key}`;
      problems.check(() => checkYamlKey(field, key, `${what} key`, scope));
      walkYamlData(problems, field, (value as Record<string, unknown>)[key], what, scope);
    }
  } else {
    problems.check(() => checkYamlDatum(at, value, what, scope));
  }
}

/**
 * One leaf of data bound for YAML: a string YAML carries unchanged (line breaks allowed), a finite
 * number, a boolean, null or undefined.
 * @internal
 */
export function checkYamlDatum(field: string, value: unknown, what: string, scope?: IConstruct): void {
  if (typeof value === 'string') {
    checkSafeString(field, value, what, scope, { multiline: true });
  } else if (typeof value === 'number' && !Number.isFinite(value)) {
    invalid({ field, value, hint: `give a finite number: YAML would write .nan or .inf, which is read as a float nobody meant (${what})`, scope });
  } else if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    invalid({ field, value: String(value), hint: `give ${what} as JSON data: objects, arrays, strings, numbers, booleans and null`, scope });
  }
}
