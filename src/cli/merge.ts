import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Document, isSeq, parseAllDocuments, parseDocument } from 'yaml';
import { TREE_FILE_MARK } from '../util/file-mark';
import { Output } from './check';
import { KUSTOMIZATION_FILES, isYamlFile } from './files';

// `cdk8s-multus merge <tree> <repository> [--dry-run]`: puts a synthesized Flux tree into the
// user's own repository. Files of the library carry TREE_FILE_MARK on their first line; a file
// without it is the user's and is never overwritten (an identical one is kept as theirs). A
// kustomization file keeps everything it had (entries, comments, keys) and gains the tree's
// entries; a Flux source or Namespace the repository already declares is shared, not written a
// second time. Everything is planned first: one conflict, and no file is written.

export const MERGE_USAGE = `Usage: cdk8s-multus merge <tree> <repository> [--dry-run]

Puts a Flux tree written by cdk8s-multus (e.g. dist/kubernetes/main) into your repository's
directory for the same path (e.g. ~/home-ops/kubernetes/main).

  - a file the library wrote carries its mark on the first line; a file without it is yours and is
    never overwritten (when it holds the same objects, it is kept as yours);
  - every kustomization.yaml keeps its entries, comments and keys and gains the tree's entries;
  - a Flux source or Namespace your repository already declares is shared, not written again;
  - a conflict writes nothing: every conflicting path is printed with the reason;
  - a new directory no Flux Kustomization of the repository reaches is written with a note.

  --dry-run   print what would be written, merged, kept and refused; write nothing

Exit status: 0 merged, 1 refused (nothing written), 2 a usage error or input that cannot be read.`;

/**
 * What merge does with one path of the repository; `note` is a warning that writes nothing (a new
 * directory no Flux Kustomization of the repository reaches).
 * @internal
 */
export type MergeAction = 'wrote' | 'merged' | 'kept' | 'refused' | 'note';

/** One line of the merge's report. @internal */
export interface MergeEntry {
  /** Relative to the repository directory, with `/` separators. */
  readonly path: string;
  readonly action: MergeAction;
  readonly why: string;
}

/** A planned merge: what it does to each path, and the files to write (absolute path to content). @internal */
export interface MergePlan {
  readonly entries: MergeEntry[];
  readonly writes: ReadonlyMap<string, string>;
  readonly refused: boolean;
}

/** Input merge cannot work on (a missing directory, a tree not written by the library). @internal */
export class MergeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeInputError';
  }
}

/** An object of a YAML file, by what identifies it in the cluster. */
interface Declared {
  readonly file: string;
  readonly kind: string;
  readonly group: string;
  readonly name: string;
  readonly namespace?: string;
  readonly doc: any;
}

/** Kinds a repository shares with the tree rather than taking them twice. */
const SHARED_SOURCES = ['HelmRepository', 'OCIRepository', 'GitRepository'];

/** True when a file's text starts with the library's mark. @internal */
export function isMarked(text: string): boolean {
  return text.startsWith(TREE_FILE_MARK);
}

/**
 * Plans the merge of the tree under `treeDir` into `repoDir`: reads both, changes nothing.
 * @internal
 */
