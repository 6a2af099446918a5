import { linkNames, linkState, routes } from './lab';
import { CLUSTER_GATEWAY, LabNad } from './multus-runtime';
import { describeLab, LAB_TEST_TIMEOUT_MS, libraryPod, podOf, useLab } from './suite';

/**
 * What the real Multus makes of a pod's networks annotation: which interface each network gets,
 * what each plugin is handed (runtimeConfig for declared capabilities, CNI_ARGS, cni-args), where
 * `default-route` puts the pod's default route, and the order of ADD and DEL. Each check records
 * the plugins' stdin and environment as Multus and its libcni built them.
 */

const IOT = { subnet: '192.0.2.0/24', gateway: '192.0.2.1', master: 'eth0' };
const VLAN20 = { subnet: '198.51.100.0/24', gateway: '198.51.100.1', master: 'eth0', vlan: 20, name: 'iot-vlan20' };

/** A NAD written by hand (a conflist of the plugins given). */
function nad(name: string, plugins: unknown[]): LabNad {
  return { name, namespace: 'kube-system', config: JSON.stringify({ cniVersion: '1.0.0', name, plugins }) };
}

describeLab('CNI lab: what the real Multus hands each plugin', () => {
  const { lab, multus } = useLab();
  let seq = 0;
  const containerId = () => `mul${process.pid}c${++seq}`;

  test('two networks: net1 and net2 in annotation order, each plugin with its own addresses, eth0 first', async () => {
    // GIVEN a pod on the IotNetwork and on the VLAN 20 network
    const library = libraryPod({ props: IOT, selection: { ips: ['192.0.2.110'] } }, { props: VLAN20, selection: { ips: ['198.51.100.110'] } });
    const pod = await podOf(lab(), containerId(), library);

    // WHEN Multus attaches it
    const added = await multus().add(pod, library.nads);

    // THEN it ran the cluster network, then each network in order, naming them net1 and net2
    expect(multus().invocations(pod.containerId).map((i) => `${i.command} ${i.plugin} ${i.ifName}`)).toEqual(['ADD ptp eth0', 'ADD macvlan net1', 'ADD macvlan net2']);
    expect(await linkState(pod.netns, 'net1')).toMatchObject({ ipv4: ['192.0.2.110/24'] });
    expect(await linkState(pod.netns, 'net2')).toMatchObject({ ipv4: ['198.51.100.110/24'] });
    // AND each macvlan got its element's ips as runtimeConfig (the capability it declares)
    const [net1, net2] = [multus().invocationsOf(pod.containerId, 'net1', 'ADD')[0], multus().invocationsOf(pod.containerId, 'net2', 'ADD')[0]];
    expect(net1.stdin.runtimeConfig).toEqual({ ips: ['192.0.2.110/24'] });
    expect(net2.stdin.runtimeConfig).toEqual({ ips: ['198.51.100.110/24'] });
    expect(added.networkStatus.map((s) => `${s.name} ${s.interface}`)).toEqual(['lab-cluster eth0', 'kube-system/iot net1', 'kube-system/iot-vlan20 net2']);
  }, LAB_TEST_TIMEOUT_MS);

  test('interface: the element names the interface', async () => {
    const library = libraryPod({ props: IOT, selection: { ips: ['192.0.2.111'], interface: 'iot0' } });
    const pod = await podOf(lab(), containerId(), library);

    await multus().add(pod, library.nads);

    expect(await linkNames(pod.netns)).toEqual(['lo', 'eth0', 'iot0']);
    expect(await linkState(pod.netns, 'iot0')).toMatchObject({ ipv4: ['192.0.2.111/24'] });
  }, LAB_TEST_TIMEOUT_MS);

  test('a conflist: each capability argument only to the plugin that declares it, prevResult down the chain', async () => {
    // GIVEN a hand-written list of macvlan (ips), tuning (mac) and sbr (nothing), and a pod asking for both
    const mac = '02:00:5e:00:53:64';
    const config = nad('iot', [
      { type: 'macvlan', master: 'eth0', mode: 'bridge', capabilities: { ips: true }, ipam: { type: 'static' } },
      { type: 'tuning', capabilities: { mac: true } },
      { type: 'sbr' },
    ]);
    const annotations = { 'k8s.v1.cni.cncf.io/networks': JSON.stringify([{ name: 'iot', namespace: 'kube-system', ips: ['192.0.2.100/24'], mac }]) };
    const pod = { netns: await lab().pod(), containerId: containerId(), annotations };

    // WHEN Multus attaches it
    await multus().add(pod, [config]);

    // THEN macvlan got only ips, tuning only mac, sbr no runtimeConfig; each later plugin the result before it
    const [macvlan, tuning, sbr] = multus().invocationsOf(pod.containerId, 'net1', 'ADD');
    expect([macvlan, tuning, sbr].map((i) => i.plugin)).toEqual(['macvlan', 'tuning', 'sbr']);
    expect(macvlan.stdin.runtimeConfig).toEqual({ ips: ['192.0.2.100/24'] });
    expect(tuning.stdin.runtimeConfig).toEqual({ mac });
    expect(sbr.stdin).not.toHaveProperty('runtimeConfig');
    expect(tuning.stdin.prevResult.ips.map((i: { address: string }) => i.address)).toEqual(['192.0.2.100/24']);
    // AND Multus also put both into CNI_ARGS for every plugin of the list (its deprecated path)
    for (const i of [macvlan, tuning, sbr]) expect(i.args).toEqual(expect.arrayContaining([['MAC', mac], ['IP', '192.0.2.100/24']]));
    expect(await linkState(pod.netns, 'net1')).toMatchObject({ mac, ipv4: ['192.0.2.100/24'] });
  }, LAB_TEST_TIMEOUT_MS);

  test('cni-args: the element\'s cniArgs reach the plugin as args.cni', async () => {
    const library = libraryPod({ props: IOT, selection: { ips: ['192.0.2.112'], cniArgs: { owner: 'home-assistant' } } });
    const pod = await podOf(lab(), containerId(), library);

    await multus().add(pod, library.nads);

    const [macvlan] = multus().invocationsOf(pod.containerId, 'net1', 'ADD');
    expect(macvlan.stdin.args).toEqual({ cni: { owner: 'home-assistant' } });
  }, LAB_TEST_TIMEOUT_MS);

  test("default-route (Multus 4.3.0): eth0 keeps the pod's default route, none is added on net1, and the status says otherwise", async () => {
    // Multus deletes the cluster network's default route only where netlink lists it with a nil
    // destination; the netlink it is built with lists 0.0.0.0/0, so nothing is deleted, and the
    // route it then adds on net1 fails with EEXIST, which it ignores (multus-cni pull request 1552).
    const library = libraryPod({ props: IOT, selection: { ips: ['192.0.2.113'], defaultRoute: ['192.0.2.1'] } });
    const pod = await podOf(lab(), containerId(), library);

    const added = await multus().add(pod, library.nads);

    const defaults = (await routes(pod.netns)).filter((r) => r.dst === 'default' && (r.table === undefined || r.table === 'main'));
    expect(defaults).toEqual([expect.objectContaining({ gateway: CLUSTER_GATEWAY, dev: 'eth0' })]);
    // though Multus took the request: the annotation carries it, and Multus recorded the route as
    // moved in the results it cached for DEL (eth0's default route out, net1's in)
    expect(JSON.parse(library.annotations['k8s.v1.cni.cncf.io/networks'])[0]['default-route']).toEqual(['192.0.2.1']);
    expect(multus().cachedResult(pod.containerId, 'iot', 'net1')?.routes).toEqual([{ dst: '0.0.0.0/0', gw: '192.0.2.1' }]);
    expect(multus().cachedResult(pod.containerId, 'lab-cluster', 'eth0')?.routes).toBeUndefined();
    // AND the network-status still names eth0 the default, with no gateway on net1
    expect(added.networkStatus.find((s) => s.interface === 'eth0')?.default).toBe(true);
    expect(added.networkStatus.find((s) => s.interface === 'net1')).not.toHaveProperty('gateway');
  }, LAB_TEST_TIMEOUT_MS);

  test('DEL runs the networks last first and each list backwards, with the cached ADD result as prevResult', async () => {
    // (libcni hands DEL the cached result from cniVersion 0.4.0 on)
    const library = libraryPod({ props: { ...IOT, sourceBasedRouting: true, cniVersion: '1.0.0' }, selection: { ips: ['192.0.2.101'] } });
    const pod = await podOf(lab(), containerId(), library);
    await multus().add(pod, library.nads);

    await multus().del(pod, library.nads);

    const dels = multus().invocations(pod.containerId).filter((i) => i.command === 'DEL');
    expect(dels.map((i) => `${i.plugin} ${i.ifName}`)).toEqual(['sbr net1', 'macvlan net1', 'ptp eth0']);
    for (const i of dels.filter((d) => d.ifName === 'net1')) expect(i.stdin.prevResult.ips.map((ip: { address: string }) => ip.address)).toEqual(['192.0.2.101/24']);
    expect(await linkNames(pod.netns)).toEqual(['lo']);
  }, LAB_TEST_TIMEOUT_MS);

  test('a NAD the API server does not have fails the pod with Multus\'s message, and nothing is left in it', async () => {
    const library = libraryPod({ props: IOT, selection: { ips: ['192.0.2.114'] } });
    const pod = await podOf(lab(), containerId(), library);

    const attach = multus().add(pod, []);

    await expect(attach).rejects.toMatchObject({ name: 'MultusError', message: expect.stringContaining('cannot find a network-attachment-definition (iot) in namespace (kube-system)') });
    expect(await linkNames(pod.netns)).toEqual(['lo']);
  }, LAB_TEST_TIMEOUT_MS);
});
