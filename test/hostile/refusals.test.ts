import { ApiObject, Chart, Duration, Size } from 'cdk8s';
import {
  CniPaths, CpuQuantity, FluxHealthCheck, FluxKustomization, FluxKustomizationRef, FluxApp, FluxTree, Ipam, IotNetwork, MacvlanMode, MultusChart,
  MultusFluxApp, MultusInstall, MultusLogLevel, MultusNodeCleanup, MultusPodAnnotation, MultusTestPod, NetworkRef, ValidationError,
} from '../../src';
import { expectRefusal, fluxApp, hostLocalIot, install, iot, kustomization, testChart, thrown, tree } from '../helpers';

// One table across every construct of the library: each row spoils one value and states the field
// and the offending value (as the message renders it: strings in JSON quotes) that the refusal must
// name. The per-construct suites (test/multus, test/network, test/pod, test/flux) cover the plain
// cases; these rows are the look-alikes a user types by accident and the values a JavaScript caller
// can pass that TypeScript would have stopped.

type Row = [string, () => unknown, string, string];

const ref = () => NetworkRef.of('iot', 'kube-system');
const pod = (networks: unknown) => new MultusPodAnnotation(testChart('home-automation'), 'pod', { networks } as any);

/** Malformed and out-of-range values: CIDRs, addresses, MACs, interface names, VLAN ids, names, versions, paths, durations. */
const MALFORMED: Row[] = [
  // CIDRs and addresses (IotNetwork, the address plan)
  ['subnet with a trailing newline', () => iot({ subnet: '192.0.2.0/24\n' }), 'subnet', '"192.0.2.0/24\\n"'],
  ['subnet with a full-width digit', () => iot({ subnet: '１92.0.2.0/24' }), 'subnet', '"１92.0.2.0/24"'],
  ['subnet with an octal-looking octet', () => iot({ subnet: '192.0.02.0/24' }), 'subnet', '"192.0.02.0/24"'],
  ['subnet with a negative prefix', () => iot({ subnet: '192.0.2.0/-1' }), 'subnet', '"192.0.2.0/-1"'],
  ['IPv6 subnet with prefix 129', () => iot({ subnet: '2001:db8::/129', gateway: undefined, dhcpRange: undefined, reservedAddresses: undefined }), 'subnet', '"2001:db8::/129"'],
  ['IPv6 subnet with a zone index', () => iot({ subnet: 'fe80::%eth0/64', gateway: undefined, dhcpRange: undefined, reservedAddresses: undefined }), 'subnet', '"fe80::%eth0/64"'],
  ['gateway of the other family', () => iot({ gateway: '2001:db8::1' }), 'gateway', '"2001:db8::1"'],
  ['reserved address in hex', () => iot({ reservedAddresses: ['0xc0.0.2.3'] }), 'reservedAddresses[0]', '"0xc0.0.2.3"'],
  ['DHCP pool ending at the broadcast address', () => iot({ dhcpRange: { start: '192.0.2.150', end: '192.0.2.255' } }), 'dhcpRange.end', '"192.0.2.255"'],
  ['host-local range starting at the network address', () => iot({ ipam: Ipam.hostLocal({ rangeStart: '192.0.2.0', rangeEnd: '192.0.2.9' }) }), 'ipam.rangeStart', '"192.0.2.0"'],
  ['whereabouts exclusion of the other family', () => iot({ ipam: Ipam.whereabouts({ range: '192.0.2.0/25', exclude: ['2001:db8::/64'] }) }), 'ipam.exclude[0]', '"2001:db8::/64"'],
  ['route to a host address with host bits', () => iot({ routes: [{ destination: '198.51.100.7/24' }] }), 'routes[0].destination', '"198.51.100.7/24"'],
  // VLAN ids, MTU, interface names, CNI versions of the network
  ['vlan -1', () => iot({ master: 'eth0', vlan: -1 }), 'vlan', '-1'],
  ['vlan 1e9', () => iot({ master: 'eth0', vlan: 1e9 }), 'vlan', '1000000000'],
  ['mtu 1e6', () => iot({ mtu: 1e6 }), 'mtu', '1000000'],
  ['master ".."', () => iot({ master: '..' }), 'master', '".."'],
  ['master with a space', () => iot({ master: 'eth 0' }), 'master', '"eth 0"'],
  ['master of 16 bytes in 8 characters', () => iot({ master: 'éééééééé' }), 'master', '"éééééééé"'],
  ['cniVersion 1.2.0', () => iot({ cniVersion: '1.2.0' }), 'cniVersion', '"1.2.0"'],
  ['macvlan mode in capitals', () => iot({ mode: 'BRIDGE' as MacvlanMode }), 'mode', '"BRIDGE"'],
  // names
  ['network name with a dot', () => iot({ name: 'iot.lan' }), 'name', '"iot.lan"'],
  ['network name starting with "-"', () => iot({ name: '-iot' }), 'name', '"-iot"'],
  ['network name of 64 characters', () => iot({ name: 'a'.repeat(64) }), 'name', `"${'a'.repeat(64)}"`],
  ['NetworkRef name in capitals', () => NetworkRef.of('IoT', 'kube-system'), 'network.name', '"IoT"'],
  ['NetworkRef namespace with "_"', () => NetworkRef.of('iot', 'kube_system'), 'network.namespace', '"kube_system"'],
  // the address plan: claims that collide
  ['the same address claimed twice, once with its prefix', () => {
    const n = iot();
    n.claimAddress('192.0.2.10', 'home-assistant');
    n.claimAddress('192.0.2.10/24', 'esphome');
  }, 'address', '"192.0.2.10/24"'],
  ['the same IPv6 address claimed twice, in another spelling', () => {
    const n = iot({ subnet: '2001:db8:20::/64', gateway: undefined, dhcpRange: undefined, reservedAddresses: undefined });
    n.claimAddress('2001:db8:20::a', 'home-assistant');
    n.claimAddress('2001:DB8:20:0:0:0:0:A', 'esphome');
  }, 'address', '"2001:DB8:20:0:0:0:0:A"'],
  ['a claim of the gateway', () => iot().claimAddress('192.0.2.1', 'home-assistant'), 'address', '"192.0.2.1"'],
  ['a claim inside the DHCP pool', () => iot().claimAddress('192.0.2.150', 'home-assistant'), 'address', '"192.0.2.150"'],
  ['a claim of a reserved address', () => iot().claimAddress('192.0.2.2', 'home-assistant'), 'address', '"192.0.2.2"'],
  ['a claim with the wrong prefix', () => iot().claimAddress('192.0.2.10/25', 'home-assistant'), 'address', '"192.0.2.10/25"'],
  ['a claim of an IPv4-mapped IPv6 address on an IPv4 LAN', () => iot().claimAddress('::ffff:192.0.2.10', 'home-assistant'), 'address', '"::ffff:192.0.2.10"'],
  ['a claim on a network whose IPAM assigns addresses', () => hostLocalIot().claimAddress('192.0.2.10', 'home-assistant'), 'address', '"192.0.2.10"'],
  ['two pods with one static address', () => {
    const n = iot();
    const c = testChart('home-automation');
    new MultusPodAnnotation(c, 'home-assistant', { networks: [{ network: n, ips: ['192.0.2.10'] }] });
    new MultusPodAnnotation(c, 'esphome', { networks: [{ network: n, ips: ['192.0.2.10/24'] }] });
  }, 'networks[0].ips[0]', '"192.0.2.10/24"'],
  // MACs
  ['multicast MAC (mDNS group)', () => pod([{ network: iot(), mac: '01:00:5e:00:00:fb' }]), 'networks[0].mac', '"01:00:5e:00:00:fb"'],
  ['MAC with mixed separators', () => pod([{ network: iot(), mac: '02:42-c0:a8:14:64' }]), 'networks[0].mac', '"02:42-c0:a8:14:64"'],
  ['MAC of seven octets', () => pod([{ network: iot(), mac: '02:42:c0:a8:14:64:01' }]), 'networks[0].mac', '"02:42:c0:a8:14:64:01"'],
  ['all-zero MAC', () => pod([{ network: iot(), mac: '00-00-00-00-00-00' }]), 'networks[0].mac', '"00-00-00-00-00-00"'],
  // interface names and selections
  ['interface "lo"', () => pod([{ network: ref(), interface: 'lo' }]), 'networks[0].interface', '"lo"'],
  ['interface of 16 characters', () => pod([{ network: ref(), interface: 'abcdefghijklmnop' }]), 'networks[0].interface', '"abcdefghijklmnop"'],
  ['interface that Multus generates for another element', () => pod([{ network: ref() }, { network: ref(), interface: 'net1' }]), 'networks[1].interface', '"net1"'],
  ['two default routes', () => pod([{ network: ref(), defaultRoute: ['192.0.2.1'] }, { network: NetworkRef.of('lan', 'default'), interface: 'lan0', defaultRoute: ['198.51.100.1'] }]), 'networks[1].defaultRoute', '["198.51.100.1"]'],
  ['a NetworkRef address with prefix 33', () => pod([{ network: ref(), ips: ['192.0.2.10/33'] }]), 'networks[0].ips[0]', '"192.0.2.10/33"'],
  ['an address outside the IoT subnet', () => pod([{ network: iot(), ips: ['198.51.100.10'] }]), 'networks[0].ips[0]', '"198.51.100.10"'],
  ['a MAC on a network without the MAC capability', () => pod([{ network: iot({ macCapability: false }), mac: '02:42:c0:00:02:0a' }]), 'networks[0].mac', '"02:42:c0:00:02:0a"'],
  ['an empty cni-args key', () => pod([{ network: ref(), cniArgs: { '': 'x' } }]), 'networks[0].cniArgs', '""'],
  // chart versions and repositories
  ['chart version with a "v"', () => MultusChart.angelnu({ version: 'v7.0.0' }), 'chart.version', '"v7.0.0"'],
  ['chart version of two parts', () => MultusChart.angelnu({ version: '7.0' }), 'chart.version', '"7.0"'],
  ['chart version range "~7.0.0"', () => MultusChart.angelnu({ version: '~7.0.0' }), 'chart.version', '"~7.0.0"'],
  ['chart 6.0.3 (misplaced privileged)', () => MultusChart.angelnu({ version: '6.0.3' }), 'chart.version', '"6.0.3"'],
  ['chart repository namespace in capitals', () => MultusChart.angelnu({ repositoryNamespace: 'Flux-System' }), 'chart.repositoryNamespace', '"Flux-System"'],
  ['chart repository over ftp', () => MultusChart.angelnu({ url: 'ftp://angelnu.github.io/helm-charts' }), 'chart.url', '"ftp://angelnu.github.io/helm-charts"'],
  // paths
  ['CNI dir with a NUL byte', () => CniPaths.custom('/etc/cni/net.d', '/opt/cni/bin\0'), 'cniPaths.binDir', '"/opt/cni/bin\\u0000"'],
  ['CNI dir "/"', () => CniPaths.custom('/', '/opt/cni/bin'), 'cniPaths.configDir', '"/"'],
  ['CNI dir with "//"', () => CniPaths.custom('/etc//cni/net.d', '/opt/cni/bin'), 'cniPaths.configDir', '"/etc//cni/net.d"'],
  ['cluster path with a trailing "/"', () => tree({ clusterPath: 'kubernetes/main/' }), 'clusterPath', '"kubernetes/main/"'],
  ['cluster path starting "./"', () => tree({ clusterPath: './kubernetes/main' }), 'clusterPath', '"./kubernetes/main"'],
  ['path prefix climbing out', () => tree({ pathPrefix: '../clusters' }), 'pathPrefix', '"../clusters"'],
  ['cluster path with a backslash', () => tree({ clusterPath: 'kubernetes\\main' }), 'clusterPath', '"kubernetes\\\\main"'],
  // images, resources, tolerations
  ['image tag with a trailing space', () => install({ image: { tag: 'v4.3.0-thick ' } }), 'image.tag', '"v4.3.0-thick "'],
  // Capitals are allowed in the registry host (host names are case-insensitive), never in the path.
  ['image repository path in capitals', () => install({ image: { repository: 'ghcr.io/K8sNetworkPlumbingWG/multus-cni' } }), 'image.repository', '"ghcr.io/K8sNetworkPlumbingWG/multus-cni"'],
  ['verification pod image path in capitals', () => new MultusTestPod(testChart('kube-system'), 'test', { network: NetworkRef.of('iot', 'kube-system'), image: 'ghcr.io/Nicolaka/netshoot:v0.14' }), 'image', '"ghcr.io/Nicolaka/netshoot:v0.14"'],
  ['toleration effect in lower case', () => install({ tolerations: [{ operator: 'Exists', effect: 'noschedule' }] }), 'tolerations[0].effect', '"noschedule"'],
  ['toleration Equal without a key', () => install({ tolerations: [{ operator: 'Equal', value: 'true' }] }), 'tolerations[0].key', 'undefined'],
  ['fractional millicores', () => install({ resources: { cpuRequest: CpuQuantity.millis(1.5) } }), 'CpuQuantity.millis', '1.5'],
  ['memory request of 0', () => install({ resources: { memoryRequest: Size.mebibytes(0) } }), 'resources.memoryRequest', '"0Mi"'],
  ['log level in capitals', () => install({ logLevel: 'DEBUG' as MultusLogLevel }), 'logLevel', '"DEBUG"'],
  ['clean-up image "latest"', () => new MultusNodeCleanup(testChart('kube-system'), 'cleanup', { cniPaths: CniPaths.K3S, image: 'busybox:latest' }), 'image', '"busybox:latest"'],
  ['clean-up image with a short digest', () => new MultusNodeCleanup(testChart('kube-system'), 'cleanup', { cniPaths: CniPaths.K3S, image: 'busybox@sha256:abc' }), 'image', '"busybox@sha256:abc"'],
  // Flux: names, durations, ordering
  ['git repository name with "_"', () => tree({ gitRepositoryName: 'home_kubernetes' }), 'gitRepositoryName', '"home_kubernetes"'],
  ['Helm repository without a scheme', () => tree().addHelmRepository('bjw-s', 'bjw-s-labs.github.io/helm-charts'), 'helmRepository.url', '"bjw-s-labs.github.io/helm-charts"'],
  ['namespace in capitals', () => tree().addNamespace('Home-Automation'), 'namespace', '"Home-Automation"'],
  ['two apps of one name in one namespace', () => {
    const r = tree();
    new FluxApp(r, 'echo', { namespace: 'default' });
    new FluxApp(r, 'echo-2', { namespace: 'default', name: 'echo' });
  }, 'name', '"echo"'],
  ['two Kustomizations in one directory', () => {
    const unit = fluxApp();
    new FluxKustomization(unit, 'app');
    new FluxKustomization(unit, 'again', { directory: 'app' });
  }, 'directory', '"app"'],
  ['wait together with health checks', () => kustomization({ wait: true, healthChecks: [FluxHealthCheck.helmRelease('multus', 'kube-system')] }), 'wait', 'true'],
  ['a Kustomization that depends on itself', () => kustomization({ dependsOn: [FluxKustomizationRef.of('echo')] }), 'dependsOn', '"echo"'],
  ['a retry interval of a tenth of a millisecond', () => kustomization({ retryInterval: Duration.millis(0.1) }), 'retryInterval', '"0.1ms"'],
  ['a dependency with an empty name', () => FluxKustomizationRef.of(''), 'dependsOn.name', '""'],
  ['a health check kind in lower case', () => FluxHealthCheck.of('apps/v1', 'daemonset', 'multus', 'kube-system'), 'healthChecks.kind', '"daemonset"'],
  ['a health check API version without a version', () => FluxHealthCheck.of('apps', 'DaemonSet', 'multus', 'kube-system'), 'healthChecks.apiVersion', '"apps"'],
  ['Multus as a Flux app without CNI paths', () => new MultusFluxApp(tree(), 'multus', { install: {} as any }), 'cniPaths', 'undefined'],
  ['an object outside every FluxKustomization', () => {
    const r = tree();
    new ApiObject(new Chart(r, 'loose'), 'stray', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray' } });
    r.files();
  }, 'object', '"ConfigMap stray"'],
  ['an object that names another namespace than its directory applies', () => {
    const k = kustomization();
    new ApiObject(k, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'kube-system' } });
    FluxTree.of(k)!.files();
  }, 'metadata.namespace', '"kube-system"'],
];

