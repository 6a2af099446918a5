import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { HelmRepository, HelmRepositorySpec, OciRepository, OciRepositorySpec } from '../../imports/source.toolkit.fluxcd.io';
import { invalid } from '../errors';
import { stateOf } from '../util/scope-state';

// The Flux source objects (HelmRepository, OCIRepository) that charts come from, one object per
// source: several releases of one chart, or of charts of one repository, share the source the
// first of them declared, whether they sit in one cdk8s Chart or across a Flux tree. Two
// declarations of one source that differ are refused: only one object of that name can exist.

/** The construct-context key under which a Flux tree names itself, so that sources are shared per tree. @internal */
export const SOURCE_SCOPE_CONTEXT = 'cdk8s-multus:sourceScope';

/** A Flux source object to declare. @internal */
export interface ChartSourceDeclaration {
  readonly kind: 'HelmRepository' | 'OCIRepository';
  readonly name: string;
  readonly namespace: string;
  readonly spec: HelmRepositorySpec | OciRepositorySpec;
  /** What declares it, for messages (e.g. `MultusChart.angelnu()`). */
  readonly declaredBy: string;
}

interface Declared {
  readonly object: ApiObject;
  readonly json: string;
  readonly declaredBy: string;
  readonly path: string;
}

/** The sources declared in the app of `scope`, kept in the app (by tree, kind, namespace and name). */
function declaredIn(scope: IConstruct): Map<string, Declared> {
  return stateOf(scope.node.root, 'cdk8s-multus.sources', () => new Map<string, Declared>());
}

/**
 * The source object of `declaration`, created in `scope` (under id `id`) if no construct of the app
 * (of the Flux tree, inside one) declared it yet, else the existing one. Refuses a declaration that
 * differs from the existing one.
 * @internal
 */
export function ensureChartSource(scope: Construct, id: string, declaration: ChartSourceDeclaration): ApiObject {
  const declared = declaredIn(scope);
  const within = scope.node.tryGetContext(SOURCE_SCOPE_CONTEXT) ?? '';
  const key = `${within}\u0000${declaration.kind}/${declaration.namespace}/${declaration.name}`;
  const json = JSON.stringify(declaration.spec);
  const existing = declared.get(key);
  if (existing) {
    if (existing.json !== json) {
      invalid({
        field: `${declaration.kind}.${declaration.name}`,
        value: declaration.spec,
        hint: `${existing.declaredBy} at ${existing.path} already declares the ${declaration.kind} ${declaration.namespace}/${declaration.name} as ${existing.json}; declare it the same way, give one another name, or mark one as existing`,
        scope,
        problem: 'conflicts',
      });
    }
    return existing.object;
  }
  const props = { metadata: { name: declaration.name, namespace: declaration.namespace }, spec: declaration.spec as any };
  const object = declaration.kind === 'HelmRepository' ? new HelmRepository(scope, id, props) : new OciRepository(scope, id, props);
  declared.set(key, { object, json, declaredBy: declaration.declaredBy, path: scope.node.path });
  return object;
}
