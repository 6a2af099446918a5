import { ApiObject, App, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus28 from 'cdk8s-plus-28';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import {
  CniPaths, FluxApp, FluxHealthCheck, FluxKustomization, FluxKustomizationRef, FluxTree, FluxTreeApp, IotNetwork, Ipam,
  MultusChart, MultusFluxApp, MultusInstall, MultusLogLevel, MultusNodeCleanup, MultusPodAnnotation, MultusTestPod, NetworkRef,
  TaintEffect, ValidationError,
} from '../../src';
import { IOT, expectRefusal, iot, install, testApp, testChart, thrown, tree, validationError } from '../helpers';

// Hostile input through the public API, one table per class of defect, each fixed by one
// mechanism: util/names (name kinds and their limits), util/strings (what YAML cannot carry),
// util/identity (one identity check over the app), util/props (unknown props), util/construct-id,
// the address plan and the MAC plan, the annotation's targets, the values guard, Flux dependsOn,
// and the tree's file-name mapper and writer (test/hostile/tree-files.test.ts).
//
// Each row: what the user does, the field the ValidationError must name, and the offending value
// as the message renders it (strings in JSON quotes, invisible characters as \uXXXX).

type Row = [string, () => unknown, string, string];

const ref = (name = 'iot', namespace = 'kube-system') => NetworkRef.of(name, namespace);
const containers = [{ image: 'nicolaka/netshoot:v0.14', securityContext: { ensureNonRoot: false } }];

/** A fresh app with a network chart in kube-system (the test LAN, `IOT`) and a pod chart. */
function world(extra: Record<string, unknown> = {}): { app: App; net: Chart; pods: Chart; iot: IotNetwork } {
  const app = testApp();
  const net = new Chart(app, 'net', { namespace: 'kube-system' });
  const pods = new Chart(app, 'pods', { namespace: 'home-automation' });
  return { app, net, pods, iot: new IotNetwork(net, 'iot', { ...IOT, ...extra } as any) };
}

/** What the app's synth refuses (the end-of-app checks), as a ValidationError. */
function synthError(app: App): ValidationError {
  return validationError(() => app.synthYaml());
}

/** THEN: the app synthesizes without a refusal. */
function expectSynthOk(app: App): void {
  expect(thrown(() => app.synthYaml())).toBeUndefined();
}

/** A raw Deployment with one replica, replaced with Recreate (one pod at any time), and an empty pod template. */
function rawDeployment(scope: Chart, id: string, spec: Record<string, unknown> = {}): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: id }, spec: { replicas: 1, strategy: { type: 'Recreate' }, template: { spec: {} }, ...spec } });
}

/** An app-template HelmRelease with controllers `main` and `sidecar`. */
function appTemplate(scope: Chart, values: Record<string, unknown> = {}): HelmRelease {
  return new HelmRelease(scope, 'home-assistant', {
    metadata: { name: 'home-assistant' },
    spec: {
      interval: '30m',
      chart: { spec: { chart: 'app-template', version: '4.1.2', sourceRef: { kind: 'HelmRepository' as any, name: 'bjw-s', namespace: 'flux-system' } } },
      values: { controllers: { main: { containers: { app: { image: { repository: 'ghcr.io/home-assistant/home-assistant', tag: '2025.1.0' } } } }, sidecar: { containers: {} } }, ...values },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Length limits and name kinds (util/names)

const LENGTHS: Row[] = [
  ['a Helm release name of 54 characters', () => install({ releaseName: 'm'.repeat(54) }), 'releaseName', `"${'m'.repeat(54)}"`],
  ['a MultusFluxApp release name of 60 characters', () => new MultusFluxApp(tree(), 'multus', { install: { cniPaths: CniPaths.K3S, releaseName: 'r'.repeat(60) } }), 'releaseName', `"${'r'.repeat(60)}"`],
  ['a Flux Kustomization name of 64 characters', () => new FluxKustomization(new FluxApp(tree(), 'echo', { namespace: 'default' }), 'app', { name: 'k'.repeat(64) }), 'name', `"${'k'.repeat(64)}"`],
  ['a Flux Kustomization name made of a 40-character app and a 30-character directory', () => new FluxKustomization(new FluxApp(tree(), 'a'.repeat(40), { namespace: 'default' }), 'd'.repeat(30)), 'name', `"${'a'.repeat(40)}-${'d'.repeat(30)}"`],
  ['a MultusFluxApp of 60 characters, whose networks Kustomization would be 69', () => new MultusFluxApp(tree(), 'm'.repeat(60), { install: { cniPaths: CniPaths.K3S } }), 'name', `"${'m'.repeat(60)}-networks"`],
  ['a Flux Kustomization name in capitals', () => new FluxKustomization(new FluxApp(tree(), 'echo', { namespace: 'default' }), 'app', { name: 'Echo' }), 'name', '"Echo"'],
];

describe('names: one check per kind of name, with its limit', () => {
  test.each(LENGTHS)('refuses %s', (_name, fn, field, shown) => expectRefusal(fn, field, shown));

  test.each([
    ['a Helm release name of exactly 53 characters', () => install({ releaseName: 'm'.repeat(53) }).releaseName, 'm'.repeat(53)],
    ['a Flux Kustomization name of exactly 63 characters', () => new FluxKustomization(new FluxApp(tree(), 'echo', { namespace: 'default' }), 'app', { name: 'k'.repeat(63) }).kustomizationName, 'k'.repeat(63)],
    ['a dotted Flux Kustomization name', () => new FluxKustomization(new FluxApp(tree(), 'echo', { namespace: 'default' }), 'app', { name: 'echo.app' }).kustomizationName, 'echo.app'],
    ['a derived name of 63 characters', () => new FluxKustomization(new FluxApp(tree(), 'a'.repeat(40), { namespace: 'default' }), 'd'.repeat(22)).kustomizationName, `${'a'.repeat(40)}-${'d'.repeat(22)}`],
  ])('accepts %s', (_name, fn, expected) => {
    // WHEN / THEN
    expect(fn()).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Strings that reach YAML (util/strings): every free-form string field against every character
// YAML cannot carry unchanged.

const HOSTILE_CHARACTERS: Array<[string, string, string]> = [
  // [name, character, how the message shows it]
  ['U+2028 LINE SEPARATOR', '\u2028', '\\u2028'],
  ['U+2029 PARAGRAPH SEPARATOR', '\u2029', '\\u2029'],
  ['U+0085 NEXT LINE', '\u0085', '\\u0085'],
  ['DEL', '\u007f', '\\u007f'],
  ['a C1 control (U+009B, CSI)', '\u009b', '\\u009b'],
  ['a byte order mark', '\ufeff', '\\ufeff'],
  ['a right-to-left override', '\u202e', '\\u202e'],
  ['a lone surrogate', '\ud800', '\\ud800'],
];

/** Every free-form string field: how to put `text` into it, and the field the refusal names. */
const STRING_FIELDS: Array<[string, (text: string) => unknown, string]> = [
  ['a cni-args value', (t) => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: ref(), cniArgs: { vlan: `20${t}` } }] }), 'networks[0].cniArgs.vlan'],
  ['a cni-args key', (t) => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: ref(), cniArgs: { [`vl${t}an`]: '20' } }] }), 'networks[0].cniArgs'],
  ['an interface name', (t) => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: ref(), interface: `iot${t}` }] }), 'networks[0].interface'],
  ['a master interface', (t) => iot({ master: `eth${t}0` }), 'master'],
  ['a CNI configuration directory', (t) => CniPaths.custom(`/opt/cni${t}net.d`, '/opt/cni/bin'), 'cniPaths.configDir'],
  ['a CNI plugin directory', (t) => CniPaths.custom('/etc/cni/net.d', `/opt/cni${t}bin`), 'cniPaths.binDir'],
  ['a chart URL', (t) => MultusChart.angelnu({ url: `https://angelnu.github.io/helm${t}-charts` }), 'chart.url'],
  ['a Helm repository URL', (t) => tree().addHelmRepository('bjw-s', `https://bjw-s-labs.github.io/helm${t}-charts`), 'helmRepository.url'],
  ['a chart value', (t) => install({ values: { cni: { logFile: `/var/log/multus${t}.log` } } }), 'values.cni.logFile'],
  ['a chart values key', (t) => install().addValues({ [`podLabels${t}`]: 'x' }), 'values.podLabels' /* + the character */],
];

