import { IConstruct } from 'constructs';
import { invalid } from '../errors';

// How the parts of a Flux tree find each other: each part marks itself with a symbol, and a part
// looks its tree (or its app) up from its own scope, as cdk8s's `Chart.of` does. Nothing registers
// with its parent, and the modules of the tree import one way: this module, then the
// Kustomization, the app, the tree.

/** What the parts of a tree read from the tree they are in. */
export interface IFluxTree extends IConstruct {
  /** The cluster's directory in the git repository, e.g. `kubernetes/main`. */
  readonly clusterPath: string;
  /** Where the output directory sits in the git repository Flux reads. */
  readonly pathPrefix: string;
  /** Name of the GitRepository every Kustomization reads from. */
  readonly gitRepositoryName: string;
  /** Namespace of that GitRepository. */
  readonly gitRepositoryNamespace: string;
  /** Namespace Flux runs in: where the Kustomizations and Flux sources live. */
  readonly fluxNamespace: string;
}

/** What a Kustomization reads from the app it belongs to. */
export interface IFluxApp extends IConstruct {
  /** The app's name. */
  readonly appName: string;
  /** The namespace the app runs in. */
  readonly namespace: string;
  /** The app's directory relative to the output directory, e.g. `kubernetes/main/apps/kube-system/multus`. */
  readonly treePath: string;
}

/** @internal */
export const TREE = Symbol.for('cdk8s-multus.FluxTree');
/** @internal */
export const APP = Symbol.for('cdk8s-multus.FluxApp');
/** @internal */
export const KUSTOMIZATION = Symbol.for('cdk8s-multus.FluxKustomization');

/**
 * Marks `part` as one of the tree's parts. cdk8s answers `instanceof` of every Chart subclass with
 * "is a Chart", so the parts are told apart by these marks instead.
 * @internal
 */
export function mark(part: object, symbol: symbol): void {
  Object.defineProperty(part, symbol, { value: true });
}

/** True iff `x` carries the mark `symbol`. @internal */
export function isMarked(x: unknown, symbol: symbol): boolean {
  return typeof x === 'object' && x !== null && (x as any)[symbol] === true;
}

/**
 * The nearest construct carrying `symbol`, from `scope` itself up to the root; undefined when none.
 * @internal
 */
export function lookUp<T extends IConstruct>(scope: IConstruct, symbol: symbol): T | undefined {
  for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
    if (isMarked(s, symbol)) return s as T;
  }
  return undefined;
}

/**
 * The constructs below `root` carrying `symbol`, in creation order, without looking inside a
 * construct that carries it (parts do not nest in parts of their own kind).
 * @internal
 */
export function findBelow<T extends IConstruct>(root: IConstruct, symbol: symbol): T[] {
  const out: T[] = [];
  const walk = (c: IConstruct) => {
    for (const child of c.node.children) {
      if (isMarked(child, symbol)) out.push(child as T);
      else walk(child);
    }
  };
  walk(root);
  return out;
}

/**
 * The tree `scope` is in; refuses a scope outside any tree, naming what to create it in.
 * @internal
 */
export function treeOf(scope: IConstruct, what: string): IFluxTree {
  const tree = lookUp<IFluxTree>(scope, TREE);
  if (!tree) invalid({ field: 'scope', value: scope.node.path, hint: `create the ${what} inside a FluxTree`, problem: 'is not inside a FluxTree' });
  return tree;
}

/**
 * The app `scope` is in; refuses a scope outside any app.
 * @internal
 */
export function appOf(scope: IConstruct, what: string): IFluxApp {
  const app = lookUp<IFluxApp>(scope, APP);
  if (!app) invalid({ field: 'scope', value: scope.node.path, hint: `create the ${what} inside a FluxApp (one app of a FluxTree)`, problem: 'is not inside a FluxApp' });
  return app;
}

/**
 * The ids under which a FluxTree keeps its own children: the chart of its HelmRepositories and the
 * chart of its Namespaces, created when first needed.
 * @internal
 */
export const TREE_CHILD_IDS: readonly string[] = ['Sources', 'Namespaces'];

/**
 * Refuses an id a FluxTree keeps for its own children, for a construct created directly in a tree,
 * whichever is created first: the tree would later fail to create its child.
 * @internal
 */
export function checkTreeChildId(scope: IConstruct, id: string, what: string): void {
  if (isMarked(scope, TREE) && TREE_CHILD_IDS.includes(id)) {
    invalid({ field: 'id', value: id, hint: `a FluxTree keeps its ${id === 'Sources' ? 'HelmRepositories' : 'Namespaces'} under the id "${id}"; give the ${what} another id (its name can still be "${id.toLowerCase()}")`, scope, problem: 'is reserved by the FluxTree' });
  }
}
