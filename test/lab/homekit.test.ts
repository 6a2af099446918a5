import { IotNetworkProps } from '../../src';
import { exec, execOk } from './exec';
import { ip, routes } from './lab';
import { describeLab, LAB_SETUP_TIMEOUT_MS, LAB_TEST_TIMEOUT_MS, libraryPod, podOf, useLab } from './suite';
import { tcpConnect } from './tcp';

/**
 * The HomeKit path across VLANs. Home Assistant's net1 is on the IoT VLAN (198.51.100.0/24, VLAN 20
 * of the node's eth0, router 198.51.100.1); a phone on another subnet behind the router
 * (203.0.113.128/25; the node's LAN is 192.0.2.0/24) opens TCP to Home Assistant's net1 address
 * (the HomeKit bridge's port), through the router. The reply must leave Home Assistant's pod through net1: its default route is eth0's (the
 * cluster network), and what leaves eth0 is forwarded by the node, which masquerades what it
 * forwards out of its uplinks (the node's NAT), so the phone sees an answer from the wrong address.
 *
 * Recorded for each NAD: the interface the pod's answers left by (packet counters in the pod), and
 * whether the phone's connection was established.
 */

const IOT_VLAN: IotNetworkProps = { subnet: '198.51.100.0/24', gateway: '198.51.100.1', master: 'eth0', vlan: 20, name: 'iot' };
const HOME_ASSISTANT = '198.51.100.50';
/** The phone, on a subnet of its own behind the router (the normal VLAN's clients). */
const PHONE = '203.0.113.130';
const PHONE_GATEWAY = '203.0.113.129';
/** The HomeKit bridge's port in Home Assistant. */
const HOMEKIT_PORT = 21063;

