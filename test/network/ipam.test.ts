import { Ipam, IpamType } from '../../src';
import { AddressPlan, Subnet } from '../../src/network/address-plan';
import { CniRoute } from '../../src/network/cni-config';
import { resolveIpam } from '../../src/network/ipam';
import { expectRefusal, validationError } from '../helpers';

// resolveIpam (src/network/ipam.ts): the `ipam` section of a network's CNI config for each Ipam,
// checked against the subnet and the address plan. Pure: plain Subnet and AddressPlan, no construct.

const SUBNET = Subnet.parse('subnet', '192.0.2.0/24');
/** The plan of the tests: gateway .1, .2 reserved for another host, the router's pool .100-.199. */
const PLAN = new AddressPlan(SUBNET, { gateway: '192.0.2.1', reservedAddresses: ['192.0.2.2'], dhcpRange: { start: '192.0.2.100', end: '192.0.2.199' } });
const ROUTES: CniRoute[] = [{ dst: '198.51.100.0/24', gw: '192.0.2.1' }];

describe('Ipam', () => {
  test.each<[string, Ipam, IpamType, boolean]>([
    ['static', Ipam.static(), IpamType.STATIC, true],
    ['host-local', Ipam.hostLocal({ rangeStart: '192.0.2.20', rangeEnd: '192.0.2.40' }), IpamType.HOST_LOCAL, false],
    ['dhcp', Ipam.dhcp(), IpamType.DHCP, false],
    ['whereabouts', Ipam.whereabouts({ range: '192.0.2.0/24' }), IpamType.WHEREABOUTS, false],
  ])('%s: pods name their address only with static IPAM', (_what, ipam, type, fromAnnotation) => {
    // GIVEN / WHEN an Ipam
    // THEN its type, and whether the annotation carries the address
    expect(ipam.type).toBe(type);
    expect(ipam.takesAddressesFromAnnotation).toBe(fromAnnotation);
  });
});

describe('resolveIpam: static', () => {
  test('the plugin with the routes; addresses come from the annotation, so no gateway', () => {
    // GIVEN / WHEN static IPAM on the plan with a route
    const ipam = resolveIpam(Ipam.static(), SUBNET, PLAN, ROUTES);
    // THEN
    expect(ipam).toEqual({ type: 'static', routes: ROUTES });
  });
});

describe('resolveIpam: dhcp', () => {
  test('the DHCP client alone', () => {
    // GIVEN / WHEN DHCP IPAM without routes
    // THEN only its type: the router hands out address, gateway and routes
    expect(resolveIpam(Ipam.dhcp(), SUBNET, PLAN, [])).toEqual({ type: 'dhcp' });
  });

  test('routes are refused: the DHCP server sets them', () => {
    // GIVEN / WHEN DHCP IPAM with two routes
    const e = validationError(() => resolveIpam(Ipam.dhcp(), SUBNET, PLAN, [...ROUTES, { dst: '203.0.113.0/24' }]));
    // THEN refused as ignored, naming the destinations
    expect([e.field, e.value, e.problems[0].problem]).toEqual(['routes', '["198.51.100.0/24","203.0.113.0/24"]', 'would be ignored']);
    expect(e.hint).toContain('router');
  });
});

describe('resolveIpam: host-local', () => {
  test('the range, with the subnet, the plan\'s gateway and the routes', () => {
    // GIVEN / WHEN a host-local range between the reserved host and the pool
    const ipam = resolveIpam(Ipam.hostLocal({ rangeStart: '192.0.2.20', rangeEnd: '192.0.2.40' }), SUBNET, PLAN, ROUTES);
    // THEN
    expect(ipam).toEqual({ type: 'host-local', subnet: '192.0.2.0/24', rangeStart: '192.0.2.20', rangeEnd: '192.0.2.40', gateway: '192.0.2.1', routes: ROUTES });
  });

  test('a range over the gateway is taken: host-local skips its own gateway', () => {
    // GIVEN / WHEN a range from the gateway up
    const ipam = resolveIpam(Ipam.hostLocal({ rangeStart: '192.0.2.1', rangeEnd: '192.0.2.1' }), SUBNET, new AddressPlan(SUBNET, { gateway: '192.0.2.1' }), []);
    // THEN it is accepted
    expect(ipam).toMatchObject({ type: 'host-local', rangeStart: '192.0.2.1', gateway: '192.0.2.1' });
  });

  test.each<[string, Ipam, string, string, string]>([
    ['a start outside the subnet', Ipam.hostLocal({ rangeStart: '198.51.100.20', rangeEnd: '192.0.2.40' }), 'ipam.rangeStart', '"198.51.100.20"', 'is outside the subnet'],
    ['an end at the broadcast address', Ipam.hostLocal({ rangeStart: '192.0.2.20', rangeEnd: '192.0.2.255' }), 'ipam.rangeEnd', '"192.0.2.255"', 'is the broadcast address of 192.0.2.0/24'],
    ['an end before the start', Ipam.hostLocal({ rangeStart: '192.0.2.40', rangeEnd: '192.0.2.20' }), 'ipam.rangeEnd', '"192.0.2.20"', 'comes before rangeStart'],
    ['a range into the router\'s pool', Ipam.hostLocal({ rangeStart: '192.0.2.90', rangeEnd: '192.0.2.110' }), 'ipam.rangeStart', '"192.0.2.90-192.0.2.110"', 'overlaps the DHCP range'],
    ['a range over a reserved host', Ipam.hostLocal({ rangeStart: '192.0.2.2', rangeEnd: '192.0.2.40' }), 'ipam.rangeStart', '"192.0.2.2-192.0.2.40"', 'contains a reserved address'],
    ['no options', Ipam.hostLocal(undefined as any), 'ipam', 'undefined', 'is not valid'],
  ])('refuses %s', (_what, ipam, field, shown, problem) => {
    // GIVEN / WHEN a host-local range the plan does not allow
    // THEN a ValidationError for the field, naming the range and what is wrong with it
    expectRefusal(() => resolveIpam(ipam, SUBNET, PLAN, []), field, shown);
    expect(validationError(() => resolveIpam(ipam, SUBNET, PLAN, [])).problems[0].problem).toBe(problem);
  });
});

