import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execOk } from './exec';

/**
 * The lab's libcni runner (`runner/main.go`), built from source on first use: with Debian's
 * `golang-go` against the libcni source of `golang-github-appc-cni-dev`, offline, in GOPATH mode.
 * The binary is cached under the temp directory by a hash of the source, the Go version and
 * libcni's source, so jest workers and later runs reuse it; nothing built is committed.
 */

/** Where Debian's golang-github-appc-cni-dev puts the libcni source. */
export const GOPATH = '/usr/share/gocode';
const LIBCNI = join(GOPATH, 'src/github.com/containernetworking/cni/libcni');
const SOURCE = join(__dirname, 'runner', 'main.go');
const BUILD_TIMEOUT_MS = 120_000;

/** Why the runner cannot be built here, or undefined when it can (`go` and the libcni source). */
export function runnerUnavailableReason(): string | undefined {
  const onPath = (bin: string) => (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, bin)));
  if (!onPath('go')) return '`go` not found (apt-get install golang-go)';
  if (!existsSync(join(LIBCNI, 'api.go'))) return `libcni source not in ${LIBCNI} (apt-get install golang-github-appc-cni-dev)`;
  return undefined;
}

let built: Promise<string> | undefined;

/** The path of the runner binary, built when no cached build of this source exists. */
export function runnerBinary(): Promise<string> {
  built ??= build();
  return built;
}

async function build(): Promise<string> {
  const env = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    GO111MODULE: 'off',
    GOPATH,
    // Go's build cache next to the binaries, not in the user's home; no C toolchain needed.
    GOCACHE: join(tmpdir(), 'cdk8s-multus-lab-gocache'),
    CGO_ENABLED: '0',
  };
  const goVersion = await execOk('go', ['version'], { env, timeoutMs: 10_000 });
  const hash = createHash('sha256')
    .update(readFileSync(SOURCE))
    .update(goVersion)
    .update(readFileSync(join(LIBCNI, 'api.go')))
    .update(readFileSync(join(LIBCNI, 'conf.go')))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), `cdk8s-multus-lab-runner-${hash}`);
  const binary = join(dir, 'runner');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  // Built under a name of its own, then renamed: another jest worker may be building the same.
  const partial = join(dir, `runner.${process.pid}.partial`);
  try {
    await execOk('go', ['build', '-o', partial, SOURCE], { env, timeoutMs: BUILD_TIMEOUT_MS });
    renameSync(partial, binary);
  } finally {
    rmSync(partial, { force: true });
  }
  return binary;
}
