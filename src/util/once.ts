// A value computed on first use, then kept: an index the rules may never need, a file parsed
// again only when a finding points into it, a module most runs never load.

/**
 * `compute()`, called on the first call of the returned function only; every call returns its
 * value.
 * @internal
 */
export function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}
