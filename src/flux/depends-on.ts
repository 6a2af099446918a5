import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError, refusal } from '../errors';
import { identityScopeOf } from '../util/identity';
import { apiGroupOf } from '../knowledge/kinds';

// Flux applies a Kustomization only once every Kustomization in its `spec.dependsOn` is ready, so a
// cycle of dependencies (a on b, b on a) waits forever: nothing of it is ever applied, and Flux
// reports only "dependency not ready". The cycle is visible in the manifests of one cluster, which
// is what the check reads, per identity scope (an app, or a FluxTree).

const KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';

interface Node {
  readonly key: string;
  readonly object: IConstruct;
  readonly dependsOn: string[];
}

/**
 * Every cycle of `dependsOn` among the Flux Kustomizations of the manifests, once each, named as
 * `a -> b -> a` (by `namespace/name`) with the construct path of its first Kustomization.
 * @internal
 */
export function dependsOnCycles(objects: ReadonlyArray<ApiObject>, manifestOf: (object: ApiObject) => any): ValidationError[] {
  const scopes = new Map<IConstruct, Map<string, Node>>();
  for (const object of objects) {
    // Only the Flux Kustomizations are rendered.
    if (object.kind !== 'Kustomization' || apiGroupOf(object.apiVersion) !== KUSTOMIZE_GROUP) continue;
    const manifest = manifestOf(object);
    const namespace = manifest.metadata?.namespace ?? 'default';
    const key = `${namespace}/${manifest.metadata?.name}`;
    const dependsOn = (Array.isArray(manifest.spec?.dependsOn) ? manifest.spec.dependsOn : [])
      .map((d: any) => `${d?.namespace ?? namespace}/${d?.name}`);
    const scope = identityScopeOf(object);
    const nodes = scopes.get(scope) ?? new Map<string, Node>();
    scopes.set(scope, nodes);
    if (!nodes.has(key)) nodes.set(key, { key, object, dependsOn });
  }
  const problems: ValidationError[] = [];
  for (const nodes of scopes.values()) {
    // Depth-first search; a node on the current path reached again closes a cycle.
    const done = new Set<string>();
    const path: string[] = [];
    const onPath = new Set<string>();
    const visit = (key: string) => {
      if (done.has(key)) return;
      const node = nodes.get(key);
      if (!node) return;
      path.push(key);
      onPath.add(key);
      for (const next of node.dependsOn) {
        if (onPath.has(next)) {
          const cycle = [...path.slice(path.indexOf(next)), next];
          const first = nodes.get(next)!;
          problems.push(refusal({
            field: 'dependsOn',
            value: cycle.join(' -> '),
            problem: 'is a cycle',
            hint: 'Flux applies a Kustomization only once all it depends on are ready, so a cycle waits forever and applies nothing: remove one of the dependencies',
            constructPath: first.object.node.path,
          }));
        } else {
          visit(next);
        }
      }
      path.pop();
      onPath.delete(key);
      done.add(key);
    };
    for (const key of [...nodes.keys()].sort()) visit(key);
  }
  return problems;
}
