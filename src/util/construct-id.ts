import { IConstruct } from 'constructs';
import { invalid } from '../errors';

// A construct id that is taken under its scope makes `constructs` throw a plain Error ("There is
// already a Construct with name ...") from inside the base class constructor. The library's
// constructs check their id before they call it, so the caller gets the library's ValidationError,
// naming the id and the construct that holds it.

/**
 * Refuses an id that is not a non-empty string, or that another child of `scope` already holds
 * (compared as `constructs` stores ids: a "/" becomes "--"). `what` names the construct being made.
 * @internal
 */
export function checkConstructId(scope: IConstruct, id: string, what: string): void {
  if (!scope || typeof scope !== 'object' || !scope.node) {
    invalid({ field: 'scope', value: (scope as unknown) === undefined ? undefined : String(scope), hint: `create the ${what} inside a construct (a cdk8s Chart, a FluxTree, ...)`, problem: 'is not a construct' });
  }
  if (typeof id !== 'string' || id === '') {
    invalid({ field: 'id', value: id, hint: `give the ${what} a non-empty construct id`, scope });
  }
  const taken = scope.node.tryFindChild(id.includes('/') ? id.replace(/\//g, '--') : id);
  if (taken) {
    invalid({ field: 'id', value: id, hint: `${taken.node.path} already holds this id under ${scope.node.path || 'the app'}; give the ${what} an id of its own`, scope, problem: 'is taken' });
  }
}
