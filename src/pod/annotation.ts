import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Problems, ValidationError, ValidationProblem, invalid, problem, refusal } from '../errors';
import { CheckedClaim, ClaimRequest } from '../network/address-plan';
import { IotNetwork } from '../network/iot-network';
import { INetworkAttachment } from '../network/network-ref';
import { AppCheckContext, MultusRulebook } from '../util/app-checks';
import { checkConstructId } from '../util/construct-id';
import { keptStateOf, stateOf } from '../util/scope-state';
import { isPlainObject } from '../util/merge';
import { trimmed } from '../util/lists';
import { checkKnownProps, propsShape } from '../util/props';
import { checkDnsLabel } from '../util/validate';
import { HOST_NETWORK, NETWORKS_ANNOTATION, controllerHostNetwork, podAnnotationValues } from '../knowledge/workloads';
import { checkAppTemplateValues } from './app-template';
import { MacRequest, macClaimProblems, recordMacClaims } from './mac-plan';
import { hostNetworkPods, hostNetworkPodsOf } from './pod-checks';
import { findPodAnnotationSite, readNested, setNested } from './pod-template';
import {
  SelectionElement, canonicalAddress, canonicalAddressWithPrefix, canonicalMac, checkCniArgs,
  checkInterfaces, checkNetworkIdentity, renderSelections,
} from './selection';

/** One network a pod is attached to: an element of the `k8s.v1.cni.cncf.io/networks` annotation. */
export interface NetworkSelection {
  /**
   * The NetworkAttachmentDefinition: an `IotNetwork` of this app (then every request below is checked
   * against its subnet, IPAM and address plan), or `NetworkRef.of(name, namespace)` for one defined
   * elsewhere (checked for form only). The NAD may live in another namespace than the pod: the NPWG
   * spec allows it, unless Multus runs with `namespaceIsolation`.
   */
  readonly network: INetworkAttachment;

  /**
   * Static addresses for this interface (`ips`). They reach the plugin only when the network's IPAM
   * takes addresses from the annotation (`static` IPAM with `capabilities.ips`). On an `IotNetwork`,
   * an address without a prefix gets the subnet's prefix, a different prefix is refused (it would give
   * the interface the wrong netmask), and each address is claimed in the network's address plan, so
   * no two pods of the app can hold it.
   * Required on an `IotNetwork` with static IPAM, whose plugin has no other source of an address.
   * @default - the network's IPAM chooses the address
   */
  readonly ips?: string[];

  /**
   * A fixed MAC address for this interface (keeps router client reservations stable). Must be unicast;
   * a locally administered one (`02:...`) is recommended so it never clashes with a vendor's MAC. On an
   * `IotNetwork` it needs the network's MAC capability, and no other pod of the app may pin it on
   * that network; no two interfaces of one pod may pin one MAC on one network.
   * @default - a random MAC chosen by the plugin at every pod start
   */
  readonly mac?: string;

  /**
   * The interface name inside the pod. Must be a valid Linux interface name (without `%`, which the
   * kernel reads as a pattern, and not `all` or `default`), unique within the pod, and not `eth0`
   * (the cluster network) or `lo`.
   * @default - `net<N>`, N being the element's position counting from 1 (Multus's naming)
   */
  readonly interface?: string;

  /**
   * Gateways for the pod's default route through this interface (`default-route`). At most one
   * network of a pod may carry it; on an `IotNetwork` the gateways must be in its subnet.
   * @default - the default route stays on the cluster network (eth0)
   */
  readonly defaultRoute?: string[];

  /**
   * Extra arguments passed to the CNI plugins (`cni-args`). Keys and values must be YAML-safe: no
   * control characters, line or paragraph separators, byte order marks or bidirectional controls.
   * @default - none
   */
  readonly cniArgs?: { [key: string]: string };
}

/** Props of `MultusPodAnnotation`. */
export interface MultusPodAnnotationProps {
  /**
   * The networks of one pod, in the order Multus attaches them. At least one.
   */
  readonly networks: NetworkSelection[];
}