export function planMerge(treeDir: string, repoDir: string): MergePlan {
  const tree = path.resolve(treeDir);
  const repo = path.resolve(repoDir);
  for (const [what, dir] of [['tree', tree], ['repository', repo]]) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new MergeInputError(`${what} ${dir} is not a directory`);
  }
  const inside = (a: string, b: string) => a === b || a.startsWith(`${b}${path.sep}`);
  if (inside(tree, repo) || inside(repo, tree)) throw new MergeInputError(`the tree ${tree} and the repository ${repo} overlap; synthesize into a directory outside the repository`);
  const treeFiles = walk(tree, false);
  if (treeFiles.length === 0) throw new MergeInputError(`tree ${tree} holds no file`);
  const texts = new Map(treeFiles.map((f) => [f, fs.readFileSync(path.join(tree, f), 'utf8')]));
  const foreign = treeFiles.filter((f) => !isMarked(texts.get(f)!));
  if (foreign.length > 0) {
    throw new MergeInputError(`${tree} is not a tree written by cdk8s-multus: ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ` and ${foreign.length - 3} more` : ''} lack the mark of its files`);
  }

  const repoFiles = walk(repo, true);
  const declared = repoFiles.filter((f) => isYamlFile(path.posix.basename(f))).flatMap((f) => declarations(repo, f));

  const entries: MergeEntry[] = [];
  const writes = new Map<string, string>();
  /** Tree files another file of the repository stands for: their kustomization entries are left out. */
  const standIns = new Set<string>();
  /** Files of apps the repository already has as its own: refused as one entry per app. */
  const ownApps = new Map<string, string>();

  // Apps (`.../apps/<namespace>/<app>/ks.yaml`) the repository has as its own: any file of the
  // directory without the mark.
  for (const f of treeFiles) {
    const m = /^(.*\/)?apps\/([^/]+)\/([^/]+)\/ks\.yaml$/.exec(f);
    if (!m) continue;
    const appDir = path.posix.dirname(f);
    const mine = repoFiles.filter((r) => r.startsWith(`${appDir}/`) && !isMarked(readOr(path.join(repo, r))));
    const treeOfApp = treeFiles.filter((t) => t.startsWith(`${appDir}/`));
    const allSame = treeOfApp.every((t) => sameObjects(texts.get(t)!, readOr(path.join(repo, t))))
      && mine.every((r) => treeOfApp.includes(r));
    if (mine.length > 0 && !allSame) {
      ownApps.set(appDir, `${m[2]}/${m[3]}`);
      entries.push({ path: appDir, action: 'refused', why: `the repository has its own ${m[2]}/${m[3]} (${mine.length} file${mine.length === 1 ? '' : 's'} without the cdk8s-multus mark, e.g. ${mine[0]}); remove it from the repository, or leave the app out of the tree` });
    }
  }

  /** The objects of the tree's file `p`, or of every file below the directory `p` ('' for the whole tree). */
  const objectsBelow = (p: string): any[] => treeFiles.filter((t) => p === '' || t === p || t.startsWith(`${p}/`))
    .flatMap((t) => parseAllDocuments(texts.get(t)!).map((d) => d.toJS()).filter((d) => d && typeof d === 'object'));

  const kustomizations: string[] = [];
  for (const f of treeFiles) {
    if ([...ownApps.keys()].some((a) => f.startsWith(`${a}/`))) continue;
    if (KUSTOMIZATION_FILES.includes(path.posix.basename(f))) {
      kustomizations.push(f);
      continue;
    }
    const text = texts.get(f)!;
    const target = path.join(repo, f);
    const objects = parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d && typeof d === 'object');
    const elsewhere = objects.map((o) => declaredElsewhere(declared, o, f)).filter((d): d is Declared => d !== undefined);
    // A Flux source or Namespace the repository declares already: shared when it is the same.
    if (objects.length === 1 && isShared(objects[0]) && elsewhere.length === 1) {
      const theirs = elsewhere[0];
      const why = sharedDifference(objects[0], theirs.doc);
      if (why === undefined) {
        entries.push({ path: f, action: 'kept', why: theirs.file === f ? `${describe(objects[0])} is yours; shared` : `${describe(objects[0])} is declared by ${theirs.file}; shared, not written again` });
        if (theirs.file !== f) standIns.add(f);
      } else {
        entries.push({ path: f, action: 'refused', why: `${describe(objects[0])} is declared by ${theirs.file} with ${why}; make both the same, or give the tree's source another name` });
      }
      continue;
    }
    const clash = elsewhere.find((d) => d.file !== f);
    if (clash) {
      entries.push({ path: f, action: 'refused', why: `${describe(clash.doc)} is already declared by ${clash.file}; two files would apply one object` });
      continue;
    }
    const existing = lstat(target);
    if (!existing) {
      writes.set(target, text);
      entries.push({ path: f, action: 'wrote', why: 'new' });
    } else if (!existing.isFile()) {
      entries.push({ path: f, action: 'refused', why: `it exists as ${existing.isSymbolicLink() ? 'a symbolic link' : 'a directory or special file'}` });
    } else {
      const current = fs.readFileSync(target, 'utf8');
      if (current === text) {
        entries.push({ path: f, action: 'kept', why: 'unchanged' });
      } else if (isMarked(current)) {
        writes.set(target, text);
        entries.push({ path: f, action: 'wrote', why: 'replaces the library\'s earlier file' });
      } else if (sameObjects(text, current)) {
        entries.push({ path: f, action: 'kept', why: 'yours, with the same objects' });
      } else {
        entries.push({ path: f, action: 'refused', why: 'exists without the cdk8s-multus mark and holds other objects; it is yours and is never overwritten' });
      }
    }
  }

  for (const f of kustomizations) {
    const dir = path.posix.dirname(f);
    const wanted = (parseDocument(texts.get(f)!).toJS()?.resources ?? [])
      .map(String).filter((r: string) => !standIns.has(path.posix.join(dir, r)));
    entries.push(mergeKustomization(repo, f, texts.get(f)!, wanted, repoFiles, writes, objectsBelow));
  }

  // A directory the tree adds (a new namespace) is reached through its parent's kustomization
  // when the repository has one there (without one, Flux builds every directory below).
  const treeKustomized = new Set(kustomizations.map((k) => path.posix.dirname(k)));
  const parents = new Map<string, string[]>();
  for (const d of treeKustomized) {
    const parent = path.posix.dirname(d);
    if (parent === '.' || treeKustomized.has(parent) || repoFiles.some((r) => r.startsWith(`${d}/`))) continue;
    const existing = KUSTOMIZATION_FILES.map((n) => path.posix.join(parent, n)).find((p) => repoFiles.includes(p));
    if (existing) parents.set(existing, [...(parents.get(existing) ?? []), `./${path.posix.basename(d)}`]);
  }
  for (const [existing, added] of parents) entries.push(mergeInto(repo, existing, added, writes, objectsBelow));
  entries.push(...unreached(treeKustomized, repoFiles, declared, objectsBelow));

  for (const [target] of writes) {
    const why = leavesRepository(repo, target);
    if (why) entries.push({ path: path.relative(repo, target).split(path.sep).join('/'), action: 'refused', why });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { entries, writes, refused: entries.some((e) => e.action === 'refused') };
}

