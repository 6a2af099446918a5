import { IConstruct } from 'constructs';
import { invalid } from '../errors';
import { KUBERNETES_FIELDS, KubernetesField } from '../knowledge/kubernetes-fields';

/**
 * Refuses `value` where Kubernetes' rule for `kind` (knowledge/kubernetes-fields) refuses it,
 * naming the field, the value (as `shown`, when the prop holds it in another form: `0.5s` for a
 * Duration), what Kubernetes accepts and why.
 * @internal
 */
export function checkKubernetesField(kind: KubernetesField, field: string, value: unknown, scope?: IConstruct, shown: unknown = value): void {
  const rule = KUBERNETES_FIELDS[kind];
  if (!rule.accepts(value)) invalid({ field, value: shown, hint: `give ${rule.expected} (${rule.source})`, scope });
}
