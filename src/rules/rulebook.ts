import { CHART_RULES } from './checks/charts';
import { CLUSTER_RULES } from './checks/cluster';
import { CLUSTER_PROFILE_RULES } from './checks/cluster-profile';
import { NAD_RULES } from './checks/nads';
import { POD_RULES } from './checks/pods';
import { ClusterFacts } from '../knowledge/clusters';
import { Inventory } from './inventory';
import { Finding, Level, Manifest } from './model';
import { FindingInput, Rule } from './rule';
import { render } from './values';

// The rulebook: every rule over one inventory of the input, findings in a fixed order. The synth
// check (app-check.ts), the cdk8s validation plugin and the command line (src/cli) all run this.

/** Every rule, in the order docs/rules.md lists them. @internal */
export const RULES: readonly Rule[] = [...CHART_RULES, ...NAD_RULES, ...POD_RULES, ...CLUSTER_RULES, ...CLUSTER_PROFILE_RULES];

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

function compare(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

const RANK = new Map(RULES.map((r, i) => [r.id, i]));

/** Findings in a fixed order: by file, document, construct path, then rule and field. */
function order(a: Finding, b: Finding): number {
  return compare(a.location.file, b.location.file)
    || compare(a.location.doc, b.location.doc)
    || compare(a.location.constructPath, b.location.constructPath)
    || (RANK.get(a.rule) ?? 0) - (RANK.get(b.rule) ?? 0)
    || compare(a.field, b.field)
    || compare(a.message, b.message);
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
}

/**
 * Runs every rule over the manifests and returns what they find, each finding once, in a fixed
 * order. Linear in the number of manifests: the input is indexed once and every rule reads the index.
 * @internal
 */
export function runRules(manifests: readonly Manifest[], options: RunOptions = {}): Finding[] {
  const inventory = new Inventory(manifests, options.cluster, options.kubernetesVersion ?? options.cluster?.version);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const input = options.input ?? 'app';
  for (const rule of options.rules ?? RULES) {
    if (rule.repositoryOnly && input !== 'repository') continue;
    rule.check(inventory, {
      add(input) {
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
