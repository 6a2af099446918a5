import { Chart } from 'cdk8s';
import { IotNetwork, IotNetworkProps, Ipam, IpamType, MacvlanMode, NetworkRef, ValidationError } from '../../src';
import { findKind, synth, testChart, toYaml, validationError } from '../helpers';

const LAN = '192.168.20.0/24';

/** GIVEN helper: one network in a chart of namespace kube-system, synthesized. */
function network(props: Partial<IotNetworkProps> = {}, id = 'iot', chart: Chart = testChart('kube-system')) {
  const iot = new IotNetwork(chart, id, { subnet: LAN, ...props });
  const nad = findKind(synth(chart), 'NetworkAttachmentDefinition');
  return { iot, nad, config: JSON.parse(nad.spec.config) };
}

/** What a snapshot keeps: the manifest, and its config parsed so that the review reads JSON, not an escaped string. */
function reviewable(nad: any): string {
  return `${toYaml(nad)}---\n# spec.config, parsed\n${JSON.stringify(JSON.parse(nad.spec.config), null, 2)}\n`;
}

describe('IotNetwork snapshots', () => {
  test('default: static IPAM from the annotation, declared as capabilities.ips, single-plugin form', () => {
    // GIVEN / WHEN
    const { iot, nad, config } = network({ master: 'eth0' });

    // THEN
    expect(reviewable(nad)).toMatchSnapshot();
    expect(nad).toMatchObject({
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'iot', namespace: 'kube-system' },
    });
    // The capability the plan's NAD lacked: without it a spec-following runtime drops the ips.
    expect(config).toEqual({
      cniVersion: '0.3.1',
      name: 'iot',
      type: 'macvlan',
      master: 'eth0',
      mode: 'bridge',
      capabilities: { ips: true },
      ipam: { type: 'static' },
    });
    expect(nad.spec.config).toBe(JSON.stringify(iot.cniConfig));
    expect(iot.networkName).toBe('iot');
    expect(iot.networkNamespace).toBe('kube-system');
    expect(iot.subnet).toBe(LAN);
    expect(iot.prefixLength).toBe(24);
    expect(iot.ipam.type).toBe(IpamType.STATIC);
    expect(iot.takesAddressesFromAnnotation).toBe(true);
    expect(iot.macCapability).toBe(false);
    expect(iot.nad.node.id).toBe('Resource');
  });

  test('vlan: the master is the host VLAN sub-interface', () => {
    // GIVEN / WHEN a network on VLAN 20 of eth0
    const { iot, nad, config } = network({ master: 'eth0', vlan: 20 });

    // THEN macvlan hangs off eth0.20
    expect(reviewable(nad)).toMatchSnapshot();
    expect(config.master).toBe('eth0.20');
    expect(iot.master).toBe('eth0.20');
  });

  test('master left out: macvlan uses the node\'s default-route interface', () => {
    // GIVEN / WHEN a network without master
    const { iot, nad, config } = network();

    // THEN the config names no master
    expect(reviewable(nad)).toMatchSnapshot();
    expect(config).not.toHaveProperty('master');
    expect(config).toMatchObject({ type: 'macvlan', mode: 'bridge', capabilities: { ips: true } });
    expect(iot.master).toBeUndefined();
  });

  test('static IPAM with gateway and routes: a route without its own next hop goes through the gateway', () => {
    // GIVEN / WHEN a network with a gateway, a route without a next hop and one with its own
    const { iot, nad, config } = network({
      master: 'eth0',
      gateway: '192.168.20.1',
      routes: [{ destination: '192.168.30.0/24' }, { destination: '10.10.0.0/16', gateway: '192.168.20.254' }],
    });

    // THEN the first route goes through the gateway, the second through its own next hop
    expect(reviewable(nad)).toMatchSnapshot();
    expect(config.ipam).toEqual({
      type: 'static',
      routes: [{ dst: '192.168.30.0/24', gw: '192.168.20.1' }, { dst: '10.10.0.0/16', gw: '192.168.20.254' }],
    });
    expect(iot.gateway).toBe('192.168.20.1');
  });

  test('host-local: a range inside the subnet and outside the DHCP pool, no ips capability', () => {
    // GIVEN / WHEN a host-local network beside the router's DHCP pool
    const { iot, nad, config } = network({
      master: 'eth0',
      gateway: '192.168.20.1',
      dhcpRange: { start: '192.168.20.100', end: '192.168.20.199' },
      ipam: Ipam.hostLocal({ rangeStart: '192.168.20.200', rangeEnd: '192.168.20.220' }),
    });

    // THEN host-local hands out its range with the gateway, and pods name no address
    expect(reviewable(nad)).toMatchSnapshot();
    expect(config).not.toHaveProperty('capabilities');
    expect(config.ipam).toEqual({
      type: 'host-local',
      ranges: [[{ subnet: LAN, rangeStart: '192.168.20.200', rangeEnd: '192.168.20.220', gateway: '192.168.20.1' }]],
    });
    expect(iot.takesAddressesFromAnnotation).toBe(false);
  });

  test('dhcp: the LAN\'s DHCP server leases the address', () => {
    // GIVEN / WHEN a DHCP network
    const { iot, nad, config } = network({ master: 'eth0', ipam: Ipam.dhcp() });

    // THEN the IPAM section is the DHCP client, and pods name no address
    expect(reviewable(nad)).toMatchSnapshot();
    expect(config.ipam).toEqual({ type: 'dhcp' });
    expect(config).not.toHaveProperty('capabilities');
    expect(iot.takesAddressesFromAnnotation).toBe(false);
  });

  test('whereabouts: the gateway, reserved hosts and the DHCP pool are excluded from the range', () => {
    // GIVEN / WHEN a whereabouts network over the whole subnet, with a gateway, a reserved host and a DHCP pool
    const { iot, nad, config } = network({
      master: 'eth0',
      gateway: '192.168.20.1',
      reservedAddresses: ['192.168.20.2'],
      dhcpRange: { start: '192.168.20.100', end: '192.168.20.199' },
      ipam: Ipam.whereabouts({ range: LAN, exclude: ['192.168.20.240/28'] }),
    });

    // THEN each of them is excluded from the range, the pool as CIDRs
    expect(reviewable(nad)).toMatchSnapshot();
    expect(config.ipam).toEqual({
      type: 'whereabouts',
      range: LAN,
      exclude: [
        '192.168.20.240/28',
        '192.168.20.1/32',
        '192.168.20.2/32',
        // 192.168.20.100-192.168.20.199 as CIDRs
        '192.168.20.100/30', '192.168.20.104/29', '192.168.20.112/28', '192.168.20.128/26', '192.168.20.192/29',
      ],
      gateway: '192.168.20.1',
    });
    expect(iot.takesAddressesFromAnnotation).toBe(false);
  });

  test('mac capability: declared on macvlan itself, single-plugin form (no tuning after it)', () => {
    // GIVEN / WHEN a network whose pods pin their MAC
    const { iot, nad, config } = network({ master: 'eth0', macCapability: true });

    // THEN macvlan, which creates net1, takes the MAC; nothing is chained for it
    expect(reviewable(nad)).toMatchSnapshot();
    expect(config).toEqual({
      cniVersion: '0.3.1',
      name: 'iot',
      type: 'macvlan',
      master: 'eth0',
      mode: 'bridge',
      capabilities: { ips: true, mac: true },
      ipam: { type: 'static' },
    });
    expect(JSON.stringify(config)).not.toContain('tuning');
    expect(iot.macCapability).toBe(true);
  });

  test('mac capability with DHCP: the MAC is on macvlan, so the lease is requested with it', () => {
    // GIVEN / WHEN a DHCP network (the router leases by MAC, e.g. a UniFi fixed IP) whose pods pin their MAC
    const { nad, config } = network({ master: 'eth0', ipam: Ipam.dhcp(), macCapability: true });

    // THEN the plugin that creates net1 declares mac, and its own IPAM section is the DHCP client:
    // macvlan sets runtimeConfig.mac when it creates the link, then runs the dhcp plugin on it
    expect(reviewable(nad)).toMatchSnapshot();
    expect(config).toEqual({
      cniVersion: '0.3.1',
      name: 'iot',
      type: 'macvlan',
      master: 'eth0',
      mode: 'bridge',
      capabilities: { mac: true },
      ipam: { type: 'dhcp' },
    });
  });

  test('source-based routing: sbr chained last; the MAC stays on macvlan', () => {
    // GIVEN / WHEN a network with sbr whose pods pin their MAC
    const { nad, config } = network({ master: 'eth0', gateway: '192.168.20.1', macCapability: true, sourceBasedRouting: true });

    // THEN the conflist form: macvlan with both capabilities, then sbr
    expect(reviewable(nad)).toMatchSnapshot();
    expect(config.plugins.map((p: any) => p.type)).toEqual(['macvlan', 'sbr']);
    expect(config.plugins[0].capabilities).toEqual({ ips: true, mac: true });
    expect(config.plugins[1]).toEqual({ type: 'sbr' });
    expect(config).not.toHaveProperty('type');
    // AND net1's own table gets the default route through the gateway (the HomeKit reply path)
    expect(config.plugins[0].ipam).toEqual({ type: 'static', routes: [{ dst: '0.0.0.0/0', gw: '192.168.20.1' }] });
  });

  test('sbr alone still uses the conflist form (only a conflist passes prevResult on)', () => {
    // GIVEN / WHEN a network with sbr and nothing else
    const { config } = network({ sourceBasedRouting: true });

    // THEN macvlan and sbr are a plugin list
    expect(config.plugins.map((p: any) => p.type)).toEqual(['macvlan', 'sbr']);
  });

  test('IPv6 subnet: canonical addresses, Subnet-Router anycast refused', () => {
    // GIVEN / WHEN an IPv6 network written in upper case, with a gateway and a route
    const { iot, nad, config } = network({
      subnet: '2001:DB8:20:0::/64',
      master: 'eth0',
      gateway: '2001:db8:20::1',
      routes: [{ destination: '2001:db8:30::/64' }],
    });

    // THEN addresses are written canonically, and the Subnet-Router anycast address cannot be claimed
    expect(reviewable(nad)).toMatchSnapshot();
    expect(iot.subnet).toBe('2001:db8:20::/64');
    expect(iot.prefixLength).toBe(64);
    expect(config.ipam.routes).toEqual([{ dst: '2001:db8:30::/64', gw: '2001:db8:20::1' }]);
    expect(iot.claimAddress('2001:DB8:20:0:0:0:0:A', 'ha')).toBe('2001:db8:20::a/64');
    expect(validationError(() => iot.claimAddress('2001:db8:20::', 'ha')).message).toContain('Subnet-Router anycast');
  });

  test('mode, mtu and cniVersion are rendered as given', () => {
    // GIVEN / WHEN a network with its own mode, mtu and cniVersion
    const { config } = network({ mode: MacvlanMode.PRIVATE, mtu: 1400, cniVersion: '1.0.0' });

    // THEN the config carries them
    expect(config).toMatchObject({ cniVersion: '1.0.0', mode: 'private', mtu: 1400 });
  });
});

