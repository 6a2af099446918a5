import * as crypto from 'node:crypto'; // its types only: loaded by the first generator (see loadCrypto)
import * as path from 'node:path';
import * as re2js from 're2js'; // its types only: loaded by the first pattern that is not a literal (see loadRe2js)
import { parse as parseYaml } from 'yaml';
import { isClusterScopedObject } from '../knowledge/kinds';
import { isMap } from '../rules/values';
import { once } from '../util/once';
import { FileReader, isYamlFile } from './files';

// What kustomize (and Flux's kustomize-controller, which generates a kustomization.yaml where a
// directory has none) builds from a directory: the documents of the files it lists, its
// components, its generated ConfigMaps and Secrets, with its patches, transformers, name prefixes,
// replica counts and namespace applied. Remote resources (named in a note) and Helm chart inflation
// are left out. The result only says which object is applied how; nothing is ever written.
// Every file is read through the FileReader, which reads nothing outside the checked directories.

/** One object a build yields. @internal */
export interface BuiltObject {
  /** `file#index`: the document the object comes from. */
  readonly key: string;
  readonly file: string;
  readonly index: number;
  readonly object: any;
  /** The namespace a kustomization sets (`namespace:`), overriding the object's own. */
  readonly namespace?: string;
  /** A generated ConfigMap or Secret whose name gets kustomize's content hash at the end of the build. */
  readonly hashed?: boolean;
}

/**
 * How deep kustomizations (resources, components, directories walked) may nest. Real repositories
 * nest a handful of levels; a chain deeper than this is cut with a note instead of exhausting the
 * stack. @internal
 */
export const MAX_NESTING = 64;

/** True iff a document is a Kubernetes object (and not a kustomize config). @internal */
export function isObject(value: unknown): value is Record<string, any> {
  return isMap(value) && typeof value.apiVersion === 'string' && typeof value.kind === 'string'
    && !value.apiVersion.startsWith('kustomize.config.k8s.io/');
}

function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** Builds directories the way kustomize does, each once. @internal */
export class Kustomize {
  /** Every directory some build read (a kustomization's resources, components, Flux's walk). */
  public readonly visited = new Set<string>();
  private readonly builds = new Map<string, BuiltObject[]>();
  private readonly building = new Set<string>();
  private depth = 0;

  /** Each patch, replacement and transformer text parsed once (a component's patches apply in many builds). */
  private readonly texts = new Map<string, unknown>();

  constructor(private readonly reader: FileReader) {}

  /** A YAML text (a patch, a replacement, a transformer config) as a fresh value; undefined when it is not YAML. */
  private parseText(text: string): unknown {
    if (!this.texts.has(text)) {
      let value: unknown;
      try {
        value = parseYaml(text);
      } catch {
        value = undefined;
      }
      this.texts.set(text, value);
    }
    // A copy: what a patch adds becomes part of the objects it patches.
    return clone(this.texts.get(text));
  }

  /** True when one more level would nest deeper than MAX_NESTING (and a note says so). */
  private tooDeep(dir: string): boolean {
    if (this.depth < MAX_NESTING) return false;
    this.reader.notes.push(`${this.reader.shown(dir)}: kustomizations nested more than ${MAX_NESTING} levels deep, not followed further`);
    return true;
  }

  /**
   * The objects of a directory, as `kustomize build` prints them: generated names carry the
   * content hash, and the references to them (a HelmRelease's valuesFrom, a pod's volumes and
   * env) are renamed with them.
   */
  public build(dir: string): BuiltObject[] {
    const objects = this.buildOnce(dir);
    return this.depth === 0 ? withHashes(objects) : objects;
  }

  /** The objects of a directory before names are hashed, built once. */
  private buildOnce(dir: string): BuiltObject[] {
    const done = this.builds.get(dir);
    if (done) return done;
    if (this.building.has(dir)) return []; // a cycle: kustomize refuses it too
    if (this.tooDeep(dir)) return [];
    this.building.add(dir);
    this.visited.add(dir);
    this.depth++;
    try {
      const kustomization = this.reader.kustomizationOf(dir);
      const objects = kustomization ? this.fromKustomization(dir, kustomization) : this.walk(dir);
      const unique = dedupe(objects);
      this.builds.set(dir, unique);
      return unique;
    } finally {
      this.depth--;
      this.building.delete(dir);
    }
  }

  /** The objects of the files of a directory, or of a file. */
  public documents(file: string): BuiltObject[] {
    const read = this.reader.yaml(file);
    if (!read) return [];
    const out: BuiltObject[] = [];
    for (const d of read.documents) {
      if (!isObject(d.value)) continue;
      if (d.value.kind === 'List' && Array.isArray(d.value.items)) {
        d.value.items.filter(isObject).forEach((item: any, i: number) => out.push({ key: `${file}#${d.index}.${i}`, file, index: d.index, object: item }));
      } else {
        out.push({ key: `${file}#${d.index}`, file, index: d.index, object: d.value });
      }
    }
    return out;
  }

