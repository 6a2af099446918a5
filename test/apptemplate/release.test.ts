import { App, Chart, Duration, Size } from 'cdk8s';
import {
  AppTemplateChart, AppTemplatePersistence, AppTemplateRelease, AppTemplateReleaseProps, AppTemplateSource, AppTemplateStrategy,
  AppTemplateValuesLayout, FluxApp, FluxKustomization, FluxTree, IotNetwork, NetworkRef,
} from '../../src';
import { describeWithChartData, expectValidAppTemplateRelease } from '../chart-schema';
import { IOT, expectRefusal, synth, testApp, toYaml } from '../helpers';
import { ESPHOME, HOME_ASSISTANT, USES } from './uses';

const KEY = 'k8s.v1.cni.cncf.io/networks';
const IMAGE = { repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.11.3' };

/**
 * GIVEN an app with the IoT network in its own chart (kube-system) and a chart for the releases
 * (home-automation), so that snapshots hold only the releases.
 */
function givenApp(): { home: Chart; iot: IotNetwork } {
  const app = testApp();
  const iot = new IotNetwork(new Chart(app, 'net', { namespace: 'kube-system' }), 'iot', IOT);
  return { home: new Chart(app, 'home', { namespace: 'home-automation' }), iot };
}

/** Every HelmRelease these tests synthesized, with its chart version, for the schema check at the end. */
const SYNTHESIZED: Array<{ test: string; version: string; manifest: any }> = [];

/** The release's HelmRelease manifest, recorded for the schema check. */
function manifestOf(release: AppTemplateRelease): any {
  const manifest = release.helmRelease.toJson();
  SYNTHESIZED.push({ test: expect.getState().currentTestName ?? '', version: release.chart.version, manifest });
  return manifest;
}

/** A release `id` in a fresh app, with `props`. */
function release(props: Partial<AppTemplateReleaseProps> = {}, id = 'home-assistant'): { release: AppTemplateRelease; home: Chart; iot: IotNetwork } {
  const { home, iot } = givenApp();
  return { release: new AppTemplateRelease(home, id, { image: IMAGE, ...props } as AppTemplateReleaseProps), home, iot };
}

describe('AppTemplateRelease: the real uses it is designed from', () => {
  test.each(USES.map((u) => [u.id, u]))('%s', (_id, use) => {
    // GIVEN the IoT network WHEN the workload is one AppTemplateRelease
    const { home, iot } = givenApp();
    const r = new AppTemplateRelease(home, use.id, use.props(iot));
    manifestOf(r);
    // THEN the release and its chart source are the reviewed ones
    expect(toYaml(...synth(home))).toMatchSnapshot();
  });

  test('Home Assistant: the container, its volumes and the annotation on the pod', () => {
    // GIVEN
    const { home, iot } = givenApp();
    // WHEN
    const ha = new AppTemplateRelease(home, 'home-assistant', HOME_ASSISTANT.props(iot));
    // THEN
    const values = manifestOf(ha).spec.values;
    const controller = values.controllers['home-assistant'];
    expect(controller).toMatchObject({ replicas: 1, strategy: 'Recreate', pod: { nodeSelector: { 'kubernetes.io/hostname': 'node-1' } } });
    expect(controller.annotations).toBeUndefined();
    expect(JSON.parse(controller.pod.annotations[KEY])).toEqual([{ name: 'iot', namespace: 'kube-system', ips: ['192.0.2.10/24'], mac: '02:42:c0:00:02:0a' }]);
    expect(controller.containers.app).toMatchObject({
      image: IMAGE,
      env: { HASS_HTTP_TRUSTED_PROXY_1: '10.42.0.0/16', TZ: 'Europe/Berlin' },
      envFrom: [{ secretRef: { name: 'home-assistant-secrets' } }],
      securityContext: { privileged: true },
      resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } },
      probes: {
        liveness: { enabled: true, type: 'HTTP', path: '/manifest.json', port: 8123 },
        readiness: { enabled: true, type: 'TCP', port: 8123 },
        startup: { enabled: true, type: 'TCP', port: 8123, spec: { periodSeconds: 10, failureThreshold: 30 } },
      },
    });
    // env keys are sorted, whatever order they were given in
    expect(Object.keys(controller.containers.app.env)).toEqual(['HASS_HTTP_TRUSTED_PROXY_1', 'TZ']);
    expect(values.persistence).toEqual({
      config: { type: 'persistentVolumeClaim', existingClaim: 'home-assistant-config', globalMounts: [{ path: '/config' }] },
      dbus: { type: 'hostPath', hostPath: '/run/dbus', hostPathType: 'Directory', globalMounts: [{ path: '/run/dbus', readOnly: true }] },
      zigbee: {
        type: 'hostPath', hostPath: '/dev/serial/by-id/usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus-if00-port0', hostPathType: 'CharDevice',
        globalMounts: [{ path: '/dev/serial/by-id/usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus-if00-port0' }],
      },
    });
    expect(values.service).toEqual({ app: { controller: 'home-assistant', ports: { http: { port: 8123 } } } });
    expect(ha).toMatchObject({ releaseName: 'home-assistant', namespace: 'home-automation', controller: 'home-assistant', image: 'ghcr.io/home-operations/home-assistant:2025.11.3', singlePod: true });
    expect(ha.values).toEqual(values);
  });

  test('several ports: the first is the primary one, the others follow in order', () => {
    const { home, iot } = givenApp();
    const scrypted = new AppTemplateRelease(home, 'scrypted', USES.find((u) => u.id === 'scrypted')!.props(iot));
    const ports = manifestOf(scrypted).spec.values.service.app.ports;
    expect(ports).toEqual({ http: { primary: true, port: 11080 }, rebroadcast1: { port: 34135 }, rebroadcast2: { port: 34136 } });
  });

  test('a pinned digest joins the tag, as both chart lines render it', () => {
    const { home, iot } = givenApp();
    const z2m = new AppTemplateRelease(home, 'zigbee2mqtt', USES.find((u) => u.id === 'zigbee2mqtt')!.props(iot));
    expect(manifestOf(z2m).spec.values.controllers.zigbee2mqtt.containers.app.image).toEqual({ repository: 'ghcr.io/koenkk/zigbee2mqtt', tag: `2.6.3@sha256:${'1'.repeat(64)}` });
    expect(z2m.image).toBe(`ghcr.io/koenkk/zigbee2mqtt:2.6.3@sha256:${'1'.repeat(64)}`);
  });
});

