import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Problems, ValidationError, ValidationProblem, invalid, problemsOf } from '../errors';
import { identityProblems } from './identity';

// The checks that can only run once the whole app exists ("this annotation never reached a pod",
// the rulebook over every manifest), kept by the app itself: one `MultusRulebook` construct, a child
// of the app's root (id `MultusRulebook`), that the library's constructs create on first use and
// that any code finds again with `MultusRulebook.of(scope)`, as `Chart.of` finds a chart. It holds
// the app's checks and the app's suppressions, and adds one validation: at synth it returns every
// problem of every check as one ValidationError.
//
// Rendered once: within one `synth()`/`synthYaml()` of the app, cdk8s validates the app once for
// the app and once more for every chart, and renders every object after the checks did. The
// rulebook renders each object once per synth, runs the checks once, and hands cdk8s the same
// manifests (see `withinSynth`), so a synth costs one rendering of the app.

/** One object of the app and its manifest, as the app will synthesize it. */
export interface AppManifest {
  readonly object: ApiObject;
  readonly manifest: any;
}

/**
 * What an end-of-app check sees: every ApiObject of the app with its manifest (computed once for
 * all checks), and a memo for what several checks derive from them.
 * @internal
 */
export class AppCheckContext {
  private cached?: AppManifest[];
  private cachedObjects?: ApiObject[];
  private readonly memos = new Map<string, unknown>();

  constructor(public readonly root: IConstruct, private readonly render: (object: ApiObject) => any) {}

  /**
   * Every ApiObject of the app, in construct order, without their manifests: for checks that read
   * what an object declares (kind, name, namespace) or render only some objects (`manifestOf`).
   */
  public get objects(): ReadonlyArray<ApiObject> {
    this.cachedObjects ??= this.root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
    return this.cachedObjects;
  }

  /** The manifest of one object of the app (rendered once per synth, for every check and for the output). */
  public manifestOf(object: ApiObject): any {
    return this.render(object);
  }

  /** Every ApiObject of the app, in construct order, with its manifest. */
  public get manifests(): ReadonlyArray<AppManifest> {
    this.cached ??= this.objects.map((object) => ({ object, manifest: this.manifestOf(object) }));
    return this.cached;
  }

  /** `compute()` once per run of the checks, under `key`. */
  public memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }
}

/**
 * An end-of-app check: the problems it finds (an empty list when there are none).
 * @internal
 */
export type AppCheck = (context: AppCheckContext) => ReadonlyArray<ValidationProblem | ValidationError>;

/** What the rulebook at synth found: the errors, and the warnings (one line each). @internal */
export interface SynthFindings {
  readonly errors: ReadonlyArray<ValidationProblem>;
  readonly warnings: ReadonlyArray<string>;
}

/**
 * The rulebook at synth, as the library's entry point hands it to the app's checks: the rules read
 * every layer of the constructs, so no construct can import them; `src/index.ts` wires them, once,
 * with `MultusRulebook._wire` (docs/rules.md, "Where it runs").
 * @internal
 */
export interface SynthRulebook {
  /** Every rule id, for suppressions. */
  readonly ruleIds: ReadonlyArray<string>;
  /** Runs every rule over the app's manifests, leaving out the rules suppressed for the whole app. */
  run(context: AppCheckContext, suppressed: ReadonlyMap<string, string>): SynthFindings;
}

/** The one synth in progress, when one is: manifests rendered once, and the checks' verdict. */
interface SynthSession {
  readonly rendered: Map<ApiObject, any>;
  problems?: ReadonlyArray<ValidationProblem>;
}

const ID = 'MultusRulebook';

/**
 * The library's checks of one app, run when the app is synthesized: the rulebook (docs/rules.md)
 * over every manifest of the app, hand-written `ApiObject`s and included YAML too, and the checks
 * that need the whole app (an annotation that never reaches a pod, two objects of one identity, a
 * cycle of Flux `dependsOn`). Every app that uses a construct of the library has one, created by
 * the first such construct as a child of the app's root; findings of level `error` fail the synth
 * with one `ValidationError` listing them all, warnings are written to stderr once per app.
 *
 * A rule can be suppressed for the whole app (`suppress`), or for one object with the annotation
 * `suppress.cdk8s-multus.io/<rule-id>: <reason>`, which `cdk8s-multus check` honours too. Every
 * suppression names a rule that exists and gives a reason.
 *
 * @example
 * MultusRulebook.of(app).suppress('memory-limit-low', 'a lab cluster with 2 GiB nodes; OOM kills are acceptable here');
 */
export class MultusRulebook extends Construct {
  /** The annotation prefix that suppresses one rule on one object: `suppress.cdk8s-multus.io/<rule-id>: <reason>`. */
  public static readonly SUPPRESS_ANNOTATION_PREFIX = 'suppress.cdk8s-multus.io/';

