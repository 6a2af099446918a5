import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeNeeding } from '../helpers';
import { CniRuntime } from './cni-runtime';
import { ifIndex, Lab, labUnavailableReason, linkNames, linkState } from './lab';
import { runnerBinary } from './build-runner';
import { multicast, unicastExchange } from './udp';

/**
 * The lab's checks, run against a set of network configurations (the parsed `spec.config` of NADs
 * that `IotNetwork` synthesizes): each is ADDed for real pods, the pods talk unicast and mDNS
 * multicast, and DEL takes the interfaces away again.
 */

/** The CNI configurations (parsed `spec.config`) a suite runs. */
export interface LabNetworks {
  /** macvlan on master `eth0` in 192.0.2.0/24, static IPAM taking the pod's `ips`. */
  readonly staticIp: Record<string, unknown>;
  /** As `staticIp`, and the pod's `mac` is applied too. */
  readonly staticIpMac: Record<string, unknown>;
  /** macvlan on VLAN 20 of `eth0` (master `eth0.20`) in 198.51.100.0/24, static IPAM. */
  readonly vlan20: Record<string, unknown>;
  /** macvlan with no master (the node's default-route interface, `eth0`) in 192.0.2.0/24, static IPAM. */
  readonly defaultMaster: Record<string, unknown>;
}

/** Timeout of each lab test; a test normally takes well under a second. */
export const LAB_TEST_TIMEOUT_MS = 8000;

/** The node's uplinks in every lab: `eth0` (with the default route) and the VLAN 20 stand-in. */
export const UPLINKS = [
  { name: 'eth0', nodeAddress: '192.0.2.2/24', gatewayAddress: '192.0.2.1/24', defaultRoute: true },
  { name: 'eth0.20', nodeAddress: '198.51.100.2/24', gatewayAddress: '198.51.100.1/24' },
];

/**
 * `describe` when the lab can run here. Otherwise skipped locally, with the reason in the title and
 * on stderr (which jest shows even for a skipped file); in CI, which runs as root with every package
 * installed, a suite of one failing test that says what is missing (`describeNeeding`).
 */
export function describeLab(title: string, body: () => void, requires: readonly Requirement[] = []): void {
  const reason = labUnavailableReason() ?? missingRequirement(requires);
  describeNeeding(title, reason === undefined ? undefined : `the CNI lab cannot run here: ${reason}`, body);
}

/** Bound on a suite's set-up: the first one on a machine builds the libcni runner. */
export const LAB_SETUP_TIMEOUT_MS = 120_000;

/** A program a suite needs besides the lab's own, and the Debian package that has it. */
export interface Requirement {
  readonly command: string;
  readonly debianPackage: string;
}

