import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from '../errors';
import { TREE_FILE_MARK } from '../util/file-mark';
import { compare, unsafeCharacter } from '../util/strings';

// Pure helpers of the Flux repository tree: file names, kustomize files, path rules. Everything
// here works on plain manifests (what `ApiObject.toJson()` returns), so it is tested without
// cdk8s constructs.

/** The `apiVersion` of the kustomize files (`kustomization.yaml`) the tree writes. */
const KUSTOMIZE_API_VERSION = 'kustomize.config.k8s.io/v1beta1';

/**
 * The API group of the Flux source objects that are filed under `flux/repositories`.
 * @internal
 */
export const FLUX_SOURCE_GROUP = 'source.toolkit.fluxcd.io';

/**
 * File names the seed layout (and the public home-ops repositories it follows) uses for kinds
 * whose lower-cased name would read differently.
 */
const FILE_NAMES: Record<string, string> = {
  HelmRelease: 'helmrelease',
  HelmRepository: 'helmrepository',
  OCIRepository: 'ocirepository',
  GitRepository: 'gitrepository',
  NetworkAttachmentDefinition: 'network-attachment-definition',
  PersistentVolumeClaim: 'pvc',
  ConfigMap: 'configmap',
  ExternalSecret: 'externalsecret',
};

/**
 * One file of the tree, by its path relative to the output directory, as manifests.
 * @internal
 */
export interface TreeFile {
  readonly path: string;
  readonly docs: any[];
}

/** One file of the synthesized tree. */
export interface FluxTreeFile {
  /** Path relative to the output directory, with `/` separators, e.g. `kubernetes/main/apps/kube-system/multus/ks.yaml`. */
  readonly path: string;
  /** The file's YAML. */
  readonly content: string;
}

/**
 * The base name (without `.yaml`) of the file a manifest of `kind` is written to.
 * @internal
 */
export function kindFileName(kind: string): string {
  return FILE_NAMES[kind] ?? String(kind).toLowerCase();
}

// ---- The file-name mapper -------------------------------------------------------------------------
//
// Object names and kinds reach file names. The one mapper below turns them into names that are
// safe on every file system git checks out to, bounded, unique and deterministic:
//
// - only lower-case letters, digits, ".", "-" and "_", starting and ending with a letter or digit:
//   no "/", no "..", no control characters, no case that a case-insensitive file system would fold;
// - at most 255 bytes (NAME_MAX of Linux and macOS), so that two valid 253-character names still fit;
// - a name that had to be changed (another character, upper case, too long, a name kustomize
//   reserves) ends in a hash of what it stands for, so that two objects never share a file and the
//   same object always gets the same file.

/** The longest file name, in bytes (NAME_MAX). @internal */
export const MAX_FILE_NAME_BYTES = 255;
/** The longest path of a tree file relative to the output directory, in bytes. @internal */
export const MAX_TREE_PATH_BYTES = 1024;
/** The longest `clusterPath` or `pathPrefix`, in bytes: every file path of a tree then fits MAX_TREE_PATH_BYTES. @internal */
export const MAX_REPO_PATH_BYTES = 255;

const SAFE_STEM = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;
/** The names kustomize reads as a directory's kustomization file. */
const RESERVED_STEMS = ['kustomization'];
const HASH_LENGTH = 10;

/**
 * A safe, bounded file name `<stem><ext>` for `stem`, unique for `identity` (what the file holds):
 * `stem` itself when it is safe and fits, else its safe part shortened as needed, with a hash of
 * `identity`.
 * @internal
 */
export function safeFileName(stem: string, identity: string, ext = '.yaml'): string {
  const text = String(stem);
  const fits = Buffer.byteLength(text + ext, 'utf8') <= MAX_FILE_NAME_BYTES;
  if (SAFE_STEM.test(text) && fits && !RESERVED_STEMS.includes(text)) return text + ext;
  const hash = createHash('sha256').update(identity, 'utf8').digest('hex').slice(0, HASH_LENGTH);
  const room = MAX_FILE_NAME_BYTES - ext.length - HASH_LENGTH - 1;
  const safe = text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, room).replace(/[^a-z0-9]+$/, '');
  return `${safe === '' ? 'object' : safe}-${hash}${ext}`;
}

/**
 * The file a manifest is written to in its directory: `<kind>.yaml` when it is the only one of its
 * kind there, else `<kind>-<name>.yaml`, through `safeFileName`.
 * @internal
 */
