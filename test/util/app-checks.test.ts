import { ApiObject, App, Chart } from 'cdk8s';
import { ValidationError, refusal } from '../../src/errors';
import { AppCheckContext, MultusRulebook, addAppCheck, appProblems, runAppChecks, validateApp } from '../../src/util/app-checks';
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

  test('no order: checks added before any chart, or after every chart, report the same, with the other constructs\' messages', () => {
    // GIVEN the rulebook created first in one app, and last in another, each with a construct whose validation fails
    const early = testApp();
    addAppCheck(early, finds('forgotten'));
    const earlyObject = configMap(new Chart(early, 'pods', { namespace: 'home-automation' }), 'settings');
    earlyObject.node.addValidation({ validate: () => ['something else is wrong'] });
    const late = world();
    late.object.node.addValidation({ validate: () => ['something else is wrong'] });
    addAppCheck(late.chart, finds('forgotten'));
    // WHEN both are synthesized
    const a = validationError(() => early.synthYaml());
    const b = validationError(() => late.app.synthYaml());
    // THEN one ValidationError each, listing the check's problem and the construct's message
    expect(a.problems.map((p) => p.message)).toEqual(b.problems.map((p) => p.message));
    expect(a.problems.map((p) => p.field)).toEqual(['annotation', 'validation']);
    expect(a.problems[1].message).toBe('[pods/settings] something else is wrong');
  });

  test('the app\'s checks live in the app: one MultusRulebook child of the root, found from any construct', () => {
    // GIVEN checks added from two constructs of one app
    const { app, chart, object } = world();
    addAppCheck(chart, finds('first'));
    addAppCheck(object, finds('second'));
    // THEN the root has one MultusRulebook, and MultusRulebook.of finds it from anywhere
    const rulebooks = app.node.children.filter((c) => c instanceof MultusRulebook);
    expect(rulebooks).toHaveLength(1);
    expect(MultusRulebook.of(object)).toBe(rulebooks[0]);
    expect(appProblems(object).map((p) => p.value)).toEqual(['"first"', '"second"']);
  });

  test('a synth renders every object once: the checks and the output share one manifest', () => {
    // GIVEN an app with checks that read every manifest, and three charts of objects
    const app = testApp();
    const objects = ['a', 'b', 'c'].map((id) => configMap(new Chart(app, id), `settings-${id}`));
    let runs = 0;
    addAppCheck(app, (ctx) => {
      runs++;
      expect(ctx.manifests).toHaveLength(3);
      return [];
    });
    const spy = jest.spyOn(ApiObject.prototype, 'toJson');
    // WHEN the app is synthesized (cdk8s validates it once, and again for each chart)
    const yaml = app.synthYaml();
    // THEN the checks ran once, and every object was rendered once
    expect(runs).toBe(1);
    expect(spy).toHaveBeenCalledTimes(3);
    expect(yaml).toContain('name: settings-c');
    spy.mockRestore();
    // AND after the synth, objects render afresh: a change is seen by the next synth
    objects[0].metadata.addLabel('changed', 'later');
    expect(app.synthYaml()).toContain('changed: later');
    expect(runs).toBe(2);
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
