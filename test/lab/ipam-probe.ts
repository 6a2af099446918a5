import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What the static IPAM plugin sees of `net1` at the moment it runs.
 *
 * macvlan creates the link and only then runs its IPAM plugin, so with `capabilities.mac` on macvlan
 * the IPAM plugin already finds the pinned MAC. With `Ipam.dhcp()` the real router shows that (the
 * DHCP request carries the MAC: dhcp.test.ts); static IPAM sends nothing on the wire, so the lab
 * puts a probe in its place: a plugin directory whose `static` records net1's MAC, then hands the
 * request to the real static plugin (same stdin and environment), so the attachment is otherwise
 * the real one. Every other plugin of the directory is a link to the real one.
 */

/** One IPAM ADD as the probe saw it. */
export interface ProbeRecord {
  /** The IPAM plugin that ran (`static`). */
  readonly ipam: string;
  readonly containerId: string;
  /** net1's MAC when the IPAM plugin ran. */
  readonly mac: string;
}

/** Plugins linked through unchanged. */
const REAL_PLUGINS = ['macvlan', 'tuning', 'sbr', 'ptp', 'host-local'];

/**
 * The probe, a Node script. It only reads net1 (`ip -j link show`), so it cannot change what it
 * observes. Bounded: each child it runs has a timeout below the runtime's bound on the plugin.
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
const real = spawnSync(settings.realStatic, [], { input: stdin, env, timeout: 2000 });
process.stdout.write(real.stdout);
process.stderr.write(real.stderr);
process.exit(real.status ?? 1);
`;

/** A plugin directory with the probing static IPAM, and what it recorded. */
export class IpamProbe {
  /** Creates the directory; `realPluginDir` holds the reference plugins. */
  public static create(realPluginDir: string): IpamProbe {
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-multus-lab-ipam-'));
    const log = join(dir, 'probe.log');
    writeFileSync(log, '');
    const settings = { log, realStatic: join(realPluginDir, 'static') };
    // The settings are a JSON literal in the script (JSON is valid JavaScript): the plugins get a
    // fixed environment from the runtime, so nothing can be passed to the probe from outside.
    const script = `#!${process.execPath}\n${PROBE.replace('__SETTINGS__', () => JSON.stringify(settings))}`;
    writeFileSync(join(dir, 'static'), script);
    chmodSync(join(dir, 'static'), 0o755);
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