describe('resolveIpam: whereabouts', () => {
  test('the given exclusions first, then the gateway, the reserved hosts and the pool, without being listed', () => {
    // GIVEN / WHEN whereabouts over the whole subnet, excluding a /28 of its own
    const ipam = resolveIpam(Ipam.whereabouts({ range: '192.0.2.0/24', exclude: ['192.0.2.240/28'] }), SUBNET, PLAN, ROUTES);
    // THEN
    expect(ipam).toEqual({
      type: 'whereabouts',
      range: '192.0.2.0/24',
      exclude: ['192.0.2.240/28', '192.0.2.1/32', '192.0.2.2/32', '192.0.2.100/30', '192.0.2.104/29', '192.0.2.112/28', '192.0.2.128/26', '192.0.2.192/29'],
      gateway: '192.0.2.1',
      routes: ROUTES,
    });
  });

  test('only what lies in the range is excluded, the pool cut at the range\'s end, nothing twice', () => {
    // GIVEN / WHEN whereabouts over .0-.127, which already excludes the first four addresses
    const ipam = resolveIpam(Ipam.whereabouts({ range: '192.0.2.0/25', exclude: ['192.0.2.0/30'] }), SUBNET, PLAN, []);
    // THEN the gateway and the reserved host are not listed again, and the pool ends at .127
    expect(ipam).toMatchObject({ range: '192.0.2.0/25', exclude: ['192.0.2.0/30', '192.0.2.100/30', '192.0.2.104/29', '192.0.2.112/28'] });
  });

  test('an IPv6 host is excluded as a /128', () => {
    // GIVEN an IPv6 subnet with a gateway
    const v6 = Subnet.parse('subnet', '2001:db8:20::/64');
    // WHEN whereabouts allocates from it
    const ipam = resolveIpam(Ipam.whereabouts({ range: '2001:db8:20::/64' }), v6, new AddressPlan(v6, { gateway: '2001:db8:20::1' }), []);
    // THEN the gateway is kept out
    expect(ipam).toMatchObject({ exclude: ['2001:db8:20::1/128'], gateway: '2001:db8:20::1' });
  });

  test.each<[string, Ipam, string, string]>([
    ['a range outside the subnet', Ipam.whereabouts({ range: '192.0.0.0/16' }), 'ipam.range', '"192.0.0.0/16"'],
    ['a range with host bits', Ipam.whereabouts({ range: '192.0.2.17/28' }), 'ipam.range', '"192.0.2.17/28"'],
    ['an exclusion outside the range', Ipam.whereabouts({ range: '192.0.2.0/25', exclude: ['192.0.2.128/28'] }), 'ipam.exclude[0]', '"192.0.2.128/28"'],
    ['exclusions that are no list', Ipam.whereabouts({ range: '192.0.2.0/25', exclude: '192.0.2.0/30' as any }), 'ipam.exclude', '"192.0.2.0/30"'],
    ['no options', Ipam.whereabouts(null as any), 'ipam', 'null'],
  ])('refuses %s', (_what, ipam, field, shown) => {
    // GIVEN / WHEN a whereabouts range the subnet does not allow
    // THEN a ValidationError for the field, naming the value
    expectRefusal(() => resolveIpam(ipam, SUBNET, PLAN, []), field, shown);
  });
});
