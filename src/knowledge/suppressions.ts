// How a finding of the rulebook is suppressed on one object, by hand or by a construct: an
// annotation per rule, `suppress.cdk8s-multus.io/<rule-id>: <reason>`, read at synth, by the cdk8s
// validation plugin and by `cdk8s-multus check` alike (docs/rules.md, "Suppressing a finding").

/** The prefix of the annotation that suppresses one rule on one object; the rule id follows it. @internal */
export const SUPPRESS_ANNOTATION_PREFIX = 'suppress.cdk8s-multus.io/';

/** The id of the rule that reports suppressions that name no rule or give no reason; it cannot be suppressed. @internal */
export const SUPPRESSION_RULE = 'suppression-invalid';
