import {
  NETWORKS_ANNOTATION, controllerHostNetwork, controllerNetworksAnnotation, controllerPodAnnotationsPath, controllerRolloutMultiPod,
  isWorkload, misplacedAnnotationsPaths, podAnnotationsPath, podHostNetwork, podTemplatePath, rawResourceAutoscaling, workloadMultiPod,
} from '../knowledge/workloads';
import { ImageReference, parseImageReference } from '../util/image';
import { trimmed } from '../util/lists';
import { Manifest } from './model';
import { Release } from './releases';
import { ParsedSelections, SelectionReader, parseSelections } from './selections';
import { dig, digMap, digPath, isMap, isTemplated } from './values';

// Where pods come from and which networks annotation they carry, read with the workload model
// (knowledge/workloads): raw workloads (their pod template), Pods, and the controllers of bjw-s
// app-template releases. Also every networks annotation written where Multus never looks (a
// workload's own metadata, `controllers.<c>.annotations`), and those in the values of charts the
// rulebook does not know.

/** A container of a workload. @internal */
export interface ContainerView {
  readonly name: string;
  /** `repository:tag` (with `@digest` when pinned), when written and not templated. */
  readonly image?: string;
  /** command and args, joined by spaces. */
  readonly commandLine: string;
  readonly resources?: Record<string, any>;
  /** Where the container is written, for messages. */
  readonly field: string;
  /** The image, split into its parts (read once, for every rule); undefined when unwritten or not an image reference. */
  readonly reference?: ImageReference;
}

/**
 * A container of a workload: its image read on first use, and where it is written computed only
 * for a message (a check reads thousands of containers and reports a few).
 */
abstract class Container implements ContainerView {
  private parsed?: ImageReference | null;
  constructor(
    public readonly name: string,
    public readonly image: string | undefined,
    public readonly commandLine: string,
    public readonly resources: Record<string, any> | undefined,
  ) {}

  public abstract get field(): string;

  public get reference(): ImageReference | undefined {
    if (this.parsed === undefined) this.parsed = (this.image !== undefined ? parseImageReference(this.image) : undefined) ?? null;
    return this.parsed ?? undefined;
  }
}

/** A container of a pod template (a raw workload's, a Pod's): where it is written follows from the template's path. */
class TemplateContainer extends Container {
  constructor(name: string, image: string | undefined, commandLine: string, resources: Record<string, any> | undefined,
    private readonly templatePath: readonly string[], private readonly index: number) {
    super(name, image, commandLine, resources);
  }

  public get field(): string {
    return [...this.templatePath, 'spec', `containers[${this.index}]`].join('.');
  }
}

/** A container of an app-template controller: where it is written is where the release's values came from. */
class ValuesContainer extends Container {
  constructor(name: string, image: string | undefined, commandLine: string, resources: Record<string, any> | undefined, private readonly at: () => string) {
    super(name, image, commandLine, resources);
  }

  public get field(): string {
    return this.at();
  }
}

/** One source of pods. @internal */
export interface Workload {
  readonly manifest: Manifest;
  /** `Deployment`, ..., or the app-template controller's type (`deployment`, `daemonset`, ...). */
  readonly kind: string;
  /** The app-template controller, when the pods come from one. */
  readonly controller?: string;
  /** The workload in messages: `Deployment default/esphome`, `HelmRelease default/ha controller main`. */
  readonly owner: string;
  /** The pods' namespace, when known. */
  readonly namespace?: string;
  readonly containers: ContainerView[];
  /** Why the workload can run two pods at once (for one address), or undefined when it cannot. */
  readonly multiPod?: string;
  /** True for a DaemonSet (one pod on every node). */
  readonly daemonSet: boolean;
  /** Whether the pods use the node's network, and where that is written (a field of the manifest). */
  readonly hostNetwork?: { readonly field: string; readonly why: string };
}

/** Where a networks annotation is written. @internal */
export type Placement = 'pod' | 'misplaced' | 'unknown';

/** One networks annotation of the input. @internal */
export interface AnnotationSite {
  readonly manifest: Manifest;
  /** The field holding it, e.g. `spec.template.metadata.annotations["k8s.v1.cni.cncf.io/networks"]`. */
  readonly field: string;
  readonly value: string;
  /** `pod`: the pods get it; `misplaced`: Multus never sees it; `unknown`: the values of a chart the rulebook does not know. */
  readonly placement: Placement;
  /** The pods it is for (`pod` placement). */
  readonly workload?: Workload;
  /** The namespace of the pods (the default namespace of the annotation's elements). */
  readonly podNamespace?: string;
  /** For a misplaced annotation: where it belongs. */
  readonly belongs?: string;
  /** For a misplaced annotation: whether the pods carry a networks annotation anyway. */
  readonly podsAnnotated?: boolean;
  /** Who holds the pods: one per pod source, for address conflicts. */
  readonly holder: string;
  /** The annotation as Multus reads it. */
  readonly parsed: ParsedSelections;
}

