import { Inventory } from './inventory';
import { Level, Manifest } from './model';

/** What a rule reports: the object, the field, the offending value, what is wrong and the fix. @internal */
export interface FindingInput {
  readonly manifest: Manifest;
  readonly field: string;
  /** The offending value, raw (rendered for the message) . */
  readonly value: unknown;
  /** What is wrong with the value, as a phrase that follows it (`must not be installed: ...`). */
  readonly problem: string;
  /** What would be right. */
  readonly fix: string;
}

/** Where rules report. @internal */
export interface RuleReport {
  add(finding: FindingInput): void;
}

/** One rule of the rulebook: a stable id, a level, and a check over the whole input. @internal */
export interface Rule {
  /**
   * The id, a contract: it names the rule in output, in docs/rules.md and in suppressions (the
   * annotation `suppress.cdk8s-multus.io/<id>` on one object, `MultusRulebook.suppress(id, reason)`
   * for a whole app; `runRules` leaves suppressed findings out).
   */
  readonly id: string;
  readonly level: Level;
  /** What the rule catches, in one line (docs/rules.md has the rest). */
  readonly summary: string;
  /**
   * Judged only over a whole repository (the command line): a cdk8s app, at synth or through the
   * validation plugin, may name what is defined elsewhere (a `NetworkRef`).
   */
  readonly repositoryOnly?: boolean;
  /** Reports every finding of the rule; linear in the input. */
  check(inventory: Inventory, report: RuleReport): void;
}