  /**
   * The rulebook of the app that `scope` belongs to, created as a child of the app's root if the
   * app has none yet.
   *
   * @param scope any construct of the app
   */
  public static of(scope: IConstruct): MultusRulebook {
    const root = scope.node.root;
    const found = root.node.tryFindChild(ID);
    if (found !== undefined) {
      if (!(found instanceof MultusRulebook)) {
        invalid({ field: 'scope', value: found.node.path, hint: `the id ${ID} at the root of the app is the library's rulebook; give that construct another id`, problem: 'is taken' });
      }
      return found;
    }
    return new MultusRulebook(root as Construct);
  }

  /**
   * Hands the rulebook at synth to every app's checks. Called once, by the library's entry point;
   * without a rulebook (only `bench/scale.ts` does this, to measure what the rulebook costs), apps
   * run their other end-of-app checks alone.
   * @internal
   */
  public static _wire(rulebook: SynthRulebook | undefined): void {
    WIRED.rulebook = rulebook;
  }

  private readonly checks: AppCheck[] = [];
  private readonly keyed = new Set<string>();
  private readonly suppressed = new Map<string, string>();
  /** Warnings already written for this app. */
  private readonly warned = new Set<string>();
  private session?: SynthSession;

  private constructor(root: Construct) {
    super(root, ID);
    // Built in: no two objects of one identity (group, kind, namespace, name) in an app or a tree.
    this.checks.push((context) => identityProblems(context.objects, (o) => context.manifestOf(o)));
    this.node.addValidation({ validate: () => this.validateForSynth() });
    synthOnce(root, this);
  }

  /**
   * Suppresses one rule of the rulebook for the whole app, for a reason. Refuses a rule id that
   * does not exist and an empty reason.
   *
   * @param ruleId the rule's id (docs/rules.md), e.g. `memory-limit-low`
   * @param reason why the finding does not apply here, kept with the suppression
   */
  public suppress(ruleId: string, reason: string): void {
    checkSuppression('ruleId', ruleId, reason, this);
    this.suppressed.set(ruleId, reason.trim());
  }

  /** The rules suppressed for the whole app, with their reasons. */
  public get suppressions(): { [ruleId: string]: string } {
    return Object.fromEntries(this.suppressed);
  }

  /**
   * Adds an end-of-app check; with `key`, only the first check added under that key.
   * @internal
   */
  public _add(check: AppCheck, key?: string): void {
    if (key !== undefined) {
      if (this.keyed.has(key)) return;
      this.keyed.add(key);
    }
    this.checks.push(check);
  }

  /**
   * Every problem of every end-of-app check, the rulebook's errors included; writes the rulebook's
   * warnings to stderr, once per app. Within a synth, run once and reused by every later validation.
   * @internal
   */
  public _problems(): ReadonlyArray<ValidationProblem> {
    if (this.session?.problems !== undefined) return this.session.problems;
    const context = new AppCheckContext(this.node.root, (object) => this.render(object));
    const problems: ValidationProblem[] = [];
    const [builtIn, ...added] = this.checks;
    for (const p of builtIn(context)) problems.push(...problemsOf(p));
    const rulebook = WIRED.rulebook;
    if (rulebook) {
      const findings = rulebook.run(context, this.suppressed);
      problems.push(...findings.errors);
      for (const line of findings.warnings) this.warn(line);
    }
    for (const check of added) for (const p of check(context)) problems.push(...problemsOf(p));
    if (this.session) this.session.problems = problems;
    return problems;
  }

  /**
   * Runs `fn` (a synth of the app) as one synth: every object rendered once, by the checks, and the
   * same manifest handed to cdk8s's output; the checks run once. Nested calls join the outer one.
   * @internal
   */
  public _withinSynth<T>(fn: () => T): T {
    if (this.session) return fn();
    const session: SynthSession = { rendered: new Map() };
    this.session = session;
    try {
      return fn();
    } finally {
      this.session = undefined;
      for (const object of session.rendered.keys()) delete (object as any).toJson;
    }
  }

  /** The manifest of `object`: rendered once per synth, then handed to whoever renders it next. */
  private render(object: ApiObject): any {
    const session = this.session;
    if (!session) return object.toJson();
    if (session.rendered.has(object)) return session.rendered.get(object);
    // An object whose own toJson was replaced by its author is rendered as cdk8s renders it.
    if (Object.prototype.hasOwnProperty.call(object, 'toJson')) return object.toJson();
    const json = object.toJson();
    session.rendered.set(object, json);
    Object.defineProperty(object, 'toJson', { value: () => json, configurable: true, writable: true, enumerable: false });
    return json;
  }

