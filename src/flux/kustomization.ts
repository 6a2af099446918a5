import { Chart, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../imports/kustomize.toolkit.fluxcd.io';
import { invalid } from '../errors';
import { checkBoolean, checkDnsLabel, checkDnsSubdomain } from '../util/validate';
import { fluxDuration } from './duration';
import type { FluxRepository } from './repository';
import { fluxPath } from './tree';

/**
 * A Flux Kustomization another one can depend on: one of this app (`FluxKustomization`) or one
 * defined elsewhere in the cluster's repository (`FluxKustomizationRef.of()`).
 */
export interface IFluxKustomizationRef {
  /** The Flux Kustomization's name. */
  readonly kustomizationName: string;
  /** The Flux Kustomization's namespace (where Flux runs, usually `flux-system`). */
  readonly kustomizationNamespace: string;
}

/** A Flux Kustomization that this app does not define (e.g. `cilium` in the hand-written part of the repository). */
export class FluxKustomizationRef implements IFluxKustomizationRef {
  /**
   * @param name the Flux Kustomization's name
   * @param namespace its namespace
   */
  public static of(name: string, namespace: string = 'flux-system'): FluxKustomizationRef {
    checkDnsSubdomain('dependsOn.name', name);
    checkDnsLabel('dependsOn.namespace', namespace);
    return new FluxKustomizationRef(name, namespace);
  }

  public readonly kustomizationName: string;
  public readonly kustomizationNamespace: string;

  private constructor(name: string, namespace: string) {
    this.kustomizationName = name;
    this.kustomizationNamespace = namespace;
  }
}

/**
 * An object Flux waits for before it calls a Kustomization ready (`spec.healthChecks`), and so
 * before any Kustomization that `dependsOn` it starts.
 */
export class FluxHealthCheck {
  /**
   * A Flux HelmRelease (helm.toolkit.fluxcd.io/v2): ready once the chart is installed, CRDs included.
   * @param name the HelmRelease's name
   * @param namespace the HelmRelease's namespace
   */
  public static helmRelease(name: string, namespace: string): FluxHealthCheck {
    return FluxHealthCheck.of('helm.toolkit.fluxcd.io/v2', 'HelmRelease', name, namespace);
  }

  /**
   * A CustomResourceDefinition (cluster-scoped): ready once the API server serves its kinds.
   * @param name the CRD's name, e.g. `network-attachment-definitions.k8s.cni.cncf.io`
   */
  public static customResourceDefinition(name: string): FluxHealthCheck {
    return FluxHealthCheck.of('apiextensions.k8s.io/v1', 'CustomResourceDefinition', name);
  }

  /**
   * Any object, by API version, kind, name and (for namespaced kinds) namespace.
   * @param apiVersion e.g. `apps/v1`
   * @param kind e.g. `DaemonSet`
   * @param name the object's name
   * @param namespace the object's namespace; leave out for cluster-scoped kinds
   */
  public static of(apiVersion: string, kind: string, name: string, namespace?: string): FluxHealthCheck {
    if (typeof apiVersion !== 'string' || !/^([a-z0-9.-]+\/)?v[0-9]+([a-z]+[0-9]*)?$/.test(apiVersion)) {
      invalid('healthChecks.apiVersion', apiVersion, 'give an API version such as "helm.toolkit.fluxcd.io/v2" or "v1"');
    }
    if (typeof kind !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
      invalid('healthChecks.kind', kind, 'give a kind in UpperCamelCase, e.g. "HelmRelease"');
    }
    checkDnsSubdomain('healthChecks.name', name);
    if (namespace !== undefined) checkDnsLabel('healthChecks.namespace', namespace);
    return new FluxHealthCheck(apiVersion, kind, name, namespace);
  }

  /** API version of the object. */
  public readonly apiVersion: string;
  /** Kind of the object. */
  public readonly kind: string;
  /** Name of the object. */
  public readonly name: string;
  /** Namespace of the object (none for cluster-scoped kinds). */
  public readonly namespace?: string;

  private constructor(apiVersion: string, kind: string, name: string, namespace?: string) {
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.name = name;
    this.namespace = namespace;
  }
}

const FLUX_KUSTOMIZATION = Symbol.for('cdk8s-multus.FluxKustomization');

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
   * Name of the Flux Kustomization (unique in the Flux namespace).
   * @default - the app's name for the directory `app`, else `<app>-<directory>`
   */
  readonly name?: string;

  /**
   * The directory under `<root>/apps/<namespace>/<app>/` that holds the objects.
   * @default - the construct id
   */
  readonly directory?: string;
}

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
 * const unit = new FluxAppUnit(repo, 'home-assistant', { namespace: 'home-automation' });
 * const app = new FluxKustomization(unit, 'app', { dependsOn: [multus.networks] });
 * new HelmRelease(app, 'release', { ... });
 */
