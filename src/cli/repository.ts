import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isClusterScopedObject } from '../knowledge/kinds';
import { FluxContext, Location, Manifest } from '../rules/model';
import { GROUPS, isKind, isMap } from '../rules/values';
import { DirEntry, FileReader, KUSTOMIZATION_FILES, UnreadableInputError, isYamlFile } from './files';
import { BuiltObject, Kustomize, applyPatches, identity, transform } from './kustomize';
import { Position, keyPosition } from './positions';

// A Flux repository as the rulebook reads it: every Kubernetes object of every YAML file, each as
// it will be applied, with the Flux Kustomization that applies it. Flux Kustomizations are
// followed from their `spec.path` (relative to the repository root, found from where the
// Kustomization is written), their directories built as kustomize builds them, and `targetNamespace`,
// `patches`, `namePrefix`/`nameSuffix`, `components` and `postBuild.substitute` applied. A
// `${VAR}` that the input does not define stays as it is written.

/** The manifests of a repository, and what could not be read. @internal */
export interface Repository {
  readonly manifests: Manifest[];
  /** What the user should know: files skipped (SOPS-encrypted, not YAML), references not found. */
  readonly notes: string[];
  /** How many YAML files were read below the inputs. */
  readonly files: number;
  /** The absolute path of a manifest's file (`location.file` is relative to its input). */
  absolute(file: string): string;
  /** Where a finding's field is written: the line and column of its key. */
  position(location: Location, field: string): Position | undefined;
}

/** A Flux Kustomization document, and what it applies. */
interface FluxDoc {
  readonly object: BuiltObject;
  /** The directory it applies, when it lies inside the inputs. */
  dir?: string;
}

/** One instance of a document: how it is applied (a document can be applied by several Kustomizations). */
interface Instance {
  readonly built: BuiltObject;
  readonly object: any;
  readonly namespace?: string;
  readonly flux?: FluxContext;
  /** The Flux Kustomizations above, outermost first (document keys), against cycles. */
  readonly chain: string[];
}

/**
 * Reads the repositories below `inputs` (directories or files). An input that does not exist, or a
 * file below it that cannot be read, is an UnreadableInputError.
 * @internal
 */