describe('IotNetwork naming', () => {
  test('name and namespace props override the id and the chart', () => {
    // GIVEN / WHEN a network with its own name and namespace
    const { iot, nad } = network({ name: 'iot-lan', namespace: 'networking' }, 'Iot');

    // THEN the NAD and the construct carry them
    expect(nad.metadata).toEqual({ name: 'iot-lan', namespace: 'networking' });
    expect(iot.networkName).toBe('iot-lan');
    expect(iot.networkNamespace).toBe('networking');
  });

  test('the namespace is required when the chart has none', () => {
    // GIVEN / WHEN a network in a chart without a namespace
    const e = validationError(() => new IotNetwork(testChart(), 'iot', { subnet: LAN }));

    // THEN it is refused, saying why a targetNamespace would not do
    expect(e.field).toBe('namespace');
    expect(e.message).toContain('targetNamespace');
  });

  test('the same input gives the same bytes', () => {
    // GIVEN one network's props
    const props: Partial<IotNetworkProps> = { master: 'eth0', vlan: 20, gateway: '192.168.20.1', macCapability: true, sourceBasedRouting: true, mtu: 1500 };

    // WHEN / THEN two networks of them write the same config
    expect(network(props).nad.spec.config).toBe(network(props).nad.spec.config);
  });

  test('an IotNetwork and a NetworkRef to it look the same to a pod', () => {
    // GIVEN a network and a NetworkRef to it
    const { iot } = network();
    const ref = NetworkRef.of('iot', 'kube-system');

    // WHEN / THEN both name the same NAD
    expect({ name: iot.networkName, namespace: iot.networkNamespace }).toEqual({ name: ref.networkName, namespace: ref.networkNamespace });
  });
});