describe('AppTemplateRelease defaults', () => {
  test('app-template 5.0.0 from OCIRepository app-template in flux-system; the release named after the id, in the chart\'s namespace', () => {
    // GIVEN a chart with a namespace WHEN a release has only an image
    const { release: r, home } = release();
    // THEN
    const manifests = synth(home);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
      'OCIRepository/flux-system/app-template', 'HelmRelease/home-automation/home-assistant',
    ]);
    expect(manifests[0].spec).toEqual({
      interval: '2h',
      layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
      ref: { tag: '5.0.0' },
      url: 'oci://ghcr.io/bjw-s-labs/helm/app-template',
    });
    expect(manifestOf(r).spec).toEqual({
      interval: '30m',
      chartRef: { kind: 'OCIRepository', name: 'app-template', namespace: 'flux-system' },
      install: { remediation: { retries: 3 } },
      upgrade: { cleanupOnFail: true, remediation: { retries: 3 } },
      values: { controllers: { 'home-assistant': { replicas: 1, strategy: 'Recreate', containers: { app: { image: IMAGE } } } } },
    });
    expect(r.chartSource).toBe(home.node.findChild('home-assistant').node.findChild('Source'));
    expect(r.networksAnnotation).toBeUndefined();
    expect(r.singlePod).toBe(false);
  });

  test('releaseName, namespace, controller and interval when given', () => {
    const { release: r } = release({ releaseName: 'hass', namespace: 'smart-home', controller: 'main', interval: Duration.hours(1) });
    const m = manifestOf(r);
    expect(m.metadata).toEqual({ name: 'hass', namespace: 'smart-home' });
    expect(m.spec.interval).toBe('1h');
    expect(Object.keys(m.spec.values.controllers)).toEqual(['main']);
  });

  test('a claim the chart creates: ReadWriteOnce, retained on uninstall, mounted at /<name>', () => {
    const { release: r } = release({ persistence: { config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(5) }) } });
    expect(manifestOf(r).spec.values.persistence).toEqual({
      config: { type: 'persistentVolumeClaim', accessMode: 'ReadWriteOnce', size: '5Gi', retain: true, globalMounts: [{ path: '/config' }] },
    });
  });

  test('the same props give the same bytes, whatever the key order', () => {
    const a = release({ env: { B: '2', A: '1' }, nodeSelector: { z: 'z', a: 'a' } });
    const b = release({ nodeSelector: { a: 'a', z: 'z' }, env: { A: '1', B: '2' } });
    expect(toYaml(...synth(a.home))).toBe(toYaml(...synth(b.home)));
  });
});

