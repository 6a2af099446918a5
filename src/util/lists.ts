// Lists the library keeps while an app is built and checked (an annotation's elements, the
// rulebook's index of thousands of workloads) are kept at their length. A list grown by `push` from
// `[]` keeps room for about sixteen more elements (some 130 bytes for a list of one), which every
// garbage collection then copies or marks for as long as the list lives.

/**
 * `list` copied to its length, for a list built by `push` that is kept.
 * @internal
 */
export function trimmed<T>(list: T[]): T[] {
  return list.slice();
}
