import { ApiObject, Chart, Duration, Size } from 'cdk8s';
import {
  CniPaths, CpuQuantity, FluxKustomization, FluxTree, IotNetwork, MultusChart, MultusFluxApp, MultusPodAnnotation, MultusValuesLayout,
  NetworkRef, ValidationError,
} from '../../src';
import { expectValidationError, fluxApp, install, iot, testApp, testChart, thrown, tree } from '../helpers';

// Hostile input the library once let through: TypeErrors from deep inside, silently wrong YAML,
// messages that hid the value, claims left by a refused pod. Each test pins the fixed behaviour.


/** The patch of the tolerations post-renderer, as the HelmRelease renders it. */
function tolerationPatch(tolerations: unknown[]): string {
  return install({ tolerations }).helmRelease.toJson().spec.postRenderers[0].kustomize.patches[0].patch;
}

describe('regressions: a ValidationError, not a TypeError from deep inside', () => {
  // fluxDuration called duration.toMilliseconds() without checking it had a Duration.
  test('refuses an interval that is not a Duration (MultusInstall)', () => {
    // GIVEN / WHEN an install whose interval is a string
    // THEN a ValidationError naming it
    expectValidationError(() => install({ interval: '30m' }), '"30m"');
  });
  test('refuses an interval that is not a Duration (FluxKustomization timeout)', () => {
    // GIVEN / WHEN a Kustomization whose timeout is a number
    // THEN a ValidationError naming it
    expectValidationError(() => new FluxKustomization(fluxApp(), 'app', { timeout: 300 as any }), '300');
  });
  test('refuses an interval that is not a Duration (FluxTree.addHelmRepository)', () => {
    // GIVEN / WHEN a HelmRepository whose interval is a number
    // THEN a ValidationError naming it
    expectValidationError(() => tree().addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts', { interval: 7200 as any }), '7200');
  });
  test('refuses a repositoryInterval that is not a Duration', () => {
    // GIVEN / WHEN a chart whose repositoryInterval is a number
    // THEN a ValidationError naming it
    expectValidationError(() => install({ chart: MultusChart.angelnu({ repositoryInterval: 7200 as any }) }), '7200');
  });

  // MultusInstall read `chart.layout` without checking the chart.
  test('refuses a chart that is not a MultusChart', () => {
    // GIVEN / WHEN an install whose chart is a plain object
    // THEN a ValidationError naming it
    expectValidationError(() => install({ chart: { version: '7.0.0' } }), '{"version":"7.0.0"}');
  });

  // MultusInstall called `.map` on whatever tolerations was.
  test('refuses tolerations given as one object instead of a list', () => {
    // GIVEN / WHEN an install whose tolerations are one object
    // THEN a ValidationError naming it
    expectValidationError(() => install({ tolerations: { operator: 'Exists' } }), '{"operator":"Exists"}');
  });

  // Options and props read with `props.x` where `props` may be null (a `= {}` default covers undefined only).
  test('MultusChart.angelnu(null) means the defaults, as jsii passes an omitted optional argument', () => {
    // GIVEN / WHEN the chart's options given as null
    // THEN the defaults
    expect(MultusChart.angelnu(null as any).version).toBe(MultusChart.angelnu().version);
  });
  test('new FluxTree(app, id, null) means the defaults, as jsii passes an omitted optional argument', () => {
    // GIVEN / WHEN a tree's props given as null
    // THEN the defaults
    expect(new FluxTree(testApp(), 'cluster', null as any).clusterPath).toBe('kubernetes/main');
  });
  test('FluxTree.addHelmRepository(name, url, null) means the defaults', () => {
    // GIVEN / WHEN a HelmRepository's options given as null
    // THEN the defaults
    expect(tree().addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts', null as any).toJson().spec.interval).toBe('2h');
  });
  test('new FluxKustomization(unit, id, null) means the defaults', () => {
    // GIVEN / WHEN a Kustomization's props given as null
    // THEN the defaults
    expect(new FluxKustomization(fluxApp(), 'app', null as any).directory).toBe('app');
  });
  test('refuses new MultusFluxApp(repo, id, null)', () => {
    // GIVEN / WHEN a MultusFluxApp whose props are null
    // THEN a ValidationError naming null
    expectValidationError(() => new MultusFluxApp(tree(), 'multus', null as any), 'null');
  });
  test('refuses new MultusFluxApp(repo, id, { install: null })', () => {
    // GIVEN / WHEN a MultusFluxApp whose install is null
    // THEN a ValidationError naming null
    expectValidationError(() => new MultusFluxApp(tree(), 'multus', { install: null as any }), 'null');
  });

  // The networks directory is a construct id next to `app`: it was a constructs Error.
  test('refuses MultusFluxApp networksDirectory "app", the chart\'s own directory', () => {
    // GIVEN / WHEN a MultusFluxApp whose networks would share the chart's directory
    // THEN a ValidationError naming it
    expectValidationError(() => new MultusFluxApp(tree(), 'multus', { install: { cniPaths: CniPaths.K3S }, networksDirectory: 'app' }), '"app"');
  });

  // writeTo handed outdir to node:path unchecked.
  test('refuses FluxTree.writeTo(null)', () => {
    // GIVEN a tree with something to write
    const r = tree();
    r.addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts');
    // WHEN / THEN writing it to null is refused, naming null
    expectValidationError(() => r.writeTo(null as any), 'null');
  });
});

describe('regressions: refused, not written as wrong YAML', () => {
  // Toleration keys and values were not checked. Kubernetes wants a string value and a label-key
  // shaped key; the post-renderer patch would fail in the cluster.
  test('refuses a toleration value that is a number', () => {
    // GIVEN / WHEN a toleration whose value is a number
    // THEN a ValidationError naming it, and no patch
    expectValidationError(() => tolerationPatch([{ key: 'dedicated', value: 5 }]), '5');
  });
  test('refuses a toleration key with a newline', () => {
    // Before the check, the key was written as a YAML block scalar over two lines.
    // GIVEN / WHEN a toleration whose key holds a newline
    // THEN a ValidationError naming it, escaped
    expectValidationError(() => tolerationPatch([{ key: 'node-role\nx: y', operator: 'Exists' }]), '"node-role\\nx: y"');
  });

  // The WHATWG URL parser strips tabs and newlines and trims spaces before parsing, so the URL
  // check passed, and the string as given (with the newline) was written to the HelmRepository.
  test('refuses a chart URL with a newline inside', () => {
    // GIVEN / WHEN a chart URL with a newline inside
    // THEN a ValidationError naming it, escaped
    expectValidationError(() => MultusChart.angelnu({ url: 'https://angelnu.github.io/helm-\ncharts' }), '"https://angelnu.github.io/helm-\\ncharts"');
  });
  test('refuses a Helm repository URL with a leading space', () => {
    // GIVEN / WHEN a HelmRepository URL with a leading space
    // THEN a ValidationError naming it, space included
    expectValidationError(() => tree().addHelmRepository('bjw-s', ' https://bjw-s-labs.github.io/helm-charts'), '" https://bjw-s-labs.github.io/helm-charts"');
  });

  // An explicit valuesLayout was used without checking its class.
  test('refuses a valuesLayout that is not a MultusValuesLayout', () => {
    // GIVEN a values layout that is a plain object
    const layout = { name: 'V8' } as unknown as MultusValuesLayout;
    // Before the check, MultusInstall rendered `controllers.undefined.containers.undefined`.
    // WHEN / THEN a chart with it is refused, naming it
    expectValidationError(() => MultusChart.angelnu({ version: '8.0.0', valuesLayout: layout }), 'V8');
  });

  // Numbers beyond what the field can hold were written in exponent form: "1e+21m" is no
  // Kubernetes quantity and "2.4e+21h" no Go duration (time.ParseDuration overflows past 2562047h).
  test('refuses 1e21 millicores (exponent form is no quantity)', () => {
    // Before the check: `requests.cpu: 1e+21m`.
    // GIVEN / WHEN a CPU request of 1e21 millicores
    // THEN a ValidationError naming it, not a quantity in exponent form
    expectValidationError(() => install({ resources: { cpuRequest: CpuQuantity.millis(1e21) } }), '1e+21');
  });
  test('refuses Size.mebibytes(1e300)', () => {
    // GIVEN / WHEN a memory limit of 1e300 MiB
    // THEN a ValidationError naming it, not a quantity in exponent form
    expectValidationError(() => install({ resources: { memoryLimit: Size.mebibytes(1e300) } }), '1e+300');
  });
  test('refuses Duration.days(1e20), longer than any Go duration', () => {
    // Before the check: `interval: 2.4e+21h`.
    // GIVEN / WHEN an interval longer than any Go duration
    // THEN a ValidationError naming it, not a duration in exponent form
    expectValidationError(() => install({ interval: Duration.days(1e20) }), 'e+');
  });

  // node:net's isIP accepts a zone index, which IotNetwork's own parser refuses ("a typo must not silently become another
  // address"); Go's net.ParseIP and net.ParseCIDR, which Multus and the CNI plugins use, reject it.
  test('refuses an IPv6 zone index in the ips of a NetworkRef selection', () => {
    // GIVEN a pod asking for an address with a zone index on a NetworkRef
    const pod = () => new MultusPodAnnotation(testChart('home-automation'), 'pod', { networks: [{ network: NetworkRef.of('iot', 'kube-system'), ips: ['fe80::10%eth0/64'] }] });
    // WHEN / THEN it is refused, naming the address
    expectValidationError(pod, '"fe80::10%eth0/64"');
  });
  test('refuses an IPv6 zone index in the default route of a NetworkRef selection', () => {
    // GIVEN a pod whose default route has a zone index on a NetworkRef
    const pod = () => new MultusPodAnnotation(testChart('home-automation'), 'pod', { networks: [{ network: NetworkRef.of('iot', 'kube-system'), defaultRoute: ['fe80::1%eth0'] }] });
    // WHEN / THEN it is refused, naming the gateway
    expectValidationError(pod, '"fe80::1%eth0"');
  });

  // `props.image?.repository` of a string is undefined, so the default image was rendered instead
  // of the one the caller meant; the same for resources.
  test('refuses an image given as one string', () => {
    // Before the check, the release ran the default image instead.
    // GIVEN / WHEN an install whose image is one string
    // THEN a ValidationError naming it
    expectValidationError(() => install({ image: 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.1.2-thick' }), 'v4.1.2-thick');
  });
  test('refuses resources given as a string', () => {
    // GIVEN / WHEN an install whose resources are one string
    // THEN a ValidationError naming it
    expectValidationError(() => install({ resources: '512Mi' }), '"512Mi"');
  });
});

// A default-route gateway was checked against the subnet only, so the broadcast address passed.
// IotNetwork.checkHostAddress gives callers the host-address rule of the address plan.
describe('regressions: a gateway a pod points at must be a host address of the network', () => {
  test.each([
    ['the broadcast address', '192.0.2.255', 'is the broadcast address of 192.0.2.0/24'],
    ['the network address', '192.0.2.0', 'is the network address of 192.0.2.0/24'],
    ['an address outside the subnet', '198.51.100.1', 'is outside the subnet'],
    ['an address with a prefix', '192.0.2.1/24', 'without a prefix length'],
    ['an IPv6 address on an IPv4 network', '2001:db8::1', 'is IPv4'],
  ])('refuses %s', (_name, address, problem) => {
    // GIVEN the plan's IoT network
    const network = iot();
    // WHEN / THEN
    const e = thrown(() => network.checkHostAddress(address, 'networks[0].defaultRoute[0]')) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.field).toBe('networks[0].defaultRoute[0]');
    expect(e.message).toContain(`"${address}"`);
    expect(e.message).toContain(problem);
  });

  test('returns a host address in canonical form, claiming nothing', () => {
    // GIVEN
    const network = iot();
    // WHEN
    const gateway = network.checkHostAddress('192.0.2.1');
    const host = network.checkHostAddress('192.0.2.254');
    // THEN
    expect([gateway, host]).toEqual(['192.0.2.1', '192.0.2.254']);
    expect(network.claimAddress('192.0.2.254', 'a pod')).toBe('192.0.2.254/24');
  });
});

// Durations, repository paths and tree placement were refused without the construct path, or
// with the construct path in place of the field's name.
describe('regressions: a refusal names the field, and the construct path apart from it', () => {
  test.each([
    ['MultusInstall interval', () => install({ interval: Duration.seconds(0) }), 'interval', 'test/multus'],
    ['MultusInstall chart.repositoryInterval', () => install({ chart: MultusChart.angelnu({ repositoryInterval: Duration.millis(0.5) }) }), 'chart.repositoryInterval', 'test/multus'],
    ['FluxKustomization timeout', () => new FluxKustomization(fluxApp(), 'app', { timeout: Duration.seconds(0) }), 'timeout', 'cluster/echo/app'],
    ['FluxKustomization retryInterval', () => new FluxKustomization(fluxApp(), 'app', { retryInterval: Duration.days(1e9) }), 'retryInterval', 'cluster/echo/app'],
    ['addHelmRepository interval', () => tree().addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts', { interval: Duration.seconds(0) }), 'helmRepository.interval', 'cluster'],
    ['FluxTree clusterPath', () => tree({ clusterPath: '/kubernetes/main' }), 'clusterPath', 'cluster'],
    ['FluxTree pathPrefix', () => tree({ pathPrefix: '../up' }), 'pathPrefix', 'cluster'],
    ['an object in another namespace than its directory applies', () => {
      const unit = new FluxKustomization(fluxApp(), 'app');
      new ApiObject(unit, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'kube-system' } });
      FluxTree.of(unit)!.files();
    }, 'metadata.namespace', 'cluster/echo/app/settings'],
    ['an object outside every FluxKustomization', () => {
      const r = tree();
      new ApiObject(new Chart(r, 'loose'), 'stray', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray' } });
      r.files();
    }, 'object', 'cluster/loose/stray'],
    ['an app without a Kustomization', () => FluxTree.of(fluxApp())!.files(), 'name', 'cluster/echo'],
  ])('%s', (_name, fn, field, path) => {
    // GIVEN a refused setting of a construct deep in the tree
    // WHEN
    const e = thrown(fn) as ValidationError;
    // THEN the field is a field, and the path is where it belongs
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.field).toBe(field);
    expect(e.constructPath).toBe(path);
    expect(e.message).toContain(`(at ${path})`);
  });
});

describe('regressions: messages name the value', () => {
  // JSON.stringify(NaN) is "null": the message once read "vlan: null is not valid" for NaN.
  test('shows NaN as NaN', () => {
    // GIVEN / WHEN a vlan of NaN
    // THEN the message shows NaN
    expectValidationError(() => iot({ master: 'eth0', vlan: NaN }), 'vlan: NaN ');
  });
  test('shows Infinity as Infinity', () => {
    // GIVEN / WHEN an mtu of Infinity
    // THEN the message shows Infinity
    expectValidationError(() => iot({ mtu: Infinity }), 'mtu: Infinity ');
  });
});

describe('regressions: a refusal leaves no half-made claims', () => {
  // MultusPodAnnotation claims the addresses of its elements one after the other: when a later
  // claim is refused, the earlier ones must be given back, or the next pod would be told that a
  // pod that was never made holds the address.
  test('a pod refused for its second address gives its first back', () => {
    // GIVEN a network and a chart for pods
    const app = testApp();
    const net = new IotNetwork(new Chart(app, 'net', { namespace: 'kube-system' }), 'iot', { subnet: '192.0.2.0/24', gateway: '192.0.2.1' });
    const pods = new Chart(app, 'pods');
    // WHEN a pod asking for a free address and the gateway is refused
    // THEN the next pod can have the free address
    expect(thrown(() => new MultusPodAnnotation(pods, 'refused', { networks: [{ network: net, ips: ['192.0.2.10'] }, { network: net, interface: 'iot1', ips: ['192.0.2.1'] }] }))).toBeInstanceOf(ValidationError);
    expect(JSON.parse(new MultusPodAnnotation(pods, 'next', { networks: [{ network: net, ips: ['192.0.2.10'] }] }).value)[0].ips).toEqual(['192.0.2.10/24']);
  });
});
