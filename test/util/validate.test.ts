import { Chart } from 'cdk8s';
import * as fc from 'fast-check';
import {
  checkDnsLabel, checkDnsSubdomain, checkInterfaceName, isDnsSubdomain, isLabelValue, isQualifiedName, optionalBoolean,
} from '../../src/util/validate';
import { expectRefusal, testApp, validationError } from '../helpers';

// src/util/validate.ts: the Kubernetes and Linux name rules every construct checks its names with.

describe('checkDnsLabel', () => {
  test.each(['a', 'kube-system', '0', 'a1-b2', 'x'.repeat(63)])('accepts %j', (name) => {
    // GIVEN a DNS-1123 label
    // WHEN / THEN it passes
    expect(() => checkDnsLabel('namespace', name)).not.toThrow();
  });

  test.each<[string, unknown, string]>([
    ['empty', '', '""'],
    ['capitals', 'Kube-System', '"Kube-System"'],
    ['an underscore', 'kube_system', '"kube_system"'],
    ['a dot (a subdomain, not a label)', 'a.b', '"a.b"'],
    ['a leading "-"', '-a', '"-a"'],
    ['a trailing "-"', 'a-', '"a-"'],
    ['64 characters', 'x'.repeat(64), JSON.stringify('x'.repeat(64))],
    ['a number', 5, '5'],
    ['null', null, 'null'],
  ])('refuses %s', (_what, name, shown) => {
    // GIVEN / WHEN a name that is no DNS-1123 label
    // THEN a ValidationError for the field, naming the value and the rule
    expectRefusal(() => checkDnsLabel('namespace', name as string), 'namespace', shown);
    expect(validationError(() => checkDnsLabel('namespace', name as string)).hint).toContain('DNS-1123 label');
  });

  test('a refusal names the construct that refused', () => {
    // GIVEN a construct
    const chart = new Chart(testApp(), 'net');
    // WHEN it checks a bad name
    const e = validationError(() => checkDnsLabel('name', 'IoT', chart));
    // THEN the error carries its path
    expect(e.constructPath).toBe('net');
    expect(e.message).toContain('(at net)');
  });
});

describe('checkDnsSubdomain and isDnsSubdomain', () => {
  test.each([
    ['network-attachment-definitions.k8s.cni.cncf.io', true],
    ['multus', true],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, true], // 253 characters
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, false], // 254
    ['a..b', false],
    ['.a', false],
    ['a.', false],
    ['A.b', false],
    ['a_b', false],
    ['', false],
  ])('%j is a subdomain: %s', (name, ok) => {
    // GIVEN a name
    // WHEN / THEN isDnsSubdomain tells, and checkDnsSubdomain agrees
    expect(isDnsSubdomain(name)).toBe(ok);
    if (ok) expect(() => checkDnsSubdomain('name', name)).not.toThrow();
    else expectRefusal(() => checkDnsSubdomain('name', name), 'name', JSON.stringify(name));
  });

  test('anything but a string is no subdomain', () => {
    // GIVEN values that are no strings
    // WHEN / THEN none is a subdomain
    expect([5, null, undefined, {}, ['a']].map(isDnsSubdomain)).toEqual([false, false, false, false, false]);
  });
});

describe('checkInterfaceName', () => {
  test.each(['eth0', 'ens18', 'eth0.20', 'enp0s31f6', 'x'.repeat(15), 'wlan-iot_1'])('accepts %j', (name) => {
    // GIVEN a name the kernel accepts
    // WHEN / THEN it passes
    expect(() => checkInterfaceName('master', name)).not.toThrow();
  });

  test.each<[string, unknown, string]>([
    ['empty', '', '""'],
    ['16 characters', 'x'.repeat(16), JSON.stringify('x'.repeat(16))],
    ['15 characters, 16 bytes', `${'x'.repeat(14)}é`, JSON.stringify(`${'x'.repeat(14)}é`)],
    ['"."', '.', '"."'],
    ['".."', '..', '".."'],
    ['a slash', 'eth0/1', '"eth0/1"'],
    ['a colon (an alias)', 'eth0:1', '"eth0:1"'],
    ['a space', 'eth 0', '"eth 0"'],
    ['a number', 0, '0'],
  ])('refuses %s', (_what, name, shown) => {
    // GIVEN / WHEN a name the kernel refuses (dev_valid_name)
    // THEN a ValidationError for the field, naming the value
    expectRefusal(() => checkInterfaceName('master', name as string), 'master', shown);
  });
});

