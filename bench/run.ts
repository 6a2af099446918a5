// `npm run bench`: speed as ratios measured side by side in one run (never in timed tests). Each
// figure is the median of at least three samples (`--samples N`, default 3); the two sides of a
// ratio are sampled in turn (A, B, A, B, ...), so that a machine that gets busier during the run
// weighs on both. Each target is printed with PASS or MISS; `npm run bench -- --check` exits 1 when
// a target is missed. `--ts-node` adds the example through ts-node (no target; slow).
//
// 1. Cold `cdk8s synth` of the example cluster, compiled JavaScript (the program cdk8s.yaml runs),
//    against a one-ConfigMap app (the CLI's own floor, compiled JavaScript too); beside them, the
//    app as cdk8s.yaml runs it (`tsc -b`, which finds nothing to build, then the same program), and
//    with `--ts-node` the same app through ts-node (the cdk8s template default). Target: the example
//    at most 1.15x the floor.
// 2. In-process scale: 100 to 5,000 Deployments each on one network with its own static address,
//    against the same number of plain Deployments. Targets: 5,000 annotated workloads at most 1.15x
//    plain Deployments (judged on at least 9 samples of each side); time per workload at 5,000
//    within 1.3x of that at 1,000 (the address plan is linear).
// 3. The rulebook in-process over 1,000, 5,000 and 10,000 manifests with defects planted (each the
//    median of at least 9 runs over the same input). Targets: it finds exactly the planted defects
//    (the rules ran over everything); time per manifest at 10,000 within 1.3x of that at 1,000
//    (every rule is linear).
// 4. `cdk8s-multus check` (cold process) on the example cluster's tree and on a 1,000-file
//    repository, against a Node process that only finds and parses the same YAML files. Target: the
//    1,000-file repository under 5 s.
// 5. With `--repos` (and only then, alone): `cdk8s-multus check` on each repository named in
//    CDK8S_MULTUS_REPOS (directories separated by `:`, as for `npm run test:repos`), against the
//    parse-only process on the same directory. Target: at most 1.3x on each.
// 6. With `--decompose` (and only then, alone): the 5,000 annotated workloads of 2., beside the
//    variants of bench/scale.ts that take the library's parts away one by one, each sample a fresh
//    process, all variants sampled in turn. No target: it shows where the ratio of 2. comes from.
//    Take 14 samples or more (`--samples 14`): one machine's runs move by a tenth.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeRepository } from './repository';
import { SCALE_MODES, ScaleMode } from './scale';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

/** The command line: `--check` (exit 1 on a miss), `--samples N` (at least 3), `--ts-node`, `--repos`, `--decompose`. */
function options(argv: string[]): { check: boolean; samples: number; tsNode: boolean; repos: boolean; decompose: boolean } {
  let check = false;
  let tsNode = false;
  let repos = false;
  let decompose = false;
  let samples = 3;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') check = true;
    else if (argv[i] === '--ts-node') tsNode = true;
    else if (argv[i] === '--repos') repos = true;
    else if (argv[i] === '--decompose') decompose = true;
    else if (argv[i] === '--samples') samples = Number(argv[++i]);
    else throw new Error(`unknown argument ${JSON.stringify(argv[i])} (known: --check, --samples N, --ts-node, --repos, --decompose)`);
  }
  if (!Number.isInteger(samples) || samples < 3) throw new Error(`--samples takes a whole number of at least 3, not ${samples}`);
  if (repos && decompose) throw new Error('--repos and --decompose each run alone: give one of them');
  return { check, samples, tsNode, repos, decompose };
}