describe('IotNetwork address plan', () => {
  const planned: Partial<IotNetworkProps> = {
    gateway: '192.168.20.1',
    dhcpRange: { start: '192.168.20.100', end: '192.168.20.199' },
    reservedAddresses: ['192.168.20.2', '192.168.20.3'],
  };

  test('a claim gets the subnet\'s prefix and canonical text', () => {
    // GIVEN the planned network
    const { iot } = network(planned);

    // WHEN / THEN claims with and without a prefix come back with the subnet's prefix
    expect(iot.claimAddress('192.168.20.10', 'ha')).toBe('192.168.20.10/24');
    expect(iot.claimAddress('192.168.20.11/24', 'esphome')).toBe('192.168.20.11/24');
  });

  test('the same address claimed twice is refused, naming both claimants', () => {
    // GIVEN an address claimed by one pod
    const { iot } = network(planned);
    iot.claimAddress('192.168.20.10', 'test/home-assistant networks[0]');

    // WHEN another pod claims it
    const e = validationError(() => iot.claimAddress('192.168.20.10/24', 'test/esphome networks[0]', 'networks[0].ips[0]'));

    // THEN it is refused, naming both pods
    expect(e.field).toBe('networks[0].ips[0]');
    expect(e.message).toContain('"192.168.20.10/24"');
    expect(e.message).toContain('test/home-assistant networks[0]');
    expect(e.message).toContain('test/esphome networks[0]');
  });

  test('claims are refused when the IPAM assigns addresses itself', () => {
    // GIVEN a DHCP network
    const { iot } = network({ ipam: Ipam.dhcp() });

    // WHEN a pod claims an address on it
    const e = validationError(() => iot.claimAddress('192.168.20.10', 'ha'));

    // THEN it is refused, naming the address and the IPAM
    expect(e.message).toContain('"192.168.20.10"');
    expect(e.message).toContain('dhcp');
  });

  // Every refusal of a claim: [case, address, what the message must say besides the address].
  test.each([
    ['malformed', '192.168.20', 'IP address'],
    ['octal-looking', '192.168.020.10', 'IP address'],
    ['other prefix', '192.168.20.10/16', 'netmask'],
    ['outside the subnet', '192.168.21.10', 'outside the subnet'],
    ['other family', '2001:db8::10', 'IPv4'],
    ['network address', '192.168.20.0', 'network address'],
    ['broadcast address', '192.168.20.255', 'broadcast address'],
    ['the gateway', '192.168.20.1', 'is the gateway'],
    ['inside the DHCP range (start)', '192.168.20.100', 'DHCP range'],
    ['inside the DHCP range (end)', '192.168.20.199/24', 'DHCP range'],
    ['reserved', '192.168.20.3', 'reservedAddresses[1]'],
  ])('claim refused: %s (%s)', (_case, address, says) => {
    // GIVEN the planned network
    const { iot } = network(planned);

    // WHEN a pod claims an address the plan does not allow it
    const e = validationError(() => iot.claimAddress(address, 'ha', 'networks[0].ips[0]'));

    // THEN it is refused, naming the field, the address and the reason
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.field).toBe('networks[0].ips[0]');
    expect(e.message).toContain(JSON.stringify(address));
    expect(e.message).toContain(says);
  });
});

