import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ipam } from '../../src';
import { labBuild } from './build-runner';
import { LabDaemon } from './daemon';
import { linkNames, linkState } from './lab';
import { LabNad, LabPod } from './multus-runtime';
import { literal, startDhcpDaemon, startRouter } from './router';
import { describeLab, LAB_SETUP_TIMEOUT_MS, libraryPod, useLab } from './suite';

/**
 * `Ipam.dhcp()` against real parts: dnsmasq in the LAN namespace is the router's DHCP server, with a
 * fixed IP for one MAC (a UniFi "fixed IP"); the reference plugins' dhcp daemon runs in the node
 * namespace with the command line `CniDhcpDaemon` renders (in a socket directory of the lab's own,
 * so nothing on the host is touched). Pods are attached by the real Multus with the annotation the
 * library writes; plugins and daemon are the reference plugins 1.10.
 *
 * The only key the lab adds to the synthesized config is `ipam.daemonSocketPath`, pointing the
 * plugin at the lab's daemon; on a node the plugin and the daemon both use `/run/cni/dhcp.sock`.
 */

const PINNED = '02:00:5e:00:53:5a';
const FIXED_IP = '192.0.2.90';
const POOL = { first: '192.0.2.100', last: '192.0.2.149' };
/** A DHCP exchange takes one resend of the daemon's client (the link comes up during the first try). */
const DHCP_TEST_TIMEOUT_MS = 30_000;

function inPool(address: string): boolean {
  const last = Number(address.split('/')[0].split('.')[3]);
  return address.startsWith('192.0.2.') && last >= 100 && last <= 149;
}

