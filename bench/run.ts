// `npm run bench`: speed as ratios measured side by side in one run (never in timed tests).
//
// 1. Cold `cdk8s synth` of the example cluster as the README runs it (compiled JavaScript), against
//    the same app through ts-node (the cdk8s template default) and against a one-ConfigMap app (the
//    CLI's own floor). Target: the example costs at most 1.15x the floor.
// 2. In-process scale: 10 to 5,000 Deployments each on one network with its own static address.
//    Targets: time per workload at 5,000 within 1.3x of that at 1,000 (the address plan is linear),
//    and the whole within 1.15x of the same number of plain Deployments.
// 3. The rulebook in-process over 1,000, 5,000 and 10,000 manifests. Target: time per manifest at
//    10,000 within 1.3x of that at 1,000 (every rule is linear).
// 4. `cdk8s-multus check` (cold process) on the example cluster's tree and on a 1,000-file
//    repository, against a Node process that only finds and parses the same YAML files. Target: the
//    1,000-file repository well under 5 s.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeRepository } from './repository';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const RUNS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeSynth(app: string | undefined): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-bench-'));
    const args = [CLI, 'synth', '--check-upgrade=false', '--output', out, ...(app ? ['--app', app] : [])];
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    fs.rmSync(out, { recursive: true, force: true });
  }
  return median(samples);
}

function scale(count: number, mode: 'multus' | 'plain'): number {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'scale.js'), String(count), mode], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out).ms;
}

function rulebook(count: number): number {
  const out = execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, 'rules.js'), String(count)], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out).ms;
}

/** Median of three cold runs of `node <script> <args>`, in ms (exit status 1, findings, allowed). */
function timeNode(script: string, args: string[]): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    try {
      execFileSync(process.execPath, [script, ...args], { cwd: ROOT, stdio: 'ignore' });
    } catch (e) {
      if ((e as { status?: number }).status !== 1) throw e;
    }
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

function row(cells: Array<string | number>): string {
  return cells.map((c) => String(c).padEnd(34)).join('');
}

function main(): void {
  console.log(`node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown cpu'}; median of ${RUNS} cold runs each\n`);

  const example = timeSynth(undefined);
  const tsNode = timeSynth('npx ts-node examples/main.ts');
  const floor = timeSynth(`node ${path.join('lib', 'bench', 'floor-app.js')}`);
  console.log('cdk8s synth (cold process)');
  console.log(row(['example (compiled JS, README)', `${example.toFixed(0)} ms`, `${(example / floor).toFixed(2)}x floor (target <= 1.15x)`]));
  console.log(row(['example through ts-node', `${tsNode.toFixed(0)} ms`, `${(tsNode / floor).toFixed(2)}x floor`]));
  console.log(row(['one-ConfigMap app (floor)', `${floor.toFixed(0)} ms`, '1.00x']));

  console.log(`\nin-process scale (construct + synth to YAML; median of ${RUNS} pairs in turn)`);
  const perWorkload: Record<number, number> = {};
  for (const n of [10, 100, 1000, 5000]) {
    // Pairs in turn (multus, plain, multus, plain, ...): the ratio is the median of the pairs'
    // ratios, so that a machine whose speed drifts during the run moves both sides of a pair.
    const pairs = Array.from({ length: RUNS }, () => [scale(n, 'multus'), scale(n, 'plain')]);
    const multus = median(pairs.map(([m]) => m));
    const ratio = median(pairs.map(([m, p]) => m / p));
    perWorkload[n] = multus / n;
    console.log(row([`${n} Deployments`, `${multus.toFixed(0)} ms (${(multus / n).toFixed(3)} ms each)`, `${ratio.toFixed(2)}x plain (target <= 1.15x at 5,000)`]));
  }
  console.log(row(['per workload 5,000 vs 1,000', `${(perWorkload[5000] / perWorkload[1000]).toFixed(2)}x (target <= 1.30x)`, '']));

  console.log('\nthe rulebook in-process (index and every rule, median of 3)');
  const perManifest: Record<number, number> = {};
  for (const n of [1000, 5000, 10000]) {
    const ms = rulebook(n);
    perManifest[n] = ms / n;
    console.log(row([`${n} manifests`, `${ms.toFixed(0)} ms (${(1000 * ms / n).toFixed(1)} us each)`, '']));
  }
  console.log(row(['per manifest 10,000 vs 1,000', `${(perManifest[10000] / perManifest[1000]).toFixed(2)}x (target <= 1.30x)`, '']));

  console.log('\ncdk8s-multus check (cold process) against parsing the same YAML only');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-bench-check-'));
  const exampleTree = path.join(work, 'example');
  execFileSync(process.execPath, [path.join(ROOT, 'lib', 'examples', 'main.js')], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: exampleTree }, stdio: 'ignore' });
  const big = path.join(work, 'repository');
  const files = writeRepository(big, 246);
  const cli = path.join(ROOT, 'lib', 'src', 'cli', 'main.js');
  const parseOnly = path.join(__dirname, 'parse-only.js');
  const trees: Array<[string, string]> = [['the example cluster\'s tree', exampleTree], [`a ${files}-file repository`, big]];
  for (const [label, dir] of trees) {
    const checkMs = timeNode(cli, ['check', dir]);
    const parseMs = timeNode(parseOnly, [dir]);
    console.log(row([label, `${checkMs.toFixed(0)} ms (parse only: ${parseMs.toFixed(0)} ms)`, `${(checkMs / parseMs).toFixed(2)}x parse only${dir === big ? ' (target well under 5 s)' : ''}`]));
  }
  fs.rmSync(work, { recursive: true, force: true });
}

main();
