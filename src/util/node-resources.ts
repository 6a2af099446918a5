import { IConstruct } from 'constructs';
import { invalid } from '../errors';
import { identityScopeOf } from './identity';

// Some things a construct sets up exist once per node, whatever the namespace: a host path that a
// daemon creates and removes (the CNI dhcp daemon's socket), a port on the host network. Two
// constructs of one cluster that claim the same one fight over it on every node: each removes the
// other's socket at start. A construct claims such a node resource here; the claim is kept on the
// construct itself and looked up in the construct tree, per identity scope (util/identity: the
// app, or each FluxTree of it, is one cluster), so that two apps or two trees never see each other.

const CLAIMS = Symbol.for('cdk8s-multus.NodeResources');

interface Claim {
  readonly resource: string;
  readonly what: string;
}

/**
 * Claims the node-wide `resource` (`/run/cni/dhcp.sock`) for `scope`, refusing it when another
 * construct of the same cluster claimed it already. `field` and `value` are what the refusal names
 * (the prop that would have to change), `what` says what uses the resource.
 * @internal
 */
export function claimNodeResource(scope: IConstruct, resource: string, what: string, refusal: { field: string; value: unknown; fix: string }): void {
  const cluster = identityScopeOf(scope);
  for (const other of cluster.node.findAll()) {
    if (other === scope) continue;
    const claims: Claim[] | undefined = (other as any)[CLAIMS];
    const claim = claims?.find((c) => c.resource === resource);
    if (claim === undefined) continue;
    const where = cluster === scope.node.root ? 'this app' : cluster.node.path;
    invalid({
      field: refusal.field,
      value: refusal.value,
      problem: `claims ${resource} a second time`,
      hint: `${other.node.path} (${claim.what}) already uses ${resource} on every node of ${where}, whatever its namespace, and two of them undo each other on each node; ${refusal.fix}`,
      scope,
    });
  }
  const own: Claim[] = (scope as any)[CLAIMS] ?? [];
  if ((scope as any)[CLAIMS] === undefined) Object.defineProperty(scope, CLAIMS, { value: own });
  own.push({ resource, what });
}
