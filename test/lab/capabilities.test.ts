import { IotNetwork } from '../../src';
import { synth, testChart } from '../helpers';
import { DEBIAN_PLUGIN_DIR } from './build-runner';
import { linkNames, linkState } from './lab';
import { LabNad } from './multus-runtime';
import { describeLab, LAB_TEST_TIMEOUT_MS, nadsOf, useLab } from './suite';

/**
 * What the rulebook's `nad-capability` rule is about, measured: a NetworkAttachmentDefinition that
 * declares no `ips`/`mac` capability, whose pods ask for addresses and MACs, run through the real
 * Multus on the reference plugins 1.10 and on Debian's 1.1.1 (what older nodes run). And what each
 * release does with `cniVersion: "1.1.0"`.
 */

const NETWORKS = 'k8s.v1.cni.cncf.io/networks';
const MAC = '02:00:5e:00:53:28';
/** Another pod's MAC: two links with one MAC on one master fail ("address already in use"). */
const MAC2 = '02:00:5e:00:53:29';

/** The hand-written plan's NetworkAttachmentDefinition: no capabilities. */
const PLAN_CONFIG = { cniVersion: '0.3.1', name: 'iot', type: 'macvlan', master: 'eth0', mode: 'bridge', ipam: { type: 'static' } };

function nad(config: Record<string, unknown>): LabNad {
  return { name: 'iot', namespace: 'kube-system', config: JSON.stringify(config) };
}

function selecting(element: Record<string, unknown>): Record<string, string> {
  return { [NETWORKS]: JSON.stringify([{ name: 'iot', namespace: 'kube-system', ...element }]) };
}

const RELEASES: Array<[string, (() => string) | undefined]> = [
  ['reference plugins 1.10.0', undefined],
  ["Debian's reference plugins 1.1.1", () => DEBIAN_PLUGIN_DIR],
];

describe.each(RELEASES)('CNI lab, real Multus 4.3.0 on the %s', (release, pluginDir) => {
  describeLab(`NADs without capabilities, and cniVersion 1.1.0 (${release})`, () => {
    const { lab, multus } = useLab({ pluginDir });
    let seq = 0;
    const containerId = () => `cap${process.pid}c${++seq}`;

    test('a NAD declaring no capability: the pod still gets the address and the MAC it asks for, through CNI_ARGS', async () => {
      // GIVEN the plan's NAD and a pod asking for an address and a MAC on it
      const pod = { netns: await lab().pod(), containerId: containerId(), annotations: selecting({ ips: ['192.0.2.40/24'], mac: MAC }) };

      // WHEN Multus attaches it
      await multus().add(pod, [nad(PLAN_CONFIG)]);

      // THEN net1 has both
      expect(await linkState(pod.netns, 'net1')).toMatchObject({ mac: MAC, ipv4: ['192.0.2.40/24'], up: true });
      // AND they did not come as runtimeConfig (nothing declares the capability): Multus appended
      // them to CNI_ARGS, its path marked "Deprecated in ver 3.5", which macvlan and static read
      const [macvlan] = multus().invocationsOf(pod.containerId, 'net1', 'ADD');
      expect(macvlan.stdin).not.toHaveProperty('runtimeConfig');
      expect(macvlan.args.slice(-2)).toEqual([['MAC', MAC], ['IP', '192.0.2.40/24']]);
    }, LAB_TEST_TIMEOUT_MS);

    test('the same NAD with the capabilities IotNetwork declares: the same attachment, through runtimeConfig', async () => {
      // GIVEN the plan's network as IotNetwork writes it with macCapability
      const chart = testChart('kube-system');
      new IotNetwork(chart, 'iot', { subnet: '192.0.2.0/24', master: 'eth0', macCapability: true });
      const [written] = nadsOf(synth(chart));
      expect(JSON.parse(written.config)).toEqual({ ...PLAN_CONFIG, capabilities: { ips: true, mac: true } });
      const pod = { netns: await lab().pod(), containerId: containerId(), annotations: selecting({ ips: ['192.0.2.42/24'], mac: MAC2 }) };

      // WHEN Multus attaches a pod asking for an address and a MAC
      await multus().add(pod, [written]);

      // THEN macvlan got both as runtimeConfig (Multus still appends them to CNI_ARGS too)
      const [macvlan] = multus().invocationsOf(pod.containerId, 'net1', 'ADD');
      expect(macvlan.stdin.runtimeConfig).toEqual({ ips: ['192.0.2.42/24'], mac: MAC2 });
      expect(await linkState(pod.netns, 'net1')).toMatchObject({ mac: MAC2, ipv4: ['192.0.2.42/24'] });
    }, LAB_TEST_TIMEOUT_MS);

    test('a NAD declaring no capability, a pod asking for no address: static IPAM has none to give', async () => {
      const pod = { netns: await lab().pod(), containerId: containerId(), annotations: selecting({}) };

      const attach = multus().add(pod, [nad(PLAN_CONFIG)]);

      await expect(attach).rejects.toMatchObject({
        name: 'MultusError',
        lastPlugin: 'macvlan',
        multusMessage: expect.stringMatching(/error adding container to network "iot": IPAM plugin returned missing IP config$/),
      });
      expect(await linkNames(pod.netns)).toEqual(['lo']);
    }, LAB_TEST_TIMEOUT_MS);
  });
});

describeLab('CNI lab, real Multus 4.3.0: cniVersion 1.1.0 on both plugin releases', () => {
  const current = useLab();
  const debian = useLab({ pluginDir: () => DEBIAN_PLUGIN_DIR });
  let seq = 0;
  const containerId = () => `v11${process.pid}c${++seq}`;
  const config = { ...PLAN_CONFIG, cniVersion: '1.1.0', capabilities: { ips: true } };

  test('the reference plugins 1.10.0 attach it, and answer in 1.1.0', async () => {
    const pod = { netns: await current.lab().pod(), containerId: containerId(), annotations: selecting({ ips: ['192.0.2.43/24'] }) };

    await current.multus().add(pod, [nad(config)]);

    expect(await linkState(pod.netns, 'net1')).toMatchObject({ ipv4: ['192.0.2.43/24'] });
    expect(current.multus().cachedResult(pod.containerId, 'iot', 'net1')?.cniVersion).toBe('1.1.0');
  }, LAB_TEST_TIMEOUT_MS);

  test("Debian's 1.1.1 refuse it: the pod fails with Multus's message, and nothing is left in it", async () => {
    const pod = { netns: await debian.lab().pod(), containerId: containerId(), name: 'ha', annotations: selecting({ ips: ['192.0.2.44/24'] }) };

    const attach = debian.multus().add(pod, [nad(config)]);

    await expect(attach).rejects.toMatchObject({
      lastPlugin: 'macvlan',
      multusMessage: `[home/ha/uid-${pod.containerId}:iot]: error adding container to network "iot": incompatible CNI versions; config is "1.1.0", plugin supports ["0.1.0" "0.2.0" "0.3.0" "0.3.1" "0.4.0" "1.0.0"]`,
    });
    expect(await linkNames(pod.netns)).toEqual(['lo']);
  }, LAB_TEST_TIMEOUT_MS);
});