const OPTIONS = options(process.argv.slice(2));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Milliseconds `fn` takes. */
function clock(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Every sample of each measure, taken in turn: a, b, ..., a, b, ... */
function samplesInTurn<T>(measures: Array<() => T>, count = OPTIONS.samples): T[][] {
  const samples: T[][] = measures.map(() => []);
  for (let i = 0; i < count; i++) measures.forEach((m, j) => samples[j].push(m()));
  return samples;
}

/** The median of each measure, its samples taken in turn: a, b, ..., a, b, ... */
function inTurn(measures: Array<() => number>): number[] {
  return samplesInTurn(measures).map(median);
}

/**
 * Samples of the 5,000-workload pair, whose target is judged: at least 9, since on a busy machine
 * the median of a few moves by a tenth from one run to the next.
 */
const JUDGED_SCALE_SAMPLES = 9;

/** One cold `cdk8s synth` of `app` (the cdk8s.yaml app when undefined), in ms. */
function synth(app: string | undefined): () => number {
  return () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-bench-'));
    try {
      const args = [CLI, 'synth', '--check-upgrade=false', '--output', out, ...(app ? ['--app', app] : [])];
      return clock(() => execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' }));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  };
}

/** One in-process scale case in a fresh child process (warmed up inside): its time in ms, and the YAML's digest. */
function scaleRun(count: number, mode: ScaleMode): { ms: number; sha256: string } {
  return JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'scale.js'), String(count), mode], { cwd: ROOT, encoding: 'utf8' }));
}

/** One in-process scale case in a fresh child process (warmed up inside), in ms. */
function scale(count: number, mode: ScaleMode): () => number {
  return () => scaleRun(count, mode).ms;
}

interface RulebookRun {
  /** The median of the samples. */
  readonly ms: number;
  /** The findings of each sample, by rule. */
  readonly findings: Array<Record<string, number>>;
  readonly planted: Record<string, number>;
}

/**
 * Samples of each rulebook run, whose times per manifest are judged against each other: at least 9.
 * The first run over an input is cold; with three, the median at 1,000 manifests (about 15 ms)
 * was sometimes a half-warm one and moved by half from one run to the next.
 */
const RULEBOOK_SAMPLES = Math.max(OPTIONS.samples, 9);

/** The rulebook over `count` manifests: a child process that takes the samples itself, over one input. */
function rulebook(count: number): RulebookRun {
  return JSON.parse(execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, 'rules.js'), String(count), String(RULEBOOK_SAMPLES)], { cwd: ROOT, encoding: 'utf8' }));
}

/** One cold run of `node <script> <args>`, in ms (exit status 1, findings, allowed). */
function node(script: string, args: string[]): () => number {
  return () => clock(() => {
    try {
      execFileSync(process.execPath, [script, ...args], { cwd: ROOT, stdio: 'ignore' });
    } catch (e) {
      if ((e as { status?: number }).status !== 1) throw e;
    }
  });
}

/** A target and whether the run met it. */
interface Verdict {
  readonly what: string;
  readonly met: boolean;
}

const verdicts: Verdict[] = [];

/** Records a target, and returns its cell: `target <= 1.15x: PASS`. */
function target(what: string, text: string, met: boolean): string {
  verdicts.push({ what, met });
  return `target ${text}: ${met ? 'PASS' : 'MISS'}`;
}

function row(cells: Array<string | number>): string {
  return cells.map((c, i) => (i === cells.length - 1 ? String(c) : String(c).padEnd(i === 0 ? 34 : 28))).join('  ').trimEnd();
}

function ratio(x: number): string {
  return `${x.toFixed(2)}x`;
}

function counts(c: Record<string, number>): string {
  const keys = Object.keys(c).sort();
  return keys.length === 0 ? 'none' : keys.map((k) => `${c[k]} ${k}`).join(', ');
}