export function objectFileName(manifest: any, alone: boolean): string {
  const kind = String(manifest?.kind);
  const name = String(manifest?.metadata?.name);
  const identity = JSON.stringify([manifest?.apiVersion, kind, manifest?.metadata?.namespace ?? null, alone ? null : name]);
  return safeFileName(alone ? kindFileName(kind) : `${kindFileName(kind)}-${name}`, identity);
}

/**
 * The file of a Flux source (`flux/repositories/helm/<name>.yaml`), through `safeFileName`.
 * @internal
 */
export function sourceFileName(manifest: any): string {
  const name = String(manifest?.metadata?.name);
  return safeFileName(name, JSON.stringify([manifest?.kind, manifest?.metadata?.namespace ?? null, name]));
}

/**
 * Refuses a file path of the tree that could leave the output directory or that a file system
 * refuses: relative, "/"-separated segments that are not empty, "." or "..", without "\\" or
 * characters YAML-safe text forbids, each at most 255 bytes, the whole at most 1024.
 * @internal
 */
export function checkTreeFilePath(field: string, value: string, scope?: IConstruct): void {
  const segments = typeof value === 'string' ? value.split('/') : [];
  const bad = typeof value !== 'string' || value === '' || path.posix.isAbsolute(value)
    || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || unsafeCharacter(s) !== undefined
      || Buffer.byteLength(s, 'utf8') > MAX_FILE_NAME_BYTES)
    || Buffer.byteLength(value, 'utf8') > MAX_TREE_PATH_BYTES;
  if (bad) {
    invalid({ field, value, hint: `a tree file is written at a relative path of plain segments (no "", ".", "..", "\\" or control characters), each of at most ${MAX_FILE_NAME_BYTES} bytes and ${MAX_TREE_PATH_BYTES} in all`, scope, problem: 'is not a safe tree path' });
  }
}

/**
 * Files one directory of objects: one file per kind (`helmrelease.yaml`), or, when a kind occurs
 * more than once, one file per object (`network-attachment-definition-iot.yaml`), plus the
 * `kustomization.yaml` that lists them. Objects of a kind are ordered by name, files by path, so
 * the output does not depend on the order constructs were created in.
 * @internal
 */
export function directoryFiles(dir: string, manifests: any[]): TreeFile[] {
  const byKind = new Map<string, any[]>();
  for (const m of manifests) {
    const list = byKind.get(m.kind) ?? [];
    list.push(m);
    byKind.set(m.kind, list);
  }
  const files: TreeFile[] = [];
  const taken = new Map<string, string>();
  for (const [kind, list] of byKind) {
    const base = kindFileName(kind);
    const sorted = [...list].sort((a, b) => compare(objectKey(a), objectKey(b)));
    for (let i = 1; i < sorted.length; i++) {
      if (objectKey(sorted[i]) === objectKey(sorted[i - 1])) {
        invalid({ field: `${dir}/${base}.yaml`, value: `${kind} ${objectKey(sorted[i])}`, hint: 'two objects of one kind carry the same namespace and name in one directory; give them different names', problem: 'is defined twice' });
      }
    }
    const named = sorted.length === 1
      ? [{ name: objectFileName(sorted[0], true), doc: sorted[0] }]
      : sorted.map((doc) => ({ name: objectFileName(doc, false), doc }));
    for (const { name, doc } of named) {
      const other = taken.get(name);
      if (other !== undefined) {
        invalid({ field: `${dir}/${name}`, value: `${kind} ${objectKey(doc)}`, hint: `the file name is already used by a ${other}; rename one of the objects`, problem: 'clashes' });
      }
      taken.set(name, kind);
      files.push({ path: `${dir}/${name}`, docs: [doc] });
    }
  }
  files.sort((a, b) => compare(a.path, b.path));
  files.push(kustomizationFile(dir, files.map((f) => `./${path.posix.basename(f.path)}`)));
  return files;
}

/**
 * A kustomize `kustomization.yaml` in `dir` listing `resources` (relative to `dir`), in order.
 * @internal
 */
export function kustomizationFile(dir: string, resources: string[]): TreeFile {
  return {
    path: `${dir}/kustomization.yaml`,
    docs: [{ apiVersion: KUSTOMIZE_API_VERSION, kind: 'Kustomization', resources }],
  };
}

