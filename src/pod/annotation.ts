import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../errors';
import { IotNetwork } from '../network/iot-network';
import { INetworkAttachment } from '../network/network-ref';
import { deepMerge, isPlainObject } from '../util/merge';
import { checkDnsLabel } from '../util/validate';
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
   * @default - the network's IPAM chooses the address
   */
  readonly ips?: string[];

  /**
   * A fixed MAC address for this interface (keeps router client reservations stable). Must be unicast;
   * a locally administered one (`02:...`) is recommended so it never clashes with a vendor's MAC. On an
   * `IotNetwork` it needs the network's MAC capability.
   * @default - a random MAC chosen by the plugin at every pod start
   */
  readonly mac?: string;

  /**
   * The interface name inside the pod. Must be a valid Linux interface name, unique within the pod,
   * and not `eth0` (the cluster network) or `lo`.
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
   * Extra arguments passed to the CNI plugins (`cni-args`).
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

const ACCEPTED_TARGETS = 'give a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod, of any cdk8s-plus line) or an ApiObject of kind Pod or with spec.template (a KubeDeployment, ...); for a bjw-s app-template HelmRelease use applyToHelmRelease()';

/**
 * Puts a pod on one or more Multus networks: builds the `k8s.v1.cni.cncf.io/networks` annotation
 * from typed selections, checks each against the network it names, and writes it where Multus reads
 * it: the pod, or a workload's pod template, never the workload's own metadata (the most reported
 * Multus mistake: multus-cni #348, #444, #566).
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
  public static readonly ANNOTATION_KEY = 'k8s.v1.cni.cncf.io/networks';

  /**
   * The pod annotation Multus writes back: a JSON list of `{name, interface, ips, mac, default}`
   * per attached network (`kubectl get pod -o jsonpath=...`).
   */
  public static readonly NETWORK_STATUS_KEY = 'k8s.v1.cni.cncf.io/network-status';

  /** The annotation value: a JSON list of NPWG v1.3 selection elements. */
  public get value(): string {
    this.handedOut = true;
    return this.rendered;
  }

  /** The networks, in the order of the annotation. */
  public readonly networks: INetworkAttachment[];

  /**
   * Whether the annotation pins static addresses or a MAC (then it may be applied to one single-pod
   * target only).
   */
  public readonly holdsStaticAddresses: boolean;

  private readonly targets: IConstruct[] = [];
  private readonly rendered: string;
  /** Whether the annotation reached a pod: applied to a target, or its value or map taken. */
  private handedOut = false;

  constructor(scope: Construct, id: string, props: MultusPodAnnotationProps) {
    super(scope, id);
    const selections = props?.networks;
    if (!Array.isArray(selections) || selections.length === 0) {
      invalid('networks', selections, 'give at least one network, e.g. [{ network: iot }]', this, 'is empty');
    }

    // Every check that cannot change the address plan runs first, so that a refusal of a later
    // element leaves no half-made claims of earlier ones.
    let defaultRouteAt: number | undefined;
    const checked = selections.map((sel, i) => {
      const base = `networks[${i}]`;
      if (!isPlainObject(sel)) invalid(base, sel, 'give an object such as { network: iot }', this);
      const { name, namespace } = checkNetworkIdentity(`${base}.network`, sel.network, this);
      const iot = sel.network instanceof IotNetwork ? sel.network : undefined;
      const label = `${namespace}/${name}`;

      let ips: string[] | undefined;
      if (sel.ips !== undefined) {
        if (!Array.isArray(sel.ips) || sel.ips.length === 0) {
          invalid(`${base}.ips`, sel.ips, 'give at least one address, or leave ips out to let the IPAM choose', this);
        }
        if (iot && !iot.takesAddressesFromAnnotation) {
          invalid(`${base}.ips`, sel.ips, `the IPAM of network ${label} does not take addresses from the annotation; give the network static IPAM with addresses from pods (capabilities.ips), or leave ips out`, this, 'cannot be honoured');
        }
        if (!iot) {
          ips = sel.ips.map((ip, j) => canonicalAddressWithPrefix(`${base}.ips[${j}]`, ip, this));
          const seen = new Set<string>();
          ips.forEach((ip, j) => {
            if (seen.has(ip)) invalid(`${base}.ips[${j}]`, sel.ips![j], 'each address may be given once', this, 'is given twice');
            seen.add(ip);
          });
        }
      }

      let mac: string | undefined;
      if (sel.mac !== undefined) {
        mac = canonicalMac(`${base}.mac`, sel.mac, this);
        if (iot && !iot.macCapability) {
          invalid(`${base}.mac`, sel.mac, `network ${label} has no MAC capability, so the plugin would never see the MAC; enable it on the network (macCapability: true on the IotNetwork), or leave mac out`, this, 'cannot be honoured');
        }
      }

      let defaultRoute: string[] | undefined;
      if (sel.defaultRoute !== undefined) {
        if (!Array.isArray(sel.defaultRoute) || sel.defaultRoute.length === 0) {
          invalid(`${base}.defaultRoute`, sel.defaultRoute, 'give at least one gateway address, or leave defaultRoute out to keep the default route on eth0', this);
        }
        if (defaultRouteAt !== undefined) {
          invalid(`${base}.defaultRoute`, sel.defaultRoute, `networks[${defaultRouteAt}] already carries the default route; only one network of a pod may (NPWG multi-net spec)`, this, 'is a second default route');
        }
        defaultRouteAt = i;
        defaultRoute = sel.defaultRoute.map((gw, j) => {
          const field = `${base}.defaultRoute[${j}]`;
          // On an IotNetwork the gateway must be a usable host of its subnet (not the network or
          // broadcast address); on a NetworkRef only its form is known.
          return iot ? iot.checkHostAddress(gw, field) : canonicalAddress(field, gw, this);
        });
      }

      const cniArgs = sel.cniArgs === undefined ? undefined : checkCniArgs(`${base}.cniArgs`, sel.cniArgs, this);
      return { sel, iot, name, namespace, ips, mac, defaultRoute, cniArgs };
    });
    checkInterfaces((i) => `networks[${i}].interface`, selections.map((s) => s.interface), this);

    // All or nothing: when a later address is refused, the ones this pod already claimed are given
    // back, so that a pod that was never made holds no address.
    const claimed: Array<{ network: IotNetwork; address: string; claimant: string }> = [];
    const claim = (network: IotNetwork, ip: string, i: number, j: number): string => {
      const claimant = `${this.node.path} networks[${i}].ips[${j}]`;
      const address = network.claimAddress(ip, claimant, `networks[${i}].ips[${j}]`);
      claimed.push({ network, address, claimant });
      return address;
    };
    let elements: SelectionElement[];
    try {
      elements = checked.map((c, i) => ({
        name: c.name,
        namespace: c.namespace,
        interface: c.sel.interface,
        ips: c.iot && c.sel.ips ? c.sel.ips.map((ip, j) => claim(c.iot!, ip, i, j)) : c.ips,
        mac: c.mac,
        'default-route': c.defaultRoute,
        'cni-args': c.cniArgs,
      }));
    } catch (e) {
      for (const { network, address, claimant } of claimed) network.releaseAddress(address, claimant);
      throw e;
    }
    this.rendered = renderSelections(elements);
    // Known only at the end: an annotation that never reaches a pod attaches nothing, and its
    // static addresses would still be held in the address plan.
    this.node.addValidation({
      validate: () => {
        if (!this.handedOut) {
          invalid('networks', this.rendered, 'apply it to the workload whose pod joins the networks (applyTo, applyToHelmRelease), or use its value (toAnnotations, toAppTemplateValues); remove it otherwise', this, 'never reaches a pod');
        }
        return [];
      },
    });
    this.networks = checked.map((c) => c.sel.network);
    this.holdsStaticAddresses = elements.some((e) => e.ips !== undefined || e.mac !== undefined);
  }

  /** The annotation as a map, `{ 'k8s.v1.cni.cncf.io/networks': value }`, for any pod metadata. */
  public toAnnotations(): { [key: string]: string } {
    return { [MultusPodAnnotation.ANNOTATION_KEY]: this.value };
  }

  /**
   * Annotates the pod that `target` runs: the pod template of a workload, or the pod itself. The
   * target's other annotations are kept; the workload's own metadata is never touched.
   *
   * Accepted: anything with `podMetadata` (the workloads of every cdk8s-plus line: Deployment,
   * StatefulSet, DaemonSet, Job, CronJob, Pod), an `ApiObject` of kind `Pod`, or an `ApiObject` whose
   * spec has a `template` (or a CronJob's `jobTemplate`). Refused: anything else; a target whose pod
   * already has a different networks annotation (put all of a pod's networks in one annotation); and,
   * when static addresses or a MAC are pinned, a target that runs more than one pod (a DaemonSet, more
   * than one replica, an autoscaler) or a second target. Applying twice to the same target is a no-op.
   *
   * With static addresses, prefer a `Recreate` strategy for a Deployment: a rolling update starts the
   * new pod while the old one still holds the address.
   */
  public applyTo(target: IConstruct): void {
    if (!target || typeof target !== 'object' || !target.node) {
      invalid('target', target, ACCEPTED_TARGETS, this, 'is not a construct');
    }
    if (this.targets.includes(target)) return;
    const path = target.node.path;
    const site = findPodAnnotationSite(target, 'target');
    if (!site) invalid('target', path, ACCEPTED_TARGETS, this, 'has no pod to annotate');
    this.checkSinglePod(path, site.multiPod);
    const existing = site.existing(MultusPodAnnotation.ANNOTATION_KEY);
    if (existing !== undefined && existing !== this.rendered) {
      invalid('target', path, `its pod already has ${MultusPodAnnotation.ANNOTATION_KEY}: ${existing}; put all of a pod's networks in one MultusPodAnnotation`, this, 'would lose its networks annotation');
    }
    site.set(MultusPodAnnotation.ANNOTATION_KEY, this.value);
    this.targets.push(target);
  }

  /**
   * The values fragment that puts the annotation on the pods of one controller of a bjw-s
   * app-template release: `{ controllers: { <controller>: { pod: { annotations: {...} } } } }`.
   * (`controllers.<controller>.annotations` would be the controller's own metadata, which Multus
   * ignores.) A pure value: unlike `applyTo`, it does not count as a target.
   *
   * @param controller the app-template controller name (a key of `controllers`)
   */
  public toAppTemplateValues(controller: string): { [key: string]: any } {
    checkDnsLabel('controller', controller, this);
    return { controllers: { [controller]: { pod: { annotations: this.toAnnotations() } } } };
  }

  /**
   * Deep-merges `toAppTemplateValues(controller)` into existing app-template values and returns the
   * result (the input is not modified). Refuses values without that controller (a typo would render a
   * controller without containers), a networks annotation on the controller's own metadata, and a
   * different networks annotation already on the pod.
   *
   * @param values the release's app-template values
   * @param controller the controller whose pods join the networks
   */
  public mergeIntoAppTemplateValues(values: { [key: string]: any }, controller: string): { [key: string]: any } {
    this.checkAppTemplateValues(values, controller, 'values');
    return deepMerge(values, this.toAppTemplateValues(controller));
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
      invalid('release', (release as any)?.node?.path ?? release, 'give a Flux HelmRelease (helm.toolkit.fluxcd.io/v2) of the bjw-s app-template chart; for workloads use applyTo()', this, 'is not a HelmRelease');
    }
    if (this.targets.includes(release)) return;
    const values = readNested(release, ['spec', 'values'], 'release');
    if (values === undefined) {
      invalid('release', release.node.path, 'the release has no spec.values; use toAppTemplateValues() when creating it', this, 'has no values');
    }
    const multiPod = this.checkAppTemplateValues(values, controller, 'release.spec.values');
    this.checkSinglePod(release.node.path, multiPod);
    setNested(release, ['spec', 'values', 'controllers', controller, 'pod', 'annotations'], MultusPodAnnotation.ANNOTATION_KEY, this.value, 'release');
    this.targets.push(release);
  }

  /** Refuses a second pod with the same static addresses; returns nothing. */
  private checkSinglePod(path: string, multiPod: string | undefined): void {
    if (!this.holdsStaticAddresses) return;
    if (multiPod !== undefined) {
      invalid('target', path, `${multiPod}, and every pod would take the same static addresses/MAC; run a single pod (replicas: 1), or leave ips and mac out`, this, 'runs more than one pod');
    }
    if (this.targets.length > 0) {
      invalid('target', path, `this annotation already holds its static addresses/MAC for ${this.targets[0].node.path}; create one MultusPodAnnotation per pod`, this, 'would be a second pod with the same addresses');
    }
  }

  /** Checks app-template values for `controller`; returns why it runs more than one pod, if it does. */
  private checkAppTemplateValues(values: unknown, controller: string, field: string): string | undefined {
    checkDnsLabel('controller', controller, this);
    if (!isPlainObject(values)) {
      invalid(field, values, 'give the app-template values as a plain object', this);
    }
    const controllers = values.controllers;
    const names = isPlainObject(controllers) ? Object.keys(controllers) : [];
    if (!isPlainObject(controllers) || !isPlainObject(controllers[controller])) {
      invalid('controller', controller, `the values have no controllers.${controller} (they have: ${names.length ? names.join(', ') : 'none'}); name an existing app-template controller`, this, 'is not a controller of the release');
    }
    const c = controllers[controller];
    if (isPlainObject(c.annotations) && c.annotations[MultusPodAnnotation.ANNOTATION_KEY] !== undefined) {
      invalid(`${field}.controllers.${controller}.annotations`, c.annotations[MultusPodAnnotation.ANNOTATION_KEY], 'this is the controller\'s own metadata, which Multus ignores (multus-cni #348, #444, #566); remove it: the annotation belongs under pod.annotations', this, 'is on the wrong object');
    }
    const existing = isPlainObject(c.pod) && isPlainObject(c.pod.annotations) ? c.pod.annotations[MultusPodAnnotation.ANNOTATION_KEY] : undefined;
    if (existing !== undefined && existing !== this.rendered) {
      invalid(`${field}.controllers.${controller}.pod.annotations`, existing, 'the pod already has a networks annotation; put all of a pod\'s networks in one MultusPodAnnotation', this, 'would be overwritten');
    }
    if (c.type === 'daemonset') return `app-template controller ${controller} is a daemonset (one pod on every node)`;
    if (typeof c.replicas === 'number' && c.replicas > 1) return `app-template controller ${controller} runs ${c.replicas} replicas`;
    return undefined;
  }
}
