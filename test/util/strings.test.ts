import * as fc from 'fast-check';
import { Yaml } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { MultusPodAnnotation, NetworkRef, ValidationError } from '../../src';
import { isSafeString, unsafeCharacter } from '../../src/util/strings';
import { testChart, thrown } from '../helpers';

// One rule for the characters of free-form strings the library writes to YAML. Property: for any
// string, a cni-args value either is refused with a ValidationError naming the field, or the
// synthesized annotation carries it, and YAML reads the manifest back with the very same value.

/** The characters YAML 1.2 allows in a document (c-printable), without the line breaks it reads in text. */
function yamlPrintable(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c <= 0x7e) || c === 0x85 || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
}

/** The characters parsers read as line breaks (YAML 1.1, go-yaml), or that a reader does not see (bidirectional controls, a BOM). */
const LINE_BREAKS = [0x0a, 0x0d, 0x85, 0x2028, 0x2029];
const INVISIBLE = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff];

/** A character YAML carries unchanged in a one-line string: printable, no line break, no tab, nothing invisible that reorders or hides text. */
function carried(c: number): boolean {
  return yamlPrintable(c) && c !== 0x09 && !LINE_BREAKS.includes(c) && !INVISIBLE.includes(c);
}

describe('the characters refused', () => {
  test.each([
    ['\u0000', 'U+0000'], ['\t', 'U+0009'], ['\n', 'U+000A'], ['\r', 'U+000D'], ['\u001b', 'U+001B'], ['\u007f', 'U+007F'],
    ['\u0085', 'U+0085'], ['\u009f', 'U+009F'], ['\u2028', 'U+2028'], ['\u2029', 'U+2029'], ['\u202e', 'U+202E'],
    ['\u2066', 'U+2066'], ['\ufeff', 'U+FEFF'], ['\ufffe', 'U+FFFE'], ['\ud800', 'U+D800'], ['\udfff', 'U+DFFF'],
  ])('%j is refused as %s', (char, codePoint) => {
    expect(unsafeCharacter(`a${char}b`)?.codePoint).toBe(codePoint);
  });

  test.each(['plain', 'Küche', '🏠 emoji', 'a\u00a0b', '中文', '"quotes" and \'apostrophes\'', '{json: [1]}', '# not a comment', 'on', ''])('%j is safe', (text) => {
    expect(isSafeString(text)).toBe(true);
  });

  test('tabs and line feeds are allowed in multi-line text, a carriage return is not', () => {
    expect(isSafeString('a\n\tb', { multiline: true })).toBe(true);
    expect(isSafeString('a\r\nb', { multiline: true })).toBe(false);
  });

  test('a string is safe exactly when YAML carries each of its characters unchanged on one line, and otherwise its first other character is named (property)', () => {
    // GIVEN any string, and strings of the characters either side of the rule's borders
    const border = ['a', ' ', '~', 'é', '中', '😀', '\u00a0', '\ud7ff', '\ue000', '\ufffd', '\u061b', '\u061d', '\u200d', '\u2030', '\u206a',
      '\t', '\n', '\r', '\u0000', '\u007f', '\u0085', '\u009f', '\u061c', '\u200e', '\u2028', '\u202a', '\u2066', '\ufeff', '\ufffe', '\ud800', '\udfff'];
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: fc.constantFrom(...border), maxLength: 6 }));
    const seen = { safe: 0, unsafe: 0 };
    fc.assert(fc.property(text, (s) => {
      // WHEN the rule reads it
      const found = unsafeCharacter(s);
      // THEN it is safe exactly when no character falls under the rules of the top of this file
      const offending = [...s].findIndex((ch) => !carried(ch.codePointAt(0)!));
      expect({ s, safe: isSafeString(s) }).toEqual({ s, safe: offending < 0 });
      if (offending < 0) {
        seen.safe++;
        expect(found).toBeUndefined();
      } else {
        // ... and the first character that falls under them is the one named, at its index
        seen.unsafe++;
        const ch = [...s][offending];
        const index = [...s].slice(0, offending).join('').length;
        expect(found).toMatchObject({ index, codePoint: `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` });
      }
    }), { numRuns: 3000 });
    // Both halves ran
    expect(seen.safe).toBeGreaterThan(300);
    expect(seen.unsafe).toBeGreaterThan(300);
  });
});

describe('cni-args through YAML (property)', () => {
  test('any string is refused naming the field, or read back from the YAML exactly as given', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 24 }),
      fc.string({ unit: fc.constantFrom('a', ' ', ':', '#', '\n', '\u2028', '\u0085', '\u007f', '"', '\'', '\\', 'é', '😀', '\ud800'), maxLength: 12 }),
    );
    let n = 0;
    fc.assert(fc.property(text, (value) => {
      // GIVEN a pod whose cni-args carry the string
      const chart = testChart('default');
      const e = thrown(() => new MultusPodAnnotation(chart, `pod${n++}`, { networks: [{ network: NetworkRef.of('iot', 'kube-system'), cniArgs: { note: value } }] }).toAnnotations());
      if (e !== undefined) {
        // THEN either refused, naming the field ...
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).field).toBe('networks[0].cniArgs.note');
        expect(isSafeString(value)).toBe(false);
        return;
      }
      // ... or YAML (as cdk8s writes it, as a YAML 1.2 parser reads it) gives the same value back
      const annotation = (chart.node.findChild(`pod${n - 1}`) as MultusPodAnnotation).value;
      const yaml = Yaml.stringify({ metadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': annotation } } });
      const read = parseAllDocuments(yaml)[0].toJS().metadata.annotations['k8s.v1.cni.cncf.io/networks'];
      expect(JSON.parse(read)[0]['cni-args'].note).toBe(value);
    }), { numRuns: 2000 });
  });
});

describe('unsafeCharacter over every UTF-16 code unit', () => {
  // The refused code units as the module's comment states them: C0 and C1 controls, DEL, the
  // bidirectional controls, the line and paragraph separators, lone surrogates, the byte order mark
  // and U+FFFE/U+FFFF. Whatever shortcut the scan takes must agree with this on every code unit.
  const refused = (c: number) => c <= 0x1f || (c >= 0x7f && c <= 0x9f) || c === 0x061c || c === 0x200e || c === 0x200f
    || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || (c >= 0xd800 && c <= 0xdfff) || c === 0xfeff || c >= 0xfffe;

  test('refuses exactly the refused code units, alone and inside other text', () => {
    const wrong: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      for (const multiline of [false, true]) {
        const expected = refused(c) && !(multiline && (c === 0x09 || c === 0x0a));
        for (const text of [ch, `iot-${ch}-net`]) {
          if ((unsafeCharacter(text, { multiline }) !== undefined) !== expected) wrong.push(`U+${c.toString(16)} multiline=${multiline} in ${JSON.stringify(text)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  test('a surrogate pair is one safe character; either half alone is refused, at its index', () => {
    expect(unsafeCharacter('home 🏠 lan')).toBeUndefined();
    expect(unsafeCharacter('ab\ud83c')).toMatchObject({ index: 2, codePoint: 'U+D83C' });
    expect(unsafeCharacter('ab\udfe0c')).toMatchObject({ index: 2, codePoint: 'U+DFE0' });
  });
});
