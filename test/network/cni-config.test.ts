import { MacvlanNetworkModel, buildCniConfig } from '../../src/network/cni-config';

// The CNI config builder is pure: the model in, the object `spec.config` serializes out.

const base: MacvlanNetworkModel = {
  cniVersion: '0.3.1',
  name: 'iot',
  master: 'eth0',
  mode: 'bridge',
  ipam: { type: 'static', routes: [] },
  ipsCapability: true,
  macCapability: false,
  sourceBasedRouting: false,
};

describe('buildCniConfig', () => {
  test('macvlan alone: the single-plugin form, keys in the CNI spec\'s order', () => {
    // GIVEN / WHEN
    const config = buildCniConfig({ ...base, mtu: 1500 });

    // THEN
    expect(Object.keys(config)).toEqual(['cniVersion', 'name', 'type', 'master', 'mode', 'mtu', 'capabilities', 'ipam']);
    expect(config).toEqual({
      cniVersion: '0.3.1', name: 'iot', type: 'macvlan', master: 'eth0', mode: 'bridge', mtu: 1500,
      capabilities: { ips: true }, ipam: { type: 'static' },
    });
  });

  test('sbr chained: the conflist form, macvlan first, sbr last', () => {
    // GIVEN / WHEN
    const config = buildCniConfig({ ...base, macCapability: true, sourceBasedRouting: true }) as any;

    // THEN
    expect(Object.keys(config)).toEqual(['cniVersion', 'name', 'plugins']);
    expect(config.plugins).toEqual([
      { type: 'macvlan', master: 'eth0', mode: 'bridge', capabilities: { ips: true, mac: true }, ipam: { type: 'static' } },
      { type: 'sbr' },
    ]);
  });

  test('mac capability: declared on macvlan, which creates the link, and no plugin chained for it', () => {
    // GIVEN / WHEN a network whose pods pin their MAC
    const config = buildCniConfig({ ...base, macCapability: true });

    // THEN the single-plugin form: macvlan declares ips and mac itself (no tuning after it)
    expect(Object.keys(config)).toEqual(['cniVersion', 'name', 'type', 'master', 'mode', 'capabilities', 'ipam']);
    expect(config).toEqual({
      cniVersion: '0.3.1', name: 'iot', type: 'macvlan', master: 'eth0', mode: 'bridge',
      capabilities: { ips: true, mac: true }, ipam: { type: 'static' },
    });
  });

  test('mac capability with DHCP: the MAC sits on the plugin that creates the link, before the lease is requested', () => {
    // GIVEN a DHCP network (addresses from the router, so no ips capability) whose pods pin their MAC
    const model: MacvlanNetworkModel = { ...base, ipsCapability: false, macCapability: true, ipam: { type: 'dhcp' } };

    // WHEN its config is built
    const config = buildCniConfig(model);

    // THEN macvlan (whose IPAM section is the DHCP client) is the only plugin and declares mac:
    // macvlan creates net1 with runtimeConfig.mac, then runs the dhcp plugin on it
    expect(config).toEqual({
      cniVersion: '0.3.1', name: 'iot', type: 'macvlan', master: 'eth0', mode: 'bridge',
      capabilities: { mac: true }, ipam: { type: 'dhcp' },
    });
    expect(config).not.toHaveProperty('plugins');
  });

  test('mac capability with DHCP and sbr: still on macvlan, never on a later plugin', () => {
    // GIVEN / WHEN a DHCP network whose pods pin their MAC, with sbr chained
    const config = buildCniConfig({ ...base, ipsCapability: false, macCapability: true, sourceBasedRouting: true, ipam: { type: 'dhcp' } }) as any;

    // THEN macvlan declares mac, and sbr nothing
    expect(config.plugins).toEqual([
      { type: 'macvlan', master: 'eth0', mode: 'bridge', capabilities: { mac: true }, ipam: { type: 'dhcp' } },
      { type: 'sbr' },
    ]);
  });

  test('without the ips capability no capabilities key is written', () => {
    // GIVEN / WHEN a network that takes no addresses from the annotation
    const config = buildCniConfig({ ...base, ipsCapability: false, ipam: { type: 'dhcp' } });

    // THEN the config declares no capabilities
    expect(config).not.toHaveProperty('capabilities');
    expect(config.ipam).toEqual({ type: 'dhcp' });
  });

  test('routes without a next hop are written on-link (no gw key)', () => {
    // GIVEN / WHEN routes with and without a next hop
    const config = buildCniConfig({ ...base, ipam: { type: 'static', routes: [{ dst: '198.51.100.0/24' }, { dst: '203.0.113.0/24', gw: '192.0.2.1' }] } });

    // THEN only the one with a next hop carries gw
    expect(config.ipam).toEqual({ type: 'static', routes: [{ dst: '198.51.100.0/24' }, { dst: '203.0.113.0/24', gw: '192.0.2.1' }] });
  });

  test('whereabouts without exclusions or gateway writes neither key', () => {
    // GIVEN / WHEN whereabouts with nothing excluded and no gateway
    const config = buildCniConfig({ ...base, ipsCapability: false, ipam: { type: 'whereabouts', range: '192.0.2.0/25', exclude: [], routes: [] } });

    // THEN the IPAM section holds only its type and range
    expect(config.ipam).toEqual({ type: 'whereabouts', range: '192.0.2.0/25' });
  });

  test('the same model gives the same bytes', () => {
    // GIVEN a model and a copy of it
    const model: MacvlanNetworkModel = { ...base, macCapability: true, sourceBasedRouting: true, mtu: 9000 };

    // WHEN / THEN both serialize to the same bytes
    expect(JSON.stringify(buildCniConfig(model))).toBe(JSON.stringify(buildCniConfig({ ...model })));
  });
});