describe('the chart source', () => {
  test('the HTTP Helm repository: spec.chart with the version and HelmRepository bjw-s', () => {
    const { release: r, home } = release({ chart: AppTemplateChart.bjwS({ version: '4.1.1', source: AppTemplateSource.helmRepository() }) });
    expect(manifestOf(r).spec.chart).toEqual({
      spec: { chart: 'app-template', version: '4.1.1', sourceRef: { kind: 'HelmRepository', name: 'bjw-s', namespace: 'flux-system' } },
    });
    expect(manifestOf(r).spec.chartRef).toBeUndefined();
    expect(synth(home)[0]).toMatchObject({ kind: 'HelmRepository', metadata: { name: 'bjw-s', namespace: 'flux-system' }, spec: { interval: '2h', url: 'https://bjw-s-labs.github.io/helm-charts' } });
  });

  test('a digest pins the OCIRepository\'s ref', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const { home } = release({ chart: AppTemplateChart.bjwS({ source: AppTemplateSource.oci({ digest }) }) });
    expect(synth(home)[0].spec.ref).toEqual({ tag: '5.0.0', digest });
  });

  test('an existing source is referred to, not written', () => {
    const { release: r, home } = release({ chart: AppTemplateChart.bjwS({ source: AppTemplateSource.oci({ name: 'app-template-5', namespace: 'flux', existing: true }) }) });
    expect(synth(home).map((m) => m.kind)).toEqual(['HelmRelease']);
    expect(manifestOf(r).spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'app-template-5', namespace: 'flux' });
    expect(r.chartSource).toBeUndefined();
  });

  test('releases of one version share one OCIRepository, across charts of the app', () => {
    // GIVEN two charts of one app
    const { home, iot } = givenApp();
    const other = new Chart(home.node.root as any, 'other', { namespace: 'media' });
    // WHEN both hold a release of 5.0.0
    const ha = new AppTemplateRelease(home, 'home-assistant', HOME_ASSISTANT.props(iot));
    const esp = new AppTemplateRelease(other, 'esphome', ESPHOME.props(iot));
    manifestOf(ha);
    manifestOf(esp);
    // THEN one source object, declared by the first
    expect(esp.chartSource).toBe(ha.chartSource);
    expect(synth(other).map((m) => m.kind)).toEqual(['HelmRelease']);
  });

  test('another version under the same source name is refused, naming the first declaration', () => {
    const { home } = givenApp();
    new AppTemplateRelease(home, 'home-assistant', { image: IMAGE });
    expect(() => new AppTemplateRelease(home, 'esphome', { image: IMAGE, chart: AppTemplateChart.bjwS({ version: '4.1.1' }) }))
      .toThrow(/OCIRepository\.app-template: .* conflicts: AppTemplateRelease at home\/home-assistant already declares the OCIRepository flux-system\/app-template/);
    // ... and a source of its own name is what the message points to
    const esp = new AppTemplateRelease(home, 'esphome-4', { image: IMAGE, chart: AppTemplateChart.bjwS({ version: '4.1.1', source: AppTemplateSource.oci({ name: 'app-template-4' }) }) });
    expect(synth(home).filter((m) => m.kind === 'OCIRepository').map((m) => `${m.metadata.name} ${m.spec.ref.tag}`)).toEqual(['app-template 5.0.0', 'app-template-4 4.1.1']);
    manifestOf(esp);
  });

  test('inside a Flux tree: the source goes to flux/repositories/oci, in the tree\'s Flux namespace', () => {
    // GIVEN a tree with its own Flux namespace
    const tree = new FluxTree(testApp(), 'cluster', { fluxNamespace: 'flux' });
    const ks = new FluxKustomization(new FluxApp(tree, 'home-assistant', { namespace: 'home-automation' }), 'app');
    // WHEN a release is made in one of its Kustomizations
    const r = new AppTemplateRelease(ks, 'home-assistant', { image: IMAGE });
    // THEN
    const files = tree.files();
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining([
      'kubernetes/main/apps/home-automation/home-assistant/app/helmrelease.yaml',
      'kubernetes/main/flux/repositories/oci/app-template.yaml',
    ]));
    expect(files.find((f) => f.path.endsWith('oci/app-template.yaml'))!.content).toContain('namespace: flux\n');
    expect(manifestOf(r).spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'app-template', namespace: 'flux' });
  });

  test('a known 4.x and a 5.x the user checked, with its layout', () => {
    const a = release({ chart: AppTemplateChart.bjwS({ version: '4.1.1' }) });
    const b = release({ chart: AppTemplateChart.bjwS({ version: '5.2.1', valuesLayout: AppTemplateValuesLayout.V5, source: AppTemplateSource.oci({ name: 'app-template-5-2' }) }) });
    expect(synth(a.home)[0].spec.ref.tag).toBe('4.1.1');
    expect(synth(b.home)[0].spec.ref.tag).toBe('5.2.1');
    manifestOf(a.release);
    manifestOf(b.release);
  });
});

