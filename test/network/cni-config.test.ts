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

  test('chained plugins: the conflist form, macvlan first, tuning then sbr', () => {
    const config = buildCniConfig({ ...base, macCapability: true, sourceBasedRouting: true }) as any;

    expect(Object.keys(config)).toEqual(['cniVersion', 'name', 'plugins']);
    expect(config.plugins).toEqual([
      { type: 'macvlan', master: 'eth0', mode: 'bridge', capabilities: { ips: true }, ipam: { type: 'static' } },
      { type: 'tuning', capabilities: { mac: true } },
      { type: 'sbr' },
    ]);
  });

  test('without the ips capability no capabilities key is written', () => {
    const config = buildCniConfig({ ...base, ipsCapability: false, ipam: { type: 'dhcp' } });

    expect(config).not.toHaveProperty('capabilities');
    expect(config.ipam).toEqual({ type: 'dhcp' });
  });

  test('routes without a next hop are written on-link (no gw key)', () => {
    const config = buildCniConfig({ ...base, ipam: { type: 'static', routes: [{ dst: '198.51.100.0/24' }, { dst: '203.0.113.0/24', gw: '192.0.2.1' }] } });

    expect(config.ipam).toEqual({ type: 'static', routes: [{ dst: '198.51.100.0/24' }, { dst: '203.0.113.0/24', gw: '192.0.2.1' }] });
  });

  test('whereabouts without exclusions or gateway writes neither key', () => {
    const config = buildCniConfig({ ...base, ipsCapability: false, ipam: { type: 'whereabouts', range: '192.0.2.0/25', exclude: [], routes: [] } });

    expect(config.ipam).toEqual({ type: 'whereabouts', range: '192.0.2.0/25' });
  });

  test('the same model gives the same bytes', () => {
    const model: MacvlanNetworkModel = { ...base, macCapability: true, sourceBasedRouting: true, mtu: 9000 };

    expect(JSON.stringify(buildCniConfig(model))).toBe(JSON.stringify(buildCniConfig({ ...model })));
  });
});
