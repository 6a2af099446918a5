// In-process scale: N cdk8s-plus Deployments, each put on one network with its own static address,
// against N plain Deployments. Runs in a child process per case so that one case's heap does not
// slow the next.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IotNetwork, MultusPodAnnotation } from '../src';
import * as ipaddr from 'ipaddr.js';

// 198.18.0.0/15 is the range set aside for benchmarks (RFC 2544): room for every workload.
const SUBNET = '198.18.0.0/15';
const BASE = ipaddr.parse('198.18.0.0').toByteArray();

function address(i: number): string {
  const n = ((BASE[0] << 24) | (BASE[1] << 16) | (BASE[2] << 8) | BASE[3]) + 10 + i;
  return ipaddr.fromByteArray([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]).toString();
}

/** The addresses of `count` workloads, computed before the clock starts: the harness's work, not the library's. */
export function addresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => address(i));
}

export function build(count: number, withMultus: boolean, ips: readonly string[] = addresses(count)): string {
  const app = new App({ outdir: 'never-written' });
  const chart = new Chart(app, 'scale', { namespace: 'bench' });
  const network = withMultus ? new IotNetwork(chart, 'iot', { subnet: SUBNET }) : undefined;
  for (let i = 0; i < count; i++) {
    const deployment = new kplus.Deployment(chart, `app-${i}`, {
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      containers: [{ image: 'registry.example/app:1.0.0', portNumber: 8080, securityContext: { ensureNonRoot: false } }],
    });
    if (network) {
      new MultusPodAnnotation(chart, `app-${i}-iot`, { networks: [{ network, ips: [ips[i]] }] }).applyTo(deployment);
    }
  }
  return app.synthYaml();
}

if (require.main === module) {
  const [count, mode] = process.argv.slice(2);
  const withMultus = mode === 'multus';
  build(10, withMultus); // warm the module cache and JIT outside the measurement
  const ips = addresses(Number(count));
  const start = process.hrtime.bigint();
  const yaml = build(Number(count), withMultus, ips);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(JSON.stringify({ count: Number(count), mode, ms, bytes: yaml.length }) + '\n');
}