export class FluxKustomization extends Chart implements IFluxKustomizationRef {
  /**
   * True iff `x` is a FluxKustomization. Use this rather than `instanceof`: cdk8s makes
   * `instanceof` of every Chart subclass answer "is a Chart".
   */
  public static isFluxKustomization(x: any): boolean {
    return x !== null && typeof x === 'object' && (x as any)[FLUX_KUSTOMIZATION] === true;
  }

  /** The Flux Kustomization object (written to `ks.yaml`). */
  public readonly resource: Kustomization;
  /** The app this directory belongs to. */
  public readonly app: FluxAppUnit;
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

  constructor(scope: FluxAppUnit, id: string, props: FluxKustomizationProps = {}) {
    props = props ?? {};
    const app = scope as FluxAppUnit;
    if (!app || typeof app.appName !== 'string' || typeof app._addKustomization !== 'function') {
      invalid('scope', (scope as any)?.node?.path ?? scope, 'create a FluxKustomization inside a FluxAppUnit', undefined, 'is not a FluxAppUnit');
    }
    const targetNamespace = props.targetNamespace ?? app.namespace;
    super(scope, id, { namespace: targetNamespace });
    Object.defineProperty(this, FLUX_KUSTOMIZATION, { value: true });
    checkDnsLabel('targetNamespace', targetNamespace, this);
    this.app = app;
    this.targetNamespace = targetNamespace;
    this.directory = props.directory ?? id;
    checkDnsLabel('directory', this.directory, this);
    this.kustomizationName = props.name ?? (this.directory === 'app' ? app.appName : `${app.appName}-${this.directory}`);
    checkDnsSubdomain('name', this.kustomizationName, this);
    const repo = app.repository;
    this.kustomizationNamespace = repo.fluxNamespace;
    this.treePath = `${app.treePath}/${this.directory}`;

    const interval = fluxDuration('interval', props.interval ?? Duration.minutes(30), this);
    const retryInterval = fluxDuration('retryInterval', props.retryInterval ?? Duration.minutes(1), this);
    const timeout = fluxDuration('timeout', props.timeout ?? Duration.minutes(5), this);
    checkBoolean('prune', props.prune, this);
    checkBoolean('wait', props.wait, this);
    this.waitGiven = props.wait;
    for (const d of props.dependsOn ?? []) this.addDependsOn(d);
    for (const h of props.healthChecks ?? []) this.addHealthCheck(h);

    this.resource = new Kustomization(this, 'Resource', {
      metadata: { name: this.kustomizationName, namespace: this.kustomizationNamespace },
      spec: {
        targetNamespace,
        commonMetadata: { labels: { 'app.kubernetes.io/name': app.appName } },
        path: fluxPath(repo.pathPrefix, this.treePath),
        prune: props.prune ?? true,
        sourceRef: {
          kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY,
          name: repo.gitRepositoryName,
          ...(repo.gitRepositoryNamespace !== this.kustomizationNamespace ? { namespace: repo.gitRepositoryNamespace } : {}),
        },
        wait: Lazy.any({ produce: () => this.renderWait() }),
        interval,
        retryInterval,
        timeout,
        dependsOn: Lazy.any({ produce: () => this.renderDependsOn() }),
        healthChecks: Lazy.any({ produce: () => this.renderHealthChecks() }),
      },
    });
    app._addKustomization(this);
  }

