import * as fs from 'node:fs';
import * as path from 'node:path';
import { Document, LineCounter, parseAllDocuments } from 'yaml';
import { once } from '../util/once';

// Reading a repository's YAML: every file once, every document of it, SOPS-encrypted files and
// documents that are not YAML set aside with a note. Nothing outside the directories the user named
// is read: every path is resolved (symlinks included) and must stay inside them, as kustomize's
// default load restrictor and Flux's source packaging demand; only regular files up to a size cap
// are read (a FIFO or a device listed by a hostile kustomization never blocks or fills memory).
// Paths are absolute inside; what is printed is relative to the repository root.

/** Input that cannot be read at all (a missing directory, a file without read permission). @internal */
export class UnreadableInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableInputError';
  }
}

/** The largest file read, in bytes: far above any manifest, far below what exhausts memory. @internal */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** One YAML document of a file. @internal */
export interface YamlDocument {
  /** Absolute path of the file. */
  readonly file: string;
  /** Index of the document in the file, from 0. */
  readonly index: number;
  readonly value: unknown;
}

/** A file, read. @internal */
export interface YamlFile {
  readonly file: string;
  readonly documents: YamlDocument[];
  /** True when the file is SOPS-encrypted (a top-level `sops` map): only each object's kind and name are read. */
  readonly encrypted: boolean;
  /**
   * The parsed documents with their source positions, by index, and the file's lines (for a
   * finding's line and column). Parsed again when first asked: only the few files with a finding
   * need them, and keeping every document's syntax tree for the whole run would double the memory.
   */
  source(): YamlSource;
}

/** The parsed documents of a file, with their source positions. @internal */
export interface YamlSource {
  readonly parsed: ReadonlyArray<Document.Parsed>;
  readonly lines: LineCounter;
}

/** `YamlFile.source` of `text`: parsed on first use, then kept. */
function lazySource(text: string | undefined): () => YamlSource {
  return once(() => {
    try {
      const { docs, lines } = text === undefined ? { docs: [], lines: new LineCounter() } : parseDocuments(text);
      return { parsed: docs, lines };
    } catch {
      return { parsed: [], lines: new LineCounter() };
    }
  });
}

/** The names kustomize reads a directory's kustomization from. @internal */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** True for a YAML file by its name. @internal */
export function isYamlFile(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml') || name === 'Kustomization';
}

/** What a path is, once resolved inside the roots. @internal */
export type Entry = 'file' | 'directory' | 'other';

/** A directory entry: its name, its path as written, and what it resolves to. @internal */
export interface DirEntry {
  readonly name: string;
  readonly path: string;
  readonly type: Entry;
}