describe('networks', () => {
  test('the annotation is the MultusPodAnnotation\'s, on the pod, and counts as reaching it at synth', () => {
    // GIVEN the IoT network WHEN a release names it
    const { release: r, home } = release({ networks: [{ network: NetworkRef.of('lan', 'kube-system') }] }, 'esphome');
    // THEN the annotation construct is a child, and the app synthesizes (no "never reaches a pod")
    expect(r.networksAnnotation!.node.path).toBe('home/esphome/Networks');
    expect(r.networksAnnotation!.value).toBe('[{"name":"lan","namespace":"kube-system"}]');
    expect(() => (home.node.root as App).synthYaml()).not.toThrow();
    const controller = manifestOf(r).spec.values.controllers.esphome;
    expect(controller.pod.annotations).toEqual({ [KEY]: '[{"name":"lan","namespace":"kube-system"}]' });
    expect(controller.annotations).toBeUndefined();
  });

  test('without a static address or MAC the release may run several pods and roll', () => {
    const { release: r } = release({ networks: [{ network: NetworkRef.of('lan', 'kube-system') }], replicas: 2, strategy: AppTemplateStrategy.ROLLING_UPDATE });
    expect(manifestOf(r).spec.values.controllers['home-assistant']).toMatchObject({ replicas: 2, strategy: 'RollingUpdate' });
    expect(r.singlePod).toBe(false);
  });

  test('static addresses are claimed in the network\'s plan: a second release at the same address is refused, naming both', () => {
    const { home, iot } = givenApp();
    new AppTemplateRelease(home, 'home-assistant', { image: IMAGE, networks: [{ network: iot, ips: ['192.0.2.10'] }] });
    expectRefusal(() => new AppTemplateRelease(home, 'esphome', { image: IMAGE, networks: [{ network: iot, ips: ['192.0.2.10'] }] }), 'networks[0].ips[0]', '"192.0.2.10"');
    expect(() => new AppTemplateRelease(home, 'esphome2', { image: IMAGE, networks: [{ network: iot, ips: ['192.0.2.10'] }] }))
      .toThrow(/"home\/home-assistant\/Networks networks\[0\]\.ips\[0\]" holds it and "home\/esphome2\/Networks networks\[0\]\.ips\[0\]" claims it too/);
  });

  test('a release refused for another prop holds no address', () => {
    const { home, iot } = givenApp();
    // GIVEN a release refused for its replicas
    expectRefusal(() => new AppTemplateRelease(home, 'esphome', { image: IMAGE, replicas: 2, networks: [{ network: iot, ips: ['192.0.2.11'] }] }), 'replicas', '2');
    // WHEN another release claims the address THEN it gets it
    const r = new AppTemplateRelease(home, 'esphome-2', { image: IMAGE, networks: [{ network: iot, ips: ['192.0.2.11'] }] });
    expect(JSON.parse(manifestOf(r).spec.values.controllers['esphome-2'].pod.annotations[KEY])[0].ips).toEqual(['192.0.2.11/24']);
  });

  test('a release whose chart source conflicts with another declaration holds no address either', () => {
    const { home, iot } = givenApp();
    new AppTemplateRelease(home, 'home-assistant', { image: IMAGE });
    // GIVEN a release refused for a second app-template OCIRepository of another version
    expectRefusal(() => new AppTemplateRelease(home, 'esphome', { image: IMAGE, chart: AppTemplateChart.bjwS({ version: '4.1.1' }), networks: [{ network: iot, ips: ['192.0.2.11'] }] }), 'OCIRepository.app-template', '{"interval":"2h","layerSelector":{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip","operation":"copy"},"ref":{"tag":"4.1.1"},"url":"oci://ghcr.io/bjw-s-labs/helm/app-template"}');
    // WHEN another release claims the address THEN it gets it
    expect(() => new AppTemplateRelease(home, 'esphome-2', { image: IMAGE, networks: [{ network: iot, ips: ['192.0.2.11'] }] })).not.toThrow();
  });

  test('the networks\' own refusals are MultusPodAnnotation\'s', () => {
    const { home, iot } = givenApp();
    expectRefusal(() => new AppTemplateRelease(home, 'x', { image: IMAGE, networks: [{ network: iot, ips: ['192.0.2.160'] }] }), 'networks[0].ips[0]', '"192.0.2.160"');
    expectRefusal(() => new AppTemplateRelease(home, 'y', { image: IMAGE, networks: [{ network: iot, interface: 'eth0' }] }), 'networks[0].interface', '"eth0"');
  });
});

