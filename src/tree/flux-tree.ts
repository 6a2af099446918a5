import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { HelmRepository } from '../../imports/source.toolkit.fluxcd.io';
import { Problems, invalid, refusal } from '../errors';
import { FLUX_NAMESPACE_CONTEXT, DEFAULT_FLUX_NAMESPACE } from '../flux/namespace';
import { CLUSTER_CONTEXT, ClusterProfile } from '../cluster/cluster-profile';
import { SOURCE_SCOPE_CONTEXT, ensureChartSource } from '../flux/source-objects';
import { checkHelmRepositoryUrl, helmRepositorySpec } from '../flux/sources';
import { useLibraryChecks, validateApp } from '../util/app-checks';
import { checkConstructId } from '../util/construct-id';
import { markIdentityScope } from '../util/identity';
import { checkKnownProps, propsShape } from '../util/props';
import { compare } from '../util/strings';
import { checkDnsLabel } from '../util/validate';
import { FLUX_SOURCE_GROUP, FluxTreeFile, checkRepoPath, checkTreeFilePath, renderFile } from './files';
import { FluxApp } from './flux-app';
import { FluxKustomization } from './kustomization';
import { AppModel, TreeModel, layoutTree } from './layout';
import { APP, IFluxTree, KUSTOMIZATION, TREE, TREE_CHILD_IDS, findBelow, isMarked, lookUp, mark } from './scope';
import { writeTreeFiles } from './write';

/** Props of `FluxTree`. */
export interface FluxTreeProps {
  /**
   * The cluster's directory in the git repository: the tree is written under
   * `<outdir>/<clusterPath>/` (`flux/repositories/...`, `apps/<namespace>/...`). At most 255
   * characters; in one FluxTreeApp, no tree's clusterPath may be another's or lie inside it.
   * @default 'kubernetes/main'
   */
  readonly clusterPath?: string;

  /**
   * Where the output directory sits in the git repository Flux reads. Every Kustomization
   * `path` is `./<pathPrefix>/<clusterPath>/...`; leave it empty when the contents of the output
   * directory are copied to the repository root.
   * @default '' - the output directory is the repository root
   */
  readonly pathPrefix?: string;

  /**
   * Name of the Flux GitRepository that holds this tree (every Kustomization's `sourceRef`).
   * @default 'flux-system' - what `flux bootstrap` creates
   */
  readonly gitRepositoryName?: string;

  /**
   * Namespace of that GitRepository.
   * @default - the Flux namespace
   */
  readonly gitRepositoryNamespace?: string;

  /**
   * Namespace Flux runs in: where every Flux object of the tree lives (its Kustomizations, and the
   * HelmRepositories and OCIRepositories of the tree and of the charts installed in it).
   * @default 'flux-system'
   */
  readonly fluxNamespace?: string;

  /**
   * The cluster the tree is for. It reaches every MultusInstall and rule inside the tree: the CNI
   * directories, the thick daemon's network-namespace mount and the charts' Kubernetes ranges follow
   * from it (an install's own `cluster` prop wins).
   * @default - unknown: every MultusInstall names its cniPaths
   */
  readonly cluster?: ClusterProfile;
}

/** Options of `FluxTree.addHelmRepository()`. */
export interface FluxHelmRepositoryOptions {
  /**
   * How often Flux refreshes the repository index.
   * @default Duration.hours(2)
   */
  readonly interval?: Duration;
}

const FLUX_TREE_PROPS = propsShape<FluxTreeProps>('FluxTreeProps', {
  clusterPath: true, pathPrefix: true, gitRepositoryName: true, gitRepositoryNamespace: true, fluxNamespace: true, cluster: true,
});
const HELM_REPOSITORY_OPTIONS = propsShape<FluxHelmRepositoryOptions>('FluxHelmRepositoryOptions', { interval: true });