const NETWORK_SELECTION = propsShape<NetworkSelection>('NetworkSelection', { network: true, ips: true, mac: true, interface: true, defaultRoute: true, cniArgs: true });
const ANNOTATION_PROPS = propsShape<MultusPodAnnotationProps>('MultusPodAnnotationProps', { networks: true });

/**
 * What an app keeps of its MultusPodAnnotations: every one, in the order they were made, and which
 * annotation each pod (a target's pod, or an app-template controller's) was given, by the construct
 * that holds the pod and the controller (a JSON patch on a raw ApiObject is not visible in its
 * props, so the pod's own annotations cannot tell). Kept in the app, found once by each
 * annotation; made with the app's one end-of-app check of them all.
 */
interface AppAnnotations {
  readonly all: MultusPodAnnotation[];
  readonly applied: Map<IConstruct | string, MultusPodAnnotation>;
}

const APP_ANNOTATIONS = 'cdk8s-multus.annotations';

/** The annotations of the app that `scope` belongs to, made (with the app's end-of-app check) on first use. */
function appAnnotationsOf(scope: IConstruct): AppAnnotations {
  return stateOf(scope.node.root, APP_ANNOTATIONS, () => {
    const all: MultusPodAnnotation[] = [];
    MultusRulebook.of(scope)._add((context) => {
      const problems: Array<ValidationProblem | ValidationError> = [];
      for (const a of all) a._endOfAppProblems(context, problems);
      return problems;
    });
    return { all, applied: new Map() };
  });
}

/**
 * Every MultusPodAnnotation of the app of `scope`, in the order they were made (none when the app
 * made none): what the rulebook at synth reads instead of parsing the annotations they wrote.
 * @internal
 */
export function appAnnotations(scope: IConstruct): ReadonlyArray<MultusPodAnnotation> {
  return keptStateOf<AppAnnotations>(scope.node.root, APP_ANNOTATIONS)?.all ?? [];
}

/** The construct itself for its pod, a text naming it and the controller for a controller's pods. */
function appliedKey(key: IConstruct, controller: string): IConstruct | string {
  return controller === '' ? key : `${key.node.path}\0${controller}`;
}

/** Which element of a pod's networks carries the default route, once one does. */
interface DefaultRouteState {
  at?: number;
}

/** One element of `networks` that passed its checks. */
interface CheckedSelection {
  readonly sel: NetworkSelection;
  readonly iot?: IotNetwork;
  readonly name: string;
  readonly namespace: string;
  readonly ips?: string[];
  readonly mac?: string;
  readonly defaultRoute?: string[];
  readonly cniArgs?: Record<string, string>;
}

const interfaceField = (i: number): string => `networks[${i}].interface`;

/** The static addresses one pod asks of one IotNetwork: the requests, what the plan granted, how many were handed out. */
interface ClaimBatch {
  readonly network: IotNetwork;
  readonly requests: ClaimRequest[];
  granted?: CheckedClaim[];
  taken: number;
}

/** The batch of `network` in `batches`, added when there is none yet. */
function batchOf(batches: ClaimBatch[], network: IotNetwork): ClaimBatch {
  for (const b of batches) if (b.network === network) return b;
  const batch: ClaimBatch = { network, requests: [], granted: undefined, taken: 0 };
  batches.push(batch);
  return batch;
}

const ACCEPTED_TARGETS = 'give a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod, of any cdk8s-plus line) or an ApiObject of kind Pod or with spec.template (a KubeDeployment, ...); for a bjw-s app-template HelmRelease use applyToHelmRelease()';