  /** Makes Flux apply this directory only once `other` is ready (`spec.dependsOn`). */
  public addDependsOn(other: IFluxKustomizationRef): void {
    if (!other || typeof other.kustomizationName !== 'string' || typeof other.kustomizationNamespace !== 'string') {
      invalid('dependsOn', other, 'give a FluxKustomization or FluxKustomizationRef.of(name)', this);
    }
    if (other === this || (other.kustomizationName === this.kustomizationName && other.kustomizationNamespace === this.kustomizationNamespace)) {
      invalid('dependsOn', other.kustomizationName, 'a Kustomization cannot depend on itself', this);
    }
    if (!this.dependencies.some((d) => d.kustomizationName === other.kustomizationName && d.kustomizationNamespace === other.kustomizationNamespace)) {
      this.dependencies.push(other);
    }
  }

  /** Makes Flux wait for `check` before it calls this Kustomization ready (`spec.healthChecks`). */
  public addHealthCheck(check: FluxHealthCheck): void {
    if (!(check instanceof FluxHealthCheck)) {
      invalid('healthChecks', check, 'give a FluxHealthCheck, e.g. FluxHealthCheck.helmRelease("multus", "kube-system")', this);
    }
    if (this.waitGiven === true) {
      invalid('wait', true, 'Flux ignores healthChecks while wait is true; leave wait out (it turns off when health checks are given) or drop the health checks', this);
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

/** Props of `FluxAppUnit`. */
export interface FluxAppUnitProps {
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

/**
 * One app of the cluster: the directory `<root>/apps/<namespace>/<name>/` with its `ks.yaml`
 * (the Flux Kustomizations) and one sub-directory per `FluxKustomization`. The namespace's
 * `kustomization.yaml` lists the app's `ks.yaml`.
 */
export class FluxAppUnit extends Construct {
  /** The repository tree the app belongs to. */
  public readonly repository: FluxRepository;
  /** The app's name. */
  public readonly appName: string;
  /** The namespace the app runs in. */
  public readonly namespace: string;
  /** The app's directory relative to the output directory, e.g. `kubernetes/main/apps/kube-system/multus`. */
  public readonly treePath: string;

  private readonly units: FluxKustomization[] = [];

  constructor(scope: FluxRepository, id: string, props: FluxAppUnitProps) {
    super(scope, id);
    const repo = scope as FluxRepository;
    if (!repo || typeof repo.clusterPath !== 'string' || typeof repo._registerApp !== 'function') {
      invalid('scope', (scope as any)?.node?.path ?? scope, 'create a FluxAppUnit inside a FluxRepository', this, 'is not a FluxRepository');
    }
    this.repository = repo;
    this.appName = props?.name ?? id;
    checkDnsLabel('name', this.appName, this);
    if (!props || props.namespace === undefined) {
      invalid('namespace', props?.namespace, 'give the namespace the app runs in, e.g. "kube-system"', this, 'is required');
    }
    this.namespace = props.namespace;
    checkDnsLabel('namespace', this.namespace, this);
    this.treePath = `${repo.clusterPath}/apps/${this.namespace}/${this.appName}`;
    repo._registerApp(this);
  }

  /** The app's Kustomizations, in the order they were created. */
  public get kustomizations(): FluxKustomization[] {
    return [...this.units];
  }

  /**
   * Called by `FluxKustomization`; refuses two Kustomizations in one directory.
   * @internal
   */
  public _addKustomization(unit: FluxKustomization): void {
    const clash = this.units.find((u) => u.directory === unit.directory);
    if (clash) {
      invalid('directory', unit.directory, `the app already has a Kustomization (${clash.kustomizationName}) in that directory; give each FluxKustomization its own directory`, unit, 'is used twice');
    }
    this.units.push(unit);
  }
}
