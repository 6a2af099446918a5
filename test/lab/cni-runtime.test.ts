import { CniError, pluginStdin, toConfList, undeclaredCapabilities, versionAtLeast } from './cni-runtime';

/**
 * The lab's runtime decides what each plugin sees; these checks pin that to the CNI spec and libcni,
 * and run everywhere (no root, no plugins needed).
 */

const MACVLAN = { type: 'macvlan', master: 'eth0', capabilities: { ips: true }, ipam: { type: 'static' } };
const TUNING = { type: 'tuning', capabilities: { mac: true } };
const SBR = { type: 'sbr' };

describe('toConfList', () => {
  test('wraps a single plugin config into a one-plugin list, keeping name and cniVersion', () => {
    // GIVEN a single-plugin config WHEN it is normalized
    const list = toConfList({ cniVersion: '0.3.1', name: 'iot', ...MACVLAN });

    // THEN it is a list of that one plugin
    expect(list).toMatchObject({ cniVersion: '0.3.1', name: 'iot', plugins: [{ type: 'macvlan', master: 'eth0' }] });
    expect(list.plugins).toHaveLength(1);
  });

  test('keeps a conflist as it is', () => {
    const config = { cniVersion: '1.0.0', name: 'iot', plugins: [MACVLAN, TUNING] };
    expect(toConfList(config)).toEqual(config);
  });

  test.each([
    ['no name', { cniVersion: '0.3.1', type: 'macvlan' }, 'no name'],
    ['no cniVersion', { name: 'iot', type: 'macvlan' }, 'no cniVersion'],
    ['neither type nor plugins', { cniVersion: '0.3.1', name: 'iot' }, 'neither type nor plugins'],
    ['an empty plugins list', { cniVersion: '0.3.1', name: 'iot', plugins: [] }, 'empty plugins'],
    ['a plugin without type', { cniVersion: '0.3.1', name: 'iot', plugins: [{ master: 'eth0' }] }, 'has no type'],
  ])('refuses a config with %s', (_what, config, message) => {
    expect(() => toConfList(config)).toThrow(CniError);
    expect(() => toConfList(config)).toThrow(message);
  });
});

describe('pluginStdin', () => {
  const list = toConfList({ cniVersion: '0.4.0', name: 'iot', plugins: [MACVLAN, TUNING, SBR] });
  const args = { ips: ['192.0.2.10/24'], mac: '02:00:5e:00:53:0b' };

  test('injects the list name and cniVersion into each plugin', () => {
    // WHEN the stdin of each plugin is built
    const stdins = list.plugins.map((p) => pluginStdin(list, p, {}));

    // THEN each carries the list's name and version
    for (const stdin of stdins) expect(stdin).toMatchObject({ name: 'iot', cniVersion: '0.4.0' });
  });

  test('passes each capability argument only to the plugins that declare it', () => {
    // WHEN a pod asks for an address and a MAC
    const [macvlan, tuning, sbr] = list.plugins.map((p) => pluginStdin(list, p, args));

    // THEN macvlan gets only ips, tuning only mac, sbr (declaring nothing) no runtimeConfig at all
    expect(macvlan.runtimeConfig).toEqual({ ips: ['192.0.2.10/24'] });
    expect(tuning.runtimeConfig).toEqual({ mac: '02:00:5e:00:53:0b' });
    expect(sbr).not.toHaveProperty('runtimeConfig');
  });

  test('passes prevResult to a chained plugin, and none to the first', () => {
    const prev = { cniVersion: '0.4.0', interfaces: [{ name: 'net1', mac: '02:00:5e:00:53:0b' }] };
    expect(pluginStdin(list, list.plugins[0], args)).not.toHaveProperty('prevResult');
    expect(pluginStdin(list, list.plugins[1], args, prev).prevResult).toEqual(prev);
  });

  test('leaves a capability the plugin declares as false out', () => {
    const off = toConfList({ cniVersion: '0.3.1', name: 'iot', type: 'macvlan', capabilities: { ips: false } });
    expect(pluginStdin(off, off.plugins[0], args)).not.toHaveProperty('runtimeConfig');
  });
});

describe('undeclaredCapabilities', () => {
  test.each([
    ['the plan NAD, asked for ips', { cniVersion: '0.3.1', name: 'iot', type: 'macvlan', ipam: { type: 'static' } }, { ips: ['192.0.2.10/24'] }, ['ips']],
    ['macvlan with ips, asked for ips and mac', { cniVersion: '0.3.1', name: 'iot', ...MACVLAN }, { ips: ['192.0.2.10/24'], mac: '02:00:5e:00:53:0b' }, ['mac']],
    ['macvlan + tuning, asked for both', { cniVersion: '0.3.1', name: 'iot', plugins: [MACVLAN, TUNING] }, { ips: ['192.0.2.10/24'], mac: '02:00:5e:00:53:0b' }, []],
    ['the plan NAD, asked for nothing', { cniVersion: '0.3.1', name: 'iot', type: 'macvlan' }, {}, []],
  ])('%s', (_what, config, args, missing) => {
    expect(undeclaredCapabilities(toConfList(config), args)).toEqual(missing);
  });
});

test.each([
  ['0.3.1', '0.4.0', false],
  ['0.4.0', '0.4.0', true],
  ['1.0.0', '0.4.0', true],
  ['0.10.0', '0.4.0', true],
])('versionAtLeast(%s, %s) is %s', (version, min, expected) => {
  expect(versionAtLeast(version, min)).toBe(expected);
});
