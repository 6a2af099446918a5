import { ApiObject, Chart, Cron, Testing } from 'cdk8s';
import * as kplus28 from 'cdk8s-plus-28';
import * as kplus33 from 'cdk8s-plus-33';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { IotNetwork, MultusPodAnnotation, NetworkRef } from '../../src';
import { testApp } from '../helpers';

const KEY = 'k8s.v1.cni.cncf.io/networks';

/**
 * GIVEN an app with the IoT network in its own chart (kube-system) and a chart for the pods
 * (home-automation), so that snapshots hold only the pods.
 */
function givenApp(): { pods: Chart; iot: IotNetwork } {
  const app = testApp();
  const net = new Chart(app, 'net', { namespace: 'kube-system' });
  const iot = new IotNetwork(net, 'iot', {
    subnet: '192.0.2.0/24',
    gateway: '192.0.2.1',
    dhcpRange: { start: '192.0.2.100', end: '192.0.2.199' },
    macCapability: true,
  });
  const pods = new Chart(app, 'pods', { namespace: 'home-automation' });
  return { pods, iot };
}

function container() {
  return { image: 'ghcr.io/home-assistant/home-assistant:2025.1', portNumber: 8123, securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false } };
}

describe('MultusPodAnnotation value', () => {
  test('one static address on an IotNetwork gets the subnet prefix and names the NAD namespace', () => {
    // GIVEN
    const { pods, iot } = givenApp();
    // WHEN
    const ann = new MultusPodAnnotation(pods, 'ha-iot', { networks: [{ network: iot, ips: ['192.0.2.10'], mac: '02:42:C0:00:02:0A' }] });
    // THEN
    expect(JSON.parse(ann.value)).toEqual([{ name: 'iot', namespace: 'kube-system', ips: ['192.0.2.10/24'], mac: '02:42:c0:00:02:0a' }]);
    expect(ann.toAnnotations()).toEqual({ [KEY]: ann.value });
    expect(MultusPodAnnotation.ANNOTATION_KEY).toBe(KEY);
    expect(ann.requiresSinglePod).toBe(true);
  });

  test('every NPWG key is rendered, in a fixed order, cni-args sorted', () => {
    // GIVEN
    const { pods, iot } = givenApp();
    // WHEN
    const ann = new MultusPodAnnotation(pods, 'full', {
      networks: [{
        network: iot, interface: 'iot0', ips: ['192.0.2.11/24'], mac: '02-00-00-00-00-0b',
        defaultRoute: ['192.0.2.1'], cniArgs: { zeta: 'z', alpha: 'a' },
      }],
    });
    // THEN
    expect(ann.value).toBe('[{"name":"iot","namespace":"kube-system","interface":"iot0","ips":["192.0.2.11/24"],"mac":"02:00:00:00:00:0b","default-route":["192.0.2.1"],"cni-args":{"alpha":"a","zeta":"z"}}]');
  });

  test('a NetworkRef in another namespace is checked for form only and keeps its namespace', () => {
    // GIVEN
    const { pods } = givenApp();
    // WHEN
    const ann = new MultusPodAnnotation(pods, 'ref', {
      networks: [{ network: NetworkRef.of('lan', 'network'), ips: ['2001:DB8::0:10/64', '203.0.113.5'] }],
    });
    // THEN: IPv6 in RFC 5952 form, an address without prefix left as given
    expect(JSON.parse(ann.value)).toEqual([{ name: 'lan', namespace: 'network', ips: ['2001:db8::10/64', '203.0.113.5'] }]);
  });

  test('addresses are claimed in the network address plan, so another pod cannot take them', () => {
    // GIVEN
    const { pods, iot } = givenApp();
    new MultusPodAnnotation(pods, 'first', { networks: [{ network: iot, ips: ['192.0.2.20'] }] });
    // WHEN / THEN
    expect(() => iot.claimAddress('192.0.2.20', 'someone else')).toThrow(/pods\/first networks\[0\]/);
  });
});