/** The kustomization of a directory: written when new, else the user's file gains the entries it lacks. */
function mergeKustomization(repo: string, f: string, text: string, wanted: string[], repoFiles: string[], writes: Map<string, string>,
  treeObjects: (treePath: string) => any[]): MergeEntry {
  const dir = path.posix.dirname(f);
  const existingName = KUSTOMIZATION_FILES.map((n) => path.posix.join(dir, n)).find((p) => repoFiles.includes(p));
  if (existingName === undefined) {
    const others = repoFiles.filter((r) => path.posix.dirname(r) === dir && isYamlFile(path.posix.basename(r)));
    if (others.length > 0) {
      return { path: f, action: 'refused', why: `the directory has no kustomization file, so Flux applies every file in it (${others.length}, e.g. ${others[0]}); one listing only the tree's files would drop them: add a kustomization.yaml that lists them first` };
    }
    const doc = parseDocument(text);
    const same = isDeepStrictEqual(doc.toJS()?.resources ?? [], wanted);
    if (!same) doc.set('resources', wanted);
    writes.set(path.join(repo, f), same ? text : doc.toString());
    return { path: f, action: 'wrote', why: 'new' };
  }
  return mergeInto(repo, existingName, wanted, writes, treeObjects);
}

/** The repository's kustomization file `existingName` gains the entries of `wanted` it lacks. */
function mergeInto(repo: string, existingName: string, wanted: string[], writes: Map<string, string>, treeObjects: (treePath: string) => any[]): MergeEntry {
  const dir = path.posix.dirname(existingName);
  const target = path.join(repo, existingName);
  const current = fs.readFileSync(target, 'utf8');
  const doc = parseDocument(current);
  const js = doc.errors.length === 0 ? doc.toJS() : undefined;
  if (!js || typeof js !== 'object' || (js.kind !== undefined && js.kind !== 'Kustomization') || (js.apiVersion !== undefined && !String(js.apiVersion).startsWith('kustomize.config.k8s.io/'))) {
    return { path: existingName, action: 'refused', why: `it is not a kustomize Kustomization that merge can add entries to (${doc.errors.length > 0 ? doc.errors[0].message.split('\n')[0] : `kind ${js?.kind}`})` };
  }
  const seq = doc.get('resources');
  if (seq !== undefined && !isSeq(seq)) return { path: existingName, action: 'refused', why: 'its resources is not a list' };
  const have = new Set((js.resources ?? []).map((r: unknown) => entryKey(String(r))));
  const added = wanted.filter((r) => !have.has(entryKey(r)));
  if (added.length === 0) return { path: existingName, action: 'kept', why: 'lists every entry of the tree already' };
  if (typeof js.namespace === 'string') {
    // kustomize's `namespace:` sets the namespace of every object the kustomization builds.
    const moved = added.flatMap((r) => treeObjects(path.posix.join(dir, r))).find((o) => typeof o.metadata?.namespace === 'string' && o.metadata.namespace !== js.namespace);
    if (moved) {
      return { path: existingName, action: 'refused', why: `it sets namespace: ${js.namespace}, which would move the tree's ${describe(moved)} into ${js.namespace}; the tree keeps its Flux objects in ${moved.metadata.namespace} (a FluxTree's fluxNamespace): merge it where the repository keeps them there too` };
    }
  }
  if (seq === undefined) doc.set('resources', added);
  else {
    // `resources: []` becomes a block list: one entry a line, as the rest of such a file.
    if (seq.items.length === 0) seq.flow = false;
    for (const r of added) seq.add(doc.createNode(r));
  }
  writes.set(target, (doc as Document).toString());
  return { path: existingName, action: 'merged', why: `+ ${added.join(', ')}` };
}