describeLab('CNI lab: Ipam.dhcp() with a real DHCP server and the CNI dhcp daemon', () => {
  const { lab, multus } = useLab();
  let dir: string;
  let router: LabDaemon | undefined;
  let daemon: LabDaemon | undefined;
  let seq = 0;
  const containerId = () => `dhcp${process.pid}c${++seq}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cdk8s-multus-lab-dhcp-'));
    router = await startRouter(lab().lan, {
      interface: lab().lanInterface('eth0'),
      poolStart: POOL.first,
      poolEnd: POOL.last,
      netmask: '255.255.255.0',
      reservations: [{ mac: PINNED, address: FIXED_IP }],
      dir,
    });
    daemon = await startDhcpDaemon(lab().node, (await labBuild()).pluginDir, dir);
  }, LAB_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await daemon?.stop();
    await router?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, LAB_SETUP_TIMEOUT_MS);

  /** The network as IotNetwork synthesizes it (with the lab's daemon socket), and a pod's annotation for it. */
  function network(options: { mac?: string }): { nads: LabNad[]; annotations: Record<string, string> } {
    const library = libraryPod({
      props: { subnet: '192.0.2.0/24', gateway: '192.0.2.1', master: 'eth0', ipam: Ipam.dhcp(), macCapability: true },
      selection: options.mac ? { mac: options.mac } : {},
    });
    return { nads: library.nads.map((n) => ({ ...n, config: JSON.stringify(withLabSocket(JSON.parse(n.config))) })), annotations: library.annotations };
  }

  function withLabSocket(config: any): Record<string, unknown> {
    const copy = JSON.parse(JSON.stringify(config));
    const ipam = copy.plugins ? copy.plugins[0].ipam : copy.ipam;
    expect(ipam).toEqual({ type: 'dhcp' });
    ipam.daemonSocketPath = join(dir, 'dhcp.sock');
    return copy;
  }

  async function podFor(annotations: Record<string, string>): Promise<LabPod> {
    return { netns: await lab().pod(), containerId: containerId(), annotations };
  }

  test("a pod pinning the reserved MAC gets the router's fixed IP, and DEL releases the lease", async () => {
    // GIVEN the network with macCapability and a pod whose annotation pins the reserved MAC
    const { nads, annotations } = network({ mac: PINNED });
    const pod = await podFor(annotations);
    const from = router!.output.length;

    // WHEN Multus attaches the pod
    const added = await multus().add(pod, nads);

    // THEN the router saw the request come from the pinned MAC and acknowledged the fixed IP,
    await router!.waitFor(new RegExp(`DHCPDISCOVER\\(lan0\\) ${literal(PINNED)}`), 1000, from);
    await router!.waitFor(new RegExp(`DHCPACK\\(lan0\\) ${literal(FIXED_IP)} ${literal(PINNED)}`), 1000, from);
    // AND net1 carries it, with the pinned MAC
    expect(added.networkStatus).toContainEqual(expect.objectContaining({ interface: 'net1', ips: [FIXED_IP], mac: PINNED }));
    expect(await linkState(pod.netns, 'net1')).toMatchObject({ mac: PINNED, ipv4: [`${FIXED_IP}/24`], up: true });
    expect(readFileSync(join(dir, 'dnsmasq.leases'), 'utf8')).toContain(`${PINNED} ${FIXED_IP}`);

    // WHEN it is detached
    await multus().del(pod, nads);

    // THEN the daemon released the lease: the router logs the release and forgets the lease
    await router!.waitFor(new RegExp(`DHCPRELEASE\\(lan0\\) ${literal(FIXED_IP)} ${literal(PINNED)}`), 3000, from);
    expect(readFileSync(join(dir, 'dnsmasq.leases'), 'utf8')).not.toContain(PINNED);
    expect(await linkNames(pod.netns)).toEqual(['lo']);
  }, DHCP_TEST_TIMEOUT_MS);

  test('pods without a pinned MAC get addresses from the pool, a lease each, released on DEL', async () => {
    // GIVEN two pods on the network whose annotation pins no MAC (each its own container id)
    const { nads, annotations } = network({});
    const requests = [await podFor(annotations), await podFor(annotations)];
    const from = router!.output.length;

    // WHEN both are attached at once
    await Promise.all(requests.map((r) => multus().add(r, nads)));

    // THEN each got its own pool address, leased to the MAC its net1 has
    const addresses = await Promise.all(requests.map(async (r) => (await linkState(r.netns, 'net1'))!.ipv4[0]));
    expect(addresses.every(inPool)).toBe(true);
    expect(new Set(addresses).size).toBe(2);
    for (const [i, request] of requests.entries()) {
      const net1 = await linkState(request.netns, 'net1');
      expect(net1?.ipv4).toEqual([addresses[i]]);
      expect(net1?.mac).not.toBe(PINNED);
      await router!.waitFor(new RegExp(`DHCPACK\\(lan0\\) ${literal(addresses[i].split('/')[0])} ${literal(net1!.mac)}`), 1000, from);
    }

    // WHEN they are detached
    for (const request of requests) await multus().del(request, nads);

    // THEN both leases were released
    for (const address of addresses) {
      await router!.waitFor(new RegExp(`DHCPRELEASE\\(lan0\\) ${literal(address.split('/')[0])} `), 3000, from);
    }
  }, DHCP_TEST_TIMEOUT_MS);

  test('mac on a chained tuning only: through Multus the lease is still asked for with the pinned MAC, and the reservation matches', async () => {
    // GIVEN the MAC capability on tuning after macvlan and its IPAM (multus examples/macvlan-pod.yml)
    const nad: LabNad = {
      name: 'iot',
      namespace: 'kube-system',
      config: JSON.stringify(
        withLabSocket({
          cniVersion: '0.3.1',
          name: 'iot',
          plugins: [
            { type: 'macvlan', master: 'eth0', mode: 'bridge', ipam: { type: 'dhcp' } },
            { type: 'tuning', capabilities: { mac: true } },
          ],
        }),
      ),
    };
    const pod = await podFor({ 'k8s.v1.cni.cncf.io/networks': JSON.stringify([{ name: 'iot', namespace: 'kube-system', mac: PINNED }]) });
    const from = router!.output.length;

    // WHEN Multus attaches a pod pinning the reserved MAC
    await multus().add(pod, [nad]);

    // THEN the router was asked from the pinned MAC and leased the reservation: Multus also passed
    // the MAC as CNI_ARGS MAC=, which macvlan reads when it creates net1, before its IPAM runs
    await router!.waitFor(new RegExp(`DHCPDISCOVER\\(lan0\\) ${literal(PINNED)}`), 1000, from);
    expect(multus().invocationsOf(pod.containerId, 'net1', 'ADD')[0].args).toContainEqual(['MAC', PINNED]);
    expect(await linkState(pod.netns, 'net1')).toMatchObject({ mac: PINNED, ipv4: [`${FIXED_IP}/24`] });
    await multus().del(pod, [nad]);
  }, DHCP_TEST_TIMEOUT_MS);

  test("after the daemon is killed, CniDhcpDaemon's command line starts it again over the socket left behind", async () => {
    // GIVEN a daemon killed without a chance to clean up (as by the OOM killer): its socket stays
    const socket = join(dir, 'dhcp.sock');
    await daemon!.kill();
    expect(existsSync(socket)).toBe(true);

    // WHEN it is started again with the same command line
    daemon = await startDhcpDaemon(lab().node, (await labBuild()).pluginDir, dir);

    // THEN it serves: a pod gets its fixed IP, and DEL releases it
    const { nads, annotations } = network({ mac: PINNED });
    const pod = await podFor(annotations);
    await multus().add(pod, nads);
    expect(await linkState(pod.netns, 'net1')).toMatchObject({ ipv4: [`${FIXED_IP}/24`] });
    await multus().del(pod, nads);
    expect(await linkNames(pod.netns)).toEqual(['lo']);
  }, DHCP_TEST_TIMEOUT_MS);
}, [{ command: 'dnsmasq', debianPackage: 'dnsmasq-base' }, { command: 'setpriv', debianPackage: 'util-linux' }]);
