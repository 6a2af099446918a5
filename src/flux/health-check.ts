import { invalid } from '../errors';
import { checkApiVersion, checkDnsLabel, checkDnsSubdomain } from '../util/names';

/**
 * An object Flux waits for before it calls a Kustomization ready (`spec.healthChecks`), and so
 * before any Kustomization that `dependsOn` it starts.
 */
export class FluxHealthCheck {
  /**
   * A Flux HelmRelease (helm.toolkit.fluxcd.io/v2): ready once the chart is installed, CRDs included.
   * @param name the HelmRelease's name
   * @param namespace the HelmRelease's namespace
   */
  public static helmRelease(name: string, namespace: string): FluxHealthCheck {
    return FluxHealthCheck.of('helm.toolkit.fluxcd.io/v2', 'HelmRelease', name, namespace);
  }

  /**
   * A CustomResourceDefinition (cluster-scoped): ready once the API server serves its kinds.
   * @param name the CRD's name, e.g. `network-attachment-definitions.k8s.cni.cncf.io`
   */
  public static customResourceDefinition(name: string): FluxHealthCheck {
    return FluxHealthCheck.of('apiextensions.k8s.io/v1', 'CustomResourceDefinition', name);
  }

  /**
   * Any object, by API version, kind, name and (for namespaced kinds) namespace.
   * @param apiVersion e.g. `apps/v1`
   * @param kind e.g. `DaemonSet`
   * @param name the object's name
   * @param namespace the object's namespace; leave out for cluster-scoped kinds
   */
  public static of(apiVersion: string, kind: string, name: string, namespace?: string): FluxHealthCheck {
    checkApiVersion('healthChecks.apiVersion', apiVersion);
    if (typeof kind !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
      invalid({ field: 'healthChecks.kind', value: kind, hint: 'give a kind in UpperCamelCase, e.g. "HelmRelease"' });
    }
    checkDnsSubdomain('healthChecks.name', name);
    if (namespace !== undefined) checkDnsLabel('healthChecks.namespace', namespace);
    return new FluxHealthCheck(apiVersion, kind, name, namespace);
  }

  /** API version of the object. */
  public readonly apiVersion: string;
  /** Kind of the object. */
  public readonly kind: string;
  /** Name of the object. */
  public readonly name: string;
  /** Namespace of the object (none for cluster-scoped kinds). */
  public readonly namespace?: string;

  private constructor(apiVersion: string, kind: string, name: string, namespace?: string) {
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.name = name;
    this.namespace = namespace;
  }
}

