// The rulebook's data: plain manifests in (each with where it came from and which Flux
// Kustomization applies it), findings out. No cdk8s, no file system: the synth check, the cdk8s
// validation plugin and the command line each build manifests their own way and run the same rules.

/** How bad a finding is: an `error` breaks the install or the pod; a `warning` works today but is fragile. @internal */
export type Level = 'error' | 'warning';

/** Where a manifest came from: a document of a file, or an ApiObject of a cdk8s app. @internal */
export interface Location {
  /** The file, relative to the directory checked (`/` separators). */
  readonly file?: string;
  /** The document's index in the file, from 0. */
  readonly doc?: number;
  /** The construct path of the ApiObject, at synth. */
  readonly constructPath?: string;
}

/** The Flux Kustomization that applies a manifest, as far as the input shows it. @internal */
export interface FluxContext {
  /** The Kustomization's name. */
  readonly name: string;
  /** The Kustomization's namespace, when known. */
  readonly namespace?: string;
  /** `spec.targetNamespace`: the namespace of every namespaced object it applies. */
  readonly targetNamespace?: string;
  /** Where the Kustomization itself is defined. */
  readonly location: Location;
  /**
   * The cluster the object belongs to, as far as the input tells: the outermost Flux Kustomization
   * of the chain that applies it, when that one applies Flux Kustomizations itself (a cluster's
   * root, such as `cluster-apps`); `''` otherwise. Objects of one cluster share it.
   */
  readonly cluster: string;
}

/** One Kubernetes object as it will be applied. @internal */
export interface Manifest {
  /** The object (after kustomize patches and Flux substitutions, as far as they are known). */
  readonly object: any;
  readonly location: Location;
  /** The Flux Kustomization that applies it, if the input shows one. */
  readonly flux?: FluxContext;
  /**
   * The namespace the object lands in: Flux's `targetNamespace`, else kustomize's `namespace`, else
   * `metadata.namespace`; undefined when none is known.
   */
  readonly namespace?: string;
}

/** What a rule found. @internal */
export interface Finding {
  /** The rule's id (`chart-version-refused`, ...), a stable contract. */
  readonly rule: string;
  readonly level: Level;
  /** The offending object. */
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** The field that holds the offending value, as a dotted path (`spec.values.resources`). */
  readonly field: string;
  /** The offending value, rendered for a human (strings in double quotes, the rest as JSON). */
  readonly value: string;
  /** What is wrong, as a phrase that follows the value (`must not be installed: ...`). */
  readonly problem: string;
  /** What would be right. */
  readonly fix: string;
  /** The whole finding in one line: object, field, value, problem and fix. */
  readonly message: string;
  readonly location: Location;
}