/**
 * A cluster's Flux repository tree, the layout of the public home-ops repositories:
 *
 * - `<clusterPath>/flux/repositories/helm/<name>.yaml`: every HelmRepository (OCIRepository under `oci/`),
 *   with a `kustomization.yaml` per directory;
 * - `<clusterPath>/apps/<namespace>/kustomization.yaml`: the namespace's `namespace.yaml` (see
 *   `addNamespace()`) and every app's `ks.yaml`;
 * - `<clusterPath>/apps/<namespace>/<app>/ks.yaml`: the app's Flux Kustomizations;
 * - `<clusterPath>/apps/<namespace>/<app>/<directory>/`: one file per kind and a `kustomization.yaml`.
 *
 * The tree's settings (`fluxNamespace`, the GitRepository) reach every construct inside it, which
 * finds the tree by looking up from its own scope. cdk8s cannot write nested trees by itself
 * (https://github.com/cdk8s-team/cdk8s/issues/2160): synthesize with `FluxTreeApp` (what
 * `cdk8s synth` runs) or call `writeTo()`.
 *
 * @example
 * const app = new FluxTreeApp();
 * const tree = new FluxTree(app, 'cluster', { gitRepositoryName: 'home-kubernetes' });
 * new MultusFluxApp(tree, 'multus', { install: { cniPaths: CniPaths.K3S } });
 * app.synth();
 */
export class FluxTree extends Construct implements IFluxTree {
  /**
   * True iff `x` is a FluxTree.
   */
  public static isFluxTree(x: any): boolean {
    return isMarked(x, TREE);
  }

  /**
   * The tree `scope` is in (`scope` itself when it is one), or undefined outside any tree.
   * @param scope any construct
   */
  public static of(scope: IConstruct): FluxTree | undefined {
    return lookUp<FluxTree>(scope, TREE);
  }

  /** The cluster's directory in the git repository. */
  public readonly clusterPath: string;
  /** Where the output directory sits in the git repository. */
  public readonly pathPrefix: string;
  /** Name of the GitRepository every Kustomization reads from. */
  public readonly gitRepositoryName: string;
  /** Namespace of that GitRepository. */
  public readonly gitRepositoryNamespace: string;
  /** Namespace of every Flux object of the tree. */
  public readonly fluxNamespace: string;
  /** The cluster the tree is for, when given. */
  public readonly cluster?: ClusterProfile;

  private sourcesChart?: Chart;
  private namespacesChart?: Chart;
  private readonly namespaceObjects = new Map<string, ApiObject>();
  private readonly helmRepositories = new Map<string, HelmRepository>();

  constructor(scope: Construct, id: string, props: FluxTreeProps = {}) {
    checkConstructId(scope, id, 'FluxTree');
    // null, as JavaScript callers (and jsii) pass for an omitted optional argument: the defaults.
    props = props ?? {};
    checkKnownProps('', props, FLUX_TREE_PROPS);
    super(scope, id);
    useLibraryChecks(this);
    mark(this, TREE);
    // One tree is one cluster: its objects' identities are checked against each other only.
    markIdentityScope(this);
    this.clusterPath = props.clusterPath ?? 'kubernetes/main';
    this.pathPrefix = props.pathPrefix ?? '';
    this.fluxNamespace = props.fluxNamespace ?? DEFAULT_FLUX_NAMESPACE;
    this.gitRepositoryName = props.gitRepositoryName ?? 'flux-system';
    this.gitRepositoryNamespace = props.gitRepositoryNamespace ?? this.fluxNamespace;
    const problems = new Problems();
    problems.check(() => checkRepoPath('clusterPath', this.clusterPath, false, this));
    problems.check(() => checkRepoPath('pathPrefix', this.pathPrefix, true, this));
    problems.check(() => checkDnsLabel('fluxNamespace', this.fluxNamespace, this));
    problems.check(() => checkDnsLabel('gitRepositoryName', this.gitRepositoryName, this));
    problems.check(() => checkDnsLabel('gitRepositoryNamespace', this.gitRepositoryNamespace, this));
    problems.check(() => {
      if (props.cluster !== undefined && !(props.cluster instanceof ClusterProfile)) {
        invalid({ field: 'cluster', value: props.cluster, hint: "give a ClusterProfile, e.g. ClusterProfile.k3s({ primaryCni: PrimaryCni.CILIUM, kubernetesVersion: '1.33' })", scope: this });
      }
    });
    this.cluster = props.cluster;
    problems.throwIfAny();
    // What the constructs inside read as their Flux namespace (flux/namespace.ts), and the scope
    // within which they share Flux source objects (flux/source-objects.ts).
    this.node.setContext(FLUX_NAMESPACE_CONTEXT, this.fluxNamespace);
    if (props.cluster !== undefined) this.node.setContext(CLUSTER_CONTEXT, props.cluster);
    this.node.setContext(SOURCE_SCOPE_CONTEXT, this.node.path || this.node.id);
  }

