import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

// Reading a repository's YAML: every file once, every document of it, SOPS-encrypted files and
// documents that are not YAML set aside with a note. Paths are absolute inside; what is printed is
// relative to the directory the user named.

/** Input that cannot be read at all (a missing directory, a file without read permission). @internal */
export class UnreadableInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableInputError';
  }
}

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
  /** True when the file is SOPS-encrypted (a top-level `sops` map): its documents are not read. */
  readonly encrypted: boolean;
}

/** The names kustomize reads a directory's kustomization from. @internal */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** True for a YAML file by its name. @internal */
export function isYamlFile(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml') || name === 'Kustomization';
}

/** Reads files and directories once each, and collects notes for the user. @internal */
export class FileReader {
  public readonly notes: string[] = [];
  private readonly files = new Map<string, YamlFile | undefined>();
  private readonly texts = new Map<string, string | undefined>();
  private readonly dirs = new Map<string, fs.Dirent[] | undefined>();

  /** @param display how a path is shown in notes */
  constructor(private readonly display: (file: string) => string) {}

  /** The entries of a directory (sorted), or undefined when it is none or cannot be read. */
  public list(dir: string): fs.Dirent[] | undefined {
    if (!this.dirs.has(dir)) {
      let entries: fs.Dirent[] | undefined;
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch {
        entries = undefined;
      }
      this.dirs.set(dir, entries);
    }
    return this.dirs.get(dir);
  }

  /** True iff `p` is a directory. */
  public isDirectory(p: string): boolean {
    return this.list(p) !== undefined;
  }

  /** The kustomization file of a directory, if it has one. */
  public kustomizationOf(dir: string): string | undefined {
    const entries = this.list(dir);
    const found = entries?.find((e) => e.isFile() && KUSTOMIZATION_FILES.includes(e.name));
    return found ? path.join(dir, found.name) : undefined;
  }

  /**
   * The text of a file, or undefined when it cannot be read. With `required`, a file that exists but
   * cannot be read is an UnreadableInputError (the user named it, or a directory holding it).
   */
  public text(file: string, required = false): string | undefined {
    if (!this.texts.has(file)) {
      let text: string | undefined;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (required && code !== 'ENOENT') throw new UnreadableInputError(`${this.display(file)}: cannot be read (${code ?? (e as Error).message})`);
        text = undefined;
      }
      this.texts.set(file, text);
    }
    return this.texts.get(file);
  }

  /** The YAML documents of a file; undefined when it cannot be read. */
  public yaml(file: string, required = false): YamlFile | undefined {
    if (!this.files.has(file)) this.files.set(file, this.parse(file, required));
    return this.files.get(file);
  }

  private parse(file: string, required: boolean): YamlFile | undefined {
    const text = this.text(file, required);
    if (text === undefined) {
      if (!required) this.notes.push(`${this.display(file)}: referenced, but cannot be read`);
      return undefined;
    }
    const documents: YamlDocument[] = [];
    let encrypted = false;
    let broken = 0;
    let index = 0;
    for (const doc of parseDocuments(text)) {
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
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as any).sops === 'object' && (value as any).sops !== null) {
        encrypted = true;
        continue;
      }
      if (value !== null && value !== undefined) documents.push({ file, index: at, value });
    }
    if (encrypted) this.notes.push(`${this.display(file)}: SOPS-encrypted, skipped`);
    if (broken > 0) this.notes.push(`${this.display(file)}: ${broken === 1 ? 'a document is' : `${broken} documents are`} not valid YAML (a template?), skipped`);
    return { file, documents: encrypted ? [] : documents, encrypted };
  }
}

const OPTIONS = { uniqueKeys: false, logLevel: 'error' } as const;

/** An alias used as a mapping key (`*app:`), which YAML 1.2 reads as the alias `app:`. */
const ALIAS_KEY = /^(\s*(?:-\s+)?)\*([A-Za-z0-9_-]+):(?=\s|$)/gm;

/**
 * The documents of a file, as Flux reads them. Go's YAML parser ends an alias at the first
 * character that cannot be in a plain name, so `*app:` is the alias `app` as a key; YAML 1.2 (and
 * this parser) reads the alias `app:`, which does not exist. A file that fails only for that is
 * read again with a space before the colon.
 */
function parseDocuments(text: string): ReturnType<typeof parseAllDocuments> {
  const docs = parseAllDocuments(text, OPTIONS);
  if (!Array.from(docs).some((d) => d.errors.length > 0) || !ALIAS_KEY.test(text)) return docs;
  ALIAS_KEY.lastIndex = 0;
  const again = parseAllDocuments(text.replace(ALIAS_KEY, '$1*$2 :'), OPTIONS);
  return Array.from(again).some((d) => d.errors.length > 0) ? docs : again;
}
