import { CniError } from './cni-runtime';
import { linkNames } from './lab';
import { describeLab, LAB_TEST_TIMEOUT_MS, labSuite, useLab } from './suite';

/**
 * The lab against hand-written CNI configurations of the shape the library emits: they pin down
 * what the reference plugins need, independent of the library's own output (see
 * iot-network.test.ts for that).
 */

const macvlan = (extra: Record<string, unknown>) => ({
  type: 'macvlan',
  mode: 'bridge',
  capabilities: { ips: true },
  ipam: { type: 'static' },
  ...extra,
});

labSuite('CNI lab: hand-built configs through the reference plugins', () => ({
  staticIp: { cniVersion: '0.3.1', name: 'iot', ...macvlan({ master: 'eth0' }) },
  staticIpMac: {
    cniVersion: '0.3.1',
    name: 'iot',
    plugins: [macvlan({ master: 'eth0' }), { type: 'tuning', capabilities: { mac: true } }],
  },
  vlan20: { cniVersion: '0.3.1', name: 'iot-vlan20', ...macvlan({ master: 'eth0.20' }) },
  defaultMaster: { cniVersion: '0.3.1', name: 'iot', ...macvlan({}) },
}));

/** The NetworkAttachmentDefinition config of the hand-written plan, verbatim: no capabilities. */
const PLAN_NAD_CONFIG = JSON.parse(`{
  "cniVersion": "0.3.1",
  "name": "iot",
  "type": "macvlan",
  "master": "eth0",
  "mode": "bridge",
  "ipam": {
    "type": "static"
  }
}`);

describeLab("CNI lab: the plan's NAD config cannot give a pod the address it asks for", () => {
  describe('a runtime that follows the NPWG spec', () => {
    const { lab, runtime } = useLab();

    test('refuses the attachment before running a plugin', async () => {
      // GIVEN a pod that asks for an address on the plan's network
      const pod = await lab().pod();

      // WHEN it is attached
      const attach = runtime().add(PLAN_NAD_CONFIG, { containerId: `plan${process.pid}a`, netns: pod, ips: ['192.0.2.40/24'] });

      // THEN the request for "ips" fails (no plugin declares the capability) and the pod has no net1
      await expect(attach).rejects.toThrow(CniError);
      await expect(attach).rejects.toMatchObject({ plugin: 'runtime', message: expect.stringContaining('"ips"') });
      expect(await linkNames(pod)).toEqual(['lo']);
    }, LAB_TEST_TIMEOUT_MS);
  });

  describe('a runtime that drops undeclared capability arguments (bare libcni)', () => {
    const { lab, runtime } = useLab({ enforceCapabilities: false });

    test('runs the plugins, and static IPAM fails for want of an address', async () => {
      // GIVEN a pod that asks for an address on the plan's network
      const pod = await lab().pod();

      // WHEN it is attached: the address never reaches the static plugin
      const attach = runtime().add(PLAN_NAD_CONFIG, { containerId: `plan${process.pid}b`, netns: pod, ips: ['192.0.2.41/24'] });

      // THEN the Debian plugins answer with the error seen on real nodes, and the half-made net1 is gone
      await expect(attach).rejects.toMatchObject({ plugin: 'macvlan', msg: 'IPAM plugin returned missing IP config' });
      expect(await linkNames(pod)).toEqual(['lo']);
    }, LAB_TEST_TIMEOUT_MS);
  });
});