/** Section 5: the checker against parsing only, on each repository of CDK8S_MULTUS_REPOS. */
function repositories(): void {
  const repos = (process.env.CDK8S_MULTUS_REPOS ?? '').split(':').filter((r) => r !== '');
  if (repos.length === 0) throw new Error('--repos measures the repositories named in CDK8S_MULTUS_REPOS (directories separated by ":"); it names none');
  console.log('cdk8s-multus check (cold process) against parsing the same YAML only, on each repository');
  const cli = path.join(ROOT, 'lib', 'src', 'cli', 'main.js');
  const parseOnly = path.join(__dirname, 'parse-only.js');
  for (const repo of repos) {
    const [checkMs, parseMs] = inTurn([node(cli, ['check', repo]), node(parseOnly, [repo])]);
    const label = path.basename(repo);
    console.log(row([label, `${checkMs.toFixed(0)} ms`, `${ratio(checkMs / parseMs)} parse only (${parseMs.toFixed(0)} ms)`,
      target(`cdk8s-multus check on ${label}`, '<= 1.30x', checkMs / parseMs <= 1.3)]));
  }
}

/** What each variant of bench/scale.ts is, for section 6. */
const VARIANTS: Record<ScaleMode, string> = {
  'plain': 'plain Deployments',
  'by-hand': 'the annotation written by hand (no rulebook at synth)',
  'bare-construct': 'by hand, and a bare construct each (no rulebook)',
  'unwired': 'the library without the rulebook at synth',
  'multus': 'the library as shipped',
};

/** Section 6: every variant of the 5,000-workload case, sampled in turn, against plain Deployments. */
function decompose(): void {
  const count = 5000;
  console.log(`${count} Deployments and beside each (each sample a fresh process, all variants in turn)`);
  const runs = samplesInTurn(SCALE_MODES.map((mode) => () => scaleRun(count, mode)));
  const plain = runs[SCALE_MODES.indexOf('plain')].map((r) => r.ms);
  const annotated = new Set(SCALE_MODES.flatMap((mode, j) => (mode === 'plain' ? [] : runs[j].map((r) => r.sha256))));
  for (const [j, mode] of SCALE_MODES.entries()) {
    const ms = runs[j].map((r) => r.ms);
    const pairs = ms.map((x, i) => x / plain[i]);
    console.log(row([VARIANTS[mode], `${median(ms).toFixed(0)} ms`, `${ratio(median(ms) / median(plain))} plain (ratio of the medians)`,
      `${ratio(median(pairs))} (median of the ${pairs.length} rounds' ratios)`]));
  }
  console.log(annotated.size === 1 ? '\nevery annotated variant wrote the same YAML in every sample (one SHA-256)'
    : `\nthe annotated variants wrote ${annotated.size} different YAML outputs: they do not compare`);
}