function within(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** Reads files and directories once each, inside `roots` only, and collects notes for the user. @internal */
export class FileReader {
  public readonly notes: string[] = [];
  private readonly files = new Map<string, YamlFile | undefined>();
  private readonly texts = new Map<string, string | undefined>();
  private readonly dirs = new Map<string, DirEntry[] | undefined>();
  private readonly resolved = new Map<string, { real?: string; type?: Entry; outside?: true }>();
  private readonly roots: string[];
  private readonly reals = new Map<string, string>();
  /** The names in each directory listed, by its real path. */
  private readonly listed = new Map<string, Set<string>>();

  private readonly only?: ReadonlySet<string>;

  /**
   * @param display how a path is shown in notes
   * @param roots the directories (or files) that may be read, absolute; anything that resolves
   * outside them is not read
   * @param only when given, the only files that may be read
   */
  constructor(private readonly display: (file: string) => string, roots: string[], only?: string[]) {
    this.only = only ? new Set(only.map((f) => path.resolve(f))) : undefined;
    this.roots = roots.map((r) => {
      try {
        return fs.realpathSync.native(r);
      } catch {
        return path.resolve(r);
      }
    });
  }

  /** How a path is shown to the user. */
  public shown(p: string): string {
    return this.display(p);
  }

  /** True iff the path, resolved, lies inside the roots (a missing path: its written form). */
  public inside(p: string): boolean {
    const real = this.resolve(p).real ?? p;
    return this.roots.some((r) => within(real, r));
  }

  /**
   * Resolves `p` (symlinks included). A path that exists but resolves outside the roots gets a
   * note and no type: it is never read.
   */
  private resolve(p: string): { real?: string; type?: Entry; outside?: true } {
    let r = this.resolved.get(p);
    if (r === undefined) {
      try {
        const real = this.realpath(p);
        if (real === undefined) {
          r = {};
        } else if (!this.roots.some((root) => within(real, root))) {
          r = { real, outside: true };
        } else {
          const stat = fs.statSync(real);
          r = { real, type: stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other' };
        }
      } catch {
        r = {};
      }
      this.resolved.set(p, r);
    }
    return r;
  }

  /**
   * The real path of `p`: each directory's real path is kept, so a path below one costs one lstat
   * (and a realpath only where an entry is a symlink), whatever its depth. Undefined when a
   * directory listed before has no such entry (a path that is missing costs no system call).
   */
  private realpath(p: string): string | undefined {
    const missing: string[] = [];
    let at = path.resolve(p);
    while (!this.reals.has(at)) {
      const parent = path.dirname(at);
      if (parent === at) {
        this.reals.set(at, fs.realpathSync.native(at));
        break;
      }
      missing.push(at);
      at = parent;
    }
    for (let i = missing.length - 1; i >= 0; i--) {
      const written = missing[i];
      const parent = this.reals.get(path.dirname(written))!;
      if (this.listed.get(parent)?.has(path.basename(written)) === false) return undefined;
      const joined = path.join(parent, path.basename(written));
      // Throws (ENOENT) for a missing path, as realpath does.
      this.reals.set(written, fs.lstatSync(joined).isSymbolicLink() ? fs.realpathSync.native(joined) : joined);
    }
    return this.reals.get(path.resolve(p))!;
  }

  /** What `p` is inside the roots, or undefined when it is missing or outside (with a note: it was asked for). */
  public typeOf(p: string): Entry | undefined {
    const r = this.resolve(p);
    if (r.outside) this.notes.push(`${this.display(p)}: resolves outside the checked directories, not read`);
    return r.type;
  }

  /** The entries of a directory (sorted), or undefined when it is none, is outside the roots or cannot be read. */
  public list(dir: string): DirEntry[] | undefined {
    if (!this.dirs.has(dir)) {
      let entries: DirEntry[] | undefined;
      this.typeOf(dir);
      const r = this.resolve(dir);
      if (r.type === 'directory') {
        try {
          const real = r.real!;
          const dirents = fs.readdirSync(real, { withFileTypes: true });
          this.listed.set(real, new Set(dirents.map((e) => e.name)));
          entries = dirents
            .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
            .map((e) => {
              const p = path.join(dir, e.name);
              // An entry that is no symlink lies where its directory does: what it is, the listing
              // says (no lstat, no stat); a symlink is resolved as any path is.
              if (!e.isSymbolicLink() && !this.resolved.has(p)) {
                const entryReal = path.join(real, e.name);
                this.reals.set(path.resolve(p), entryReal);
                this.resolved.set(p, { real: entryReal, type: e.isFile() ? 'file' : e.isDirectory() ? 'directory' : 'other' });
              }
              return { name: e.name, path: p, type: this.typeOf(p) ?? 'other' };
            });
        } catch {
          entries = undefined;
        }
      }
      this.dirs.set(dir, entries);
    }
    return this.dirs.get(dir);
  }

  /** True iff `p` is a directory inside the roots. */
  public isDirectory(p: string): boolean {
    return this.typeOf(p) === 'directory';
  }

  /** The real path of a directory inside the roots (to visit a directory reached by two names once). */
  public realDirectory(p: string): string | undefined {
    const r = this.resolve(p);
    return r.type === 'directory' ? r.real : undefined;
  }

  /** The kustomization file of a directory, if it has one. */
  public kustomizationOf(dir: string): string | undefined {
    const entries = this.list(dir);
    const found = entries?.find((e) => e.type === 'file' && KUSTOMIZATION_FILES.includes(e.name) && (this.only === undefined || this.only.has(path.resolve(e.path))));
    return found?.path;
  }

  /**
   * The text of a file, or undefined when it cannot be read: missing, outside the roots, not a
   * regular file, larger than MAX_FILE_BYTES (each with a note but missing). With `required`, a
   * file that exists inside the roots but cannot be read is an UnreadableInputError (the user named
   * it, or a directory holding it).
   */
  public text(file: string, required = false): string | undefined {
    if (!this.texts.has(file)) this.texts.set(file, this.read(file, required));
    return this.texts.get(file);
  }

  private read(file: string, required: boolean): string | undefined {
    // With a list of files (the manifests of a synth), any other file is left unread, silently.
    if (this.only !== undefined && !this.only.has(path.resolve(file))) return undefined;
    this.typeOf(file);
    const r = this.resolve(file);
    if (r.type === undefined) return undefined;
    if (r.type !== 'file') {
      this.notes.push(`${this.display(file)}: not a regular file, not read`);
      return undefined;
    }
    let fd: number | undefined;
    try {
      // O_NONBLOCK: a file swapped for a FIFO after the check above still never blocks.
      fd = fs.openSync(r.real!, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) {
        this.notes.push(`${this.display(file)}: not a regular file, not read`);
        return undefined;
      }
      if (stat.size > MAX_FILE_BYTES) {
        this.notes.push(`${this.display(file)}: larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB, not read`);
        return undefined;
      }
      // A regular file within the cap: read whole, in one call (Node reads UTF-8 text natively).
      return fs.readFileSync(fd, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (required && code !== 'ENOENT') throw new UnreadableInputError(`${this.display(file)}: cannot be read (${code ?? (e as Error).message})`);
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  /** The YAML documents of a file; undefined when it cannot be read. */
  public yaml(file: string, required = false): YamlFile | undefined {
    if (!this.files.has(file)) this.files.set(file, this.parse(file, required));
    return this.files.get(file);
  }

  /** The YAML documents of a file already read, without reading it. */
  public readYaml(file: string): YamlFile | undefined {
    return this.files.get(file);
  }

  private parse(file: string, required: boolean): YamlFile | undefined {
    const text = this.text(file, required);
    if (text === undefined) {
      if (!required && (this.only === undefined || this.only.has(path.resolve(file))) && this.typeOf(file) !== 'other' && this.inside(file)) this.notes.push(`${this.display(file)}: referenced, but cannot be read`);
      return undefined;
    }
    const documents: YamlDocument[] = [];
    const sealed: YamlDocument[] = [];
    let encrypted = false;
    let broken = 0;
    let index = 0;
    const mayAlias = ALIAS.test(text);
    let looped = 0;
    let parsed: Document.Parsed[];
    try {
      ({ docs: parsed } = parseDocuments(text, false));
    } catch {
      // A document nested deeper than the parser's stack: not YAML this command can read.
      this.notes.push(`${this.display(file)}: cannot be parsed (nested too deeply?), skipped`);
      return { file, documents: [], encrypted: false, source: lazySource(undefined) };
    }
    for (const doc of parsed) {
      const at = index++;
      if (doc.errors.length > 0) {
        broken++;
        continue;
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 1000 });
      } catch {
        broken++;
        continue;
      }
      // An alias inside the node it names (`a: &x {b: *x}`) is a loop: go-yaml refuses it ("anchor
      // 'x' value contains itself"), and no reader below could walk it. Only text with an alias
      // can hold one.
      if (mayAlias && containsItself(value)) {
        looped++;
        continue;
      }
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as any).sops === 'object' && (value as any).sops !== null) {
        // The object exists in the cluster (Flux decrypts it): its kind and name are kept, its
        // content is not read.
        encrypted = true;
        const { apiVersion, kind, metadata } = value as any;
        if (typeof apiVersion === 'string' && typeof kind === 'string' && typeof metadata?.name === 'string' && !metadata.name.startsWith('ENC[')) {
          sealed.push({ file, index: at, value: { apiVersion, kind, metadata: { name: metadata.name, ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}) } } });
        }
        continue;
      }
      if (value !== null && value !== undefined) documents.push({ file, index: at, value });
    }
    if (encrypted) this.notes.push(`${this.display(file)}: SOPS-encrypted, skipped`);
    if (looped > 0) this.notes.push(`${this.display(file)}: ${looped === 1 ? 'a document holds an alias' : `${looped} documents hold an alias`} inside the node it names (go-yaml refuses the loop), skipped`);
    if (broken > 0) this.notes.push(`${this.display(file)}: ${broken === 1 ? 'a document is' : `${broken} documents are`} not valid YAML (a template?), skipped`);
    return { file, documents: encrypted ? sealed : documents, encrypted, source: lazySource(text) };
  }
}