  /** Flux's generated kustomization: every manifest below, and each sub-directory with a kustomization as a whole. */
  private walk(dir: string): BuiltObject[] {
    const out: BuiltObject[] = [];
    for (const entry of this.reader.list(dir) ?? []) {
      if (entry.name.startsWith('.')) continue;
      if (entry.type === 'directory') {
        if (this.reader.kustomizationOf(entry.path)) out.push(...this.build(entry.path));
        else if (!this.tooDeep(entry.path)) {
          this.visited.add(entry.path);
          this.depth++;
          try {
            out.push(...this.walk(entry.path));
          } finally {
            this.depth--;
          }
        }
      } else if (entry.type === 'file' && isYamlFile(entry.name)) {
        out.push(...this.documents(entry.path));
      }
    }
    return out;
  }

  /** The local references of a list (`resources:`, `components:`), remote ones named in a note. */
  private local(dir: string, file: string, refs: unknown): string[] {
    const out: string[] = [];
    for (const ref of list(refs)) {
      if (typeof ref !== 'string') continue;
      if (isRemote(ref)) this.reader.notes.push(`${this.reader.shown(file)}: not checked: remote ${ref}`);
      else out.push(path.resolve(dir, ref));
    }
    return out;
  }

  private fromKustomization(dir: string, file: string): BuiltObject[] {
    const k = this.reader.yaml(file)?.documents[0]?.value;
    if (!isMap(k)) return [];
    let objects: BuiltObject[] = [];
    for (const ref of this.local(dir, file, [...list(k.resources), ...list(k.bases)])) objects.push(...this.resource(ref));
    objects.push(...this.generate(dir, file, k));
    for (const ref of this.local(dir, file, k.components)) objects = this.component(ref, objects);
    return this.finish(dir, file, k, objects);
  }

  /** What a kustomization does to what it gathered: patches, its own transforms, then `transformers:`. */
  private finish(dir: string, file: string, k: Record<string, any>, objects: BuiltObject[]): BuiltObject[] {
    let out = applyPatches(objects, this.patchesOf(dir, k));
    out = transform(out, k);
    out = applyReplacements(out, this.replacementsOf(dir, k));
    for (const config of this.transformersOf(dir, file, k)) out = this.applyTransformer(out, config, file);
    return out;
  }

  /**
   * A kustomization's resource: a file, or a directory with a kustomization of its own (kustomize
   * builds nothing else, so a reference never walks a directory tree such as `../../..`).
   */
  private resource(p: string): BuiltObject[] {
    const type = this.reader.typeOf(p);
    if (type === 'file') return this.documents(p);
    if (type === 'directory') return this.reader.kustomizationOf(p) ? this.build(p) : [];
    this.reader.yaml(p); // missing or not a regular file: the reader's note
    return [];
  }

  /** A Component adds its resources and generators, and its patches apply to everything so far. */
  public component(dir: string, objects: BuiltObject[]): BuiltObject[] {
    if (this.building.has(dir)) return objects;
    const file = this.reader.kustomizationOf(dir);
    this.visited.add(dir);
    const k = file ? this.reader.yaml(file)?.documents[0]?.value : undefined;
    if (!file || !isMap(k)) return objects;
    if (this.tooDeep(dir)) return objects;
    this.building.add(dir);
    this.depth++;
    try {
      let out = [...objects];
      for (const ref of this.local(dir, file, k.resources)) out.push(...this.resource(ref));
      out.push(...this.generate(dir, file, k));
      for (const ref of this.local(dir, file, k.components)) out = this.component(ref, out);
      return this.finish(dir, file, k, dedupe(out));
    } finally {
      this.depth--;
      this.building.delete(dir);
    }
  }

  /** The patches of a kustomization (`patches`, `patchesStrategicMerge`, `patchesJson6902`). */
  public patchesOf(dir: string, k: Record<string, any>): Patch[] {
    const out: Patch[] = [];
    const load = (entry: any): unknown => {
      if (typeof entry.patch === 'string') return this.parseText(entry.patch);
      if (typeof entry.path === 'string') {
        const text = this.reader.text(path.resolve(dir, entry.path));
        return text === undefined ? undefined : this.parseText(text);
      }
      return undefined;
    };
    for (const entry of [...list(k.patches), ...list(k.patchesJson6902)]) {
      if (!isMap(entry)) continue;
      const body = load(entry);
      if (body !== undefined) out.push({ body, target: isMap(entry.target) ? entry.target : undefined });
    }
    for (const entry of list(k.patchesStrategicMerge)) {
      if (typeof entry !== 'string') continue;
      const text = entry.includes('\n') ? entry : this.reader.text(path.resolve(dir, entry));
      const body = text === undefined ? undefined : this.parseText(text);
      if (body !== undefined) out.push({ body });
    }
    return out;
  }

