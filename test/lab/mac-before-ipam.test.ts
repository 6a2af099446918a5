import { DEBIAN_PLUGIN_DIR, labBuild } from './build-runner';
import { IpamProbe } from './ipam-probe';
import { linkNames, linkState } from './lab';
import { LabNad } from './multus-runtime';
import { describeLab, LAB_SETUP_TIMEOUT_MS, LAB_TEST_TIMEOUT_MS, libraryPod, podOf, useLab } from './suite';

/**
 * A pinned MAC is there to match a router reservation (a UniFi fixed IP): net1 must already have it
 * when the IPAM plugin runs. With `Ipam.dhcp()` the real router shows that (dhcp.test.ts); for
 * static IPAM a probe records net1's MAC at the moment the plugin runs (see ipam-probe.ts). The
 * `mac` capability on macvlan (what IotNetwork writes) against the same capability on a `tuning`
 * chained after it (multus examples/macvlan-pod.yml), both through the real Multus.
 */

const IOT = { subnet: '192.0.2.0/24', gateway: '192.0.2.1', master: 'eth0' };

const RELEASES: Array<[string, () => Promise<string>]> = [
  ['reference plugins 1.10.0', async () => (await labBuild()).pluginDir],
  ["Debian's reference plugins 1.1.1", async () => DEBIAN_PLUGIN_DIR],
];

describe.each(RELEASES)('CNI lab, real Multus 4.3.0 on the %s', (release, plugins) => {
  describeLab(`a pinned MAC is on net1 before the IPAM plugin runs (${release})`, () => {
    let probe: IpamProbe | undefined;
    let pluginDir = '';
    beforeAll(async () => {
      pluginDir = await plugins();
    }, LAB_SETUP_TIMEOUT_MS);
    const { lab, multus } = useLab({
      pluginDir: () => {
        probe = IpamProbe.create(pluginDir);
        return probe.pluginDir;
      },
    });
    afterAll(() => probe?.destroy());
    let seq = 0;
    const containerId = () => `mac${process.pid}c${++seq}`;

    test('mac on macvlan (IotNetwork macCapability): the IPAM plugin sees the pinned MAC, and net1 keeps it', async () => {
      // GIVEN a network as IotNetwork writes it with macCapability, and a pod pinning its MAC
      const mac = '02:00:5e:00:53:5b';
      const library = libraryPod({ props: { ...IOT, macCapability: true }, selection: { ips: ['192.0.2.91'], mac } });
      const pod = await podOf(lab(), containerId(), library);

      // WHEN Multus attaches the pod, then detaches it
      await multus().add(pod, library.nads);
      const attached = await linkState(pod.netns, 'net1');
      await multus().del(pod, library.nads);

      // THEN the static plugin ran once, on a net1 that already had the pinned MAC
      expect(probe!.recordsOf(pod.containerId)).toEqual([{ ipam: 'static', containerId: pod.containerId, mac }]);
      expect(attached).toMatchObject({ mac, ipv4: ['192.0.2.91/24'], up: true });
      expect(await linkNames(pod.netns)).toEqual(['lo']);
    }, LAB_TEST_TIMEOUT_MS);

    test('mac on a chained tuning only: the IPAM plugin sees the pinned MAC all the same, which Multus also put in CNI_ARGS for macvlan', async () => {
      // GIVEN macvlan (ips) then tuning (mac), as multus examples/macvlan-pod.yml chains them
      const mac = '02:00:5e:00:53:5c';
      const nad: LabNad = {
        name: 'iot',
        namespace: 'kube-system',
        config: JSON.stringify({
          cniVersion: '0.3.1',
          name: 'iot',
          plugins: [
            { type: 'macvlan', master: 'eth0', mode: 'bridge', capabilities: { ips: true }, ipam: { type: 'static' } },
            { type: 'tuning', capabilities: { mac: true } },
          ],
        }),
      };
      const annotations = { 'k8s.v1.cni.cncf.io/networks': JSON.stringify([{ name: 'iot', namespace: 'kube-system', ips: ['192.0.2.92/24'], mac }]) };
      const pod = { netns: await lab().pod(), containerId: containerId(), annotations };

      // WHEN Multus attaches the pod
      await multus().add(pod, [nad]);

      // THEN macvlan got no mac in runtimeConfig (it declares none), but MAC= in CNI_ARGS, which it
      // reads: net1 was made with the pinned MAC, and the IPAM plugin saw it
      const [macvlan, tuning] = multus().invocationsOf(pod.containerId, 'net1', 'ADD');
      expect(macvlan.stdin.runtimeConfig).toEqual({ ips: ['192.0.2.92/24'] });
      expect(macvlan.args).toContainEqual(['MAC', mac]);
      expect(tuning.stdin.runtimeConfig).toEqual({ mac });
      expect(probe!.recordsOf(pod.containerId)).toEqual([{ ipam: 'static', containerId: pod.containerId, mac }]);
      expect(await linkState(pod.netns, 'net1')).toMatchObject({ mac, ipv4: ['192.0.2.92/24'] });
    }, LAB_TEST_TIMEOUT_MS);
  });
});
