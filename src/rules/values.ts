// Small readers of plain manifests and chart values: nested lookups that never throw, and the test
// for text that is still a template (Flux `${VAR}`, Helm `{{ }}`), which no rule can judge.

import { digPath, isMap } from '../knowledge/json';

export { digPath, isMap, isTemplated } from '../knowledge/json';

/** The value at `path` under `value`, or undefined when a step is missing or not a map. @internal */
export function dig(value: unknown, ...path: string[]): any {
  return digPath(value, path);
}

/** The map at `path`, or undefined. @internal */
export function digMap(value: unknown, ...path: string[]): Record<string, any> | undefined {
  const found = digPath(value, path);
  return isMap(found) ? found : undefined;
}

/** The string at `path`, or undefined. @internal */
export function digString(value: unknown, ...path: string[]): string | undefined {
  const found = digPath(value, path);
  return typeof found === 'string' ? found : undefined;
}

/** A value for a message: strings in double quotes, everything else as JSON (shortened). @internal */
export function render(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'string') text = JSON.stringify(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** True iff the manifest is a `kind` of API group `group` (the knowledge layer's, re-exported for the rules). @internal */
export { isKind } from '../knowledge/kinds';

/** Groups of the objects the rules read. @internal */
export const GROUPS = {
  helm: 'helm.toolkit.fluxcd.io',
  source: 'source.toolkit.fluxcd.io',
  kustomize: 'kustomize.toolkit.fluxcd.io',
  cni: 'k8s.cni.cncf.io',
  apps: 'apps',
  batch: 'batch',
  autoscaling: 'autoscaling',
} as const;

/**
 * Bytes of a Kubernetes memory quantity (`128Mi`, `1Gi`, `512M`, `268435456`, `1e9`), or undefined
 * when the text is not one.
 * @internal
 */
export function memoryBytes(quantity: unknown): number | undefined {
  if (typeof quantity === 'number') return Number.isFinite(quantity) && quantity >= 0 ? quantity : undefined;
  if (typeof quantity !== 'string') return undefined;
  const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m|[eE][0-9]+)?$/.exec(quantity.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
  const decimal: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3 };
  if (unit in binary) return n * binary[unit];
  if (unit in decimal) return n * decimal[unit];
  if (/^[eE]/.test(unit)) return n * 10 ** Number(unit.slice(1));
  return n;
}

