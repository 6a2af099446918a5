import { Chart } from 'cdk8s';
import { Ipam, IotNetwork, MultusPodAnnotation, MultusTestPod, NetworkRef, ValidationError } from '../../src';
import { findKind, synth, testChart, toYaml, validationError } from '../helpers';

/** The plan's network, on documentation addresses: 192.0.2.0/24, gateway .1, DHCP pool .100-.199. */
function iotIn(chart: Chart, props: Partial<ConstructorParameters<typeof IotNetwork>[2]> = {}): IotNetwork {
  return new IotNetwork(chart, 'iot', {
    subnet: '192.0.2.0/24',
    namespace: 'kube-system',
    master: 'eth0',
    gateway: '192.0.2.1',
    dhcpRange: { start: '192.0.2.100', end: '192.0.2.199' },
    ...props,
  });
}

const pods = (chart: Chart) => synth(chart).filter((m) => m.kind === 'Pod');

describe('MultusTestPod', () => {
  test('the plan\'s verification pod: netshoot sleeping on the IoT network at the requested address', () => {
    // GIVEN
    const chart = testChart();
    const iot = iotIn(chart);

    // WHEN
    const test = new MultusTestPod(chart, 'multus-test', { network: iot, ips: ['192.0.2.250/24'] });

    // THEN
    const manifests = synth(chart);
    const pod = findKind(manifests, 'Pod');
    expect(toYaml(pod)).toMatchSnapshot();
    expect(pod.metadata).toMatchObject({ name: 'multus-test', namespace: 'default' });
    expect(JSON.parse(pod.metadata.annotations[MultusPodAnnotation.ANNOTATION_KEY])).toEqual([
      { name: 'iot', namespace: 'kube-system', ips: ['192.0.2.250/24'] },
    ]);
    expect(pod.spec.containers).toEqual([{ name: 'test', image: 'nicolaka/netshoot:v0.14', command: ['sleep', 'infinity'] }]);
    expect(test.pod.node.id).toBe('Resource');
    expect(test.verificationCommands).toEqual([
      "kubectl -n default get pod multus-test -o jsonpath='{.metadata.annotations.k8s\\.v1\\.cni\\.cncf\\.io/network-status}'",
      'kubectl -n default exec multus-test -- ip addr',
      'kubectl -n default exec multus-test -- ping -c 3 -I net1 192.0.2.1',
      'kubectl -n default exec multus-test -- dig -b 192.0.2.250 -p 5353 @224.0.0.251 _services._dns-sd._udp.local PTR',
      'kubectl -n default exec multus-test -- timeout 30 tcpdump -ni net1 udp port 5353',
      'kubectl -n default delete pod multus-test',
    ]);
  });

  test('an address without a prefix gets the subnet\'s', () => {
    // GIVEN a network
    const chart = testChart();
    // WHEN the test pod asks for an address without a prefix
    new MultusTestPod(chart, 'multus-test', { network: iotIn(chart), ips: ['192.0.2.250'] });
    // THEN its annotation carries the address with the subnet's prefix
    const [pod] = pods(chart);
    expect(JSON.parse(pod.metadata.annotations[MultusPodAnnotation.ANNOTATION_KEY])[0].ips).toEqual(['192.0.2.250/24']);
  });

  test('its address is claimed in the address plan: a pod that takes it later is refused, naming both', () => {
    // GIVEN
    const chart = testChart();
    const iot = iotIn(chart);
    new MultusTestPod(chart, 'multus-test', { network: iot, ips: ['192.0.2.250/24'] });

    // WHEN
    const error = validationError(() => new MultusPodAnnotation(chart, 'ha', { networks: [{ network: iot, ips: ['192.0.2.250'] }] }));

    // THEN
    expect(error.message).toContain('192.0.2.250');
    expect(error.message).toContain('multus-test');
  });

  test('name, namespace and image can be set; the namespace follows the chart', () => {
    // GIVEN / WHEN a test pod in a chart of namespace home-automation
    const inChart = testChart('home-automation');
    new MultusTestPod(inChart, 't', { network: NetworkRef.of('iot', 'kube-system') });
    // THEN it runs there
    expect(pods(inChart)[0].metadata.namespace).toBe('home-automation');

    // GIVEN / WHEN a test pod with its own name, namespace and image
    const chart = testChart();
    const test = new MultusTestPod(chart, 't', {
      network: iotIn(chart),
      ips: ['192.0.2.251'],
      name: 'iot-probe',
      namespace: 'ops',
      image: 'ghcr.io/nicolaka/netshoot:v0.13',
    });
    // THEN the pod and the verification commands carry them
    const [pod] = pods(chart);
    expect(pod.metadata).toMatchObject({ name: 'iot-probe', namespace: 'ops' });
    expect(pod.spec.containers[0].image).toBe('ghcr.io/nicolaka/netshoot:v0.13');
    expect(test.verificationCommands[1]).toBe('kubectl -n ops exec iot-probe -- ip addr');
  });

  test('on a network whose IPAM assigns addresses, no address is asked for and none is queried from', () => {
    // GIVEN
    const chart = testChart();
    const iot = iotIn(chart, { ipam: Ipam.dhcp() });

    // WHEN
    const test = new MultusTestPod(chart, 'multus-test', { network: iot });

    // THEN
    const [pod] = pods(chart);
    expect(JSON.parse(pod.metadata.annotations[MultusPodAnnotation.ANNOTATION_KEY])).toEqual([{ name: 'iot', namespace: 'kube-system' }]);
    expect(test.verificationCommands.some((c) => c.includes(' dig '))).toBe(false);
    expect(test.verificationCommands).toContain('kubectl -n default exec multus-test -- timeout 30 tcpdump -ni net1 udp port 5353');
  });

  test('an IPv6 address queries the IPv6 mDNS group on net1', () => {
    // GIVEN an IPv6 network
    const chart = testChart();
    const iot = new IotNetwork(chart, 'iot6', { subnet: '2001:db8:20::/64', namespace: 'kube-system' });
    // WHEN the test pod has an address on it
    const test = new MultusTestPod(chart, 'multus-test', { network: iot, ips: ['2001:db8:20::250'] });
    // THEN the mDNS query goes to ff02::fb on net1, from that address
    expect(test.verificationCommands).toContain('kubectl -n default exec multus-test -- dig -b 2001:db8:20::250 -p 5353 @ff02::fb%net1 _services._dns-sd._udp.local PTR');
  });

  test.each([
    ['network', {}, 'undefined'],
    ['ips', { ips: undefined }, 'static IPAM'],
    ['networks[0].ips[0]', { ips: ['192.0.2.150'] }, '192.0.2.150'],
    ['networks[0].ips[0]', { ips: ['198.51.100.7'] }, '198.51.100.7'],
    ['networks[0].ips[0]', { ips: ['192.0.2.1'] }, '192.0.2.1'],
    ['name', { name: 'Multus Test' }, 'Multus Test'],
    ['namespace', { namespace: 'Default' }, 'Default'],
    ['image', { image: 'nicolaka/netshoot' }, 'nicolaka/netshoot'],
    ['image', { image: 'nicolaka/netshoot:latest' }, 'latest'],
  ])('refuses %s in %j', (field, props, shown) => {
    // GIVEN
    const chart = testChart();
    const iot = iotIn(chart);
    const base = field === 'network' ? {} : { network: iot, ips: ['192.0.2.250'] };

    // WHEN
    const error = validationError(() => new MultusTestPod(chart, 'multus-test', { ...base, ...props } as any));

    // THEN
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe(field);
    expect(error.message).toContain(shown);
  });

  test('an address on a network whose IPAM assigns addresses is refused', () => {
    // GIVEN a DHCP network
    const chart = testChart();
    const iot = iotIn(chart, { ipam: Ipam.dhcp() });
    // WHEN the test pod asks for an address on it
    const error = validationError(() => new MultusTestPod(chart, 'multus-test', { network: iot, ips: ['192.0.2.250'] }));
    // THEN it is refused, naming the address
    expect(error.message).toContain('192.0.2.250');
  });
});
