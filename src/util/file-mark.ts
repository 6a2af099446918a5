/**
 * The first line of every file a FluxTree writes. `cdk8s-multus merge` replaces a file that starts
 * with it and never one that does not: deleting the line makes the file the user's own. Here, below
 * both, because the tree writes it and the command reads it.
 * @internal
 */
export const TREE_FILE_MARK = '# Written by cdk8s-multus: `cdk8s-multus merge` replaces this file. Delete this line to keep it as your own.';
