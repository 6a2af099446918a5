import { ApiObject, Chart, Lazy } from 'cdk8s';
import * as kplus28 from 'cdk8s-plus-28';
import * as kplus33 from 'cdk8s-plus-33';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { Ipam, IotNetwork, MultusPodAnnotation, NetworkRef, NetworkSelection } from '../../src';
import { testApp, validationError } from '../helpers';

interface World {
  readonly pods: Chart;
  /** Static IPAM, MAC capability, gateway .1, DHCP pool .100-.199, .5 reserved. */
  readonly iot: IotNetwork;
  /** DHCP IPAM, no MAC capability. */
  readonly dhcp: IotNetwork;
}

/** GIVEN two IoT networks in kube-system and a chart for the pods. */
function givenWorld(): World {
  const app = testApp();
  const net = new Chart(app, 'net', { namespace: 'kube-system' });
  const iot = new IotNetwork(net, 'iot', {
    subnet: '192.0.2.0/24', gateway: '192.0.2.1',
    dhcpRange: { start: '192.0.2.100', end: '192.0.2.199' }, reservedAddresses: ['192.0.2.5'],
    macCapability: true,
  });
  const dhcp = new IotNetwork(net, 'iot-dhcp', { subnet: '198.51.100.0/24', ipam: Ipam.dhcp() });
  const pods = new Chart(app, 'pods', { namespace: 'home-automation' });
  return { pods, iot, dhcp };
}

const containers = [{ image: 'nicolaka/netshoot', securityContext: { ensureNonRoot: false } }];

