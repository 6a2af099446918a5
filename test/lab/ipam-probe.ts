import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What the IPAM plugin sees of `net1` at the moment it runs: the question behind a pinned MAC.
 *
 * A DHCP client (the CNI `dhcp` daemon) reads the interface's hardware address when it asks for a
 * lease (plugins/ipam/dhcp/lease.go: `netlink.LinkByName(ifName)`, then `dhcp4client.HardwareAddr`
 * of that link), so a router reservation keyed on the pinned MAC only matches when net1 already
 * has that MAC when macvlan runs its IPAM plugin. DHCP itself is out of reach here (no server, no
 * daemon), so the lab puts a probe in the IPAM plugin's place: a plugin directory whose `static`
 * and `dhcp` are stand-ins that record net1's MAC first.
 *
 * - `static` records the MAC, then hands the request to the real static plugin (same stdin and
 *   environment), so the attachment is otherwise the real one.
 * - `dhcp` records the MAC and plays the router: it leases `reservedAddress` to `reservedMac`
 *   (a UniFi fixed IP) and `poolAddress` to any other MAC.
 *
 * Every other plugin of the directory is a link to the real one.
 */

/** The router the `dhcp` stand-in plays. */
export interface ProbeRouter {
  /** The MAC the router has a reservation for. */
  readonly reservedMac: string;
  /** What the reservation hands out, with prefix. */
  readonly reservedAddress: string;
  /** What any other MAC gets from the pool, with prefix. */
  readonly poolAddress: string;
}

/** One IPAM ADD as the probe saw it. */
export interface ProbeRecord {
  /** The IPAM plugin that ran (`static` or `dhcp`). */
  readonly ipam: string;
  readonly containerId: string;
  /** net1's MAC when the IPAM plugin ran. */
  readonly mac: string;
}

/** Plugins linked through unchanged. */
const REAL_PLUGINS = ['macvlan', 'tuning', 'sbr'];

/**
 * The probe: one Node script serving as both stand-ins (it looks at its own file name). It only
 * reads net1 (`ip -j link show`), so it cannot change what it observes. Bounded: each child it
 * runs has a timeout below the runtime's bound on the plugin.
 */
const PROBE = `
const { execFileSync, spawnSync } = require('node:child_process');
const { appendFileSync, readFileSync } = require('node:fs');
const { basename } = require('node:path');
const settings = __SETTINGS__;
const ipam = basename(process.argv[1]);
const stdin = readFileSync(0, 'utf8');
const env = process.env;
let mac;
if (env.CNI_COMMAND === 'ADD') {
  const netns = basename(env.CNI_NETNS);
  const [link] = JSON.parse(execFileSync('ip', ['-n', netns, '-j', 'link', 'show', 'dev', env.CNI_IFNAME], { timeout: 2000 }).toString());
  mac = link.address;
  appendFileSync(settings.log, JSON.stringify({ ipam, containerId: env.CNI_CONTAINERID, mac }) + '\\n');
}
if (ipam === 'static') {
  const real = spawnSync(settings.realStatic, [], { input: stdin, env, timeout: 2000 });
  process.stdout.write(real.stdout);
  process.stderr.write(real.stderr);
  process.exit(real.status ?? 1);
}
if (env.CNI_COMMAND === 'ADD') {
  const address = mac === settings.router.reservedMac ? settings.router.reservedAddress : settings.router.poolAddress;
  process.stdout.write(JSON.stringify({ cniVersion: JSON.parse(stdin).cniVersion, ips: [{ version: '4', address }] }));
}
`;

/** A plugin directory with the probing IPAM stand-ins, and what they recorded. */
export class IpamProbe {
  /** Creates the directory; `realPluginDir` holds the reference plugins. */
  public static create(router: ProbeRouter, realPluginDir = '/usr/lib/cni'): IpamProbe {
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-multus-lab-ipam-'));
    const log = join(dir, 'probe.log');
    writeFileSync(log, '');
    const settings = { log, realStatic: join(realPluginDir, 'static'), router };
    // The settings are a JSON literal in the script (JSON is valid JavaScript): the plugins get a
    // fixed environment from the runtime, so nothing can be passed to the probe from outside.
    const script = `#!${process.execPath}\n${PROBE.replace('__SETTINGS__', () => JSON.stringify(settings))}`;
    for (const ipam of ['static', 'dhcp']) {
      writeFileSync(join(dir, ipam), script);
      chmodSync(join(dir, ipam), 0o755);
    }
    for (const plugin of REAL_PLUGINS) symlinkSync(join(realPluginDir, plugin), join(dir, plugin));
    return new IpamProbe(dir, log);
  }

  private constructor(
    /** The plugin directory: give it to the runtime as `pluginDir` (`CNI_PATH`). */
    public readonly pluginDir: string,
    private readonly log: string,
  ) {}

  /** Every IPAM ADD so far, oldest first. */
  public records(): ProbeRecord[] {
    return readFileSync(this.log, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as ProbeRecord);
  }

  /** The IPAM ADDs of one attachment. */
  public recordsOf(containerId: string): ProbeRecord[] {
    return this.records().filter((r) => r.containerId === containerId);
  }

  /** Removes the directory. */
  public destroy(): void {
    rmSync(this.pluginDir, { recursive: true, force: true });
  }
}
