import { ApiObject, Chart } from 'cdk8s';
import { MultusRulebook, ValidationError } from '../../src';
import { SUPPRESS_ANNOTATION_PREFIX } from '../../src/knowledge/suppressions';
import { testApp, validationError } from '../helpers';
import { check, macvlan, nad, rules } from './manifests';

// Suppressing a finding of the rulebook: per object with the annotation
// `suppress.cdk8s-multus.io/<rule-id>: <reason>` (at synth and in the checker alike), per app with
// `MultusRulebook.of(app).suppress(ruleId, reason)`; never without a reason, never an unknown rule.

/** A NAD whose config declares no capability for the addresses pods ask of it: `nad-capability`. */
function bareNad(annotations?: Record<string, string>): any {
  const object = nad('plain', 'home', macvlan('plain'));
  return annotations ? { ...object, metadata: { ...object.metadata, annotations } } : object;
}

/** A NAD that fails `nad-config-invalid` (an error). */
function brokenNad(annotations?: Record<string, string>): any {
  return { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'broken', namespace: 'home', ...(annotations ? { annotations } : {}) }, spec: { config: '{not json' } };
}

/** An app with the rulebook, and `objects` as hand-written ApiObjects. */
function appWith(...objects: any[]) {
  const app = testApp();
  const chart = new Chart(app, 'apps');
  objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
  return { app, rulebook: MultusRulebook.of(app) };
}

describe('suppressing a finding', () => {
  test('per object, in the checker: the annotation with a reason leaves that rule out for that object only', () => {
    // GIVEN two broken NADs, one of them suppressing nad-config-invalid with a reason
    const suppressed = brokenNad({ [`${SUPPRESS_ANNOTATION_PREFIX}nad-config-invalid`]: 'a template the cluster renders' });
    const other = { ...brokenNad(), metadata: { name: 'other', namespace: 'home' } };
    // WHEN the rulebook runs over the manifests THEN only the other NAD is reported
    const findings = check([suppressed, other]);
    expect(rules(findings)).toEqual(['nad-config-invalid']);
    expect(findings[0].name).toBe('other');
  });

  test('per object, in the checker: a suppression without a reason, or of an unknown rule, is an error of its own', () => {
    const noReason = brokenNad({ [`${SUPPRESS_ANNOTATION_PREFIX}nad-config-invalid`]: ' ' });
    const unknown = { ...brokenNad({ [`${SUPPRESS_ANNOTATION_PREFIX}nad-config-bad`]: 'typo' }), metadata: { name: 'typo', namespace: 'home', annotations: { [`${SUPPRESS_ANNOTATION_PREFIX}nad-config-bad`]: 'typo' } } };
    const findings = check([noReason, unknown]);
    // THEN the unsuppressed findings stay, and each bad suppression is reported
    expect(rules(findings)).toEqual(['nad-config-invalid', 'nad-config-invalid', 'suppression-invalid', 'suppression-invalid']);
    const bad = findings.filter((f) => f.rule === 'suppression-invalid');
    expect(bad.map((f) => f.problem).sort()).toEqual(['gives no reason', 'is not a rule of the rulebook']);
    expect(bad.find((f) => f.problem === 'is not a rule of the rulebook')!.fix).toContain('nad-config-invalid');
  });

  test('per object, at synth: the annotation on a hand-written object lets the app synthesize', () => {
    // GIVEN the broken NAD in an app: it fails the synth
    expect(validationError(() => appWith(brokenNad()).app.synthYaml()).problems.map((p) => p.message.split(':')[0])).toEqual(['nad-config-invalid']);
    // WHEN it carries the suppression THEN the app synthesizes, the annotation in its output
    const yaml = appWith(brokenNad({ [`${SUPPRESS_ANNOTATION_PREFIX}nad-config-invalid`]: 'rendered by the cluster' })).app.synthYaml();
    expect(yaml).toContain(`${SUPPRESS_ANNOTATION_PREFIX}nad-config-invalid: rendered by the cluster`);
  });

  test('per object, at synth: a suppression without a reason fails the synth with a ValidationError', () => {
    const err = validationError(() => appWith(brokenNad({ [`${SUPPRESS_ANNOTATION_PREFIX}nad-config-invalid`]: '' })).app.synthYaml());
    expect(err.problems.map((p) => p.message.split(':')[0]).sort()).toEqual(['nad-config-invalid', 'suppression-invalid']);
  });

  test('per app: MultusRulebook.of(app).suppress leaves the rule out for every object, warnings too', () => {
    // GIVEN an app with a broken NAD and one that warns (nad-capability)
    const { app, rulebook } = appWith(brokenNad(), bareNad());
    // WHEN both rules are suppressed for the app, with reasons
    rulebook.suppress('nad-config-invalid', 'rendered by the cluster');
    rulebook.suppress('nad-capability', 'pods ask no addresses of this network');
    // THEN the app synthesizes without writing a warning, and the suppressions are readable
    const write = process.stderr.write;
    let err = '';
    (process.stderr as any).write = (chunk: any) => (err += String(chunk), true);
    try {
      app.synthYaml();
    } finally {
      process.stderr.write = write;
    }
    expect(err).toBe('');
    expect(rulebook.suppressions).toEqual({ 'nad-config-invalid': 'rendered by the cluster', 'nad-capability': 'pods ask no addresses of this network' });
    expect(MultusRulebook.of(app.node.findChild('apps'))).toBe(rulebook);
  });

  test('per app: a suppression without a reason is refused at once', () => {
    const { rulebook } = appWith();
    const err = validationError(() => rulebook.suppress('nad-capability', '  '));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: 'reason', value: '"  "' });
    expect(err.message).toContain('is empty');
    expect(rulebook.suppressions).toEqual({});
  });

  test('per app: an unknown rule id is refused, naming the rules', () => {
    const { rulebook } = appWith();
    const err = validationError(() => rulebook.suppress('nad-capabilty', 'typo'));
    expect(err).toMatchObject({ field: 'ruleId', value: '"nad-capabilty"' });
    expect(err.message).toContain('is not a rule of the rulebook');
    expect(err.hint).toContain('nad-capability');
    // The rule that reports bad suppressions cannot itself be suppressed
    expect(() => rulebook.suppress('suppression-invalid', 'quiet')).toThrow(ValidationError);
  });
});
