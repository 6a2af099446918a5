import { inspect } from 'node:util';
import { IConstruct } from 'constructs';

// jsii rejects an exported class whose `extends` names the global `Error` directly; a local base
// class keeps the prototype chain (`instanceof Error` holds) and the stack trace.
abstract class LibraryError extends Error {}

/**
 * One refused value: which field holds it, the value, what is wrong with it and what would be right.
 * @internal
 */
export interface ValidationProblem {
  /** The property (or dotted path of a property) that holds the offending value. */
  readonly field: string;
  /** The offending value, rendered for a human (JSON for anything that is not a string). */
  readonly value: string;
  /** What is wrong with the value, as a phrase that follows it (`is not valid`, `is used twice`). */
  readonly problem: string;
  /** What would be right. */
  readonly hint: string;
  /** The construct path of the construct that refused the value, when there is one. */
  readonly constructPath?: string;
  /** The problem as one line: `field: value problem: hint (at path)`. */
  readonly message: string;
}

/**
 * The one error this library throws for input it refuses.
 *
 * Every refusal names the field, the offending value and what would be right, so that a typo in a
 * cluster definition is fixed from the message alone. Bad input never produces YAML: constructs
 * validate as props are passed in (a pod's address is checked against its network's address plan,
 * and every earlier claim, when the annotation is constructed), and what can be known only once the
 * whole app exists (an annotation that never reaches a pod) is checked when the app is synthesized.
 *
 * One error reports every problem found together (`problems`): all the props a constructor refused,
 * or everything the end-of-app checks found. `field`, `value` and `hint` are those of the first.
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
  /**
   * One error for several problems, in the order given. A single problem gives an error equal to it.
   */
  public static of(problems: ReadonlyArray<ValidationProblem>): ValidationError {
    if (problems.length === 0) throw new Error('ValidationError.of needs at least one problem');
    return new ValidationError({ ...problems[0], problems });
  }

  /** The property (or dotted path of a property) that holds the (first) offending value. */
  public readonly field: string;
  /** The (first) offending value, rendered for a human (JSON for anything that is not a string). */
  public readonly value: string;
  /** What would be right (for the first problem). */
  public readonly hint: string;
  /** The construct path of the construct that refused the (first) value, when there is one. */
  public readonly constructPath?: string;
  /** Every problem this error reports, the first one included. */
  public readonly problems: ReadonlyArray<ValidationProblem>;

  constructor(props: ValidationErrorProps & { readonly problems?: ReadonlyArray<ValidationProblem> }) {
    const first = problemOf(props);
    const problems = props.problems && props.problems.length > 0 ? [...props.problems] : [first];
    super(problems.length === 1
      ? problems[0].message
      : `${problems.length} problems:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
    Object.setPrototypeOf(this, ValidationError.prototype);
    this.name = 'ValidationError';
    this.field = problems[0].field;
    this.value = problems[0].value;
    this.hint = problems[0].hint;
    this.constructPath = problems[0].constructPath;
    this.problems = problems;
    readableAtTheTop(this);
  }
}

/**
 * The environment variable that keeps a ValidationError's stack frames (`CDK8S_MULTUS_STACK=1`).
 * @internal
 */
export const STACK_ENV = 'CDK8S_MULTUS_STACK';

/**
 * What Node prints for an error nobody catches is its `stack` followed by its own enumerable
 * properties. A refusal is about the input, not the code: its stack is the problems, one line each
 * (field, value, fix, construct path), without frames unless `CDK8S_MULTUS_STACK=1` asks for them,
 * and the properties that repeat the problems stay readable but are not printed a second time.
 */
function readableAtTheTop(error: ValidationError): void {
  for (const key of ['field', 'value', 'hint', 'constructPath', 'problems']) {
    Object.defineProperty(error, key, { enumerable: false });
  }
  const wanted = process.env[STACK_ENV];
  if (wanted !== undefined && wanted !== '' && wanted !== '0') return;
  Object.defineProperty(error, 'stack', {
    value: `${error.name}: ${error.message}\n    (${STACK_ENV}=1 shows where it was thrown)`,
    writable: true, configurable: true, enumerable: false,
  });
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
  /**
   * The construct path to name, when the refusing construct is not at hand (a plain manifest).
   * @default - the path of `scope`
   */
  readonly constructPath?: string;
}

function problemOf(props: ValidationErrorProps): ValidationProblem {
  const constructPath = props.scope !== undefined ? props.scope.node.path : props.constructPath;
  const where = constructPath !== undefined ? ` (at ${constructPath || '<root>'})` : '';
  const problem = props.problem ?? 'is not valid';
  // A field may carry a key the caller wrote, with the characters the value is refused for.
  const field = typeof props.field === 'string' ? visible(props.field) : String(props.field);
  return {
    field,
    value: props.value,
    problem,
    hint: props.hint,
    constructPath,
    message: `${field}: ${props.value} ${problem}: ${props.hint}${where}`,
  };
}

/**
 * Renders any value for an error message: strings in double quotes (so that empty strings and
 * trailing spaces show), everything else as JSON.
 * @internal
 */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return visible(JSON.stringify(value));
  // JSON has no NaN or Infinity (JSON.stringify gives "null"): show the number as JavaScript does.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return `${value}`;
  try {
    const json = JSON.stringify(value);
    return visible(json === undefined ? String(value) : json);
  } catch {
    // A value JSON cannot show (a cycle, a BigInt inside): as Node's inspector shows it.
    return visible(inspect(value, { depth: 2, breakLength: Infinity }));
  }
}

/**
 * JSON escapes C0 controls only: DEL, C1 controls (U+0085), line and paragraph separators
 * (U+2028), format characters (U+FEFF, bidirectional controls) and unassigned code points are
 * shown as `\uXXXX` too, so that a message shows the character it refuses and stays on one line.
 */
function visible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/gu, (c) => {
    const code = c.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A refusal: the field, the offending value (any value; rendered for the message), what would be
 * right, and optionally what is wrong and the refusing construct.
 * @internal
 */
export interface Refusal {
  readonly field: string;
  readonly value: unknown;
  readonly hint: string;
  /** @default 'is not valid' */
  readonly problem?: string;
  /** @default - no construct path */
  readonly scope?: IConstruct;
  /** The construct path to name when the construct itself is not at hand. @default - the path of `scope` */
  readonly constructPath?: string;
}

/**
 * The `ValidationError` of a refusal, for a caller that collects problems rather than throwing.
 * @internal
 */
export function refusal(r: Refusal): ValidationError {
  return new ValidationError({ field: r.field, value: renderValue(r.value), hint: r.hint, scope: r.scope, problem: r.problem, constructPath: r.constructPath });
}

/**
 * Throws the `ValidationError` of a refusal.
 * @internal
 */
export function invalid(r: Refusal): never {
  throw refusal(r);
}

/**
 * The problems a ValidationError or a single problem stands for.
 * @internal
 */
export function problemsOf(p: ValidationProblem | ValidationError): ReadonlyArray<ValidationProblem> {
  return p instanceof ValidationError ? p.problems : [p];
}

/**
 * The problem of a refusal, for a check that returns its problems.
 * @internal
 */
export function problem(r: Refusal): ValidationProblem {
  return refusal(r).problems[0];
}

/**
 * Collects the problems of checks that do not depend on each other, so that one error reports them
 * all: `check()` runs a check and records the ValidationError it throws (any other error passes
 * through); `throwIfAny()` throws one ValidationError listing every problem recorded.
 *
 * @example
 * const problems = new Problems();
 * const name = problems.check(() => checkDnsLabel('name', props.name));
 * const vlan = problems.check(() => checkVlan(props.vlan));
 * problems.throwIfAny();
 * @internal
 */
export class Problems {
  private readonly found: ValidationProblem[] = [];

  /** Runs `fn`; returns what it returns, or undefined when it threw a ValidationError (recorded). */
  public check<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.record(e);
      return undefined;
    }
  }

  /**
   * Takes what a check threw: records a ValidationError's problems and throws anything else again.
   * For a `catch` written in place where `check` would cost a closure and two calls on a path that
   * runs thousands of times (one per construct of an app).
   */
  public record(thrown: unknown): void {
    if (!(thrown instanceof ValidationError)) throw thrown;
    this.found.push(...thrown.problems);
  }

  /** Records a problem found without throwing. */
  public add(error: ValidationError): void {
    this.found.push(...error.problems);
  }

  /** Records the problems a check returned (an empty list when it found none). */
  public addAll(problems: ReadonlyArray<ValidationProblem | ValidationError>): void {
    for (const p of problems) this.found.push(...problemsOf(p));
  }

  /** True iff no problem was recorded. */
  public get ok(): boolean {
    return this.found.length === 0;
  }

  /** The problems recorded so far. */
  public get list(): ReadonlyArray<ValidationProblem> {
    return [...this.found];
  }

  /** Throws one ValidationError listing every problem recorded, if any. */
  public throwIfAny(): void {
    if (this.found.length > 0) throw ValidationError.of(this.found);
  }
}
