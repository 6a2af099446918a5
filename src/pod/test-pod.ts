import { ApiObject, ApiObjectMetadata, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Pod } from 'kubernetes-types/core/v1';
import { ValidationError, invalid } from '../errors';
import { IotNetwork } from '../network/iot-network';
import { INetworkAttachment } from '../network/network-ref';
import { checkPinnedImage } from '../util/image';
import { OwnMetadata, mergeMetadata, metadataProblems } from '../util/metadata';
import { checkDnsLabel, checkDnsSubdomain } from '../util/validate';
import { MultusPodAnnotation } from './annotation';
import { useLibraryChecks } from '../util/app-checks';
import { checkConstructId } from '../util/construct-id';
import { checkKnownProps, propsShape } from '../util/props';

/** Props of `MultusTestPod`. */
export interface MultusTestPodProps {
  /**
   * The network to test: an `IotNetwork` of this app (the addresses are then checked and claimed in
   * its address plan, like any pod's), or `NetworkRef.of(name, namespace)`.
   */
  readonly network: INetworkAttachment;

  /**
   * Static addresses for the pod's `net1`, e.g. `['192.168.20.250/24']`: a free address outside the
   * router's DHCP pool. Required on an `IotNetwork` with static IPAM (the plugin has no other source
   * of an address, and the pod would fail to start); refused with IPAM that assigns addresses itself.
   * @default - the network's IPAM chooses the address
   */
  readonly ips?: string[];

  /**
   * Name of the pod.
   * @default 'multus-test'
   */
  readonly name?: string;

  /**
   * Namespace of the pod. It may differ from the network's: the annotation names the network's
   * namespace.
   * @default - the namespace of the enclosing cdk8s Chart, else 'default'
   */
  readonly namespace?: string;

  /**
   * The image: any image with `sleep`, `ip`, `ping`, `dig` and `tcpdump` for the verification
   * commands. Must be pinned (a tag other than `latest`, or a digest).
   * @default 'nicolaka/netshoot:v0.14'
   */
  readonly image?: string;

  /**
   * Labels, annotations, finalizers and owner references of the pod, added to what the construct
   * writes. Its name and namespace are `name` and `namespace` (a different `metadata.name` or
   * `metadata.namespace` is refused), and its networks annotation is the construct's own.
   * @default - the name, namespace and networks annotation only
   */
  readonly metadata?: ApiObjectMetadata;
}

const TEST_POD_PROPS = propsShape<MultusTestPodProps>('MultusTestPodProps', { network: true, ips: true, name: true, namespace: true, image: true, metadata: true });

const DEFAULT_NAME = 'multus-test';
const DEFAULT_IMAGE = 'nicolaka/netshoot:v0.14';
// The first network of a pod is `net1` (Multus's naming), and this pod has one.
const INTERFACE = 'net1';

/**
 * A verification pod for the IoT network: a `nicolaka/netshoot` pod that sleeps
 * (`sleep infinity`) on the IoT network, so that the attachment can be checked by hand before any
 * application depends on it. Its addresses are claimed in the network's address plan like any pod's.
 *
 * Once Flux has applied it, run (`verificationCommands` has them with this pod's name, namespace,
 * gateway and address filled in):
 *
 * - `kubectl exec multus-test -- ip addr`: `eth0` (the cluster network) and `net1` (the IoT
 *   network) with the requested address. No `net1`: check the annotation landed on the pod
 *   (`kubectl get pod multus-test -o yaml`) and the Multus daemon's log.
 * - `kubectl exec multus-test -- ping -c 3 -I net1 192.168.20.1`: the IoT gateway answers
 *   through `net1`. (The node itself cannot reach the pod through its own macvlan master: macvlan
 *   isolates the host from its children; test from the pod or from another machine.)
 * - mDNS, what Multus is installed for here: `avahi-browse -a -t` needs `avahi-browse`
 *   and a running `avahi-daemon`, and the netshoot image carries neither (its package list has no
 *   avahi), so it fails there with "not found". With netshoot, ask the IoT LAN directly: a
 *   one-shot mDNS query with `dig`, bound to the pod's address so that it leaves through `net1`,
 *   to the mDNS group 224.0.0.251 on port 5353 for `_services._dns-sd._udp.local PTR`, answered by
 *   the devices' responders (`verificationCommands` and docs/operations.md print the command), or
 *   listen: `kubectl exec multus-test -- timeout 30 tcpdump -ni net1 udp port 5353`.
 *   `avahi-browse -a -t` works in an image that has `avahi-tools` and runs `avahi-daemon`.
 * - `kubectl delete pod multus-test` when done (or remove the construct and let Flux prune it),
 *   which frees its address.
 *
 * @example
 * new MultusTestPod(chart, 'multus-test', { network: iot, ips: ['192.168.20.250/24'] });
 */
