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

  test('every character the rule lets through is one YAML can carry (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
      if (isSafeString(s)) for (const ch of s) expect(yamlPrintable(ch.codePointAt(0)!)).toBe(true);
    }), { numRuns: 3000 });
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
