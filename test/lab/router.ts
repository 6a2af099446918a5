import { connect } from 'node:net';
import { dhcpDaemonDaemonSet } from '../../src/multus/dhcp-daemon';
import { LabDaemon } from './daemon';

/**
 * The real DHCP parts of the lab: dnsmasq as the LAN's DHCP server (the router) and the reference
 * plugins' dhcp daemon on the node, started with the command line `CniDhcpDaemon` renders.
 */

/** The router's DHCP service. */
export interface RouterOptions {
  /** The router's interface on the LAN, in the LAN namespace. */
  readonly interface: string;
  /** The pool, inclusive. */
  readonly poolStart: string;
  readonly poolEnd: string;
  readonly netmask: string;
  /** Fixed IPs by MAC (a UniFi "fixed IP"): `--dhcp-host=MAC,IP`. */
  readonly reservations: ReadonlyArray<{ readonly mac: string; readonly address: string }>;
  /** Where the lease file goes. */
  readonly dir: string;
}

/**
 * Starts dnsmasq as a DHCP server only (no DNS, no config file, no hosts file) on one interface of
 * namespace `netns`, logging every DHCP exchange to stderr. `--no-ping` skips the probe dnsmasq
 * sends before offering an address, which only slows the lab down. `--user=root --group=root`
 * keep it from switching user and group: the kernel clears the parent-death signal (LabDaemon) on
 * a change of credentials, and dnsmasq would outlive a killed jest worker.
 */
export async function startRouter(netns: string, options: RouterOptions): Promise<LabDaemon> {
  const router = LabDaemon.start('dnsmasq', netns, 'dnsmasq', [
    '--keep-in-foreground',
    '--user=root',
    '--group=root',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--port=0',
    `--interface=${options.interface}`,
    '--bind-interfaces',
    `--dhcp-range=${options.poolStart},${options.poolEnd},${options.netmask},1h`,
    ...options.reservations.map((r) => `--dhcp-host=${r.mac},${r.address}`),
    `--dhcp-leasefile=${options.dir}/dnsmasq.leases`,
    '--dhcp-authoritative',
    '--no-ping',
    '--log-dhcp',
    '--log-facility=-',
    '--pid-file=',
  ]);
  await router.waitFor(/DHCP, sockets bound exclusively to interface/, 5000);
  return router;
}

/** The command line of the dhcp daemon as `CniDhcpDaemon` renders it, for a plugin directory and socket directory. */
export function dhcpDaemonCommandLine(binDir: string, socketDir: string): string[] {
  const props = dhcpDaemonDaemonSet({ name: 'lab', namespace: 'lab', image: 'lab:1', binDir, socketDir, netnsDir: '/var/run/netns' });
  return props.spec!.template.spec!.containers[0].command!;
}

/**
 * Starts the dhcp daemon in namespace `netns` (the node's) with the construct's command line, and
 * resolves once its socket answers.
 */
export async function startDhcpDaemon(netns: string, binDir: string, socketDir: string): Promise<LabDaemon> {
  const [command, ...args] = dhcpDaemonCommandLine(binDir, socketDir);
  const daemon = LabDaemon.start('dhcp daemon', netns, command, args);
  await waitForSocket(`${socketDir}/dhcp.sock`, daemon, 5000);
  return daemon;
}

/** Resolves once a connection to the unix socket `path` is accepted; rejects after `timeoutMs` or when `daemon` exits. */
async function waitForSocket(path: string, daemon: LabDaemon, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(path);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!daemon.running) throw new Error(`${daemon.name} exited before its socket ${path} answered:\n${daemon.output}`);
    if (Date.now() > deadline) throw new Error(`${daemon.name}: no answer on ${path} within ${timeoutMs} ms:\n${daemon.output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A regular expression matching `text` literally. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