export class MultusTestPod extends Construct {
  /** The pod. */
  public readonly pod: ApiObject;
  /** The pod's networks annotation. */
  public readonly annotation: MultusPodAnnotation;
  /** Name of the pod. */
  public readonly name: string;
  /** Namespace of the pod. */
  public readonly namespace: string;
  /** The image the pod runs. */
  public readonly image: string;
  /**
   * The commands that verify the attachment, in order, with this pod's name, namespace, interface,
   * gateway and address filled in (the gateway and address where the network knows them).
   */
  public readonly verificationCommands: string[];

  constructor(scope: Construct, id: string, props: MultusTestPodProps) {
    checkConstructId(scope, id, 'MultusTestPod');
    super(scope, id);
    useLibraryChecks(this);
    if (!props || !props.network || typeof props.network !== 'object') {
      invalid({ field: 'network', value: props?.network, hint: 'give the network to test: an IotNetwork of this app, or NetworkRef.of(name, namespace)', scope: this, problem: 'is required' });
    }
    checkKnownProps('', props, TEST_POD_PROPS, this);
    const network = props.network;
    this.name = props.name ?? DEFAULT_NAME;
    checkDnsSubdomain('name', this.name, this);
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    checkDnsLabel('namespace', this.namespace, this);
    this.image = props.image ?? DEFAULT_IMAGE;
    checkPinnedImage('image', this.image, DEFAULT_IMAGE, this);
    const own: OwnMetadata = {
      name: this.name, namespace: this.namespace, nameFrom: 'the name prop', namespaceFrom: 'the namespace prop',
      reservedAnnotations: [MultusPodAnnotation.ANNOTATION_KEY],
    };
    const metadataRefused = metadataProblems(props.metadata, own, this);
    if (metadataRefused.length > 0) throw ValidationError.of(metadataRefused.flatMap((e) => e.problems));
    if (network instanceof IotNetwork && network.takesAddressesFromAnnotation && props.ips === undefined) {
      invalid({ field: 'ips', value: props.ips, hint: `network "${network.networkName}" uses static IPAM, which takes the address from the pod: give a free address in ${network.subnet} outside the DHCP pool, e.g. ips: ["<address>/${network.prefixLength}"]`, scope: this, problem: 'is required' });
    }

    // The annotation checks and claims the addresses (refusing one outside the subnet, in the DHCP
    // pool, reserved, or held by another pod of the app) before the pod exists.
    this.annotation = new MultusPodAnnotation(this, 'Networks', {
      networks: [{ network, ...(props.ips !== undefined ? { ips: props.ips } : {}) }],
    });

    this.pod = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: mergeMetadata(props.metadata, own),
      spec: {
        containers: [{
          name: 'test',
          image: this.image,
          command: ['sleep', 'infinity'],
        }],
        automountServiceAccountToken: false,
        // `sleep` runs as PID 1 and ignores TERM: without this, `kubectl delete pod` waits 30 s
        // while the pod keeps its static address.
        terminationGracePeriodSeconds: 1,
      },
    } satisfies Pod);
    this.annotation.applyTo(this.pod);

    const address = firstAddress(this.annotation.value);
    const gateway = network instanceof IotNetwork ? network.gateway : undefined;
    this.verificationCommands = verificationCommands(this.namespace, this.name, address, gateway);
  }
}

/** The address (without prefix) of the annotation's first element, when it names one. */
function firstAddress(annotationValue: string): string | undefined {
  const [element] = JSON.parse(annotationValue) as Array<{ ips?: string[] }>;
  return element?.ips?.[0]?.split('/')[0];
}

/**
 * The verification commands of a test pod (a pure function).
 * @internal
 */
export function verificationCommands(namespace: string, name: string, address?: string, gateway?: string): string[] {
  const exec = `kubectl -n ${namespace} exec ${name} --`;
  const status = MultusPodAnnotation.NETWORK_STATUS_KEY.replace(/\./g, '\\.');
  const commands = [
    `kubectl -n ${namespace} get pod ${name} -o jsonpath='{.metadata.annotations.${status}}'`,
    `${exec} ip addr`,
  ];
  if (gateway !== undefined) commands.push(`${exec} ping -c 3 -I ${INTERFACE} ${gateway}`);
  if (address !== undefined) {
    // Binding the source address sends the multicast query out of net1, not the default route's eth0.
    // The address was read by the library's parser: IPv6 text holds a colon, IPv4 text never does
    // (node:net's isIPv6 would compile its large expression at the first call, for this alone).
    const group = address.includes(':') ? `ff02::fb%${INTERFACE}` : '224.0.0.251';
    commands.push(`${exec} dig -b ${address} -p 5353 @${group} _services._dns-sd._udp.local PTR`);
  }
  commands.push(`${exec} timeout 30 tcpdump -ni ${INTERFACE} udp port 5353`);
  commands.push(`kubectl -n ${namespace} delete pod ${name}`);
  return commands;
}