/**
 * Puts a pod on one or more Multus networks: builds the `k8s.v1.cni.cncf.io/networks` annotation
 * from typed selections, checks each against the network it names, and writes it where Multus reads
 * it: the pod, or a workload's pod template, never the workload's own metadata (the most reported
 * Multus mistake: https://github.com/k8snetworkplumbingwg/multus-cni/issues/348, https://github.com/k8snetworkplumbingwg/multus-cni/issues/444, https://github.com/k8snetworkplumbingwg/multus-cni/issues/566).
 *
 * One `MultusPodAnnotation` is one pod's set of attachments. Static addresses (`ips`) are claimed in
 * the `IotNetwork`'s address plan when it is constructed (claimant: this construct's path and the
 * element's and address's index, e.g. `apps/ha-iot networks[0].ips[0]`), so a clash is reported at
 * once, naming both claimants. For the same reason an annotation with static addresses or a fixed MAC
 * can be applied to one single-pod target only.
 *
 * @example
 * const ha = new MultusPodAnnotation(chart, 'ha-iot', {
 *   networks: [{ network: iot, ips: ['192.168.20.100'], mac: '02:42:c0:a8:14:64' }],
 * });
 * ha.applyTo(deployment); // a cdk8s-plus Deployment with replicas: 1
 */
export class MultusPodAnnotation extends Construct {
  /** The pod annotation Multus reads the requested networks from. */
  public static readonly ANNOTATION_KEY = NETWORKS_ANNOTATION;

  /**
   * The pod annotation Multus writes back: a JSON list of `{name, interface, ips, mac, default}`
   * per attached network (`kubectl get pod -o jsonpath=...`).
   */
  public static readonly NETWORK_STATUS_KEY = 'k8s.v1.cni.cncf.io/network-status';

  /** The networks, in the order of the annotation. */
  public readonly networks: INetworkAttachment[];

  /**
   * Whether the annotation pins static addresses or a MAC: then every pod that carries it would take
   * the same addresses, so it may be applied to one single-pod target only.
   */
  public readonly requiresSinglePod: boolean;

  /**
   * The pods the annotation was applied to: the target, the construct that holds the pod, and the
   * app-template controller.
   */
  private sites: Array<{ readonly target: IConstruct; readonly key: IConstruct; readonly controller?: string }> = [];
  private readonly rendered: string;
  /** What the app keeps of its annotations (this one included). */
  private readonly app: AppAnnotations;
  /** The elements of the annotation, as `rendered` serializes them. */
  private readonly elements: ReadonlyArray<SelectionElement>;
  /** Whether the annotation was handed to a pod: applied to a target, or its map or values taken. */
  private handedOut = false;
  /** Whether its map or values were taken, to be written into a pod by hand. */
  private byValue = false;