describe('values: deep-merged last, for what the props do not model', () => {
  test('a route, a second container and pod options merge; null removes a key', () => {
    // GIVEN a release with a volume WHEN values add a route, a code-server container and pod options, and drop a volume
    const { release: r } = release({
      ports: [{ name: 'http', port: 8123 }],
      persistence: {
        config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(5) }),
        tmp: AppTemplatePersistence.emptyDir({ mountPath: '/tmp' }),
      },
      values: {
        controllers: {
          'home-assistant': {
            annotations: { 'reloader.stakater.com/auto': 'true' },
            pod: { annotations: { 'example.com/team': 'home' }, priorityClassName: 'home-critical' },
            containers: { 'code-server': { image: { repository: 'ghcr.io/coder/code-server', tag: '4.106.2' }, args: ['--auth', 'none', '/config'] } },
          },
        },
        route: { app: { hostnames: ['hass.example.com'], parentRefs: [{ name: 'envoy-internal', namespace: 'network' }] } },
        persistence: { tmp: null },
      },
    });
    // THEN
    const values = manifestOf(r).spec.values;
    expect(values.controllers['home-assistant']).toMatchObject({
      annotations: { 'reloader.stakater.com/auto': 'true' },
      pod: { annotations: { 'example.com/team': 'home' }, priorityClassName: 'home-critical' },
      containers: { app: { image: IMAGE }, 'code-server': { args: ['--auth', 'none', '/config'] } },
    });
    expect(values.route.app.hostnames).toEqual(['hass.example.com']);
    expect(Object.keys(values.persistence)).toEqual(['config']);
  });

  test('a key given as undefined is left unset, as a prop would be: it does not wipe what the release wrote', () => {
    // GIVEN values whose keys a caller left undefined (an optional value not set), beside one it set
    const { release: r } = release({ values: { controllers: undefined, defaultPodOptions: { hostUsers: false, priorityClassName: undefined }, service: undefined } as any });
    // THEN the release's own controller, container and service stay; the set key merges
    const values = manifestOf(r).spec.values;
    expect(values.controllers['home-assistant'].containers.app.image).toEqual(IMAGE);
    expect(values.defaultPodOptions).toMatchObject({ hostUsers: false });
    expect(values.defaultPodOptions).not.toHaveProperty('priorityClassName');
    expect(values.service).toEqual(release({}).release.helmRelease.toJson().spec.values.service);
  });

  test('the networks annotation is added after values, next to the pod\'s other annotations', () => {
    const { home, iot } = givenApp();
    const r = new AppTemplateRelease(home, 'home-assistant', {
      image: IMAGE,
      networks: [{ network: iot, ips: ['192.0.2.10'] }],
      values: { controllers: { 'home-assistant': { pod: { annotations: { 'example.com/team': 'home' } } } } },
    });
    expect(manifestOf(r).spec.values.controllers['home-assistant'].pod.annotations).toEqual({
      'example.com/team': 'home',
      [KEY]: '[{"name":"iot","namespace":"kube-system","ips":["192.0.2.10/24"]}]',
    });
  });

  test('rawResources in the layout of the chart\'s major version', () => {
    const raw = { apiVersion: 'v1', kind: 'ConfigMap', spec: { data: { a: 'b' } } };
    const v4 = release({ chart: AppTemplateChart.bjwS({ version: '4.1.1', source: AppTemplateSource.oci({ name: 'app-template-4' }) }), values: { rawResources: { extra: raw } } });
    const v5 = release({ values: { rawResources: { extra: { manifest: raw } } } });
    expect(manifestOf(v4.release).spec.values.rawResources.extra).toEqual(raw);
    expect(manifestOf(v5.release).spec.values.rawResources.extra).toEqual({ manifest: raw });
  });
});

