import { Problems, refusal } from '../errors';
import { compare } from '../util/strings';
import { TreeFile, directoryFiles, kustomizationFile, mergeSources, orderKustomizationSpec, sourceFileName } from './files';

// The layout of a Flux repository tree, from a plain model of it (what the tree's constructs hold,
// as manifests) to its files. Pure: no constructs, so it is tested on plain objects.

/**
 * One directory of an app, applied by one Flux Kustomization.
 * @internal
 */
export interface KustomizationModel {
  /** The Flux Kustomization's name and namespace, for the duplicate check. */
  readonly name: string;
  readonly namespace: string;
  /** The directory, relative to the output directory. */
  readonly treePath: string;
  /** The Flux Kustomization manifest (written to the app's `ks.yaml`). */
  readonly manifest: any;
  /** The directory's objects, as manifests. */
  readonly objects: any[];
  /** Construct path, for messages. */
  readonly constructPath: string;
}

/**
 * One app: `apps/<namespace>/<name>/` with its `ks.yaml` and one directory per Kustomization.
 * @internal
 */
export interface AppModel {
  readonly name: string;
  readonly namespace: string;
  readonly treePath: string;
  readonly kustomizations: KustomizationModel[];
  readonly constructPath: string;
}

/**
 * A tree: its Flux sources, its namespaces (by name, the Namespace manifest) and its apps.
 * @internal
 */
export interface TreeModel {
  readonly clusterPath: string;
  readonly sources: any[];
  readonly namespaces: ReadonlyMap<string, any>;
  readonly apps: AppModel[];
}

/**
 * The files of a tree, in the layout of the public home-ops repositories:
 * `flux/repositories/{helm,oci}/<name>.yaml` with a `kustomization.yaml` per directory, then per
 * namespace `apps/<namespace>/kustomization.yaml` (its `namespace.yaml` first, then each app's
 * `ks.yaml`), and per app its `ks.yaml` and directories. Everything is ordered by name, so the
 * output does not depend on the order constructs were created in. Refuses, all at once, an app
 * without a Kustomization and two Kustomizations of one name.
 * @internal
 */
export function layoutTree(tree: TreeModel): TreeFile[] {
  const root = tree.clusterPath;
  const files: TreeFile[] = [];
  const problems = new Problems();

  const merged = problems.check(() => mergeSources(tree.sources)) ?? [];
  const sourceDirs: string[] = [];
  for (const [kind, sub] of [['HelmRepository', 'helm'], ['OCIRepository', 'oci']]) {
    const list = merged.filter((m) => m.kind === kind);
    if (list.length === 0) continue;
    const dir = `${root}/flux/repositories/${sub}`;
    const names = list.map((m) => sourceFileName(m));
    list.forEach((m, i) => files.push({ path: `${dir}/${names[i]}`, docs: [m] }));
    files.push(kustomizationFile(dir, names.map((n) => `./${n}`)));
    sourceDirs.push(`./${sub}`);
  }
  if (sourceDirs.length > 0) files.push(kustomizationFile(`${root}/flux/repositories`, sourceDirs));

  const kustomizationNames = new Map<string, KustomizationModel>();
  const namespaces = new Set<string>([...tree.namespaces.keys(), ...tree.apps.map((a) => a.namespace)]);
  for (const ns of [...namespaces].sort(compare)) {
    const nsDir = `${root}/apps/${ns}`;
    const resources: string[] = [];
    const nsDoc = tree.namespaces.get(ns);
    if (nsDoc) {
      files.push({ path: `${nsDir}/namespace.yaml`, docs: [nsDoc] });
      resources.push('./namespace.yaml');
    }
    const apps = tree.apps.filter((a) => a.namespace === ns).sort((a, b) => compare(a.name, b.name));
    for (const app of apps) {
      if (app.kustomizations.length === 0) {
        problems.add(refusal({ field: 'name', value: app.name, hint: 'add at least one FluxKustomization (e.g. new FluxKustomization(app, "app")): an app without one would write an empty ks.yaml', problem: 'has no Kustomization', constructPath: app.constructPath }));
      }
      for (const ks of app.kustomizations) {
        const key = `${ks.namespace}/${ks.name}`;
        const clash = kustomizationNames.get(key);
        if (clash) {
          problems.add(refusal({ field: 'name', value: ks.name, hint: `the Flux Kustomization ${clash.constructPath} has the same name in ${ks.namespace}; give one a different name`, problem: 'is used twice', constructPath: ks.constructPath }));
          continue;
        }
        kustomizationNames.set(key, ks);
        const dirFiles = problems.check(() => directoryFiles(ks.treePath, ks.objects));
        if (dirFiles) files.push(...dirFiles);
      }
      files.push({ path: `${app.treePath}/ks.yaml`, docs: app.kustomizations.map((k) => orderKustomizationSpec(k.manifest)) });
      resources.push(`./${app.name}/ks.yaml`);
    }
    files.push(kustomizationFile(nsDir, resources));
  }
  problems.throwIfAny();
  return files;
}
