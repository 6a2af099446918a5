import { ApiObject, App, Chart } from 'cdk8s';
import { ValidationError, refusal } from '../../src/errors';
import { AppCheckContext, addAppCheck, runAppChecks, validateApp } from '../../src/util/app-checks';
import { configMap, testApp, thrown, validationError } from '../helpers';

// src/util/app-checks.ts: the checks that run once the whole app exists, reported together as the
// library's ValidationError.

/** GIVEN helper: an app with a chart `pods` holding one ConfigMap. */
function world(): { app: App; chart: Chart; object: ApiObject } {
  const app = testApp();
  const chart = new Chart(app, 'pods', { namespace: 'home-automation' });
  return { app, chart, object: configMap(chart, 'settings') };
}

/** GIVEN helper: a check that finds one problem per name. */
const finds = (...names: string[]) => () => names.map((n) => refusal({ field: 'annotation', value: n, hint: 'apply it', problem: 'never reaches a pod', constructPath: `pods/${n}` }));

describe('addAppCheck and runAppChecks', () => {
  test('every problem of every check of the app comes in one ValidationError, in the order the checks were added', () => {
    // GIVEN two checks added from different constructs of one app
    const { app, chart, object } = world();
    addAppCheck(chart, finds('first', 'second'));
    addAppCheck(object, finds('third'));
    // WHEN the app is synthesized
    const e = thrown(() => app.synthYaml());
    // THEN one ValidationError holds the three problems
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).problems.map((p) => p.value)).toEqual(['"first"', '"second"', '"third"']);
    expect((e as ValidationError).message).toMatch(/^3 problems:/);
  });

  test('checks that find nothing let the app synthesize', () => {
    // GIVEN a check that finds no problem
    const { app, chart } = world();
    addAppCheck(chart, () => []);
    // WHEN / THEN the app synthesizes its objects
    expect(app.synthYaml()).toContain('name: settings');
  });

  test('with another construct failing its validation too, the app checks still come as the library\'s error', () => {
    // GIVEN an app check with a problem, and a construct whose own validation fails too
    const { app, chart, object } = world();
    object.node.addValidation({ validate: () => ['something else is wrong'] });
    addAppCheck(chart, finds('forgotten'));
    // WHEN the app is synthesized
    const e = thrown(() => app.synthYaml());
    // THEN the app checks' ValidationError comes out, not cdk8s's plain Error
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).constructPath).toBe('pods/forgotten');
  });

  test('the root validates first: its checks run before any construct below it is validated', () => {
    // GIVEN an app check with a problem, and a construct whose validation throws outright
    const { app, chart, object } = world();
    object.node.addValidation({ validate: () => { throw new Error('validated before the root'); } });
    addAppCheck(chart, finds('forgotten'));
    // WHEN the app is synthesized
    const e = thrown(() => app.synthYaml());
    // THEN the app checks' error comes out: the root ran before the throwing construct
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).value).toBe('"forgotten"');
  });

  test('runAppChecks from any construct of the app runs the app\'s checks; an app without checks passes', () => {
    // GIVEN an app with a check, and another app without
    const { chart, object } = world();
    addAppCheck(chart, finds('forgotten'));
    const other = world();
    // WHEN / THEN run from a leaf of the first app, the check reports; the other app passes
    expect(validationError(() => runAppChecks(object)).value).toBe('"forgotten"');
    expect(() => runAppChecks(other.object)).not.toThrow();
  });

  test('one context per run: the manifests are computed once for all checks, and memo() once per key', () => {
    // GIVEN two checks that read the manifests and memoize a count under one key
    const { app, chart } = world();
    const seen: Array<ReadonlyArray<unknown>> = [];
    let computed = 0;
    const check = (ctx: AppCheckContext) => {
      seen.push(ctx.manifests);
      ctx.memo('count', () => ++computed);
      return [];
    };
    addAppCheck(chart, check);
    addAppCheck(chart, check);
    // WHEN the checks run once
    runAppChecks(app);
    // THEN both saw the same manifests, every ApiObject of the app with its manifest, and the memo ran once
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0].map((m: any) => m.manifest.metadata)).toEqual([{ name: 'settings', namespace: 'home-automation' }]);
    expect(computed).toBe(1);
  });
});

describe('validateApp', () => {
  test('below the root: the app checks first, then every construct\'s own validation, all in one ValidationError', () => {
    // GIVEN an app check with a problem, and a failing validation inside the chart
    const { chart, object } = world();
    addAppCheck(chart, finds('forgotten'));
    object.node.addValidation({ validate: () => ['address 192.0.2.7 claimed twice'] });
    // WHEN the chart is validated
    const e = validationError(() => validateApp(chart));
    // THEN both problems, the construct's with its path and message
    expect(e.problems.map((p) => p.field)).toEqual(['annotation', 'validation']);
    expect(e.problems[1]).toMatchObject({
      value: '"address 192.0.2.7 claimed twice"',
      problem: 'failed',
      constructPath: 'pods/settings',
      message: '[pods/settings] address 192.0.2.7 claimed twice',
    });
  });

  test('on the app itself: its checks run once, through the root\'s validation', () => {
    // GIVEN an app check with a problem
    const { app, chart } = world();
    addAppCheck(chart, finds('forgotten'));
    // WHEN the app is validated
    const e = validationError(() => validateApp(app));
    // THEN the problem is reported once
    expect(e.problems.map((p) => p.value)).toEqual(['"forgotten"']);
  });

  test('constructs outside the validated subtree are left alone; a clean subtree passes', () => {
    // GIVEN a failing validation in one chart of an app, and a clean chart beside it
    const { app, object } = world();
    object.node.addValidation({ validate: () => ['broken'] });
    const clean = new Chart(app, 'clean');
    configMap(clean, 'fine');
    // WHEN / THEN the clean chart validates
    expect(() => validateApp(clean)).not.toThrow();
  });
});
