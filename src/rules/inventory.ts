import { ClusterFacts } from '../knowledge/clusters';
import { NadConfig, readNadConfig } from './cni';
import { Manifest } from './model';
import { AnnotationSite, AutoscalerLookup, Workload, annotationField, isWorkload, readAppTemplate, readUnknownChartAnnotations, readWorkload } from './pods';
import { Release, ReleaseLookup, readRelease } from './releases';
import { KnownSelections, SelectionReader, parseSelections } from './selections';
import { NETWORKS_ANNOTATION, autoscalingOf } from '../knowledge/workloads';
import { GROUPS, dig, isKind, isMap } from './values';
import { once } from '../util/once';

// The input indexed once for every rule: manifests by kind and by name, every HelmRelease read
// (chart, values), every source of pods, every networks annotation, every NAD. Each collection is
// built on first use, in one pass, so the rulebook stays linear in the number of manifests.

/** A NetworkAttachmentDefinition of the input. @internal */
export interface Nad {
  readonly manifest: Manifest;
  readonly name: string;
  readonly namespace?: string;
  readonly config: NadConfig;
}

/** Everything the rules read, indexed. @internal */
export class Inventory implements ReleaseLookup {
  public readonly manifests: readonly Manifest[];
  private readonly byKind = new Map<string, Manifest[]>();
  private readonly derivations = new Map<string, unknown>();

  public readonly releases = once((): Release[] => this.ofKind(GROUPS.helm, 'HelmRelease').map((m) => readRelease(m, this)));

  public readonly nads = once((): Nad[] => this.ofKind(GROUPS.cni, 'NetworkAttachmentDefinition')
    .filter((m) => typeof m.object?.metadata?.name === 'string')
    .map((m) => ({ manifest: m, name: m.object.metadata.name, namespace: m.namespace, config: readNadConfig(m.object.spec?.config) })));

  private readonly nadIndex = once(() => {
    const byKey = new Map<string, Nad>();
    const byName = new Map<string, Nad[]>();
    for (const n of this.nads()) {
      if (n.namespace !== undefined) byKey.set(`${n.namespace}/${n.name}`, n);
      const named = byName.get(n.name);
      if (named) named.push(n);
      else byName.set(n.name, [n]);
    }
    return { byKey, byName };
  });

  /** The manifests by kind, namespace and name, and by kind and name alone (for `find`). */
  private readonly byName = once(() => {
    const byName = new Map<string, Manifest[]>();
    for (const m of this.manifests) {
      const kind = m.object?.kind;
      const name = m.object?.metadata?.name;
      if (typeof kind !== 'string' || typeof name !== 'string') continue;
      for (const key of [`${kind}/${m.namespace ?? ''}/${name}`, `${kind}/*/${name}`]) {
        const list = byName.get(key);
        if (list) list.push(m);
        else byName.set(key, [m]);
      }
    }
    return byName;
  });

  private readonly pods = once(() => {
    const workloads: Workload[] = [];
    const annotations: AnnotationSite[] = [];
    const autoscaled = this.autoscalers();
    const lookup: AutoscalerLookup = autoscaled.size === 0 ? () => undefined : (ns, kind, name) => autoscaled.get(`${ns ?? ''}/${kind}/${name}`);
    for (const m of this.manifests) {
      if (!isWorkload(m.object)) continue;
      readWorkload(m, lookup, workloads, annotations, this.readSelections);
    }
    for (const r of this.releases()) {
      const own = dig(r.manifest.object, 'metadata', 'annotations', NETWORKS_ANNOTATION);
      if (typeof own === 'string') {
        annotations.push({
          manifest: r.manifest, field: annotationField('metadata.annotations'), value: own, placement: 'misplaced',
          holder: `HelmRelease/${r.namespace ?? ''}/${r.manifest.object.metadata?.name}`, parsed: this.readSelections(own),
          belongs: r.chart.known === 'app-template' ? 'spec.values.controllers.<controller>.pod.annotations' : 'the pod annotations of the chart\'s values',
          podsAnnotated: false, podNamespace: r.namespace,
        });
      }
      if (r.chart.known === 'app-template' && isMap(r.values.controllers)) {
        const read = readAppTemplate(r, this.readSelections);
        workloads.push(...read.workloads);
        annotations.push(...read.annotations);
      } else if (r.chart.known !== 'app-template') {
        annotations.push(...readUnknownChartAnnotations(r, this.readSelections));
      }
    }
    return { workloads, annotations };
  });

