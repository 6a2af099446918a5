import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A temporary directory laid out like a node: `conf/` and `bin/` stand for the CNI directories,
 * `outside/` for the rest of the node, which symbolic links in the CNI directories point into.
 */
export interface Node {
  readonly root: string;
  readonly conf: string;
  readonly bin: string;
  readonly outside: string;
}

/** Creates an empty node layout; remove it with `removeNode`. */
export function makeNode(): Node {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'multus-node-'));
  const node = { root, conf: path.join(root, 'conf'), bin: path.join(root, 'bin'), outside: path.join(root, 'outside') };
  for (const dir of [node.conf, node.bin, node.outside]) fs.mkdirSync(dir);
  return node;
}

export function removeNode(node: Node): void {
  fs.rmSync(node.root, { recursive: true, force: true });
}

/** Writes a file (creating parent directories) under the node root. */
export function file(node: Node, relative: string, content = 'x'): void {
  const target = path.join(node.root, relative);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content);
}

/** Creates a symbolic link `relative` (under the node root) pointing at `target` (under the node root). */
export function link(node: Node, relative: string, target: string): void {
  fs.symlinkSync(path.join(node.root, target), path.join(node.root, relative));
}

/**
 * Every entry under the node root, relative to it, sorted; directories end in `/`, links in
 * ` -> <target>`. Never follows a link.
 */
export function listNode(node: Node): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name);
      const rel = path.relative(node.root, full);
      const stat = fs.lstatSync(full);
      if (stat.isSymbolicLink()) {
        out.push(`${rel} -> ${path.relative(node.root, fs.readlinkSync(full))}`);
      } else if (stat.isDirectory()) {
        out.push(`${rel}/`);
        walk(full);
      } else {
        out.push(rel);
      }
    }
  };
  walk(node.root);
  return out.sort();
}

/** How the DaemonSet runs the script: `sh -c <script> <$0> <mode>` with the two directories in the environment. */
export interface ScriptRun {
  readonly script: string;
  readonly arg0: string;
  readonly env: { [name: string]: string };
}

/** Runs the script in `check` mode (or any mode that ends by itself) to completion. */
export function runToEnd(run: ScriptRun, mode: string) {
  const result = spawnSync('sh', ['-c', run.script, run.arg0, mode], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...run.env },
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Starts the script in `clean` mode and resolves once it logs that it idles (or ends), with the
 * process still running in the first case.
 */
export function startClean(run: ScriptRun): Promise<{ child: ChildProcess; stdout: string; stderr: string; exited?: number | null }> {
  const child = spawn('sh', ['-c', run.script, run.arg0, 'clean'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...run.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stderr!.on('data', (d) => { stderr += d; });
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (stdout.includes('idling until stopped')) resolve({ child, stdout, stderr });
    });
    child.on('close', (code) => resolve({ child, stdout, stderr, exited: code }));
  });
}

/**
 * Sends `signal` and resolves with the exit code and signal once the process has ended and its
 * output pipes are closed (a process left behind holding them would keep them open). Bounded: a
 * script that does not stop within 4 s is killed and reported as `{ code: null, signal: 'hung' }`,
 * which fails the test instead of hanging the run.
 */
export function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    const bound = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, signal: 'hung' });
    }, 4_000);
    child.on('close', (code, sig) => {
      clearTimeout(bound);
      resolve({ code, signal: sig });
    });
    child.kill(signal);
  });
}