describe('strings that reach YAML: refused, naming the field', () => {
  const rows = STRING_FIELDS.flatMap(([field, put, name]) => HOSTILE_CHARACTERS
    // The URL parser refuses some of these itself; every other field must refuse them all.
    .map(([what, char, shown]): [string, string, () => unknown, string, string] => [field, what, () => put(char), name, shown]));

  test.each(rows)('%s with %s', (_field, _what, fn, field, shown) => {
    // WHEN the string carries the character
    const e = validationError(fn);
    // THEN the refusal names the field (the key, for a key) and shows the character escaped
    expect(e.field.startsWith(field)).toBe(true);
    expect(e.value).toContain(shown);
    expect(e.message).not.toMatch(/[\u2028\u2029\u0085\u007f\u009b\ufeff\u202e]/);
  });

  test.each([
    ['umlauts and emoji in a cni-args value', () => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: ref(), cniArgs: { room: 'Küche 🏠' } }] }).value, '"room":"Küche 🏠"'],
    ['a multi-line chart value (a config file)', () => JSON.stringify(install({ values: { configs: { 'a.conf': 'line 1\n\tline 2\n' } } }).values.configs), '"line 1\\n\\tline 2\\n"'],
    ['a no-break space in a cni-args value', () => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: ref(), cniArgs: { note: 'a\u00a0b' } }] }).value, 'a\u00a0b'],
  ])('accepts %s', (_name, fn, expected) => {
    expect(fn()).toContain(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Addresses, routes, MACs and interfaces

const v6 = { gateway: undefined, dhcpRange: undefined, reservedAddresses: undefined, macCapability: undefined };

const ADDRESSES: Row[] = [
  ['an IPv4-mapped IPv6 subnet', () => iot({ ...v6, subnet: '::ffff:0:0/96' }), 'subnet', '"::ffff:0:0/96"'],
  ['an IPv4-mapped IPv6 subnet in dotted form', () => iot({ ...v6, subnet: '::ffff:192.0.2.0/120' }), 'subnet', '"::ffff:192.0.2.0/120"'],
  ['an IPv4-mapped address on a NetworkRef', () => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: ref(), ips: ['::ffff:192.0.2.10/120'] }] }), 'networks[0].ips[0]', '"::ffff:192.0.2.10/120"'],
  ['an IPv4-mapped default-route gateway on a NetworkRef', () => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: ref(), defaultRoute: ['::ffff:192.0.2.1'] }] }), 'networks[0].defaultRoute[0]', '"::ffff:192.0.2.1"'],
  ['an IPv4-mapped route destination', () => iot({ ...v6, subnet: '2001:db8::/64', routes: [{ destination: '::ffff:198.51.100.0/120' }] }), 'routes[0].destination', '"::ffff:198.51.100.0/120"'],
  ['a host-local range across ::ffff:0:0/96', () => iot({ ...v6, subnet: '::/64', ipam: Ipam.hostLocal({ rangeStart: '::1:0:0:1', rangeEnd: '::1:0:0:0' }) }), 'ipam.rangeEnd', '"::1:0:0:0"'],
  ['a host-local range holding IPv4-mapped addresses', () => iot({ ...v6, subnet: '::/64', ipam: Ipam.hostLocal({ rangeStart: '::fffe:0:1', rangeEnd: '::1:0:0:1' }) }), 'ipam.rangeStart', '"::fffe:0:1-::1:0:0:1"'],
  ['a whereabouts range holding IPv4-mapped addresses', () => iot({ ...v6, subnet: '::/64', ipam: Ipam.whereabouts({ range: '::/80' }) }), 'ipam.range', '"::/80"'],
  ['subnet 0.0.0.0/0', () => iot({ subnet: '0.0.0.0/0', gateway: undefined, dhcpRange: undefined, reservedAddresses: undefined }), 'subnet', '"0.0.0.0/0"'],
  ['subnet ::/0', () => iot({ ...v6, subnet: '::/0' }), 'subnet', '"::/0"'],
  ['the same route twice', () => iot({ routes: [{ destination: '198.51.100.0/24' }, { destination: '198.51.100.0/24' }] }), 'routes[1].destination', '"198.51.100.0/24"'],
  ['one destination through two next hops', () => iot({ routes: [{ destination: '198.51.100.0/24', gateway: '192.0.2.1' }, { destination: '198.51.100.0/24', gateway: '192.0.2.3' }] }), 'routes[1].destination', '"198.51.100.0/24"'],
  ['one IPv6 destination in two spellings', () => iot({ ...v6, subnet: '2001:db8::/64', routes: [{ destination: '2001:db8:30::/64', gateway: '2001:db8::1' }, { destination: '2001:DB8:30:0::/64', gateway: '2001:db8::1' }] }), 'routes[1].destination', '"2001:DB8:30:0::/64"'],
  ['two default routes', () => iot({ routes: [{ destination: '0.0.0.0/0' }, { destination: '0.0.0.0/0', gateway: '192.0.2.3' }] }), 'routes[1].destination', '"0.0.0.0/0"'],
  ['a route to the network\'s own subnet', () => iot({ routes: [{ destination: '192.0.2.0/24' }] }), 'routes[0].destination', '"192.0.2.0/24"'],
  ['master "eth0.20" with vlan 20', () => iot({ master: 'eth0.20', vlan: 20 }), 'master', '"eth0.20"'],
  ['master "eth0.20" with vlan 30', () => iot({ master: 'eth0.20', vlan: 30 }), 'master', '"eth0.20"'],
  ['interface "net%d"', () => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: ref(), interface: 'net%d' }] }), 'networks[0].interface', '"net%d"'],
  ['interface "%s"', () => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: ref(), interface: '%s' }] }), 'networks[0].interface', '"%s"'],
  ['interface "all"', () => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: ref(), interface: 'all' }] }), 'networks[0].interface', '"all"'],
  ['interface "default"', () => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: ref(), interface: 'default' }] }), 'networks[0].interface', '"default"'],
  ['master "all"', () => iot({ master: 'all' }), 'master', '"all"'],
  ['master "eth%d"', () => iot({ master: 'eth%d' }), 'master', '"eth%d"'],
];

