import { Chart } from 'cdk8s';
import { FluxTree, FluxTreeApp } from '../../src';
import { configMap, validationError } from '../helpers';

// FluxTreeApp (src/tree/tree-app.ts): an app whose synth() writes its Flux trees and nothing else.

describe('refusals', () => {
  test('FluxTreeApp: an object outside every FluxTree, or no FluxTree at all', () => {
    // GIVEN an app without a FluxTree
    const app = new FluxTreeApp({ outdir: 'never-written' });
    // WHEN / THEN synth is refused, naming the app's output directory
    expect(validationError(() => app.synth()).message).toContain('never-written');
    // GIVEN a tree, and an object in a plain chart beside it
    new FluxTree(app, 'cluster');
    configMap(new Chart(app, 'flat'), 'stray');
    // WHEN / THEN synth is refused, naming the stray object
    expect(validationError(() => app.synth()).message).toContain('ConfigMap stray');
  });

  test('FluxTreeApp: two repositories writing the same clusterPath', () => {
    // GIVEN two trees with the default clusterPath
    const app = new FluxTreeApp({ outdir: 'never-written' });
    new FluxTree(app, 'a');
    new FluxTree(app, 'b');
    // WHEN / THEN synth is refused, naming the clusterPath
    expect(validationError(() => app.synth()).message).toContain('"kubernetes/main"');
  });
});