/** What a JavaScript caller can pass: null, undefined, numbers for strings, odd prototypes, odd strings. */
const JS_LEVEL: Row[] = [
  ['null props of IotNetwork', () => iotWith(null), 'props', 'null'],
  ['props of IotNetwork with no prototype', () => iotWith(Object.assign(Object.create(null), { subnet: '192.0.2.0/24' })), 'props', '{"subnet":"192.0.2.0/24"}'],
  ['props of IotNetwork as a class instance', () => iotWith(new (class Props { public readonly subnet = '192.0.2.0/24'; })()), 'props', '{"subnet":"192.0.2.0/24"}'],
  ['subnet undefined', () => iot({ subnet: undefined }), 'subnet', 'undefined'],
  ['subnet null', () => iot({ subnet: null }), 'subnet', 'null'],
  ['subnet as a number', () => iot({ subnet: 24 }), 'subnet', '24'],
  ['subnet as an object whose toString is a CIDR', () => iot({ subnet: { toString: () => '192.0.2.0/24' } }), 'subnet', '{}'],
  ['subnet of 10 000 characters', () => iot({ subnet: '1'.repeat(10_000) }), 'subnet', `"${'1'.repeat(10_000)}"`],
  ['name as a number', () => iot({ name: 5 }), 'name', '5'],
  ['namespace with a newline', () => iot({ namespace: 'kube-\nsystem' }), 'namespace', '"kube-\\nsystem"'],
  ['master null', () => iot({ master: null }), 'master', 'null'],
  ['master with a newline', () => iot({ master: 'eth\n0' }), 'master', '"eth\\n0"'],
  ['vlan as a string', () => iot({ master: 'eth0', vlan: '20' }), 'vlan', '"20"'],
  ['mtu as a string', () => iot({ mtu: '1500' }), 'mtu', '"1500"'],
  ['gateway as a number', () => iot({ gateway: 3221225985 }), 'gateway', '3221225985'],
  ['dhcpRange as a string', () => iot({ dhcpRange: '192.0.2.150-192.0.2.249' }), 'dhcpRange', '"192.0.2.150-192.0.2.249"'],
  ['dhcpRange without its end', () => iot({ dhcpRange: { start: '192.0.2.150' } }), 'dhcpRange.end', 'undefined'],
  ['reservedAddresses as one string', () => iot({ reservedAddresses: '192.0.2.2' }), 'reservedAddresses', '"192.0.2.2"'],
  ['reservedAddresses with a null', () => iot({ reservedAddresses: [null] }), 'reservedAddresses[0]', 'null'],
  ['routes with a null', () => iot({ routes: [null] }), 'routes[0]', 'null'],
  ['ipam as a plain object', () => iot({ ipam: { type: 'dhcp' } }), 'ipam', '{"type":"dhcp"}'],
  ['host-local options null', () => iot({ ipam: Ipam.hostLocal(null as any) }), 'ipam', 'null'],
  ['whereabouts exclude as a string', () => iot({ ipam: Ipam.whereabouts({ range: '192.0.2.0/25', exclude: '192.0.2.0/28' as any }) }), 'ipam.exclude', '"192.0.2.0/28"'],
  ['macCapability "true"', () => iot({ macCapability: 'true' }), 'macCapability', '"true"'],
  ['sourceBasedRouting 1', () => iot({ sourceBasedRouting: 1 }), 'sourceBasedRouting', '1'],
  ['claimAddress with a number', () => iot().claimAddress(3221225994 as any, 'home-assistant'), 'address', '3221225994'],
  ['claimAddress with a leading space', () => iot().claimAddress(' 192.0.2.10', 'home-assistant'), 'address', '" 192.0.2.10"'],
  ['NetworkRef.of() without arguments', () => (NetworkRef.of as any)(), 'network.name', 'undefined'],
  ['annotation props undefined', () => new (MultusPodAnnotation as any)(testChart('kube-system'), 'pod'), 'networks', 'undefined'],
  ['networks as one object', () => pod({ network: ref() }), 'networks', '{"network":{"networkName":"iot","networkNamespace":"kube-system"}}'],
  ['a selection that is null', () => pod([null]), 'networks[0]', 'null'],
  ['a network given by name', () => pod([{ network: 'iot' }]), 'networks[0].network', '"iot"'],
  ['a look-alike network whose name has a newline', () => pod([{ network: { networkName: 'iot\n', networkNamespace: 'kube-system' } }]), 'networks[0].network.networkName', '"iot\\n"'],
  ['ips as one string', () => pod([{ network: ref(), ips: '192.0.2.10' }]), 'networks[0].ips', '"192.0.2.10"'],
  ['an address as a number', () => pod([{ network: iot(), ips: [3221225994] }]), 'networks[0].ips[0]', '3221225994'],
  ['a MAC as a number', () => pod([{ network: ref(), mac: 0x02000000000a }]), 'networks[0].mac', '2199023255562'],
  ['a MAC with a trailing newline', () => pod([{ network: ref(), mac: '02:00:00:00:00:0a\n' }]), 'networks[0].mac', '"02:00:00:00:00:0a\\n"'],
  ['an interface of four emoji (16 bytes)', () => pod([{ network: ref(), interface: '😀😀😀😀' }]), 'networks[0].interface', '"😀😀😀😀"'],
  ['an interface with a tab', () => pod([{ network: ref(), interface: 'net\t1' }]), 'networks[0].interface', '"net\\t1"'],
  ['defaultRoute with a null', () => pod([{ network: ref(), defaultRoute: [null] }]), 'networks[0].defaultRoute[0]', 'null'],
  ['cni-args as a Map', () => pod([{ network: ref(), cniArgs: new Map([['a', 'b']]) }]), 'networks[0].cniArgs', '{}'],
  ['cni-args with a number value', () => pod([{ network: ref(), cniArgs: { vlan: 20 } }]), 'networks[0].cniArgs.vlan', '20'],
  ['applyTo a string', () => pod([{ network: ref() }]).applyTo('home-assistant' as any), 'target', '"home-assistant"'],
  ['app-template controller "__proto__"', () => pod([{ network: ref() }]).toAppTemplateValues('__proto__'), 'controller', '"__proto__"'],
  ['app-template controller null', () => pod([{ network: ref() }]).toAppTemplateValues(null as any), 'controller', 'null'],
  ['MultusInstall props null', () => new (MultusInstall as any)(testChart('kube-system'), 'multus', null), 'cniPaths', 'undefined'],
  ['CNI paths as a plain object', () => install({ cniPaths: { configDir: '/etc/cni/net.d', binDir: '/opt/cni/bin' } }), 'cniPaths', '{"configDir":"/etc/cni/net.d","binDir":"/opt/cni/bin"}'],
  ['image tag as a number', () => install({ image: { tag: 4.3 } }), 'image.tag', '4.3'],
  ['millicores as a string', () => install({ resources: { cpuRequest: '10' } }), 'resources.cpuRequest', '"10"'],
  ['memory as a bare number', () => install({ resources: { memoryLimit: 256 } }), 'resources.memoryLimit', '256'],
  ['a toleration that is null', () => install({ tolerations: [null] }), 'tolerations[0]', 'null'],
  ['values with no prototype', () => install({ values: Object.create(null) }), 'values', '{}'],
  ['cniVersion as a number', () => install({ cniVersion: 1 }), 'cniVersion', '1'],
  ['chart version as a number', () => MultusChart.angelnu({ version: 7 as any }), 'chart.version', '7'],
  ['chart version with a newline', () => MultusChart.angelnu({ version: '7.0.0\n' }), 'chart.version', '"7.0.0\\n"'],
  ['chart URL as a number', () => MultusChart.angelnu({ url: 443 as any }), 'chart.url', '443'],
  ['CNI dir null', () => CniPaths.custom(null as any, '/opt/cni/bin'), 'cniPaths.configDir', 'null'],
  ['CNI dir with a no-break space', () => CniPaths.custom('/etc/cni/net\u00a0d', '/opt/cni/bin'), 'cniPaths.configDir', '"/etc/cni/net\u00a0d"'],
  ['clean-up image as a number', () => new MultusNodeCleanup(testChart('kube-system'), 'cleanup', { cniPaths: CniPaths.K3S, image: 1 as any }), 'image', '1'],
  ['cluster path as a number', () => tree({ clusterPath: 5 }), 'clusterPath', '5'],
  ['FluxApp props null', () => new (FluxApp as any)(tree(), 'echo', null), 'namespace', 'undefined'],
  ['FluxApp outside a FluxTree', () => new FluxApp(testChart('kube-system') as any, 'echo', { namespace: 'default' }), 'scope', '"test"'],
  ['FluxKustomization outside a FluxApp', () => new FluxKustomization(testChart('kube-system') as any, 'app'), 'scope', '"test"'],
  ['dependsOn with a null', () => kustomization({ dependsOn: [null] }), 'dependsOn', 'null'],
  ['healthChecks with a plain object', () => kustomization({ healthChecks: [{ apiVersion: 'v1', kind: 'Pod', name: 'x' }] }), 'healthChecks', '{"apiVersion":"v1","kind":"Pod","name":"x"}'],
  ['prune "yes"', () => kustomization({ prune: 'yes' }), 'prune', '"yes"'],
  ['health check namespace null', () => FluxHealthCheck.of('v1', 'Pod', 'x', null as any), 'healthChecks.namespace', 'null'],
];

