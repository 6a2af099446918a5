import { Construct } from 'constructs';
import { Problems, invalid } from '../errors';
import { checkConstructId } from '../util/construct-id';
import { checkKnownProps, propsShape } from '../util/props';
import { checkDnsLabel } from '../util/validate';
import { FluxKustomization } from './kustomization';
import { APP, IFluxApp, IFluxTree, KUSTOMIZATION, checkTreeChildId, findBelow, isMarked, lookUp, mark, treeOf } from './scope';
import { useLibraryChecks } from '../util/app-checks';

/** Props of `FluxApp`. */
export interface FluxAppProps {
  /**
   * The namespace the app runs in: its directory `<root>/apps/<namespace>/` and the default
   * `targetNamespace` of its Kustomizations.
   */
  readonly namespace: string;

  /**
   * The app's name: its directory `<root>/apps/<namespace>/<name>/`, the `app.kubernetes.io/name`
   * label Flux puts on its objects, and the name of its first Kustomization.
   * @default - the construct id
   */
  readonly name?: string;
}

const FLUX_APP_PROPS = propsShape<FluxAppProps>('FluxAppProps', { namespace: true, name: true });

/**
 * One app of the cluster: the directory `<root>/apps/<namespace>/<name>/` with its `ks.yaml`
 * (the Flux Kustomizations) and one sub-directory per `FluxKustomization`. The namespace's
 * `kustomization.yaml` lists the app's `ks.yaml`.
 *
 * @example
 * const ha = new FluxApp(tree, 'home-assistant', { namespace: 'home-automation' });
 * new FluxKustomization(ha, 'app');
 */
export class FluxApp extends Construct implements IFluxApp {
  /**
   * True iff `x` is a FluxApp (a `MultusFluxApp` included).
   */
  public static isFluxApp(x: any): boolean {
    return isMarked(x, APP);
  }

  /**
   * The app `scope` is in (`scope` itself when it is one), or undefined outside any app.
   * @param scope any construct
   */
  public static of(scope: Construct): FluxApp | undefined {
    return lookUp<FluxApp>(scope, APP);
  }

  /** The tree the app belongs to. */
  public readonly tree: IFluxTree;
  /** The app's name. */
  public readonly appName: string;
  /** The namespace the app runs in. */
  public readonly namespace: string;
  /** The app's directory relative to the output directory, e.g. `kubernetes/main/apps/kube-system/multus`. */
  public readonly treePath: string;

  /**
   * @param scope the tree (`FluxTree`), or any construct inside one
   */
  constructor(scope: Construct, id: string, props: FluxAppProps) {
    checkTreeChildId(scope, id, 'FluxApp');
    checkConstructId(scope, id, 'FluxApp');
    checkKnownProps('', props, FLUX_APP_PROPS);
    super(scope, id);
    useLibraryChecks(this);
    mark(this, APP);
    this.tree = treeOf(scope, 'FluxApp');
    this.appName = props?.name ?? id;
    this.namespace = props?.namespace;
    this.treePath = `${this.tree.clusterPath}/apps/${this.namespace}/${this.appName}`;
    const problems = new Problems();
    problems.check(() => checkDnsLabel('name', this.appName, this));
    problems.check(() => {
      if (props?.namespace === undefined) {
        invalid({ field: 'namespace', value: props?.namespace, hint: 'give the namespace the app runs in, e.g. "kube-system"', scope: this, problem: 'is required' });
      }
      checkDnsLabel('namespace', this.namespace, this);
    });
    const clash = findBelow<FluxApp>(this.tree, APP).find((a) => a !== this && a.namespace === this.namespace && a.appName === this.appName);
    if (clash) {
      problems.check(() => invalid({ field: 'name', value: this.appName, hint: `namespace ${this.namespace} already has an app of that name (${clash.node.path}); give each app its own name`, scope: this, problem: 'is used twice' }));
    }
    problems.throwIfAny();
  }

  /** The app's Kustomizations, in the order they were created. */
  public get kustomizations(): FluxKustomization[] {
    return findBelow<FluxKustomization>(this, KUSTOMIZATION);
  }
}
