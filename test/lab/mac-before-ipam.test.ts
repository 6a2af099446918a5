import { IotNetwork, IotNetworkProps, Ipam } from '../../src';
import { findKind, synth, testChart } from '../helpers';
import { CniRuntime } from './cni-runtime';
import { IpamProbe } from './ipam-probe';
import { linkNames, linkState } from './lab';
import { describeLab, LAB_TEST_TIMEOUT_MS, useLab } from './suite';

/**
 * A pinned MAC is there to match a router reservation (a UniFi fixed IP). With `Ipam.dhcp()` that
 * only works when net1 already has the pinned MAC when the IPAM plugin asks for the lease. The lab
 * cannot run DHCP, so an IPAM stand-in records net1's MAC at the moment it runs (see ipam-probe.ts)
 * and, for `dhcp`, plays the router with one reservation.
 */

function synthesizedConfig(props: IotNetworkProps): Record<string, unknown> {
  const chart = testChart('kube-system');
  new IotNetwork(chart, 'iot', props);
  return JSON.parse(findKind(synth(chart), 'NetworkAttachmentDefinition').spec.config);
}

const IOT = { subnet: '192.0.2.0/24', gateway: '192.0.2.1', master: 'eth0' };
const PINNED = '02:00:5e:00:53:5a';
const ROUTER = { reservedMac: PINNED, reservedAddress: '192.0.2.90/24', poolAddress: '192.0.2.150/24' };

/**
 * How the library wrote a DHCP network with `macCapability` before: the MAC on a `tuning` plugin
 * chained after macvlan (multus examples/macvlan-pod.yml). Kept to show what the probe tells apart.
 */
const TUNING_AFTER_MACVLAN = {
  cniVersion: '0.3.1',
  name: 'iot',
  plugins: [
    { type: 'macvlan', master: 'eth0', mode: 'bridge', ipam: { type: 'dhcp' } },
    { type: 'tuning', capabilities: { mac: true } },
  ],
};

describeLab('CNI lab: a pinned MAC is on net1 before the IPAM plugin runs', () => {
  const { lab } = useLab();
  let probe: IpamProbe | undefined;
  let runtime: CniRuntime | undefined;
  let seq = 0;
  const containerId = () => `mac${process.pid}c${++seq}`;

  beforeAll(() => {
    probe = IpamProbe.create(ROUTER);
    runtime = new CniRuntime({ nodeNetns: lab().node, pluginDir: probe.pluginDir });
  });
  afterAll(() => probe?.destroy());

  test('static IPAM: the IPAM plugin sees the pinned MAC, and net1 keeps it with the requested address', async () => {
    // GIVEN a network as IotNetwork writes it with macCapability, and a pod pinning its MAC
    // (another MAC than the reserved one: two macvlans of one master cannot share a MAC)
    const config = synthesizedConfig({ ...IOT, macCapability: true });
    const pod = await lab().pod();
    const request = { containerId: containerId(), netns: pod, ips: ['192.0.2.91/24'], mac: '02:00:5e:00:53:5b' };

    // WHEN the pod is attached, then detached
    const result = await runtime!.add(config, request);
    const attached = await linkState(pod, 'net1');
    await runtime!.del(config, request);

    // THEN the static plugin ran once, on a net1 that already had the pinned MAC
    expect(probe!.recordsOf(request.containerId)).toEqual([{ ipam: 'static', containerId: request.containerId, mac: request.mac }]);
    // AND the attachment was the real one: address and MAC on net1, and in the result
    expect(attached).toMatchObject({ mac: request.mac, ipv4: ['192.0.2.91/24'], up: true });
    expect(result.interfaces?.find((i) => i.name === 'net1')?.mac).toBe(request.mac);
    expect(await linkNames(pod)).toEqual(['lo']);
  }, LAB_TEST_TIMEOUT_MS);

  test('DHCP: the lease is asked for with the pinned MAC, so the router\'s reservation matches', async () => {
    // GIVEN a DHCP network as IotNetwork writes it with macCapability (no plugin after macvlan)
    const config = synthesizedConfig({ ...IOT, ipam: Ipam.dhcp(), macCapability: true });
    const pod = await lab().pod();
    const id = containerId();

    // WHEN a pod pinning the reserved MAC is attached, then detached
    const result = await runtime!.add(config, { containerId: id, netns: pod, mac: PINNED });
    const attached = await linkState(pod, 'net1');
    await runtime!.del(config, { containerId: id, netns: pod, mac: PINNED });

    // THEN the DHCP client saw the pinned MAC, and the pod got the reserved address
    expect(probe!.recordsOf(id)).toEqual([{ ipam: 'dhcp', containerId: id, mac: PINNED }]);
    expect(result.ips?.map((i) => i.address)).toEqual([ROUTER.reservedAddress]);
    expect(attached).toMatchObject({ mac: PINNED, ipv4: [ROUTER.reservedAddress], up: true });
    expect(await linkNames(pod)).toEqual(['lo']);
  }, LAB_TEST_TIMEOUT_MS);

  test('control: with tuning chained after macvlan the lease is asked for with a random MAC', async () => {
    // GIVEN the old form: the MAC set by tuning, after macvlan and its IPAM
    const pod = await lab().pod();
    const id = containerId();

    // WHEN a pod pinning the reserved MAC is attached
    const result = await runtime!.add(TUNING_AFTER_MACVLAN, { containerId: id, netns: pod, mac: PINNED });

    // THEN net1 ends with the pinned MAC, but the DHCP client ran before that, with another MAC,
    // and the pod got a pool address instead of its reservation: what the library no longer writes
    const [record] = probe!.recordsOf(id);
    expect(record.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(record.mac).not.toBe(PINNED);
    expect(result.ips?.map((i) => i.address)).toEqual([ROUTER.poolAddress]);
    expect(await linkState(pod, 'net1')).toMatchObject({ mac: PINNED, ipv4: [ROUTER.poolAddress] });
  }, LAB_TEST_TIMEOUT_MS);
});