describe('MultusPodAnnotation.applyTo', () => {
  test('cdk8s-plus-28 Deployment: on the pod template, not on the Deployment, other annotations kept', () => {
    // GIVEN
    const { pods, iot } = givenApp();
    const deployment = new kplus28.Deployment(pods, 'home-assistant', {
      replicas: 1,
      strategy: kplus28.DeploymentStrategy.recreate(),
      podMetadata: { annotations: { 'example.com/keep': 'yes' } },
      metadata: { annotations: { 'example.com/workload': 'own' } },
      containers: [container()],
    });
    const ann = new MultusPodAnnotation(pods, 'ha-iot', { networks: [{ network: iot, ips: ['192.0.2.10'] }] });
    // WHEN
    ann.applyTo(deployment);
    // THEN
    const manifests = Testing.synth(pods);
    expect(manifests).toMatchSnapshot();
    const d = manifests.find((m) => m.kind === 'Deployment');
    expect(d.spec.template.metadata.annotations).toEqual({ 'example.com/keep': 'yes', [KEY]: ann.value });
    expect(d.metadata.annotations).toEqual({ 'example.com/workload': 'own' });
    expect(JSON.parse(d.spec.template.metadata.annotations[KEY])).toEqual([{ name: 'iot', namespace: 'kube-system', ips: ['192.0.2.10/24'] }]);
  });

  test('cdk8s-plus-28 StatefulSet', () => {
    // GIVEN
    const { pods, iot } = givenApp();
    const sts = new kplus28.StatefulSet(pods, 'esphome', { replicas: 1, containers: [container()] });
    const ann = new MultusPodAnnotation(pods, 'esphome-iot', { networks: [{ network: iot, ips: ['192.0.2.30'], mac: '02:42:c0:00:02:1e' }] });
    // WHEN
    ann.applyTo(sts);
    // THEN
    const manifests = Testing.synth(pods);
    expect(manifests).toMatchSnapshot();
    const s = manifests.find((m) => m.kind === 'StatefulSet');
    expect(s.spec.template.metadata.annotations).toEqual({ [KEY]: ann.value });
    expect(s.metadata.annotations ?? {}).not.toHaveProperty(KEY);
  });

  test('cdk8s-plus-33 Deployment and Pod: the same contract on a current line', () => {
    // GIVEN
    const { pods, iot } = givenApp();
    const deployment = new kplus33.Deployment(pods, 'ha', { replicas: 1, strategy: kplus33.DeploymentStrategy.recreate(), containers: [container()] });
    const pod = new kplus33.Pod(pods, 'debug', { containers: [container()] });
    // WHEN
    new MultusPodAnnotation(pods, 'ha-iot', { networks: [{ network: iot, ips: ['192.0.2.10'] }] }).applyTo(deployment);
    new MultusPodAnnotation(pods, 'debug-iot', { networks: [{ network: iot, ips: ['192.0.2.11'] }] }).applyTo(pod);
    // THEN
    const manifests = Testing.synth(pods);
    const d = manifests.find((m) => m.kind === 'Deployment');
    const p = manifests.find((m) => m.kind === 'Pod');
    expect(d.spec.template.metadata.annotations[KEY]).toBe('[{"name":"iot","namespace":"kube-system","ips":["192.0.2.10/24"]}]');
    expect(d.metadata.annotations ?? {}).not.toHaveProperty(KEY);
    expect(p.metadata.annotations[KEY]).toBe('[{"name":"iot","namespace":"kube-system","ips":["192.0.2.11/24"]}]');
  });

  test('cdk8s-plus-28 DaemonSet, Job, CronJob and Pod without static addresses', () => {
    // GIVEN
    const { pods } = givenApp();
    const ann = new MultusPodAnnotation(pods, 'dynamic', { networks: [{ network: NetworkRef.of('iot-dhcp', 'kube-system') }] });
    const ds = new kplus28.DaemonSet(pods, 'mdns', { containers: [container()] });
    const job = new kplus28.Job(pods, 'probe', { containers: [container()] });
    const cron = new kplus28.CronJob(pods, 'scan', { schedule: Cron.hourly(), containers: [container()] });
    const pod = new kplus28.Pod(pods, 'debug', { containers: [container()] });
    // WHEN
    for (const target of [ds, job, cron, pod]) ann.applyTo(target);
    // THEN
    const manifests = Testing.synth(pods);
    const value = '[{"name":"iot-dhcp","namespace":"kube-system"}]';
    expect(manifests.find((m) => m.kind === 'DaemonSet').spec.template.metadata.annotations[KEY]).toBe(value);
    expect(manifests.find((m) => m.kind === 'Job').spec.template.metadata.annotations[KEY]).toBe(value);
    expect(manifests.find((m) => m.kind === 'CronJob').spec.jobTemplate.spec.template.metadata.annotations[KEY]).toBe(value);
    expect(manifests.find((m) => m.kind === 'Pod').metadata.annotations[KEY]).toBe(value);
    for (const m of manifests.filter((x) => x.kind !== 'Pod')) expect(m.metadata.annotations ?? {}).not.toHaveProperty(KEY);
  });

  test('raw Pod ApiObject: its own metadata, existing annotations kept', () => {
    // GIVEN
    const { pods, iot } = givenApp();
    const pod = new ApiObject(pods, 'multus-test', {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'multus-test', annotations: { 'example.com/keep': 'yes' } },
      spec: { containers: [{ name: 'test', image: 'nicolaka/netshoot', command: ['sleep', 'infinity'] }] },
    });
    const ann = new MultusPodAnnotation(pods, 'test-iot', { networks: [{ network: iot, ips: ['192.0.2.250'] }] });
    // WHEN
    ann.applyTo(pod);
    // THEN
    const manifests = Testing.synth(pods);
    expect(manifests).toMatchSnapshot();
    expect(manifests[0].metadata.annotations).toEqual({ 'example.com/keep': 'yes', [KEY]: '[{"name":"iot","namespace":"kube-system","ips":["192.0.2.250/24"]}]' });
  });

  test.each([
    ['no template metadata', { spec: { template: { spec: { containers: [] } } } }, {}],
    ['template metadata without annotations', { spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [] } } } }, {}],
    ['template annotations', { spec: { template: { metadata: { annotations: { 'example.com/keep': 'yes' } }, spec: { containers: [] } } } }, { 'example.com/keep': 'yes' }],
  ])('raw Deployment ApiObject with %s: annotated on spec.template', (_name, body, kept) => {
    // GIVEN
    const { pods, iot } = givenApp();
    const d = new ApiObject(pods, 'raw', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { annotations: { own: 'x' } }, ...body });
    const ann = new MultusPodAnnotation(pods, 'raw-iot', { networks: [{ network: iot, ips: ['192.0.2.40'] }] });
    // WHEN
    ann.applyTo(d);
    // THEN
    const out = d.toJson();
    expect(out.spec.template.metadata.annotations).toEqual({ ...kept, [KEY]: ann.value });
    expect(out.metadata.annotations).toEqual({ own: 'x' });
  });

  test('a generated Kube* class (cdk8s-plus-28 k8s.KubeCronJob) through spec.jobTemplate', () => {
    // GIVEN
    const { pods } = givenApp();
    const cron = new kplus28.k8s.KubeCronJob(pods, 'cron', {
      spec: { schedule: '@hourly', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } } } } },
    });
    const ann = new MultusPodAnnotation(pods, 'cron-iot', { networks: [{ network: NetworkRef.of('iot', 'kube-system') }] });
    // WHEN
    ann.applyTo(cron);
    // THEN
    expect(cron.toJson().spec.jobTemplate.spec.template.metadata.annotations).toEqual({ [KEY]: '[{"name":"iot","namespace":"kube-system"}]' });
  });

  test('a pod on two networks: the IoT LAN with a static address and a referenced NAD with the default route', () => {
    // GIVEN
    const { pods, iot } = givenApp();
    const deployment = new kplus28.Deployment(pods, 'home-assistant', { replicas: 1, strategy: kplus28.DeploymentStrategy.recreate(), containers: [container()] });
    // WHEN
    const ann = new MultusPodAnnotation(pods, 'ha-nets', {
      networks: [
        { network: iot, ips: ['192.0.2.10'], mac: '02:42:c0:00:02:0a' },
        { network: NetworkRef.of('cameras', 'network'), interface: 'cam0', ips: ['198.51.100.7/24'], defaultRoute: ['198.51.100.1'] },
      ],
    });
    ann.applyTo(deployment);
    // THEN
    const manifests = Testing.synth(pods);
    expect(manifests).toMatchSnapshot();
    expect(JSON.parse(manifests[0].spec.template.metadata.annotations[KEY])).toEqual([
      { name: 'iot', namespace: 'kube-system', ips: ['192.0.2.10/24'], mac: '02:42:c0:00:02:0a' },
      { name: 'cameras', namespace: 'network', interface: 'cam0', ips: ['198.51.100.7/24'], 'default-route': ['198.51.100.1'] },
    ]);
    expect(ann.networks.map((n) => `${n.networkNamespace}/${n.networkName}`)).toEqual(['kube-system/iot', 'network/cameras']);
  });

  test('applying twice to the same target is a no-op', () => {
    // GIVEN
    const { pods, iot } = givenApp();
    const d = new ApiObject(pods, 'raw', { apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: { containers: [] } } } });
    const ann = new MultusPodAnnotation(pods, 'raw-iot', { networks: [{ network: iot, ips: ['192.0.2.40'] }] });
    // WHEN
    ann.applyTo(d);
    ann.applyTo(d);
    // THEN
    expect(d.toJson().spec.template.metadata.annotations).toEqual({ [KEY]: ann.value });
  });

  test('without static addresses one annotation may go on several workloads', () => {
    // GIVEN
    const { pods } = givenApp();
    const ann = new MultusPodAnnotation(pods, 'dynamic', { networks: [{ network: NetworkRef.of('iot-dhcp', 'kube-system') }] });
    const a = new kplus28.Deployment(pods, 'a', { containers: [container()] });
    const b = new kplus28.Deployment(pods, 'b', { containers: [container()] });
    // WHEN
    ann.applyTo(a);
    ann.applyTo(b);
    // THEN
    expect(a.podMetadata.toJson().annotations[KEY]).toBe(ann.value);
    expect(b.podMetadata.toJson().annotations[KEY]).toBe(ann.value);
  });
});