describe('IotNetwork refusals', () => {
  // [case, props, field, offending value as it appears in the message]
  const cases: Array<[string, Partial<IotNetworkProps>, string, string]> = [
    ['subnet not CIDR', { subnet: '192.168.20.0' }, 'subnet', '"192.168.20.0"'],
    ['subnet host bits', { subnet: '192.168.20.5/24' }, 'subnet', '"192.168.20.5/24"'],
    ['subnet garbage', { subnet: 'lan' }, 'subnet', '"lan"'],
    ['subnet prefix too long', { subnet: '192.168.20.0/33' }, 'subnet', '"192.168.20.0/33"'],
    ['name not a DNS label', { name: 'IoT_LAN' }, 'name', '"IoT_LAN"'],
    ['namespace not a DNS label', { namespace: 'Kube System' }, 'namespace', '"Kube System"'],
    ['master with a slash', { master: 'eth0/1' }, 'master', '"eth0/1"'],
    ['master too long', { master: 'enp0s31f6abcdefgh' }, 'master', '"enp0s31f6abcdefgh"'],
    ['vlan 0', { master: 'eth0', vlan: 0 }, 'vlan', '0'],
    ['vlan 4095', { master: 'eth0', vlan: 4095 }, 'vlan', '4095'],
    ['vlan not an integer', { master: 'eth0', vlan: 2.5 }, 'vlan', '2.5'],
    ['vlan without master', { vlan: 20 }, 'vlan', '20'],
    ['vlan name too long', { master: 'enp0s31f6abcd', vlan: 200 }, 'vlan', '"enp0s31f6abcd.200"'],
    ['mode unknown', { mode: 'l2' as MacvlanMode }, 'mode', '"l2"'],
    ['mtu too small', { mtu: 67 }, 'mtu', '67'],
    ['mtu too large', { mtu: 65536 }, 'mtu', '65536'],
    ['mtu below IPv6 minimum', { subnet: '2001:db8:20::/64', mtu: 1279 }, 'mtu', '1279'],
    ['cniVersion unknown', { cniVersion: '0.2.0' }, 'cniVersion', '"0.2.0"'],
    ['gateway outside', { gateway: '192.168.21.1' }, 'gateway', '"192.168.21.1"'],
    ['gateway network address', { gateway: '192.168.20.0' }, 'gateway', '"192.168.20.0"'],
    ['gateway broadcast address', { gateway: '192.168.20.255' }, 'gateway', '"192.168.20.255"'],
    ['gateway malformed', { gateway: '192.168.20.1.1' }, 'gateway', '"192.168.20.1.1"'],
    ['dhcpRange start outside', { dhcpRange: { start: '192.168.21.100', end: '192.168.20.199' } }, 'dhcpRange.start', '"192.168.21.100"'],
    ['dhcpRange end broadcast', { dhcpRange: { start: '192.168.20.100', end: '192.168.20.255' } }, 'dhcpRange.end', '"192.168.20.255"'],
    ['dhcpRange reversed', { dhcpRange: { start: '192.168.20.199', end: '192.168.20.100' } }, 'dhcpRange.end', '"192.168.20.100"'],
    ['reserved outside', { reservedAddresses: ['10.0.0.2'] }, 'reservedAddresses[0]', '"10.0.0.2"'],
    ['reserved broadcast', { reservedAddresses: ['192.168.20.2', '192.168.20.255'] }, 'reservedAddresses[1]', '"192.168.20.255"'],
    ['reserved twice', { reservedAddresses: ['192.168.20.2', '192.168.20.2'] }, 'reservedAddresses[1]', '"192.168.20.2"'],
    ['reserved is the gateway', { gateway: '192.168.20.1', reservedAddresses: ['192.168.20.1'] }, 'reservedAddresses[0]', '"192.168.20.1"'],
    ['route destination not CIDR', { routes: [{ destination: '192.168.30.0' }] }, 'routes[0].destination', '"192.168.30.0"'],
    ['route destination other family', { routes: [{ destination: '2001:db8::/64' }] }, 'routes[0].destination', '"2001:db8::/64"'],
    ['route gateway off-subnet', { routes: [{ destination: '192.168.30.0/24', gateway: '192.168.30.1' }] }, 'routes[0].gateway', '"192.168.30.1"'],
    ['routes with dhcp', { ipam: Ipam.dhcp(), routes: [{ destination: '192.168.30.0/24' }] }, 'routes', '192.168.30.0/24'],
    ['host-local start outside', { ipam: Ipam.hostLocal({ rangeStart: '192.168.21.200', rangeEnd: '192.168.20.220' }) }, 'ipam.rangeStart', '"192.168.21.200"'],
    ['host-local end broadcast', { ipam: Ipam.hostLocal({ rangeStart: '192.168.20.200', rangeEnd: '192.168.20.255' }) }, 'ipam.rangeEnd', '"192.168.20.255"'],
    ['host-local reversed', { ipam: Ipam.hostLocal({ rangeStart: '192.168.20.220', rangeEnd: '192.168.20.200' }) }, 'ipam.rangeEnd', '"192.168.20.200"'],
    ['host-local in the DHCP pool', {
      dhcpRange: { start: '192.168.20.100', end: '192.168.20.199' },
      ipam: Ipam.hostLocal({ rangeStart: '192.168.20.190', rangeEnd: '192.168.20.210' }),
    }, 'ipam.rangeStart', '"192.168.20.190-192.168.20.210"'],
    ['host-local over a reserved host', {
      reservedAddresses: ['192.168.20.205'],
      ipam: Ipam.hostLocal({ rangeStart: '192.168.20.200', rangeEnd: '192.168.20.220' }),
    }, 'ipam.rangeStart', '192.168.20.205'],
    ['whereabouts range outside', { ipam: Ipam.whereabouts({ range: '192.168.0.0/16' }) }, 'ipam.range', '"192.168.0.0/16"'],
    ['whereabouts range host bits', { ipam: Ipam.whereabouts({ range: '192.168.20.17/28' }) }, 'ipam.range', '"192.168.20.17/28"'],
    ['whereabouts exclude outside range', { ipam: Ipam.whereabouts({ range: '192.168.20.0/25', exclude: ['192.168.20.128/28'] }) }, 'ipam.exclude[0]', '"192.168.20.128/28"'],
    ['ipam not an Ipam', { ipam: { type: 'static' } as unknown as Ipam }, 'ipam', '{"type":"static"}'],
    ['macCapability not boolean', { macCapability: 'yes' as unknown as boolean }, 'macCapability', '"yes"'],
  ];

  test.each(cases)('%s', (_case, props, field, shown) => {
    // GIVEN / WHEN a network prop the network cannot use
    const e = validationError(() => network(props));

    // THEN a ValidationError names the field, the value and the construct
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.field).toBe(field);
    expect(e.message).toContain(shown);
    expect(e.constructPath).toBe('test/iot');
  });

  test('the subnet is required', () => {
    // GIVEN / WHEN a network without a subnet
    const e = validationError(() => new IotNetwork(testChart('kube-system'), 'iot', {} as IotNetworkProps));

    // THEN it is refused as required
    expect(e.field).toBe('subnet');
    expect(e.message).toContain('is required');
  });

  test('the id must be a DNS label when no name is given', () => {
    // GIVEN / WHEN a network whose id is no DNS label, and no name
    const e = validationError(() => network({}, 'IoT'));

    // THEN it is refused for its name, naming the id
    expect(e.field).toBe('name');
    expect(e.message).toContain('"IoT"');
  });
});