/**
 * Merges Flux source objects that several installs declare (two apps from the `bjw-s` repository):
 * identical declarations are one object; differing ones with the same name are refused, because
 * only one file `<name>.yaml` can exist.
 * @internal
 */
export function mergeSources(manifests: any[]): any[] {
  const byName = new Map<string, any>();
  for (const m of manifests) {
    const key = `${m.kind}/${m.metadata?.namespace ?? ''}/${m.metadata?.name}`;
    const seen = byName.get(key);
    if (seen === undefined) {
      byName.set(key, m);
    } else if (JSON.stringify(seen) !== JSON.stringify(m)) {
      invalid({ field: `${m.kind}.${m.metadata?.name}`, value: m.spec, hint: `another ${m.kind} of that name is declared with ${JSON.stringify(seen.spec)}; declare the repository once (e.g. MultusChart.angelnu({ existingRepository: true })) or make both declarations equal`, problem: 'conflicts' });
    }
  }
  return [...byName.values()].sort((a, b) => compare(`${a.kind}/${a.metadata?.name}`, `${b.kind}/${b.metadata?.name}`));
}

/**
 * Checks a relative directory path inside the git repository (`kubernetes/main`): forward
 * slashes, no `.`/`..` segments, no leading or trailing slash. An empty path is allowed only when
 * `allowEmpty` (the repository root).
 * @internal
 */
export function checkRepoPath(field: string, value: string, allowEmpty: boolean, scope?: IConstruct): void {
  if (typeof value !== 'string') {
    invalid({ field, value, hint: 'give a directory relative to the git repository root, e.g. "kubernetes/main"', scope });
  }
  if (value === '') {
    if (!allowEmpty) invalid({ field, value, hint: 'give a directory relative to the git repository root, e.g. "kubernetes/main"', scope });
    return;
  }
  const segments = value.split('/');
  const bad = segments.some((s) => s === '' || s === '.' || s === '..' || !/^[A-Za-z0-9._-]+$/.test(s));
  if (bad) {
    invalid({ field, value, hint: 'give a relative directory of plain names separated by "/", without "./", "..", a leading or a trailing "/", e.g. "kubernetes/main"', scope });
  }
  if (Buffer.byteLength(value, 'utf8') > MAX_REPO_PATH_BYTES) {
    invalid({ field, value, hint: `give a directory of at most ${MAX_REPO_PATH_BYTES} characters: every file of the tree is written below it, and its paths must stay within what file systems and git checkouts take`, scope, problem: `is ${value.length} characters long` });
  }
}

/**
 * The `path` of a Flux Kustomization for a directory of the tree: `./` + the path from the git
 * repository root (Flux requires the `./` form).
 * @internal
 */
export function fluxPath(prefix: string, dir: string): string {
  return `./${prefix === '' ? dir : `${prefix}/${dir}`}`;
}

/**
 * Renders the documents of one file as YAML, with cdk8s's own serializer (YAML 1.1 quoting, so
 * values such as `on` or `yes` stay strings for the Kubernetes parser), after the mark of the
 * library's files.
 * @internal
 */
export function renderFile(file: TreeFile): string {
  return `${TREE_FILE_MARK}\n${Yaml.stringify(...file.docs)}`;
}


/** The order of a Flux Kustomization's spec keys in the seed plan (and the Flux docs); the rest follow alphabetically. */
const KUSTOMIZATION_SPEC_ORDER = ['targetNamespace', 'commonMetadata', 'dependsOn', 'path', 'prune', 'sourceRef', 'wait', 'healthChecks', 'interval', 'retryInterval', 'timeout'];

/**
 * A Flux Kustomization manifest with its spec keys in the order of the seed plan, so that a
 * `ks.yaml` reads like the hand-written one it replaces. Only key order changes.
 * @internal
 */
export function orderKustomizationSpec(doc: any): any {
  if (!doc?.spec) return doc;
  const rank = (k: string) => {
    const i = KUSTOMIZATION_SPEC_ORDER.indexOf(k);
    return i < 0 ? KUSTOMIZATION_SPEC_ORDER.length : i;
  };
  const keys = Object.keys(doc.spec).sort((a, b) => rank(a) - rank(b) || compare(a, b));
  const spec: Record<string, any> = {};
  for (const k of keys) spec[k] = doc.spec[k];
  return { ...doc, spec };
}

function objectKey(m: any): string {
  return `${m.metadata?.namespace ?? ''}/${m.metadata?.name ?? ''}`;
}