function missingRequirement(requires: readonly Requirement[]): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').filter((dir) => dir !== '');
  const missing = requires.filter((r) => !dirs.some((dir) => existsSync(join(dir, r.command))));
  if (missing.length === 0) return undefined;
  return `${missing.map((r) => `\`${r.command}\``).join(', ')} not found (apt-get install ${missing.map((r) => r.debianPackage).join(' ')})`;
}

/**
 * A lab (namespaces) and a libcni runtime whose plugins run in its node namespace, made before and
 * removed after the suite.
 */
export function useLab(options: { enforceCapabilities?: boolean; pluginDir?: () => string } = {}): { lab: () => Lab; runtime: () => CniRuntime } {
  let lab: Lab | undefined;
  let runtime: CniRuntime | undefined;
  beforeAll(async () => {
    await runnerBinary();
    lab = await Lab.create(UPLINKS);
    runtime = new CniRuntime({ nodeNetns: lab.node, enforceCapabilities: options.enforceCapabilities, pluginDir: options.pluginDir?.() });
  }, LAB_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    runtime?.destroy();
    await lab?.destroy();
  }, LAB_TEST_TIMEOUT_MS);
  return {
    lab: () => lab!,
    runtime: () => runtime!,
  };
}

/** Runs the lab's checks against `networks`. */
export function labSuite(title: string, networks: () => LabNetworks): void {
  describeLab(title, () => {
    const { lab, runtime } = useLab();
    let seq = 0;
    const containerId = () => `lab${process.pid}c${++seq}`;

    test('static IP: net1 carries the requested address and reaches the LAN gateway', async () => {
      // GIVEN a pod asking for 192.0.2.10/24
      const pod = await lab().pod();

      // WHEN it is attached
      const result = await runtime().add(networks().staticIp, { containerId: containerId(), netns: pod, ips: ['192.0.2.10/24'] });

      // THEN net1 is up with exactly that address, on the node's eth0
      expect(result.ips?.map((i) => i.address)).toEqual(['192.0.2.10/24']);
      const net1 = await linkState(pod, 'net1');
      expect(net1).toMatchObject({ ipv4: ['192.0.2.10/24'], up: true });
      expect(net1?.masterIndex).toBe(await ifIndex(lab().node, 'eth0'));
      // AND the LAN's gateway answers it (the plan's "ping the IoT gateway", in UDP)
      const exchange = await unicastExchange(pod, '192.0.2.10', lab().lan, '192.0.2.1');
      expect(exchange.request?.from).toBe('192.0.2.10');
      expect(exchange.answer).toEqual({ message: 'pong:hello from 192.0.2.10', from: '192.0.2.1' });
    }, LAB_TEST_TIMEOUT_MS);

    test('static IP + MAC: net1 carries the requested address and MAC', async () => {
      // GIVEN a pod asking for an address and a locally administered unicast MAC
      const pod = await lab().pod();
      const mac = '02:00:5e:00:53:0b';

      // WHEN it is attached
      const result = await runtime().add(networks().staticIpMac, { containerId: containerId(), netns: pod, ips: ['192.0.2.11/24'], mac });

      // THEN net1 has both, and the result reports the MAC the pod really has
      expect(await linkState(pod, 'net1')).toMatchObject({ mac, ipv4: ['192.0.2.11/24'], up: true });
      expect(result.interfaces?.find((i) => i.name === 'net1')?.mac).toBe(mac);
    }, LAB_TEST_TIMEOUT_MS);

    test('VLAN master: net1 hangs off eth0.20 and reaches the VLAN gateway', async () => {
      // GIVEN a pod asking for an address on VLAN 20's subnet
      const pod = await lab().pod();

      // WHEN it is attached
      await runtime().add(networks().vlan20, { containerId: containerId(), netns: pod, ips: ['198.51.100.10/24'] });

      // THEN net1's master is the node's eth0.20 (not eth0) and the VLAN's gateway answers
      const net1 = await linkState(pod, 'net1');
      expect(net1).toMatchObject({ ipv4: ['198.51.100.10/24'], up: true });
      expect(net1?.masterIndex).toBe(await ifIndex(lab().node, 'eth0.20'));
      const exchange = await unicastExchange(pod, '198.51.100.10', lab().lan, '198.51.100.1');
      expect(exchange.answer?.from).toBe('198.51.100.1');
    }, LAB_TEST_TIMEOUT_MS);

    test("master left out: net1 hangs off the node's default-route interface", async () => {
      // GIVEN a node whose default route leaves through eth0, and a pod
      const pod = await lab().pod();

      // WHEN the pod is attached to a network that names no master
      await runtime().add(networks().defaultMaster, { containerId: containerId(), netns: pod, ips: ['192.0.2.12/24'] });

      // THEN macvlan picked eth0
      const net1 = await linkState(pod, 'net1');
      expect(net1).toMatchObject({ ipv4: ['192.0.2.12/24'], up: true });
      expect(net1?.masterIndex).toBe(await ifIndex(lab().node, 'eth0'));
    }, LAB_TEST_TIMEOUT_MS);

    test('two pods: unicast both ways, and mDNS multicast from one reaches the other and the LAN', async () => {
      // GIVEN two pods on the same network
      const [a, b] = [await lab().pod(), await lab().pod()];
      await runtime().add(networks().staticIp, { containerId: containerId(), netns: a, ips: ['192.0.2.21/24'] });
      await runtime().add(networks().staticIp, { containerId: containerId(), netns: b, ips: ['192.0.2.22/24'] });

      // WHEN a sends b a datagram, and then a datagram to 224.0.0.251:5353
      const exchange = await unicastExchange(a, '192.0.2.21', b, '192.0.2.22');
      const [atB, atLan] = await multicast(a, '192.0.2.21', [
        { ns: b, address: '192.0.2.22' },
        { ns: lab().lan, address: '192.0.2.1' },
      ]);

      // THEN b got a's datagram and a got b's answer
      expect(exchange.request).toEqual({ message: 'hello from 192.0.2.21', from: '192.0.2.21' });
      expect(exchange.answer).toEqual({ message: 'pong:hello from 192.0.2.21', from: '192.0.2.22' });
      // AND the mDNS datagram arrived at the other pod and on the LAN (where the IoT devices are)
      expect(atB).toEqual({ message: 'mdns from 192.0.2.21', from: '192.0.2.21' });
      expect(atLan).toEqual({ message: 'mdns from 192.0.2.21', from: '192.0.2.21' });
    }, LAB_TEST_TIMEOUT_MS);

    test('DEL removes net1 again (with and without a pinned MAC)', async () => {
      // GIVEN two attached pods, one with a pinned MAC
      const [a, b] = [await lab().pod(), await lab().pod()];
      const reqA = { containerId: containerId(), netns: a, ips: ['192.0.2.31/24'] };
      const reqB = { containerId: containerId(), netns: b, ips: ['192.0.2.32/24'], mac: '02:00:5e:00:53:20' };
      await runtime().add(networks().staticIp, reqA);
      await runtime().add(networks().staticIpMac, reqB);
      expect(await linkNames(a)).toContain('net1');
      expect(await linkNames(b)).toContain('net1');

      // WHEN they are detached
      await runtime().del(networks().staticIp, reqA);
      await runtime().del(networks().staticIpMac, reqB);

      // THEN only loopback is left in each pod, and the address can be attached again
      expect(await linkNames(a)).toEqual(['lo']);
      expect(await linkNames(b)).toEqual(['lo']);
      await runtime().add(networks().staticIp, reqA);
      expect(await linkState(a, 'net1')).toMatchObject({ ipv4: ['192.0.2.31/24'] });
    }, LAB_TEST_TIMEOUT_MS);
  });
}