  constructor(scope: Construct, id: string, props: MultusPodAnnotationProps) {
    checkConstructId(scope, id, 'MultusPodAnnotation');
    super(scope, id);
    this.app = appAnnotationsOf(this);
    checkKnownProps('', props, ANNOTATION_PROPS, this);
    const selections = props?.networks;
    if (!Array.isArray(selections) || selections.length === 0) {
      invalid({ field: 'networks', value: selections, hint: 'give at least one network, e.g. [{ network: iot }]', scope: this, problem: 'is empty' });
    }

    // Every element is checked, and every problem of every element reported together; the
    // addresses are then checked against the networks' plans as a whole and recorded only when
    // all of them can be granted, so a pod that is refused holds no address.
    const problems = new Problems();
    const route: DefaultRouteState = {};
    const checked: Array<CheckedSelection | undefined> = [];
    const interfaces: Array<string | undefined> = [];
    for (let i = 0; i < selections.length; i++) {
      let c: CheckedSelection | undefined;
      try {
        c = this.checkSelection(selections[i], i, route);
      } catch (e) {
        problems.record(e);
      }
      checked.push(c);
      interfaces.push(isPlainObject(selections[i]) ? selections[i].interface : undefined);
    }
    try {
      checkInterfaces(interfaceField, interfaces, this);
    } catch (e) {
      problems.record(e);
    }
    for (let i = 0; i < checked.length; i++) {
      const c = checked[i];
      // Static IPAM has no source of an address but the annotation: without one the attachment
      // fails at every pod start with "IPAM plugin returned missing IP config".
      if (c?.iot && c.iot.takesAddressesFromAnnotation && c.sel.ips === undefined) {
        problems.add(refusal({ field: `networks[${i}].ips`, value: c.sel.ips, hint: `network ${c.namespace}/${c.name} uses static IPAM, which takes the pod's address from the annotation only: give a free address in ${c.iot.subnet} outside the DHCP pool (without one the attachment fails with "IPAM plugin returned missing IP config")`, scope: this, problem: 'is required' }));
      }
    }
    problems.throwIfAny();
    const elements = checked as CheckedSelection[];

    // The static addresses of each IotNetwork, checked as one batch per network (claimant: this
    // construct's path and the element's and address's index). A pod names a network or two: the
    // batches are a short list searched in order, not maps.
    const path = this.node.path;
    const batches: ClaimBatch[] = [];
    for (let i = 0; i < elements.length; i++) {
      const c = elements[i];
      if (!c.iot || !c.sel.ips) continue;
      const batch = batchOf(batches, c.iot);
      for (let j = 0; j < c.sel.ips.length; j++) {
        const field = `networks[${i}].ips[${j}]`;
        // Joined, not concatenated: the plan keeps the claimant for as long as the app lives, and a
        // joined text is one flat string where a template's result is a tree of its pieces.
        batch.requests.push({ address: c.sel.ips[j], claimant: [path, field].join(' '), field });
      }
    }
    for (const batch of batches) {
      try {
        batch.granted = batch.network._checkClaims(batch.requests);
      } catch (e) {
        problems.record(e);
      }
    }
    // The pinned MACs, per network, against every other pod's and each other.
    const macs: MacRequest[] = [];
    for (let i = 0; i < elements.length; i++) {
      const c = elements[i];
      if (c.mac !== undefined) macs.push({ network: `${c.namespace}/${c.name}`, mac: c.mac, claimant: [path, `networks[${i}].mac`].join(' '), field: `networks[${i}].mac`, planned: c.iot !== undefined });
    }
    problems.addAll(macClaimProblems(this, macs));
    problems.throwIfAny();
    for (const batch of batches) batch.network._recordClaims(batch.granted!);
    recordMacClaims(this, macs);

    // The granted addresses in the order of the requests, per network. Built with loops and push:
    // arrays of one kind wherever they are made, so that the optimized constructor is not thrown
    // back to the interpreter by the first array an inlined map() made differently.
    const selectionElements: SelectionElement[] = [];
    const networks: INetworkAttachment[] = [];
    let pinned = false;
    for (const c of elements) {
      let ips = c.ips;
      if (c.iot && c.sel.ips) {
        const batch = batchOf(batches, c.iot);
        const granted: string[] = [];
        for (let j = 0; j < c.sel.ips.length; j++) granted.push(batch.granted![batch.taken + j].withPrefix);
        batch.taken += c.sel.ips.length;
        ips = trimmed(granted);
      }
      selectionElements.push({ name: c.name, namespace: c.namespace, interface: c.sel.interface, ips, mac: c.mac, 'default-route': c.defaultRoute, 'cni-args': c.cniArgs });
      networks.push(c.sel.network);
      pinned ||= ips !== undefined || c.mac !== undefined;
    }
    this.rendered = renderSelections(selectionElements);
    // Kept for as long as the app lives: at their length (util/lists.ts).
    this.elements = trimmed(selectionElements);
    this.networks = trimmed(networks);
    this.requiresSinglePod = pinned;
    // Known only at the end: an annotation that never reaches a pod attaches nothing, and its
    // static addresses would still be held in the address plan.
    this.app.all.push(this);
  }

