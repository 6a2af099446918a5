import { IotNetwork, IotNetworkProps } from '../../src';
import { findKind, synth, testChart } from '../helpers';
import { IpamProbe } from './ipam-probe';
import { linkNames, linkState } from './lab';
import { describeLab, LAB_TEST_TIMEOUT_MS, useLab } from './suite';

/**
 * A pinned MAC is there to match a router reservation (a UniFi fixed IP): net1 must already have it
 * when the IPAM plugin runs. With `Ipam.dhcp()` the real router shows that (dhcp.test.ts); for
 * static IPAM a probe records net1's MAC at the moment the plugin runs (see ipam-probe.ts).
 */

function synthesizedConfig(props: IotNetworkProps): Record<string, unknown> {
  const chart = testChart('kube-system');
  new IotNetwork(chart, 'iot', props);
  return JSON.parse(findKind(synth(chart), 'NetworkAttachmentDefinition').spec.config);
}

const IOT = { subnet: '192.0.2.0/24', gateway: '192.0.2.1', master: 'eth0' };

describeLab('CNI lab: a pinned MAC is on net1 before the IPAM plugin runs', () => {
  let probe: IpamProbe | undefined;
  const { lab, runtime } = useLab({
    pluginDir: () => {
      probe = IpamProbe.create();
      return probe.pluginDir;
    },
  });
  afterAll(() => probe?.destroy());
  let seq = 0;
  const containerId = () => `mac${process.pid}c${++seq}`;

  test('static IPAM: the IPAM plugin sees the pinned MAC, and net1 keeps it with the requested address', async () => {
    // GIVEN a network as IotNetwork writes it with macCapability, and a pod pinning its MAC
    const config = synthesizedConfig({ ...IOT, macCapability: true });
    const pod = await lab().pod();
    const request = { containerId: containerId(), netns: pod, ips: ['192.0.2.91/24'], mac: '02:00:5e:00:53:5b' };

    // WHEN the pod is attached, then detached
    const result = await runtime().add(config, request);
    const attached = await linkState(pod, 'net1');
    await runtime().del(config, request);

    // THEN the static plugin ran once, on a net1 that already had the pinned MAC
    expect(probe!.recordsOf(request.containerId)).toEqual([{ ipam: 'static', containerId: request.containerId, mac: request.mac }]);
    // AND the attachment was the real one: address and MAC on net1, and in the result
    expect(attached).toMatchObject({ mac: request.mac, ipv4: ['192.0.2.91/24'], up: true });
    expect(result.interfaces?.find((i) => i.name === 'net1')?.mac).toBe(request.mac);
    expect(await linkNames(pod)).toEqual(['lo']);
  }, LAB_TEST_TIMEOUT_MS);
});
