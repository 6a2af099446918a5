/**
 * Deep-merges `override` into `base` the way Helm merges values files: objects merge key by key,
 * everything else (arrays included) is replaced. `null` in the override removes the key, as in Helm.
 * `undefined` leaves the key as it is: a values file cannot hold it, and in code it is an optional
 * value left unset (`{ controllers: cond ? x : undefined }`), which must not wipe what the library
 * wrote there. Neither input is modified.
 * @internal
 */
export function deepMerge(base: Record<string, any>, override: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    if (value === null) {
      delete out[key];
    } else if (isPlainObject(value) && isPlainObject(out[key])) {
      out[key] = deepMerge(out[key], value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** @internal */
export function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
