import { CHART_RULES } from './checks/charts';
import { CLUSTER_RULES } from './checks/cluster';
import { CLUSTER_PROFILE_RULES } from './checks/cluster-profile';
import { NAD_RULES } from './checks/nads';
import { POD_RULES } from './checks/pods';
import { SUPPRESSION_RULE, SUPPRESS_ANNOTATION_PREFIX } from '../knowledge/suppressions';
import { ClusterFacts } from '../knowledge/clusters';
import { Inventory } from './inventory';
import { Finding, Level, Manifest } from './model';
import { FindingInput, Rule } from './rule';
import { compare } from '../util/strings';
import { render } from './values';
import { KnownSelections } from './selections';

// The rulebook: every rule over one inventory of the input, findings in a fixed order. The synth
// check (app-check.ts), the cdk8s validation plugin and the command line (src/cli) all run this.

/** The rules a suppression may name: every rule but `suppression-invalid`. */
const SUPPRESSIBLE = (): ReadonlySet<string> => new Set(RULES.map((r) => r.id).filter((id) => id !== SUPPRESSION_RULE));

/** The suppressions an object carries: rule id and reason, by annotation. */
function suppressionsOf(m: Manifest): Array<{ readonly key: string; readonly ruleId: string; readonly reason: unknown }> {
  const annotations = m.object?.metadata?.annotations;
  if (annotations === null || typeof annotations !== 'object') return [];
  let found: Array<{ key: string; ruleId: string; reason: unknown }> | undefined;
  for (const key in annotations) {
    if (Object.prototype.hasOwnProperty.call(annotations, key) && key.startsWith(SUPPRESS_ANNOTATION_PREFIX)) {
      (found ??= []).push({ key, ruleId: key.slice(SUPPRESS_ANNOTATION_PREFIX.length), reason: annotations[key] });
    }
  }
  // Most objects suppress nothing: no list is made for them.
  return found ?? [];
}

/** Whether `m` suppresses `ruleId` (with a reason; one without is `suppression-invalid`). */
function suppresses(m: Manifest, ruleId: string): boolean {
  const reason = m.object?.metadata?.annotations?.[`${SUPPRESS_ANNOTATION_PREFIX}${ruleId}`];
  return typeof reason === 'string' && reason.trim().length > 0 && ruleId !== SUPPRESSION_RULE;
}

const suppressionInvalid: Rule = {
  id: SUPPRESSION_RULE,
  level: 'error',
  summary: `a ${SUPPRESS_ANNOTATION_PREFIX}<rule-id> annotation that names no rule or gives no reason`,
  check(inventory, report) {
    const known = SUPPRESSIBLE();
    for (const manifest of inventory.manifests) {
      for (const s of suppressionsOf(manifest)) {
        const field = `metadata.annotations["${s.key}"]`;
        if (!known.has(s.ruleId)) {
          report.add({ manifest, field, value: s.ruleId, problem: 'is not a rule of the rulebook', fix: `name one of: ${[...known].join(', ')} (docs/rules.md)` });
        } else if (typeof s.reason !== 'string' || s.reason.trim().length === 0) {
          report.add({ manifest, field, value: s.reason, problem: 'gives no reason', fix: 'say why the finding does not apply to this object; a suppression without a reason is refused' });
        }
      }
    }
  },
};

/** Every rule, in the order docs/rules.md lists them. @internal */
export const RULES: readonly Rule[] = [...CHART_RULES, ...NAD_RULES, ...POD_RULES, ...CLUSTER_RULES, ...CLUSTER_PROFILE_RULES, suppressionInvalid];

/** The ids a suppression may name. @internal */
export function suppressibleRuleIds(): string[] {
  return [...SUPPRESSIBLE()];
}

/** A rule's id and level, for listings. @internal */
export interface RuleInfo {
  readonly id: string;
  readonly level: Level;
  readonly summary: string;
}

/** The rules, for listings (`docs/rules.md`, `--help`). @internal */
export function ruleList(): RuleInfo[] {
  return RULES.map((r) => ({ id: r.id, level: r.level, summary: r.summary }));
}

