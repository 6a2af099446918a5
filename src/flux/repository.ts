import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, AppProps, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { HelmRepository } from '../../imports/source.toolkit.fluxcd.io';
import { invalid } from '../errors';
import { checkDnsLabel } from '../util/validate';
import { checkHelmRepositoryUrl, helmRepositorySpec } from './helm-repository';
import { FluxAppUnit, FluxKustomization } from './kustomization';
import { FLUX_SOURCE_GROUP, TreeFile, checkRepoPath, compare, directoryFiles, kustomizationFile, mergeSources, orderKustomizationSpec, renderFile } from './tree';

/** Props of `FluxRepository`. */
export interface FluxRepositoryProps {
  /**
   * The cluster's directory in the git repository: the tree is written under
   * `<outdir>/<clusterPath>/` (`flux/repositories/...`, `apps/<namespace>/...`).
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
   * Namespace Flux runs in: where the Kustomizations and HelmRepositories live.
   * @default 'flux-system'
   */
  readonly fluxNamespace?: string;
}

/** Options of `FluxRepository.addHelmRepository()`. */
export interface FluxHelmRepositoryOptions {
  /**
   * How often Flux refreshes the repository index.
   * @default Duration.hours(2)
   */
  readonly interval?: Duration;
}

/** One file of the synthesized tree. */
export interface FluxTreeFile {
  /** Path relative to the output directory, with `/` separators, e.g. `kubernetes/main/apps/kube-system/multus/ks.yaml`. */
  readonly path: string;
  /** The file's YAML. */
  readonly content: string;
}

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
 * cdk8s cannot write nested trees by itself (cdk8s #2160, #2727): synthesize with `FluxTreeApp`
 * (what `cdk8s synth` runs) or call `writeTo()`.
 *
 * @example
 * const app = new FluxTreeApp();
 * const repo = new FluxRepository(app, 'cluster', { gitRepositoryName: 'home-kubernetes' });
 * new MultusFluxApp(repo, 'multus', { install: { cniPaths: CniPaths.K3S } });
 * app.synth();
 */
export class FluxRepository extends Construct {
  /** The cluster's directory in the git repository. */
  public readonly clusterPath: string;
  /** Where the output directory sits in the git repository. */
  public readonly pathPrefix: string;
  /** Name of the GitRepository every Kustomization reads from. */
  public readonly gitRepositoryName: string;
  /** Namespace of that GitRepository. */
  public readonly gitRepositoryNamespace: string;
  /** Namespace of the Kustomizations and HelmRepositories. */
  public readonly fluxNamespace: string;

  private readonly appUnits: FluxAppUnit[] = [];
  private sourcesChart?: Chart;
  private namespacesChart?: Chart;
  private readonly namespaceObjects = new Map<string, ApiObject>();

  constructor(scope: Construct, id: string, props: FluxRepositoryProps = {}) {
    super(scope, id);
    // null, as JavaScript callers (and jsii) pass for an omitted optional argument: the defaults.
    props = props ?? {};
    this.clusterPath = props.clusterPath ?? 'kubernetes/main';
    checkRepoPath('clusterPath', this.clusterPath, false, this);
    this.pathPrefix = props.pathPrefix ?? '';
    checkRepoPath('pathPrefix', this.pathPrefix, true, this);
    this.fluxNamespace = props.fluxNamespace ?? 'flux-system';
    checkDnsLabel('fluxNamespace', this.fluxNamespace, this);
    this.gitRepositoryName = props.gitRepositoryName ?? 'flux-system';
    checkDnsLabel('gitRepositoryName', this.gitRepositoryName, this);
    this.gitRepositoryNamespace = props.gitRepositoryNamespace ?? this.fluxNamespace;
    checkDnsLabel('gitRepositoryNamespace', this.gitRepositoryNamespace, this);
  }

  /** The apps of the tree, in the order they were created. */
  public get apps(): FluxAppUnit[] {
    return [...this.appUnits];
  }

  /**
   * Adds a Flux HelmRepository (source.toolkit.fluxcd.io/v1) in the Flux namespace, written to
   * `flux/repositories/helm/<name>.yaml`. Charts of HelmReleases refer to it by name.
   *
   * @param name the HelmRepository's name, e.g. `bjw-s`
   * @param url the repository URL, e.g. `https://bjw-s-labs.github.io/helm-charts`
   */
  public addHelmRepository(name: string, url: string, options: FluxHelmRepositoryOptions = {}): HelmRepository {
    options = options ?? {};
    checkDnsLabel('helmRepository.name', name, this);
    checkHelmRepositoryUrl('helmRepository.url', url, 'https://bjw-s-labs.github.io/helm-charts', this);
    this.sourcesChart ??= new Chart(this, 'Sources', { namespace: this.fluxNamespace });
    return new HelmRepository(this.sourcesChart, name, {
      metadata: { name, namespace: this.fluxNamespace },
      spec: helmRepositorySpec(url, options.interval ?? Duration.hours(2), 'helmRepository.interval', this),
    });
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
    this.namespacesChart ??= new Chart(this, 'Namespaces');
    const ns = new ApiObject(this.namespacesChart, name, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    this.namespaceObjects.set(name, ns);
    return ns;
  }

  /**
   * Every file of the tree, sorted by path. Validates the constructs of the tree first
   * (`node.validate()`), as `App.synth()` does.
   */
  public files(): FluxTreeFile[] {
    runValidations(this);
    const tree = this.collect();
    const out = tree.map((f) => ({ path: f.path, content: renderFile(f) }));
    out.sort((a, b) => compare(a.path, b.path));
    for (let i = 1; i < out.length; i++) {
      if (out[i].path === out[i - 1].path) {
        invalid('file', out[i].path, 'two parts of the tree would write the same file; rename one of them', this, 'is written twice');
      }
    }
    return out;
  }

  /**
   * Writes the tree under `outdir` and returns the paths written (relative to `outdir`).
   * Files outside the tree are left alone; `cdk8s synth` empties its output directory first.
   *
   * @param outdir the output directory, e.g. the app's `outdir`
   */
  public writeTo(outdir: string): string[] {
    if (typeof outdir !== 'string' || outdir.length === 0) {
      invalid('outdir', outdir, 'give the directory to write the tree into, e.g. app.outdir', this);
    }
    const files = this.files();
    for (const f of files) {
      const target = path.join(outdir, ...f.path.split('/'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, f.content, { encoding: 'utf8' });
    }
    return files.map((f) => f.path);
  }

  /**
   * Called by `FluxAppUnit`; refuses two apps in one directory.
   * @internal
   */
  public _registerApp(app: FluxAppUnit): void {
    const clash = this.appUnits.find((a) => a.namespace === app.namespace && a.appName === app.appName);
    if (clash) {
      invalid('name', app.appName, `namespace ${app.namespace} already has an app of that name (${clash.node.path}); give each app its own name`, app, 'is used twice');
    }
    this.appUnits.push(app);
  }

  private collect(): TreeFile[] {
    const sources: any[] = [];
    const ksDocs = new Map<FluxAppUnit, any[]>();
    const dirObjects = new Map<FluxKustomization, any[]>();
    const namespaceDocs = new Map<string, any>();

    for (const c of this.node.findAll()) {
      if (!(c instanceof ApiObject)) continue;
      const json = c.toJson();
      const owner = ownerOf(c);
      if (owner && c === owner.resource) {
        ksDocs.set(owner.app, [...(ksDocs.get(owner.app) ?? []), orderKustomizationSpec(json)]);
        continue;
      }
      if (isFluxSource(json)) {
        sources.push(json);
        continue;
      }
      if (owner) {
        const ns = json.metadata?.namespace;
        if (ns !== undefined && ns !== owner.targetNamespace) {
          invalid('metadata.namespace', ns, `its directory is applied with targetNamespace ${owner.targetNamespace}, which would move the object; create it in a FluxKustomization of an app in namespace ${ns}, or give that FluxKustomization targetNamespace "${ns}"`, c);
        }
        dirObjects.set(owner, [...(dirObjects.get(owner) ?? []), json]);
        continue;
      }
      if (c.kind === 'Namespace' && this.namespacesChart && c.node.scope === this.namespacesChart) {
        namespaceDocs.set(json.metadata.name, json);
        continue;
      }
      invalid('object', `${json.kind} ${json.metadata?.name}`, 'create every object of the tree inside a FluxKustomization (a directory of an app)', c, 'has no place in the tree');
    }

    const root = this.clusterPath;
    const files: TreeFile[] = [];

    // flux/repositories/{helm,oci}/<name>.yaml
    const merged = mergeSources(sources);
    const sourceDirs: string[] = [];
    for (const [kind, sub] of [['HelmRepository', 'helm'], ['OCIRepository', 'oci']]) {
      const list = merged.filter((m) => m.kind === kind);
      if (list.length === 0) continue;
      const dir = `${root}/flux/repositories/${sub}`;
      const names = list.map((m) => `${m.metadata.name}.yaml`);
      list.forEach((m, i) => files.push({ path: `${dir}/${names[i]}`, docs: [m] }));
      files.push(kustomizationFile(dir, names.map((n) => `./${n}`)));
      sourceDirs.push(`./${sub}`);
    }
    if (sourceDirs.length > 0) files.push(kustomizationFile(`${root}/flux/repositories`, sourceDirs));

    // apps/<namespace>/...
    const kustomizationNames = new Map<string, FluxKustomization>();
    const namespaces = new Set<string>([...namespaceDocs.keys(), ...this.appUnits.map((a) => a.namespace)]);
    for (const ns of [...namespaces].sort(compare)) {
      const nsDir = `${root}/apps/${ns}`;
      const resources: string[] = [];
      const nsDoc = namespaceDocs.get(ns);
      if (nsDoc) {
        files.push({ path: `${nsDir}/namespace.yaml`, docs: [nsDoc] });
        resources.push('./namespace.yaml');
      }
      const apps = this.appUnits.filter((a) => a.namespace === ns).sort((a, b) => compare(a.appName, b.appName));
      for (const app of apps) {
        const units = app.kustomizations;
        if (units.length === 0) {
          invalid('name', app.appName, 'add at least one FluxKustomization (e.g. new FluxKustomization(app, "app")): an app without one would write an empty ks.yaml', app, 'has no Kustomization');
        }
        for (const unit of units) {
          const key = `${unit.kustomizationNamespace}/${unit.kustomizationName}`;
          const clash = kustomizationNames.get(key);
          if (clash) {
            invalid('name', unit.kustomizationName, `the Flux Kustomization ${clash.node.path} has the same name in ${unit.kustomizationNamespace}; give one a different name`, unit, 'is used twice');
          }
          kustomizationNames.set(key, unit);
          files.push(...directoryFiles(unit.treePath, dirObjects.get(unit) ?? []));
        }
        files.push({ path: `${app.treePath}/ks.yaml`, docs: ksDocs.get(app) ?? [] });
        resources.push(`./${app.appName}/ks.yaml`);
      }
      files.push(kustomizationFile(nsDir, resources));
    }
    return files;
  }
}

/**
 * A cdk8s `App` whose `synth()` writes the Flux repository trees it holds (every `FluxRepository`)
 * into its output directory, and nothing else: no flat `<chart>.k8s.yaml` files. `cdk8s synth`
 * runs the app with `CDK8S_OUTDIR` set and empties that directory first.
 */
export class FluxTreeApp extends App {
  constructor(props: AppProps = {}) {
    super(props);
  }

  /** Writes every FluxRepository's tree under `outdir`. */
  public synth(): void {
    const repos = this.node.findAll().filter((c): c is FluxRepository => c instanceof FluxRepository);
    if (repos.length === 0) {
      invalid('app', this.outdir, 'create a FluxRepository in the app: FluxTreeApp writes only Flux repository trees', undefined, 'has no FluxRepository');
    }
    for (const c of this.node.findAll()) {
      if (c instanceof ApiObject && !repos.some((r) => isWithin(c, r))) {
        invalid('object', `${c.kind} ${c.name}`, 'create it inside a FluxKustomization of a FluxRepository; FluxTreeApp writes nothing else', c, 'has no place in the tree');
      }
    }
    const roots = new Map<string, FluxRepository>();
    for (const r of repos) {
      const other = roots.get(r.clusterPath);
      if (other) invalid('clusterPath', r.clusterPath, `${other.node.path} writes the same directory; give each FluxRepository its own clusterPath`, r, 'is used twice');
      roots.set(r.clusterPath, r);
    }
    // Render everything before writing anything: a refusal leaves no half-written tree.
    const all = repos.map((r) => r.files());
    fs.mkdirSync(this.outdir, { recursive: true });
    for (const files of all) {
      for (const f of files) {
        const target = path.join(this.outdir, ...f.path.split('/'));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, f.content, { encoding: 'utf8' });
      }
    }
  }
}

function ownerOf(c: IConstruct): FluxKustomization | undefined {
  for (let s: IConstruct | undefined = c.node.scope; s; s = s.node.scope) {
    if (FluxKustomization.isFluxKustomization(s)) return s as FluxKustomization;
  }
  return undefined;
}

function isWithin(c: IConstruct, ancestor: IConstruct): boolean {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (s === ancestor) return true;
  }
  return false;
}

function isFluxSource(m: any): boolean {
  const group = typeof m.apiVersion === 'string' ? m.apiVersion.split('/')[0] : '';
  return group === FLUX_SOURCE_GROUP && (m.kind === 'HelmRepository' || m.kind === 'OCIRepository');
}

function runValidations(scope: IConstruct): void {
  const errors: string[] = [];
  for (const c of scope.node.findAll()) {
    for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  }
  if (errors.length > 0) {
    invalid('validation', errors, 'fix the errors listed', undefined, 'failed');
  }
}
