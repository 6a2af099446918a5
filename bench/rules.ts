// The rulebook at scale, in-process: N manifests of a repository (a quarter each of Deployments
// with a static address, Pods, app-template HelmReleases with their OCIRepositories) on two NADs,
// as a home cluster has one or two networks for all its pods: a rule that compares the pods of a
// network with each other would show here. Indexed and checked once; run in a child process per
// case, as scale.ts is.
//
// One workload in every 200 carries a planted defect, so that the count of findings shows the rules
// ran over all of it: a Deployment that rolls (RollingUpdate) with its static address
// (static-ip-rollout), or a Pod on a NAD the repository does not define (nad-missing). The run
// reports the findings beside the number planted.
import { Manifest } from '../src/rules/model';
import { runRules } from '../src/rules/rulebook';

const KEY = 'k8s.v1.cni.cncf.io/networks';

/** The i-th address of 198.18.0.0/15, the range set aside for benchmarks (RFC 2544). */
function address(i: number): string {
  const n = (198 << 24) + (18 << 16) + 10 + i;
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Every 200th workload has a defect planted. */
const PLANT_EVERY = 200;

/** The manifests, and how many defects were planted among them, by the rule that finds each (one finding each). */
export function manifests(count: number): { manifests: Manifest[]; planted: Record<string, number> } {
  const out: Manifest[] = [];
  const planted: Record<string, number> = {};
  const networks = 2;
  for (let n = 0; n < networks; n++) {
    out.push({ object: { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: `net-${n}`, namespace: 'kube-system' }, spec: { config: JSON.stringify({ cniVersion: '0.3.1', name: `net-${n}`, type: 'macvlan', capabilities: { ips: true }, ipam: { type: 'static' } }) } }, location: { file: `networks/${n}.yaml`, doc: 0 }, namespace: 'kube-system' });
  }
  for (let i = 0; out.length < count; i++) {
    const plant = i % PLANT_EVERY < 2;
    // A planted Pod (i % 4 === 1) names a NAD that is not there.
    const network = plant && i % 4 === 1 ? 'net-missing' : `net-${i % networks}`;
    const annotation = JSON.stringify([{ name: network, namespace: 'kube-system', ips: [`${address(i)}/15`] }]);
    const ns = `ns-${i % 20}`;
    const location = { file: `apps/${ns}/app-${i}.yaml`, doc: 0 };
    if (plant) {
      const rule = i % 4 === 0 ? 'static-ip-rollout' : 'nad-missing';
      planted[rule] = (planted[rule] ?? 0) + 1;
    }
    switch (i % 4) {
      case 0:
        // A planted Deployment rolls (RollingUpdate, surging) with its one static address.
        out.push({ object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `app-${i}`, namespace: ns }, spec: { replicas: 1, strategy: { type: plant ? 'RollingUpdate' : 'Recreate' }, template: { metadata: { annotations: { [KEY]: annotation } }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0.0' }] } } } }, location, namespace: ns });
        break;
      case 1:
        out.push({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `app-${i}`, namespace: ns, annotations: { [KEY]: annotation } }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0.0' }] } }, location, namespace: ns });
        break;
      case 2:
        out.push({ object: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: `app-${i}`, namespace: ns }, spec: { url: 'oci://ghcr.io/bjw-s-labs/helm/app-template', ref: { tag: '4.1.1' } } }, location, namespace: ns });
        break;
      default:
        out.push({ object: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: `app-${i - 1}`, namespace: ns }, spec: { chartRef: { kind: 'OCIRepository', name: `app-${i - 1}` }, values: { controllers: { main: { pod: { annotations: { [KEY]: annotation } }, containers: { app: { image: { repository: 'registry.example/app', tag: '1.0.0' } } } } } } } }, location, namespace: ns });
    }
  }
  return { manifests: out, planted };
}

if (require.main === module) {
  // `node rules.js <manifests> [samples]`: the median of `samples` (default 3) runs over the same input.
  const count = Number(process.argv[2]);
  const runs = Number(process.argv[3] ?? 3);
  const gc = (globalThis as any).gc as (() => void) | undefined;
  runRules(manifests(100).manifests, { input: 'repository' }); // warm the module cache and JIT outside the measurement
  const { manifests: input, planted } = manifests(count);
  const samples: number[] = [];
  const findings: Array<Record<string, number>> = [];
  for (let run = 0; run < runs; run++) {
    gc?.(); // the input's garbage is not the rulebook's
    const start = process.hrtime.bigint();
    const found = runRules(input, { input: 'repository' });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    const byRule: Record<string, number> = {};
    for (const f of found) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    findings.push(byRule);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const ms = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  process.stdout.write(JSON.stringify({ count, ms, samples, findings, planted }) + '\n');
}
