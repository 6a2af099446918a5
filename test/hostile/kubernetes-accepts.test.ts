import { App, Chart, Duration } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  AppTemplateChart, AppTemplatePersistence, AppTemplateProbe, AppTemplateRelease, AppTemplateReleaseProps, AppTemplateSource, CniDhcpDaemon,
  CniPaths, FluxApp, FluxKustomization, FluxTree, IotNetwork, MultusChart, MultusPodAnnotation,
} from '../../src';
import { IOT, expectRefusal, testApp, thrown, tree, validationError } from '../helpers';

// Every string and number the constructs accept, Kubernetes and Flux accept: each class of input
// that once got through AppTemplateRelease, the charts' sources and CniDhcpDaemon, refused by the
// one mechanism of its class (or written so that every reader reads back the value given):
//
// - strings bound for YAML: util/strings `checkSafeString` / `checkYamlData` (unsafe characters,
//   strings go-yaml reads as another type, `__proto__` and `<<` keys);
// - Kubernetes' field rules: knowledge/kubernetes-fields `KUBERNETES_FIELDS`, checked by
//   util/kubernetes-fields `checkKubernetesField`;
// - autoscalers in rawResources: knowledge/workloads `rawResourceAutoscaling`, from
//   apptemplate/user-values `checkUserValues`;
// - source options that cannot apply: apptemplate/chart `WRITTEN_SOURCE_ONLY`, multus/chart;
// - OCI references: flux/sources `checkOciReference` (the grammar of util/image);
// - node-wide singletons: util/node-resources `claimNodeResource`.
//
// Each row: what the user does, why it matters, the field the ValidationError must name, and the
// offending value as the message renders it.

type Row = [string, string, () => unknown, string, string];

