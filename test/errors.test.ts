import { Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { Problems, ValidationError, ValidationProblem, invalid, refusal, renderValue } from '../src/errors';
import { testApp, thrown, validationError } from './helpers';

// src/errors.ts: the one error the library throws for refused input, and how several problems
// become one error. Pure: no construct is needed, except to show a construct path.

/** GIVEN helper: the problem of a refusal, as an error carries it. */
function problem(field: string, value: unknown, hint = 'use something else'): ValidationProblem {
  return refusal({ field, value, hint }).problems[0];
}

describe('ValidationError', () => {
  test('one problem: "field: value is not valid: hint", with field, value and hint apart', () => {
    // GIVEN / WHEN the example of the doc comment
    const e = new ValidationError({ field: 'vlan', value: '4095', hint: 'use an integer from 1 to 4094' });
    // THEN
    expect(e.message).toBe('vlan: 4095 is not valid: use an integer from 1 to 4094');
    expect([e.name, e.field, e.value, e.hint, e.constructPath]).toEqual(['ValidationError', 'vlan', '4095', 'use an integer from 1 to 4094', undefined]);
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ field: 'vlan', value: '4095', problem: 'is not valid', message: e.message });
  });

  test('its own problem phrase, and the path of the construct that refused the value', () => {
    // GIVEN a construct
    const chart = new Chart(testApp(), 'net');
    // WHEN it refuses a value, saying what is wrong with it
    const e = new ValidationError({ field: 'ips[0]', value: '"192.0.2.1"', hint: 'pick another address', problem: 'is the gateway', scope: chart });
    // THEN the message says so, and names the construct
    expect(e.message).toBe('ips[0]: "192.0.2.1" is the gateway: pick another address (at net)');
    expect(e.constructPath).toBe('net');
  });

  test('a construct path given as text; the root is named <root>', () => {
    // GIVEN / WHEN refusals with a construct path but no construct
    const inner = new ValidationError({ field: 'f', value: '1', hint: 'h', constructPath: 'a/b' });
    const root = new ValidationError({ field: 'f', value: '1', hint: 'h', constructPath: '' });
    // THEN the message names the path, and the root by name
    expect(inner.message).toBe('f: 1 is not valid: h (at a/b)');
    expect(root.message).toBe('f: 1 is not valid: h (at <root>)');
    expect(root.constructPath).toBe('');
  });

  test('of(): one problem gives an error equal to it', () => {
    // GIVEN one problem
    const p = problem('subnet', 'lan');
    // WHEN made into an error
    const e = ValidationError.of([p]);
    // THEN it reads as that problem alone
    expect(e.message).toBe('subnet: "lan" is not valid: use something else');
    expect(e.problems).toEqual([p]);
  });

  test('of(): several problems are listed one a line, in order; field, value and hint are the first one\'s', () => {
    // GIVEN three problems
    const ps = [problem('name', 'IoT', 'use a DNS-1123 label'), problem('vlan', 0, 'use 1 to 4094'), problem('mtu', 67, 'use 68 to 65535')];
    // WHEN made into one error
    const e = ValidationError.of(ps);
    // THEN
    expect(e.message).toBe([
      '3 problems:',
      '  - name: "IoT" is not valid: use a DNS-1123 label',
      '  - vlan: 0 is not valid: use 1 to 4094',
      '  - mtu: 67 is not valid: use 68 to 65535',
    ].join('\n'));
    expect([e.field, e.value, e.hint]).toEqual(['name', '"IoT"', 'use a DNS-1123 label']);
    expect(e.problems).toEqual(ps);
  });

  test('of(): no problem is a programming error, not a refusal', () => {
    // GIVEN / WHEN an error of no problem
    const e = thrown(() => ValidationError.of([]));
    // THEN a plain Error, never a ValidationError that would blame the user's input
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(ValidationError);
  });

  test('of(): any list of problems is kept whole and in order, and the message names each (property)', () => {
    // GIVEN any one to six problems
    const p = fc.record({ field: fc.string({ minLength: 1, maxLength: 12 }), value: fc.anything(), hint: fc.string({ minLength: 1, maxLength: 20 }) })
      .map((r) => problem(r.field, r.value, r.hint));
    fc.assert(fc.property(fc.array(p, { minLength: 1, maxLength: 6 }), (ps) => {
      // WHEN made into one error
      const e = ValidationError.of(ps);
      // THEN every problem is in it, in order, and its message is in the error's
      expect(e.problems).toEqual(ps);
      for (const x of ps) expect(e.message).toContain(x.message);
      expect(e.field).toBe(ps[0].field);
    }), { numRuns: 300 });
  });
});

