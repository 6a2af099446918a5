import * as fc from 'fast-check';
import { CpuQuantity } from '../../src/util/quantity';
import { expectRefusal, thrown } from '../helpers';

// CpuQuantity (src/util/quantity.ts): CPU in whole millicores, as Kubernetes resolves it.

describe('CpuQuantity', () => {
  test.each<[string, () => CpuQuantity, number, string]>([
    ['10 millicores', () => CpuQuantity.millis(10), 10, '10m'],
    ['1500 millicores', () => CpuQuantity.millis(1500), 1500, '1500m'],
    ['2000 millicores are two cores', () => CpuQuantity.millis(2000), 2000, '2'],
    ['one core', () => CpuQuantity.cores(1), 1000, '1'],
    ['a quarter of a core', () => CpuQuantity.cores(0.25), 250, '250m'],
    ['one millicore as cores', () => CpuQuantity.cores(0.001), 1, '1m'],
  ])('%s', (_what, make, millicores, text) => {
    // GIVEN / WHEN a quantity
    const q = make();
    // THEN it holds whole millicores, and writes itself as Kubernetes does
    expect(q.millicores).toBe(millicores);
    expect(q.toString()).toBe(text);
  });

  test.each<[string, () => unknown, string, string]>([
    ['zero millicores', () => CpuQuantity.millis(0), '0', 'CpuQuantity.millis(10)'],
    ['negative millicores', () => CpuQuantity.millis(-1), '-1', 'CpuQuantity.millis(10)'],
    ['fractional millicores', () => CpuQuantity.millis(1.5), '1.5', 'CpuQuantity.millis(10)'],
    ['NaN millicores', () => CpuQuantity.millis(NaN), 'NaN', 'CpuQuantity.millis(10)'],
    ['more millicores than a number holds exactly', () => CpuQuantity.millis(2 ** 53), '9007199254740992', 'CpuQuantity.millis(10)'],
    ['millicores as a string', () => CpuQuantity.millis('10' as any), '"10"', 'CpuQuantity.millis(10)'],
    ['zero cores', () => CpuQuantity.cores(0), '0', 'CpuQuantity.cores(0.5)'],
    ['negative cores', () => CpuQuantity.cores(-0.5), '-0.5', 'CpuQuantity.cores(0.5)'],
    ['NaN cores', () => CpuQuantity.cores(NaN), 'NaN', 'CpuQuantity.cores(0.5)'],
    ['Infinity cores', () => CpuQuantity.cores(Infinity), 'Infinity', 'CpuQuantity.cores(0.5)'],
    ['half a millicore (0.0005 cores)', () => CpuQuantity.cores(0.0005), '0.0005', 'CpuQuantity.cores(0.5)'],
    ['a core and a half millicore', () => CpuQuantity.cores(1.0005), '1.0005', 'CpuQuantity.cores(0.5)'],
    ['cores as a string', () => CpuQuantity.cores('1' as any), '"1"', 'CpuQuantity.cores(0.5)'],
  ])('refuses %s', (_what, make, shown, example) => {
    // GIVEN / WHEN a quantity Kubernetes cannot hold as whole millicores
    // THEN a ValidationError for the factory that refused it, naming the value as given, with an example of a good one
    expectRefusal(make, example.startsWith('CpuQuantity.cores') ? 'CpuQuantity.cores' : 'CpuQuantity.millis', shown);
    expect((thrown(make) as Error).message).toContain(example);
  });

  test('every whole number of millicores round-trips through millis, cores and the text (property)', () => {
    // GIVEN any whole number of millicores up to a million cores
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), (n) => {
      // WHEN it is made with millis() and with cores()
      const m = CpuQuantity.millis(n);
      const c = CpuQuantity.cores(n / 1000);
      // THEN both hold exactly n millicores, and the text reads back as n millicores
      expect(m.millicores).toBe(n);
      expect(c.millicores).toBe(n);
      const text = m.toString();
      expect(text.endsWith('m') ? Number(text.slice(0, -1)) : Number(text) * 1000).toBe(n);
      expect(c.toString()).toBe(text);
    }), { numRuns: 2000 });
  });

  test('a number of millicores that is not whole is refused (property)', () => {
    // GIVEN any finite number that is not a whole number
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)), (x) => {
      // WHEN / THEN millis() refuses it
      expectRefusal(() => CpuQuantity.millis(x), 'CpuQuantity.millis', JSON.stringify(x));
    }), { numRuns: 500 });
  });
});