describe('MultusPodAnnotation and bjw-s app-template', () => {
  function homeAssistantRelease(scope: Chart): HelmRelease {
    return new HelmRelease(scope, 'home-assistant', {
      metadata: { name: 'home-assistant' },
      spec: {
        interval: '30m',
        chart: { spec: { chart: 'app-template', version: '4.1.2', sourceRef: { kind: 'HelmRepository' as any, name: 'bjw-s', namespace: 'flux-system' } } },
        values: {
          controllers: {
            'home-assistant': {
              annotations: { 'reloader.stakater.com/auto': 'true' },
              containers: { app: { image: { repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.1.0' } } },
            },
          },
          service: { app: { controller: 'home-assistant', ports: { http: { port: 8123 } } } },
        },
      },
    });
  }

  test('toAppTemplateValues: pod annotations of the controller, not the controller annotations', () => {
    // GIVEN
    const { pods, iot } = givenApp();
    const ann = new MultusPodAnnotation(pods, 'ha-iot', { networks: [{ network: iot, ips: ['192.0.2.10'] }] });
    // WHEN
    const values = ann.toAppTemplateValues('home-assistant');
    // THEN
    expect(values).toEqual({ controllers: { 'home-assistant': { pod: { annotations: { [KEY]: ann.value } } } } });
  });

  test('applyToHelmRelease: merged into the existing release values, which are kept', () => {
    // GIVEN
    const { pods, iot } = givenApp();
    const release = homeAssistantRelease(pods);
    const ann = new MultusPodAnnotation(pods, 'ha-iot', { networks: [{ network: iot, ips: ['192.0.2.10'], mac: '02:42:c0:00:02:0a' }] });
    // WHEN
    ann.applyToHelmRelease(release, 'home-assistant');
    // THEN
    const manifests = Testing.synth(pods);
    expect(manifests).toMatchSnapshot();
    const controller = manifests[0].spec.values.controllers['home-assistant'];
    expect(controller.pod.annotations).toEqual({ [KEY]: ann.value });
    expect(controller.annotations).toEqual({ 'reloader.stakater.com/auto': 'true' });
    expect(controller.containers.app.image.tag).toBe('2025.1.0');
    expect(manifests[0].spec.values.service.app.ports.http.port).toBe(8123);
  });
});