/**
 * An alias as YAML writes one (`*name` after a space, a line start or a flow indicator): a file
 * without one holds no loop. Globs and cron schedules are mostly quoted, and matching one anyway
 * only costs the walk.
 */
const ALIAS = /(?:^|[\s,[{:])\*[^\s,[\]{}]/m;

/** True iff a map or list holds itself, at any depth (iterative: any depth, no recursion). */
function containsItself(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  // Depth-first, with the path from the root: an object met again on its own path is a loop; one
  // met again elsewhere is an alias used twice, which is fine, and one explored to its end holds no
  // loop and is not walked again (an alias used many times costs one walk).
  const onPath = new Set<object>();
  const done = new Set<object>();
  const stack: Array<{ node: object; children?: unknown[]; at: number }> = [{ node: value, at: 0 }];
  onPath.add(value);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    frame.children ??= Array.isArray(frame.node) ? frame.node : Object.values(frame.node);
    if (frame.at >= frame.children.length) {
      onPath.delete(frame.node);
      done.add(frame.node);
      stack.pop();
      continue;
    }
    const child = frame.children[frame.at++];
    if (typeof child !== 'object' || child === null || done.has(child)) continue;
    if (onPath.has(child)) return true;
    onPath.add(child);
    stack.push({ node: child, at: 0 });
  }
  return false;
}

const OPTIONS = { uniqueKeys: false, logLevel: 'error' } as const;

/** An alias used as a mapping key (`*app:`), which YAML 1.2 reads as the alias `app:`. */
const ALIAS_KEY = /^(\s*(?:-\s+)?)\*([A-Za-z0-9_-]+):(?=\s|$)/gm;

/**
 * The documents of a file, as Flux reads them. Go's YAML parser ends an alias at the first
 * character that cannot be in a plain name, so `*app:` is the alias `app` as a key; YAML 1.2 (and
 * this parser) reads the alias `app:`, which does not exist. A file that fails only for that is
 * read again with a space before the colon (one more character on that line: columns after it
 * shift by one, lines do not).
 */
function parseDocuments(text: string, withLines = true): { docs: Document.Parsed[]; lines: LineCounter } {
  // The lines are counted only when a finding's position is asked for (YamlFile.source).
  const lines = new LineCounter();
  const docs = Array.from(parseAllDocuments(text, withLines ? { ...OPTIONS, lineCounter: lines } : OPTIONS)) as Document.Parsed[];
  if (!docs.some((d) => d.errors.length > 0) || !ALIAS_KEY.test(text)) return { docs, lines };
  ALIAS_KEY.lastIndex = 0;
  const again = new LineCounter();
  const redone = Array.from(parseAllDocuments(text.replace(ALIAS_KEY, '$1*$2 :'), withLines ? { ...OPTIONS, lineCounter: again } : OPTIONS)) as Document.Parsed[];
  return redone.some((d) => d.errors.length > 0) ? { docs, lines } : { docs: redone, lines: again };
}