describe('MultusPodAnnotation refuses bad selections', () => {
  const cases: Array<[string, (w: World) => NetworkSelection[], string, string]> = [
    // [case, networks, field in the message, offending value in the message]
    ['an empty list', () => [], 'networks', '[]'],
    ['no list', () => undefined as any, 'networks', 'undefined'],
    ['a missing network', () => [{} as any], 'networks[0].network', 'undefined'],
    ['a network whose name is no DNS label', () => [{ network: { networkName: 'IoT', networkNamespace: 'kube-system' } }], 'networks[0].network.networkName', '"IoT"'],
    ['ips on a network whose IPAM chooses addresses', (w) => [{ network: w.dhcp, ips: ['198.51.100.10'] }], 'networks[0].ips', '198.51.100.10'],
    ['an empty ips list', (w) => [{ network: w.iot, ips: [] }], 'networks[0].ips', '[]'],
    ['an address outside the subnet', (w) => [{ network: w.iot, ips: ['203.0.113.10'] }], 'networks[0].ips[0]', '203.0.113.10'],
    ['a prefix that differs from the subnet', (w) => [{ network: w.iot, ips: ['192.0.2.10/25'] }], 'networks[0].ips[0]', '192.0.2.10/25'],
    ['an address in the DHCP pool', (w) => [{ network: w.iot, ips: ['192.0.2.150'] }], 'networks[0].ips[0]', '192.0.2.150'],
    ['the gateway', (w) => [{ network: w.iot, ips: ['192.0.2.1'] }], 'networks[0].ips[0]', '192.0.2.1'],
    ['a reserved address', (w) => [{ network: w.iot, ips: ['192.0.2.5'] }], 'networks[0].ips[0]', '192.0.2.5'],
    ['the broadcast address', (w) => [{ network: w.iot, ips: ['192.0.2.255'] }], 'networks[0].ips[0]', '192.0.2.255'],
    ['a malformed address on an IotNetwork', (w) => [{ network: w.iot, ips: ['192.0.2.300'] }], 'networks[0].ips[0]', '192.0.2.300'],
    ['one address twice in one pod', (w) => [{ network: w.iot, ips: ['192.0.2.10', '192.0.2.10/24'] }], 'networks[0].ips[1]', '192.0.2.10'],
    ['a malformed address on a NetworkRef', () => [{ network: NetworkRef.of('lan', 'network'), ips: ['192.0.2.1.5'] }], 'networks[0].ips[0]', '192.0.2.1.5'],
    ['an octal-looking address on a NetworkRef', () => [{ network: NetworkRef.of('lan', 'network'), ips: ['0x7f.0.0.1'] }], 'networks[0].ips[0]', '0x7f.0.0.1'],
    ['an IPv6 zone index on a NetworkRef', () => [{ network: NetworkRef.of('lan', 'network'), ips: ['fe80::10%eth0/64'] }], 'networks[0].ips[0]', 'fe80::10%eth0/64'],
    ['an IPv6 zone index in a gateway', () => [{ network: NetworkRef.of('lan', 'network'), defaultRoute: ['fe80::1%eth0'] }], 'networks[0].defaultRoute[0]', 'fe80::1%eth0'],
    ['a prefix over 32 on a NetworkRef', () => [{ network: NetworkRef.of('lan', 'network'), ips: ['192.0.2.10/33'] }], 'networks[0].ips[0]', '192.0.2.10/33'],
    ['an address twice on a NetworkRef', () => [{ network: NetworkRef.of('lan', 'network'), ips: ['192.0.2.10/24', '192.0.2.10/24'] }], 'networks[0].ips[1]', '192.0.2.10/24'],
    ['a MAC on a network without the MAC capability', (w) => [{ network: w.dhcp, mac: '02:00:00:00:00:01' }], 'networks[0].mac', '02:00:00:00:00:01'],
    ['a multicast MAC', (w) => [{ network: w.iot, mac: '01:00:5e:00:00:fb' }], 'networks[0].mac', '01:00:5e:00:00:fb'],
    ['a broadcast MAC', (w) => [{ network: w.iot, mac: 'ff:ff:ff:ff:ff:ff' }], 'networks[0].mac', 'ff:ff:ff:ff:ff:ff'],
    ['the all-zero MAC', (w) => [{ network: w.iot, mac: '00:00:00:00:00:00' }], 'networks[0].mac', '00:00:00:00:00:00'],
    ['a MAC of five octets', (w) => [{ network: w.iot, mac: '02:42:c0:a8:01' }], 'networks[0].mac', '02:42:c0:a8:01'],
    ['a MAC with mixed separators', (w) => [{ network: w.iot, mac: '02:42-c0:a8:01:01' }], 'networks[0].mac', '02:42-c0:a8:01:01'],
    ['an interface name with a colon', (w) => [{ network: w.iot, interface: 'eth0:1' }], 'networks[0].interface', 'eth0:1'],
    ['an interface name over 15 bytes', (w) => [{ network: w.iot, interface: 'iot-network-zero' }], 'networks[0].interface', 'iot-network-zero'],
    ['the primary interface', (w) => [{ network: w.iot, interface: 'eth0' }], 'networks[0].interface', 'eth0'],
    ['the loopback', (w) => [{ network: w.iot, interface: 'lo' }], 'networks[0].interface', 'lo'],
    ['one interface name twice', (w) => [{ network: w.iot, interface: 'iot0' }, { network: w.dhcp, interface: 'iot0' }], 'networks[1].interface', 'iot0'],
    ['a name Multus generates for another element', (w) => [{ network: w.iot, interface: 'net2' }, { network: w.dhcp }], 'networks[1].interface', 'net2'],
    ['two elements with a default route', (w) => [{ network: w.iot, defaultRoute: ['192.0.2.1'] }, { network: w.dhcp, defaultRoute: ['198.51.100.1'] }], 'networks[1].defaultRoute', '198.51.100.1'],
    ['a gateway outside the subnet', (w) => [{ network: w.iot, defaultRoute: ['198.51.100.1'] }], 'networks[0].defaultRoute[0]', '198.51.100.1'],
    ['the broadcast address as gateway', (w) => [{ network: w.iot, defaultRoute: ['192.0.2.255'] }], 'networks[0].defaultRoute[0]', '192.0.2.255'],
    ['the network address as gateway', (w) => [{ network: w.iot, defaultRoute: ['192.0.2.0'] }], 'networks[0].defaultRoute[0]', '192.0.2.0'],
    ['a gateway with a prefix', (w) => [{ network: w.iot, defaultRoute: ['192.0.2.1/24'] }], 'networks[0].defaultRoute[0]', '192.0.2.1/24'],
    ['an empty default route', (w) => [{ network: w.iot, defaultRoute: [] }], 'networks[0].defaultRoute', '[]'],
    ['a cni-args value that is no string', (w) => [{ network: w.iot, cniArgs: { debug: true as any } }], 'networks[0].cniArgs.debug', 'true'],
    ['cni-args that are no map', (w) => [{ network: w.iot, cniArgs: ['a'] as any }], 'networks[0].cniArgs', '["a"]'],
  ];

  test.each(cases)('%s', (_name, networks, field, value) => {
    // GIVEN
    const w = givenWorld();
    // WHEN
    const err = validationError(() => new MultusPodAnnotation(w.pods, 'pod', { networks: networks(w) }));
    // THEN
    expect(err.field).toBe(field);
    expect(err.message).toContain(value);
  });

  test('a second pod claiming the same address, naming both claimants', () => {
    // GIVEN
    const w = givenWorld();
    new MultusPodAnnotation(w.pods, 'home-assistant', { networks: [{ network: w.iot, ips: ['192.0.2.10'] }] });
    // WHEN
    const err = validationError(() => new MultusPodAnnotation(w.pods, 'esphome', { networks: [{ network: w.iot, ips: ['192.0.2.10/24'] }] }));
    // THEN
    expect(err.field).toBe('networks[0].ips[0]');
    expect(err.message).toContain('192.0.2.10');
    expect(err.message).toContain('pods/home-assistant networks[0]');
    expect(err.message).toContain('pods/esphome networks[0]');
  });

  test('a refusal of a later element leaves no claim of an earlier one', () => {
    // GIVEN
    const w = givenWorld();
    validationError(() => new MultusPodAnnotation(w.pods, 'bad', {
      networks: [{ network: w.iot, ips: ['192.0.2.10'] }, { network: w.dhcp, mac: 'not-a-mac' }],
    }));
    // WHEN
    const claimed = w.iot.claimAddress('192.0.2.10', 'the next pod');
    // THEN
    expect(claimed).toBe('192.0.2.10/24');
  });
});