export function loadRepository(inputs: string[], options: LoadOptions = {}): Repository {
  const roots = inputs.map((i) => path.resolve(i));
  // Paths are shown relative to the repository root: the `base` given, else the git work tree
  // that holds the first input, else each input itself.
  const base = options.base !== undefined ? path.resolve(options.base) : gitTopLevel(roots[0]);
  const shown = new Map<string, string>();
  const names = new Map<string, string>();
  const display = (file: string): string => {
    const known = names.get(file);
    if (known !== undefined) return known;
    const root = base !== undefined && (file === base || file.startsWith(base + path.sep)) ? base
      : roots.find((r) => file === r || file.startsWith(r + path.sep)) ?? roots[0];
    const rel = path.relative(root, file);
    const name = (rel === '' ? path.basename(file) : rel).split(path.sep).join('/');
    shown.set(name, file);
    names.set(file, name);
    return name;
  };
  const only = options.only?.map((f) => path.resolve(f));
  const reader = new FileReader(display, roots, only);

  // Every YAML file below the inputs (hidden directories and node_modules left out), each directory
  // once by its real path (a symlink loop ends), without recursion (any depth).
  const files: string[] = [];
  const seenDirs = new Set<string>();
  const scan = (top: string): void => {
    // Entries in name order, a directory's files and sub-directories interleaved (as a recursive
    // walk lists them), with a stack of open directories.
    const open = (dir: string): { entries: DirEntry[]; at: number } | undefined => {
      const real = reader.realDirectory(dir);
      if (real === undefined || seenDirs.has(real)) return undefined;
      seenDirs.add(real);
      const entries = reader.list(dir);
      if (!entries) throw new UnreadableInputError(`${display(dir)}: cannot be read`);
      return { entries, at: 0 };
    };
    const first = open(top);
    const stack = first ? [first] : [];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.at >= frame.entries.length) {
        stack.pop();
        continue;
      }
      const e = frame.entries[frame.at++];
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      if (e.type === 'directory') {
        const below = open(e.path);
        if (below) stack.push(below);
      } else if (e.type === 'file' && isYamlFile(e.name)) files.push(e.path);
      else if (e.type === 'other' && isYamlFile(e.name)) reader.text(e.path); // a FIFO, a device, a link outside: the reader's note
    }
  };
  for (const root of roots) {
    const type = reader.typeOf(root);
    if (type === 'directory') scan(root);
    else if (type === 'file' && reader.text(root, true) !== undefined) files.push(root);
    else if (type === 'other') throw new UnreadableInputError(`${display(root)}: not a regular file or a directory`);
    else throw new UnreadableInputError(`${display(root)}: no such file or directory`);
  }
  if (only !== undefined) {
    const allowed = new Set(only);
    files.splice(0, files.length, ...files.filter((f) => allowed.has(f)));
  }
  const inside = (p: string): boolean => reader.inside(p);

  const kustomize = new Kustomize(reader);
  const docs: BuiltObject[] = [];
  for (const file of files) {
    reader.yaml(file, true);
    if (!KUSTOMIZATION_FILES.includes(path.basename(file))) docs.push(...kustomize.documents(file));
  }

  // The directory each Flux Kustomization applies: its spec.path, relative to the root of the
  // repository. The root is the directory above the Kustomizations' files under which most of their
  // paths exist; only Kustomizations of a GitRepository are followed (an OCIRepository or a Bucket
  // holds other files), and only into directories inside the inputs.
  const fluxDocs = new Map<string, FluxDoc>();
  for (const d of docs) if (isKind(d.object, GROUPS.kustomize, 'Kustomization')) fluxDocs.set(d.key, { object: d });
  // An OCIRepository is the repository itself when a FluxInstance (Flux Operator) syncs the cluster
  // from it: its artifact is built from these files.
  const ownOci = new Set<string>();
  for (const d of docs) {
    if (d.object.kind !== 'FluxInstance' || !String(d.object.apiVersion).startsWith('fluxcd.controlplane.io/')) continue;
    const sync = d.object.spec?.sync;
    if (isMap(sync) && sync.kind === 'OCIRepository') ownOci.add(typeof sync.name === 'string' ? sync.name : d.object.metadata?.namespace ?? 'flux-system');
  }
  const relativePath = (k: any): string | undefined => {
    const p = k?.spec?.path;
    const source = k?.spec?.sourceRef?.kind;
    if (source !== undefined && source !== 'GitRepository' && !(source === 'OCIRepository' && ownOci.has(k?.spec?.sourceRef?.name))) return undefined;
    if (p === undefined) return '';
    return typeof p === 'string' && !p.includes('${') ? p.replace(/^\.?\/+/, '') : undefined;
  };
  const votes = new Map<string, number>();
  for (const f of fluxDocs.values()) {
    const relative = relativePath(f.object.object);
    if (relative === undefined || relative === '') continue;
    for (let at = path.dirname(f.object.file); ; at = path.dirname(at)) {
      const candidate = path.resolve(at, relative);
      if (inside(candidate) && reader.isDirectory(candidate)) votes.set(at, (votes.get(at) ?? 0) + 1);
      if (path.dirname(at) === at) break;
    }
  }
  const repositoryRoot = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  const dirOf = (k: any): string | undefined => {
    const relative = relativePath(k);
    if (relative === undefined || repositoryRoot === undefined) return undefined;
    const candidate = path.resolve(repositoryRoot, relative);
    // A path that leaves the checked directories gets the reader's note (when it exists at all).
    return reader.typeOf(candidate) === 'directory' ? candidate : undefined;
  };

  // What each Flux Kustomization applies, built once per directory.
  const appliedBy = new Map<string, string[]>();
  const applies = new Map<string, BuiltObject[]>();
  for (const [key, f] of fluxDocs) {
    f.dir = dirOf(f.object.object);
    if (f.dir === undefined) continue;
    const built = applyFluxSpec(kustomize, kustomize.build(f.dir), f.object.object.spec, f.dir);
    applies.set(key, built);
    for (const b of built) {
      const list = appliedBy.get(b.key);
      if (list) list.push(key);
      else appliedBy.set(b.key, [key]);
    }
  }

  // Kustomizations no Flux Kustomization reaches and no other kustomization lists: their objects are
  // applied as kustomize builds them, without Flux.
  const listed = new Set<string>();
  for (const file of files) {
    if (!KUSTOMIZATION_FILES.includes(path.basename(file))) continue;
    const k = reader.yaml(file)?.documents[0]?.value;
    if (!isMap(k)) continue;
    for (const ref of [...(Array.isArray(k.resources) ? k.resources : []), ...(Array.isArray(k.components) ? k.components : [])]) {
      if (typeof ref === 'string') listed.add(path.resolve(path.dirname(file), ref));
    }
  }
  const plain: BuiltObject[] = [];
  const covered = new Set<string>(appliedBy.keys());
  const placed = new Set<string>();
  for (const file of files) {
    const dir = path.dirname(file);
    if (!KUSTOMIZATION_FILES.includes(path.basename(file))) continue;
    if (kustomize.visited.has(dir) || listed.has(dir)) continue;
    for (const b of kustomize.build(dir)) {
      // A document two kustomizations place in two namespaces is two objects.
      if (appliedBy.has(b.key) || placed.has(identity(b))) continue;
      placed.add(identity(b));
      covered.add(b.key);
      plain.push(b);
    }
  }
  // Files no build reaches: applied as they are (`kubectl apply -f`), unless a kustomization in
  // their directory or above it (up to the input) leaves them out; then nothing applies them (an
  // app a namespace's kustomization.yaml no longer lists).
  const governed = new Map<string, boolean>();
  const isGoverned = (dir: string): boolean => {
    // Up the directories until one is known, a kustomization is found or the input ends.
    const path_: string[] = [];
    let answer: boolean | undefined;
    for (let at = dir; answer === undefined; at = path.dirname(at)) {
      answer = governed.get(at);
      if (answer !== undefined) break;
      path_.push(at);
      if (reader.kustomizationOf(at) !== undefined) answer = true;
      else if (path.dirname(at) === at || !inside(path.dirname(at))) answer = false;
    }
    for (const at of path_) governed.set(at, answer);
    return answer;
  };
  for (const d of docs) {
    if (covered.has(d.key) || isGoverned(path.dirname(d.file))) continue;
    covered.add(d.key);
    plain.push(d);
  }

  // Instances, top down: what nothing applies, then what each Kustomization instance applies.
  const instances: Instance[] = [];
  const queue: Instance[] = [];
  const instantiated = new Set<string>();
  const start = (b: BuiltObject): void => {
    instantiated.add(b.key);
    const inst: Instance = { built: b, object: b.object, namespace: b.namespace ?? b.object.metadata?.namespace, chain: [] };
    instances.push(inst);
    queue.push(inst);
  };
  plain.forEach(start);
  let next = 0;
  // Each Flux Kustomization (a document, in the namespace it lands in) is expanded once: a graph that
  // fans out is walked in time linear in its edges, not once per path through it.
  const expanded = new Set<string>();
  const drain = (): void => {
    while (next < queue.length) {
      const parent = queue[next++];
      const key = parent.built.key;
      const built = applies.get(key);
      if (!built || !fluxDocs.has(key) || parent.chain.includes(key)) continue;
      const once = `${key}@${parent.namespace ?? ''}/${parent.object.metadata?.name ?? ''}`;
      if (expanded.has(once)) continue;
      expanded.add(once);
      const ks = parent.object;
      const chain = [...parent.chain, key];
      const flux: FluxContext = {
        name: ks.metadata?.name,
        namespace: parent.namespace,
        targetNamespace: typeof ks.spec?.targetNamespace === 'string' ? ks.spec.targetNamespace : undefined,
        location: locationOf(parent.built, display),
        cluster: parent.flux ? parent.flux.cluster : clusterOf(parent, applies, fluxDocs),
      };
      const vars = substitutions(ks.spec?.postBuild);
      for (const b of built) {
        // A Kustomization that applies its own file (a cluster's root) is that one object.
        if (chain.includes(b.key)) continue;
        instantiated.add(b.key);
        const object = substitute(b.object, vars);
        const namespace = isClusterScopedObject(object) ? undefined : flux.targetNamespace ?? b.namespace ?? object.metadata?.namespace;
        const inst: Instance = { built: b, object, namespace, flux, chain };
        instances.push(inst);
        queue.push(inst);
      }
    }
  };
  drain();
  // What is applied only through a cycle (a root Kustomization that applies its own file) starts
  // at the cycle: follow the appliers up until one repeats.
  const topOf = (key: string): string => {
    const seen = new Set<string>();
    let at = key;
    while (!seen.has(at)) {
      seen.add(at);
      const up = (appliedBy.get(at) ?? []).find((k) => !instantiated.has(k));
      if (up === undefined) return at;
      at = up;
    }
    return at;
  };
  for (const key of fluxDocs.keys()) {
    if (instantiated.has(key) || !appliedBy.has(key)) continue;
    start(fluxDocs.get(topOf(key))!.object);
    drain();
  }

  const manifests = instances.map((i): Manifest => ({
    object: i.object,
    location: locationOf(i.built, display),
    ...(i.flux ? { flux: i.flux } : {}),
    namespace: isClusterScopedObject(i.object) ? undefined : i.namespace,
  }));
  return {
    manifests,
    notes: [...new Set(reader.notes)].sort(),
    files: files.length,
    absolute(file: string): string {
      return shown.get(file) ?? path.resolve(roots[0], file);
    },
    position(location: Location, field: string): Position | undefined {
      const file = location.file !== undefined ? shown.get(location.file) : undefined;
      const read = file !== undefined ? reader.readYaml(file) : undefined;
      return read && location.doc !== undefined ? keyPosition(read, location.doc, field) : undefined;
    },
  };
}

