// Small readers of plain JSON (manifests, chart values), for the knowledge layer and every layer
// above it: nested lookups that never throw, and the test for text that is still a template.

/** A plain (non-array) object. @internal */
export function isMap(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path` under `value`, or undefined when a step is missing or not a map. @internal */
export function digPath(value: unknown, path: readonly string[]): any {
  let current: any = value;
  for (let i = 0; i < path.length; i++) {
    if (!isMap(current)) return undefined;
    current = current[path[i]];
  }
  return current;
}

/**
 * True iff `text` is still a template to be filled in later: a Flux post-build substitution
 * (`${VAR}`) or a Helm template (`{{ ... }}`, which app-template renders in annotations and names).
 * @internal
 */
export function isTemplated(text: unknown): boolean {
  return typeof text === 'string' && (text.includes('${') || text.includes('{{'));
}