/** A field path with the annotation key in brackets (it contains dots). */
export function annotationField(prefix: string): string {
  return `${prefix}["${NETWORKS_ANNOTATION}"]`;
}

/** An object in messages: `Kind namespace/name`. @internal */
export function label(m: Manifest): string {
  const name = m.object?.metadata?.name ?? '?';
  return `${m.object?.kind} ${m.namespace ? `${m.namespace}/` : ''}${name}`;
}

/** Who the pods of an annotation are, in messages. @internal */
export function ownerOf(site: AnnotationSite): string {
  return site.workload?.owner ?? label(site.manifest);
}

/** Why an autoscaler can run several pods of a target: `autoscaled(namespace, kind, name)`. @internal */
export type AutoscalerLookup = (namespace: string | undefined, kind: string, name: string) => string | undefined;

/** True iff the manifest is a workload kind the rulebook reads (Pod included). @internal */
export { isWorkload };

/** A raw workload (a Deployment, ..., a Pod), named for messages only when a message needs it. */
class RawWorkload implements Workload {
  public readonly namespace?: string;
  public readonly daemonSet: boolean;
  constructor(
    public readonly manifest: Manifest,
    public readonly kind: string,
    public readonly containers: ContainerView[],
    public readonly multiPod: string | undefined,
    public readonly hostNetwork: { readonly field: string; readonly why: string } | undefined,
  ) {
    this.namespace = manifest.namespace;
    this.daemonSet = kind === 'DaemonSet';
  }

  public get owner(): string {
    return label(this.manifest);
  }
}

/**
 * The workload and networks annotations of a raw workload (a Deployment, ..., a Pod), added to
 * `workloads` and `annotations` (the inventory's lists: one pass, nothing copied).
 * @internal
 */
export function readWorkload(m: Manifest, autoscaled: AutoscalerLookup, workloads: Workload[], annotations: AnnotationSite[], read: SelectionReader = parseSelections): void {
  const o = m.object;
  const kind: string = o.kind;
  const templatePath = podTemplatePath(o) ?? [];
  const template = digMap(digPath(o, templatePath));
  const podSpec = digMap(template, 'spec');
  const written: unknown[] = Array.isArray(podSpec?.containers) ? podSpec.containers : [];
  const containers: ContainerView[] = [];
  for (let i = 0; i < written.length; i++) {
    const c: any = written[i];
    if (!isMap(c)) continue;
    containers.push(new TemplateContainer(
      typeof c.name === 'string' ? c.name : `${i}`,
      typeof c.image === 'string' && !isTemplated(c.image) ? c.image : undefined,
      commandLine(c.command, c.args),
      isMap(c.resources) ? c.resources : undefined,
      templatePath, i,
    ));
  }
  const name = typeof o.metadata?.name === 'string' ? o.metadata.name : '';
  const multiPod = workloadMultiPod(o, 'rollout') ?? autoscaled(m.namespace, kind, name);
  const host = podHostNetwork(o, templatePath);
  const workload = new RawWorkload(m, kind, trimmed(containers), multiPod, host && { field: host.path.join('.'), why: host.why });
  workloads.push(workload);
  const holder = `${kind}/${m.namespace ?? ''}/${name}`;
  const podValue = digMap(template, 'metadata', 'annotations')?.[NETWORKS_ANNOTATION];
  const belongs = podAnnotationField(templatePath);
  if (typeof podValue === 'string') {
    annotations.push(site(m, belongs, podValue, 'pod', holder, { workload, podNamespace: m.namespace }, read));
  }
  for (const path of misplacedAnnotationsPaths(o, templatePath)) {
    const own = digMap(digPath(o, path))?.[NETWORKS_ANNOTATION];
    if (typeof own === 'string') {
      annotations.push(site(m, annotationField(path.join('.')), own, 'misplaced', holder, { belongs, podsAnnotated: typeof podValue === 'string', podNamespace: m.namespace }, read));
    }
  }
}

/** The field of a pod's networks annotation, below a pod template at `templatePath` (one per path). */
const POD_ANNOTATION_FIELDS = new WeakMap<readonly string[], string>();
function podAnnotationField(templatePath: readonly string[]): string {
  let field = POD_ANNOTATION_FIELDS.get(templatePath);
  if (field === undefined) POD_ANNOTATION_FIELDS.set(templatePath, field = annotationField(podAnnotationsPath(templatePath).join('.')));
  return field;
}

/** A container's command and args, joined by spaces. */
function commandLine(command: unknown, args: unknown): string {
  const a = Array.isArray(command) ? command : [];
  const b = Array.isArray(args) ? args : [];
  return a.length === 0 && b.length === 0 ? '' : [...a, ...b].join(' ');
}