/** Options of loadRepository. @internal */
export interface LoadOptions {
  /** The directory paths are shown relative to (default: the git work tree of the first input). */
  readonly base?: string;
  /** The only files that may be read (the manifests a cdk8s synth produced); default: every file below the inputs. */
  readonly only?: string[];
}

/** The git work tree that holds `p` (a directory with `.git`), if any. */
function gitTopLevel(p: string): string | undefined {
  for (let at = p; ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, '.git'))) return at;
    if (path.dirname(at) === at) return undefined;
  }
}

function locationOf(b: BuiltObject, display: (file: string) => string): Location {
  return { file: display(b.file), doc: b.index };
}

/**
 * The cluster of what the outermost Kustomization of a chain applies: that Kustomization, when it
 * applies Flux Kustomizations itself (a cluster's root); `''` otherwise.
 */
function clusterOf(top: Instance, applies: Map<string, BuiltObject[]>, fluxDocs: Map<string, FluxDoc>): string {
  const appliesKustomizations = (applies.get(top.built.key) ?? []).some((b) => fluxDocs.has(b.key));
  return appliesKustomizations ? `${top.namespace ?? ''}/${top.object.metadata?.name}` : '';
}

/** The Flux Kustomization's own `patches`, `components`, `namePrefix`/`nameSuffix` over its build. */
function applyFluxSpec(kustomize: Kustomize, built: BuiltObject[], spec: any, dir: string): BuiltObject[] {
  if (!isMap(spec)) return built;
  let out = built;
  for (const ref of Array.isArray(spec.components) ? spec.components : []) {
    if (typeof ref === 'string') out = kustomize.component(path.resolve(dir, ref), out);
  }
  out = applyPatches(out, kustomize.patchesOf(dir, { patches: spec.patches, patchesJson6902: spec.patchesJson6902, patchesStrategicMerge: undefined }));
  return transform(out, { namePrefix: spec.namePrefix, nameSuffix: spec.nameSuffix });
}

