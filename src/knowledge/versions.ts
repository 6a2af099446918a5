// Versions as the charts and Kubernetes write them: parsing and comparing, and the Kubernetes
// ranges (`kubeVersion`) the charts declare. Pure: no cdk8s, no construct tree.

/** The exact semantic version pattern a pinned chart version must match. */
export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** A semantic version's numbers (a leading `v` allowed), or undefined for anything else (ranges, templates). */
export function semver(version: unknown): [number, number, number] | undefined {
  if (typeof version !== 'string') return undefined;
  const m = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:[-+].*)?$/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** -1, 0 or 1 as version `a` is older than, the same as, or newer than `b` (numbers only). */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * A Kubernetes range as a chart declares it in `kubeVersion`, of the only form the charts the
 * library knows use: a lower bound (`>=1.31.0-0`).
 */
export interface KubernetesRange {
  /** The range as the chart writes it. */
  readonly text: string;
  /** The oldest Kubernetes minor it admits, `[major, minor]`. */
  readonly min: readonly [number, number];
}

/** The range `>=<major>.<minor>.0-0`. */
export function atLeast(major: number, minor: number): KubernetesRange {
  return { text: `>=${major}.${minor}.0-0`, min: [major, minor] };
}

/** True iff Kubernetes `version` (`[major, minor, patch]`) lies in `range`. */
export function inRange(version: readonly number[], range: KubernetesRange): boolean {
  return compareVersions(version.slice(0, 2), range.min) >= 0;
}