  /** The apps of the tree, in the order they were created. */
  public get apps(): FluxApp[] {
    return findBelow<FluxApp>(this, APP);
  }

  /**
   * Adds a Flux HelmRepository (source.toolkit.fluxcd.io/v1) in the Flux namespace, written to
   * `flux/repositories/helm/<name>.yaml`. Charts of HelmReleases refer to it by name. Adding a name
   * again with the same URL and interval returns the first repository; another URL or interval
   * for the name is refused.
   *
   * @param name the HelmRepository's name, e.g. `bjw-s`
   * @param url the repository URL, e.g. `https://bjw-s-labs.github.io/helm-charts`
   */
  public addHelmRepository(name: string, url: string, options: FluxHelmRepositoryOptions = {}): HelmRepository {
    options = options ?? {};
    checkKnownProps('helmRepository', options, HELM_REPOSITORY_OPTIONS, this);
    const problems = new Problems();
    problems.check(() => checkDnsLabel('helmRepository.name', name, this));
    problems.check(() => checkHelmRepositoryUrl('helmRepository.url', url, 'https://bjw-s-labs.github.io/helm-charts', this));
    const spec = problems.check(() => helmRepositorySpec(url, options.interval ?? Duration.hours(2), 'helmRepository.interval', this));
    problems.throwIfAny();
    // Adding one repository twice is one repository (two apps from one chart repository); the same
    // name for another URL or interval would be two objects of one identity.
    const earlier = this.helmRepositories.get(name);
    if (earlier) {
      const had = earlier.toJson().spec;
      if (had.url !== spec!.url) {
        invalid({ field: 'helmRepository.url', value: url, hint: `HelmRepository ${name} is already added with url ${JSON.stringify(had.url)}; use that URL, or another name for this repository`, scope: this, problem: 'conflicts' });
      }
      if (had.interval !== spec!.interval) {
        invalid({ field: 'helmRepository.interval', value: spec!.interval, hint: `HelmRepository ${name} is already added with interval ${had.interval}; give the same interval, or leave it out both times`, scope: this, problem: 'conflicts' });
      }
      return earlier;
    }
    this.sourcesChart ??= this.ownChart('Sources', this.fluxNamespace);
    // One object per source, shared with every other declaration of it (a Multus chart's, another
    // app's): a declaration elsewhere that differs is refused there.
    const repository = ensureChartSource(this.sourcesChart, name, { kind: 'HelmRepository', name, namespace: this.fluxNamespace, spec: spec!, declaredBy: 'FluxTree.addHelmRepository' }) as HelmRepository;
    this.helmRepositories.set(name, repository);
    return repository;
  }

  /**
   * A chart of the tree's own (its HelmRepositories, its Namespaces). FluxApp refuses these ids; a
   * construct of another kind that took one first is refused here.
   */
  private ownChart(id: string, namespace?: string): Chart {
    const taken = this.node.tryFindChild(id);
    if (taken) {
      invalid({ field: 'id', value: id, hint: `the FluxTree keeps its own objects in its child "${id}" (${TREE_CHILD_IDS.join(', ')} are its ids), and ${taken.node.path} holds it: give that construct another id`, scope: this, problem: 'is taken' });
    }
    return new Chart(this, id, namespace !== undefined ? { namespace } : {});
  }