/** Packets of the pod's TCP answers from the HomeKit port, by the interface they left through. */
async function answersByInterface(netns: string): Promise<{ eth0: number; net1: number }> {
  const saved = await execOk('ip', ['netns', 'exec', netns, 'iptables-save', '-c', '-t', 'mangle'], { timeoutMs: 5000 });
  const count = (ifName: string) => {
    const line = saved.split('\n').find((l) => l.includes(`-o ${ifName} `) && l.includes(`--sport ${HOMEKIT_PORT}`));
    return Number(/^\[(\d+):/.exec(line ?? '')?.[1] ?? NaN);
  };
  return { eth0: count('eth0'), net1: count('net1') };
}

describeLab('CNI lab: HomeKit from a phone on another VLAN, through the router, to net1 of Home Assistant', () => {
  const { lab, multus } = useLab();
  let phone: string;
  let seq = 0;
  const containerId = () => `hk${process.pid}c${++seq}`;

  beforeAll(async () => {
    // The router forwards between the LAN and the IoT VLAN; the phone is on the LAN behind it.
    await execOk('ip', ['netns', 'exec', lab().lan, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'], { timeoutMs: 3000 });
    phone = await lab().pod();
    await ip('-n', lab().lan, 'link', 'add', 'phone0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', phone);
    await ip('-n', lab().lan, 'addr', 'add', `${PHONE_GATEWAY}/25`, 'dev', 'phone0');
    await ip('-n', lab().lan, 'link', 'set', 'phone0', 'up');
    await ip('-n', phone, 'addr', 'add', `${PHONE}/25`, 'dev', 'eth0');
    await ip('-n', phone, 'link', 'set', 'eth0', 'up');
    await ip('-n', phone, 'route', 'add', 'default', 'via', PHONE_GATEWAY);
    // The node masquerades what it forwards out of its uplinks.
    for (const uplink of ['eth0', 'eth0.20']) {
      await execOk('ip', ['netns', 'exec', lab().node, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', uplink, '-j', 'MASQUERADE'], { timeoutMs: 5000 });
    }
  }, LAB_SETUP_TIMEOUT_MS);

  /** Home Assistant's pod on the IoT VLAN with `props` added, counting its answers by interface. */
  async function homeAssistant(props: Partial<IotNetworkProps>): Promise<string> {
    const library = libraryPod({ props: { ...IOT_VLAN, ...props }, selection: { ips: [HOME_ASSISTANT] } });
    const pod = await podOf(lab(), containerId(), library);
    await multus().add(pod, library.nads);
    for (const ifName of ['eth0', 'net1']) {
      await execOk('ip', ['netns', 'exec', pod.netns, 'iptables', '-t', 'mangle', '-A', 'POSTROUTING', '-o', ifName, '-p', 'tcp', '--sport', String(HOMEKIT_PORT)], { timeoutMs: 5000 });
    }
    return pod.netns;
  }

  async function release(netns: string): Promise<void> {
    // the next NAD reuses Home Assistant's address: the pod's namespace goes, and net1 with it
    await exec('ip', ['netns', 'del', netns], { timeoutMs: 3000 });
  }

  test("the library's default NAD: the answers leave through eth0, the node masquerades them, the phone's connection fails", async () => {
    // GIVEN Home Assistant on the IoT VLAN with the NAD IotNetwork writes by default
    const ha = await homeAssistant({});

    // WHEN the phone connects to its net1 address
    const outcome = await tcpConnect(phone, ha, HOME_ASSISTANT, HOMEKIT_PORT);

    // THEN no answer left through net1: every SYN-ACK went out of eth0 (the pod's default route)
    const counted = await answersByInterface(ha);
    expect(counted.net1).toBe(0);
    expect(counted.eth0).toBeGreaterThan(0);
    // AND the phone, answered from the node's address instead of Home Assistant's, never connected
    expect(outcome).toEqual({ error: 'ETIMEDOUT' });
    await release(ha);
  }, LAB_TEST_TIMEOUT_MS);

  test('sourceBasedRouting alone: the per-source table has no default route (static IPAM hands none), the answers still leave through eth0', async () => {
    const ha = await homeAssistant({ sourceBasedRouting: true });

    const outcome = await tcpConnect(phone, ha, HOME_ASSISTANT, HOMEKIT_PORT);

    const counted = await answersByInterface(ha);
    expect(counted).toMatchObject({ net1: 0 });
    expect(counted.eth0).toBeGreaterThan(0);
    expect(outcome).toEqual({ error: 'ETIMEDOUT' });
    const all = await routes(ha);
    expect(all.filter((r) => r.dst === 'default' && r.dev === 'net1')).toEqual([]);
    await release(ha);
  }, LAB_TEST_TIMEOUT_MS);

  test('sourceBasedRouting with a default route through the gateway: the answers leave through net1, and the phone connects', async () => {
    const ha = await homeAssistant({ sourceBasedRouting: true, routes: [{ destination: '0.0.0.0/0' }] });

    const outcome = await tcpConnect(phone, ha, HOME_ASSISTANT, HOMEKIT_PORT);

    expect(outcome).toEqual({ greeting: `hello ${PHONE}` });
    const counted = await answersByInterface(ha);
    expect(counted.eth0).toBe(0);
    expect(counted.net1).toBeGreaterThan(0);
    await release(ha);
  }, LAB_TEST_TIMEOUT_MS);

  test("a default route through the gateway without sourceBasedRouting: the phone connects, but net1 takes the pod's default route from eth0", async () => {
    const ha = await homeAssistant({ routes: [{ destination: '0.0.0.0/0' }] });

    const outcome = await tcpConnect(phone, ha, HOME_ASSISTANT, HOMEKIT_PORT);

    expect(outcome).toEqual({ greeting: `hello ${PHONE}` });
    // static IPAM appended a second default route, ahead of eth0's: every destination off the
    // pod's subnets now leaves through net1, the cluster network's included
    const mainDefaults = (await routes(ha)).filter((r) => r.dst === 'default' && r.table === undefined);
    expect(mainDefaults.map((r) => `${r.gateway} ${r.dev}`)).toEqual(['198.51.100.1 net1', '203.0.113.1 eth0']);
    const [chosen] = JSON.parse(await ip('-n', ha, '-j', 'route', 'get', '203.0.113.200')) as Array<{ dev: string }>;
    expect(chosen.dev).toBe('net1');
    await release(ha);
  }, LAB_TEST_TIMEOUT_MS);
}, [{ command: 'iptables', debianPackage: 'iptables' }]);
