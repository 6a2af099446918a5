// In-process scale: N cdk8s-plus Deployments, each put on one network with its own static address,
// against N plain Deployments. Runs in a child process per case so that one case's heap does not
// slow the next.
//
// Beside the two sides of the target, the variants that `npm run bench -- --decompose` measures to
// show where the difference comes from; every annotated variant writes the same YAML, byte for byte:
// - `by-hand`: the same annotation written by hand on each Deployment's pod template, the
//   IotNetwork in the app, the rulebook at synth unwired (what the annotation itself costs);
// - `bare-construct`: that, and a bare construct per workload beside each Deployment (what any
//   construct that annotates a pod adds to the tree);
// - `unwired`: the library's MultusPodAnnotation and applyTo with the rulebook at synth unwired
//   (the constructors, applyTo and the other end-of-app checks);
// - `multus`: the library as shipped.
import { createHash } from 'node:crypto';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IotNetwork, MultusPodAnnotation, MultusRulebook } from '../src';
import * as ipaddr from 'ipaddr.js';

// 198.18.0.0/15 is the range set aside for benchmarks (RFC 2544): room for every workload.
const SUBNET = '198.18.0.0/15';
const PREFIX = 15;
const BASE = ipaddr.parse('198.18.0.0').toByteArray();

/** What stands beside each Deployment. */
export type ScaleMode = 'plain' | 'by-hand' | 'bare-construct' | 'unwired' | 'multus';

/** Every mode, from plain Deployments to the library as shipped, each adding one part. */
export const SCALE_MODES: readonly ScaleMode[] = ['plain', 'by-hand', 'bare-construct', 'unwired', 'multus'];

function address(i: number): string {
  const n = ((BASE[0] << 24) | (BASE[1] << 16) | (BASE[2] << 8) | BASE[3]) + 10 + i;
  return ipaddr.fromByteArray([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]).toString();
}

/** The addresses of `count` workloads, computed before the clock starts: the harness's work, not the library's. */
export function addresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => address(i));
}

/**
 * The YAML of `count` Deployments and what `mode` puts beside each. The rulebook at synth stays
 * unwired after an `unwired` or by-hand build: run those in a process of their own (as
 * `npm run bench` does).
 */
export function build(count: number, mode: ScaleMode, ips: readonly string[] = addresses(count)): string {
  if (mode === 'by-hand' || mode === 'bare-construct' || mode === 'unwired') MultusRulebook._wire(undefined);
  const app = new App({ outdir: 'never-written' });
  const chart = new Chart(app, 'scale', { namespace: 'bench' });
  const network = mode === 'plain' ? undefined : new IotNetwork(chart, 'iot', { subnet: SUBNET });
  for (let i = 0; i < count; i++) {
    const deployment = new kplus.Deployment(chart, `app-${i}`, {
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      containers: [{ image: 'registry.example/app:1.0.0', portNumber: 8080, securityContext: { ensureNonRoot: false } }],
    });
    if (network === undefined) continue;
    if (mode === 'multus' || mode === 'unwired') {
      new MultusPodAnnotation(chart, `app-${i}-iot`, { networks: [{ network, ips: [ips[i]] }] }).applyTo(deployment);
      continue;
    }
    if (mode === 'bare-construct') new Construct(chart, `app-${i}-iot`);
    const selection = [{ name: network.networkName, namespace: network.networkNamespace, ips: [`${ips[i]}/${PREFIX}`] }];
    deployment.podMetadata.addAnnotation(MultusPodAnnotation.ANNOTATION_KEY, JSON.stringify(selection));
  }
  return app.synthYaml();
}

if (require.main === module) {
  const [count, mode] = process.argv.slice(2);
  if (!SCALE_MODES.includes(mode as ScaleMode)) throw new Error(`mode ${JSON.stringify(mode)} is none of ${SCALE_MODES.join(', ')}`);
  // Loads the modules and runs every code path once outside the measurement. Ten workloads do not
  // get the hot code optimized: V8 compiles it during the 5,000, as in a cold `cdk8s synth`.
  build(10, mode as ScaleMode);
  const ips = addresses(Number(count));
  const start = process.hrtime.bigint();
  const yaml = build(Number(count), mode as ScaleMode, ips);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const sha256 = createHash('sha256').update(yaml).digest('hex');
  process.stdout.write(JSON.stringify({ count: Number(count), mode, ms, bytes: yaml.length, sha256 }) + '\n');
}