  /**
   * One element of `networks`, checked: every problem of the element together. An IotNetwork checked
   * its name and namespace when it was made (both readonly).
   */
  private checkSelection(sel: NetworkSelection, i: number, route: DefaultRouteState): CheckedSelection {
    const base = `networks[${i}]`;
    if (!isPlainObject(sel)) invalid({ field: base, value: sel, hint: 'give an object such as { network: iot }', scope: this });
    checkKnownProps(base, sel, NETWORK_SELECTION, this);
    const element = new Problems();
    const iot = sel.network instanceof IotNetwork ? sel.network : undefined;
    const identity = iot ? { name: iot.networkName, namespace: iot.networkNamespace } : element.check(() => checkNetworkIdentity(`${base}.network`, sel.network, this));
    const label = identity ? `${identity.namespace}/${identity.name}` : base;
    // Caught in place: almost every selection gives ips, and a closure for it on every annotation
    // of a large app is measurable (the rarer fields below use element.check).
    let ips: string[] | undefined;
    try {
      ips = this.checkIps(sel, base, iot, label);
    } catch (e) {
      element.record(e);
    }
    const mac = sel.mac === undefined ? undefined : element.check(() => this.checkMac(sel, base, iot, label));
    const defaultRoute = sel.defaultRoute === undefined ? undefined : element.check(() => this.checkDefaultRoute(sel, base, iot, i, route));
    const cniArgs = sel.cniArgs === undefined ? undefined : element.check(() => checkCniArgs(`${base}.cniArgs`, sel.cniArgs, this));
    element.throwIfAny();
    return { sel, iot, name: identity!.name, namespace: identity!.namespace, ips, mac, defaultRoute, cniArgs };
  }

  /** The gateways of an element's default route; only one element of a pod may carry one. */
  private checkDefaultRoute(sel: NetworkSelection, base: string, iot: IotNetwork | undefined, i: number, route: DefaultRouteState): string[] {
    if (!Array.isArray(sel.defaultRoute) || sel.defaultRoute.length === 0) {
      invalid({ field: `${base}.defaultRoute`, value: sel.defaultRoute, hint: 'give at least one gateway address, or leave defaultRoute out to keep the default route on eth0', scope: this });
    }
    if (route.at !== undefined) {
      invalid({ field: `${base}.defaultRoute`, value: sel.defaultRoute, hint: `networks[${route.at}] already carries the default route; only one network of a pod may (NPWG multi-net spec)`, scope: this, problem: 'is a second default route' });
    }
    route.at = i;
    return sel.defaultRoute.map((gw, j) => {
      const field = `${base}.defaultRoute[${j}]`;
      // On an IotNetwork the gateway must be a usable host of its subnet (not the network or
      // broadcast address); on a NetworkRef only its form is known.
      return iot ? iot.checkHostAddress(gw, field) : canonicalAddress(field, gw, this);
    });
  }

  /**
   * The end-of-app checks of this annotation: its problems are added to `into` (the app's one list
   * for all its annotations).
   * @internal
   */
  public _endOfAppProblems(context: AppCheckContext, into: Array<ValidationProblem | ValidationError>): void {
    if (!this.handedOut) into.push(...this.checkReachesPod(context));
    if (this.sites.length > 0) into.push(...this.checkSites(context));
    if (this.byValue) into.push(...this.checkByValue(context));
  }

  /**
   * The elements of the annotation, checked and canonical: what `value` serializes, for the rulebook
   * at synth to read without parsing `value` again.
   * @internal
   */
  public get _elements(): ReadonlyArray<SelectionElement> {
    return this.elements;
  }

  /** The annotation value: a JSON list of NPWG v1.3 selection elements. */
  public get value(): string {
    return this.rendered;
  }

  /** The annotation as a map, `{ 'k8s.v1.cni.cncf.io/networks': value }`, for any pod metadata. */
  public toAnnotations(): { [key: string]: string } {
    this.handedOut = true;
    this.byValue = true;
    return { [MultusPodAnnotation.ANNOTATION_KEY]: this.rendered };
  }