function main(): number {
  console.log(`node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown cpu'}; `
    + `each figure the median of ${OPTIONS.samples} samples, the two sides of a ratio sampled in turn\n`);
  if (OPTIONS.repos) {
    repositories();
    return verdict();
  }
  if (OPTIONS.decompose) {
    decompose();
    return 0;
  }

  console.log('cdk8s synth (cold process)');
  synth(undefined)(); // cdk8s.yaml's tsc -b records the build once, so that the samples find nothing to build
  const [example, floor, asConfigured, tsNode] = inTurn([synth(`node ${path.join('lib', 'examples', 'main.js')}`), synth(`node ${path.join('lib', 'bench', 'floor-app.js')}`),
    synth(undefined), ...(OPTIONS.tsNode ? [synth('npx ts-node examples/main.ts')] : [])]);
  console.log(row(['example (compiled JS)', `${example.toFixed(0)} ms`, `${ratio(example / floor)} floor`, target('the example\'s cdk8s synth', '<= 1.15x', example / floor <= 1.15)]));
  console.log(row(['example as cdk8s.yaml runs it', `${asConfigured.toFixed(0)} ms`, `${ratio(asConfigured / floor)} floor`, '(tsc -b first: nothing to build)']));
  if (tsNode !== undefined) console.log(row(['example through ts-node', `${tsNode.toFixed(0)} ms`, `${ratio(tsNode / floor)} floor`, '']));
  console.log(row(['one-ConfigMap app (floor)', `${floor.toFixed(0)} ms`, '1.00x', '']));

  console.log('\nin-process scale (construct + synth to YAML), each case a fresh process');
  const perWorkload: Record<number, number> = {};
  for (const n of [100, 1000, 5000]) {
    const count = n === 5000 ? Math.max(OPTIONS.samples, JUDGED_SCALE_SAMPLES) : OPTIONS.samples;
    const [multusSamples, plainSamples] = samplesInTurn([scale(n, 'multus'), scale(n, 'plain')], count);
    const [multus, plain] = [median(multusSamples), median(plainSamples)];
    perWorkload[n] = multus / n;
    const judged = n === 5000 ? target(`${n} annotated workloads against plain Deployments`, '<= 1.15x', multus / plain <= 1.15) : '';
    console.log(row([`${n} Deployments`, `${multus.toFixed(0)} ms (${(multus / n).toFixed(3)} ms each)`, `${ratio(multus / plain)} plain (${plain.toFixed(0)} ms)`, judged]));
    if (count !== OPTIONS.samples) {
      const pairs = multusSamples.map((m, i) => m / plainSamples[i]);
      console.log(row(['', `(${count} samples each side)`, `${ratio(median(pairs))} median of the pairs' ratios`]));
    }
  }
  const linear = perWorkload[5000] / perWorkload[1000];
  console.log(row(['per workload 5,000 vs 1,000', ratio(linear), '', target('time per workload, 5,000 against 1,000', '<= 1.30x', linear <= 1.3)]));

  console.log(`\nthe rulebook in-process (index and every rule; defects planted in 1 workload of 200; the median of ${RULEBOOK_SAMPLES} runs each)`);
  const perManifest: Record<number, number> = {};
  for (const n of [1000, 5000, 10000]) {
    const { ms, findings, planted } = rulebook(n);
    perManifest[n] = ms / n;
    const exact = findings.every((f) => counts(f) === counts(planted));
    console.log(row([`${n} manifests`, `${ms.toFixed(0)} ms (${(1000 * ms / n).toFixed(1)} us each)`, `findings: ${counts(findings[0])}`,
      target(`the rulebook over ${n} manifests finds the planted defects`, `= planted (${counts(planted)})`, exact)]));
  }
  const rulesLinear = perManifest[10000] / perManifest[1000];
  console.log(row(['per manifest 10,000 vs 1,000', ratio(rulesLinear), '', target('time per manifest, 10,000 against 1,000', '<= 1.30x', rulesLinear <= 1.3)]));

  console.log('\ncdk8s-multus check (cold process) against parsing the same YAML only');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-bench-check-'));
  try {
    const exampleTree = path.join(work, 'example');
    execFileSync(process.execPath, [path.join(ROOT, 'lib', 'examples', 'main.js')], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: exampleTree }, stdio: 'ignore' });
    const big = path.join(work, 'repository');
    const files = writeRepository(big, 246);
    const cli = path.join(ROOT, 'lib', 'src', 'cli', 'main.js');
    const parseOnly = path.join(__dirname, 'parse-only.js');
    for (const [label, dir] of [['the example cluster\'s tree', exampleTree], [`a ${files}-file repository`, big]]) {
      const [checkMs, parseMs] = inTurn([node(cli, ['check', dir]), node(parseOnly, [dir])]);
      const judged = dir === big ? target(`cdk8s-multus check on ${label}`, '< 5 s', checkMs < 5000) : '';
      console.log(row([label, `${checkMs.toFixed(0)} ms`, `${ratio(checkMs / parseMs)} parse only (${parseMs.toFixed(0)} ms)`, judged]));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  return verdict();
}

/** Prints how many targets were met; 1 under `--check` when one was missed. */
function verdict(): number {
  const missed = verdicts.filter((v) => !v.met);
  console.log(`\n${verdicts.length - missed.length} of ${verdicts.length} targets met${missed.length > 0 ? `; MISS: ${missed.map((v) => v.what).join('; ')}` : ''}`);
  return OPTIONS.check && missed.length > 0 ? 1 : 0;
}

process.exitCode = main();