describe('addresses, routes, MACs and interfaces', () => {
  test.each(ADDRESSES)('refuses %s', (_name, fn, field, shown) => expectRefusal(fn, field, shown));

  test('one MAC pinned for two pods on one IotNetwork is refused, naming both', () => {
    // GIVEN a pod with a pinned MAC
    const w = world();
    new MultusPodAnnotation(w.pods, 'home-assistant', { networks: [{ network: w.iot, ips: ['192.0.2.10'], mac: '02:42:c0:00:02:0a' }] });
    // WHEN another pod pins it, in another spelling
    const e = validationError(() => new MultusPodAnnotation(w.pods, 'esphome', { networks: [{ network: w.iot, ips: ['192.0.2.11'], mac: '02-42-C0-00-02-0A' }] }));
    // THEN
    expect([e.field, e.value]).toEqual(['networks[0].mac', '"02:42:c0:00:02:0a"']);
    expect(e.message).toContain('pods/home-assistant networks[0].mac');
    expect(e.message).toContain('pods/esphome networks[0].mac');
  });

  test('one MAC twice in one pod on one network is refused (two macvlan children of one master)', () => {
    const e = validationError(() => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [
      { network: ref(), mac: '02:00:00:00:00:01' }, { network: ref(), interface: 'iot1', mac: '02:00:00:00:00:01' },
    ] }));
    expect([e.field, e.value]).toEqual(['networks[1].mac', '"02:00:00:00:00:01"']);
  });

  test('a pod refused for its MAC holds none of its addresses', () => {
    // GIVEN a pod holding a MAC
    const w = world();
    new MultusPodAnnotation(w.pods, 'a', { networks: [{ network: w.iot, ips: ['192.0.2.10'], mac: '02:00:00:00:00:01' }] });
    // WHEN a second pod asks for a free address and the same MAC
    expect(thrown(() => new MultusPodAnnotation(w.pods, 'b', { networks: [{ network: w.iot, ips: ['192.0.2.11'], mac: '02:00:00:00:00:01' }] }))).toBeInstanceOf(ValidationError);
    // THEN its address is still free
    expect(w.iot.claimAddress('192.0.2.11', 'c')).toBe('192.0.2.11/24');
  });

  test.each([
    ['one MAC on two networks of one pod', () => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [
      { network: ref(), mac: '02:00:00:00:00:01' }, { network: ref('lan'), interface: 'lan0', mac: '02:00:00:00:00:01' },
    ] }).value],
    ['one MAC for two pods on a NetworkRef (checked for form only, as its addresses are)', () => {
      const c = testChart('default');
      new MultusPodAnnotation(c, 'a', { networks: [{ network: ref(), mac: '02:00:00:00:00:01' }] });
      return new MultusPodAnnotation(c, 'b', { networks: [{ network: ref(), mac: '02:00:00:00:00:01' }] }).value;
    }],
    ['a gateway inside the DHCP pool (routers do not lease their own address)', () => iot({ gateway: '192.0.2.150' }).gateway],
    ['an IPv6 LAN that merely contains ::ffff:0:0/96', () => iot({ ...v6, subnet: '::/64' }).subnet],
    ['master "eth0" with vlan 20', () => iot({ master: 'eth0', vlan: 20 }).master],
    ['master "eth0.20" without vlan', () => iot({ master: 'eth0.20' }).master],
    ['a route to a subnet that contains the network\'s own', () => iot({ routes: [{ destination: '192.0.0.0/16' }] }).cniConfig.ipam.routes[0].dst],
  ])('accepts %s', (_name, fn) => {
    expect(fn()).toBeDefined();
  });

  test('with the gateway inside the DHCP pool no pod may claim it, and whereabouts leaves it out', () => {
    // GIVEN the router at .150, inside its own pool .150-.249
    const network = iot({ gateway: '192.0.2.150', ipam: Ipam.whereabouts({ range: '192.0.2.0/24' }) });
    // THEN the gateway is excluded (and the pool), and no pod can hold it
    expect(network.cniConfig.ipam.exclude).toContain('192.0.2.150/32');
    expect(network.cniConfig.ipam.gateway).toBe('192.0.2.150');
  });
});

// ---------------------------------------------------------------------------------------------
// Duplicates: one identity check over the app (util/identity), and one network per NAD

