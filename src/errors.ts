import { IConstruct } from 'constructs';

// jsii rejects an exported class whose `extends` names the global `Error` directly; a local base
// class keeps the prototype chain (`instanceof Error` holds) and the stack trace.
abstract class LibraryError extends Error {}

/**
 * The one error this library throws for input it refuses.
 *
 * Every refusal names the field, the offending value and what would be right, so that a typo in a
 * cluster definition is fixed from the message alone. Bad input never produces YAML: constructs
 * validate as props are passed in (a pod's address is checked against its network's address plan,
 * and every earlier claim, when the annotation is constructed), and only what can be known once the
 * whole app exists (an annotation that never reaches a pod) is checked at synth.
 *
 * @example
 * new ValidationError({ field: 'vlan', value: '4095', hint: 'use an integer from 1 to 4094' });
 * // message: "vlan: 4095 is not valid: use an integer from 1 to 4094"
 *
 * jsii cannot model subclasses of `Error`, so this class is outside the jsii type system (like
 * aws-cdk-lib's own `ValidationError`): TypeScript and JavaScript users import it and test
 * `instanceof ValidationError` (or `err.name === 'ValidationError'`); other languages see the message.
 *
 * @internal
 */
export class ValidationError extends LibraryError {
  /** The property (or dotted path of a property) that holds the offending value. */
  public readonly field: string;
  /** The offending value, rendered for a human (JSON for anything that is not a string). */
  public readonly value: string;
  /** What would be right. */
  public readonly hint: string;
  /** The construct path of the construct that refused the value, when there is one. */
  public readonly constructPath?: string;

  constructor(props: ValidationErrorProps) {
    const where = props.scope ? ` (at ${props.scope.node.path || '<root>'})` : '';
    const problem = props.problem ?? 'is not valid';
    super(`${props.field}: ${props.value} ${problem}: ${props.hint}${where}`);
    Object.setPrototypeOf(this, ValidationError.prototype);
    this.name = 'ValidationError';
    this.field = props.field;
    this.value = props.value;
    this.hint = props.hint;
    this.constructPath = props.scope?.node.path;
  }
}

/**
 * What a `ValidationError` says.
 * @internal
 */
export interface ValidationErrorProps {
  /** The property (or dotted path of a property) that holds the offending value, e.g. `chart.version`. */
  readonly field: string;
  /** The offending value, already rendered for a human (see `renderValue`). */
  readonly value: string;
  /** What would be right, e.g. `use an integer from 1 to 4094`. */
  readonly hint: string;
  /**
   * What is wrong with the value, as a phrase that follows it.
   * @default 'is not valid'
   */
  readonly problem?: string;
  /**
   * The construct that refused the value; its path is added to the message.
   * @default - no construct path in the message
   */
  readonly scope?: IConstruct;
}

/**
 * Renders any value for an error message: strings in double quotes (so that empty strings and
 * trailing spaces show), everything else as JSON.
 * @internal
 */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  // JSON has no NaN or Infinity (JSON.stringify gives "null"): show the number as JavaScript does.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}

/**
 * Throws a `ValidationError` for `field` holding `value`.
 * @internal
 */
export function invalid(field: string, value: unknown, hint: string, scope?: IConstruct, problem?: string): never {
  throw new ValidationError({ field, value: renderValue(value), hint, scope, problem });
}
