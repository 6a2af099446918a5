import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execOk } from './exec';

/**
 * The lab's Go module (`runner/`), built on first use with the machine's Go (1.26, in
 * /usr/local/go/bin, ahead of any other `go` on PATH) and the modules `runner/go.mod` pins, which
 * come through the Go module proxy into Go's module cache:
 * - `runner`: the real Multus (multus-cni v4 `pkg/multus`) driving one pod's ADD or DEL, with the
 *   pod and NADs served by client-go's and the NAD client's fakes;
 * - the CNI reference plugins the lab runs (containernetworking/plugins v1.10), each a `tool` of
 *   the module, into a plugin directory of their own.
 * Debian's containernetworking-plugins (1.1.1, /usr/lib/cni) stay beside them for what older
 * nodes do. Everything built is cached under the temp directory by a hash of the module's files,
 * the plugin list and the Go version, so jest workers and later runs reuse it; nothing built is committed.
 */

const MODULE = join(__dirname, 'runner');
/** Go 1.26, the toolchain go.mod asks for; put first on PATH. */
const GO_BIN = '/usr/local/go/bin';
/** The module download and the first build of client-go and Multus (later builds are cached). */
const BUILD_TIMEOUT_MS = 1_200_000;

/** The reference plugins the lab builds from containernetworking/plugins (the tools of go.mod). */
export const PLUGINS: Readonly<Record<string, string>> = {
  macvlan: 'github.com/containernetworking/plugins/plugins/main/macvlan',
  ptp: 'github.com/containernetworking/plugins/plugins/main/ptp',
  static: 'github.com/containernetworking/plugins/plugins/ipam/static',
  dhcp: 'github.com/containernetworking/plugins/plugins/ipam/dhcp',
  'host-local': 'github.com/containernetworking/plugins/plugins/ipam/host-local',
  tuning: 'github.com/containernetworking/plugins/plugins/meta/tuning',
  sbr: 'github.com/containernetworking/plugins/plugins/meta/sbr',
};

/** Debian's containernetworking-plugins 1.1.1: what older nodes run. */
export const DEBIAN_PLUGIN_DIR = '/usr/lib/cni';

function buildEnv(): Record<string, string> {
  return {
    PATH: `${GO_BIN}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`,
    HOME: process.env.HOME ?? '/root',
    // Go's build cache next to the binaries, not in the user's home; no C toolchain needed.
    GOCACHE: join(tmpdir(), 'cdk8s-multus-lab-gocache'),
    CGO_ENABLED: '0',
    // go.mod and go.sum are the pins: a build never edits them.
    GOFLAGS: '-mod=readonly',
    ...(process.env.GOPROXY ? { GOPROXY: process.env.GOPROXY } : {}),
    ...(process.env.GOMODCACHE ? { GOMODCACHE: process.env.GOMODCACHE } : {}),
  };
}

/** Why the lab's Go module cannot be built here, or undefined when it can. */
export function runnerUnavailableReason(): string | undefined {
  if (!existsSync(join(GO_BIN, 'go'))) return `Go not found in ${GO_BIN} (the lab builds its runner with Go 1.26)`;
  return undefined;
}

/** The built runner and reference plugins. */
export interface LabBuild {
  /** The Multus runner binary. */
  readonly runner: string;
  /** The directory of the reference plugins 1.10 (binDir and CNI_PATH). */
  readonly pluginDir: string;
}

let built: Promise<LabBuild> | undefined;

/** The runner and the plugins, built when no cached build of this module exists. */
export function labBuild(): Promise<LabBuild> {
  built ??= build();
  return built;
}

async function build(): Promise<LabBuild> {
  const env = buildEnv();
  const goVersion = await execOk('go', ['version'], { env, timeoutMs: 10_000 });
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) hash.update(file).update(readFileSync(join(MODULE, file)));
  hash.update(JSON.stringify(PLUGINS));
  const dir = join(tmpdir(), `cdk8s-multus-lab-build-${hash.update(goVersion).digest('hex').slice(0, 16)}`);
  const result = { runner: join(dir, 'runner'), pluginDir: join(dir, 'plugins') };
  if (existsSync(join(dir, 'complete'))) return result;
  // Built into a directory of its own, then renamed: another jest worker may be building the same.
  const partial = `${dir}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(join(partial, 'plugins'), { recursive: true });
  try {
    const go = (args: string[]) => execOk('go', args, { env, cwd: MODULE, timeoutMs: BUILD_TIMEOUT_MS });
    // One build of the runner (the module's own package, `runner`) and the plugins, compiled in parallel.
    await go(['build', '-trimpath', '-o', join(partial, 'plugins') + '/', '.', ...Object.values(PLUGINS)]);
    renameSync(join(partial, 'plugins', 'runner'), join(partial, 'runner'));
    mkdirSync(join(partial, 'complete'));
    try {
      renameSync(partial, dir);
    } catch (e) {
      // Another worker finished first: its build is the same.
      if (!existsSync(join(dir, 'complete'))) throw e;
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return result;
}

// `npx ts-node --transpile-only test/lab/build-runner.ts` builds the module ahead of the tests
// (CI does, so that no test's set-up waits on the compiler) and prints where it is.
if (require.main === module) {
  labBuild().then(
    (b) => process.stdout.write(`lab build: ${b.runner}, plugins in ${b.pluginDir}\n`),
    (e: Error) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    },
  );
}