  /**
   * Annotates the pod that `target` runs: the pod template of a workload, or the pod itself. The
   * target's other annotations are kept; the workload's own metadata is never touched.
   *
   * Accepted: anything with `podMetadata` (the workloads of every cdk8s-plus line: Deployment,
   * StatefulSet, DaemonSet, Job, CronJob, Pod), an `ApiObject` of kind `Pod`, or an `ApiObject` whose
   * spec has a `template` (or a CronJob's `jobTemplate`). Refused: anything else; a target whose pod
   * already has a different networks annotation, or was given another MultusPodAnnotation (put all of
   * a pod's networks in one annotation); a pod on the node's network (`hostNetwork`, a
   * `MultusNodeCleanup`), for which no CNI runs; and, when static addresses or a MAC are pinned, a
   * target that runs more than one pod (a DaemonSet, more than one replica, an autoscaler, also one
   * added after this call: checked again at synth) or a second target. Applying twice to the same
   * target is a no-op.
   *
   * With static addresses, prefer a `Recreate` strategy for a Deployment: a rolling update starts the
   * new pod while the old one still holds the address.
   */
  public applyTo(target: IConstruct): void {
    if (!target || typeof target !== 'object' || !target.node) {
      invalid({ field: 'target', value: target, hint: ACCEPTED_TARGETS, scope: this, problem: 'is not a construct' });
    }
    if (this.appliedToTarget(target)) return;
    const path = target.node.path;
    const site = findPodAnnotationSite(target, 'target');
    if (!site) invalid({ field: 'target', value: path, hint: ACCEPTED_TARGETS, scope: this, problem: 'has no pod to annotate' });
    if (this.appliedTo(site.key, '') === this) return;
    if (site.hostNetwork) this.refuseHostNetwork(path, site.hostNetwork);
    this.checkSinglePod(path, site.multiPod);
    this.checkNotAnnotated(path, site.key, '', site.existing(MultusPodAnnotation.ANNOTATION_KEY));
    site.set(MultusPodAnnotation.ANNOTATION_KEY, this.rendered);
    this.recordTarget(target, site.key);
  }

  /** Refuses a pod that another annotation (or the user) already gave a different networks annotation. */
  private checkNotAnnotated(path: string, key: IConstruct, controller: string, existing: string | undefined): void {
    const other = this.appliedTo(key, controller);
    const current = existing ?? other?.rendered;
    if (current !== undefined && current !== this.rendered) {
      const by = other ? ` (from ${other.node.path})` : '';
      invalid({ field: 'target', value: path, hint: `its pod already has ${MultusPodAnnotation.ANNOTATION_KEY}${by}: ${current}; put all of a pod's networks in one MultusPodAnnotation`, scope: this, problem: 'would lose its networks annotation' });
    }
  }

  /** The annotation the pod of `key` (and `controller`) was given in this app, if any. */
  private appliedTo(key: IConstruct, controller: string): MultusPodAnnotation | undefined {
    return this.app.applied.get(appliedKey(key, controller));
  }

  /** Whether the annotation was applied to `target` already. */
  private appliedToTarget(target: IConstruct): boolean {
    return this.sites.some((s) => s.target === target);
  }

  private recordTarget(target: IConstruct, key: IConstruct, controller?: string): void {
    this.app.applied.set(appliedKey(key, controller ?? ''), this);
    // Most annotations have one target: a list of one, not a list grown for more.
    const site = { target, key, controller };
    if (this.sites.length === 0) this.sites = [site];
    else this.sites.push(site);
    this.handedOut = true;
  }

  private refuseHostNetwork(path: string, why: string): never {
    invalid({ field: 'target', value: path, hint: `${why}: ${HOST_NETWORK.reason}; annotate a pod on the pod network`, scope: this, problem: 'uses the host network' });
  }

  /**
   * The values fragment that puts the annotation on the pods of one controller of a bjw-s
   * app-template release (4.x and 5.x): `{ controllers: { <controller>: { pod: { annotations: {...} } } } }`.
   * (`controllers.<controller>.annotations` would be the controller's own metadata, which Multus
   * ignores.) A pure value: unlike `applyTo`, it does not count as a target.
   *
   * @param controller the app-template controller name (a key of `controllers`)
   */
  public toAppTemplateValues(controller: string): { [key: string]: any } {
    checkDnsLabel('controller', controller, this);
    return podAnnotationValues(controller, this.toAnnotations());
  }