/** The object of a finding, as messages name it: `Kind namespace/name`. */
function objectName(m: Manifest): { kind: string; namespace?: string; name: string; label: string } {
  const kind = typeof m.object?.kind === 'string' ? m.object.kind : 'object';
  const name = typeof m.object?.metadata?.name === 'string' ? m.object.metadata.name : '(unnamed)';
  const namespace = m.namespace;
  return { kind, namespace, name, label: `${kind} ${namespace ? `${namespace}/` : ''}${name}` };
}

/** One finding of `rule`. */
function toFinding(rule: Rule, input: FindingInput): Finding {
  const o = objectName(input.manifest);
  const value = render(input.value);
  return {
    rule: rule.id,
    level: rule.level,
    kind: o.kind,
    namespace: o.namespace,
    name: o.name,
    field: input.field,
    value,
    problem: input.problem,
    fix: input.fix,
    message: `${o.label}: ${input.field}: ${value} ${input.problem}: ${input.fix}`,
    location: input.manifest.location,
  };
}

/** A field of a finding's order: absent first, numbers by value, text in code-unit order. */
function compareField(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compare(String(a), String(b));
}

const RANK = new Map(RULES.map((r, i) => [r.id, i]));

/** Findings in a fixed order: by file, document, construct path, then rule and field. */
function order(a: Finding, b: Finding): number {
  return compareField(a.location.file, b.location.file)
    || compareField(a.location.doc, b.location.doc)
    || compareField(a.location.constructPath, b.location.constructPath)
    || (RANK.get(a.rule) ?? 0) - (RANK.get(b.rule) ?? 0)
    || compareField(a.field, b.field)
    || compareField(a.message, b.message);
}

/** How the rulebook runs. @internal */
export interface RunOptions {
  /**
   * What the manifests are: a cdk8s app (at synth, or its output through the validation plugin),
   * which may name what is defined elsewhere, or a whole repository (the command line).
   * @default 'app'
   */
  readonly input?: 'app' | 'repository';
  /** @default RULES */
  readonly rules?: readonly Rule[];
  /**
   * Rules suppressed for the whole input (a cdk8s app's `MultusRulebook.suppress`), by id, with the
   * reason. Single objects suppress a rule with the annotation `suppress.cdk8s-multus.io/<rule-id>`.
   * @default - none
   */
  readonly suppressed?: ReadonlyMap<string, string>;
  /**
   * The cluster the manifests are for, when the user named it: the rules that need it (CNI
   * directories, the Talos netns mount, Kubernetes ranges, an unseen Cilium) run only with it.
   * @default - unknown: only what the input itself shows is judged
   */
  readonly cluster?: ClusterFacts;
  /**
   * The cluster's Kubernetes version, `[major, minor, patch]`: the charts' Kubernetes ranges are
   * judged only with it.
   * @default - the cluster's, when it has one
   */
  readonly kubernetesVersion?: readonly [number, number, number];
  /**
   * What the input's own model knows of the networks annotations it wrote (at synth, the
   * MultusPodAnnotations' elements), read instead of parsing the annotation again.
   * @default - every annotation is parsed
   */
  readonly knownSelections?: KnownSelections;
}

/**
 * Runs every rule over the manifests and returns what they find, each finding once, in a fixed
 * order, but for the findings a suppression leaves out (the rule suppressed for the whole input,
 * or on the object the finding names). Linear in the number of manifests: the input is indexed once and every rule reads the index.
 * @internal
 */
export function runRules(manifests: readonly Manifest[], options: RunOptions = {}): Finding[] {
  const inventory = new Inventory(manifests, options.cluster, options.kubernetesVersion ?? options.cluster?.version, options.knownSelections);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const input = options.input ?? 'app';
  for (const rule of options.rules ?? RULES) {
    if (rule.repositoryOnly && input !== 'repository') continue;
    if (rule.id !== SUPPRESSION_RULE && options.suppressed?.has(rule.id)) continue;
    rule.check(inventory, {
      add(input) {
        if (suppresses(input.manifest, rule.id)) return;
        const f = toFinding(rule, input);
        const key = `${f.rule}|${f.location.file}|${f.location.doc}|${f.location.constructPath}|${f.message}`;
        if (seen.has(key)) return;
        seen.add(key);
        findings.push(f);
      },
    });
  }
  return findings.sort(order);
}