function iotWith(props: unknown): unknown {
  return new (IotNetwork as any)(testChart('kube-system'), 'iot', props);
}

describe('every construct refuses malformed and out-of-range values with a ValidationError', () => {
  test.each(MALFORMED)('%s', (_name, fn, field, shown) => {
    // GIVEN / WHEN a construct given a malformed or out-of-range value
    // THEN a ValidationError for its field, naming the value and what would be right
    expectRefusal(fn, field, shown);
  });
});

describe('JavaScript-level input is refused with a ValidationError, never a TypeError', () => {
  test.each(JS_LEVEL)('%s', (_name, fn, field, shown) => {
    // GIVEN / WHEN a construct given what only a JavaScript caller can pass
    // THEN a ValidationError for its field, naming the value and what would be right (no TypeError)
    expectRefusal(fn, field, shown);
  });
});

describe('a refusal leaves nothing half-made', () => {
  test('a pod refused before its claims (a multicast MAC on its third network) holds none of its addresses', () => {
    // GIVEN a network, and a pod with two free addresses on it and a multicast MAC on another network
    // (a refusal at claim time gives earlier claims back: see regressions.test.ts)
    const n = iot();
    const c = testChart('home-automation');
    const refused = thrown(() => new MultusPodAnnotation(c, 'home-assistant', { networks: [{ network: n, ips: ['192.0.2.10'] }, { network: n, interface: 'iot1', ips: ['192.0.2.11'] }, { network: ref(), mac: '01:00:00:00:00:01' }] }));
    expect(refused).toBeInstanceOf(ValidationError);
    // WHEN another pod claims the first pod's addresses
    const again = new MultusPodAnnotation(c, 'esphome', { networks: [{ network: n, ips: ['192.0.2.10'] }, { network: n, interface: 'iot1', ips: ['192.0.2.11'] }] });
    // THEN they are free
    expect(JSON.parse(again.value).map((e: any) => e.ips)).toEqual([['192.0.2.10/24'], ['192.0.2.11/24']]);
  });
});