  /**
   * Annotates the pods of one controller of an existing bjw-s app-template `HelmRelease`: adds
   * `spec.values.controllers.<controller>.pod.annotations` with a JSON patch at synth, keeping the
   * release's other values (the Home Assistant case). The release's `spec.values` must be a plain
   * object that already has the controller. Counts as a target, as `applyTo` does: with static
   * addresses the controller must run one pod (not `type: daemonset`, not more than one replica).
   *
   * @param release a Flux `HelmRelease` (helm.toolkit.fluxcd.io/v2) of the app-template chart
   * @param controller the controller whose pods join the networks
   */
  public applyToHelmRelease(release: ApiObject, controller: string): void {
    if (!ApiObject.isApiObject(release) || release.kind !== 'HelmRelease') {
      invalid({ field: 'release', value: (release as any)?.node?.path ?? release, hint: 'give a Flux HelmRelease (helm.toolkit.fluxcd.io/v2) of the bjw-s app-template chart; for workloads use applyTo()', scope: this, problem: 'is not a HelmRelease' });
    }
    if (this.appliedToTarget(release)) return;
    const values = readNested(release, ['spec', 'values'], 'release');
    if (values === undefined) {
      invalid({ field: 'release', value: release.node.path, hint: 'the release has no spec.values; use toAppTemplateValues() when creating it', scope: this, problem: 'has no values' });
    }
    const multiPod = checkAppTemplateValues(values, controller, this.rendered, 'release.spec.values', this);
    if (this.appliedTo(release, controller) === this) return;
    const hostNetwork = controllerHostNetwork(values, controller)?.why;
    if (hostNetwork) this.refuseHostNetwork(release.node.path, hostNetwork);
    this.checkSinglePod(release.node.path, multiPod);
    this.checkNotAnnotated(release.node.path, release, controller, undefined);
    setNested(release, ['spec', 'values', 'controllers', controller, 'pod', 'annotations'], MultusPodAnnotation.ANNOTATION_KEY, this.rendered, 'release');
    this.recordTarget(release, release, controller);
  }

  private checkIps(sel: NetworkSelection, base: string, iot: IotNetwork | undefined, label: string): string[] | undefined {
    if (sel.ips === undefined) return undefined;
    if (!Array.isArray(sel.ips) || sel.ips.length === 0) {
      invalid({ field: `${base}.ips`, value: sel.ips, hint: 'give at least one address, or leave ips out to let the IPAM choose', scope: this });
    }
    if (iot && !iot.takesAddressesFromAnnotation) {
      invalid({ field: `${base}.ips`, value: sel.ips, hint: `the IPAM of network ${label} does not take addresses from the annotation; give the network static IPAM with addresses from pods (capabilities.ips), or leave ips out`, scope: this, problem: 'cannot be honoured' });
    }
    // On an IotNetwork the plan checks the addresses (and their duplicates) with the claims.
    if (iot) return undefined;
    const problems = new Problems();
    const seen = new Set<string>();
    const ips = sel.ips.map((ip, j) => problems.check(() => {
      const canonical = canonicalAddressWithPrefix(`${base}.ips[${j}]`, ip, this);
      if (seen.has(canonical)) invalid({ field: `${base}.ips[${j}]`, value: ip, hint: 'each address may be given once', scope: this, problem: 'is given twice' });
      seen.add(canonical);
      return canonical;
    }));
    problems.throwIfAny();
    return ips as string[];
  }

  private checkMac(sel: NetworkSelection, base: string, iot: IotNetwork | undefined, label: string): string | undefined {
    if (sel.mac === undefined) return undefined;
    const mac = canonicalMac(`${base}.mac`, sel.mac, this);
    if (iot && !iot.macCapability) {
      invalid({ field: `${base}.mac`, value: sel.mac, hint: `network ${label} has no MAC capability, so the plugin would never see the MAC; enable it on the network (macCapability: true on the IotNetwork), or leave mac out`, scope: this, problem: 'cannot be honoured' });
    }
    return mac;
  }

