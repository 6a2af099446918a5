import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabDaemon } from './daemon';
import { ip, linkState } from './lab';
import { browse, startAvahi } from './mdns';
import { CLUSTER_SUBNET } from './multus-runtime';
import { describeLab, LAB_SETUP_TIMEOUT_MS, libraryPod, podOf, useLab } from './suite';
import { unicastExchange } from './udp';

/**
 * The plan's reason for Multus: Home Assistant finds HomeKit devices by mDNS, which only works on
 * the devices' own segment. An "IoT device" on the LAN runs avahi-daemon publishing a HomeKit
 * accessory (`_hap._tcp`); Home Assistant's pod, attached to the IotNetwork by the real Multus with
 * the annotation the library writes, finds it with a query sent out of net1. The control is a pod
 * without a networks annotation: Multus gives it the cluster network only, it reaches the LAN only
 * through the node's routed hop, and finds nothing, though the device answers it by unicast.
 */

const DEVICE = '192.0.2.60';
const ACCESSORY = { name: 'Lab Bulb', type: '_hap._tcp', port: 51827, txt: ['c#=1', 'ff=0', 'id=02:00:5E:00:53:3C', 'md=Lab Bulb', 'pv=1.1', 's#=1', 'sf=1', 'ci=5'] };
const MDNS_TEST_TIMEOUT_MS = 15_000;

describeLab('CNI lab: Home Assistant finds a HomeKit device by mDNS out of net1', () => {
  const { lab, multus } = useLab();
  let dir: string;
  let device: string;
  let avahi: LabDaemon | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cdk8s-multus-lab-mdns-'));
    // The device answers the cluster network's addresses through the node (a routed LAN).
    device = await lab().lanHost('eth0', `${DEVICE}/24`, [{ dst: CLUSTER_SUBNET, via: '192.0.2.2' }]);
    avahi = await startAvahi(device, dir, 'lab-bulb', 'eth0', ACCESSORY);
  }, LAB_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await avahi?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, LAB_SETUP_TIMEOUT_MS);

  test("a pod on the IotNetwork finds the accessory with a query sent out of net1", async () => {
    // GIVEN Home Assistant's pod: eth0 on the cluster network (default route), and net1 attached to
    // the IotNetwork with the address its annotation asks for
    const library = libraryPod({ props: { subnet: '192.0.2.0/24', gateway: '192.0.2.1', master: 'eth0' }, selection: { ips: ['192.0.2.50'] } });
    const pod = await podOf(lab(), `mdns${process.pid}a`, library);
    await multus().add(pod, library.nads);
    // AND a multicast route on net1 (the default route is eth0's; Home Assistant sends on every interface)
    await ip('-n', pod.netns, 'route', 'add', '224.0.0.0/4', 'dev', 'net1');

    // WHEN it browses for HomeKit accessories
    const answer = await browse(pod.netns, '_hap._tcp.local');

    // THEN the device answered: the instance, where it listens, its TXT and its address
    expect(answer?.from).toBe(DEVICE);
    const records = answer!.records;
    expect(records).toContainEqual({ section: 'answer', name: '_hap._tcp.local', type: 'PTR', data: 'Lab Bulb._hap._tcp.local' });
    expect(records).toContainEqual(expect.objectContaining({ name: 'Lab Bulb._hap._tcp.local', type: 'SRV', data: '51827 lab-bulb.local' }));
    expect(records).toContainEqual(expect.objectContaining({ name: 'Lab Bulb._hap._tcp.local', type: 'TXT', data: expect.stringContaining('ci=5') }));
    expect(records).toContainEqual(expect.objectContaining({ name: 'lab-bulb.local', type: 'A', data: DEVICE }));
  }, MDNS_TEST_TIMEOUT_MS);

  test('control: a pod that reaches the LAN only through the routed hop of its cluster network finds nothing', async () => {
    // GIVEN a pod with eth0 on the cluster network only (no networks annotation), which reaches the device
    const pod = { netns: await lab().pod(), containerId: `mdns${process.pid}b` };
    await multus().add(pod);
    const address = (await linkState(pod.netns, 'eth0'))!.ipv4[0].split('/')[0];
    const exchange = await unicastExchange(pod.netns, address, device, DEVICE);
    expect(exchange.answer?.from).toBe(DEVICE);

    // WHEN it sends the same query (out of eth0, its only way out)
    const answer = await browse(pod.netns, '_hap._tcp.local');

    // THEN no answer comes: link-local multicast ends at the node and never reaches the LAN
    expect(answer).toBeUndefined();
    // AND the device is still there: it answers a pod on the IotNetwork (the test above) and kept running
    expect(avahi!.running).toBe(true);
  }, MDNS_TEST_TIMEOUT_MS);
}, [{ command: 'avahi-daemon', debianPackage: 'avahi-daemon' }, { command: 'setpriv', debianPackage: 'util-linux' }, { command: 'unshare', debianPackage: 'util-linux' }]);