  private warn(line: string): void {
    if (this.warned.has(line)) return;
    this.warned.add(line);
    process.stderr.write(`${line}\n`);
  }

  /**
   * The validation cdk8s runs. cdk8s reports what a validation returns as a plain Error without
   * fields; the library's problems leave as its own ValidationError (field, value, fix), together
   * with every other construct's validation messages, so that one error lists them all.
   */
  private validateForSynth(): string[] {
    const problems = this._problems();
    if (problems.length === 0) return [];
    throw ValidationError.of([...problems, ...constructMessages(this.node.root, this)]);
  }
}

/** The rulebook wired by the library's entry point (see `SynthRulebook`): code, not app state. */
const WIRED: { rulebook?: SynthRulebook } = {};

/** Refuses a suppression of an unknown rule, or without a reason. @internal */
export function checkSuppression(field: string, ruleId: string, reason: string, scope?: IConstruct): void {
  const problems = new Problems();
  const ids = WIRED.rulebook?.ruleIds ?? [];
  if (typeof ruleId !== 'string' || !ids.includes(ruleId)) {
    problems.add(new ValidationError({
      field, value: JSON.stringify(ruleId), scope, problem: 'is not a rule of the rulebook',
      hint: ids.length > 0 ? `name one of: ${ids.join(', ')} (docs/rules.md)` : 'import the library from its package root, which wires the rulebook',
    }));
  }
  if (typeof reason !== 'string' || reason.trim().length === 0) {
    problems.add(new ValidationError({ field: 'reason', value: JSON.stringify(reason), scope, problem: 'is empty', hint: 'say why the finding does not apply here; a suppression without a reason is refused' }));
  }
  problems.throwIfAny();
}

/**
 * Makes every synth of the app `root` one synth for the rulebook (`_withinSynth`): cdk8s's App
 * validates the app again for every chart and renders objects after the checks did, and offers no
 * hook around a synth; the rulebook wraps the app's own `synth` and `synthYaml`.
 */
function synthOnce(root: IConstruct, rulebook: MultusRulebook): void {
  for (const method of ['synth', 'synthYaml']) {
    const original = (root as any)[method];
    if (typeof original !== 'function') continue;
    Object.defineProperty(root, method, {
      value: (...args: unknown[]) => rulebook._withinSynth(() => original.apply(root, args)),
      configurable: true,
      writable: true,
      enumerable: false,
    });
  }
}

/** The validation messages of every construct below `scope` but the rulebook, as problems. */
function constructMessages(scope: IConstruct, rulebook?: MultusRulebook): ValidationProblem[] {
  const problems = new Problems();
  const found: ValidationProblem[] = [];
  for (const c of scope.node.findAll()) {
    if (c === rulebook) continue;
    for (const message of problems.check(() => c.node.validate()) ?? []) {
      found.push({ field: 'validation', value: JSON.stringify(message), problem: 'failed', hint: 'fix what the construct reports', constructPath: c.node.path, message: `[${c.node.path}] ${message}` });
    }
  }
  return [...problems.list, ...found];
}

/**
 * Makes the app that `scope` belongs to run the library's checks at synth (once per app, however
 * many constructs call it).
 * @internal
 */
export function useLibraryChecks(scope: IConstruct): void {
  MultusRulebook.of(scope);
}

/**
 * Adds an end-of-app check to the app that `scope` belongs to; with `key`, once per app.
 * @internal
 */
export function addAppCheck(scope: IConstruct, check: AppCheck, key?: string): void {
  MultusRulebook.of(scope)._add(check, key);
}

/**
 * The problems of every end-of-app check of the app that `scope` belongs to (none when the app
 * uses no construct of the library).
 * @internal
 */
export function appProblems(scope: IConstruct): ReadonlyArray<ValidationProblem> {
  const found = scope.node.root.node.tryFindChild(ID);
  return found instanceof MultusRulebook ? found._problems() : [];
}

/**
 * Runs every end-of-app check of the app that `scope` belongs to and throws one ValidationError
 * with all their problems, if any.
 * @internal
 */
export function runAppChecks(scope: IConstruct): void {
  const problems = appProblems(scope);
  if (problems.length > 0) throw ValidationError.of(problems);
}

/**
 * Validates every construct below `scope` as `App.synth()` does, but reports through the library's
 * ValidationError: the end-of-app checks of the whole app, and every other construct's validation
 * messages, all in one error. Within a synth of the app, objects are rendered once.
 * @internal
 */
export function validateApp(scope: IConstruct): void {
  const found = scope.node.root.node.tryFindChild(ID);
  const rulebook = found instanceof MultusRulebook ? found : undefined;
  const problems = [...(rulebook?._problems() ?? []), ...constructMessages(scope, rulebook)];
  if (problems.length > 0) throw ValidationError.of(problems);
}