/**
 * New directories that no kustomization of the repository lists and no Flux Kustomization's path
 * holds: written, they would not be applied. The repository's paths are relative to the git root;
 * the tree's own Flux Kustomizations tell where the tree sits in it.
 */
function unreached(treeKustomized: Set<string>, repoFiles: string[], declared: Declared[], objectsBelow: (p: string) => any[]): MergeEntry[] {
  const isFluxKs = (o: any) => o?.kind === 'Kustomization' && String(o?.apiVersion ?? '').startsWith('kustomize.toolkit.fluxcd.io/') && typeof o?.spec?.path === 'string';
  const clean = (p: string) => path.posix.normalize(p.replace(/^\.\//, '')).replace(/\/$/, '');
  // Where the tree sits in the git repository: a tree Kustomization's path ends with its directory.
  let prefix: string | undefined;
  for (const o of objectsBelow('').filter(isFluxKs)) {
    const p = clean(o.spec.path);
    const dir = [...treeKustomized].find((d) => p === d || p.endsWith(`/${d}`));
    if (dir !== undefined) {
      prefix = p.slice(0, p.length - dir.length).replace(/\/$/, '');
      break;
    }
  }
  if (prefix === undefined) return [];
  // Paths the repository's Flux Kustomizations apply, and the tree's own (an app's directories).
  const reached = [...declared.filter((d) => isFluxKs(d.doc)).map((d) => d.doc), ...objectsBelow('').filter(isFluxKs)].map((o) => clean(o.spec.path));
  const notes: MergeEntry[] = [];
  for (const d of [...treeKustomized].sort()) {
    const parent = path.posix.dirname(d);
    const isNew = !repoFiles.some((r) => r.startsWith(`${d}/`));
    const listedByParent = treeKustomized.has(parent) || KUSTOMIZATION_FILES.some((n) => repoFiles.includes(path.posix.join(parent, n)));
    if (!isNew || listedByParent) continue;
    const git = prefix === '' ? d : `${prefix}/${d}`;
    if (!reached.some((p) => p === '.' || git === p || git.startsWith(`${p}/`))) {
      notes.push({ path: d, action: 'note', why: `no Flux Kustomization of the repository has a path that holds ./${git}, and no kustomization lists it: Flux will not apply it until one does` });
    }
  }
  return notes;
}

/** A kustomization entry as kustomize resolves it: `./a/` and `a` are one entry. */
function entryKey(entry: string): string {
  return path.posix.normalize(entry).replace(/\/$/, '');
}

/** Why writing `target` would leave the repository (through a symbolic link), or undefined. */
function leavesRepository(repo: string, target: string): string | undefined {
  let dir = path.dirname(target);
  while (!lstat(dir)) dir = path.dirname(dir);
  const real = fs.realpathSync(dir);
  const realRepo = fs.realpathSync(repo);
  const rel = path.relative(realRepo, real);
  return rel.startsWith('..') || path.isAbsolute(rel) ? `${dir} leads to ${real}, outside the repository (a symbolic link)` : undefined;
}

function isShared(doc: any): boolean {
  const group = String(doc?.apiVersion ?? '').split('/')[0];
  return (group === 'source.toolkit.fluxcd.io' && SHARED_SOURCES.includes(doc.kind)) || (doc?.kind === 'Namespace' && doc?.apiVersion === 'v1');
}

/** What makes the repository's declaration of a shared object a different one, or undefined. */
function sharedDifference(mine: any, theirs: any): string | undefined {
  if (mine.kind === 'Namespace') return undefined;
  for (const key of ['url', 'type', 'provider']) {
    const a = mine.spec?.[key];
    const b = theirs.spec?.[key];
    if (a !== undefined && (b ?? (key === 'type' ? 'default' : key === 'provider' ? 'generic' : undefined)) !== a) {
      return `spec.${key} ${JSON.stringify(b ?? null)} where the tree has ${JSON.stringify(a)}`;
    }
  }
  return undefined;
}

/** The repository's declaration of the object `doc`, outside the library's own files. */
function declaredElsewhere(declared: Declared[], doc: any, treeFile: string): Declared | undefined {
  const id = identity(doc);
  if (!id) return undefined;
  const all = declared.filter((d) => d.kind === id.kind && d.group === id.group && d.name === id.name && d.namespace === id.namespace);
  return all.find((d) => d.file !== treeFile) ?? all[0];
}

/**
 * Who an object is in the cluster, when its file says so: its kind and group, name and an explicit
 * namespace (an object without one gets its namespace from whoever applies it, so two such objects
 * are not compared). A Namespace is cluster-scoped.
 */
function identity(doc: any): { kind: string; group: string; name: string; namespace?: string } | undefined {
  if (!doc || typeof doc !== 'object' || typeof doc.kind !== 'string' || typeof doc.metadata?.name !== 'string') return undefined;
  const group = String(doc.apiVersion ?? '').includes('/') ? String(doc.apiVersion).split('/')[0] : '';
  if (doc.kind === 'Namespace') return { kind: doc.kind, group, name: doc.metadata.name };
  if (typeof doc.metadata.namespace !== 'string') return undefined;
  return { kind: doc.kind, group, name: doc.metadata.name, namespace: doc.metadata.namespace };
}

function describe(doc: any): string {
  return `${doc.kind} ${doc.metadata?.namespace ? `${doc.metadata.namespace}/` : ''}${doc.metadata?.name}`;
}

/** The objects of the repository's files without the mark, by identity. */
function declarations(repo: string, file: string): Declared[] {
  const text = readOr(path.join(repo, file));
  if (isMarked(text)) return [];
  let docs: any[];
  try {
    docs = parseAllDocuments(text).map((d) => (d.errors.length === 0 ? d.toJS() : undefined));
  } catch {
    return [];
  }
  return docs.flatMap((doc) => {
    const id = identity(doc);
    return id ? [{ file, ...id, doc }] : [];
  });
}

/** True when both texts hold the same objects (comments, key order and the mark aside). */
function sameObjects(a: string, b: string): boolean {
  if (b === '') return false;
  try {
    const docs = (t: string) => parseAllDocuments(t).map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
    return isDeepStrictEqual(docs(a), docs(b));
  } catch {
    return false;
  }
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** Every regular file below `root`, relative, `/`-separated, sorted; `.git` and dot directories skipped in a repository. */
function walk(root: string, skipDot: boolean): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (skipDot && (e.name.startsWith('.') || e.name === 'node_modules')) continue;
        visit(child);
      } else if (e.isFile()) {
        out.push(child);
      }
    }
  };
  visit('');
  return out.sort();
}

