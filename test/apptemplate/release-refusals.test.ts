import { Chart, Duration, Size } from 'cdk8s';
import {
  AppTemplateChart, AppTemplateEnvSource, AppTemplatePersistence, AppTemplateProbe, AppTemplateRelease, AppTemplateReleaseProps,
  AppTemplateStrategy, CpuQuantity, IotNetwork, NetworkRef, ValidationError,
} from '../../src';
import { IOT, expectRefusal, testApp, validationError } from '../helpers';

const IMAGE = { repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.11.3' };
const C = 'values.controllers.home-assistant';

/** GIVEN a chart in home-automation and the IoT network; WHEN a release `home-assistant` gets `props` (and the network). */
function make(props: (iot: IotNetwork) => Record<string, unknown>, scope?: (app: any) => Chart): AppTemplateRelease {
  const app = testApp();
  const iot = new IotNetwork(new Chart(app, 'net', { namespace: 'kube-system' }), 'iot', IOT);
  const home = scope ? scope(app) : new Chart(app, 'home', { namespace: 'home-automation' });
  return new AppTemplateRelease(home, 'home-assistant', { image: IMAGE, ...props(iot) } as AppTemplateReleaseProps);
}

const STATIC = (iot: IotNetwork) => [{ network: iot, ips: ['192.0.2.10'] }];
const MAC_ONLY = (iot: IotNetwork) => [{ network: iot, mac: '02:42:c0:00:02:0a' }];

describe('AppTemplateRelease refuses, naming field, value and fix', () => {
  // [what, props, field, the value as the message shows it]
  const cases: Array<[string, (iot: IotNetwork) => Record<string, unknown>, string, string]> = [
    // the image
    ['no image', () => ({ image: undefined }), 'image', 'undefined'],
    ['an image that is a string', () => ({ image: 'ghcr.io/home-operations/home-assistant:2025.11.3' }), 'image', '"ghcr.io/home-operations/home-assistant:2025.11.3"'],
    ['an upper-case repository', () => ({ image: { repository: 'ghcr.io/Home/HA', tag: '1' } }), 'image.repository', '"ghcr.io/Home/HA"'],
    ['a repository with its tag', () => ({ image: { repository: 'ghcr.io/home-operations/home-assistant:2025.11.3', tag: '2025.11.3' } }), 'image.repository', '"ghcr.io/home-operations/home-assistant:2025.11.3"'],
    ['no tag', () => ({ image: { repository: 'ghcr.io/home-operations/home-assistant' } }), 'image.tag', 'undefined'],
    ['the tag latest', () => ({ image: { ...IMAGE, tag: 'latest' } }), 'image.tag', '"latest"'],
    ['a digest in the tag', () => ({ image: { ...IMAGE, tag: `2025.11.3@sha256:${'a'.repeat(64)}` } }), 'image.tag', `"2025.11.3@sha256:${'a'.repeat(64)}"`],
    ['a short digest', () => ({ image: { ...IMAGE, digest: 'sha256:abc' } }), 'image.digest', '"sha256:abc"'],
    ['a numeric tag', () => ({ image: { ...IMAGE, tag: 2025 } }), 'image.tag', '2025'],
    // names and places
    ['a release name that is no DNS label', () => ({ releaseName: 'Home_Assistant' }), 'releaseName', '"Home_Assistant"'],
    ['a release name longer than Helm allows', () => ({ releaseName: 'a'.repeat(54) }), 'releaseName', JSON.stringify('a'.repeat(54))],
    ['a controller that is no DNS label', () => ({ controller: 'main.app' }), 'controller', '"main.app"'],
    ['a namespace that is no DNS label', () => ({ namespace: 'Home' }), 'namespace', '"Home"'],
    ['an interval that is no Duration', () => ({ interval: '30m' }), 'interval', '"30m"'],
    ['a chart that is no AppTemplateChart', () => ({ chart: { version: '5.0.0' } }), 'chart', '{"version":"5.0.0"}'],
    // pods at once
    ['replicas above 1 with a static address', (iot) => ({ networks: STATIC(iot), replicas: 2 }), 'replicas', '2'],
    ['replicas above 1 with a pinned MAC', (iot) => ({ networks: MAC_ONLY(iot), replicas: 3 }), 'replicas', '3'],
    ['a rolling update with a static address', (iot) => ({ networks: STATIC(iot), strategy: AppTemplateStrategy.ROLLING_UPDATE }), 'strategy', '"RollingUpdate"'],
    ['a strategy that is none', () => ({ strategy: 'OnDelete' }), 'strategy', '"OnDelete"'],
    ['fractional replicas', () => ({ replicas: 1.5 }), 'replicas', '1.5'],
    ['negative replicas', () => ({ replicas: -1 }), 'replicas', '-1'],
    ['an empty network list', () => ({ networks: [] }), 'networks', '[]'],
    // ports
    ['ports that are no list', () => ({ ports: { http: 8123 } }), 'ports', '{"http":8123}'],
    ['a port name with capitals', () => ({ ports: [{ name: 'HTTP', port: 8123 }] }), 'ports[0].name', '"HTTP"'],
    ['a port name longer than 15', () => ({ ports: [{ name: 'home-assistant-ui', port: 8123 }] }), 'ports[0].name', '"home-assistant-ui"'],
    ['a port name twice', () => ({ ports: [{ name: 'http', port: 8123 }, { name: 'http', port: 8124 }] }), 'ports[1].name', '"http"'],
    ['a port number twice', () => ({ ports: [{ name: 'http', port: 8123 }, { name: 'api', port: 8123 }] }), 'ports[1].port', '8123'],
    ['port 0', () => ({ ports: [{ name: 'http', port: 0 }] }), 'ports[0].port', '0'],
    ['port 65536', () => ({ ports: [{ name: 'http', port: 65536 }] }), 'ports[0].port', '65536'],
    ['a port as a string', () => ({ ports: [{ name: 'http', port: '8123' }] }), 'ports[0].port', '"8123"'],
    ['a protocol that is none', () => ({ ports: [{ name: 'http', port: 8123, protocol: 'SCTP' }] }), 'ports[0].protocol', '"SCTP"'],
    ['a port that is null', () => ({ ports: [null] }), 'ports[0]', 'null'],
    // persistence
    ['persistence that is a list', () => ({ persistence: [AppTemplatePersistence.emptyDir()] }), 'persistence', '[{"type":"emptyDir","isDevice":false,"_given":{"options":{}}}]'],
    ['a volume that is a plain object', () => ({ persistence: { config: { type: 'persistentVolumeClaim', size: '5Gi' } } }), 'persistence.config', '{"type":"persistentVolumeClaim","size":"5Gi"}'],
    ['a volume name that is no DNS label', () => ({ persistence: { Config: AppTemplatePersistence.emptyDir() } }), 'persistence.Config', '"Config"'],
    ['a claim without size', () => ({ persistence: { config: AppTemplatePersistence.persistentVolumeClaim({} as any) } }), 'persistence.config.size', 'undefined'],
    ['a claim size as a string', () => ({ persistence: { config: AppTemplatePersistence.persistentVolumeClaim({ size: '5Gi' as any }) } }), 'persistence.config.size', '"5Gi"'],
    ['a claim of half a mebibyte', () => ({ persistence: { config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.kibibytes(512) }) } }), 'persistence.config.size', '"0.5Mi"'],
    ['an access mode that is none', () => ({ persistence: { config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(1), accessMode: 'RWO' as any }) } }), 'persistence.config.accessMode', '"RWO"'],
    ['a storage class with capitals', () => ({ persistence: { config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(1), storageClass: 'Longhorn' }) } }), 'persistence.config.storageClass', '"Longhorn"'],
    ['an existing claim that is no name', () => ({ persistence: { config: AppTemplatePersistence.existingClaim('{{ .Release.Name }}') } }), 'persistence.config.claimName', '"{{ .Release.Name }}"'],
    ['a relative mount path', () => ({ persistence: { config: AppTemplatePersistence.existingClaim('ha', { mountPath: 'config' }) } }), 'persistence.config.mountPath', '"config"'],
    ['a mount path with ..', () => ({ persistence: { config: AppTemplatePersistence.existingClaim('ha', { mountPath: '/config/../etc' }) } }), 'persistence.config.mountPath', '"/config/../etc"'],
    ['a mount path with a trailing /', () => ({ persistence: { config: AppTemplatePersistence.existingClaim('ha', { mountPath: '/config/' }) } }), 'persistence.config.mountPath', '"/config/"'],
    ['two volumes at one path', () => ({ persistence: { a: AppTemplatePersistence.emptyDir({ mountPath: '/tmp' }), b: AppTemplatePersistence.emptyDir({ mountPath: '/tmp' }) } }), 'persistence.b.mountPath', '"/tmp"'],
    ['a device outside /dev', (_iot) => ({ securityContext: { privileged: true }, persistence: { usb: AppTemplatePersistence.device('/sys/bus/usb') } }), 'persistence.usb.hostPath', '"/sys/bus/usb"'],
    ['a device without a privileged container', () => ({ persistence: { usb: AppTemplatePersistence.device('/dev/ttyUSB0') } }), 'persistence.usb', '"/dev/ttyUSB0"'],
    ['a relative host path', () => ({ persistence: { dbus: AppTemplatePersistence.hostPath('run/dbus') } }), 'persistence.dbus.hostPath', '"run/dbus"'],
    ['a host path type that is none', () => ({ persistence: { dbus: AppTemplatePersistence.hostPath('/run/dbus', { type: 'Dir' as any }) } }), 'persistence.dbus.type', '"Dir"'],
    ['readOnly that is no boolean', () => ({ persistence: { dbus: AppTemplatePersistence.hostPath('/run/dbus', { readOnly: 'yes' as any }) } }), 'persistence.dbus.readOnly', '"yes"'],
    ['an NFS server with a space', () => ({ persistence: { recs: AppTemplatePersistence.nfs('nas home', '/recs') } }), 'persistence.recs.server', '"nas home"'],
    ['an emptyDir limit as a string', () => ({ persistence: { tmp: AppTemplatePersistence.emptyDir({ sizeLimit: '1Gi' as any }) } }), 'persistence.tmp.sizeLimit', '"1Gi"'],
    // env
    ['env as a list', () => ({ env: [{ name: 'TZ', value: 'UTC' }] }), 'env', '[{"name":"TZ","value":"UTC"}]'],
    ['an env value that is a number', () => ({ env: { ZIGBEE2MQTT_CONFIG_MQTT_VERSION: 5 } }), 'env.ZIGBEE2MQTT_CONFIG_MQTT_VERSION', '5'],
    ['an env name starting with a digit', () => ({ env: { '1TZ': 'UTC' } }), 'env', '"1TZ"'],
    ['an env name with =', () => ({ env: { 'A=B': 'c' } }), 'env', '"A=B"'],
    ['an envFrom that is a string', () => ({ envFrom: ['home-assistant'] }), 'envFrom[0]', '"home-assistant"'],
    ['an envFrom name with capitals', () => ({ envFrom: [AppTemplateEnvSource.secret('HA')] }), 'envFrom[0].name', '"HA"'],
    // security
    ['privileged that is no boolean', () => ({ securityContext: { privileged: 'true' } }), 'securityContext.privileged', '"true"'],
    ['privileged without privilege escalation', () => ({ securityContext: { privileged: true, allowPrivilegeEscalation: false } }), 'securityContext.allowPrivilegeEscalation', 'false'],
    ['a capability with CAP_', () => ({ securityContext: { capabilities: { add: ['CAP_NET_ADMIN'] } } }), 'securityContext.capabilities.add[0]', '"CAP_NET_ADMIN"'],
    ['a capability in lower case', () => ({ securityContext: { capabilities: { drop: ['all'] } } }), 'securityContext.capabilities.drop[0]', '"all"'],
    ['runAsNonRoot with user 0', () => ({ podSecurityContext: { runAsNonRoot: true, runAsUser: 0 } }), 'podSecurityContext.runAsUser', '0'],
    ['a negative user id', () => ({ podSecurityContext: { runAsUser: -1 } }), 'podSecurityContext.runAsUser', '-1'],
    ['a group id that is a string', () => ({ podSecurityContext: { supplementalGroups: ['dialout'] } }), 'podSecurityContext.supplementalGroups[0]', '"dialout"'],
    ['an fsGroupChangePolicy that is none', () => ({ podSecurityContext: { fsGroupChangePolicy: 'Never' } }), 'podSecurityContext.fsGroupChangePolicy', '"Never"'],
    // resources
    ['a cpu request as a string', () => ({ resources: { cpuRequest: '100m' } }), 'resources.cpuRequest', '"100m"'],
    ['a memory limit below the request', () => ({ resources: { memoryRequest: Size.gibibytes(1), memoryLimit: Size.mebibytes(512) } }), 'resources.memoryLimit', '"512Mi"'],
    ['a cpu limit below the request', () => ({ resources: { cpuRequest: CpuQuantity.millis(500), cpuLimit: CpuQuantity.millis(100) } }), 'resources.cpuLimit', '"100m"'],
    // probes
    ['a probe that is a plain object', () => ({ probes: { liveness: { type: 'TCP', port: 8123 } } }), 'probes.liveness', '{"type":"TCP","port":8123}'],
    ['a probe key that is none', () => ({ ports: [{ name: 'http', port: 8123 }], probes: { live: AppTemplateProbe.tcp() } }), 'probes.live', '"live"'],
    ['a probe without a port on a release without ports', () => ({ probes: { liveness: AppTemplateProbe.tcp() } }), 'probes.liveness.port', 'undefined'],
    ['a probe port of 0', () => ({ probes: { liveness: AppTemplateProbe.tcp(0) } }), 'probes.liveness.port', '0'],
    ['an HTTP probe path without /', () => ({ probes: { liveness: AppTemplateProbe.http('healthz', 8123) } }), 'probes.liveness.path', '"healthz"'],
    ['a probe period of half a second', () => ({ probes: { liveness: AppTemplateProbe.tcp(8123, { period: Duration.millis(500) }) } }), 'probes.liveness.period', '"0.5s"'],
    ['a probe failure threshold of 0', () => ({ probes: { startup: AppTemplateProbe.tcp(8123, { failureThreshold: 0 }) } }), 'probes.startup.failureThreshold', '0'],
    // node selector
    ['a node selector value with a space', () => ({ nodeSelector: { 'kubernetes.io/hostname': 'node 1' } }), 'nodeSelector.kubernetes.io/hostname', '"node 1"'],
    ['a node selector key with a space', () => ({ nodeSelector: { 'zigbee stick': 'true' } }), 'nodeSelector', '"zigbee stick"'],
    // values that would undo the props
    ['values that are a string', () => ({ values: 'controllers: {}' }), 'values', '"controllers: {}"'],
    ['a networks annotation on the controller\'s own metadata', () => ({ values: { controllers: { 'home-assistant': { annotations: { 'k8s.v1.cni.cncf.io/networks': 'iot' } } } } }), `${C}.annotations.k8s.v1.cni.cncf.io/networks`, '"iot"'],
    ['a networks annotation on the pod, past the networks prop', () => ({ values: { controllers: { 'home-assistant': { pod: { annotations: { 'k8s.v1.cni.cncf.io/networks': 'iot' } } } } } }), `${C}.pod.annotations.k8s.v1.cni.cncf.io/networks`, '"iot"'],
    ['a networks annotation in the default pod options', () => ({ values: { defaultPodOptions: { annotations: { 'k8s.v1.cni.cncf.io/networks': 'iot' } } } }), 'values.defaultPodOptions.annotations.k8s.v1.cni.cncf.io/networks', '"iot"'],
    ['the image through values', () => ({ values: { controllers: { 'home-assistant': { containers: { app: { image: { tag: 'latest' } } } } } } }), `${C}.containers.app.image`, '{"tag":"latest"}'],
    ['replicas through values', () => ({ values: { controllers: { 'home-assistant': { replicas: 2 } } } }), `${C}.replicas`, '2'],
    ['a strategy through values', () => ({ values: { controllers: { 'home-assistant': { strategy: 'RollingUpdate' } } } }), `${C}.strategy`, '"RollingUpdate"'],
    ['a daemonset through values', () => ({ values: { controllers: { 'home-assistant': { type: 'daemonset' } } } }), `${C}.type`, '"daemonset"'],
    ['an autoscaler with a static address', (iot) => ({ networks: STATIC(iot), values: { controllers: { 'home-assistant': { horizontalPodAutoscaler: { maxReplicas: 3 } } } } }), `${C}.horizontalPodAutoscaler`, '{"maxReplicas":3}'],
    ['hostNetwork on the pod with networks', (iot) => ({ networks: STATIC(iot), values: { controllers: { 'home-assistant': { pod: { hostNetwork: true } } } } }), `${C}.pod.hostNetwork`, 'true'],
    ['hostNetwork by default with networks', () => ({ networks: [{ network: NetworkRef.of('lan', 'kube-system') }], values: { defaultPodOptions: { hostNetwork: true } } }), 'values.defaultPodOptions.hostNetwork', 'true'],
    ['the controllers removed', () => ({ values: { controllers: null } }), 'values.controllers', 'null'],
    ['the controller removed', () => ({ values: { controllers: { 'home-assistant': null } } }), C, 'null'],
    ['the controller replaced by a string', () => ({ values: { controllers: { 'home-assistant': 'main' } } }), C, '"main"'],
    ['the containers replaced by a list', () => ({ values: { controllers: { 'home-assistant': { containers: [] } } } }), `${C}.containers`, '[]'],
    ['the container removed', () => ({ values: { controllers: { 'home-assistant': { containers: { app: null } } } } }), `${C}.containers.app`, 'null'],
    ['the controller disabled', () => ({ values: { controllers: { 'home-assistant': { enabled: false } } } }), `${C}.enabled`, 'false'],
    ['rawResources in the 4.x layout on 5.x', () => ({ values: { rawResources: { extra: { apiVersion: 'v1', kind: 'ConfigMap', spec: {} } } } }), 'values.rawResources.extra', '["apiVersion","kind","spec"]'],
    ['rawResources in the 5.x layout on 4.x', () => ({ chart: AppTemplateChart.bjwS({ version: '4.1.1' }), values: { rawResources: { extra: { manifest: {} } } } }), 'values.rawResources.extra', '["manifest"]'],
  ];

  test.each(cases)('%s', (_what, props, field, shown) => {
    expectRefusal(() => make(props), field, shown);
  });

  test('no props at all (a JavaScript caller)', () => {
    const home = new Chart(testApp(), 'home', { namespace: 'home-automation' });
    expectRefusal(() => new AppTemplateRelease(home, 'x', undefined as any), 'image', 'undefined');
    expectRefusal(() => new AppTemplateRelease(home, 'y', null as any), 'image', 'null');
  });

  test('a release outside any cdk8s Chart', () => {
    expectRefusal(() => new AppTemplateRelease(testApp(), 'home-assistant', { image: IMAGE }), 'scope', '"home-assistant"');
  });

  test('no namespace: neither given nor from the chart', () => {
    expectRefusal(() => make(() => ({}), (app) => new Chart(app, 'plain')), 'namespace', 'undefined');
  });

  test('values that cannot be serialized are refused, not a TypeError', () => {
    const loop: any = { a: 1 };
    loop.self = loop;
    expectRefusal(() => make(() => ({ values: loop })), 'values', '"[unserializable]"');
  });

  test('independent problems come in one error, with the construct path', () => {
    // GIVEN three unrelated mistakes WHEN the release is made THEN one ValidationError lists them all
    const err = validationError(() => make(() => ({ image: { ...IMAGE, tag: 'latest' }, replicas: -1, ports: [{ name: 'HTTP', port: 8123 }] })));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.problems.map((p) => p.field)).toEqual(['image.tag', 'replicas', 'ports[0].name']);
    expect(err.problems.every((p) => p.constructPath === 'home/home-assistant')).toBe(true);
  });

  test('a device refusal says how to fix it', () => {
    const err = validationError(() => make(() => ({ persistence: { usb: AppTemplatePersistence.device('/dev/ttyUSB0') } })));
    expect(err.message).toContain('set securityContext: { privileged: true }');
  });

  test('a networks annotation on the controller names the wrong object', () => {
    const err = validationError(() => make(() => ({ values: { controllers: { 'home-assistant': { annotations: { 'k8s.v1.cni.cncf.io/networks': 'iot' } } } } })));
    expect(err.message).toContain('is on the wrong object: this is the controller\'s own metadata');
  });
});
