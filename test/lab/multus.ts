/**
 * The one piece of Multus the lab keeps: turning an element of a pod's `k8s.v1.cni.cncf.io/networks`
 * annotation into what libcni gets for that network (the interface name, the `CNI_ARGS` pairs and the
 * capability arguments). libcni then decides which plugin sees which capability argument.
 *
 * Read from k8snetworkplumbingwg/multus-cni `pkg/types/conf.go`:
 * - `LoadDelegateNetConf` copies the element's `mac`, `ips`, `bandwidth`, `portMappings`,
 *   `infiniband-guid` and `deviceID` onto the delegate, and `interface` into its interface request;
 * - `mergeCNIRuntimeConfig` moves them into the delegate's runtime config (for every delegate but the
 *   cluster network);
 * - `newCNIRuntimeConf` makes them the libcni `CapabilityArgs` under the keys `portMappings`,
 *   `bandwidth`, `ips`, `mac`, `infinibandGUID` and `deviceID`, each only when it is set;
 * - `createRuntimeConf` sets the `Args` (`CNI_ARGS`): `IgnoreUnknown=true`, `K8S_POD_NAMESPACE`,
 *   `K8S_POD_NAME`, `K8S_POD_INFRA_CONTAINER_ID`, `K8S_POD_UID`, in this order.
 * The interface defaults to `net<N>`, N counting the pod's networks from 1 (`pkg/multus/multus.go`).
 *
 * Left out on purpose: Multus 4.x also appends `MAC=` and `IP=` to `CNI_ARGS` (the path
 * `pkg/multus/multus.go` marks "Deprecated in ver 3.5"), which lets configs without capabilities
 * work by accident; the lab proves the library's configs without it. `cni-args` (merged into the
 * config's `args.cni`), `default-route` (applied by Multus after ADD) and the device-info file of a
 * `deviceID` are not used by the library's networks.
 */

/** An element of the annotation, as JSON (NPWG multi-net spec v1.3, the fields Multus maps). */
export interface SelectionElement {
  readonly name?: string;
  readonly namespace?: string;
  readonly interface?: string;
  readonly ips?: readonly string[];
  readonly mac?: string;
  readonly portMappings?: readonly unknown[];
  readonly bandwidth?: unknown;
  readonly 'infiniband-guid'?: string;
  readonly deviceID?: string;
}

/** The pod an element belongs to, as the container runtime names it to Multus. */
export interface PodIdentity {
  readonly name: string;
  readonly namespace: string;
  /** The sandbox (pause container) id; with the network name and interface, the key of an attachment. */
  readonly sandboxId: string;
  readonly uid?: string;
}

/** The libcni `CapabilityArgs` Multus builds from one element. */
export function capabilityArgs(element: SelectionElement): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (element.portMappings !== undefined && element.portMappings.length > 0) args.portMappings = element.portMappings;
  if (element.bandwidth !== undefined && element.bandwidth !== null) args.bandwidth = element.bandwidth;
  if (element.ips !== undefined && element.ips.length > 0) args.ips = element.ips;
  if (element.mac !== undefined && element.mac !== '') args.mac = element.mac;
  if (element['infiniband-guid'] !== undefined && element['infiniband-guid'] !== '') args.infinibandGUID = element['infiniband-guid'];
  if (element.deviceID !== undefined && element.deviceID !== '') args.deviceID = element.deviceID;
  return args;
}

/** The libcni `Args` (`CNI_ARGS`) Multus passes to every delegate of a pod. */
export function cniArgs(pod: PodIdentity): Array<[string, string]> {
  return [
    ['IgnoreUnknown', 'true'],
    ['K8S_POD_NAMESPACE', pod.namespace],
    ['K8S_POD_NAME', pod.name],
    ['K8S_POD_INFRA_CONTAINER_ID', pod.sandboxId],
    ['K8S_POD_UID', pod.uid ?? ''],
  ];
}

/** The interface Multus creates for the element at `index` (from 0) of the annotation. */
export function interfaceName(element: SelectionElement, index: number): string {
  return element.interface !== undefined && element.interface !== '' ? element.interface : `net${index + 1}`;
}

/** The elements of an annotation value (the JSON list form the library writes). */
export function selectionElements(annotationValue: string): SelectionElement[] {
  const parsed = JSON.parse(annotationValue);
  if (!Array.isArray(parsed)) throw new Error(`the annotation is not a JSON list: ${annotationValue}`);
  return parsed as SelectionElement[];
}