describeWithChartData('every release of these tests against its chart version\'s schemas', () => {
  test.each(USES.flatMap((u) => ['4.1.1', '5.0.0'].map((version): [string, string] => [u.id, version])))('%s on app-template %s', (id, version) => {
    // GIVEN a real use WHEN it is rendered for the version THEN its values and its HelmRelease are valid for the chart
    const { home, iot } = givenApp();
    const use = USES.find((u) => u.id === id)!;
    const r = new AppTemplateRelease(home, id, { ...use.props(iot), chart: AppTemplateChart.bjwS({ version }) });
    expectValidAppTemplateRelease(manifestOf(r), version);
  });

  test('the schemas refuse what the chart would refuse: a misplaced key fails (so a pass means something)', () => {
    // GIVEN a valid release WHEN the pod annotations are put where app-template has no such key
    const { release: r } = release();
    const bad = JSON.parse(JSON.stringify(manifestOf(r)));
    bad.spec.values.controllers['home-assistant'].podAnnotations = { a: 'b' };
    // THEN both versions' schemas refuse it
    for (const version of ['4.1.1', '5.0.0']) expect(() => expectValidAppTemplateRelease(bad, version)).toThrow(/podAnnotations/);
  });

  test('every HelmRelease synthesized above is valid for its version', () => {
    // Runs last: the releases every earlier test of this file synthesized.
    const checked = SYNTHESIZED.filter((s) => s.manifest.spec.values.controllers);
    expect(checked.length).toBeGreaterThan(20);
    for (const s of checked) expectValidAppTemplateRelease(s.manifest, s.version);
  });
});
