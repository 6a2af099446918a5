import { IotNetworkProps } from '../../src';
import { ifIndex, ip, linkNames, linkState, routes } from './lab';
import { CLUSTER_GATEWAY } from './multus-runtime';
import { describeLab, LAB_TEST_TIMEOUT_MS, libraryPod, podOf, useLab } from './suite';
import { multicast, unicastExchange } from './udp';

/**
 * The lab against what the library really emits: each network is an IotNetwork, synthesized, and
 * each pod carries the annotation MultusPodAnnotation writes. The real Multus reads both (the NADs
 * from the fake API server) and runs the reference plugins 1.10; the pods then talk to the LAN.
 */

const IOT = { subnet: '192.0.2.0/24', gateway: '192.0.2.1' };
const ON_ETH0: IotNetworkProps = { ...IOT, master: 'eth0' };

describeLab('CNI lab: IotNetwork configs through the real Multus and the reference plugins 1.10', () => {
  const { lab, multus } = useLab();
  let seq = 0;
  const containerId = () => `iot${process.pid}c${++seq}`;

  test('static IP: net1 carries the requested address and reaches the LAN gateway; eth0 stays the cluster network', async () => {
    // GIVEN a pod whose annotation asks for 192.0.2.10 on the IotNetwork
    const library = libraryPod({ props: ON_ETH0, selection: { ips: ['192.0.2.10'] } });
    const pod = await podOf(lab(), containerId(), library);

    // WHEN Multus attaches it
    const added = await multus().add(pod, library.nads);

    // THEN net1 is up with exactly that address, on the node's eth0, and Multus reports it
    const net1 = await linkState(pod.netns, 'net1');
    expect(net1).toMatchObject({ ipv4: ['192.0.2.10/24'], up: true });
    expect(net1?.masterIndex).toBe(await ifIndex(lab().node, 'eth0'));
    expect(added.networkStatus).toContainEqual(expect.objectContaining({ name: 'kube-system/iot', interface: 'net1', ips: ['192.0.2.10'] }));
    expect(added.events).toContain('Normal AddedInterface Add net1 [192.0.2.10/24] from kube-system/iot');
    // AND the pod's default route is eth0's (the cluster network), as on a real node
    expect(await routes(pod.netns)).toContainEqual(expect.objectContaining({ dst: 'default', gateway: CLUSTER_GATEWAY, dev: 'eth0' }));
    // AND the LAN's gateway answers it on net1
    const exchange = await unicastExchange(pod.netns, '192.0.2.10', lab().lan, '192.0.2.1');
    expect(exchange.answer).toEqual({ message: 'pong:hello from 192.0.2.10', from: '192.0.2.1' });
  }, LAB_TEST_TIMEOUT_MS);

  test('static IP + MAC: net1 carries the requested address and MAC', async () => {
    const mac = '02:00:5e:00:53:0b';
    const library = libraryPod({ props: { ...ON_ETH0, macCapability: true }, selection: { ips: ['192.0.2.11'], mac } });
    const pod = await podOf(lab(), containerId(), library);

    const added = await multus().add(pod, library.nads);

    expect(await linkState(pod.netns, 'net1')).toMatchObject({ mac, ipv4: ['192.0.2.11/24'], up: true });
    expect(added.networkStatus).toContainEqual(expect.objectContaining({ interface: 'net1', mac }));
  }, LAB_TEST_TIMEOUT_MS);

  test('VLAN master: net1 hangs off eth0.20 and reaches the VLAN gateway', async () => {
    const library = libraryPod({ props: { subnet: '198.51.100.0/24', master: 'eth0', vlan: 20, name: 'iot-vlan20' }, selection: { ips: ['198.51.100.10'] } });
    const pod = await podOf(lab(), containerId(), library);

    await multus().add(pod, library.nads);

    const net1 = await linkState(pod.netns, 'net1');
    expect(net1).toMatchObject({ ipv4: ['198.51.100.10/24'], up: true });
    expect(net1?.masterIndex).toBe(await ifIndex(lab().node, 'eth0.20'));
    const exchange = await unicastExchange(pod.netns, '198.51.100.10', lab().lan, '198.51.100.1');
    expect(exchange.answer?.from).toBe('198.51.100.1');
  }, LAB_TEST_TIMEOUT_MS);

  test("master left out: net1 hangs off the node's default-route interface", async () => {
    const library = libraryPod({ props: IOT, selection: { ips: ['192.0.2.12'] } });
    const pod = await podOf(lab(), containerId(), library);

    await multus().add(pod, library.nads);

    const net1 = await linkState(pod.netns, 'net1');
    expect(net1).toMatchObject({ ipv4: ['192.0.2.12/24'], up: true });
    expect(net1?.masterIndex).toBe(await ifIndex(lab().node, 'eth0'));
  }, LAB_TEST_TIMEOUT_MS);

  test('two pods: unicast both ways, and mDNS multicast from one reaches the other and the LAN', async () => {
    const a = await podOf(lab(), containerId(), libraryPod({ props: ON_ETH0, selection: { ips: ['192.0.2.21'] } }));
    const b = await podOf(lab(), containerId(), libraryPod({ props: ON_ETH0, selection: { ips: ['192.0.2.22'] } }));
    const { nads } = libraryPod({ props: ON_ETH0, selection: { ips: ['192.0.2.21'] } });
    await multus().add(a, nads);
    await multus().add(b, nads);
    // multicast leaves through net1 (eth0 holds the default route, as on a node)
    for (const pod of [a, b]) await ip('-n', pod.netns, 'route', 'add', '224.0.0.0/4', 'dev', 'net1');

    const exchange = await unicastExchange(a.netns, '192.0.2.21', b.netns, '192.0.2.22');
    const [atB, atLan] = await multicast(a.netns, '192.0.2.21', [
      { ns: b.netns, address: '192.0.2.22' },
      { ns: lab().lan, address: '192.0.2.1' },
    ]);

    expect(exchange.answer).toEqual({ message: 'pong:hello from 192.0.2.21', from: '192.0.2.22' });
    expect(atB).toEqual({ message: 'mdns from 192.0.2.21', from: '192.0.2.21' });
    expect(atLan).toEqual({ message: 'mdns from 192.0.2.21', from: '192.0.2.21' });
  }, LAB_TEST_TIMEOUT_MS);

  test('DEL removes eth0 and net1 (with and without a pinned MAC), and the pod can be attached again', async () => {
    // GIVEN two attached pods, one with a pinned MAC
    const plain = libraryPod({ props: ON_ETH0, selection: { ips: ['192.0.2.31'] } });
    const pinned = libraryPod({ props: { ...ON_ETH0, macCapability: true }, selection: { ips: ['192.0.2.32'], mac: '02:00:5e:00:53:20' } });
    const a = await podOf(lab(), containerId(), plain);
    const b = await podOf(lab(), containerId(), pinned);
    await multus().add(a, plain.nads);
    await multus().add(b, pinned.nads);
    expect(await linkNames(a.netns)).toEqual(['lo', 'eth0', 'net1']);

    // WHEN Multus detaches them
    await multus().del(a, plain.nads);
    await multus().del(b, pinned.nads);

    // THEN only loopback is left, DEL ran the networks last first, and the same pod attaches again
    expect(await linkNames(a.netns)).toEqual(['lo']);
    expect(await linkNames(b.netns)).toEqual(['lo']);
    expect(multus().invocations(a.containerId).filter((i) => i.command === 'DEL').map((i) => `${i.plugin} ${i.ifName}`)).toEqual(['macvlan net1', 'ptp eth0']);
    await multus().add(a, plain.nads);
    expect(await linkState(a.netns, 'net1')).toMatchObject({ ipv4: ['192.0.2.31/24'] });
  }, LAB_TEST_TIMEOUT_MS);

  test.each(['0.3.1', '0.4.0', '1.0.0', '1.1.0'])('cniVersion %s: ADD with IP + MAC through a chain, and DEL with the cached result', async (cniVersion) => {
    // GIVEN a network of that CNI version taking addresses and MACs, with sbr chained (a conflist)
    const mac = '02:00:5e:00:53:3c';
    const library = libraryPod({ props: { ...ON_ETH0, macCapability: true, sourceBasedRouting: true, cniVersion }, selection: { ips: ['192.0.2.60'], mac } });
    const pod = await podOf(lab(), containerId(), library);

    // WHEN the pod is attached, then detached
    await multus().add(pod, library.nads);
    const attached = await linkState(pod.netns, 'net1');
    await multus().del(pod, library.nads);

    // THEN the plugins answered in that version, net1 had address and MAC, and DEL removed it
    const [macvlan, sbr] = multus().invocationsOf(pod.containerId, 'net1', 'ADD');
    expect(sbr.stdin.prevResult.cniVersion).toBe(cniVersion);
    expect(macvlan.stdin.cniVersion).toBe(cniVersion);
    expect(attached).toMatchObject({ mac, ipv4: ['192.0.2.60/24'] });
    expect(await linkNames(pod.netns)).toEqual(['lo']);
  }, LAB_TEST_TIMEOUT_MS);

  test('routes: a subnet behind the router is reached through net1', async () => {
    // GIVEN a router on the LAN that also holds 203.0.113.200 (a network behind it)
    await ip('-n', lab().lan, 'addr', 'add', '203.0.113.200/32', 'dev', 'lo');
    const library = libraryPod({ props: { ...ON_ETH0, routes: [{ destination: '203.0.113.128/25' }] }, selection: { ips: ['192.0.2.70'] } });
    const pod = await podOf(lab(), containerId(), library);

    await multus().add(pod, library.nads);

    expect(await routes(pod.netns)).toContainEqual(expect.objectContaining({ dst: '203.0.113.128/25', gateway: '192.0.2.1', dev: 'net1' }));
    const exchange = await unicastExchange(pod.netns, '192.0.2.70', lab().lan, '203.0.113.200');
    expect(exchange.answer?.from).toBe('203.0.113.200');
  }, LAB_TEST_TIMEOUT_MS);

  test('sourceBasedRouting: the default route through the gateway goes into a per-source table, eth0 keeps the main one', async () => {
    const library = libraryPod({ props: { ...ON_ETH0, routes: [{ destination: '0.0.0.0/0' }], sourceBasedRouting: true }, selection: { ips: ['192.0.2.80'] } });
    const pod = await podOf(lab(), containerId(), library);

    await multus().add(pod, library.nads);

    // THEN the main table's default route is eth0's alone,
    const all = await routes(pod.netns);
    const mainDefaults = all.filter((r) => r.dst === 'default' && (r.table === undefined || r.table === 'main'));
    expect(mainDefaults).toEqual([expect.objectContaining({ gateway: CLUSTER_GATEWAY, dev: 'eth0' })]);
    // AND a rule sends traffic from net1's address to a table whose default route is the gateway
    const rules = JSON.parse(await ip('-n', pod.netns, '-j', 'rule', 'show')) as Array<{ src?: string; table?: string }>;
    const rule = rules.find((r) => r.src === '192.0.2.80');
    expect(rule).toBeDefined();
    expect(all).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '192.0.2.1', dev: 'net1', table: rule!.table }));
  }, LAB_TEST_TIMEOUT_MS);
});
