import * as fc from 'fast-check';
import { CniPaths, FluxApp, FluxKustomization, MultusInstall, MultusPodAnnotation, NetworkRef } from '../../src';
import { NAME_LIMITS, isApiVersion, isDnsLabel, isDnsSubdomain } from '../../src/util/names';
import { expectAcceptedExactlyWhen, testChart, thrown, tree } from '../helpers';

// One module knows the names of Kubernetes, Helm, Flux and the kernel, with their limits; every
// construct checks its names through it. These tests state the rules from their sources and check
// constructs against them, through the public API.

const LABEL_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-';

/** DNS-1123 label per RFC 1123 as Kubernetes states it. */
function label(s: string): boolean {
  return s.length >= 1 && s.length <= 63 && [...s].every((c) => LABEL_CHARS.includes(c)) && s[0] !== '-' && !s.endsWith('-');
}

/** Labels and near-labels around the limits. */
const nearLabel = (max: number) => fc.string({
  unit: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...LABEL_CHARS.split('')) }, { weight: 1, arbitrary: fc.constantFrom('A', '.', '_', ' ', 'é', '\u2028') }),
  maxLength: max,
});

function accepted(fn: () => unknown): boolean {
  return thrown(fn) === undefined;
}

describe('the limits', () => {
  test('are those of Kubernetes, Helm, Flux and Linux', () => {
    expect(NAME_LIMITS).toEqual({ dnsLabel: 63, dnsSubdomain: 253, helmReleaseName: 53, fluxKustomizationName: 63, labelValue: 63, interfaceName: 15 });
  });

  test.each([
    ['a', true], ['a'.repeat(63), true], ['a'.repeat(64), false], ['-a', false], ['a-', false], ['A', false], ['a.b', false], ['', false],
  ])('label %s: %s', (name, ok) => {
    expect(isDnsLabel(name)).toBe(ok);
  });

  test.each([
    [['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.'), true],
    [['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(62)].join('.'), false],
    ['a..b', false], ['a.-b', false], ['.a', false],
  ])('subdomain of %#: %s', (name, ok) => {
    expect(isDnsSubdomain(name)).toBe(ok);
  });

  test.each([
    ['v1', true], ['apps/v1', true], ['v2beta1', true], ['example.com/v1alpha2', true],
    ['v0', false], ['v1beta', false], ['apps/', false], ['/v1', false], ['../v1', false], ['-apps-/v1', false], ['apps/v1/x', false], ['APPS/v1', false],
  ])('API version %s: %s', (v, ok) => {
    expect(isApiVersion(v)).toBe(ok);
  });
});

describe('constructs check their names by kind (property)', () => {
  // Only a name written plain that go-yaml reads as another type ("0o6": the integer 6) is refused
  // beyond these rules, saying so (test/helpers.ts `expectAcceptedExactlyWhen`).
  test('a Helm release name is accepted exactly when it is a DNS-1123 label of at most 53 characters', () => {
    fc.assert(fc.property(nearLabel(70), (name) => {
      const make = () => new MultusInstall(testChart('kube-system'), 'multus', { cniPaths: CniPaths.K3S, releaseName: name });
      expectAcceptedExactlyWhen(make, name, label(name) && name.length <= 53);
    }), { numRuns: 500 });
  });

  test('a Flux Kustomization name is accepted exactly when it is a DNS-1123 subdomain of at most 63 characters', () => {
    const subdomainish = fc.array(nearLabel(30), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
    fc.assert(fc.property(subdomainish, (name) => {
      const make = () => new FluxKustomization(new FluxApp(tree(), 'echo', { namespace: 'default' }), 'app', { name });
      expectAcceptedExactlyWhen(make, name, name.length <= 63 && name.split('.').every(label));
    }), { numRuns: 500 });
    expect(() => new FluxKustomization(new FluxApp(tree(), 'echo', { namespace: 'default' }), 'app', { name: '0o6' })).toThrow(/name: "0o6" is read back as an integer/);
  });

  test('a derived Flux Kustomization name is accepted exactly when app-directory fits 63 characters', () => {
    const part = fc.stringMatching(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    fc.assert(fc.property(part, part.filter((d) => d !== 'app'), (appName, directory) => {
      const ok = accepted(() => new FluxKustomization(new FluxApp(tree(), 'a', { namespace: 'default', name: appName }), 'k', { directory }));
      expect(ok).toBe(appName.length + 1 + directory.length <= 63);
    }), { numRuns: 300 });
  });

  test('an interface name is never accepted with "%", or as "all" or "default"', () => {
    const name = fc.oneof(fc.constantFrom('all', 'default', '%d', 'net%d', 'a%sb'), fc.string({ unit: fc.constantFrom('a', 'l', '%', 'd', '1'), minLength: 1, maxLength: 15 }));
    fc.assert(fc.property(name, (ifname) => {
      const ok = accepted(() => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: NetworkRef.of('iot', 'kube-system'), interface: ifname }] }));
      expect(ok).toBe(!ifname.includes('%') && ifname !== 'all' && ifname !== 'default');
    }), { numRuns: 500 });
  });
});
