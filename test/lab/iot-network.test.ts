import { IotNetwork, IotNetworkProps } from '../../src';
import { findKind, synth, testChart } from '../helpers';
import { ip, linkNames, linkState, routes } from './lab';
import { describeLab, LAB_TEST_TIMEOUT_MS, labSuite, useLab } from './suite';
import { unicastExchange } from './udp';

/**
 * The lab against what the library really emits: each network is an IotNetwork, synthesized, and
 * its NetworkAttachmentDefinition's `spec.config` is what the plugins get.
 */

/** The parsed `spec.config` of the NetworkAttachmentDefinition an IotNetwork with `props` synthesizes. */
function synthesizedConfig(props: IotNetworkProps): Record<string, unknown> {
  const chart = testChart('kube-system');
  new IotNetwork(chart, 'iot', props);
  const nad = findKind(synth(chart), 'NetworkAttachmentDefinition');
  return JSON.parse(nad.spec.config);
}

const IOT = { subnet: '192.0.2.0/24', gateway: '192.0.2.1' };

labSuite('CNI lab: IotNetwork configs through the reference plugins', () => ({
  staticIp: synthesizedConfig({ ...IOT, master: 'eth0' }),
  staticIpMac: synthesizedConfig({ ...IOT, master: 'eth0', macCapability: true }),
  vlan20: synthesizedConfig({ subnet: '198.51.100.0/24', master: 'eth0', vlan: 20, name: 'iot-vlan20' }),
  defaultMaster: synthesizedConfig(IOT),
}));

describeLab('CNI lab: IotNetwork options through the reference plugins', () => {
  const { lab, runtime } = useLab();
  let seq = 0;
  const containerId = () => `iot${process.pid}c${++seq}`;

  test.each(['0.4.0', '1.0.0'])('cniVersion %s: ADD with IP + MAC through a chain, and DEL with the cached result', async (cniVersion) => {
    // GIVEN a network of that CNI version that takes addresses and MACs from the annotation, with
    // sbr chained (a conflist, so DEL hands the chain the cached result as prevResult)
    const config = synthesizedConfig({ ...IOT, master: 'eth0', macCapability: true, sourceBasedRouting: true, cniVersion });
    const pod = await lab().pod();
    const request = { containerId: containerId(), netns: pod, ips: ['192.0.2.60/24'], mac: '02:00:5e:00:53:3c' };

    // WHEN the pod is attached, then detached (DEL gets prevResult from 0.4.0 on)
    const result = await runtime().add(config, request);
    const attached = await linkState(pod, 'net1');
    await runtime().del(config, request);

    // THEN the plugins answered in that version, net1 had address and MAC, and DEL removed it
    expect(result.cniVersion).toBe(cniVersion);
    expect(attached).toMatchObject({ mac: '02:00:5e:00:53:3c', ipv4: ['192.0.2.60/24'] });
    expect(await linkNames(pod)).toEqual(['lo']);
  }, LAB_TEST_TIMEOUT_MS);

  test('routes: a subnet behind the router is reached through net1', async () => {
    // GIVEN a router on the LAN that also holds 203.0.113.1 (another network behind it)
    await ip('-n', lab().lan, 'addr', 'add', '203.0.113.1/32', 'dev', 'lo');
    const config = synthesizedConfig({ ...IOT, master: 'eth0', routes: [{ destination: '203.0.113.0/24' }] });
    const pod = await lab().pod();

    // WHEN a pod is attached
    await runtime().add(config, { containerId: containerId(), netns: pod, ips: ['192.0.2.70/24'] });

    // THEN it has the route through the gateway, and the host behind the router answers it
    expect(await routes(pod)).toContainEqual(expect.objectContaining({ dst: '203.0.113.0/24', gateway: '192.0.2.1', dev: 'net1' }));
    const exchange = await unicastExchange(pod, '192.0.2.70', lab().lan, '203.0.113.1');
    expect(exchange.answer?.from).toBe('203.0.113.1');
  }, LAB_TEST_TIMEOUT_MS);

  test('sourceBasedRouting: the default route through the gateway moves into a per-source table', async () => {
    // GIVEN a network with a default route through the gateway and sbr chained
    const config = synthesizedConfig({ ...IOT, master: 'eth0', routes: [{ destination: '0.0.0.0/0' }], sourceBasedRouting: true });
    const pod = await lab().pod();

    // WHEN a pod is attached
    await runtime().add(config, { containerId: containerId(), netns: pod, ips: ['192.0.2.80/24'] });

    // THEN the main table has no default route through net1 (eth0 keeps the pod's default route),
    const all = await routes(pod);
    expect(all.filter((r) => r.dst === 'default' && (r.table === undefined || r.table === 'main'))).toEqual([]);
    // AND a rule sends traffic from net1's address to a table whose default route is the gateway
    const rules = JSON.parse(await ip('-n', pod, '-j', 'rule', 'show')) as Array<{ src?: string; table?: string }>;
    const rule = rules.find((r) => r.src === '192.0.2.80');
    expect(rule).toBeDefined();
    expect(all).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '192.0.2.1', dev: 'net1', table: rule!.table }));
  }, LAB_TEST_TIMEOUT_MS);
});
