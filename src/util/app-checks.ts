import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Problems, ValidationError, ValidationProblem } from '../errors';
import { identityProblems } from './identity';

// The checks that can only run once the whole app exists ("this annotation never reached a pod"),
// run together when the app is synthesized, so that one ValidationError reports everything they
// find. The first check registered in an app adds one validation to the app's root; cdk8s
// validates the root before any other construct, so the library's problems come as the library's
// own error rather than cdk8s's plain "Validation failed" Error.

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
  private readonly rendered = new Map<ApiObject, any>();
  private readonly memos = new Map<string, unknown>();

  constructor(private readonly root: IConstruct) {}

  /**
   * Every ApiObject of the app, in construct order, without their manifests: for checks that read
   * what an object declares (kind, name, namespace) or render only some objects (`manifestOf`).
   */
  public get objects(): ReadonlyArray<ApiObject> {
    this.cachedObjects ??= this.root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
    return this.cachedObjects;
  }

  /** The manifest of one object of the app (rendered once per synth, for every check). */
  public manifestOf(object: ApiObject): any {
    if (!this.rendered.has(object)) this.rendered.set(object, object.toJson());
    return this.rendered.get(object);
  }

  /** Every ApiObject of the app, in construct order, with its manifest. */
  public get manifests(): ReadonlyArray<AppManifest> {
    this.cached ??= this.objects.map((object) => ({ object, manifest: this.manifestOf(object) }));
    return this.cached;
  }

  /** `compute()` once per synth, under `key`. */
  public memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }
}

/**
 * An end-of-app check: the problems it finds (an empty list when there are none).
 * @internal
 */
export type AppCheck = (context: AppCheckContext) => ReadonlyArray<ValidationError>;

const CHECKS = new WeakMap<IConstruct, AppCheck[]>();

/** The checks every app that uses the library runs (the rulebook, the identity check). */
const LIBRARY_CHECKS = new Map<string, AppCheck>();
const USING_LIBRARY = new WeakSet<IConstruct>();

/**
 * Registers a check that every app using the library's constructs runs at synth. Modules of the
 * upper layers (the rulebook) register themselves when they are loaded; the constructs of every
 * layer call `useLibraryChecks`, so no construct needs to import the modules that check it.
 * @internal
 */
export function registerLibraryCheck(key: string, check: AppCheck): void {
  LIBRARY_CHECKS.set(key, check);
}

/**
 * Makes the app that `scope` belongs to run every registered library check at synth (once per app,
 * however many constructs call it).
 * @internal
 */
export function useLibraryChecks(scope: IConstruct): void {
  const root = scope.node.root;
  if (USING_LIBRARY.has(root)) return;
  USING_LIBRARY.add(root);
  // Looked up at synth: a check registered after the first construct was made still runs.
  addAppCheck(root, (context) => [...LIBRARY_CHECKS.values()].flatMap((check) => check(context)));
}

/**
 * Adds an end-of-app check to the app that `scope` belongs to.
 * @internal
 */
export function addAppCheck(scope: IConstruct, check: AppCheck): void {
  const root = scope.node.root;
  let checks = CHECKS.get(root);
  if (!checks) {
    checks = [];
    CHECKS.set(root, checks);
    root.node.addValidation({
      validate: () => {
        runAppChecks(root);
        return [];
      },
    });
  }
  checks.push(check);
}

/**
 * Runs every end-of-app check of the app `root` and throws one ValidationError with all their
 * problems, if any.
 * @internal
 */
export function runAppChecks(root: IConstruct): void {
  const checks = CHECKS.get(root.node.root) ?? [];
  if (checks.length === 0) return;
  const context = new AppCheckContext(root.node.root);
  const problems = new Problems();
  for (const check of checks) {
    for (const e of check(context)) problems.add(e);
  }
  problems.throwIfAny();
}

/**
 * Validates every construct below `root` as `App.synth()` does, but reports through the library's
 * ValidationError: the end-of-app checks, and any other construct's validation messages, all in
 * one error.
 * @internal
 */
export function validateApp(root: IConstruct): void {
  const problems = new Problems();
  // The end-of-app checks hang on the app's root; below it (a tree of the app), run them first.
  if (root !== root.node.root) problems.check(() => runAppChecks(root));
  const others: ValidationProblem[] = [];
  for (const c of root.node.findAll()) {
    for (const message of problems.check(() => c.node.validate()) ?? []) {
      others.push({ field: 'validation', value: JSON.stringify(message), problem: 'failed', hint: 'fix what the construct reports', constructPath: c.node.path, message: `[${c.node.path}] ${message}` });
    }
  }
  if (others.length > 0) problems.add(ValidationError.of(others));
  problems.throwIfAny();
}

// Built in: no two objects of one identity (group, kind, namespace, name) in an app or a tree.
registerLibraryCheck('identity', (context) => identityProblems(context.objects, (o) => context.manifestOf(o)));
