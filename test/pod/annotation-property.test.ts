import { Chart } from 'cdk8s';
import * as fc from 'fast-check';
import * as ipaddr from 'ipaddr.js';
import { IotNetwork, MultusPodAnnotation, NetworkRef } from '../../src';
import { isTemplated } from '../../src/knowledge/json';
import { checkedSelections, parseSelections } from '../../src/rules/selections';
import { isSafeString, yamlTypeConfusion } from '../../src/util/strings';
import { testApp } from '../helpers';

// Interface names as the kernel takes them, from an alphabet that includes JSON's special characters,
// so the annotation must escape them.
const IFNAME_CHARS = 'abcxyz019-_.@"\\{}[],\'é'.split('');
// A name written plain that go-yaml reads as another type ("0o6", "-_9": integers) is refused by
// design (test/hostile/properties.test.ts): never part of a valid request.
const ifname = fc.string({ unit: fc.constantFrom(...IFNAME_CHARS), minLength: 1, maxLength: 15 })
  .filter((s) => Buffer.byteLength(s, 'utf8') <= 15 && s !== '.' && s !== '..' && s !== 'lo' && yamlTypeConfusion(s) === undefined);

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/).filter((s) => yamlTypeConfusion(s) === undefined);

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
// Not IPv4-mapped (::ffff:0:0/96): refused, since the plugins read such an address as IPv4.
const ipv6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((parts) => new ipaddr.IPv6(parts))
  .filter((a) => !a.isIPv4MappedAddress()).map((a) => a.toString());
const address = fc.oneof(ipv4, ipv6);
const addressWithOptionalPrefix = fc.oneof(
  ipv4,
  fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`),
  fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`),
);

// Unicast (lowest bit of the first octet clear), not all zero.
const mac = fc.array(fc.nat(255), { minLength: 6, maxLength: 6 })
  .map(([first, ...rest]) => [first & 0xfe, ...rest])
  .filter((o) => o.some((x) => x !== 0))
  .map((o) => o.map((x) => x.toString(16).padStart(2, '0')).join(':'));

const element = fc.record({
  name: dnsLabel,
  namespace: dnsLabel,
  interface: fc.option(ifname, { nil: undefined }),
  ips: fc.option(fc.uniqueArray(addressWithOptionalPrefix, { minLength: 1, maxLength: 3 }), { nil: undefined }),
  mac: fc.option(mac, { nil: undefined }),
  defaultRoute: fc.option(fc.array(address, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  // Any text but the characters YAML cannot carry (controls, line separators: refused, see test/hostile/mechanisms.test.ts).
  cniArgs: fc.option(fc.dictionary(fc.string({ minLength: 1, unit: 'binary' }).filter(isSafeString), fc.string({ unit: 'binary' }).filter(isSafeString)), { nil: undefined }),
});

type Element = typeof element extends fc.Arbitrary<infer T> ? T : never;

function expected(e: Element): Record<string, unknown> {
  return {
    name: e.name,
    namespace: e.namespace,
    ...(e.interface !== undefined ? { interface: e.interface } : {}),
    ...(e.ips !== undefined ? { ips: e.ips } : {}),
    ...(e.mac !== undefined ? { mac: e.mac } : {}),
    ...(e.defaultRoute !== undefined ? { 'default-route': e.defaultRoute } : {}),
    ...(e.cniArgs !== undefined ? { 'cni-args': e.cniArgs } : {}),
  };
}

describe('MultusPodAnnotation.value (property)', () => {
  test('JSON.parse(value) gives back exactly the requested elements, for arbitrary names, interfaces, addresses and cni-args', () => {
    fc.assert(fc.property(fc.array(element, { minLength: 1, maxLength: 4 }), (elements) => {
      // GIVEN a valid request: one default route at most, distinct interface names (given or generated)
      fc.pre(elements.filter((e) => e.defaultRoute !== undefined).length <= 1);
      const names = elements.map((e, i) => e.interface ?? `net${i + 1}`);
      fc.pre(new Set(names).size === names.length && !names.includes('eth0'));
      // ... and no MAC twice on one network (two macvlan children of one master with one MAC)
      const macs = elements.filter((e) => e.mac !== undefined).map((e) => `${e.namespace}/${e.name} ${e.mac}`);
      fc.pre(new Set(macs).size === macs.length);
      const chart = new Chart(testApp(), 'pods');
      // WHEN
      const ann = new MultusPodAnnotation(chart, 'pod', {
        networks: elements.map((e) => ({
          network: NetworkRef.of(e.name, e.namespace),
          interface: e.interface, ips: e.ips, mac: e.mac, defaultRoute: e.defaultRoute, cniArgs: e.cniArgs,
        })),
      });
      // THEN
      expect(JSON.parse(ann.value)).toEqual(elements.map(expected));
      // and the rulebook at synth, which reads the construct's elements instead of parsing its value,
      // reads what parsing would (a value with a template in it is parsed: the view is not used)
      if (!isTemplated(ann.value)) expect(checkedSelections(ann._elements)).toEqual(parseSelections(ann.value));
      // and the same request always renders the same text
      const again = new MultusPodAnnotation(chart, 'again', {
        networks: elements.map((e) => ({
          network: NetworkRef.of(e.name, e.namespace),
          interface: e.interface, ips: e.ips, mac: e.mac, defaultRoute: e.defaultRoute,
          cniArgs: e.cniArgs === undefined ? undefined : Object.fromEntries(Object.entries(e.cniArgs).reverse()),
        })),
      });
      expect(again.value).toBe(ann.value);
    }));
  });

  test('on an IotNetwork, arbitrary free addresses of several pods come back with the subnet prefix', () => {
    const hosts = fc.uniqueArray(fc.integer({ min: 2, max: 254 }), { minLength: 1, maxLength: 12 });
    fc.assert(fc.property(hosts, fc.integer({ min: 1, max: 4 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), (octets, pods, withPrefix) => {
      // GIVEN an IoT network and the addresses spread over `pods` pods
      const app = testApp();
      const iot = new IotNetwork(new Chart(app, 'net', { namespace: 'kube-system' }), 'iot', { subnet: '198.51.100.0/24', gateway: '198.51.100.1' });
      const chart = new Chart(app, 'pods');
      const perPod: string[][] = Array.from({ length: pods }, () => []);
      octets.forEach((o, i) => perPod[i % pods].push(`198.51.100.${o}${withPrefix[i] ? '/24' : ''}`));
      // WHEN
      const values = perPod.filter((ips) => ips.length > 0).map((ips, p) =>
        new MultusPodAnnotation(chart, `pod${p}`, { networks: [{ network: iot, ips }] }));
      // THEN
      values.forEach((value, p) => {
        const want = perPod[p].map((ip) => (ip.endsWith('/24') ? ip : `${ip}/24`));
        expect(JSON.parse(value.value)).toEqual([{ name: 'iot', namespace: 'kube-system', ips: want }]);
        expect(checkedSelections(value._elements)).toEqual(parseSelections(value.value));
      });
    }));
  });
});
