import { Chart, Duration } from 'cdk8s';
import { FluxApp, FluxHealthCheck, FluxKustomization, ValidationError } from '../../src';
import { configMap, testApp, tree, treeDocs, validationError } from '../helpers';

// FluxKustomization (src/tree/kustomization.ts): one directory of an app and the Flux
// Kustomization that applies it, as written to the app's ks.yaml.

// The describe keeps the name this test had when it lived in flux-tree.test.ts.
describe('FluxTree', () => {
  test('health checks turn wait off, because Flux ignores them while wait is true', () => {
    // GIVEN a Kustomization with a health check and wait left out
    const r = tree();
    const ks = new FluxKustomization(new FluxApp(r, 'echo', { namespace: 'default' }), 'app', {
      healthChecks: [FluxHealthCheck.of('apps/v1', 'Deployment', 'echo', 'default')],
    });
    configMap(ks, 'settings');
    // WHEN the tree is rendered
    const [k] = treeDocs(r.files(), 'kubernetes/main/apps/default/echo/ks.yaml');
    // THEN wait is off and the health check is written
    expect(k.spec.wait).toBe(false);
    expect(k.spec.healthChecks).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'echo', namespace: 'default' }]);
  });
});

describe('refusals', () => {
  test.each<[string, () => unknown, string]>([
    ['a directory that is no DNS label', () => new FluxKustomization(new FluxApp(tree(), 'x', { namespace: 'default' }), 'app', { directory: 'a/b' }), '"a/b"'],
    ['a zero interval', () => new FluxKustomization(new FluxApp(tree(), 'x', { namespace: 'default' }), 'app', { interval: Duration.seconds(0) }), '0ms'],
    ['wait with health checks', () => new FluxKustomization(new FluxApp(tree(), 'x', { namespace: 'default' }), 'app', {
      wait: true, healthChecks: [FluxHealthCheck.helmRelease('x', 'default')],
    }), 'true'],
    ['a FluxKustomization outside a FluxApp', () => new FluxKustomization(new Chart(testApp(), 'c') as any, 'app'), 'c'],
  ])('%s', (_what, fn, value) => {
    // GIVEN a Kustomization setting or place that Flux cannot use
    // WHEN the Kustomization is created
    const e = validationError(fn);
    // THEN a ValidationError names the offending value
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toContain(value);
  });

  test('a Kustomization cannot depend on itself', () => {
    // GIVEN a Kustomization
    const ks = new FluxKustomization(new FluxApp(tree(), 'x', { namespace: 'default' }), 'app');
    // WHEN / THEN making it depend on itself is refused, naming it
    expect(validationError(() => ks.addDependsOn(ks)).message).toContain('"x"');
  });

  test('two Kustomizations in one directory', () => {
    // GIVEN an app with a Kustomization in directory app
    const unit = new FluxApp(tree(), 'x', { namespace: 'default' });
    new FluxKustomization(unit, 'a', { directory: 'app' });
    // WHEN / THEN a second one in the same directory is refused, naming the directory
    expect(validationError(() => new FluxKustomization(unit, 'b', { directory: 'app' })).message).toContain('"app"');
  });
});
