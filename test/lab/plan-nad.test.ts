import { IotNetwork } from '../../src';
import { findKind, synth, testChart } from '../helpers';
import { CniError } from './cni-runtime';
import { linkNames, linkState } from './lab';
import { describeLab, LAB_TEST_TIMEOUT_MS, useLab } from './suite';

/**
 * Why the lab exists: the hand-written plan's NetworkAttachmentDefinition declares no capabilities,
 * so a runtime that follows the CNI and NPWG specs never hands its static IPAM the pod's address.
 * The same network as IotNetwork writes it attaches.
 */

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

    test('attaches the same network as IotNetwork writes it', async () => {
      // GIVEN the plan's network (name, master, mode, static IPAM) as an IotNetwork
      const chart = testChart('kube-system');
      new IotNetwork(chart, 'iot', { subnet: '192.0.2.0/24', master: 'eth0' });
      const config = JSON.parse(findKind(synth(chart), 'NetworkAttachmentDefinition').spec.config);
      const pod = await lab().pod();

      // WHEN a pod asks for an address on it
      await runtime().add(config, { containerId: `plan${process.pid}c`, netns: pod, ips: ['192.0.2.42/24'] });

      // THEN it gets it: the only difference to the plan is the declared capability
      expect(config).toEqual({ ...PLAN_NAD_CONFIG, capabilities: { ips: true } });
      expect(await linkState(pod, 'net1')).toMatchObject({ ipv4: ['192.0.2.42/24'], up: true });
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
