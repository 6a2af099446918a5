// The Home Assistant setup of the README, in TypeScript: the twin of main.py, line for line.
// test/python/python.test.ts synthesizes both and holds their output byte-identical.
import { App, Chart, Size } from 'cdk8s';
import {
  AppTemplatePersistence, AppTemplateRelease, CniPaths, IotNetwork, MultusChart, MultusInstall,
} from 'cdk8s-multus';

const app = new App();
const system = new Chart(app, 'multus', { namespace: 'kube-system' });

// Multus through Flux, on nodes whose containerd reads /etc/cni/net.d and /opt/cni/bin.
new MultusInstall(system, 'multus', {
  cniPaths: CniPaths.STANDARD,
  chart: MultusChart.angelnu(),
  resources: { memoryLimit: Size.mebibytes(512) },
});

// The IoT LAN; the router leases .150 to .249, so no pod may claim an address there.
const iot = new IotNetwork(system, 'iot', {
  subnet: '192.168.20.0/24',
  master: 'eth0',
  gateway: '192.168.20.1',
  dhcpRange: { start: '192.168.20.150', end: '192.168.20.249' },
  macCapability: true,
});

const home = new Chart(app, 'home-automation', { namespace: 'home-automation' });

// Home Assistant at .100, with its Zigbee stick: one pod, replaced with Recreate.
new AppTemplateRelease(home, 'home-assistant', {
  image: { repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.11.3' },
  ports: [{ name: 'http', port: 8123 }],
  env: { TZ: 'Europe/Berlin' },
  persistence: {
    config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(5) }),
    zigbee: AppTemplatePersistence.device('/dev/serial/by-id/usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus-if00-port0'),
  },
  securityContext: { privileged: true },
  nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
  networks: [{ network: iot, ips: ['192.168.20.100'], mac: '02:42:c0:a8:14:64' }],
});

// ESPHome at .101, next to the devices it flashes and pings.
new AppTemplateRelease(home, 'esphome', {
  image: { repository: 'ghcr.io/esphome/esphome', tag: '2025.11.2' },
  ports: [{ name: 'http', port: 6052 }],
  env: { ESPHOME_DASHBOARD_USE_PING: 'true' },
  persistence: { config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(2) }) },
  networks: [{ network: iot, ips: ['192.168.20.101'] }],
});

app.synth();
