import { Chart, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../imports/kustomize.toolkit.fluxcd.io';
import { Problems, invalid } from '../errors';
import { fluxDuration } from '../flux/duration';
import { FluxHealthCheck } from '../flux/health-check';
import { IFluxKustomizationRef } from '../flux/kustomization-ref';
import { checkConstructId } from '../util/construct-id';
import { checkFluxKustomizationName } from '../util/names';
import { checkKnownProps, propsShape } from '../util/props';
import { checkDnsLabel, optionalBoolean } from '../util/validate';
import { fluxPath } from './files';
import { IFluxApp, KUSTOMIZATION, appOf, findBelow, isMarked, mark, treeOf } from './scope';
import { useLibraryChecks } from '../util/app-checks';

/** How Flux reconciles one directory of an app: the fields of one Flux Kustomization. */
export interface FluxKustomizationOptions {
  /**
   * Namespace Flux puts every namespaced object of the directory in (`spec.targetNamespace`).
   * An object of the directory that names another namespace is refused: Flux would silently
   * move it, and a NetworkAttachmentDefinition moved away from the namespace pods name is not found.
   * @default - the app's namespace
   */
  readonly targetNamespace?: string;

  /**
   * Kustomizations that must be ready before this one is applied (`spec.dependsOn`).
   * @default - none
   */
  readonly dependsOn?: IFluxKustomizationRef[];

  /**
   * Objects Flux waits for before it calls this Kustomization ready (`spec.healthChecks`).
   * Flux ignores health checks when `wait` is true, so giving them turns `wait` off by default.
   * @default - none
   */
  readonly healthChecks?: FluxHealthCheck[];

  /**
   * Wait for every applied object to be ready (`spec.wait`). Flux ignores `healthChecks` while
   * this is true (kustomize-controller API), so true together with health checks is refused.
   * @default - true, or false when healthChecks are given
   */
  readonly wait?: boolean;

  /**
   * Delete objects from the cluster when they disappear from the directory (`spec.prune`).
   * @default true
   */
  readonly prune?: boolean;

  /**
   * How often Flux reconciles (`spec.interval`).
   * @default Duration.minutes(30)
   */
  readonly interval?: Duration;

  /**
   * How soon Flux retries after a failed reconciliation (`spec.retryInterval`).
   * @default Duration.minutes(1)
   */
  readonly retryInterval?: Duration;

  /**
   * How long Flux waits for the apply and the health checks (`spec.timeout`).
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
}

/** Props of `FluxKustomization`. */
export interface FluxKustomizationProps extends FluxKustomizationOptions {
  /**
   * Name of the Flux Kustomization (unique in the Flux namespace): a DNS-1123 subdomain of at most
   * 63 characters, given or derived, because Flux labels every object it applies with it.
   * @default - the app's name for the directory `app`, else `<app>-<directory>`
   */
  readonly name?: string;

  /**
   * The directory under `<root>/apps/<namespace>/<app>/` that holds the objects.
   * @default - the construct id
   */
  readonly directory?: string;
}

const KUSTOMIZATION_PROPS = propsShape<FluxKustomizationProps>('FluxKustomizationProps', {
  name: true, directory: true, targetNamespace: true, dependsOn: true, healthChecks: true, wait: true, prune: true,
  interval: true, retryInterval: true, timeout: true,
});

/**
 * One directory of an app and the Flux Kustomization that applies it.
 *
 * A cdk8s `Chart`: create the app's objects (a `HelmRelease`, an `IotNetwork`, a pod) inside it.
 * They are written one file per kind to `<root>/apps/<namespace>/<app>/<directory>/` with a
 * `kustomization.yaml`, and the Flux Kustomization (child `Resource`) to the app's `ks.yaml`.
 * Flux source objects created inside (a `MultusInstall`'s HelmRepository) go to
 * `<root>/flux/repositories/` instead.
 *
 * @example
 * const ha = new FluxApp(tree, 'home-assistant', { namespace: 'home-automation' });
 * const app = new FluxKustomization(ha, 'app', { dependsOn: [multus.networks] });
 * new HelmRelease(app, 'release', { ... });
 */
export class FluxKustomization extends Chart implements IFluxKustomizationRef {
  /**
   * True iff `x` is a FluxKustomization. Use this rather than `instanceof`: cdk8s makes
   * `instanceof` of every Chart subclass answer "is a Chart".
   */
  public static isFluxKustomization(x: any): boolean {
    return isMarked(x, KUSTOMIZATION);
  }

  /** The Flux Kustomization object (written to `ks.yaml`). */
  public readonly resource: Kustomization;
  /** The app this directory belongs to. */
  public readonly app: IFluxApp;
  /** The Flux Kustomization's name. */
  public readonly kustomizationName: string;
  /** The Flux Kustomization's namespace. */
  public readonly kustomizationNamespace: string;
  /** The directory's name under the app's directory. */
  public readonly directory: string;
  /** The namespace Flux puts the directory's objects in. */
  public readonly targetNamespace: string;
  /** The directory relative to the output directory, e.g. `kubernetes/main/apps/kube-system/multus/app`. */
  public readonly treePath: string;

  private readonly dependencies: IFluxKustomizationRef[] = [];
  private readonly checks: FluxHealthCheck[] = [];
  private readonly waitGiven?: boolean;

  /**
   * @param scope the app (`FluxApp`), or any construct inside one
   */
  constructor(scope: Construct, id: string, props: FluxKustomizationProps = {}) {
    props = props ?? {};
    checkConstructId(scope, id, 'FluxKustomization');
    checkKnownProps('', props, KUSTOMIZATION_PROPS);
    const app = appOf(scope, 'FluxKustomization');
    const tree = treeOf(app, 'FluxApp');
    const targetNamespace = props.targetNamespace ?? app.namespace;
    super(scope, id, { namespace: targetNamespace });
    useLibraryChecks(this);
    mark(this, KUSTOMIZATION);
    this.app = app;
    this.targetNamespace = targetNamespace;
    this.directory = props.directory ?? id;
    this.kustomizationName = props.name ?? (this.directory === 'app' ? app.appName : `${app.appName}-${this.directory}`);
    this.kustomizationNamespace = tree.fluxNamespace;
    this.treePath = `${app.treePath}/${this.directory}`;

    const problems = new Problems();
    problems.check(() => checkDnsLabel('targetNamespace', targetNamespace, this));
    problems.check(() => checkDnsLabel('directory', this.directory, this));
    problems.check(() => checkFluxKustomizationName('name', this.kustomizationName, this, props.name === undefined ? `the app name and the directory, "${app.appName}-${this.directory}"` : undefined));
    const clash = findBelow<FluxKustomization>(app, KUSTOMIZATION).find((k) => k !== this && k.directory === this.directory);
    if (clash) {
      problems.check(() => invalid({ field: 'directory', value: this.directory, hint: `the app already has a Kustomization (${clash.kustomizationName}) in that directory; give each FluxKustomization its own directory`, scope: this, problem: 'is used twice' }));
    }
    const interval = problems.check(() => fluxDuration('interval', props.interval ?? Duration.minutes(30), this));
    const retryInterval = problems.check(() => fluxDuration('retryInterval', props.retryInterval ?? Duration.minutes(1), this));
    const timeout = problems.check(() => fluxDuration('timeout', props.timeout ?? Duration.minutes(5), this));
    const prune = problems.check(() => optionalBoolean('prune', props.prune, true, this));
    problems.check(() => optionalBoolean('wait', props.wait, false, this));
    this.waitGiven = props.wait;
    for (const d of props.dependsOn ?? []) problems.check(() => this.addDependsOn(d));
    for (const h of props.healthChecks ?? []) problems.check(() => this.addHealthCheck(h));
    problems.throwIfAny();

    this.resource = new Kustomization(this, 'Resource', {
      metadata: { name: this.kustomizationName, namespace: this.kustomizationNamespace },
      spec: {
        targetNamespace,
        commonMetadata: { labels: { 'app.kubernetes.io/name': app.appName } },
        path: fluxPath(tree.pathPrefix, this.treePath),
        prune: prune!,
        sourceRef: {
          kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY,
          name: tree.gitRepositoryName,
          ...(tree.gitRepositoryNamespace !== this.kustomizationNamespace ? { namespace: tree.gitRepositoryNamespace } : {}),
        },
        wait: Lazy.any({ produce: () => this.renderWait() }),
        interval: interval!,
        retryInterval,
        timeout,
        dependsOn: Lazy.any({ produce: () => this.renderDependsOn() }),
        healthChecks: Lazy.any({ produce: () => this.renderHealthChecks() }),
      },
    });
  }

  /** Makes Flux apply this directory only once `other` is ready (`spec.dependsOn`). */
  public addDependsOn(other: IFluxKustomizationRef): void {
    if (!other || typeof other.kustomizationName !== 'string' || typeof other.kustomizationNamespace !== 'string') {
      invalid({ field: 'dependsOn', value: other, hint: 'give a FluxKustomization or FluxKustomizationRef.of(name)', scope: this });
    }
    if (other === this || (other.kustomizationName === this.kustomizationName && other.kustomizationNamespace === this.kustomizationNamespace)) {
      invalid({ field: 'dependsOn', value: other.kustomizationName, hint: 'a Kustomization cannot depend on itself', scope: this });
    }
    if (!this.dependencies.some((d) => d.kustomizationName === other.kustomizationName && d.kustomizationNamespace === other.kustomizationNamespace)) {
      this.dependencies.push(other);
    }
  }

  /** Makes Flux wait for `check` before it calls this Kustomization ready (`spec.healthChecks`). */
  public addHealthCheck(check: FluxHealthCheck): void {
    if (!(check instanceof FluxHealthCheck)) {
      invalid({ field: 'healthChecks', value: check, hint: 'give a FluxHealthCheck, e.g. FluxHealthCheck.helmRelease("multus", "kube-system")', scope: this });
    }
    if (this.waitGiven === true) {
      invalid({ field: 'wait', value: true, hint: 'Flux ignores healthChecks while wait is true; leave wait out (it turns off when health checks are given) or drop the health checks', scope: this });
    }
    this.checks.push(check);
  }

  private renderWait(): boolean {
    return this.waitGiven ?? this.checks.length === 0;
  }

  private renderDependsOn(): any[] | undefined {
    if (this.dependencies.length === 0) return undefined;
    return this.dependencies.map((d) => ({
      name: d.kustomizationName,
      ...(d.kustomizationNamespace !== this.kustomizationNamespace ? { namespace: d.kustomizationNamespace } : {}),
    }));
  }

  private renderHealthChecks(): any[] | undefined {
    if (this.checks.length === 0) return undefined;
    return this.checks.map((c) => ({
      apiVersion: c.apiVersion,
      kind: c.kind,
      name: c.name,
      ...(c.namespace !== undefined ? { namespace: c.namespace } : {}),
    }));
  }
}