const IMAGE = { repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.11.3' };

/** GIVEN an app with the IoT network; WHEN a release `home-assistant` in home-automation gets `props`. */
function release(props: (iot: IotNetwork) => Record<string, unknown> = () => ({}), app: App = testApp()): AppTemplateRelease {
  const iot = new IotNetwork(new Chart(app, 'net', { namespace: 'kube-system' }), 'iot', IOT);
  return new AppTemplateRelease(new Chart(app, 'home', { namespace: 'home-automation' }), 'home-assistant', { image: IMAGE, ...props(iot) } as AppTemplateReleaseProps);
}

const STATIC = (iot: IotNetwork) => [{ network: iot, ips: ['192.0.2.10'] }];

function expectRows(rows: Row[]): void {
  test.each(rows)('refuses %s (%s)', (_what, _why, fn, field, shown) => expectRefusal(fn, field, shown));
}

// ---------------------------------------------------------------------------------------------
// Strings bound for YAML: characters YAML cannot carry, on every free-form string of a release

describe('AppTemplateRelease strings bound for YAML', () => {
  expectRows([
    ['an env value with U+2028', 'go-yaml reads it as a line break: kustomize fails on the file', () => release(() => ({ env: { TZ: 'Europe/Berlin\u2028' } })), 'env.TZ', '"Europe/Berlin\\u2028"'],
    ['an env value with NUL', 'no process environment can hold a NUL, and YAML refuses it', () => release(() => ({ env: { TOKEN: 'a\u0000b' } })), 'env.TOKEN', '"a\\u0000b"'],
    ['an env value with NEL', 'go-yaml reads U+0085 as a line break', () => release(() => ({ env: { A: 'x\u0085y' } })), 'env.A', '"x\\u0085y"'],
    ['a chart value with U+2028', 'values are written into the HelmRelease as they are', () => release(() => ({ values: { ingress: { host: 'ha\u2028.example' } } })), 'values.ingress.host', '"ha\\u2028.example"'],
    ['a chart values key with U+2029', 'keys are written as they are too', () => release(() => ({ values: { [`route\u2029`]: {} } })), 'values.route\\u2029', '"route\\u2029"'],
    ['a mount path with NEL', 'go-yaml reads /config<NEL>x as "/config x": another path', () => release(() => ({ persistence: { config: AppTemplatePersistence.emptyDir({ mountPath: '/config\u0085x' }) } })), 'persistence.config.mountPath', '"/config\\u0085x"'],
    ['a host path with U+2028', 'the kubelet would mount another directory', () => release(() => ({ persistence: { dbus: AppTemplatePersistence.hostPath('/run/dbus\u2028') } })), 'persistence.dbus.hostPath', '"/run/dbus\\u2028"'],
    ['an NFS export path with NEL', 'mount.nfs would be asked for another export', () => release(() => ({ persistence: { media: AppTemplatePersistence.nfs('nas.home.arpa', '/tank\u0085media') } })), 'persistence.media.path', '"/tank\\u0085media"'],
    ['a probe path with U+2028', 'the kubelet would request another path', () => release(() => ({ ports: [{ name: 'http', port: 8123 }], probes: { liveness: AppTemplateProbe.http('/health\u2028') } })), 'probes.liveness.path', '"/health\\u2028"'],
  ]);

  test('a multi-line env value (a PEM) and a tab are YAML-safe and kept', () => {
    const r = release(() => ({ env: { CERT: '-----BEGIN-----\nabc\n-----END-----\n', SEP: 'a\tb' } }));
    expect(r.values.controllers['home-assistant'].containers.app.env).toEqual({ CERT: '-----BEGIN-----\nabc\n-----END-----\n', SEP: 'a\tb' });
  });
});

// ---------------------------------------------------------------------------------------------
// Strings a YAML reader reads as another type: quoted by the serializer, or refused

/**
 * Strings that YAML 1.1 (and go-yaml) would read as a boolean, null, an integer, a float or a
 * timestamp when plain: cdk8s's serializer (YAML 1.1 schema) quotes each of them, so they come
 * back as written.
 */
const QUOTED = ['yes', 'no', 'on', 'off', 'y', 'N', 'true', 'False', '~', 'null', 'NULL', '0x1F', '+0x1F', '0b101', '-0b1', '017', '08', '1e3', '1E3',
  '1_000', '0_0', '+1', '-1', '0', '3.', '.5', '.inf', '-.Inf', '.NaN', '12:30', '1:20:30', '2001-12-14', '2001-1-2', '2001-12-14T21:59:43Z', '2001-12-14 21:59:43'];

/** Strings every reader reads as a string, written plain. */
const PLAIN = ['1.2.3', '0o', '0o8', '0x', '1e', '=', 'nan', 'inf', 'Infinity', '0x1p-2', '_1', 'Europe/Berlin', 'v2025.11.3'];

describe('values a YAML reader would read as another type', () => {
  expectRows([
    ['an env value 0o17', 'YAML 1.1 has no 0o form, so it is written plain, and go-yaml (kubectl, Flux, kustomize) reads the integer 15', () => release(() => ({ env: { UMASK: '0o17' } })), 'env.UMASK', '"0o17"'],
    ['an env value 0O17', 'Go\'s ParseInt takes the capital prefix as well', () => release(() => ({ env: { UMASK: '0O17' } })), 'env.UMASK', '"0O17"'],
    ['an env value -0o17', 'a sign does not make it text', () => release(() => ({ env: { OFFSET: '-0o17' } })), 'env.OFFSET', '"-0o17"'],
    ['an env value 0o1_7', 'go-yaml drops every "_" before it parses', () => release(() => ({ env: { UMASK: '0o1_7' } })), 'env.UMASK', '"0o1_7"'],
    ['an env value 0X1f', 'YAML 1.1 knows 0x only in lower case, so the serializer writes 0X1f plain; go-yaml reads 31', () => release(() => ({ env: { MASK: '0X1f' } })), 'env.MASK', '"0X1f"'],
    ['an env value 0B1', 'the same for a capital binary prefix', () => release(() => ({ env: { FLAG: '0B1' } })), 'env.FLAG', '"0B1"'],
    ['a chart value 0o755', 'a mode in values would reach the chart as the integer 493', () => release(() => ({ values: { configMaps: { config: { data: { mode: '0o755' } } } } })), 'values.configMaps.config.data.mode', '"0o755"'],
    ['a chart values key 0o17', 'go-yaml reads the key as 15, and the JSON the API server stores names it "15"', () => release(() => ({ values: { '0o17': 'x' } })), 'values.0o17', '"0o17"'],
    ['a chart values key <<', 'written plain, go-yaml reads a YAML merge key and refuses the file for a scalar value', () => release(() => ({ values: { global: { '<<': 'x' } } })), 'values.global.<<', '"<<"'],
    ['a nodeSelector value 0o17', 'a valid label value, read back as a number: the pod would select no node', () => release(() => ({ nodeSelector: { 'kubernetes.io/hostname': '0o17' } })), 'nodeSelector.kubernetes.io/hostname', '"0o17"'],
    ['an image tag 0o17', 'a valid tag, read back as 15: the chart would pull the image :15', () => release(() => ({ image: { ...IMAGE, tag: '0o17' } })), 'image.tag', '"0o17"'],
    ['a namespace 0o17', 'a valid DNS label (util/names), read back as a number: kubectl refuses the object', () => release(() => ({ namespace: '0o17' })), 'namespace', '"0o17"'],
    ['a label value 0o17 in metadata', 'labels are strings to the API server, which refuses the number', () => new CniDhcpDaemon(new Chart(testApp(), 'c', { namespace: 'kube-system' }), 'dhcp', { cniPaths: CniPaths.K3S, metadata: { labels: { tier: '0o17' } } }), 'metadata.labels.tier', '"0o17"'],
    ['an annotation value 0o17 in metadata', 'the same for annotations', () => new CniDhcpDaemon(new Chart(testApp(), 'c', { namespace: 'kube-system' }), 'dhcp', { cniPaths: CniPaths.K3S, metadata: { annotations: { 'example.com/mode': '0o17' } } }), 'metadata.annotations.example.com/mode', '"0o17"'],
  ]);

  test('every other confusable string is quoted and read back as written, by a YAML 1.1 and a YAML 1.2 parse', () => {
    // GIVEN env values (and chart values) that a YAML 1.1 reader would take for another type, and plain ones
    const given = [...QUOTED, ...PLAIN];
    const env = Object.fromEntries(given.map((v, i) => [`V${i}`, v]));
    const app = testApp();
    release(() => ({ env, values: { settings: Object.fromEntries(given.map((v, i) => [`k${i}`, v])) } }), app);
    // WHEN the app is written, and read back
    const yaml = app.synthYaml();
    for (const version of ['1.1', '1.2'] as const) {
      const docs = parseAllDocuments(yaml, { version }).map((d) => d.toJS());
      const helmRelease = docs.find((d) => d?.kind === 'HelmRelease');
      // THEN every value comes back as the string given
      expect(helmRelease.spec.values.controllers['home-assistant'].containers.app.env).toEqual(env);
      expect(helmRelease.spec.values.settings).toEqual(Object.fromEntries(given.map((v, i) => [`k${i}`, v])));
    }
    // ... and each one a YAML 1.1 reader would misread is quoted, the others plain
    for (const v of QUOTED) expect(yaml).toMatch(new RegExp(`: ["']${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']\\n`));
    for (const v of PLAIN) expect(yaml).toContain(`: ${v}\n`);
  });

  test('a cni-args value 0o17 is kept: it is inside the JSON of the networks annotation, whose type no YAML reader resolves', () => {
    const app = testApp();
    const iot = new IotNetwork(new Chart(app, 'net', { namespace: 'kube-system' }), 'iot', IOT);
    const annotation = new MultusPodAnnotation(new Chart(app, 'pods', { namespace: 'home-automation' }), 'pod', { networks: [{ network: iot, ips: ['192.0.2.10'], cniArgs: { mode: '0o17' } }] });
    expect(JSON.parse(annotation.value)[0]['cni-args']).toEqual({ mode: '0o17' });
  });

  test('an env variable named __proto__ is refused, not dropped', () => {
    // GIVEN env read from JSON, where __proto__ is an own key (an object literal would set the prototype instead)
    const env = JSON.parse('{"__proto__":"x","TZ":"UTC"}');
    // THEN it is refused: the serializer copies objects key by key and would drop it silently
    expectRefusal(() => release(() => ({ env })), 'env', '"__proto__"');
  });

  test('a chart values key __proto__ is refused, not merged into the prototype', () => {
    expectRefusal(() => release(() => ({ values: JSON.parse('{"defaultPodOptions":{"__proto__":{"hostUsers":false}}}') })), 'values.defaultPodOptions.__proto__', '"__proto__"');
  });
});

// ---------------------------------------------------------------------------------------------
// Kubernetes' own field rules (knowledge/kubernetes-fields)

const INT32_PAST = 2 ** 31;

describe('values Kubernetes refuses', () => {
  expectRows([
    ['a volume mounted at /', 'runc refuses to mount over the container\'s root: the container never starts', () => release(() => ({ persistence: { root: AppTemplatePersistence.emptyDir({ mountPath: '/' }) } })), 'persistence.root.mountPath', '"/"'],
    ['a host path at / mounted at its own path', 'the default mount path of a host path is the host path', () => release(() => ({ persistence: { host: AppTemplatePersistence.hostPath('/') } })), 'persistence.host.mountPath', '"/"'],
    ['an env name ..DATA', 'apimachinery IsEnvVarName refuses a leading ".."', () => release(() => ({ env: { '..DATA': 'x' } })), 'env', '"..DATA"'],
    ['an env name ..', 'the same rule', () => release(() => ({ env: { '..': 'x' } })), 'env', '".."'],
    ['an env name .', 'IsEnvVarName refuses "."', () => release(() => ({ env: { '.': 'x' } })), 'env', '"."'],
    ['an env name starting with a digit', 'the pattern [-._a-zA-Z][-._a-zA-Z0-9]*', () => release(() => ({ env: { '1TZ': 'x' } })), 'env', '"1TZ"'],
    ['replicas of 2^31', 'replicas is an int32: the API server refuses the Deployment', () => release(() => ({ replicas: INT32_PAST })), 'replicas', String(INT32_PAST)],
    ['a probe failureThreshold of 2^31', 'an int32 field of the probe', () => release(() => ({ ports: [{ name: 'http', port: 8123 }], probes: { liveness: AppTemplateProbe.tcp(undefined, { failureThreshold: INT32_PAST }) } })), 'probes.liveness.failureThreshold', String(INT32_PAST)],
    ['a probe period of 2^31 seconds', 'periodSeconds is an int32', () => release(() => ({ ports: [{ name: 'http', port: 8123 }], probes: { liveness: AppTemplateProbe.tcp(undefined, { period: Duration.seconds(INT32_PAST) }) } })), 'probes.liveness.period', `"${INT32_PAST}s"`],
    ['a probe timeout of 2^31 seconds', 'timeoutSeconds is an int32', () => release(() => ({ ports: [{ name: 'http', port: 8123 }], probes: { readiness: AppTemplateProbe.tcp(undefined, { timeout: Duration.seconds(INT32_PAST) }) } })), 'probes.readiness.timeout', `"${INT32_PAST}s"`],
    ['a probe initial delay of 2^31 seconds', 'initialDelaySeconds is an int32', () => release(() => ({ ports: [{ name: 'http', port: 8123 }], probes: { startup: AppTemplateProbe.tcp(undefined, { initialDelay: Duration.seconds(INT32_PAST) }) } })), 'probes.startup.initialDelay', `"${INT32_PAST}s"`],
    ['an NFS server ":::"', 'no host and no address: mount.nfs fails, the pod stays in ContainerCreating', () => release(() => ({ persistence: { media: AppTemplatePersistence.nfs(':::', '/tank') } })), 'persistence.media.server', '":::"'],
    ['an NFS server "[1.2.3.4]"', 'brackets hold an IPv6 address only: mount.nfs finds no host', () => release(() => ({ persistence: { media: AppTemplatePersistence.nfs('[1.2.3.4]', '/tank') } })), 'persistence.media.server', '"[1.2.3.4]"'],
  ]);

  test.each([
    ['an env name .DATA', () => release(() => ({ env: { '.DATA': 'x' } })).values.controllers['home-assistant'].containers.app.env, { '.DATA': 'x' }],
    ['an env name with "-" and "."', () => release(() => ({ env: { 'my.env-name': 'x' } })).values.controllers['home-assistant'].containers.app.env, { 'my.env-name': 'x' }],
    ['replicas of 2^31 - 1', () => release(() => ({ replicas: INT32_PAST - 1 })).values.controllers['home-assistant'].replicas, INT32_PAST - 1],
    ['an NFS server by IPv6 address', () => release(() => ({ persistence: { media: AppTemplatePersistence.nfs('fd00::10', '/tank') } })).values.persistence.media.server, 'fd00::10'],
    ['an NFS server by bracketed IPv6 address', () => release(() => ({ persistence: { media: AppTemplatePersistence.nfs('[fd00::10]', '/tank') } })).values.persistence.media.server, '[fd00::10]'],
    ['an NFS server by IPv4 address', () => release(() => ({ persistence: { media: AppTemplatePersistence.nfs('192.0.2.10', '/tank') } })).values.persistence.media.server, '192.0.2.10'],
    ['an NFS server by name', () => release(() => ({ persistence: { media: AppTemplatePersistence.nfs('nas.home.arpa', '/tank') } })).values.persistence.media.server, 'nas.home.arpa'],
  ])('accepts %s', (_what, fn, expected) => {
    expect(fn()).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Autoscalers in rawResources (the workload model, knowledge/workloads)

const hpa = (name: string, maxReplicas = 3) => ({
  manifest: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'home-assistant' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: 1, maxReplicas } },
});
const scaledObject = (name: string) => ({
  manifest: { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'home-assistant' }, spec: { scaleTargetRef: { name }, triggers: [{ type: 'cpu', metadata: { value: '80' } }] } },
});

describe('autoscalers in rawResources of a release with a static address', () => {
  test.each([
    ['a HorizontalPodAutoscaler on the release\'s Deployment', 'it would start a second pod with the same static address', { hpa: hpa('home-assistant') }],
    ['a HorizontalPodAutoscaler on <release>-<controller>', 'the name app-template gives the Deployment with several controllers', { hpa: hpa('home-assistant-home-assistant') }],
    ['a KEDA ScaledObject on a templated name', 'KEDA scales to 100 replicas by default, and {{ .Release.Name }} is the release', { keda: scaledObject('{{ .Release.Name }}') }],
  ])('refuses %s (%s)', (_what, _why, rawResources) => {
    const e = validationError(() => release((iot) => ({ networks: STATIC(iot), values: { rawResources } })));
    // THEN the refusal names rawResources, the autoscaler and why
    expect(e.field).toBe('values.rawResources');
    expect(e.message).toMatch(/scales it up to \d+ replicas \(rawResources\.(hpa|keda)\)" runs more than one pod/);
    expect(e.hint).toContain('leave ips and mac out of networks');
  });

  test.each([
    ['without a static address', () => release(() => ({ values: { rawResources: { hpa: hpa('home-assistant') } } }))],
    ['on another workload', () => release((iot) => ({ networks: STATIC(iot), values: { rawResources: { hpa: hpa('mosquitto') } } }))],
    ['that keeps one replica', () => release((iot) => ({ networks: STATIC(iot), values: { rawResources: { hpa: hpa('home-assistant', 1) } } }))],
  ])('accepts an autoscaler %s', (_what, fn) => {
    expect(thrown(fn)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Source options that cannot apply

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('source options that cannot apply to an existing source', () => {
  expectRows([
    ['a digest with an existing OCI source', 'nothing would be pinned: no OCIRepository is written', () => AppTemplateSource.oci({ existing: true, digest: DIGEST }), 'chart.source.digest', `"${DIGEST}"`],
    ['a URL with an existing OCI source', 'the release uses the existing source\'s URL', () => AppTemplateSource.oci({ existing: true, url: 'oci://ghcr.io/bjw-s-labs/helm/app-template' }), 'chart.source.url', '"oci://ghcr.io/bjw-s-labs/helm/app-template"'],
    ['an interval with an existing Helm repository', 'no HelmRepository is written to carry it', () => AppTemplateSource.helmRepository({ existing: true, interval: Duration.hours(1) }), 'chart.source.interval', '"60 minutes"'],
    ['a URL with an existing Multus repository', 'no HelmRepository is written to carry it', () => MultusChart.angelnu({ existingRepository: true, url: 'https://example.com/charts' }), 'chart.url', '"https://example.com/charts"'],
  ]);

  test('an existing source by name and namespace is still accepted', () => {
    expect(AppTemplateSource.oci({ existing: true, name: 'app-template-5', namespace: 'flux' }).existing).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// OCI references (flux/sources, the grammar of util/image)

describe('OCI URLs held to the OCI reference grammar', () => {
  expectRows([
    ['an upper-case path', 'OCI repository names are lower case; the registry answers 404', () => AppTemplateSource.oci({ url: 'oci://ghcr.io/BJW-S-Labs/helm/app-template' }), 'chart.source.url', '"oci://ghcr.io/BJW-S-Labs/helm/app-template"'],
    ['a trailing /', 'the chart name derived from the last component would be empty', () => MultusChart.bjwS({ url: 'oci://ghcr.io/bjw-s-labs/helm/multus/' }), 'chart.url', '"oci://ghcr.io/bjw-s-labs/helm/multus/"'],
    ['a ?query', 'an OCI reference has no query', () => AppTemplateSource.oci({ url: 'oci://ghcr.io/bjw-s-labs/helm/app-template?tag=5.0.0' }), 'chart.source.url', '"oci://ghcr.io/bjw-s-labs/helm/app-template?tag=5.0.0"'],
    ['a #fragment', 'nor a fragment', () => AppTemplateSource.oci({ url: 'oci://ghcr.io/bjw-s-labs/helm/app-template#x' }), 'chart.source.url', '"oci://ghcr.io/bjw-s-labs/helm/app-template#x"'],
    ['an empty path component', 'ghcr.io//helm is no repository', () => AppTemplateSource.oci({ url: 'oci://ghcr.io//helm/app-template' }), 'chart.source.url', '"oci://ghcr.io//helm/app-template"'],
    ['an OCI Helm repository with capitals', 'a HelmRepository of type oci takes the same grammar', () => tree().addHelmRepository('bjw-s', 'oci://ghcr.io/BJW-S-Labs/helm'), 'helmRepository.url', '"oci://ghcr.io/BJW-S-Labs/helm"'],
    ['an OCI Helm repository with a trailing /', 'Helm appends /<chart>, giving an empty component', () => tree().addHelmRepository('bjw-s', 'oci://ghcr.io/bjw-s-labs/helm/'), 'helmRepository.url', '"oci://ghcr.io/bjw-s-labs/helm/"'],
  ]);

  test.each([
    ['a registry with a port', 'oci://registry.home.arpa:5000/charts/app-template'],
    ['separators in the path', 'oci://ghcr.io/bjw-s-labs/helm__charts/app.template'],
  ])('accepts %s', (_what, url) => {
    expect(AppTemplateSource.oci({ url }).url).toBe(url);
  });
});

// ---------------------------------------------------------------------------------------------
// Node-wide singletons (util/node-resources)

describe('CniDhcpDaemon, a node-wide singleton', () => {
  const chart = (app: App, id: string, namespace: string) => new Chart(app, id, { namespace });

  expectRows([
    ['a binDir of /run/cni', 'the daemon mounts /run/cni for its socket: one path mounted twice, and the API server refuses the pod', () => new CniDhcpDaemon(chart(testApp(), 'c', 'kube-system'), 'dhcp', { cniPaths: CniPaths.custom('/etc/cni/net.d', '/run/cni') }), 'cniPaths.binDir', '"/run/cni"'],
    ['a binDir of /var/run/netns', 'the same for the network-namespace directory', () => new CniDhcpDaemon(chart(testApp(), 'c', 'kube-system'), 'dhcp', { cniPaths: CniPaths.custom('/etc/cni/net.d', '/var/run/netns') }), 'cniPaths.binDir', '"/var/run/netns"'],
    ['a second daemon in another namespace', 'both serve the node-wide /run/cni/dhcp.sock and remove each other\'s socket at start', () => {
      const app = testApp();
      new CniDhcpDaemon(chart(app, 'a', 'kube-system'), 'dhcp', { cniPaths: CniPaths.K3S });
      return new CniDhcpDaemon(chart(app, 'b', 'network'), 'dhcp', { cniPaths: CniPaths.K3S });
    }, 'namespace', '"network"'],
  ]);

  test('the refusal names the first daemon and the socket', () => {
    const app = testApp();
    new CniDhcpDaemon(chart(app, 'a', 'kube-system'), 'dhcp', { cniPaths: CniPaths.K3S });
    const e = validationError(() => new CniDhcpDaemon(chart(app, 'b', 'network'), 'dhcp', { cniPaths: CniPaths.K3S }));
    expect(e.message).toContain('claims /run/cni/dhcp.sock a second time');
    expect(e.hint).toContain('a/dhcp');
  });

  test('one daemon per cluster: two trees (two clusters) of one app, and two apps, each have their own', () => {
    const app = testApp();
    const inTree = (t: FluxTree) => new CniDhcpDaemon(new FluxKustomization(new FluxApp(t, 'dhcp', { namespace: 'kube-system' }), 'app'), 'dhcp', { cniPaths: CniPaths.K3S });
    expect(thrown(() => inTree(new FluxTree(app, 'home')))).toBeUndefined();
    expect(thrown(() => inTree(new FluxTree(app, 'lab')))).toBeUndefined();
    expect(thrown(() => new CniDhcpDaemon(chart(testApp(), 'a', 'kube-system'), 'dhcp', { cniPaths: CniPaths.K3S }))).toBeUndefined();
  });

  test('a refused daemon claims nothing: the corrected one is accepted', () => {
    const app = testApp();
    expect(thrown(() => new CniDhcpDaemon(chart(app, 'a', 'kube-system'), 'dhcp', { cniPaths: CniPaths.K3S, image: 'busybox' }))).toBeDefined();
    expect(thrown(() => new CniDhcpDaemon(chart(app, 'b', 'kube-system'), 'dhcp', { cniPaths: CniPaths.K3S }))).toBeUndefined();
  });
});

test('the chart pinned by digest on a written source still carries it', () => {
  const r = release(() => ({ chart: AppTemplateChart.bjwS({ source: AppTemplateSource.oci({ digest: DIGEST }) }) }));
  expect(r.chartSource?.toJson().spec.ref).toEqual({ tag: '5.0.0', digest: DIGEST });
});