describe('renderValue', () => {
  test.each<[string, unknown, string]>([
    ['a string, quoted so that empty strings and spaces show', ' eth0 ', '" eth0 "'],
    ['an empty string', '', '""'],
    ['a newline, escaped', 'a\nb', '"a\\nb"'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a number', 4095, '4095'],
    ['NaN as JavaScript writes it, not JSON\'s null', NaN, 'NaN'],
    ['-Infinity', -Infinity, '-Infinity'],
    ['a bigint', 10n, '10'],
    ['an object, as JSON', { type: 'static' }, '{"type":"static"}'],
    ['a list, as JSON', ['192.0.2.1'], '["192.0.2.1"]'],
    ['a symbol, which JSON cannot write', Symbol('iot'), 'Symbol(iot)'],
  ])('%s', (_what, value, shown) => {
    // GIVEN a value a user may pass
    // WHEN / THEN it is shown as a human reads it
    expect(renderValue(value)).toBe(shown);
  });

  test('a value JSON cannot write (a cycle) is still shown', () => {
    // GIVEN an object that holds itself
    const cyclic: any = { a: 1 };
    cyclic.self = cyclic;
    // WHEN / THEN it is shown with its content, the cycle marked, not thrown
    expect(renderValue(cyclic)).toBe('<ref *1> { a: 1, self: [Circular *1] }');
  });
});

describe('refusal and invalid', () => {
  test('refusal() returns the error of a refusal, its value rendered; invalid() throws the same', () => {
    // GIVEN a refusal
    const r = { field: 'mtu', value: NaN, hint: 'use an integer from 68 to 65535' };
    // WHEN it is made into an error, and thrown
    const returned = refusal(r);
    const threw = validationError(() => invalid(r));
    // THEN both say the same, with the value as JavaScript writes it
    expect(returned.message).toBe('mtu: NaN is not valid: use an integer from 68 to 65535');
    expect(threw.message).toBe(returned.message);
    expect(threw.value).toBe('NaN');
  });
});

describe('Problems', () => {
  test('check() returns what a passing check returns, and records nothing', () => {
    // GIVEN no problem yet
    const problems = new Problems();
    // WHEN a check passes
    const v = problems.check(() => 42);
    // THEN its result comes back, and throwIfAny does nothing
    expect(v).toBe(42);
    expect(problems.ok).toBe(true);
    expect(problems.list).toEqual([]);
    expect(() => problems.throwIfAny()).not.toThrow();
  });

  test('check() records a refusal and goes on; throwIfAny() reports every problem in one error, in order', () => {
    // GIVEN checks that do not depend on each other, two of which refuse
    const problems = new Problems();
    // WHEN each is run
    const a = problems.check(() => invalid({ field: 'name', value: 'IoT', hint: 'use a DNS-1123 label' }));
    const b = problems.check(() => 'fine');
    problems.check(() => invalid({ field: 'vlan', value: 0, hint: 'use 1 to 4094' }));
    // THEN the refused ones give undefined, and one error lists both problems
    expect([a, b]).toEqual([undefined, 'fine']);
    expect(problems.ok).toBe(false);
    const e = validationError(() => problems.throwIfAny());
    expect(e.problems.map((p) => p.field)).toEqual(['name', 'vlan']);
    expect(e.message).toMatch(/^2 problems:\n {2}- name: "IoT" is not valid: use a DNS-1123 label\n {2}- vlan: 0 is not valid: use 1 to 4094$/);
  });

  test('an error of several problems is recorded as its problems, not as one', () => {
    // GIVEN an error that already holds two problems (a nested model's)
    const problems = new Problems();
    const nested = ValidationError.of([problem('a', 1), problem('b', 2)]);
    // WHEN it is checked, and another added
    problems.check(() => { throw nested; });
    problems.add(refusal({ field: 'c', value: 3, hint: 'h' }));
    // THEN the list is flat
    expect(problems.list.map((p) => p.field)).toEqual(['a', 'b', 'c']);
    expect(validationError(() => problems.throwIfAny()).message).toMatch(/^3 problems:/);
  });

  test('any other error passes through check(): a bug is not a refusal', () => {
    // GIVEN a check that fails with a TypeError
    const problems = new Problems();
    // WHEN it is run
    const e = thrown(() => problems.check(() => (undefined as any).x));
    // THEN the TypeError comes out, and no problem is recorded
    expect(e).toBeInstanceOf(TypeError);
    expect(problems.ok).toBe(true);
  });

  test('list is a copy: changing it changes nothing recorded', () => {
    // GIVEN one recorded problem
    const problems = new Problems();
    problems.add(refusal({ field: 'a', value: 1, hint: 'h' }));
    // WHEN the list handed out is emptied
    (problems.list as ValidationProblem[]).length = 0;
    // THEN the problem is still recorded
    expect(problems.list).toHaveLength(1);
  });
});