  /**
   * Creates the namespace with the tree: `apps/<name>/namespace.yaml`, listed first in the
   * namespace's `kustomization.yaml`, so that it exists before the apps' Kustomizations (whose
   * `targetNamespace` it is) are applied. Not needed for `kube-system` and `default`.
   *
   * @param name the namespace
   */
  public addNamespace(name: string): ApiObject {
    checkDnsLabel('namespace', name, this);
    const existing = this.namespaceObjects.get(name);
    if (existing) return existing;
    // A chart without a namespace: a Namespace object is cluster-scoped.
    this.namespacesChart ??= this.ownChart('Namespaces');
    const ns = new ApiObject(this.namespacesChart, name, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    this.namespaceObjects.set(name, ns);
    return ns;
  }

  /**
   * Every file of the tree, sorted by path. Validates the app first (every construct's
   * validation and the library's end-of-app checks), as `App.synth()` does.
   */
  public files(): FluxTreeFile[] {
    validateApp(this);
    return this._render();
  }

  /**
   * Writes the tree under `outdir` and returns the paths written (relative to `outdir`).
   * Files outside the tree are left alone; `cdk8s synth` empties its output directory first.
   *
   * @param outdir the output directory, e.g. the app's `outdir`
   */
  public writeTo(outdir: string): string[] {
    if (typeof outdir !== 'string' || outdir.length === 0) {
      invalid({ field: 'outdir', value: outdir, hint: 'give the directory to write the tree into, e.g. app.outdir', scope: this });
    }
    return writeTreeFiles(outdir, this.files());
  }

  /**
   * The files of the tree, without validating the app first (the caller did).
   * @internal
   */
  public _render(): FluxTreeFile[] {
    const out = layoutTree(this.model()).map((f) => ({ path: f.path, content: renderFile(f) }));
    out.sort((a, b) => compare(a.path, b.path));
    // Unique without case too: a case-insensitive checkout would hold one file for both.
    const seen = new Map<string, string>();
    for (const f of out) {
      checkTreeFilePath('file', f.path, this);
      const other = seen.get(f.path.toLowerCase());
      if (other !== undefined) {
        invalid({ field: 'file', value: f.path, hint: `${other === f.path ? 'two parts of the tree would write the same file' : `it is the file ${other} on a case-insensitive file system`}; rename one of them`, scope: this, problem: 'is written twice' });
      }
      seen.set(f.path.toLowerCase(), f.path);
    }
    return out;
  }

  /** The tree as a plain model: every object of it, as a manifest, where it belongs. */
  private model(): TreeModel {
    const problems = new Problems();
    const sources: any[] = [];
    const namespaces = new Map<string, any>();
    const objects = new Map<FluxKustomization, any[]>();
    const ksManifests = new Map<FluxKustomization, any>();

    for (const c of this.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      const json = c.toJson();
      const owner = lookUp<FluxKustomization>(c.node.scope!, KUSTOMIZATION);
      if (owner && c === owner.resource) {
        ksManifests.set(owner, json);
      } else if (isFluxSource(json)) {
        sources.push(json);
      } else if (owner) {
        const ns = json.metadata?.namespace;
        if (ns !== undefined && ns !== owner.targetNamespace) {
          problems.add(refusal({ field: 'metadata.namespace', value: ns, hint: `its directory is applied with targetNamespace ${owner.targetNamespace}, which would move the object; create it in a FluxKustomization of an app in namespace ${ns}, or give that FluxKustomization targetNamespace "${ns}"`, scope: c }));
          continue;
        }
        objects.set(owner, [...(objects.get(owner) ?? []), json]);
      } else if (c.kind === 'Namespace' && this.namespacesChart && c.node.scope === this.namespacesChart) {
        namespaces.set(json.metadata.name, json);
      } else {
        problems.add(refusal({ field: 'object', value: `${json.kind} ${json.metadata?.name}`, hint: 'create every object of the tree inside a FluxKustomization (a directory of an app)', scope: c, problem: 'has no place in the tree' }));
      }
    }
    problems.throwIfAny();

    const apps: AppModel[] = this.apps.map((app) => ({
      name: app.appName,
      namespace: app.namespace,
      treePath: app.treePath,
      constructPath: app.node.path,
      kustomizations: app.kustomizations.map((ks) => ({
        name: ks.kustomizationName,
        namespace: ks.kustomizationNamespace,
        treePath: ks.treePath,
        manifest: ksManifests.get(ks),
        objects: objects.get(ks) ?? [],
        constructPath: ks.node.path,
      })),
    }));
    return { clusterPath: this.clusterPath, sources, namespaces, apps };
  }
}

function isFluxSource(m: any): boolean {
  const group = typeof m.apiVersion === 'string' ? m.apiVersion.split('/')[0] : '';
  return group === FLUX_SOURCE_GROUP && (m.kind === 'HelmRepository' || m.kind === 'OCIRepository');
}
