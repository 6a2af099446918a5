// A tree of the values keys a chart reads.

/** Keys a chart reads: a leaf (`true`) is read whatever it holds. */
export type KeyTree = { readonly [key: string]: KeyTree | true };
