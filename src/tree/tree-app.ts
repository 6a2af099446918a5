import { ApiObject, App, AppProps } from 'cdk8s';
import { Problems, refusal } from '../errors';
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
   * and only then writes them under `outdir`: a refusal leaves no half-written tree. Trees whose
   * clusterPaths overlap are refused, and every file lands inside `outdir` (see docs/reliability.md).
   */
  public synth(): void {
    const trees = findBelow<FluxTree>(this, TREE);
    const problems = new Problems();
    if (trees.length === 0) {
      // Reported with everything else the app's checks find (an annotation that never reaches a pod).
      problems.add(refusal({ field: 'app', value: this.outdir, hint: 'create a FluxTree in the app: FluxTreeApp writes only Flux repository trees', problem: 'has no FluxTree' }));
    }
    for (const c of this.node.findAll()) {
      if (ApiObject.isApiObject(c) && !lookUp(c, TREE)) {
        problems.add(refusal({ field: 'object', value: `${c.kind} ${c.name}`, hint: 'create it inside a FluxKustomization of a FluxTree; FluxTreeApp writes nothing else', scope: c, problem: 'has no place in the tree' }));
      }
    }
    // Two trees write into one directory when one's clusterPath is the other's or lies below it
    // (`k` and `k/apps/ns`): the files of one would overwrite the other's. Compared without case,
    // as a case-insensitive checkout (macOS, Windows) sees them.
    const roots: FluxTree[] = [];
    for (const t of trees) {
      const mine = t.clusterPath.toLowerCase();
      const other = roots.find((o) => {
        const theirs = o.clusterPath.toLowerCase();
        return mine === theirs || mine.startsWith(`${theirs}/`) || theirs.startsWith(`${mine}/`);
      });
      if (other) {
        const how = other.clusterPath.toLowerCase() === mine ? 'writes the same directory' : `writes ${other.clusterPath}, which overlaps it`;
        problems.add(refusal({ field: 'clusterPath', value: t.clusterPath, hint: `${other.node.path} ${how}; give each FluxTree a clusterPath of its own that is neither inside another's nor holds one`, scope: t, problem: 'overlaps another tree' }));
      }
      roots.push(t);
    }
    problems.check(() => validateApp(this));
    problems.throwIfAny();
    const rendered = trees.map((t) => t._render());
    // One write of every tree's files: all are checked before the first is written.
    writeTreeFiles(this.outdir, rendered.flat());
  }
}
