// What the package tests share: the tarball, packed once per run (by the global setup, before any
// test file starts), the README's marked code blocks, and a quiet runner for npm and node.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
export const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
export const CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

/** Where the global setup packed the tarball: the variable it sets for the test files. */
const PACK_DIR_VARIABLE = 'CDK8S_MULTUS_PACK_DIR';

/** What `npm pack --json` reports of the tarball. */
export interface Packed {
  readonly filename: string;
  readonly files: Array<{ path: string }>;
  readonly size: number;
  readonly unpackedSize: number;
}

/** Runs a command quietly (npm without audit and funding notices) and returns its standard output. */
export function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
}

/** The first ```ts block after the `<!-- <name> -->` marker of the README. */
export function markedBlock(readme: string, name: string): string {
  const marker = readme.indexOf(`<!-- ${name} -->`);
  if (marker < 0) throw new Error(`README.md has no <!-- ${name} --> marker`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (!match) throw new Error(`no \`\`\`ts block after the ${name} marker`);
  return match[1];
}

/** The first ```ts block after the `<!-- quick-start -->` marker of the README. */
export function quickStart(readme: string): string {
  return markedBlock(readme, 'quick-start');
}

/** The README of the repository, as the tarball carries it. */
export function readme(): string {
  return fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
}

/**
 * Packs the repository into a new temporary directory (`npm pack` runs `prepack`, which compiles
 * the library with jsii) and tells the test files where (global setup).
 */
export function packOnce(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-package-'));
  const out = run('npm', ['pack', '--json', '--pack-destination', dir], ROOT);
  const packed: Packed = JSON.parse(out.slice(out.indexOf('[')))[0];
  fs.writeFileSync(path.join(dir, 'pack.json'), JSON.stringify(packed));
  process.env[PACK_DIR_VARIABLE] = dir;
}

/** Removes the directory of the tarball and every app installed beside it (global teardown). */
export function removePacked(): void {
  const dir = process.env[PACK_DIR_VARIABLE];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** The packed tarball: its directory (apps are installed beside it), its path and what npm reported. */
export function packedTarball(): { dir: string; tarball: string; packed: Packed } {
  const dir = process.env[PACK_DIR_VARIABLE];
  if (!dir) throw new Error(`${PACK_DIR_VARIABLE} is not set: run the package tests with \`npm run test:package\` (jest -c jest.package.config.js), whose global setup packs the tarball`);
  const packed: Packed = JSON.parse(fs.readFileSync(path.join(dir, 'pack.json'), 'utf8'));
  return { dir, tarball: path.join(dir, packed.filename), packed };
}