  /** The replacements of `replacements:`: inline, or lists read from a `path`. */
  private replacementsOf(dir: string, k: Record<string, any>): Record<string, any>[] {
    const out: Record<string, any>[] = [];
    for (const entry of list(k.replacements)) {
      if (!isMap(entry)) continue;
      if (typeof entry.path === 'string') {
        const text = this.reader.text(path.resolve(dir, entry.path));
        const value = text === undefined ? undefined : this.parseText(text);
        for (const r of Array.isArray(value) ? value : [value]) if (isMap(r)) out.push(r);
      } else out.push(entry);
    }
    return out;
  }

  /** The transformer configs of `transformers:`: inline documents, files, or directories of them. */
  private transformersOf(dir: string, file: string, k: Record<string, any>): Record<string, any>[] {
    const out: Record<string, any>[] = [];
    for (const entry of list(k.transformers)) {
      if (typeof entry !== 'string') continue;
      if (entry.includes('\n')) {
        const value = this.parseText(entry);
        if (isMap(value)) out.push(value);
        continue;
      }
      if (isRemote(entry)) {
        this.reader.notes.push(`${this.reader.shown(file)}: not checked: remote ${entry}`);
        continue;
      }
      // A directory of configs is built first: its own `namespace:` sets the configs' namespace
      // (the namespace a NamespaceTransformer applies).
      for (const b of this.resource(path.resolve(dir, entry))) {
        out.push(b.namespace !== undefined && isMap(b.object.metadata) ? { ...b.object, metadata: { ...b.object.metadata, namespace: b.namespace } } : b.object);
      }
    }
    return out;
  }

  /** One builtin transformer; a kind this reader does not apply is named in a note. */
  private applyTransformer(objects: BuiltObject[], config: Record<string, any>, file: string): BuiltObject[] {
    switch (config.kind) {
      case 'NamespaceTransformer':
        return namespaceTransformer(objects, config);
      case 'PrefixSuffixTransformer':
      case 'PrefixTransformer':
      case 'SuffixTransformer':
        return transform(objects, { namePrefix: config.prefix, nameSuffix: config.suffix });
      case 'PatchTransformer':
      case 'PatchStrategicMergeTransformer':
      case 'PatchJson6902Transformer': {
        const body = typeof config.patch === 'string' ? this.parseText(config.patch) : typeof config.path === 'string' ? this.parseText(this.reader.text(path.resolve(path.dirname(file), config.path)) ?? '') : undefined;
        return body === undefined || body === null ? objects : applyPatches(objects, [{ body, target: isMap(config.target) ? config.target : undefined }]);
      }
      case 'LabelTransformer':
      case 'AnnotationsTransformer':
      case 'ReplicaCountTransformer':
      case 'ImageTagTransformer':
        return objects; // changes no identity and no field the rules read from kustomize configs
      default:
        this.reader.notes.push(`${this.reader.shown(file)}: transformer ${String(config.kind)} not applied by this reader`);
        return objects;
    }
  }

  /** ConfigMaps and Secrets of `configMapGenerator` and `secretGenerator`, their data read from files. */
  private generate(dir: string, file: string, k: Record<string, any>): BuiltObject[] {
    const out: BuiltObject[] = [];
    const make = (kind: 'ConfigMap' | 'Secret', g: any, i: number): void => {
      if (!isMap(g) || typeof g.name !== 'string') return;
      const data: Record<string, string> = {};
      // What kustomize hashes: every key and value as generated (a SOPS file's text included).
      const raw: Record<string, string> = {};
      let complete = true;
      for (const f of list(g.files)) {
        if (typeof f !== 'string') continue;
        const eq = f.indexOf('=');
        const key = eq >= 0 ? f.slice(0, eq) : path.basename(f);
        const source = eq >= 0 ? f.slice(eq + 1) : f;
        if (isRemote(source)) {
          this.reader.notes.push(`${this.reader.shown(file)}: not checked: remote ${source}`);
          complete = false;
          continue;
        }
        const text = this.reader.text(path.resolve(dir, source));
        if (text !== undefined) raw[key] = text;
        // A Secret's file is usually SOPS-encrypted: its content is not what the cluster gets.
        if (text === undefined || (kind === 'Secret' && /^sops:/m.test(text))) complete = false;
        else data[key] = text;
      }
      for (const l of list(g.literals)) {
        if (typeof l !== 'string' || !l.includes('=')) continue;
        const value = unquote(l.slice(l.indexOf('=') + 1));
        data[l.slice(0, l.indexOf('='))] = value;
        raw[l.slice(0, l.indexOf('='))] = value;
      }
      for (const e of [...list(g.envs), ...(typeof g.env === 'string' ? [g.env] : [])]) {
        const text = typeof e === 'string' ? this.reader.text(path.resolve(dir, e)) : undefined;
        if (text === undefined) {
          complete = false;
          continue;
        }
        for (const line of text.split('\n')) {
          const t = line.trim();
          if (t === '' || t.startsWith('#') || !t.includes('=')) continue;
          raw[t.slice(0, t.indexOf('='))] = t.slice(t.indexOf('=') + 1);
          if (kind === 'ConfigMap') data[t.slice(0, t.indexOf('='))] = t.slice(t.indexOf('=') + 1);
        }
        if (kind === 'Secret') complete = false;
      }
      const object: Record<string, any> = {
        apiVersion: 'v1', kind,
        metadata: { name: g.name, ...(typeof g.namespace === 'string' ? { namespace: g.namespace } : {}) },
        ...(kind === 'Secret' ? (complete ? { stringData: data } : {}) : { data }),
        ...(kind === 'Secret' ? { type: typeof g.type === 'string' ? g.type : 'Opaque' } : {}),
      };
      const disabled = g.options?.disableNameSuffixHash === true
        || (k.generatorOptions?.disableNameSuffixHash === true && g.options?.disableNameSuffixHash !== false);
      // The hash is of the generated content; kept aside (not a field any rule reads).
      Object.defineProperty(object, HASH_DATA, { value: raw, enumerable: false });
      out.push({ key: `${file}#${kind}${i}`, file, index: 0, object, ...(disabled ? {} : { hashed: true }) });
    };
    list(k.configMapGenerator).forEach((g, i) => make('ConfigMap', g, i));
    list(k.secretGenerator).forEach((g, i) => make('Secret', g, i));
    return out;
  }
}