/** Inline `postBuild.substitute` variables; `open` when `substituteFrom` may define more. */
function substitutions(postBuild: any): { vars: Record<string, string>; open: boolean } | undefined {
  if (!isMap(postBuild)) return undefined;
  const vars: Record<string, string> = {};
  if (isMap(postBuild.substitute)) {
    for (const [k, v] of Object.entries(postBuild.substitute)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') vars[k] = String(v);
  }
  return { vars, open: Array.isArray(postBuild.substituteFrom) && postBuild.substituteFrom.length > 0 };
}

/** What YAML reads `text` as, when that is a number or a boolean; the text itself otherwise. Each text read once. */
function typedScalar(text: string): string | number | boolean {
  let typed = TYPED.get(text);
  if (typed === undefined) {
    try {
      const value = parseYaml(text);
      typed = typeof value === 'number' || typeof value === 'boolean' ? value : text;
    } catch {
      typed = text;
    }
    TYPED.set(text, typed);
  }
  return typed;
}

/** typedScalar's answers: a repository substitutes a handful of values (ports, user ids) many times. */
const TYPED = new Map<string, string | number | boolean>();

/**
 * Text that YAML may read as a number or a boolean (a sign, a digit or a dot, a tag or an anchor
 * first, or a boolean word): only such text is parsed to find out; the rest stays a string.
 * @internal
 */
export const MAYBE_TYPED = /^\s*(?:[-+.0-9!&]|true\s*$|True\s*$|TRUE\s*$|false\s*$|False\s*$|FALSE\s*$)/;

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[=-]([^}]*))?\}/g;

