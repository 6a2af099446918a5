import { Duration, Size } from 'cdk8s';
import {
  AppTemplateEnvSource, AppTemplateFsGroupChangePolicy, AppTemplateHostPathType, AppTemplatePersistence, AppTemplatePortProtocol, AppTemplateProbe,
  AppTemplateReleaseProps, CpuQuantity, IotNetwork,
} from '../../src';

// The workloads AppTemplateRelease is designed from, as the public home-ops repositories run them
// with app-template (Home Assistant, ESPHome, zigbee2mqtt, Matter server, Scrypted), written with
// the construct's props. Addresses are in the documentation range of the tests' IoT network
// (test/helpers.ts IOT: 192.0.2.0/24, DHCP pool .150-.249, MACs allowed).

/** One real use: its construct id and props, given the IoT network. */
export interface Use {
  readonly id: string;
  readonly props: (iot: IotNetwork) => AppTemplateReleaseProps;
}

/** Home Assistant with a Zigbee stick: privileged, an existing claim for /config, probes, env, resources. */
export const HOME_ASSISTANT: Use = {
  id: 'home-assistant',
  props: (iot) => ({
    image: { repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.11.3' },
    ports: [{ name: 'http', port: 8123 }],
    env: { TZ: 'Europe/Berlin', HASS_HTTP_TRUSTED_PROXY_1: '10.42.0.0/16' },
    envFrom: [AppTemplateEnvSource.secret('home-assistant-secrets')],
    securityContext: { privileged: true },
    resources: { cpuRequest: CpuQuantity.millis(100), memoryRequest: Size.mebibytes(512), memoryLimit: Size.gibibytes(2) },
    probes: {
      liveness: AppTemplateProbe.http('/manifest.json'),
      readiness: AppTemplateProbe.tcp(),
      startup: AppTemplateProbe.tcp(8123, { period: Duration.seconds(10), failureThreshold: 30 }),
    },
    persistence: {
      config: AppTemplatePersistence.existingClaim('home-assistant-config', { mountPath: '/config' }),
      zigbee: AppTemplatePersistence.device('/dev/serial/by-id/usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus-if00-port0'),
      dbus: AppTemplatePersistence.hostPath('/run/dbus', { type: AppTemplateHostPathType.DIRECTORY, readOnly: true }),
    },
    nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
    networks: [{ network: iot, ips: ['192.0.2.10'], mac: '02:42:c0:00:02:0a' }],
  }),
};

/** ESPHome: the dashboard on the LAN (it pings the devices it builds for), a claim for /config, build cache. */
export const ESPHOME: Use = {
  id: 'esphome',
  props: (iot) => ({
    image: { repository: 'ghcr.io/esphome/esphome', tag: '2025.11.2' },
    ports: [{ name: 'http', port: 6052, protocol: AppTemplatePortProtocol.HTTP }],
    env: { ESPHOME_DASHBOARD_USE_PING: 'true', PLATFORMIO_CORE_DIR: '/cache/platformio' },
    persistence: {
      config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(2) }),
      cache: AppTemplatePersistence.emptyDir({ sizeLimit: Size.gibibytes(5) }),
    },
    probes: { liveness: AppTemplateProbe.tcp(), readiness: AppTemplateProbe.tcp() },
    networks: [{ network: iot, ips: ['192.0.2.11'] }],
  }),
};

/** zigbee2mqtt with the coordinator on USB: privileged, data on an existing claim, no LAN of its own. */
export const ZIGBEE2MQTT: Use = {
  id: 'zigbee2mqtt',
  props: () => ({
    image: { repository: 'ghcr.io/koenkk/zigbee2mqtt', tag: '2.6.3', digest: `sha256:${'1'.repeat(64)}` },
    ports: [{ name: 'http', port: 8080 }],
    env: {
      ZIGBEE2MQTT_DATA: '/data',
      ZIGBEE2MQTT_CONFIG_SERIAL_PORT: '/dev/ttyUSB0',
      ZIGBEE2MQTT_CONFIG_MQTT_SERVER: 'mqtt://mosquitto.home-automation.svc.cluster.local:1883',
    },
    securityContext: { privileged: true },
    persistence: {
      data: AppTemplatePersistence.existingClaim('zigbee2mqtt'),
      usb: AppTemplatePersistence.device('/dev/ttyUSB0'),
    },
    nodeSelector: { 'feature.node.kubernetes.io/usb-ff_1a86_7523.present': 'true' },
    resources: { cpuRequest: CpuQuantity.millis(10), memoryLimit: Size.mebibytes(384) },
  }),
};

/** Matter server: the websocket API, state in a claim, on the LAN for mDNS and Thread border routers. */
export const MATTER_SERVER: Use = {
  id: 'matter-server',
  props: (iot) => ({
    image: { repository: 'ghcr.io/home-assistant-libs/python-matter-server', tag: '8.1.0' },
    ports: [{ name: 'api', port: 5580 }],
    env: { TZ: 'Europe/Berlin', MATTER_SERVER__INSTANCE_NAME: 'Matter-Server' },
    persistence: { data: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(1), storageClass: 'local-path' }) },
    securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
    probes: { liveness: AppTemplateProbe.tcp(), startup: AppTemplateProbe.tcp(undefined, { period: Duration.seconds(5), failureThreshold: 30 }) },
    networks: [{ network: iot, ips: ['192.0.2.12'], mac: '02:42:c0:00:02:0c' }],
  }),
};

/** Scrypted: several ports, recordings on NFS, a non-root user with a NAS group, on the LAN for HomeKit. */
export const SCRYPTED: Use = {
  id: 'scrypted',
  props: (iot) => ({
    image: { repository: 'ghcr.io/koush/scrypted', tag: 'v0.141.0-noble-full' },
    ports: [
      { name: 'http', port: 11080 },
      { name: 'rebroadcast1', port: 34135 },
      { name: 'rebroadcast2', port: 34136 },
    ],
    podSecurityContext: {
      runAsUser: 2000, runAsGroup: 2000, runAsNonRoot: true, fsGroup: 2000,
      fsGroupChangePolicy: AppTemplateFsGroupChangePolicy.ON_ROOT_MISMATCH, supplementalGroups: [65542],
    },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    resources: { cpuRequest: CpuQuantity.millis(136), memoryRequest: Size.gibibytes(1), memoryLimit: Size.gibibytes(8) },
    probes: { liveness: AppTemplateProbe.tcp(), readiness: AppTemplateProbe.tcp() },
    persistence: {
      config: AppTemplatePersistence.existingClaim('scrypted-config', { mountPath: '/server/volume' }),
      recs: AppTemplatePersistence.nfs('nas.home.arpa', '/mnt/tank/scrypted', { mountPath: '/recs' }),
      cache: AppTemplatePersistence.emptyDir({ mountPath: '/.cache', inMemory: true, sizeLimit: Size.mebibytes(512) }),
    },
    networks: [{ network: iot, ips: ['192.0.2.13'], mac: '02:42:c0:00:02:0d' }],
  }),
};

/** Every real use. */
export const USES: Use[] = [HOME_ASSISTANT, ESPHOME, ZIGBEE2MQTT, MATTER_SERVER, SCRYPTED];
