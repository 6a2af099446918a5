import { parse as parseYaml } from 'yaml';
import { TaintEffect } from '../../src';
import { MultusToleration, checkToleration, tolerationPostRenderers } from '../../src/multus/toleration';
import { expectRefusal } from '../helpers';

// src/multus/toleration.ts: the DaemonSet's tolerations, checked, and the post-renderer that
// applies them (the charts ignore tolerations in values). Pure: no construct.

describe('TaintEffect', () => {
  test('the effects as Kubernetes spells them', () => {
    // GIVEN / WHEN the enum's values
    // THEN they are the strings a toleration's effect takes
    expect(Object.values(TaintEffect)).toEqual(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);
  });
});

describe('checkToleration', () => {
  test.each<[string, MultusToleration, MultusToleration]>([
    ['every taint', {}, { operator: 'Exists' }],
    ['a key, any value', { key: 'node-role.kubernetes.io/control-plane' }, { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }],
    ['a key and a value: Equal', { key: 'dedicated', value: 'iot' }, { key: 'dedicated', operator: 'Equal', value: 'iot' }],
    ['an empty value is a value', { key: 'dedicated', value: '' }, { key: 'dedicated', operator: 'Equal', value: '' }],
    ['an effect', { operator: 'Exists', effect: TaintEffect.NO_EXECUTE }, { operator: 'Exists', effect: 'NoExecute' as TaintEffect }],
  ])('%s', (_what, given, expected) => {
    // GIVEN / WHEN a toleration
    const t = checkToleration(given, 0);
    // THEN its operator is filled in, and nothing else is added
    expect(t).toEqual(expected);
  });

  test('the keys come out in one order, whatever order they were written in', () => {
    // GIVEN one toleration written in two key orders
    const a = checkToleration({ effect: TaintEffect.NO_SCHEDULE, value: 'iot', operator: 'Equal', key: 'dedicated' }, 0);
    const b = checkToleration({ key: 'dedicated', operator: 'Equal', value: 'iot', effect: TaintEffect.NO_SCHEDULE }, 0);
    // WHEN / THEN both serialize alike, key first
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(Object.keys(a)).toEqual(['key', 'operator', 'value', 'effect']);
  });

  test.each<[string, unknown, string, string]>([
    ['not an object', null, 'tolerations[2]', 'null'],
    ['a list', [], 'tolerations[2]', '[]'],
    ['an unknown operator', { operator: 'Always' }, 'tolerations[2].operator', '"Always"'],
    ['operator Exists with a value', { key: 'k', operator: 'Exists', value: 'v' }, 'tolerations[2].value', '"v"'],
    ['operator Equal without a key', { operator: 'Equal' }, 'tolerations[2].key', 'undefined'],
    ['a key with a newline', { key: 'node-role\nx: y' }, 'tolerations[2].key', '"node-role\\nx: y"'],
    ['a key with two slashes', { key: 'a/b/c' }, 'tolerations[2].key', '"a/b/c"'],
    ['a value that is a number', { key: 'dedicated', value: 5 }, 'tolerations[2].value', '5'],
    ['a value of 64 characters', { key: 'dedicated', value: 'x'.repeat(64) }, 'tolerations[2].value', JSON.stringify('x'.repeat(64))],
    ['an unknown effect', { effect: 'NoRun' }, 'tolerations[2].effect', '"NoRun"'],
    ['an effect in lower case', { effect: 'noschedule' }, 'tolerations[2].effect', '"noschedule"'],
  ])('refuses %s', (_what, t, field, shown) => {
    // GIVEN / WHEN the third toleration of a list is one Kubernetes refuses
    // THEN a ValidationError names its index and field, and the value
    expectRefusal(() => checkToleration(t as MultusToleration, 2), field, shown);
  });
});

describe('tolerationPostRenderers', () => {
  test('no tolerations: no post-renderer, so the chart\'s own stay', () => {
    // GIVEN / WHEN an empty list
    // THEN nothing to render
    expect(tolerationPostRenderers([])).toBeUndefined();
  });

  test('one kustomize patch that replaces the DaemonSet\'s tolerations, selected by kind alone', () => {
    // GIVEN checked tolerations
    const tolerations = [checkToleration({}, 0), checkToleration({ key: 'dedicated', value: 'iot', effect: TaintEffect.NO_SCHEDULE }, 1)];
    // WHEN rendered as post-renderers
    const renderers = tolerationPostRenderers(tolerations)!;
    // THEN one JSON6902 add of the whole list, on the release's one DaemonSet
    expect(renderers).toHaveLength(1);
    const [patch] = renderers[0].kustomize.patches;
    expect(renderers[0].kustomize.patches).toHaveLength(1);
    expect(patch.target).toEqual({ group: 'apps', version: 'v1', kind: 'DaemonSet' });
    expect(parseYaml(patch.patch)).toEqual([{ op: 'add', path: '/spec/template/spec/tolerations', value: tolerations }]);
  });
});
