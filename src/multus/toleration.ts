import { Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from '../errors';
import { isLabelValue, isQualifiedName } from '../util/validate';
import { isPlainObject } from '../util/merge';
import { checkKnownProps, propsShape } from '../util/props';

/** The effect of a node taint that a toleration matches. */
export enum TaintEffect {
  /** New pods are not scheduled on the node. */
  NO_SCHEDULE = 'NoSchedule',
  /** The scheduler avoids the node. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /** Running pods are evicted too. */
  NO_EXECUTE = 'NoExecute',
}

/** A pod toleration for the Multus DaemonSet. */
export interface MultusToleration {
  /**
   * Taint key; leave out with operator `Exists` to tolerate every taint.
   * @default - every key
   */
  readonly key?: string;
  /**
   * `Exists` or `Equal`.
   * @default 'Equal' when a value is given, else 'Exists'
   */
  readonly operator?: string;
  /**
   * Taint value (only with `Equal`).
   * @default - none
   */
  readonly value?: string;
  /**
   * The taint effect to tolerate.
   * @default - every effect
   */
  readonly effect?: TaintEffect;
}

const TOLERATION = propsShape<MultusToleration>('MultusToleration', { key: true, operator: true, value: true, effect: true });

const OPERATORS = ['Exists', 'Equal'];
const EFFECTS: string[] = Object.values(TaintEffect);

/**
 * Checks a toleration and returns it with its operator filled in and its keys in a fixed order, so
 * the output is the same whatever order the caller wrote them in.
 * @internal
 */
export function checkToleration(t: MultusToleration, index: number, scope?: IConstruct): MultusToleration {
  const field = `tolerations[${index}]`;
  if (!isPlainObject(t)) invalid({ field, value: t, hint: 'give an object such as { operator: "Exists" }', scope });
  checkKnownProps(field, t, TOLERATION, scope);
  const operator = t.operator ?? (t.value !== undefined ? 'Equal' : 'Exists');
  if (!OPERATORS.includes(operator)) invalid({ field: `${field}.operator`, value: t.operator, hint: 'use "Exists" or "Equal"', scope });
  if (operator === 'Exists' && t.value !== undefined) {
    invalid({ field: `${field}.value`, value: t.value, hint: 'operator Exists matches any value; drop the value or use operator "Equal"', scope });
  }
  if (operator === 'Equal' && t.key === undefined) {
    invalid({ field: `${field}.key`, value: t.key, hint: 'operator Equal needs a taint key', scope });
  }
  if (t.key !== undefined && !isQualifiedName(t.key)) {
    invalid({ field: `${field}.key`, value: t.key, hint: 'give a taint key as Kubernetes writes label keys, e.g. "node-role.kubernetes.io/control-plane"', scope });
  }
  if (t.value !== undefined && !isLabelValue(t.value)) {
    invalid({ field: `${field}.value`, value: t.value, hint: 'give a taint value as a string of at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit', scope });
  }
  if (t.effect !== undefined && !EFFECTS.includes(t.effect)) {
    invalid({ field: `${field}.effect`, value: t.effect, hint: `use one of ${EFFECTS.join(', ')} (TaintEffect)`, scope });
  }
  return {
    ...(t.key !== undefined ? { key: t.key } : {}),
    operator,
    ...(t.value !== undefined ? { value: t.value } : {}),
    ...(t.effect !== undefined ? { effect: t.effect } : {}),
  };
}

/**
 * The HelmRelease `postRenderers` that set the DaemonSet's tolerations, or undefined for none.
 *
 * The charts merge a hard-coded CriticalAddonsOnly toleration over any values, so the only way to
 * run on every node is to patch the rendered DaemonSet. JSON6902 `add` replaces the list. The
 * release holds a single DaemonSet, so the target selects by kind alone and survives the charts'
 * naming changes between versions.
 * @internal
 */
export function tolerationPostRenderers(tolerations: ReadonlyArray<MultusToleration>): any[] | undefined {
  if (tolerations.length === 0) return undefined;
  const patch = [{ op: 'add', path: '/spec/template/spec/tolerations', value: tolerations }];
  return [{
    kustomize: {
      patches: [{
        target: { group: 'apps', version: 'v1', kind: 'DaemonSet' },
        patch: Yaml.stringify(patch),
      }],
    },
  }];
}
