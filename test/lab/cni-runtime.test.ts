import { linkNames } from './lab';
import { describeLab, LAB_TEST_TIMEOUT_MS, useLab } from './suite';

/**
 * What each plugin is handed decides what a NetworkAttachmentDefinition does; here libcni decides
 * it, not the lab. These checks record each plugin's stdin as libcni built it, so that the lab's
 * other checks are known to run the plugins as Multus and containerd do.
 */

const MACVLAN = { type: 'macvlan', master: 'eth0', mode: 'bridge', capabilities: { ips: true }, ipam: { type: 'static' } };
const TUNING = { type: 'tuning', capabilities: { mac: true } };
const SBR = { type: 'sbr' };

describeLab('CNI lab: what libcni hands each plugin', () => {
  const { lab, runtime } = useLab();
  let seq = 0;
  const containerId = () => `rt${process.pid}c${++seq}`;

  test('a conflist: name and cniVersion injected, each capability argument only to the plugin that declares it, prevResult down the chain', async () => {
    // GIVEN a list of macvlan (ips), tuning (mac) and sbr (nothing), and a pod asking for both
    const config = { cniVersion: '0.4.0', name: 'iot', plugins: [MACVLAN, TUNING, SBR] };
    const pod = await lab().pod();
    const id = containerId();

    // WHEN it is attached
    const result = await runtime().add(config, { containerId: id, netns: pod, ips: ['192.0.2.100/24'], mac: '02:00:5e:00:53:64' });

    // THEN libcni ran the three in order, each with the list's name and version,
    const [macvlan, tuning, sbr] = runtime().invocations(id);
    expect([macvlan, tuning, sbr].map((i) => `${i.command} ${i.plugin}`)).toEqual(['ADD macvlan', 'ADD tuning', 'ADD sbr']);
    for (const i of [macvlan, tuning, sbr]) expect(i.stdin).toMatchObject({ name: 'iot', cniVersion: '0.4.0' });
    // macvlan got only ips, tuning only mac, sbr (declaring nothing) no runtimeConfig at all,
    expect(macvlan.stdin.runtimeConfig).toEqual({ ips: ['192.0.2.100/24'] });
    expect(tuning.stdin.runtimeConfig).toEqual({ mac: '02:00:5e:00:53:64' });
    expect(sbr.stdin).not.toHaveProperty('runtimeConfig');
    // the first plugin no prevResult, each later one the result before it,
    expect(macvlan.stdin).not.toHaveProperty('prevResult');
    expect(tuning.stdin.prevResult.ips.map((i: { address: string }) => i.address)).toEqual(['192.0.2.100/24']);
    expect(sbr.stdin.prevResult.interfaces.find((i: { name: string }) => i.name === 'net1').mac).toBe('02:00:5e:00:53:64');
    // and the pod got what the chain made
    expect(result.interfaces?.find((i) => i.name === 'net1')?.mac).toBe('02:00:5e:00:53:64');
  }, LAB_TEST_TIMEOUT_MS);

  test('DEL runs the list backwards, each plugin with the cached ADD result as prevResult', async () => {
    // GIVEN an attached pod
    const config = { cniVersion: '0.4.0', name: 'iot', plugins: [MACVLAN, SBR] };
    const pod = await lab().pod();
    const request = { containerId: containerId(), netns: pod, ips: ['192.0.2.101/24'] };
    await runtime().add(config, request);

    // WHEN it is detached
    await runtime().del(config, request);

    // THEN sbr went first, and both saw the ADD result (libcni's cache, from CNI 0.4.0 on)
    const dels = runtime().invocations(request.containerId).filter((i) => i.command === 'DEL');
    expect(dels.map((i) => i.plugin)).toEqual(['sbr', 'macvlan']);
    for (const i of dels) expect(i.stdin.prevResult.ips.map((ip: { address: string }) => ip.address)).toEqual(['192.0.2.101/24']);
    expect(await linkNames(pod)).toEqual(['lo']);
  }, LAB_TEST_TIMEOUT_MS);

  test('a written runtimeConfig is replaced by the capability arguments the plugin declares', async () => {
    // GIVEN a single-plugin config that carries a runtimeConfig of its own
    const config = { cniVersion: '0.3.1', name: 'iot', ...MACVLAN, runtimeConfig: { ips: ['192.0.2.250/24'] } };
    const pod = await lab().pod();
    const id = containerId();

    // WHEN a pod asking for another address is attached
    await runtime().add(config, { containerId: id, netns: pod, ips: ['192.0.2.102/24'] });

    // THEN macvlan saw the pod's address only (libcni injectRuntimeConfig)
    const [macvlan] = runtime().invocations(id);
    expect(macvlan.stdin.runtimeConfig).toEqual({ ips: ['192.0.2.102/24'] });
  }, LAB_TEST_TIMEOUT_MS);

  test('a capability declared false counts as not declared', async () => {
    // GIVEN macvlan declaring ips: false
    const config = { cniVersion: '0.3.1', name: 'iot', type: 'macvlan', master: 'eth0', capabilities: { ips: false }, ipam: { type: 'static' } };
    const pod = await lab().pod();

    // WHEN a pod asks for an address
    const attach = runtime().add(config, { containerId: containerId(), netns: pod, ips: ['192.0.2.103/24'] });

    // THEN the request is refused: no plugin declares ips
    await expect(attach).rejects.toMatchObject({ plugin: 'runtime', message: expect.stringContaining('"ips"') });
  }, LAB_TEST_TIMEOUT_MS);

  test.each([
    ['no name', { cniVersion: '0.3.1', type: 'macvlan' }],
    ['neither type nor plugins', { cniVersion: '0.3.1', name: 'iot' }],
    ['an empty plugins list', { cniVersion: '0.3.1', name: 'iot', plugins: [] }],
  ])('libcni refuses a config with %s before running a plugin', async (_what, config) => {
    const pod = await lab().pod();
    const id = containerId();
    await expect(runtime().add(config, { containerId: id, netns: pod })).rejects.toMatchObject({ plugin: 'runtime' });
    expect(runtime().invocations(id)).toEqual([]);
  }, LAB_TEST_TIMEOUT_MS);
});
