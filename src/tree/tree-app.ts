import * as fs from 'node:fs';
import { ApiObject, App, AppProps } from 'cdk8s';
import { Problems, invalid, refusal } from '../errors';
import { validateApp } from '../util/app-checks';
import { FluxTree } from './flux-tree';
import { TREE, findBelow, lookUp } from './scope';
import { writeTreeFiles } from './write';

/**
 * A cdk8s `App` whose `synth()` writes the Flux repository trees it holds (every `FluxTree`) into
 * its output directory, and nothing else: no flat `<chart>.k8s.yaml` files. `cdk8s synth` runs the
 * app with `CDK8S_OUTDIR` set and empties that directory first.
 *
 * @example
 * const app = new FluxTreeApp();
 * const tree = new FluxTree(app, 'cluster');
 * new MultusFluxApp(tree, 'multus', { install: { cniPaths: CniPaths.K3S } });
 * app.synth();
 */
export class FluxTreeApp extends App {
  constructor(props: AppProps = {}) {
    super(props);
  }

  /**
   * Validates the app (reporting every problem in one ValidationError), renders every FluxTree,
   * and only then writes them under `outdir`: a refusal leaves no half-written tree.
   */
  public synth(): void {
    const trees = findBelow<FluxTree>(this, TREE);
    if (trees.length === 0) {
      invalid({ field: 'app', value: this.outdir, hint: 'create a FluxTree in the app: FluxTreeApp writes only Flux repository trees', problem: 'has no FluxTree' });
    }
    const problems = new Problems();
    for (const c of this.node.findAll()) {
      if (ApiObject.isApiObject(c) && !lookUp(c, TREE)) {
        problems.add(refusal({ field: 'object', value: `${c.kind} ${c.name}`, hint: 'create it inside a FluxKustomization of a FluxTree; FluxTreeApp writes nothing else', scope: c, problem: 'has no place in the tree' }));
      }
    }
    const roots = new Map<string, FluxTree>();
    for (const t of trees) {
      const other = roots.get(t.clusterPath);
      if (other) problems.add(refusal({ field: 'clusterPath', value: t.clusterPath, hint: `${other.node.path} writes the same directory; give each FluxTree its own clusterPath`, scope: t, problem: 'is used twice' }));
      roots.set(t.clusterPath, t);
    }
    problems.check(() => validateApp(this));
    problems.throwIfAny();
    const rendered = trees.map((t) => t._render());
    fs.mkdirSync(this.outdir, { recursive: true });
    for (const files of rendered) writeTreeFiles(this.outdir, files);
  }
}
