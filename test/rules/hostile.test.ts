import * as fc from 'fast-check';
import { runRules } from '../../src/rules/rulebook';
import { Manifest } from '../../src/rules/model';
import { NETWORKS } from './manifests';

// The rulebook over whatever a repository may hold: every field of every kind it reads replaced by
// any JSON value. It must report or stay silent, never throw: a rule that crashes would fail every
// synth of an app, and the command line on every repository that holds such a file.

const KINDS: Array<[string, string]> = [
  ['helm.toolkit.fluxcd.io/v2', 'HelmRelease'], ['source.toolkit.fluxcd.io/v1', 'HelmRepository'],
  ['source.toolkit.fluxcd.io/v1', 'OCIRepository'], ['v1', 'ConfigMap'], ['v1', 'Secret'],
  ['k8s.cni.cncf.io/v1', 'NetworkAttachmentDefinition'], ['apps/v1', 'Deployment'], ['apps/v1', 'DaemonSet'],
  ['apps/v1', 'StatefulSet'], ['batch/v1', 'CronJob'], ['batch/v1', 'Job'], ['v1', 'Pod'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler'], ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'],
];

const json = fc.jsonValue({ maxDepth: 4 });

/** A manifest of a kind the rules read, with any values where the rules look. */
const manifest: fc.Arbitrary<Manifest> = fc.record({
  kind: fc.constantFrom(...KINDS),
  name: fc.oneof(fc.constant('multus'), fc.constant('iot'), fc.constant('cilium'), fc.string()),
  namespace: fc.option(fc.constantFrom('kube-system', 'home', ''), { nil: undefined }),
  spec: fc.oneof(json, fc.record({
    chart: fc.oneof(json, fc.record({ spec: fc.record({ chart: fc.constantFrom('multus', 'cilium', 'app-template'), version: fc.oneof(fc.constantFrom('5.0.7', '7.0.0', '6.0.4', '1.3.3'), json), sourceRef: json }) })),
    chartRef: json, values: fc.oneof(json, fc.record({ controllers: json, cni: json, multus: json, defaultPodOptions: json, resources: json })),
    valuesFrom: json, config: fc.oneof(json, fc.string(), fc.constant('{"type":"macvlan","ipam":{"type":"static"}}')),
    template: fc.oneof(json, fc.record({ metadata: fc.record({ annotations: fc.oneof(json, fc.record({ [NETWORKS]: fc.oneof(json, fc.string()) })) }), spec: json })),
    replicas: json, strategy: json, scaleTargetRef: json, url: fc.oneof(json, fc.constant('https://angelnu.github.io/helm-charts')),
  }, { requiredKeys: [] })),
  annotations: fc.oneof(json, fc.record({ [NETWORKS]: fc.oneof(json, fc.string()) })),
  data: json,
}).map(({ kind, name, namespace, spec, annotations, data }) => ({
  object: { apiVersion: kind[0], kind: kind[1], metadata: { name, namespace, annotations }, spec, data },
  location: { file: 'hostile.yaml', doc: 0 },
  namespace,
}));

describe('the rulebook over hostile manifests', () => {
  test('never throws, whatever the values', () => {
    fc.assert(fc.property(fc.array(manifest, { maxLength: 12 }), fc.constantFrom<'app' | 'repository'>('app', 'repository'), (manifests, input) => {
      const findings = runRules(manifests, { input });
      for (const f of findings) {
        expect(typeof f.message).toBe('string');
        expect(['error', 'warning']).toContain(f.level);
      }
    }), { numRuns: 400 });
  });

  test('objects without a prototype, arrays for objects, and cycles of references by name', () => {
    const bare = Object.assign(Object.create(null), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { [NETWORKS]: '[{"name":"iot","__proto__":{"x":1}}]' } } });
    const weird: any[] = [
      bare,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: [], spec: { template: [] } },
      { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'a' }, spec: { chartRef: { kind: 'OCIRepository', name: 'a' }, valuesFrom: [{ kind: 'ConfigMap', name: 'a', targetPath: 'x.y' }] } },
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'a' }, spec: { url: 'oci://ghcr.io/bjw-s-labs/helm/app-template', ref: { tag: '${TAG}' } } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { 'values.yaml': ':\n  - : [' } },
    ];
    expect(() => runRules(weird.map((object) => ({ object, location: { file: 'w.yaml' } })), { input: 'repository' })).not.toThrow();
  });
});
