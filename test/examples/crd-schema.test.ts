import { crdProblems, describeWithCrds, isPinnedCustomResource, toJsonSchema } from '../crd-schema';

const helmRepository = (spec: any) => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'HelmRepository',
  metadata: { name: 'angelnu', namespace: 'flux-system' },
  spec,
});

describe('toJsonSchema', () => {
  test('objects with properties admit no other keys, unless the CRD preserves unknown fields', () => {
    // GIVEN a structural schema with a closed object and an open one
    const schema = {
      type: 'object',
      properties: {
        closed: { type: 'object', properties: { a: { type: 'string' } } },
        open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    };
    // WHEN converted
    const out = toJsonSchema(schema);
    // THEN
    expect(out.properties.closed.additionalProperties).toBe(false);
    expect(out.properties.open.additionalProperties).toBeUndefined();
  });

  test('nullable and int-or-string become JSON-schema types', () => {
    // GIVEN / WHEN a schema with a nullable string and an int-or-string, converted
    const out = toJsonSchema({ type: 'object', properties: { n: { type: 'string', nullable: true }, p: { 'x-kubernetes-int-or-string': true } } });
    // THEN each becomes the JSON-schema type that admits the same values
    expect(out.properties.n.type).toEqual(['string', 'null']);
    expect(out.properties.p.anyOf).toEqual([{ type: 'integer' }, { type: 'string' }]);
  });
});

describeWithCrds('validation against the pinned CRDs', () => {
  test('a valid HelmRepository has no problems', () => {
    // GIVEN a HelmRepository as the library writes it
    // WHEN / THEN its CRD finds no problem
    expect(crdProblems([helmRepository({ interval: '2h', url: 'https://angelnu.github.io/helm-charts' })])).toEqual([]);
  });

  test.each([
    ['an unknown field', { interval: '2h', url: 'https://x.example', urls: 'typo' }, 'urls'],
    ['a missing required field', { interval: '2h' }, 'url'],
    ['a wrong type', { interval: 2, url: 'https://x.example' }, '/spec/interval'],
    ['a duration Flux cannot read', { interval: '2 hours', url: 'https://x.example' }, '/spec/interval'],
  ])('%s is reported', (_what, spec, mentioned) => {
    // GIVEN / WHEN a HelmRepository spec that its CRD refuses, checked
    const problems = crdProblems([helmRepository(spec)]);
    // THEN at least one problem, naming the offending field
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(mentioned);
  });

  test('HelmRelease values are free-form (x-kubernetes-preserve-unknown-fields)', () => {
    // GIVEN a HelmRelease with arbitrary values
    const release = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'multus', namespace: 'kube-system' },
      spec: { interval: '30m', chart: { spec: { chart: 'multus', sourceRef: { kind: 'HelmRepository', name: 'angelnu' } } }, values: { anything: { goes: [1] } } },
    };
    // WHEN / THEN its CRD finds no problem
    expect(crdProblems([release])).toEqual([]);
  });

  test('kinds without a pinned CRD are not checked', () => {
    // GIVEN a Pod with a field Kubernetes does not know
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { bogus: true } };
    // WHEN / THEN it is not a pinned custom resource, and no problem is reported
    expect(isPinnedCustomResource(pod)).toBe(false);
    expect(crdProblems([pod])).toEqual([]);
  });
});