// One address parser for every network: an address is refused on an IotNetwork exactly when it is
// refused on a NetworkRef, and accepted ones come out in the same canonical form.
describe('an address follows one rule on an IotNetwork and on a NetworkRef', () => {
  const ref = () => NetworkRef.of('lan', 'kube-system');

  test.each(['192.0.2.10/024', '192.0.2.10/0x18', '192.0.2.010', 'fe80::10%eth0'])('%j is refused on both', (ip) => {
    // GIVEN
    const w = givenWorld();
    // WHEN
    const onIot = validationError(() => new MultusPodAnnotation(w.pods, 'a', { networks: [{ network: w.iot, ips: [ip] }] }));
    const onRef = validationError(() => new MultusPodAnnotation(w.pods, 'b', { networks: [{ network: ref(), ips: [ip] }] }));
    // THEN
    for (const err of [onIot, onRef]) {
      expect(err.field).toBe('networks[0].ips[0]');
      expect(err.message).toContain(JSON.stringify(ip));
    }
  });

  test('IPv6 addresses and gateways are written in RFC 5952 form on both', () => {
    // GIVEN an IPv6 IoT network and a reference to one defined elsewhere
    const w = givenWorld();
    const iot6 = new IotNetwork(w.iot.node.scope as Chart, 'iot6', { subnet: '2001:db8:20::/64' });
    // WHEN both get an address (and a gateway) in a non-canonical spelling
    const spelled = '2001:DB8:20:0:0:0:0:A';
    const onIot = new MultusPodAnnotation(w.pods, 'a', { networks: [{ network: iot6, ips: [`${spelled}/64`], defaultRoute: ['2001:DB8:20::1'] }] });
    const onRef = new MultusPodAnnotation(w.pods, 'b', { networks: [{ network: ref(), ips: [`${spelled}/64`], defaultRoute: ['2001:DB8:20::1'] }] });
    // THEN
    for (const a of [onIot, onRef]) {
      expect(JSON.parse(a.value)[0]).toMatchObject({ ips: ['2001:db8:20::a/64'], 'default-route': ['2001:db8:20::1'] });
    }
  });
});