  /** Refuses a second pod with the same static addresses; returns nothing. */
  private checkSinglePod(path: string, multiPod: string | undefined): void {
    if (!this.requiresSinglePod) return;
    if (multiPod !== undefined) {
      invalid({ field: 'target', value: path, hint: `${multiPod}, and every pod would take the same static addresses/MAC; run a single pod (replicas: 1), or leave ips and mac out`, scope: this, problem: 'runs more than one pod' });
    }
    if (this.sites.length > 0) {
      invalid({ field: 'target', value: path, hint: `this annotation already holds its static addresses/MAC for ${this.sites[0].target.node.path}; create one MultusPodAnnotation per pod`, scope: this, problem: 'would be a second pod with the same addresses' });
    }
  }

  /**
   * The end-of-app check of the pods the annotation was applied to, on what the app synthesizes
   * (patches and constructs added after `applyTo` included): no pod on the node's network. Whether
   * a pod with pinned addresses or MACs still runs as one pod (replicas, a surging rollout, an
   * autoscaler added later) is the rulebook's `static-ip-rollout`, which judges every workload of
   * the app, hand-written ones included.
   */
  private checkSites(context: AppCheckContext): ValidationError[] {
    const problems: ValidationError[] = [];
    for (const site of this.sites) {
      const object = ApiObject.isApiObject(site.key) ? site.key : undefined;
      const plus = typeof (site.target as any).podMetadata?.addAnnotation === 'function';
      if (plus || !object) continue;
      problems.push(...hostNetworkPodsOf(object, context.manifestOf(object)).filter((p) => p.value === this.rendered).map((p) => p.error));
    }
    return problems;
  }

  /**
   * The end-of-app check of an annotation whose value was taken to be written into a pod by hand:
   * no pod on the node's network carries it (every manifest is read, once per synth for all
   * annotations, and each pod is reported once).
   */
  private checkByValue(context: AppCheckContext): ValidationError[] {
    if (!this.byValue) return [];
    const pods = context.memo('host-network-pods', () => hostNetworkPods(context.manifests));
    const reported = context.memo('host-network-reported', () => new Set<ValidationError>());
    const mine = new Set(this.sites.map((s) => s.key.node.path));
    return pods.filter((p) => p.value === this.rendered && !reported.has(p.error) && !mine.has(p.error.constructPath ?? ''))
      .map((p) => {
        reported.add(p.error);
        return p.error;
      });
  }

  /**
   * The end-of-app check: the annotation reached a pod when it was applied or handed out, or when
   * its value appears in a manifest of the app (written into a pod by hand from `value`).
   */
  private checkReachesPod(context: AppCheckContext): ValidationProblem[] {
    if (this.handedOut) return [];
    if (annotationValuesOf(context).has(this.rendered)) return [];
    return [problem({ field: 'networks', value: this.rendered, hint: 'apply it to the workload whose pod joins the networks (applyTo, applyToHelmRelease), or use its value (toAnnotations, toAppTemplateValues); remove it otherwise', scope: this, problem: 'never reaches a pod' })];
  }
}

/** Every networks annotation value in the app's manifests, wherever it is (computed once per synth). */
function annotationValuesOf(context: AppCheckContext): Set<string> {
  return context.memo('networks-annotation-values', () => {
    const found = new Set<string>();
    const walk = (node: unknown) => {
      if (Array.isArray(node)) {
        node.forEach(walk);
      } else if (isPlainObject(node)) {
        for (const [key, value] of Object.entries(node)) {
          if (key === NETWORKS_ANNOTATION && typeof value === 'string') found.add(value);
          else walk(value);
        }
      }
    };
    for (const m of context.manifests) walk(m.manifest);
    return found;
  });
}
