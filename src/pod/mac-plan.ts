import { IConstruct } from 'constructs';
import { ValidationProblem, problem } from '../errors';
import { identityScopeOf } from '../util/identity';
import { stateOf } from '../util/scope-state';

// Who holds which pinned MAC on which network. One MAC on one layer-2 network belongs to one
// interface: two interfaces of one pod with one MAC on one network are two macvlan children of one
// master with one address, which the kernel refuses ("address already in use"); two pods with one
// MAC on one LAN make the switch send each one's frames to whichever spoke last, and a router
// reservation keyed on the MAC hands both the same lease. Within a pod every network is checked
// (told apart by its NetworkAttachmentDefinition, `<namespace>/<name>`); across pods, the
// IotNetworks of the app, whose address plan the library keeps (a NetworkRef is checked for form
// only, as its addresses are), per identity scope (an app, or a FluxTree: one cluster). Like the
// address plan, claims are checked as a whole and recorded only when all of them pass, so a
// refused pod holds no MAC.

/** One MAC a pod pins: the network, the MAC in canonical form, who asks, and the field. @internal */
export interface MacRequest {
  /** `<namespace>/<name>` of the NetworkAttachmentDefinition. */
  readonly network: string;
  readonly mac: string;
  readonly claimant: string;
  readonly field: string;
  /** True for an IotNetwork of the app: the claim is kept, and checked against other pods'. */
  readonly planned: boolean;
}

/** Who holds which MAC on which network, in the identity scope of `scope` (kept in the scope). */
function planOf(scope: IConstruct): Map<string, string> {
  return stateOf(identityScopeOf(scope), 'cdk8s-multus.macs', () => new Map<string, string>());
}

function key(r: MacRequest): string {
  return `${r.network} ${r.mac}`;
}

/**
 * Checks MAC requests of one pod against every earlier claim in the identity scope of `scope`, and
 * against each other: the problems of those that cannot be granted. Records nothing.
 * @internal
 */
export function macClaimProblems(scope: IConstruct, requests: ReadonlyArray<MacRequest>): ValidationProblem[] {
  if (requests.length === 0) return [];
  const held = planOf(scope);
  const problems: ValidationProblem[] = [];
  const inBatch = new Map<string, MacRequest>();
  for (const r of requests) {
    const holder = held?.get(key(r)) ?? inBatch.get(key(r))?.claimant;
    if (holder !== undefined) {
      problems.push(problem({ field: r.field, value: r.mac, problem: 'is already pinned on this network', hint: `${JSON.stringify(holder)} holds ${r.mac} on ${r.network} and ${JSON.stringify(r.claimant)} pins it too; give each interface on one network its own MAC (a locally administered one such as "02:...")`, scope }));
      continue;
    }
    inBatch.set(key(r), r);
  }
  return problems;
}

/**
 * Records requests that `checkMacClaims` passed.
 * @internal
 */
export function recordMacClaims(scope: IConstruct, requests: ReadonlyArray<MacRequest>): void {
  if (requests.length === 0) return;
  const held = planOf(scope);
  for (const r of requests) if (r.planned) held.set(key(r), r.claimant);
}
