import { CniDirs } from '../cni';
import { KeyTree } from '../keys';
import { KubernetesRange } from '../versions';

// The shape of a Multus chart's profile: what the library knows of one chart. The profiles are the
// other files of this directory; src/knowledge/multus-charts.ts lists them.

/** The Multus charts the library knows, by id. */
export type MultusChartId = 'angelnu-multus' | 'bjw-s-multus' | 'home-operations-multus';

/** Where a chart's values put the Multus daemon's container (bjw-s common: a controller, a container). */
export interface DaemonContainer {
  /** The daemon's controller (its key under `controllers`). */
  readonly controller: string;
  /** The daemon container's key under `controllers.<controller>.containers`. */
  readonly container: string;
}

/** What the library writes into a chart's values, from an install's validated model. */
export interface InstallValuesInput {
  /** Where the chart version puts the daemon. */
  readonly layout: DaemonContainer;
  readonly image: { readonly repository: string; readonly tag: string };
  /** The daemon container's resources, as the values take them. */
  readonly resources: Record<string, any>;
  readonly dirs: CniDirs;
  readonly logLevel?: string;
  readonly cniVersion?: string;
  /** The host directory of pod network namespaces, when the cluster's differs from the chart's default. */
  readonly netnsDir?: string;
  /**
   * Whether the chart's plugin installer (`pluginInstaller`) copies the reference plugins to the
   * nodes: false only where the cluster's nodes carry them.
   */
  readonly pluginInstaller?: boolean;
}

/** Who owns a key of the values the library writes: the prop that sets it, or the install itself. */
export type OwnedKeyOwner = 'cniPaths' | 'image' | 'token' | 'serviceAccount' | 'netns' | 'tolerations';

/** A values key the install writes and refuses in hand-given values. */
export interface OwnedKey {
  readonly path: readonly string[];
  readonly owner: OwnedKeyOwner;
}

/** Where a chart is served. */
export interface ChartSource {
  /** The kind of Flux source object it is installed from. */
  readonly kind: 'HelmRepository' | 'OCIRepository';
  /** A Helm repository's URL (HelmRepository), or the chart's OCI repository without a tag (OCIRepository). */
  readonly url: string;
  /** The chart's name in its repository. */
  readonly chart: string;
  /** The Flux source object's name as the library and the public repositories write it. */
  readonly repositoryName: string;
}

/** The Kubernetes ranges a chart version declares: its own (enforced by helm) and its library's (not enforced). */
export interface ChartKubernetes {
  /** The chart's own `kubeVersion`, when it declares one. */
  readonly own?: KubernetesRange;
  /** The library it is built on as served today, and that library's `kubeVersion`. */
  readonly library?: { readonly name: string; readonly range: KubernetesRange };
}

/** One Multus chart. */
export interface MultusChartProfile {
  readonly id: MultusChartId;
  /** How messages name it: `angelnu multus`. */
  readonly label: string;
  /** The family's name, as `MultusChartFamily` gives it. */
  readonly family: string;
  /** The library's factory of the chart, for messages: `MultusChart.angelnu()`. */
  readonly factory: string;
  /** Where the library installs it from by default. */
  readonly source: ChartSource;
  /** Other places the same chart is served (mirrors the public repositories use). */
  readonly alsoServedAt: readonly ChartSource[];
  /** The daemon it runs: the thick daemon (`multus-daemon` + `multus-shim`) or the thin plugin. */
  readonly daemon: 'thick' | 'thin';
  /** The daemon image the library writes by default: Multus v4.3.0 (https://github.com/k8snetworkplumbingwg/multus-cni/releases/tag/v4.3.0). */
  readonly defaultImage: { readonly repository: string; readonly tag: string };
  /** The version the library installs by default. */
  readonly defaultVersion: string;
  /** The versions whose real packages the rendered suite renders with the real helm. */
  readonly verifiedVersions: readonly string[];
  /** Versions that exist but install a broken Multus, with the reason. */
  readonly refusedVersions: Readonly<Record<string, string>>;
  /** True iff the library writes values for `version` (and the rulebook judges its values). */
  accepts(version: string): boolean;
  /**
   * True iff the rulebook judges a release of `version`: the versions the library writes for, the
   * refused ones, and versions known to share their values keys.
   */
  judges(version: string): boolean;
  /** Where `version` puts the daemon, when the library knows. */
  layoutOf(version: string): DaemonContainer | undefined;
  /** The chart's own values keys beyond the common library's top-level keys. */
  readonly keysRead: KeyTree;
  /** True iff the chart also reads the common library's top-level keys. */
  readonly readsCommonKeys: boolean;
  /** The CNI directories the chart uses when its values leave them out. */
  defaultDirs(version: string): CniDirs | undefined;
  /** Where the values put the CNI config and plugin directories. */
  readonly dirsPaths: { readonly config: readonly string[]; readonly bin: readonly string[] };
  /** Where the values put the daemon's image (`{ repository, tag }`). */
  imagePath(layout: DaemonContainer): readonly string[];
  /** Where the values put the daemon's resources. */
  resourcesPath(layout: DaemonContainer): readonly string[];
  /** The values the library writes for an install. */
  writeValues(input: InstallValuesInput): Record<string, any>;
  /** The keys the install writes and hand-given values may not set, remove or replace. */
  ownedKeys(layout: DaemonContainer): readonly OwnedKey[];
  /** A release name the chart renders only under, if any. */
  readonly fixedReleaseName?: string;
  /** A CNI config directory the chart works only with, if any. */
  readonly fixedConfigDir?: string;
  /** Which daemon settings the chart has values for. */
  readonly settings: { readonly logLevel: boolean; readonly cniVersion: boolean };
  /** True iff the chart overwrites the daemon's tolerations in values with its own (CriticalAddonsOnly). */
  readonly tolerationsHardCoded: boolean;
  /**
   * Where the chart reads the daemon's tolerations from its values, as given, when it does: the
   * install writes them there instead of patching the DaemonSet with a post-renderer.
   */
  readonly tolerationsPath?: readonly string[];
  /**
   * The chart's switch for its plugin installer (an init container that copies the reference
   * plugins, macvlan, static, dhcp, into the bin dir), when it has one.
   */
  readonly pluginInstaller?: { readonly enabledPath: readonly string[] };
  /**
   * True iff a release of `version` installs the NetworkAttachmentDefinition CRD itself; false when
   * the CRD comes from another chart (`crdChart`).
   */
  installsCrd(version: string | undefined): boolean;
  /** The chart that carries the CRD for versions that do not (`installsCrd` false), and where it is served. */
  readonly crdChart?: { readonly chart: string; readonly sources: readonly ChartSource[] };
  /** The host directory the thick daemon mounts for pod network namespaces, and where the values set it. */
  readonly netnsMount?: { readonly valuesPath: readonly string[]; readonly defaultDir: string };
  /** The Kubernetes ranges `version` declares, as served today. */
  kubernetes(version: string): ChartKubernetes;
}

/** The daemon image upstream publishes. */
export const MULTUS_IMAGE = 'ghcr.io/k8snetworkplumbingwg/multus-cni';

/** The install's API token key, which every chart built on bjw-s common 5 needs on. */
export const TOKEN_KEY: OwnedKey = { path: ['defaultPodOptions', 'automountServiceAccountToken'], owner: 'token' };

