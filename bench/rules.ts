// The rulebook at scale, in-process: N manifests of a repository (a quarter each of Deployments
// with a static address, Pods, app-template HelmReleases with their OCIRepositories) on two NADs,
// as a home cluster has one or two networks for all its pods: a rule that compares the pods of a
// network with each other would show here. Indexed and checked once; run in a child process per
// case, as scale.ts is.
import { Manifest } from '../src/rules/model';
import { runRules } from '../src/rules/rulebook';

const KEY = 'k8s.v1.cni.cncf.io/networks';

/** The i-th address of 198.18.0.0/15, the range set aside for benchmarks (RFC 2544). */
function address(i: number): string {
  const n = (198 << 24) + (18 << 16) + 10 + i;
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function manifests(count: number): Manifest[] {
  const out: Manifest[] = [];
  const networks = 2;
  for (let n = 0; n < networks; n++) {
    out.push({ object: { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: `net-${n}`, namespace: 'kube-system' }, spec: { config: JSON.stringify({ cniVersion: '0.3.1', name: `net-${n}`, type: 'macvlan', capabilities: { ips: true }, ipam: { type: 'static' } }) } }, location: { file: `networks/${n}.yaml`, doc: 0 }, namespace: 'kube-system' });
  }
  for (let i = 0; out.length < count; i++) {
    const annotation = JSON.stringify([{ name: `net-${i % networks}`, namespace: 'kube-system', ips: [`${address(i)}/15`] }]);
    const ns = `ns-${i % 20}`;
    const location = { file: `apps/${ns}/app-${i}.yaml`, doc: 0 };
    switch (i % 4) {
      case 0:
        out.push({ object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `app-${i}`, namespace: ns }, spec: { replicas: 1, strategy: { type: 'Recreate' }, template: { metadata: { annotations: { [KEY]: annotation } }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0.0' }] } } } }, location, namespace: ns });
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
  return out;
}

if (require.main === module) {
  const count = Number(process.argv[2]);
  const gc = (globalThis as any).gc as (() => void) | undefined;
  runRules(manifests(100), { input: 'repository' }); // warm the module cache and JIT outside the measurement
  const input = manifests(count);
  const samples: number[] = [];
  let findings = 0;
  for (let run = 0; run < 3; run++) {
    gc?.(); // the input's garbage is not the rulebook's
    const start = process.hrtime.bigint();
    findings = runRules(input, { input: 'repository' }).length;
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const ms = samples.sort((a, b) => a - b)[1];
  process.stdout.write(JSON.stringify({ count, ms, findings }) + '\n');
}
