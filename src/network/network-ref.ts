import { checkDnsLabel } from '../util/validate';

/**
 * A NetworkAttachmentDefinition a pod can be attached to: an `IotNetwork` of this app, or a
 * reference to one defined elsewhere (`NetworkRef.of()`).
 */
export interface INetworkAttachment {
  /** The NetworkAttachmentDefinition's name (the `name` of an annotation element). */
  readonly networkName: string;
  /** The NetworkAttachmentDefinition's namespace (the `namespace` of an annotation element). */
  readonly networkNamespace: string;
}

/**
 * A NetworkAttachmentDefinition that is not defined in this app (installed by hand, or by another
 * repository). Nothing is known of its subnet or IPAM, so requests against it are checked for form only.
 *
 * Pods may name a NAD in another namespace (the NPWG multi-net spec allows it) unless Multus runs
 * with `namespaceIsolation`.
 */
export class NetworkRef implements INetworkAttachment {
  /**
   * @param name the NetworkAttachmentDefinition's name (a DNS-1123 label)
   * @param namespace its namespace (a DNS-1123 label)
   */
  public static of(name: string, namespace: string): NetworkRef {
    checkDnsLabel('network.name', name);
    checkDnsLabel('network.namespace', namespace);
    return new NetworkRef(name, namespace);
  }

  public readonly networkName: string;
  public readonly networkNamespace: string;

  private constructor(name: string, namespace: string) {
    this.networkName = name;
    this.networkNamespace = namespace;
  }
}