/** The generated content a generated object's hash is computed from (not enumerable). */
const HASH_DATA = Symbol('kustomize generated data');

/** A literal's value, its surrounding quotes removed as kustomize removes them. */
function unquote(value: string): string {
  return value.length >= 2 && (value[0] === '"' || value[0] === '\'') && value[value.length - 1] === value[0] ? value.slice(1, -1) : value;
}

/** Go's json.Marshal of a string map: keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped. */
function goJson(value: unknown): string {
  const sorted = (v: any): any => (isMap(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v);
  return JSON.stringify(sorted(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** kustomize's name hash of a generated ConfigMap or Secret (api/hasher; kustomize v5 hashes it with an empty name). @internal */
export function generatedHash(object: any): string {
  const raw: Record<string, string> = object[HASH_DATA] ?? object.data ?? {};
  const encoded = object.kind === 'Secret'
    ? goJson({ kind: 'Secret', type: object.type ?? 'Opaque', name: '', data: Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])) })
    : goJson({ kind: 'ConfigMap', name: '', data: raw });
  const hex = loadCrypto().createHash('sha256').update(encoded, 'utf8').digest('hex');
  const swap: Record<string, string> = { 0: 'g', 1: 'h', 3: 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

/**
 * The objects of a build with the generated names hashed, and the references to them renamed: a
 * HelmRelease's `valuesFrom`, a Flux Kustomization's `substituteFrom`, a pod's volumes, `envFrom`
 * and `env` (kustomize's name references, with the HelmRelease ones home-ops repositories add).
 */
function withHashes(objects: BuiltObject[]): BuiltObject[] {
  if (!objects.some((o) => o.hashed)) return objects;
  const renamed = new Map<string, string>();
  const hashed = objects.map((o) => {
    if (!o.hashed || !isMap(o.object.metadata) || typeof o.object.metadata.name !== 'string') return o;
    const name = `${o.object.metadata.name}-${generatedHash(o.object)}`;
    renamed.set(`${o.object.kind}/${o.namespace ?? o.object.metadata.namespace ?? ''}/${o.object.metadata.name}`, name);
    const object = { ...o.object, metadata: { ...o.object.metadata, name } };
    if (o.object[HASH_DATA]) Object.defineProperty(object, HASH_DATA, { value: o.object[HASH_DATA], enumerable: false });
    return { ...o, object };
  });
  const lookup = (kind: string, namespace: string | undefined, name: unknown): string | undefined => (typeof name === 'string' ? renamed.get(`${kind}/${namespace ?? ''}/${name}`) : undefined);
  return hashed.map((o) => {
    const namespace = o.namespace ?? o.object.metadata?.namespace;
    let object: any;
    const edit = (): any => (object ??= clone(o.object));
    const refs = (items: unknown, kindOf: (x: any) => string | undefined, nameKey: string, at: (obj: any) => any[] | undefined): void => {
      list(items).forEach((x, i) => {
        const kind = kindOf(x);
        const to = kind ? lookup(kind, namespace, x?.[nameKey]) : undefined;
        if (to) at(edit())![i][nameKey] = to;
      });
    };
    const spec = o.object.spec;
    if (o.object.kind === 'HelmRelease') refs(spec?.valuesFrom, (x) => x?.kind, 'name', (obj) => obj.spec.valuesFrom);
    if (o.object.kind === 'Kustomization') refs(spec?.postBuild?.substituteFrom, (x) => x?.kind, 'name', (obj) => obj.spec.postBuild.substituteFrom);
    const pod = o.object.kind === 'Pod' ? spec : spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
    if (isMap(pod)) {
      const podPath = (obj: any): any => (obj.kind === 'Pod' ? obj.spec : obj.spec.template?.spec ?? obj.spec.jobTemplate.spec.template.spec);
      list(pod.volumes).forEach((v, i) => {
        const cm = lookup('ConfigMap', namespace, v?.configMap?.name);
        if (cm) podPath(edit()).volumes[i].configMap.name = cm;
        const secret = lookup('Secret', namespace, v?.secret?.secretName);
        if (secret) podPath(edit()).volumes[i].secret.secretName = secret;
      });
      for (const field of ['containers', 'initContainers']) {
        list(pod[field]).forEach((c, ci) => {
          list(c?.envFrom).forEach((e, ei) => {
            const cm = lookup('ConfigMap', namespace, e?.configMapRef?.name);
            if (cm) podPath(edit())[field][ci].envFrom[ei].configMapRef.name = cm;
            const secret = lookup('Secret', namespace, e?.secretRef?.name);
            if (secret) podPath(edit())[field][ci].envFrom[ei].secretRef.name = secret;
          });
          list(c?.env).forEach((e, ei) => {
            const cm = lookup('ConfigMap', namespace, e?.valueFrom?.configMapKeyRef?.name);
            if (cm) podPath(edit())[field][ci].env[ei].valueFrom.configMapKeyRef.name = cm;
            const secret = lookup('Secret', namespace, e?.valueFrom?.secretKeyRef?.name);
            if (secret) podPath(edit())[field][ci].env[ei].valueFrom.secretKeyRef.name = secret;
          });
        });
      }
    }
    return object ? { ...o, object } : o;
  });
}

function list(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** A reference kustomize fetches (a URL, a git repository), which this command never does. @internal */
export function isRemote(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || ref.startsWith('github.com/') || ref.startsWith('gitlab.com/') || ref.startsWith('bitbucket.org/') || ref.startsWith('git@') || ref.includes('?ref=') || ref.includes('.git//');
}


/**
 * kustomize's NamespaceTransformer: `metadata.namespace` the namespace, set on every object its
 * `fieldSpecs` select (by default `metadata/namespace` of every namespaced object), `unsetOnly`
 * leaving objects that have one alone. Other field specs (Flux Kustomizations'
 * `spec/targetNamespace`) are set on the kinds they name.
 */
function namespaceTransformer(objects: BuiltObject[], config: Record<string, any>): BuiltObject[] {
  const namespace = config.metadata?.namespace;
  if (typeof namespace !== 'string') return objects;
  // kustomize sets metadata/namespace of every namespaced object whatever the field specs say,
  // then the fields the specs name.
  const fieldSpecs = [{ path: 'metadata/namespace', create: true }, ...list(config.fieldSpecs).filter((f) => isMap(f) && f.path !== 'metadata/namespace')];
  const unsetOnly = config.unsetOnly === true;
  return objects.map((o) => {
    let out = o;
    for (const spec of fieldSpecs) {
      if (typeof spec.path !== 'string' || !selectsKind(spec, o.object)) continue;
      if (spec.path === 'metadata/namespace') {
        if (isClusterScopedObject(o.object)) continue;
        const current = out.namespace ?? out.object.metadata?.namespace;
        if (unsetOnly && current !== undefined && current !== '') continue;
        out = { ...out, namespace };
        continue;
      }
      const steps = spec.path.split('/');
      const object = clone(out.object);
      let at: any = object;
      let ok = true;
      for (const step of steps.slice(0, -1)) {
        if (!isMap(at[step])) {
          if (spec.create !== true) { ok = false; break; }
          at[step] = {};
        }
        at = at[step];
      }
      const last = steps[steps.length - 1];
      if (!ok || (!(last in at) && spec.create !== true) || (unsetOnly && typeof at[last] === 'string' && at[last] !== '')) continue;
      at[last] = namespace;
      out = { ...out, object };
    }
    return out;
  });
}

/** A dotted field path of a replacement (`spec.targetNamespace`, `metadata.labels.[app.kubernetes.io/name]`). */
function fieldSteps(fieldPath: string): string[] {
  const steps: string[] = [];
  const token = /\[([^\]]*)\]|([^.[\]]+)/g;
  for (let m = token.exec(fieldPath); m !== null; m = token.exec(fieldPath)) steps.push(m[1] ?? m[2]);
  return steps;
}

/** The value at a replacement's field path of a built object (its namespace as kustomize has set it). */
function readField(o: BuiltObject, fieldPath: string): unknown {
  const steps = fieldSteps(fieldPath);
  if (steps.join('.') === 'metadata.namespace') return o.namespace ?? o.object.metadata?.namespace;
  let at: any = o.object;
  for (const step of steps) at = isMap(at) ? at[step] : undefined;
  return at;
}

/** True iff a replacement's `select` (or `reject`) selects the object. */
function selectsObject(select: unknown, o: BuiltObject): boolean {
  if (!isMap(select)) return false;
  const object = o.object;
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const namespace = o.namespace ?? object.metadata?.namespace;
  return (select.kind === undefined || select.kind === object.kind) && (select.name === undefined || select.name === object.metadata?.name)
    && (select.namespace === undefined || select.namespace === namespace) && (select.group === undefined || select.group === group)
    && (select.version === undefined || select.version === version);
}

/**
 * kustomize's replacements: the value at the source's field path copied to the targets' field
 * paths (`options.create` creates a missing one; `delimiter`/`index` replace a part). A
 * `metadata.namespace` target sets the namespace the object lands in.
 */
function applyReplacements(objects: BuiltObject[], replacements: Record<string, any>[]): BuiltObject[] {
  let out = objects;
  for (const r of replacements) {
    const source = isMap(r.source) ? r.source : undefined;
    if (!source) continue;
    const from = out.find((o) => selectsObject(source, o));
    if (!from) continue;
    const value = readField(from, typeof source.fieldPath === 'string' ? source.fieldPath : 'metadata.name');
    if (value === undefined) continue;
    for (const target of list(r.targets).filter(isMap)) {
      out = out.map((o) => {
        if (!selectsObject(target.select, o) || list(target.reject).some((x) => selectsObject(x, o))) return o;
        let result = o;
        for (const fieldPath of list(target.fieldPaths).filter((f) => typeof f === 'string')) {
          const steps = fieldSteps(fieldPath);
          const options = isMap(target.options) ? target.options : {};
          if (steps.join('.') === 'metadata.namespace') {
            if (typeof value === 'string' && !isClusterScopedObject(o.object)) result = { ...result, namespace: value };
            continue;
          }
          const object = clone(result.object);
          let at: any = object;
          let ok = true;
          for (const step of steps.slice(0, -1)) {
            if (!isMap(at[step])) {
              if (options.create !== true) { ok = false; break; }
              at[step] = {};
            }
            at = at[step];
          }
          const last = steps[steps.length - 1];
          if (!ok || (!(last in at) && options.create !== true)) continue;
          if (typeof options.delimiter === 'string' && typeof at[last] === 'string' && typeof value === 'string') {
            const parts = at[last].split(options.delimiter);
            const index = typeof options.index === 'number' ? options.index : 0;
            if (index >= 0 && index < parts.length) parts[index] = value;
            at[last] = parts.join(options.delimiter);
          } else at[last] = value;
          result = { ...result, object };
        }
        return result;
      });
    }
  }
  return out;
}

/** True iff a field spec's `kind` and `group` select the object (unset: every object). */
function selectsKind(spec: Record<string, any>, object: any): boolean {
  if (typeof spec.kind === 'string' && spec.kind !== object.kind) return false;
  const group = typeof object.apiVersion === 'string' && object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  if (typeof spec.group === 'string' && spec.group !== group) return false;
  return true;
}

/** A built object's identity: its document, and the namespace and name it ends up with. @internal */
export function identity(o: BuiltObject): string {
  return `${o.key}@${o.namespace ?? o.object.metadata?.namespace ?? ''}/${o.object.metadata?.name ?? ''}`;
}

/**
 * One object per document and resulting identity: a document listed twice by one kustomization is
 * one object (kustomize refuses the duplicate), but a document that two kustomizations place in
 * two namespaces (a component of every namespace) is two.
 */
function dedupe(objects: BuiltObject[]): BuiltObject[] {
  const seen = new Set<string>();
  return objects.filter((o) => {
    const id = identity(o);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** `namespace`, `namePrefix`, `nameSuffix` and `replicas` of a kustomization (or a Flux Kustomization spec). */
export function transform(objects: BuiltObject[], k: Record<string, any>): BuiltObject[] {
  const namespace = typeof k.namespace === 'string' ? k.namespace : undefined;
  const prefix = typeof k.namePrefix === 'string' ? k.namePrefix : '';
  const suffix = typeof k.nameSuffix === 'string' ? k.nameSuffix : '';
  const replicas = list(k.replicas).filter((r) => isMap(r) && typeof r.name === 'string' && typeof r.count === 'number');
  if (namespace === undefined && prefix === '' && suffix === '' && replicas.length === 0) return objects;
  return objects.map((o) => {
    let object = o.object;
    const kind = object.kind;
    if ((prefix || suffix) && kind !== 'Namespace' && kind !== 'CustomResourceDefinition' && typeof object.metadata?.name === 'string') {
      object = clone(object);
      object.metadata.name = `${prefix}${object.metadata.name}${suffix}`;
    }
    const count = replicas.find((r) => r.name === o.object.metadata?.name);
    if (count && isMap(object.spec)) {
      object = object === o.object ? clone(object) : object;
      object.spec.replicas = count.count;
    }
    // kustomize's `namespace:` also names the Namespace objects it builds (a namespace component's
    // placeholder Namespace becomes the namespace itself).
    if (namespace !== undefined && kind === 'Namespace' && object.metadata?.name !== namespace && isMap(object.metadata)) {
      object = object === o.object ? clone(object) : object;
      object.metadata.name = namespace;
    }
    const ns = namespace !== undefined && !isClusterScopedObject(object) ? namespace : o.namespace;
    return object === o.object && ns === o.namespace ? o : { ...o, object, namespace: ns };
  });
}

/** A patch: a strategic-merge object, or a list of JSON 6902 operations, and what it targets. @internal */
export interface Patch {
  readonly body: unknown;
  readonly target?: Record<string, any>;
}

/** Applies patches to the objects they target. @internal */
export function applyPatches(objects: BuiltObject[], patches: Patch[]): BuiltObject[] {
  if (patches.length === 0) return objects;
  let out = objects;
  for (const p of patches) {
    // Most patches select a few objects: the rest are kept as they are, without a new list each.
    const selected = out.map((o) => targets(p, o));
    if (!selected.includes(true)) continue;
    out = out.flatMap((o, i) => {
      if (!selected[i]) return [o];
      if (Array.isArray(p.body)) {
        // JSON 6902 operations edit in place: on a copy.
        const object = clone(o.object);
        for (const op of p.body) if (isMap(op)) jsonPatch(object, op);
        return [{ ...o, object }];
      }
      if (!isMap(p.body)) return [o];
      if (p.body.$patch === 'delete') return [];
      // A strategic merge builds new maps and lists along the patch and leaves its input as it is
      // (every edit in place in this module works on a copy), so the object needs no copy first.
      return [{ ...o, object: strategicMerge(o.object, p.target ? withoutIdentity(p.body) : p.body) }];
    });
  }
  return out;
}

/**
 * A strategic-merge patch with a target applies to every object it selects: the name (often a
 * placeholder such as `_`) and kind it carries identify nothing and change nothing.
 */
function withoutIdentity(body: Record<string, any>): Record<string, any> {
  const { apiVersion: _apiVersion, kind: _kind, metadata, ...rest } = body;
  if (!isMap(metadata)) return rest;
  const { name: _name, namespace: _namespace, ...meta } = metadata;
  return Object.keys(meta).length > 0 ? { ...rest, metadata: meta } : rest;
}

const PATTERNS = new Map<string, re2js.RE2JS | undefined>();

/**
 * Modules most runs never need, loaded on first use: the RE2 engine (a patch target that is a
 * pattern, not a name) and the hash of a generated ConfigMap or Secret. A check starts faster.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadRe2js = once(() => require('re2js') as typeof re2js);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadCrypto = once(() => require('node:crypto') as typeof crypto);

/** A pattern whose only regular-expression metacharacter is `.`, which matches any one character. */
const LITERAL = /^[A-Za-z0-9_\-/:@.]*$/;

/**
 * A patch target's field as kustomize matches it: the whole value against a Go (RE2) regular
 * expression, matched in linear time (a pattern such as `(a+)+b` never backtracks). A pattern RE2
 * does not accept is compared as text.
 * @internal
 */
export function matches(pattern: unknown, value: unknown): boolean {
  if (typeof pattern !== 'string') return true;
  if (typeof value !== 'string') return false;
  // Most targets name a kind, a group or a name outright: without a metacharacter but `.` (any
  // one character, as in `kustomize.toolkit.fluxcd.io`), the pattern matches text of its length
  // that agrees wherever the pattern has no dot.
  if (LITERAL.test(pattern)) {
    if (pattern.length !== value.length) return false;
    for (let i = 0; i < pattern.length; i++) if (pattern[i] !== '.' && pattern[i] !== value[i]) return false;
    return true;
  }
  if (!PATTERNS.has(pattern)) {
    let compiled: re2js.RE2JS | undefined;
    try {
      compiled = loadRe2js().RE2JS.compile(`^(?:${pattern})$`);
    } catch {
      compiled = undefined;
    }
    PATTERNS.set(pattern, compiled);
  }
  const compiled = PATTERNS.get(pattern);
  return compiled ? compiled.matches(value) : pattern === value;
}

function targets(p: Patch, o: BuiltObject): boolean {
  const object = o.object;
  const t = p.target;
  if (!t) {
    // A strategic-merge patch without a target names its object.
    const body = p.body as any;
    return isMap(body) && body.kind === object.kind && body.metadata?.name === object.metadata?.name;
  }
  if (!matches(t.kind, object.kind) || !matches(t.name, object.metadata?.name)) return false;
  if (t.group !== undefined || t.version !== undefined) {
    const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
    if (!matches(t.group, group) || !matches(t.version, version)) return false;
  }
  if (t.namespace !== undefined && !matches(t.namespace, o.namespace ?? object.metadata?.namespace)) return false;
  return selects(t.labelSelector, object.metadata?.labels) && selects(t.annotationSelector, object.metadata?.annotations);
}

/**
 * A label (or annotation) selector as Kubernetes reads one (apimachinery's labels.Parse): terms
 * joined by commas, each `key`, `!key`, `key=value`, `key==value`, `key!=value`, `key in (a, b)`,
 * `key notin (a, b)`, `key > 3` or `key < 3`. A selector it cannot read, which fails kustomize's
 * build, matches nothing.
 */
function selects(selector: unknown, labels: unknown): boolean {
  if (typeof selector !== 'string' || selector.trim() === '') return true;
  const map = isMap(labels) ? labels : {};
  let terms = SELECTORS.get(selector);
  if (terms === undefined) {
    terms = selectorTerms(selector);
    SELECTORS.set(selector, terms);
  }
  return terms.every((term) => term(map));
}

/** Each selector read once into its terms (a patch's selector is tried on every object built). */
const SELECTORS = new Map<string, Array<(labels: Record<string, any>) => boolean>>();

/** The terms of a selector: split at the commas outside parentheses. */
function selectorTerms(selector: string): Array<(labels: Record<string, any>) => boolean> {
  const terms: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      terms.push(selector.slice(from, i));
      from = i + 1;
    }
  }
  terms.push(selector.slice(from));
  return depth === 0 ? terms.map(selectorTerm) : [() => false];
}

const SELECTOR_KEY = '([^\\s!=<>(),]+)';
const SET_TERM = new RegExp(`^${SELECTOR_KEY}\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const NUMBER_TERM = new RegExp(`^${SELECTOR_KEY}\\s*([<>])\\s*(-?[0-9]+)$`);
const NOT_EQUAL_TERM = new RegExp(`^${SELECTOR_KEY}\\s*!=\\s*([^\\s!=<>(),]*)$`);
const EQUAL_TERM = new RegExp(`^${SELECTOR_KEY}\\s*==?\\s*([^\\s!=<>(),]*)$`);

function selectorTerm(term: string): (labels: Record<string, any>) => boolean {
  const t = term.trim();
  const has = (map: Record<string, any>, key: string) => Object.prototype.hasOwnProperty.call(map, key);
  const set = SET_TERM.exec(t);
  if (set) {
    const values = set[3].split(',').map((v) => v.trim());
    if (set[2] === 'in') return (map) => has(map, set[1]) && values.includes(String(map[set[1]]));
    return (map) => !has(map, set[1]) || !values.includes(String(map[set[1]]));
  }
  const number = NUMBER_TERM.exec(t);
  if (number) {
    const bound = Number(number[3]);
    return (map) => {
      const value = has(map, number[1]) && /^-?[0-9]+$/.test(String(map[number[1]])) ? Number(map[number[1]]) : undefined;
      return value !== undefined && (number[2] === '>' ? value > bound : value < bound);
    };
  }
  const ne = NOT_EQUAL_TERM.exec(t);
  if (ne) return (map) => !has(map, ne[1]) || String(map[ne[1]]) !== ne[2];
  const eq = EQUAL_TERM.exec(t);
  if (eq) return (map) => has(map, eq[1]) && String(map[eq[1]]) === eq[2];
  if (/^![^\s!=<>(),]+$/.test(t)) return (map) => !has(map, t.slice(1));
  if (/^[^\s!=<>(),]+$/.test(t)) return (map) => has(map, t);
  return () => false;
}

/** A strategic merge as far as these objects need it: maps merge, `null` deletes, lists of named items merge by name. */
function strategicMerge(base: any, patch: any): any {
  if (!isMap(patch)) return patch;
  const out: Record<string, any> = isMap(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '__proto__') continue;
    if (value === null) delete out[key];
    else if (isMap(value)) out[key] = strategicMerge(out[key], value);
    else if (Array.isArray(value) && Array.isArray(out[key]) && value.every((v) => isMap(v) && typeof v.name === 'string') && out[key].every((v: any) => isMap(v) && typeof v.name === 'string')) {
      const merged = [...out[key]];
      for (const v of value) {
        const at = merged.findIndex((m) => m.name === v.name);
        if (at >= 0) merged[at] = strategicMerge(merged[at], v);
        else merged.push(v);
      }
      out[key] = merged;
    } else out[key] = value;
  }
  return out;
}

/** One JSON 6902 operation (add, replace, remove) on `object`, in place; others are left out. */
function jsonPatch(object: any, op: Record<string, any>): void {
  if (typeof op.path !== 'string' || !op.path.startsWith('/')) return;
  const steps = op.path.slice(1).split('/').map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let parent: any = object;
  for (const step of steps.slice(0, -1)) {
    parent = Array.isArray(parent) ? parent[Number(step)] : isMap(parent) ? parent[step] : undefined;
    if (parent === undefined) return;
  }
  const last = steps[steps.length - 1];
  if (op.op === 'add' || op.op === 'replace') {
    if (Array.isArray(parent)) {
      if (last === '-') parent.push(op.value);
      else if (op.op === 'add') parent.splice(Number(last), 0, op.value);
      else parent[Number(last)] = op.value;
    } else if (isMap(parent)) parent[last] = op.value;
  } else if (op.op === 'remove') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (isMap(parent)) delete parent[last];
  }
}
