import { FluxApp, ValidationError } from '../../src';
import { tree, validationError } from '../helpers';

// FluxApp (src/tree/flux-app.ts): one app of the tree, its name and namespace.

describe('refusals', () => {
  test.each<[string, () => unknown, string]>([
    ['an app namespace that is no DNS label', () => new FluxApp(tree(), 'x', { namespace: 'Home' }), '"Home"'],
  ])('%s', (_what, fn, value) => {
    // GIVEN an app setting Kubernetes cannot use
    // WHEN the app is created
    const e = validationError(fn);
    // THEN a ValidationError names the offending value
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toContain(value);
  });

  test('two apps of one name in one namespace', () => {
    // GIVEN a tree with an app echo in default
    const r = tree();
    new FluxApp(r, 'a', { namespace: 'default', name: 'echo' });
    // WHEN / THEN a second app echo in default is refused, naming the name
    expect(validationError(() => new FluxApp(r, 'b', { namespace: 'default', name: 'echo' })).message).toContain('"echo"');
  });
});