function site(m: Manifest, field: string, value: string, placement: Placement, holder: string, extra: Partial<AnnotationSite>, read: SelectionReader): AnnotationSite {
  // One shape for every site (the rules read thousands of them).
  return {
    manifest: m, field, value, placement, holder, parsed: read(value),
    workload: extra.workload, podNamespace: extra.podNamespace, belongs: extra.belongs, podsAnnotated: extra.podsAnnotated,
  };
}

/** The Helm release name Flux installs a HelmRelease as: `spec.releaseName`, else `[<targetNamespace>-]<name>`. */
function helmReleaseName(o: any): string | undefined {
  if (typeof o?.spec?.releaseName === 'string') return o.spec.releaseName;
  const name = o?.metadata?.name;
  if (typeof name !== 'string') return undefined;
  return typeof o?.spec?.targetNamespace === 'string' ? `${o.spec.targetNamespace}-${name}` : name;
}

/**
 * The workloads and networks annotations of a bjw-s app-template release (values with
 * `controllers`, the layout of app-template 2.x and later).
 * @internal
 */
export function readAppTemplate(release: Release, read: SelectionReader = parseSelections): { workloads: Workload[]; annotations: AnnotationSite[] } {
  const m = release.manifest;
  const values = release.values;
  const controllers = digMap(values, 'controllers') ?? {};
  const releaseName = helmReleaseName(m.object);
  const workloads: Workload[] = [];
  const annotations: AnnotationSite[] = [];
  for (const id of Object.keys(controllers).sort()) {
    const c = controllers[id];
    if (!isMap(c) || c.enabled === false) continue;
    const owner = `${label(m)} controller ${id}`;
    const holder = `HelmRelease/${release.namespace ?? ''}/${m.object?.metadata?.name}#${id}`;
    const containerMap = digMap(c, 'containers') ?? {};
    const containers = Object.keys(containerMap).filter((k) => isMap(containerMap[k])).map((k): ContainerView => {
      const spec = containerMap[k];
      const repo = dig(spec, 'image', 'repository');
      const tag = dig(spec, 'image', 'tag');
      const image = typeof repo === 'string' && !isTemplated(repo) ? `${repo}${typeof tag === 'string' ? `:${tag}` : ''}` : undefined;
      const command = [spec.command, spec.args].flatMap((x) => (Array.isArray(x) ? x : typeof x === 'string' ? [x] : []));
      return new ValuesContainer(k, image, command.join(' '), isMap(spec.resources) ? spec.resources : undefined, () => release.originOf(['controllers', id, 'containers', k]));
    });
    const type = typeof c.type === 'string' ? c.type : 'deployment';
    const multiPod = controllerRolloutMultiPod(id, c) ?? (typeof releaseName === 'string' ? rawResourceAutoscaling(values, releaseName, id) : undefined);
    const host = controllerHostNetwork(values, id);
    const workload: Workload = {
      manifest: m, kind: type, controller: id, owner, namespace: release.namespace, containers, multiPod, daemonSet: type === 'daemonset',
      hostNetwork: host && { field: release.originOf([...host.path]), why: host.why },
    };
    workloads.push(workload);

    // What common renders on the pods (the workload model's controllerNetworksAnnotation).
    const podPath = controllerPodAnnotationsPath(id);
    const rendered = controllerNetworksAnnotation(values, id);
    const value = rendered?.value;
    if (rendered) {
      annotations.push(site(m, annotationField(release.originOf(rendered.from)), rendered.value, 'pod', holder, { workload, podNamespace: release.namespace }, read));
    }
    const misplaced = dig(c, 'annotations', NETWORKS_ANNOTATION);
    if (typeof misplaced === 'string') {
      annotations.push(site(m, annotationField(release.originOf(['controllers', id, 'annotations'])), misplaced, 'misplaced', holder, {
        belongs: `${podPath.join('.')} (or defaultPodOptions.annotations)`,
        podsAnnotated: typeof value === 'string',
        podNamespace: release.namespace,
      }, read));
    }
  }
  return { workloads, annotations };
}

/**
 * The networks annotations in the values of a chart the rulebook does not know: wherever a key
 * `k8s.v1.cni.cncf.io/networks` holds a string (`podAnnotations`, ...). Whether its pods get it is
 * the chart's business.
 * @internal
 */
export function readUnknownChartAnnotations(release: Release, read: SelectionReader = parseSelections): AnnotationSite[] {
  const out: AnnotationSite[] = [];
  const m = release.manifest;
  const holder = `HelmRelease/${release.namespace ?? ''}/${m.object?.metadata?.name}`;
  const walk = (node: unknown, path: string[], depth: number): void => {
    if (depth > 12 || !isMap(node)) return;
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (key === NETWORKS_ANNOTATION && typeof value === 'string') {
        out.push(site(m, annotationField(release.originOf(path)), value, 'unknown', `${holder}@${path.join('.')}`, { podNamespace: release.namespace }, read));
      } else {
        walk(value, [...path, key], depth + 1);
      }
    }
  };
  walk(release.values, [], 0);
  return out;
}