/**
 * Writes a planned merge: each file through a temporary file renamed into place.
 * @internal
 */
export function applyMerge(plan: MergePlan): void {
  if (plan.refused) throw new Error('a refused merge is never written');
  for (const [target, content] of plan.writes) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.cdk8s-multus-${process.pid}`);
    fs.writeFileSync(tmp, content, 'utf8');
    fs.renameSync(tmp, target);
  }
}

/** The report, one line per path: `wrote   path: why`. @internal */
export function mergeReport(plan: MergePlan): string {
  return plan.entries.map((e) => `${e.action.padEnd(7)} ${e.path}${e.why ? `: ${e.why}` : ''}\n`).join('');
}

/**
 * Runs `merge` with its arguments (after the command name) and returns the exit status.
 * @internal
 */
export function runMerge(args: string[], output: Output): number {
  if (args.includes('--help') || args.includes('-h')) {
    output.out(`${MERGE_USAGE}\n`);
    return 0;
  }
  const dryRun = args.includes('--dry-run');
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--dry-run');
  const dirs = args.filter((a) => !a.startsWith('-'));
  if (unknown.length > 0 || dirs.length !== 2) {
    output.err(`${unknown.length > 0 ? `unknown option ${unknown[0]}` : 'give the tree and the repository directory'}\n\n${MERGE_USAGE}\n`);
    return 2;
  }
  let plan: MergePlan;
  try {
    plan = planMerge(dirs[0], dirs[1]);
  } catch (e) {
    if (e instanceof MergeInputError) {
      output.err(`cdk8s-multus merge: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  output.out(mergeReport(plan));
  const count = (a: MergeAction) => plan.entries.filter((e) => e.action === a).length;
  const notes = count('note');
  const counts = `${count('wrote')} written, ${count('merged')} merged, ${count('kept')} kept, ${count('refused')} refused${notes > 0 ? `, ${notes} note${notes === 1 ? '' : 's'}` : ''}`;
  if (plan.refused) {
    output.err(`${counts}: nothing written, every refusal is listed above\n`);
    return 1;
  }
  if (dryRun) {
    output.err(`${counts}: dry run, nothing written\n`);
    return 0;
  }
  applyMerge(plan);
  output.err(`${counts}\n`);
  return 0;
}
