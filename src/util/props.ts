import { IConstruct } from 'constructs';
import { refusal, Problems } from '../errors';

// Props objects from plain JavaScript callers may carry keys no props interface has: most often
// the snake_case names Python users write (`release_name`), which jsii converts for its own
// languages but a JavaScript caller passes as they are. An unknown key is silently dropped, and the
// default is used instead of what the caller meant, so every props interface of the library lists
// its keys next to it (`propsShape`) and its construct refuses any other key, naming the closest
// known one. The list is checked by the compiler: `KnownKeys<T>` needs every key of `T` and no
// other, so it cannot drift from the interface.

/** Every key of `T`, each mapped to `true`: the compiler refuses a missing or an extra key. @internal */
export type KnownKeys<T> = { readonly [K in keyof Required<T>]: true };

/** The keys of one props interface. @internal */
export interface PropsShape {
  /** The interface's name, for messages (`MultusInstallProps`). */
  readonly name: string;
  readonly keys: ReadonlySet<string>;
}

const SHAPES = new Map<string, PropsShape>();

/**
 * The shape of the props interface `name`, from its keys.
 * @internal
 */
export function propsShape<T>(name: string, keys: KnownKeys<T>): PropsShape {
  const shape = { name, keys: new Set(Object.keys(keys)) };
  SHAPES.set(name, shape);
  return shape;
}

/**
 * Every props shape declared so far, by interface name (for the test that every props interface of
 * the public API has one).
 * @internal
 */
export function declaredPropsShapes(): ReadonlyMap<string, PropsShape> {
  return SHAPES;
}

/**
 * Refuses every key of `props` (a plain object) that `shape` does not list, in one
 * ValidationError, each naming the closest known key. `field` prefixes the keys in messages
 * (`chart` gives `chart.repository_name`); leave it empty for a construct's own props.
 * @internal
 */
export function checkKnownProps(field: string, props: unknown, shape: PropsShape, scope?: IConstruct): void {
  if (typeof props !== 'object' || props === null || Array.isArray(props)) return;
  const problems = new Problems();
  for (const key of Object.keys(props)) {
    if (shape.keys.has(key)) continue;
    const closest = closestKey(key, shape.keys);
    const known = [...shape.keys].join(', ');
    problems.add(refusal({
      field: field === '' ? key : `${field}.${key}`,
      value: (props as Record<string, unknown>)[key],
      problem: `is not a prop of ${shape.name}`,
      hint: closest !== undefined
        ? `did you mean ${closest}? Props are written in camelCase in JavaScript and TypeScript (jsii converts the snake_case of other languages); an unknown prop would be ignored`
        : `${shape.name} has ${known}; an unknown prop would be ignored`,
      scope,
    }));
  }
  problems.throwIfAny();
}

/**
 * The known key `key` most probably means: the one it spells in another case style
 * (`release_name`, `ReleaseName`, `release-name`), else the nearest by edit distance, if near.
 */
function closestKey(key: string, keys: ReadonlySet<string>): string | undefined {
  const folded = fold(key);
  for (const k of keys) if (fold(k) === folded) return k;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of keys) {
    const d = distance(folded, fold(k));
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(folded.length / 3)) ? best : undefined;
}

/** Lower case without separators: `release_name`, `releaseName` and `Release-Name` fold alike. */
function fold(key: string): string {
  return key.replace(/[-_\s]/g, '').toLowerCase();
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
