import { IConstruct } from 'constructs';
import { invalid } from '../errors';

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
}

/**
 * The first character of `value` that never belongs in a string written to YAML, or undefined when
 * there is none. Scans by code point, so a surrogate pair (an emoji) is one character, and a lone
 * surrogate is refused.
 * @internal
 */
export function unsafeCharacter(value: string, options: SafeStringOptions = {}): UnsafeCharacter | undefined {
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
 * Refuses a string that holds a character YAML cannot carry unchanged (see `unsafeCharacter`),
 * naming the field, the value, the character and where it is. `what` says what the string is, for
 * the hint (`an interface name`).
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
}

/**
 * Code-unit order of two strings: the same on every machine and locale (`localeCompare` is not),
 * so that sorted output is deterministic.
 * @internal
 */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
