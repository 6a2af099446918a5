import { Ipam, IotNetworkProps, MacvlanMode } from '../../src';
import { NetworkContext, resolveNetwork } from '../../src/network/network-model';
import { expectRefusal, validationError } from '../helpers';

// resolveNetwork (src/network/network-model.ts): an IotNetwork's props as a pure, validated model.
// No construct: the scope's answers (the id, the chart's namespace) come in a context object.

const CONTEXT: NetworkContext = { id: 'iot', chartNamespace: 'kube-system' };
const SUBNET = '192.0.2.0/24';

describe('resolveNetwork', () => {
  test('defaults: named after the id, in the chart\'s namespace, static IPAM, macvlan bridge, CNI 0.3.1', () => {
    // GIVEN / WHEN only a subnet
    const model = resolveNetwork({ subnet: SUBNET }, CONTEXT);
    // THEN
    expect([model.name, model.namespace, model.subnet.cidr, model.macCapability, model.master]).toEqual(['iot', 'kube-system', SUBNET, false, undefined]);
    expect(model.ipam.type).toBe('static');
    expect(model.plan.nonPodAddresses).toEqual([]);
    expect(model.config).toEqual({
      cniVersion: '0.3.1', name: 'iot', master: undefined, mode: 'bridge', mtu: undefined,
      ipam: { type: 'static', routes: [] }, ipsCapability: true, macCapability: false, sourceBasedRouting: false,
    });
  });

  test('every prop lands in the model: name and namespace over the context, vlan on the master, routes through the gateway', () => {
    // GIVEN / WHEN a network with every prop
    const model = resolveNetwork({
      subnet: SUBNET, name: 'iot-lan', namespace: 'networking', master: 'eth0', vlan: 20, mode: MacvlanMode.PRIVATE, mtu: 1400,
      gateway: '192.0.2.1', routes: [{ destination: '198.51.100.0/24' }, { destination: '203.0.113.0/24', gateway: '192.0.2.254' }],
      dhcpRange: { start: '192.0.2.100', end: '192.0.2.199' }, reservedAddresses: ['192.0.2.2'],
      macCapability: true, sourceBasedRouting: true, cniVersion: '1.0.0',
    }, CONTEXT);
    // THEN
    expect([model.name, model.namespace, model.master, model.macCapability]).toEqual(['iot-lan', 'networking', 'eth0.20', true]);
    expect(model.plan.nonPodAddresses.map((a) => a.text)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(model.config).toEqual({
      cniVersion: '1.0.0', name: 'iot-lan', master: 'eth0.20', mode: 'private', mtu: 1400,
      // sbr with a gateway and static IPAM: net1's own table gets the default route through the gateway
      ipam: { type: 'static', routes: [{ dst: '198.51.100.0/24', gw: '192.0.2.1' }, { dst: '203.0.113.0/24', gw: '192.0.2.254' }, { dst: '0.0.0.0/0', gw: '192.0.2.1' }] },
      ipsCapability: true, macCapability: true, sourceBasedRouting: true,
    });
  });

  test('sbr adds no default route without a gateway, none when the routes hold one, and none without sbr', () => {
    const routesOf = (props: Record<string, unknown>) => (resolveNetwork({ subnet: SUBNET, ...props } as any, CONTEXT).config.ipam as any).routes;
    expect(routesOf({ sourceBasedRouting: true })).toEqual([]);
    expect(routesOf({ gateway: '192.0.2.1' })).toEqual([]);
    expect(routesOf({ gateway: '192.0.2.1', sourceBasedRouting: true, routes: [{ destination: '0.0.0.0/0', gateway: '192.0.2.254' }] })).toEqual([{ dst: '0.0.0.0/0', gw: '192.0.2.254' }]);
  });

  test('without a gateway a route is on-link; an IPAM that assigns addresses takes none from the annotation', () => {
    // GIVEN / WHEN a whereabouts network with a route and no gateway
    const model = resolveNetwork({ subnet: SUBNET, routes: [{ destination: '198.51.100.0/24' }], ipam: Ipam.whereabouts({ range: '192.0.2.0/25' }) }, CONTEXT);
    // THEN the route has no next hop, and the config declares no ips capability
    expect(model.config.ipam).toEqual({ type: 'whereabouts', range: '192.0.2.0/25', exclude: [], gateway: undefined, routes: [{ dst: '198.51.100.0/24' }] });
    expect(model.config.ipsCapability).toBe(false);
  });

  test('every refused prop is reported together, in one ValidationError with .problems', () => {
    // GIVEN / WHEN a network with a dozen bad props
    const e = validationError(() => resolveNetwork({
      subnet: SUBNET,
      name: 'IoT',
      namespace: 'Kube System',
      ipam: { type: 'static' } as unknown as Ipam,
      macCapability: 'yes' as unknown as boolean,
      sourceBasedRouting: 1 as unknown as boolean,
      master: 'eth0/1',
      cniVersion: '0.2.0',
      mode: 'l2' as MacvlanMode,
      dhcpRange: '192.0.2.100-192.0.2.199' as any,
      reservedAddresses: '192.0.2.2' as any,
      gateway: '198.51.100.1',
      mtu: 67,
    }, CONTEXT));
    // THEN each is named, in the order of the props, with its value
    expect(e.problems.map((p) => p.field)).toEqual([
      'name', 'namespace', 'ipam', 'macCapability', 'sourceBasedRouting', 'master', 'cniVersion', 'mode', 'dhcpRange', 'reservedAddresses', 'gateway', 'mtu',
    ]);
    expect(e.problems.map((p) => p.value)).toEqual([
      '"IoT"', '"Kube System"', '{"type":"static"}', '"yes"', '1', '"eth0/1"', '"0.2.0"', '"l2"', '"192.0.2.100-192.0.2.199"', '"192.0.2.2"', '"198.51.100.1"', '67',
    ]);
    expect(e.message).toMatch(/^12 problems:\n/);
    expect(e.constructPath).toBeUndefined();
  });

  test('the address plan\'s problems are reported together too', () => {
    // GIVEN / WHEN a gateway, a pool and a reserved host that are all wrong
    const e = validationError(() => resolveNetwork({ subnet: SUBNET, gateway: '192.0.2.0', dhcpRange: { start: '192.0.2.199', end: '192.0.2.100' }, reservedAddresses: ['192.0.2.255'] }, CONTEXT));
    // THEN each is named
    expect(e.problems.map((p) => p.field)).toEqual(['gateway', 'dhcpRange.end', 'reservedAddresses[0]']);
  });

  test.each<[string, unknown, NetworkContext, string, string, string]>([
    ['no props', null, CONTEXT, 'props', 'null', 'is required'],
    ['no subnet', {}, CONTEXT, 'subnet', 'undefined', 'is required'],
    ['no namespace, in a chart without one', { subnet: SUBNET }, { id: 'iot' }, 'namespace', 'undefined', 'is required'],
    ['an id that is no DNS label, without a name', { subnet: SUBNET }, { id: 'IoT', chartNamespace: 'kube-system' }, 'name', '"IoT"', 'is not valid'],
    ['vlan without master', { subnet: SUBNET, vlan: 20 }, CONTEXT, 'vlan', '20', 'needs master'],
    ['vlan 4095', { subnet: SUBNET, master: 'eth0', vlan: 4095 }, CONTEXT, 'vlan', '4095', 'is not valid'],
    ['a VLAN interface name over 15 bytes', { subnet: SUBNET, master: 'enp0s31f6abcd', vlan: 200 }, CONTEXT, 'vlan', '"enp0s31f6abcd.200"', 'makes an interface name that is too long'],
    ['an IPv6 mtu below 1280', { subnet: '2001:db8:20::/64', mtu: 1279 }, CONTEXT, 'mtu', '1279', 'is not valid'],
    ['routes that are no list', { subnet: SUBNET, routes: { destination: '198.51.100.0/24' } }, CONTEXT, 'routes', '{"destination":"198.51.100.0/24"}', 'is not valid'],
    ['a route of the other family', { subnet: SUBNET, routes: [{ destination: '2001:db8::/64' }] }, CONTEXT, 'routes[0].destination', '"2001:db8::/64"', 'is not valid'],
    ['a route whose next hop is off the subnet', { subnet: SUBNET, routes: [{ destination: '198.51.100.0/24', gateway: '198.51.100.1' }] }, CONTEXT, 'routes[0].gateway', '"198.51.100.1"', 'is outside the subnet'],
  ])('refuses %s', (_what, props, context, field, shown, problem) => {
    // GIVEN / WHEN props the network cannot be built from
    // THEN a ValidationError for the field, naming the value and what is wrong with it
    expectRefusal(() => resolveNetwork(props as IotNetworkProps, context), field, shown);
    expect(validationError(() => resolveNetwork(props as IotNetworkProps, context)).problems[0].problem).toBe(problem);
  });
});

describe('resolveNetwork reports refusals that depend on each other together', () => {
  test('a refused mtu does not hide refused routes of a dhcp network, nor a bad gateway the routes', () => {
    // GIVEN a dhcp network with routes (which dhcp ignores), a bad mtu, and a bad route next to a bad gateway
    const props = { subnet: '192.0.2.0/24', namespace: 'kube-system', ipam: Ipam.dhcp(), mtu: 5, gateway: '198.51.100.1', routes: [{ destination: 'nope' }] } as any;
    // WHEN it is resolved
    const e = validationError(() => resolveNetwork(props, { id: 'iot' }));
    // THEN the mtu, the gateway and the route are all named
    expect(e.problems.map((p) => p.field).sort()).toEqual(['gateway', 'mtu', 'routes[0].destination']);
  });

  test('a refused master does not hide a refused vlan', () => {
    // GIVEN a master with a space and a vlan out of range
    const props = { subnet: '192.0.2.0/24', namespace: 'kube-system', master: 'eth 0', vlan: 5000 } as any;
    // WHEN / THEN both are named
    expect(validationError(() => resolveNetwork(props, { id: 'iot' })).problems.map((p) => p.field)).toEqual(['master', 'vlan']);
  });

  test('routes of a dhcp network are refused with the rest once everything else is right', () => {
    // GIVEN a dhcp network with routes and a bad mtu
    const props = { subnet: '192.0.2.0/24', namespace: 'kube-system', ipam: Ipam.dhcp(), mtu: 5, routes: [{ destination: '198.51.100.0/24' }] } as any;
    // WHEN / THEN both the mtu and the ignored routes are named
    expect(validationError(() => resolveNetwork(props, { id: 'iot' })).problems.map((p) => p.field).sort()).toEqual(['mtu', 'routes']);
  });
});
