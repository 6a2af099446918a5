import * as fs from 'node:fs';
import * as path from 'node:path';
import '../../src';
import { declaredPropsShapes } from '../../src/util/props';

// Every props interface of the public API lists its keys (util/props), so that its construct can
// refuse a key it does not know (a snake_case `release_name` from a JavaScript caller). The compiler
// checks each list against its interface; this test checks that no interface is without one, and
// that each list holds exactly the properties API.md documents.

/** The structs of API.md, with their documented properties. */
function documentedStructs(): Map<string, Set<string>> {
  const api = fs.readFileSync(path.join(__dirname, '..', '..', 'API.md'), 'utf8');
  const structs = api.slice(api.indexOf('## Structs'), api.indexOf('## Classes'));
  const out = new Map<string, Set<string>>();
  for (const m of structs.matchAll(/id="cdk8s-multus\.([A-Za-z]+)\.property\.([A-Za-z]+)"/g)) {
    out.set(m[1], (out.get(m[1]) ?? new Set()).add(m[2]));
  }
  return out;
}

// Output structs, and the options that other props only extend, are never passed alone.
const NOT_PROPS = ['FluxTreeFile', 'FluxKustomizationOptions', 'OciChartSourceOptions'];

describe('props shapes', () => {
  const documented = documentedStructs();

  test.each([...documented.keys()].filter((s) => !NOT_PROPS.includes(s)))('%s lists exactly its documented properties', (name) => {
    const shape = declaredPropsShapes().get(name);
    expect(shape).toBeDefined();
    expect([...shape!.keys].sort()).toEqual([...documented.get(name)!].sort());
  });

  test('API.md documents structs at all', () => {
    expect(documented.size).toBeGreaterThan(20);
  });
});