describe('MultusPodAnnotation refuses bad targets', () => {
  function staticAnnotation(w: World, id = 'ha'): MultusPodAnnotation {
    return new MultusPodAnnotation(w.pods, id, { networks: [{ network: w.iot, ips: ['192.0.2.10'] }] });
  }

  const cases: Array<[string, (w: World) => [MultusPodAnnotation, any], string, string]> = [
    // [case, (annotation, target), field, value in the message]
    ['a ConfigMap', (w) => [staticAnnotation(w), new ApiObject(w.pods, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', data: {} })], 'target', 'pods/cm'],
    ['a plain construct', (w) => [staticAnnotation(w), new Chart(w.pods, 'nested')], 'target', 'pods/nested'],
    ['a cdk8s-plus Service', (w) => [staticAnnotation(w), new kplus28.Service(w.pods, 'svc', { ports: [{ port: 80 }] })], 'target', 'pods/svc'],
    ['nothing', (w) => [staticAnnotation(w), undefined], 'target', 'undefined'],
    ['a Deployment whose template is computed at synth', (w) => [staticAnnotation(w),
      new ApiObject(w.pods, 'lazy', { apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { metadata: Lazy.any({ produce: () => ({}) }) } } })], 'target', 'pods/lazy'],
    ['static addresses on a cdk8s-plus-28 DaemonSet', (w) => [staticAnnotation(w), new kplus28.DaemonSet(w.pods, 'ds', { containers })], 'target', 'pods/ds'],
    ['static addresses on a cdk8s-plus-28 Deployment with its default 2 replicas', (w) => [staticAnnotation(w), new kplus28.Deployment(w.pods, 'd', { containers })], 'target', 'pods/d'],
    ['static addresses on a cdk8s-plus-33 Deployment with 3 replicas', (w) => [staticAnnotation(w), new kplus33.Deployment(w.pods, 'd', { replicas: 3, containers })], 'target', 'pods/d'],
    ['static addresses on a cdk8s-plus-28 StatefulSet with 2 replicas', (w) => [staticAnnotation(w), new kplus28.StatefulSet(w.pods, 's', { replicas: 2, containers: [{ ...containers[0], portNumber: 6052 }] })], 'target', 'pods/s'],
    ['a MAC on a raw DaemonSet', (w) => [new MultusPodAnnotation(w.pods, 'm', { networks: [{ network: w.iot, ips: ['192.0.2.10'], mac: '02:00:00:00:00:01' }] }),
      new ApiObject(w.pods, 'rds', { apiVersion: 'apps/v1', kind: 'DaemonSet', spec: { template: { spec: {} } } })], 'target', 'pods/rds'],
    ['static addresses on a raw Deployment with 2 replicas', (w) => [staticAnnotation(w),
      new ApiObject(w.pods, 'rd', { apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 2, template: { spec: {} } } })], 'target', 'pods/rd'],
    ['a pod that already has another networks annotation', (w) => [staticAnnotation(w),
      new ApiObject(w.pods, 'p', { apiVersion: 'v1', kind: 'Pod', metadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': 'iot' } }, spec: {} })], 'target', 'pods/p'],
    ['a pod template that already has another networks annotation', (w) => [staticAnnotation(w),
      new kplus28.Deployment(w.pods, 'd', { replicas: 1, containers, podMetadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': 'kube-system/iot' } } })], 'target', 'pods/d'],
  ];

  test.each(cases)('%s', (_name, given, field, value) => {
    // GIVEN
    const w = givenWorld();
    const [annotation, target] = given(w);
    // WHEN
    const err = validationError(() => annotation.applyTo(target));
    // THEN
    expect(err.field).toBe(field);
    expect(err.message).toContain(value);
  });

  test('a second target for an annotation with static addresses', () => {
    // GIVEN
    const w = givenWorld();
    const ann = staticAnnotation(w);
    ann.applyTo(new kplus28.Pod(w.pods, 'first', { containers }));
    const second = new kplus28.Pod(w.pods, 'second', { containers });
    // WHEN
    const err = validationError(() => ann.applyTo(second));
    // THEN
    expect(err.message).toContain('pods/second');
    expect(err.message).toContain('pods/first');
    expect(second.podMetadata.toJson().annotations ?? {}).not.toHaveProperty('k8s.v1.cni.cncf.io/networks');
  });

  test('a second target after a HelmRelease', () => {
    // GIVEN
    const w = givenWorld();
    const ann = staticAnnotation(w);
    ann.applyToHelmRelease(release(w.pods, 'hr', { main: { containers: {} } }), 'main');
    // WHEN
    const err = validationError(() => ann.applyTo(new kplus28.Pod(w.pods, 'p', { containers })));
    // THEN
    expect(err.message).toContain('pods/p');
    expect(err.message).toContain('pods/hr');
  });
});

function release(scope: Chart, id: string, controllers: Record<string, any> | undefined, values: any = undefined): HelmRelease {
  return new HelmRelease(scope, id, {
    metadata: { name: id },
    spec: {
      interval: '30m',
      chart: { spec: { chart: 'app-template', sourceRef: { kind: 'HelmRepository' as any, name: 'bjw-s' } } },
      values: values ?? (controllers === undefined ? undefined : { controllers }),
    },
  });
}

describe('MultusPodAnnotation refuses bad app-template targets', () => {
  const cases: Array<[string, (w: World, a: MultusPodAnnotation) => void, string, string]> = [
    ['a release that is no HelmRelease', (w, a) => a.applyToHelmRelease(new ApiObject(w.pods, 'x', { apiVersion: 'v1', kind: 'ConfigMap' }), 'main'), 'release', 'pods/x'],
    ['a release without values', (w, a) => a.applyToHelmRelease(release(w.pods, 'hr', undefined), 'main'), 'release', 'pods/hr'],
    ['a release with values computed at synth', (w, a) => a.applyToHelmRelease(release(w.pods, 'hr', undefined, Lazy.any({ produce: () => ({}) })), 'main'), 'release', 'pods/hr'],
    ['a controller the release does not have', (w, a) => a.applyToHelmRelease(release(w.pods, 'hr', { 'home-assistant': {} }), 'homeassistant'), 'controller', 'homeassistant'],
    ['a controller name that is no DNS label', (_w, a) => a.toAppTemplateValues('Home Assistant'), 'controller', 'Home Assistant'],
    ['the networks annotation on the controller itself', (w, a) => a.applyToHelmRelease(release(w.pods, 'hr', {
      main: { annotations: { 'k8s.v1.cni.cncf.io/networks': '[{"name":"iot"}]' } },
    }), 'main'), 'release.spec.values.controllers.main.annotations', '[{\\"name\\":\\"iot\\"}]'],
    ['another networks annotation on the pod', (w, a) => a.applyToHelmRelease(release(w.pods, 'hr', {
      main: { pod: { annotations: { 'k8s.v1.cni.cncf.io/networks': 'kube-system/iot' } } },
    }), 'main'), 'release.spec.values.controllers.main.pod.annotations', 'kube-system/iot'],
    ['static addresses on a daemonset controller', (w, a) => a.applyToHelmRelease(release(w.pods, 'hr', { main: { type: 'daemonset' } }), 'main'), 'target', 'pods/hr'],
    ['static addresses on a controller with 2 replicas', (w, a) => a.applyToHelmRelease(release(w.pods, 'hr', { main: { replicas: 2 } }), 'main'), 'target', 'pods/hr'],
    ['static addresses on a controller with an autoscaler (app-template 5.x)', (w, a) => a.applyToHelmRelease(release(w.pods, 'hr', { main: { horizontalPodAutoscaler: { maxReplicas: 3 } } }), 'main'), 'target', 'pods/hr'],
  ];

  test.each(cases)('%s', (_name, when, field, value) => {
    // GIVEN
    const w = givenWorld();
    const a = new MultusPodAnnotation(w.pods, 'ha', { networks: [{ network: w.iot, ips: ['192.0.2.10'] }] });
    // WHEN
    const err = validationError(() => when(w, a));
    // THEN
    expect(err.field).toBe(field);
    expect(err.message).toContain(value);
  });
});

describe('MultusPodAnnotation refuses an annotation that never reaches a pod', () => {
  function world() {
    const app = testApp();
    const iot = new IotNetwork(new Chart(app, 'net', { namespace: 'kube-system' }), 'iot', { subnet: '192.0.2.0/24' });
    const pods = new Chart(app, 'pods', { namespace: 'home-automation' });
    const deployment = new kplus28.Deployment(pods, 'app', {
      replicas: 1,
      strategy: kplus28.DeploymentStrategy.recreate(),
      containers: [{ image: 'registry.example/app:1.0.0', securityContext: { ensureNonRoot: false } }],
    });
    return { app, iot, pods, deployment };
  }

  test('constructed but never applied: refused at synth, naming the construct', () => {
    // GIVEN an annotation that claims an address but is applied to nothing
    const { app, iot, pods } = world();
    new MultusPodAnnotation(pods, 'forgotten', { networks: [{ network: iot, ips: ['192.0.2.10'] }] });

    // WHEN the app is synthesized
    const err = validationError(() => app.synthYaml());
    // THEN the forgotten annotation is refused
    expect(err.message).toContain('never reaches a pod');
    expect(err.constructPath).toBe('pods/forgotten');
  });

  test.each([
    ['applyTo', (a: MultusPodAnnotation, d: kplus28.Deployment) => a.applyTo(d)],
    ['toAnnotations', (a: MultusPodAnnotation) => a.toAnnotations()],
    ['toAppTemplateValues', (a: MultusPodAnnotation) => a.toAppTemplateValues('app')],
    ['value, written onto the pod by hand', (a: MultusPodAnnotation, d: kplus28.Deployment) => d.podMetadata.addAnnotation(MultusPodAnnotation.ANNOTATION_KEY, a.value)],
  ])('handed out through %s: synthesizes', (_how, use) => {
    // GIVEN an annotation that reaches the pod one way or another
    const { app, iot, pods, deployment } = world();
    use(new MultusPodAnnotation(pods, 'used', { networks: [{ network: iot, ips: ['192.0.2.10'] }] }), deployment);
    // WHEN / THEN the app synthesizes
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('reading value has no effect of its own: the value must reach a manifest', () => {
    // GIVEN an annotation whose value is read but never written anywhere
    const { app, iot, pods } = world();
    const annotation = new MultusPodAnnotation(pods, 'read', { networks: [{ network: iot, ips: ['192.0.2.10'] }] });
    expect(annotation.value).toBe('[{"name":"iot","namespace":"kube-system","ips":["192.0.2.10/24"]}]');
    // WHEN / THEN the app is synthesized, and it is refused
    expect(validationError(() => app.synthYaml()).constructPath).toBe('pods/read');
  });

  test('every annotation that never reaches a pod is reported, in one ValidationError', () => {
    // GIVEN two forgotten annotations
    const { app, iot, pods } = world();
    new MultusPodAnnotation(pods, 'first', { networks: [{ network: iot, ips: ['192.0.2.10'] }] });
    new MultusPodAnnotation(pods, 'second', { networks: [{ network: iot, ips: ['192.0.2.11'] }] });
    // WHEN the app is synthesized
    const err = validationError(() => app.synthYaml());
    // THEN both are named
    expect(err.problems.map((p) => p.constructPath)).toEqual(['pods/first', 'pods/second']);
    expect(err.message).toMatch(/^2 problems:/);
  });
});
