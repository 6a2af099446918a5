import { Construct, IConstruct } from 'constructs';

// What the library keeps for one scope of an app (the app's root, or a FluxTree: one cluster) while
// the app is built: which IotNetwork defines which NetworkAttachmentDefinition, who pinned which MAC,
// which pod got which annotation, which Flux sources were declared. Kept in the app itself, as a
// child construct of the scope with a fixed id, and found again from any construct of the scope as
// `Chart.of` finds a chart: two apps never share it, and nothing outlives the app.

/** The holder of one value kept for a scope. */
class ScopeState<T> extends Construct {
  constructor(scope: Construct, id: string, public readonly value: T) {
    super(scope, id);
  }
}

/** The holder of the value kept for `scope` under `id`, if one was made. */
function holderOf<T>(scope: IConstruct, id: string): ScopeState<T> | undefined {
  const found = scope.node.tryFindChild(id);
  return found instanceof ScopeState ? found : undefined;
}

/**
 * The value kept for `scope` under `id`, made by `create` on first use.
 * @internal
 */
export function stateOf<T>(scope: IConstruct, id: string, create: () => T): T {
  return (holderOf<T>(scope, id) ?? new ScopeState(scope as Construct, id, create())).value;
}

/**
 * The value kept for `scope` under `id`, or undefined when nothing made one yet (a read that must
 * not create the state).
 * @internal
 */
export function keptStateOf<T>(scope: IConstruct, id: string): T | undefined {
  return holderOf<T>(scope, id)?.value;
}