  /** The cluster the input is for, when the user named it (`--cluster`, a ClusterProfile); undefined otherwise. */
  public readonly cluster?: ClusterFacts;

  /** The cluster's Kubernetes version, when the user gave it. */
  public readonly kubernetesVersion?: readonly [number, number, number];

  /** How the networks annotations are read: parsed, or taken from what wrote them where that is known. */
  private readonly readSelections: SelectionReader;

  constructor(manifests: readonly Manifest[], cluster?: ClusterFacts, kubernetesVersion?: readonly [number, number, number], known?: KnownSelections) {
    this.readSelections = known === undefined ? parseSelections : (text) => known(text) ?? parseSelections(text);
    this.cluster = cluster;
    this.kubernetesVersion = kubernetesVersion;
    this.manifests = manifests;
    for (const m of manifests) {
      const kind = m.object?.kind;
      if (typeof kind !== 'string') continue;
      const ofKind = this.byKind.get(kind);
      if (ofKind) ofKind.push(m);
      else this.byKind.set(kind, [m]);
    }
  }

  /**
   * What a rule derives from the inventory and other rules read too (the Multus daemons, ...),
   * computed once per inventory under `key`.
   */
  public derived<T>(key: string, compute: () => T): T {
    if (!this.derivations.has(key)) this.derivations.set(key, compute());
    return this.derivations.get(key) as T;
  }

  /** The manifests of `kind` in API group `group`. */
  public ofKind(group: string, kind: string): Manifest[] {
    return (this.byKind.get(kind) ?? []).filter((m) => isKind(m.object, group, kind));
  }

  /**
   * The object `kind` named `name` in `namespace`. When the namespace of one side is unknown, a
   * single object of that kind and name, wherever it is, answers.
   */
  public find(kind: string, namespace: string | undefined, name: string): Manifest | undefined {
    const byName = this.byName();
    if (namespace !== undefined) {
      const exact = byName.get(`${kind}/${namespace}/${name}`);
      if (exact && exact.length > 0) return exact[0];
      const unplaced = byName.get(`${kind}//${name}`);
      return unplaced && unplaced.length === 1 ? unplaced[0] : undefined;
    }
    const any = byName.get(`${kind}/*/${name}`);
    return any && any.length === 1 ? any[0] : undefined;
  }

  /** The NAD `namespace/name`; with the namespace unknown, any NAD of that name. */
  public nad(namespace: string | undefined, name: string): Nad | undefined {
    const index = this.nadIndex();
    if (namespace !== undefined) return index.byKey.get(`${namespace}/${name}`);
    return index.byName.get(name)?.[0];
  }

  /** Every NAD of that name, whatever its namespace. */
  public nadsNamed(name: string): Nad[] {
    return this.nadIndex().byName.get(name) ?? [];
  }

  /** Every source of pods: raw workloads, Pods, app-template controllers. */
  public workloads(): Workload[] {
    return this.pods().workloads;
  }

  /** Every networks annotation of the input, wherever it is written. */
  public annotations(): AnnotationSite[] {
    return this.pods().annotations;
  }

  /** The NAD an annotation element selects (by the pods' namespace when it names none). */
  public selected(site: AnnotationSite, element: { name?: string; namespace?: string }): Nad | undefined {
    if (element.name === undefined) return undefined;
    return this.nad(element.namespace ?? site.podNamespace, element.name);
  }

  /** Why an autoscaler may run several pods of a workload, keyed `<namespace>/<kind>/<name>`. */
  private autoscalers(): Map<string, string> {
    const out = new Map<string, string>();
    for (const m of [...this.ofKind(GROUPS.autoscaling, 'HorizontalPodAutoscaler'), ...this.ofKind('keda.sh', 'ScaledObject')]) {
      const a = autoscalingOf(m.object);
      if (a) out.set(`${m.namespace ?? ''}/${a.kind}/${a.name}`, a.why);
    }
    return out;
  }
}