/**
 * Flux's post-build substitution of the variables the input defines: `${VAR}`, `${VAR:=default}`
 * (the default only when no `substituteFrom` could define the variable), `$${VAR}` left alone. An
 * object can opt out (`kustomize.toolkit.fluxcd.io/substitute: disabled`).
 */
function substitute(object: any, subs: { vars: Record<string, string>; open: boolean } | undefined): any {
  if (!subs) return object;
  const off = 'kustomize.toolkit.fluxcd.io/substitute';
  if (object.metadata?.annotations?.[off] === 'disabled' || object.metadata?.labels?.[off] === 'disabled') return object;
  // Most objects hold no variable: one native scan of their JSON says so, and they stay as they are.
  if (!JSON.stringify(object).includes('${')) return object;
  const replace = (text: string): string => text.replace(VARIABLE, (match, name: string, fallback: string | undefined, offset: number, whole: string) => {
    if (offset > 0 && whole[offset - 1] === '$') return match;
    if (Object.prototype.hasOwnProperty.call(subs.vars, name)) return subs.vars[name];
    if (fallback !== undefined && !subs.open) return fallback;
    return match;
  });
  // The object itself when nothing changed: every level is copied only where a string below it changed.
  const walk = (value: any): any => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return value;
      const next = replace(value);
      if (next === value) return value;
      // A scalar that was the variable alone takes the type Flux's text substitution gives it (a
      // number or a boolean; text that starts otherwise stays a string, without parsing it).
      if (/^\$\{[^}]+\}$/.test(value) && MAYBE_TYPED.test(next)) return typedScalar(next);
      return next;
    }
    // Copied only where a string below changed: most objects hold no variable at all.
    if (Array.isArray(value)) {
      let out: any[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const next = walk(value[i]);
        if (next !== value[i]) (out ??= value.slice())[i] = next;
      }
      return out ?? value;
    }
    if (isMap(value)) {
      let out: Record<string, any> | undefined;
      for (const k of Object.keys(value)) {
        const next = walk(value[k]);
        if (next !== value[k]) {
          out ??= { ...value };
          // defineProperty, not assignment: a key named __proto__ stays a key.
          Object.defineProperty(out, k, { value: next, enumerable: true, writable: true, configurable: true });
        }
      }
      return out ?? value;
    }
    return value;
  };
  return walk(object);
}

