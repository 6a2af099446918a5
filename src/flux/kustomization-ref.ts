import { checkDnsLabel, checkDnsSubdomain } from '../util/validate';

/**
 * A Flux Kustomization another one can depend on: one of this app (`FluxKustomization`) or one
 * defined elsewhere in the cluster's repository (`FluxKustomizationRef.of()`).
 */
export interface IFluxKustomizationRef {
  /** The Flux Kustomization's name. */
  readonly kustomizationName: string;
  /** The Flux Kustomization's namespace (where Flux runs, usually `flux-system`). */
  readonly kustomizationNamespace: string;
}

/** A Flux Kustomization that this app does not define (e.g. `cilium` in the hand-written part of the repository). */
export class FluxKustomizationRef implements IFluxKustomizationRef {
  /**
   * @param name the Flux Kustomization's name
   * @param namespace its namespace
   */
  public static of(name: string, namespace: string = 'flux-system'): FluxKustomizationRef {
    checkDnsSubdomain('dependsOn.name', name);
    checkDnsLabel('dependsOn.namespace', namespace);
    return new FluxKustomizationRef(name, namespace);
  }

  public readonly kustomizationName: string;
  public readonly kustomizationNamespace: string;

  private constructor(name: string, namespace: string) {
    this.kustomizationName = name;
    this.kustomizationNamespace = namespace;
  }
}

