// The scale benchmark's variants (bench/scale.ts) are compared with each other in CONTRIBUTING.md,
// which is only fair while every annotated variant writes the same YAML: the variants differ in how
// the annotation is made and checked, never in what is written.
import { ApiObject, App, Chart } from 'cdk8s';
import { MultusRulebook } from '../../src';
import { SYNTH_RULEBOOK } from '../../src/rules/app-check';
import { SCALE_MODES, addresses, build } from '../../bench/scale';

describe('bench/scale.ts', () => {
  afterEach(() => MultusRulebook._wire(SYNTH_RULEBOOK));

  test('every annotated variant writes the library\'s YAML, byte for byte', () => {
    const ips = addresses(20);
    const shipped = build(20, 'multus', ips);
    expect(shipped).toContain('k8s.v1.cni.cncf.io/networks: \'[{"name":"iot","namespace":"bench","ips":["198.18.0.29/15"]}]\'');
    for (const mode of SCALE_MODES.filter((m) => m !== 'multus' && m !== 'plain')) {
      expect({ mode, yaml: build(20, mode, ips) }).toEqual({ mode, yaml: shipped });
    }
  });

  test('plain Deployments carry no annotation and no network', () => {
    const yaml = build(20, 'plain');
    expect(yaml).not.toContain('k8s.v1.cni.cncf.io');
    expect(yaml.match(/^kind: Deployment$/gm)).toHaveLength(20);
  });

  test('the variants without the rulebook at synth really run without it', () => {
    // An object that suppresses a rule that does not exist is the rulebook's error: refused with
    // the rulebook wired, written without it.
    const synthOfBadSuppression = () => {
      const app = new App({ outdir: 'never-written' });
      const chart = new Chart(app, 'c', { namespace: 'bench' });
      MultusRulebook.of(chart);
      new ApiObject(chart, 'config', {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { [`${MultusRulebook.SUPPRESS_ANNOTATION_PREFIX}no-such-rule`]: 'a reason' } },
      });
      return () => app.synthYaml();
    };
    expect(synthOfBadSuppression()).toThrow(/is not a rule of the rulebook/);
    build(1, 'unwired');
    expect(synthOfBadSuppression()).not.toThrow();
  });
});