describe('optionalBoolean', () => {
  test.each<[boolean | undefined, boolean, boolean]>([
    [undefined, true, true],
    [undefined, false, false],
    [true, false, true],
    [false, true, false],
  ])('%s with default %s is %s', (value, fallback, result) => {
    // GIVEN a boolean prop, or none
    // WHEN / THEN the prop, or the default when it is left out
    expect(optionalBoolean('prune', value, fallback)).toBe(result);
  });

  test.each<[unknown, string]>([['yes', '"yes"'], [1, '1'], [0, '0'], [null, 'null'], ['false', '"false"']])('refuses %j', (value, shown) => {
    // GIVEN / WHEN something that only looks like a boolean
    // THEN a ValidationError that asks for true or false, not a truthy guess
    expectRefusal(() => optionalBoolean('prune', value as boolean, true), 'prune', shown);
    expect(validationError(() => optionalBoolean('prune', value as boolean, true)).hint).toBe('use true or false');
  });
});

describe('isQualifiedName (label, annotation and taint keys)', () => {
  test.each([
    ['node-role.kubernetes.io/control-plane', true],
    ['CriticalAddonsOnly', true],
    ['k8s.v1.cni.cncf.io/networks', true],
    ['a', true],
    ['A_b.c-d', true],
    ['x'.repeat(63), true],
    ['x'.repeat(64), false],
    ['example.com/x'.replace('x', 'y'.repeat(63)), true],
    ['Example.com/x', false],
    ['a/b/c', false],
    ['/a', false],
    ['a/', false],
    ['', false],
    ['-a', false],
    ['a_', false],
    ['node-role\nx', false],
  ])('%j: %s', (key, ok) => {
    // GIVEN a key
    // WHEN / THEN it is a qualified name exactly as Kubernetes says
    expect(isQualifiedName(key)).toBe(ok);
  });

  test('a non-string is no qualified name', () => {
    // GIVEN values that are no strings
    // WHEN / THEN none is a qualified name
    expect([5, null, undefined, {}].map(isQualifiedName)).toEqual([false, false, false, false]);
  });
});

describe('isLabelValue (label and taint values)', () => {
  test.each([
    ['', true],
    ['true', true],
    ['a.b_c-d', true],
    ['x'.repeat(63), true],
    ['x'.repeat(64), false],
    ['-a', false],
    ['a.', false],
    ['a b', false],
    ['a/b', false],
  ])('%j: %s', (value, ok) => {
    // GIVEN a value
    // WHEN / THEN it is a label value exactly as Kubernetes says (empty allowed)
    expect(isLabelValue(value)).toBe(ok);
  });

  test('a non-string is no label value, not even a number', () => {
    // GIVEN values that are no strings
    // WHEN / THEN none is a label value
    expect([5, null, undefined, true].map(isLabelValue)).toEqual([false, false, false, false]);
  });

  test('every label value is a qualified name part, and the reverse but for the empty string (property)', () => {
    // GIVEN strings of the characters both rules know, and a few others
    const s = fc.string({ unit: fc.constantFrom(...'ab9-_.Z/ '.split('')), maxLength: 70 });
    fc.assert(fc.property(s, (v) => {
      // WHEN / THEN without a slash, a key and a value follow one rule, but a key is never empty
      if (!v.includes('/')) expect(isQualifiedName(v)).toBe(isLabelValue(v) && v !== '');
    }), { numRuns: 2000 });
  });
});