describe('duplicates: no two objects of one group, kind, namespace and name', () => {
  test('two IotNetworks with one NAD name in one namespace are refused when the second is made', () => {
    // GIVEN a network iot in kube-system
    const w = world();
    // WHEN another chart defines the same NAD
    const e = validationError(() => new IotNetwork(new Chart(w.app, 'other', { namespace: 'kube-system' }), 'iot', { subnet: '198.51.100.0/24' }));
    // THEN the second is refused, naming the first
    expect([e.field, e.value, e.constructPath]).toEqual(['name', '"iot"', 'other/iot']);
    expect(e.message).toContain('net/iot');
  });

  test('a second IotNetwork of that name by its name prop is refused too', () => {
    const w = world();
    expectRefusal(() => new IotNetwork(w.net, 'iot-again', { subnet: '198.51.100.0/24', name: 'iot' }), 'name', '"iot"');
  });

  test.each([
    ['another namespace', (w: ReturnType<typeof world>) => new IotNetwork(new Chart(w.app, 'lan', { namespace: 'home-automation' }), 'iot', { subnet: '198.51.100.0/24' })],
    ['another name', (w: ReturnType<typeof world>) => new IotNetwork(w.net, 'iot-2', { subnet: '198.51.100.0/24' })],
  ])('a network of the same subnet in %s is accepted', (_name, fn) => {
    const w = world();
    expect(fn(w)).toBeInstanceOf(IotNetwork);
    expectSynthOk(w.app);
  });

  test('two trees of one app (two clusters) may each hold the same network', () => {
    // GIVEN two clusters
    const app = new FluxTreeApp({ outdir: 'never-written' });
    for (const cluster of ['a', 'b']) {
      const multus = new MultusFluxApp(new FluxTree(app, cluster, { clusterPath: `clusters/${cluster}` }), 'multus', { install: { cniPaths: CniPaths.K3S } });
      new IotNetwork(multus.networks, 'iot', { subnet: '192.0.2.0/24' });
    }
    // THEN both trees render
    expect(app.node.findAll().filter((c) => c instanceof IotNetwork)).toHaveLength(2);
  });

  const SYNTH: Array<[string, (app: App) => void, string, string, string]> = [
    ['two MultusInstalls with one release name', (app) => {
      new MultusInstall(new Chart(app, 'a', { namespace: 'kube-system' }), 'multus', { cniPaths: CniPaths.K3S, chart: MultusChart.angelnu({ existingRepository: true }) });
      new MultusInstall(new Chart(app, 'b', { namespace: 'kube-system' }), 'multus', { cniPaths: CniPaths.K3S, chart: MultusChart.angelnu({ existingRepository: true }) });
    }, '"multus"', 'b/multus/Resource', 'a/multus/Resource'],
    ['two MultusNodeCleanups with their default names', (app) => {
      new MultusNodeCleanup(new Chart(app, 'a', { namespace: 'kube-system' }), 'cleanup', { cniPaths: CniPaths.K3S });
      new MultusNodeCleanup(new Chart(app, 'b', { namespace: 'kube-system' }), 'cleanup', { cniPaths: CniPaths.STANDARD });
    }, '"multus-node-cleanup"', 'b/cleanup/Resource', 'a/cleanup/Resource'],
    ['two MultusTestPods with their default names', (app) => {
      new MultusTestPod(new Chart(app, 'a', { namespace: 'default' }), 'test', { network: NetworkRef.of('iot', 'kube-system') });
      new MultusTestPod(new Chart(app, 'b', { namespace: 'default' }), 'test', { network: NetworkRef.of('lan', 'kube-system') });
    }, '"multus-test"', 'b/test/Resource', 'a/test/Resource'],
    ['a namespaced object without a namespace and one in "default"', (app) => {
      new ApiObject(new Chart(app, 'a'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
      new ApiObject(new Chart(app, 'b', { namespace: 'default' }), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
      new MultusPodAnnotation(new Chart(app, 'c'), 'pod', { networks: [{ network: NetworkRef.of('iot', 'kube-system') }] }).toAnnotations();
    }, '"settings"', 'b/cm', 'a/cm'],
    ['a cluster-scoped kind in two namespaced charts', (app) => {
      new ApiObject(new Chart(app, 'a', { namespace: 'x' }), 'role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'multus' } });
      new ApiObject(new Chart(app, 'b', { namespace: 'y' }), 'role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'multus' } });
      new MultusPodAnnotation(new Chart(app, 'c'), 'pod', { networks: [{ network: NetworkRef.of('iot', 'kube-system') }] }).toAnnotations();
    }, '"multus"', 'b/role', 'a/role'],
    ['a kind the app\'s own CRD makes cluster-scoped, in two namespaces', (app) => {
      const c = new Chart(app, 'crds');
      new ApiObject(c, 'crd', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'pools.example.com' }, spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'Pool', plural: 'pools' }, versions: [] } });
      new ApiObject(new Chart(app, 'a', { namespace: 'x' }), 'pool', { apiVersion: 'example.com/v1', kind: 'Pool', metadata: { name: 'iot' } });
      new ApiObject(new Chart(app, 'b', { namespace: 'y' }), 'pool', { apiVersion: 'example.com/v1', kind: 'Pool', metadata: { name: 'iot' } });
      new MultusPodAnnotation(c, 'pod', { networks: [{ network: NetworkRef.of('iot', 'kube-system') }] }).toAnnotations();
    }, '"iot"', 'b/pool', 'a/pool'],
    ['one object in two API versions of its group', (app) => {
      new ApiObject(new Chart(app, 'a', { namespace: 'x' }), 'hpa', { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'ha' } });
      new ApiObject(new Chart(app, 'b', { namespace: 'x' }), 'hpa', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'ha' } });
      new MultusPodAnnotation(new Chart(app, 'c'), 'pod', { networks: [{ network: NetworkRef.of('iot', 'kube-system') }] }).toAnnotations();
    }, '"ha"', 'b/hpa', 'a/hpa'],
  ];

  test.each(SYNTH)('%s is refused at synth, naming both construct paths', (_name, build, shown, second, first) => {
    // GIVEN
    const app = testApp();
    build(app);
    // WHEN
    const e = synthError(app);
    // THEN
    expect([e.field, e.value, e.constructPath]).toEqual(['metadata.name', shown, second]);
    expect(e.message).toContain(first);
  });

  test('two MultusFluxApps of one tree with one release name are refused', () => {
    // GIVEN two apps in kube-system that both install release "multus"
    const r = tree();
    new MultusFluxApp(r, 'multus', { install: { cniPaths: CniPaths.K3S } });
    new MultusFluxApp(r, 'multus-2', { install: { cniPaths: CniPaths.K3S, chart: MultusChart.angelnu({ existingRepository: true }) } });
    // WHEN / THEN
    const e = validationError(() => r.files());
    expect([e.field, e.value]).toEqual(['metadata.name', '"multus"']);
    expect(e.message).toContain('HelmRelease kube-system/multus');
  });

  test('one object in two trees (two clusters) is accepted', () => {
    const app = new FluxTreeApp({ outdir: 'never-written' });
    const trees = ['a', 'b'].map((c) => new FluxTree(app, c, { clusterPath: `clusters/${c}` }));
    for (const t of trees) new MultusFluxApp(t, 'multus', { install: { cniPaths: CniPaths.K3S } });
    expect(trees.map((t) => t.files().length)).toEqual([trees[0].files().length, trees[0].files().length]);
  });

  test('two installs from one HelmRepository declare it twice identically: one file, no refusal', () => {
    const r = tree();
    new MultusFluxApp(r, 'multus', { install: { cniPaths: CniPaths.K3S } });
    new MultusFluxApp(r, 'multus-lab', { namespace: 'multus-lab', install: { cniPaths: CniPaths.K3S } });
    expect(r.files().filter((f) => f.path.endsWith('/helm/angelnu.yaml'))).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Construct ids (util/construct-id) and the tree's own children

const IDS: Row[] = [
  ['two IotNetworks with one id', () => { const c = testChart('kube-system'); new IotNetwork(c, 'iot', { subnet: '192.0.2.0/24' }); new IotNetwork(c, 'iot', { subnet: '198.51.100.0/24', name: 'lan' }); }, 'id', '"iot"'],
  ['two MultusInstalls with one id', () => { const c = testChart('kube-system'); new MultusInstall(c, 'multus', { cniPaths: CniPaths.K3S }); new MultusInstall(c, 'multus', { cniPaths: CniPaths.K3S, releaseName: 'multus-2' }); }, 'id', '"multus"'],
  ['two annotations with one id', () => { const c = testChart('default'); new MultusPodAnnotation(c, 'pod', { networks: [{ network: ref() }] }); new MultusPodAnnotation(c, 'pod', { networks: [{ network: ref('lan') }] }); }, 'id', '"pod"'],
  ['two test pods with one id', () => { const c = testChart('default'); new MultusTestPod(c, 'test', { network: ref() }); new MultusTestPod(c, 'test', { network: ref(), name: 'test-2' }); }, 'id', '"test"'],
  ['two clean-ups with one id', () => { const c = testChart('kube-system'); new MultusNodeCleanup(c, 'cleanup', { cniPaths: CniPaths.K3S }); new MultusNodeCleanup(c, 'cleanup', { cniPaths: CniPaths.K3S, name: 'cleanup-2' }); }, 'id', '"cleanup"'],
  ['two trees with one id', () => { const app = testApp(); new FluxTree(app, 'cluster'); new FluxTree(app, 'cluster', { clusterPath: 'kubernetes/lab' }); }, 'id', '"cluster"'],
  ['two apps with one id', () => { const r = tree(); new FluxApp(r, 'echo', { namespace: 'default' }); new FluxApp(r, 'echo', { namespace: 'other' }); }, 'id', '"echo"'],
  ['two Kustomizations with one id', () => { const a = new FluxApp(tree(), 'echo', { namespace: 'default' }); new FluxKustomization(a, 'app'); new FluxKustomization(a, 'app', { directory: 'other' }); }, 'id', '"app"'],
  ['ids that constructs store alike ("a/b" and "a--b")', () => { const c = testChart('kube-system'); new IotNetwork(c, 'a--b', { subnet: '192.0.2.0/24', name: 'a' }); new IotNetwork(c, 'a/b', { subnet: '198.51.100.0/24', name: 'b' }); }, 'id', '"a/b"'],
  ['an app with the id of the tree\'s HelmRepositories', () => new FluxApp(tree(), 'Sources', { namespace: 'default', name: 'sources' }), 'id', '"Sources"'],
  ['an app with the id of the tree\'s Namespaces', () => new FluxApp(tree(), 'Namespaces', { namespace: 'default', name: 'namespaces' }), 'id', '"Namespaces"'],
  ['a MultusFluxApp with the id "Sources", after a HelmRepository', () => { const r = tree(); r.addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts'); new MultusFluxApp(r, 'Sources', { name: 'multus', install: { cniPaths: CniPaths.K3S } }); }, 'id', '"Sources"'],
  ['a HelmRepository after a chart took the id "Sources"', () => { const r = tree(); new Chart(r, 'Sources'); r.addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts'); }, 'id', '"Sources"'],
  ['a Namespace after a chart took the id "Namespaces"', () => { const r = tree(); new Chart(r, 'Namespaces'); r.addNamespace('home-automation'); }, 'id', '"Namespaces"'],
  ['a HelmRepository added twice with two URLs', () => { const r = tree(); r.addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts'); r.addHelmRepository('bjw-s', 'oci://ghcr.io/bjw-s-labs/helm'); }, 'helmRepository.url', '"oci://ghcr.io/bjw-s-labs/helm"'],
  ['a HelmRepository added twice with two intervals', () => { const r = tree(); r.addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts'); r.addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts', { interval: Duration.hours(1) }); }, 'helmRepository.interval', '"1h"'],
  ['a construct id that is a number', () => new IotNetwork(testChart('kube-system'), 5 as any, { subnet: '192.0.2.0/24', name: 'iot' }), 'id', '5'],
];

describe('construct ids: a ValidationError, never the constructs library\'s plain Error', () => {
  test.each(IDS)('refuses %s', (_name, fn, field, shown) => expectRefusal(fn, field, shown));

  test('a HelmRepository added twice with one URL is one repository, written once', () => {
    // GIVEN two apps that both need bjw-s
    const r = tree();
    const first = r.addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts');
    // WHEN it is added again
    const second = r.addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts', { interval: Duration.hours(2) });
    // THEN it is the same object, and the tree has one file for it
    expect(second).toBe(first);
    expect(r.files().map((f) => f.path).filter((p) => p.includes('/helm/'))).toEqual([
      'kubernetes/main/flux/repositories/helm/bjw-s.yaml', 'kubernetes/main/flux/repositories/helm/kustomization.yaml',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Annotations: one per pod, never on host-network pods, static IPAM needs ips, single pods stay single

describe('annotations', () => {
  const staticAnn = (w: ReturnType<typeof world>, id: string, address: string) => new MultusPodAnnotation(w.pods, id, { networks: [{ network: w.iot, ips: [address] }] });

  const TARGETS: Row[] = [
    ['a second annotation on one raw Deployment', () => {
      const w = world();
      const d = rawDeployment(w.pods, 'ha');
      staticAnn(w, 'first', '192.0.2.10').applyTo(d);
      staticAnn(w, 'second', '192.0.2.11').applyTo(d);
    }, 'target', '"pods/ha"'],
    ['a second annotation on a raw Deployment through its wrapper construct', () => {
      const w = world();
      const holder = new Chart(w.pods, 'holder');
      rawDeployment(holder, 'Resource');
      new MultusPodAnnotation(w.pods, 'first', { networks: [{ network: ref('lan') }] }).applyTo(holder.node.defaultChild as ApiObject);
      new MultusPodAnnotation(w.pods, 'second', { networks: [{ network: ref('other') }] }).applyTo(holder);
    }, 'target', '"pods/holder"'],
    ['a second annotation on one controller of a HelmRelease', () => {
      const w = world();
      const release = appTemplate(w.pods);
      staticAnn(w, 'first', '192.0.2.10').applyToHelmRelease(release, 'main');
      staticAnn(w, 'second', '192.0.2.11').applyToHelmRelease(release, 'main');
    }, 'target', '"pods/home-assistant"'],
    ['a cdk8s-plus Deployment with hostNetwork', () => {
      const w = world();
      staticAnn(w, 'a', '192.0.2.10').applyTo(new kplus28.Deployment(w.pods, 'ha', { replicas: 1, containers, hostNetwork: true }));
    }, 'target', '"pods/ha"'],
    ['a raw Pod with hostNetwork', () => {
      const w = world();
      staticAnn(w, 'a', '192.0.2.10').applyTo(new ApiObject(w.pods, 'p', { apiVersion: 'v1', kind: 'Pod', spec: { hostNetwork: true } }));
    }, 'target', '"pods/p"'],
    ['a raw Deployment whose pod template has hostNetwork', () => {
      const w = world();
      new MultusPodAnnotation(w.pods, 'a', { networks: [{ network: ref('lan') }] }).applyTo(rawDeployment(w.pods, 'd', { template: { spec: { hostNetwork: true } } }));
    }, 'target', '"pods/d"'],
    ['a MultusNodeCleanup (host network by design)', () => {
      const w = world();
      new MultusPodAnnotation(w.pods, 'a', { networks: [{ network: ref('lan') }] }).applyTo(new MultusNodeCleanup(w.pods, 'cleanup', { cniPaths: CniPaths.K3S }));
    }, 'target', '"pods/cleanup"'],
    ['an app-template controller with pod.hostNetwork', () => {
      const w = world();
      const release = appTemplate(w.pods, { controllers: { main: { pod: { hostNetwork: true }, containers: {} } } });
      staticAnn(w, 'a', '192.0.2.10').applyToHelmRelease(release, 'main');
    }, 'target', '"pods/home-assistant"'],
    ['an app-template release with defaultPodOptions.hostNetwork', () => {
      const w = world();
      const release = appTemplate(w.pods, { defaultPodOptions: { hostNetwork: true } });
      staticAnn(w, 'a', '192.0.2.10').applyToHelmRelease(release, 'main');
    }, 'target', '"pods/home-assistant"'],
    ['a pod on a static-IPAM network without ips', () => { const w = world(); new MultusPodAnnotation(w.pods, 'a', { networks: [{ network: w.iot }] }); }, 'networks[0].ips', 'undefined'],
    ['a pod on a static-IPAM network with only a MAC', () => { const w = world(); new MultusPodAnnotation(w.pods, 'a', { networks: [{ network: w.iot, mac: '02:00:00:00:00:01' }] }); }, 'networks[0].ips', 'undefined'],
    ['a second network on static IPAM without ips', () => { const w = world(); new MultusPodAnnotation(w.pods, 'a', { networks: [{ network: ref('lan') }, { network: w.iot, interface: 'iot0' }] }); }, 'networks[1].ips', 'undefined'],
  ];
  test.each(TARGETS)('refuses %s', (_name, fn, field, shown) => expectRefusal(fn, field, shown));

  test.each([
    ['the same annotation twice on one target', (w: ReturnType<typeof world>) => { const a = staticAnn(w, 'a', '192.0.2.10'); const d = rawDeployment(w.pods, 'd'); a.applyTo(d); a.applyTo(d); }],
    ['the same annotation on a wrapper construct and then its ApiObject', (w: ReturnType<typeof world>) => {
      const a = staticAnn(w, 'a', '192.0.2.10');
      const holder = new Chart(w.pods, 'holder');
      rawDeployment(holder, 'Resource');
      a.applyTo(holder);
      a.applyTo(holder.node.defaultChild!);
    }],
    ['two annotations on two controllers of one release', (w: ReturnType<typeof world>) => { const r = appTemplate(w.pods); staticAnn(w, 'a', '192.0.2.10').applyToHelmRelease(r, 'main'); staticAnn(w, 'b', '192.0.2.11').applyToHelmRelease(r, 'sidecar'); }],
    ['an app-template controller that turns defaultPodOptions.hostNetwork off', (w: ReturnType<typeof world>) => { const r = appTemplate(w.pods, { defaultPodOptions: { hostNetwork: true }, controllers: { main: { pod: { hostNetwork: false }, containers: {} } } }); staticAnn(w, 'a', '192.0.2.10').applyToHelmRelease(r, 'main'); }],
  ])('accepts %s', (_name, build) => {
    const w = world();
    build(w);
    expectSynthOk(w.app);
  });

  // A pod that can run twice is the rulebook's static-ip-rollout, judged on the synthesized workload.
  const ROLLOUT_FIELD = 'spec.template.metadata.annotations["k8s.v1.cni.cncf.io/networks"]';
  const LATE: Array<[string, (w: ReturnType<typeof world>) => void, string, string]> = [
    ['an autoscaler added after applyTo (cdk8s-plus)', (w) => {
      const d = new kplus28.Deployment(w.pods, 'ha', { replicas: 1, containers: [{ ...containers[0], resources: { cpu: { request: kplus28.Cpu.millis(100) } } }] });
      staticAnn(w, 'a', '192.0.2.10').applyTo(d);
      new kplus28.HorizontalPodAutoscaler(w.pods, 'hpa', { target: d, maxReplicas: 3 });
    }, ROLLOUT_FIELD, '"192.0.2.10"'],
    ['a raw HorizontalPodAutoscaler added after applyTo', (w) => {
      staticAnn(w, 'a', '192.0.2.10').applyTo(rawDeployment(w.pods, 'ha'));
      new ApiObject(w.pods, 'hpa', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'ha' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ha' }, maxReplicas: 3 } });
    }, ROLLOUT_FIELD, '"192.0.2.10"'],
    ['replicas patched in after applyTo', (w) => {
      const d = rawDeployment(w.pods, 'ha');
      staticAnn(w, 'a', '192.0.2.10').applyTo(d);
      d.addJsonPatch(JsonPatch.replace('/spec/replicas', 3));
    }, ROLLOUT_FIELD, '"192.0.2.10"'],
    ['app-template replicas raised after applyToHelmRelease', (w) => {
      const r = appTemplate(w.pods);
      staticAnn(w, 'a', '192.0.2.10').applyToHelmRelease(r, 'main');
      r.addJsonPatch(JsonPatch.add('/spec/values/controllers/main/replicas', 2));
    }, 'spec.values.controllers.main.pod.annotations["k8s.v1.cni.cncf.io/networks"]', '"192.0.2.10"'],
    ['hostNetwork patched in after applyTo', (w) => {
      const d = rawDeployment(w.pods, 'ha');
      new MultusPodAnnotation(w.pods, 'a', { networks: [{ network: ref('lan') }] }).applyTo(d);
      d.addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', true));
    }, 'spec.template.spec.hostNetwork', 'true'],
    ['an annotation value written by hand on a host-network Pod', (w) => {
      const a = new MultusPodAnnotation(w.pods, 'a', { networks: [{ network: ref('lan') }] });
      new ApiObject(w.pods, 'p', { apiVersion: 'v1', kind: 'Pod', metadata: { annotations: a.toAnnotations() }, spec: { hostNetwork: true } });
    }, 'spec.hostNetwork', 'true'],
  ];
  test.each(LATE)('refuses at synth %s', (_name, build, field, shown) => {
    // GIVEN an app whose pod changes after the annotation was applied
    const w = world();
    build(w);
    // WHEN / THEN the synthesized manifests are checked
    const e = synthError(w.app);
    expect([e.field, e.value]).toEqual([field, shown]);
  });

  test('a never-applied annotation under a FluxTreeApp without any tree is reported with the missing tree', () => {
    // GIVEN an app with no FluxTree and an annotation that reaches no pod
    const app = new FluxTreeApp({ outdir: 'never-written' });
    new MultusPodAnnotation(app, 'pod', { networks: [{ network: ref() }] });
    // WHEN / THEN both problems are reported
    const e = validationError(() => app.synth());
    expect(e.problems.map((p) => p.problem)).toEqual(['has no FluxTree', 'never reaches a pod']);
  });
});

// ---------------------------------------------------------------------------------------------
// Values (the values guard)

const VALUES: Row[] = [
  ['controllers: null', () => install({ values: { controllers: null } }), 'values.controllers', 'null'],
  ['the daemon controller: null', () => install({ values: { controllers: { multus: null } } }), 'values.controllers.multus', 'null'],
  ['containers: null', () => install({ values: { controllers: { multus: { containers: null } } } }), 'values.controllers.multus.containers', 'null'],
  ['the daemon container: null', () => install({ values: { controllers: { multus: { containers: { multus: null } } } } }), 'values.controllers.multus.containers.multus', 'null'],
  ['resources: null', () => install({ values: { controllers: { multus: { containers: { multus: { resources: null } } } } } }), 'values.controllers.multus.containers.multus.resources', 'null'],
  ['the memory limit: null', () => install({ values: { controllers: { multus: { containers: { multus: { resources: { limits: { memory: null } } } } } } } }), 'values.controllers.multus.containers.multus.resources.limits.memory', 'null'],
  ['controllers as a string', () => install({ values: { controllers: 'none' } }), 'values.controllers', '"none"'],
  ['controllers as a list', () => install({ values: { controllers: [] } }), 'values.controllers', '[]'],
  ['cni.logLevel: null, when logLevel is set', () => install({ logLevel: MultusLogLevel.DEBUG, values: { cni: { logLevel: null } } }), 'values.cni.logLevel', 'null'],
  ['controllers: null through addValues', () => install().addValues({ controllers: null }), 'values.controllers', 'null'],
  ['the 6.0.4 controller: null', () => install({ chart: MultusChart.angelnu({ version: '6.0.4' }), values: { controllers: { main: null } } }), 'values.controllers.main', 'null'],
  ['a NaN value', () => install({ values: { podLabels: { n: NaN } } }), 'values.podLabels.n', 'NaN'],
  ['a symbol as a value', () => install({ values: { hook: Symbol('x') } }), 'values.hook', '"Symbol(x)"'],
];

describe('values never remove what the install renders', () => {
  test.each(VALUES)('refuses %s', (_name, fn, field, shown) => expectRefusal(fn, field, shown));

  test.each([
    ['null for a chart default the library does not render', () => install({ values: { podAnnotations: null } }).values.podAnnotations],
    ['a changed leaf of the rendered resources', () => install({ values: { controllers: { multus: { containers: { multus: { resources: { limits: { memory: '1Gi' } } } } } } } }).values.controllers.multus.containers.multus.resources.limits.memory],
    ['a new key under the daemon controller', () => install().values.controllers.multus.containers.multus.image.tag],
  ])('accepts %s', (_name, fn) => {
    expect(thrown(fn)).toBeUndefined();
  });

  test('install.image still describes what the chart runs after values and addValues', () => {
    const m = install({ values: { controllers: { multus: { annotations: { a: 'b' } } } } });
    m.addValues({ controllers: { multus: { containers: { multus: { env: { A: '1' } } } } } });
    const container = m.values.controllers.multus.containers.multus;
    expect(`${container.image.repository}:${container.image.tag}`).toBe(m.image);
  });
});

// ---------------------------------------------------------------------------------------------
// Flux: health checks and dependsOn

const FLUX: Row[] = [
  ['a health-check apiVersion "../v1"', () => FluxHealthCheck.of('../v1', 'DaemonSet', 'multus', 'kube-system'), 'healthChecks.apiVersion', '"../v1"'],
  ['a health-check apiVersion "-apps-/v1"', () => FluxHealthCheck.of('-apps-/v1', 'DaemonSet', 'multus', 'kube-system'), 'healthChecks.apiVersion', '"-apps-/v1"'],
  ['a health-check apiVersion "apps/v1/"', () => FluxHealthCheck.of('apps/v1/', 'DaemonSet', 'multus', 'kube-system'), 'healthChecks.apiVersion', '"apps/v1/"'],
  ['a health-check apiVersion "Apps/v1"', () => FluxHealthCheck.of('Apps/v1', 'DaemonSet', 'multus', 'kube-system'), 'healthChecks.apiVersion', '"Apps/v1"'],
  ['a health-check apiVersion "apps/1"', () => FluxHealthCheck.of('apps/1', 'DaemonSet', 'multus', 'kube-system'), 'healthChecks.apiVersion', '"apps/1"'],
  ['a health-check apiVersion "apps/v1beta"', () => FluxHealthCheck.of('apps/v1beta', 'DaemonSet', 'multus', 'kube-system'), 'healthChecks.apiVersion', '"apps/v1beta"'],
  ['a health-check apiVersion "apps..io/v1"', () => FluxHealthCheck.of('apps..io/v1', 'DaemonSet', 'multus', 'kube-system'), 'healthChecks.apiVersion', '"apps..io/v1"'],
];

describe('Flux', () => {
  test.each(FLUX)('refuses %s', (_name, fn, field, shown) => expectRefusal(fn, field, shown));

  test.each(['v1', 'apps/v1', 'helm.toolkit.fluxcd.io/v2', 'cilium.io/v2alpha1', 'kustomize.config.k8s.io/v1beta1'])('accepts the health-check apiVersion %s', (apiVersion) => {
    expect(FluxHealthCheck.of(apiVersion, 'Thing', 'x').apiVersion).toBe(apiVersion);
  });

  test.each([
    ['two Kustomizations that depend on each other', (r: FluxTree) => {
      const a = new FluxApp(r, 'a', { namespace: 'default' });
      const b = new FluxApp(r, 'b', { namespace: 'default' });
      const ka = new FluxKustomization(a, 'app');
      const kb = new FluxKustomization(b, 'app', { dependsOn: [ka] });
      ka.addDependsOn(kb);
    }, '"a -> b -> a"'],
    ['a cycle of three', (r: FluxTree) => {
      const app = new FluxApp(r, 'x', { namespace: 'default' });
      const k1 = new FluxKustomization(app, 'app');
      const k2 = new FluxKustomization(app, 'two', { dependsOn: [k1] });
      const k3 = new FluxKustomization(app, 'three', { dependsOn: [k2] });
      k1.addDependsOn(k3);
    }, '"flux-system/x -> flux-system/x-three -> flux-system/x-two -> flux-system/x"'],
    ['a cycle closed through FluxKustomizationRef.of() by name', (r: FluxTree) => {
      const app = new FluxApp(r, 'x', { namespace: 'default' });
      new FluxKustomization(app, 'app', { dependsOn: [FluxKustomizationRef.of('x-db')] });
      new FluxKustomization(app, 'db', { dependsOn: [FluxKustomizationRef.of('x')] });
    }, '"flux-system/x -> flux-system/x-db -> flux-system/x"'],
  ])('refuses %s at synth', (_name, build, shown) => {
    // GIVEN
    const r = tree();
    build(r);
    // WHEN
    const e = validationError(() => r.files());
    // THEN
    expect(e.field).toBe('dependsOn');
    expect(e.value.replace(/flux-system\//g, '')).toBe(shown.replace(/flux-system\//g, ''));
  });

  test('a chain without a cycle, and a dependency outside the tree, are accepted', () => {
    const r = tree();
    const app = new FluxApp(r, 'x', { namespace: 'default' });
    const k1 = new FluxKustomization(app, 'app', { dependsOn: [FluxKustomizationRef.of('cilium')] });
    new FluxKustomization(app, 'two', { dependsOn: [k1] });
    expect(r.files().length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Decided: credentials in chart URLs, and props a JavaScript caller misspells (snake_case)

const DECIDED: Row[] = [
  ['a chart URL with a user and password', () => MultusChart.angelnu({ url: 'https://user:s3cret@charts.example.com/helm' }), 'chart.url', '"https://***@charts.example.com/helm"'],
  ['a chart URL with a user only', () => MultusChart.angelnu({ url: 'https://token@charts.example.com/helm' }), 'chart.url', '"https://***@charts.example.com/helm"'],
  ['an OCI URL with credentials', () => MultusChart.angelnu({ url: 'oci://user:pw@ghcr.io/angelnu' }), 'chart.url', '"oci://***@ghcr.io/angelnu"'],
  ['a Helm repository URL with credentials', () => tree().addHelmRepository('private', 'https://a:b@charts.example.com'), 'helmRepository.url', '"https://***@charts.example.com/"'],
  ['MultusInstall release_name', () => install({ release_name: 'multus' }), 'release_name', '"multus"'],
  ['MultusInstall cni_paths', () => new MultusInstall(testChart('kube-system'), 'multus', { cni_paths: CniPaths.K3S, cniPaths: CniPaths.K3S } as any), 'cni_paths', '{"configDir":"/var/lib/rancher/k3s/agent/etc/cni/net.d","binDir":"/var/lib/rancher/k3s/data/cni","preset":"K3S"}'],
  ['MultusInstall relaseName (a typo)', () => install({ relaseName: 'multus' }), 'relaseName', '"multus"'],
  ['MultusImage Tag', () => install({ image: { Tag: 'v4.3.0-thick' } }), 'image.Tag', '"v4.3.0-thick"'],
  ['ContainerResources memory_limit', () => install({ resources: { memory_limit: '512Mi', memoryLimit: Size.mebibytes(512) } }), 'resources.memory_limit', '"512Mi"'],
  ['MultusToleration Effect', () => install({ tolerations: [{ operator: 'Exists', Effect: TaintEffect.NO_SCHEDULE }] }), 'tolerations[0].Effect', '"NoSchedule"'],
  ['AngelnuChartOptions repository_name', () => MultusChart.angelnu({ repository_name: 'angelnu' } as any), 'chart.repository_name', '"angelnu"'],
  ['IotNetworkProps dhcp_range', () => iot({ dhcp_range: { start: '192.0.2.150', end: '192.0.2.249' } }), 'dhcp_range', '{"start":"192.0.2.150","end":"192.0.2.249"}'],
  ['IotNetworkProps mac_capability', () => iot({ mac_capability: true }), 'mac_capability', 'true'],
  ['DhcpRange first', () => iot({ dhcpRange: { first: '192.0.2.150', start: '192.0.2.150', end: '192.0.2.249' } }), 'dhcpRange.first', '"192.0.2.150"'],
  ['IotNetworkRoute dst', () => iot({ routes: [{ destination: '198.51.100.0/24', dst: '198.51.100.0/24' }] }), 'routes[0].dst', '"198.51.100.0/24"'],
  ['HostLocalIpamOptions range_start', () => iot({ ipam: Ipam.hostLocal({ rangeStart: '192.0.2.20', rangeEnd: '192.0.2.40', range_start: '192.0.2.20' } as any) }), 'ipam.range_start', '"192.0.2.20"'],
  ['NetworkSelection default_route', () => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: ref(), default_route: ['192.0.2.1'] } as any] }), 'networks[0].default_route', '["192.0.2.1"]'],
  ['MultusPodAnnotationProps network (singular)', () => new MultusPodAnnotation(testChart('default'), 'pod', { networks: [{ network: ref() }], network: ref() } as any), 'network', '{"networkName":"iot","networkNamespace":"kube-system"}'],
  ['MultusTestPodProps ip', () => new MultusTestPod(testChart('default'), 'test', { network: ref(), ip: '192.0.2.10' } as any), 'ip', '"192.0.2.10"'],
  ['MultusNodeCleanupProps cni_paths', () => new MultusNodeCleanup(testChart('kube-system'), 'c', { cniPaths: CniPaths.K3S, cni_paths: CniPaths.K3S } as any), 'cni_paths', '{"configDir":"/var/lib/rancher/k3s/agent/etc/cni/net.d","binDir":"/var/lib/rancher/k3s/data/cni","preset":"K3S"}'],
  ['FluxTreeProps cluster_path', () => new FluxTree(testApp(), 'cluster', { cluster_path: 'clusters/home' } as any), 'cluster_path', '"clusters/home"'],
  ['FluxHelmRepositoryOptions Interval', () => tree().addHelmRepository('bjw-s', 'https://bjw-s-labs.github.io/helm-charts', { Interval: Duration.hours(1) } as any), 'helmRepository.Interval', `${JSON.stringify(Duration.hours(1))}`],
  ['FluxAppProps app_name', () => new FluxApp(tree(), 'echo', { namespace: 'default', app_name: 'echo' } as any), 'app_name', '"echo"'],
  ['FluxKustomizationProps target_namespace', () => new FluxKustomization(new FluxApp(tree(), 'echo', { namespace: 'default' }), 'app', { target_namespace: 'x' } as any), 'target_namespace', '"x"'],
  ['MultusFluxAppProps networks_directory', () => new MultusFluxApp(tree(), 'multus', { install: { cniPaths: CniPaths.K3S }, networks_directory: 'nads' } as any), 'networks_directory', '"nads"'],
];

describe('decided: credentials in URLs and unknown props are refused', () => {
  test.each(DECIDED)('refuses %s', (_name, fn, field, shown) => expectRefusal(fn, field, shown));

  test.each([
    ['release_name', () => install({ release_name: 'multus' }), 'did you mean releaseName?'],
    ['relaseName', () => install({ relaseName: 'multus' }), 'did you mean releaseName?'],
    ['cni_paths', () => new MultusNodeCleanup(testChart('kube-system'), 'c', { cniPaths: CniPaths.K3S, cni_paths: CniPaths.K3S } as any), 'did you mean cniPaths?'],
    ['something else entirely', () => iot({ colour: 'blue' }), 'IotNetworkProps has subnet, name, namespace'],
  ])('the refusal of %s names the closest known prop', (_name, fn, shown) => {
    expect(validationError(fn).hint).toContain(shown);
  });

  test('the password never reaches the message', () => {
    expect(validationError(() => MultusChart.angelnu({ url: 'https://user:s3cret@charts.example.com/helm' })).message).not.toContain('s3cret');
  });
});
