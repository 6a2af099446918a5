import { ApiObject, ApiObjectMetadata, ApiObjectProps, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { DaemonSet } from 'kubernetes-types/apps/v1';
import { Problems, invalid } from '../errors';
import { useLibraryChecks } from '../util/app-checks';
import { checkPinnedImage } from '../util/image';
import { OwnMetadata, mergeMetadata, metadataProblems } from '../util/metadata';
import { checkKnownProps, propsShape } from '../util/props';
import { checkDnsLabel } from '../util/validate';
import { CniPaths } from '../cluster/cni-paths';

/** Props of `CniDhcpDaemon`. */
export interface CniDhcpDaemonProps {
  /**
   * The CNI directories of the nodes: pass the same value as to `MultusInstall` (`install.cniPaths`).
   * The daemon is the `dhcp` plugin of the plugin directory (`<binDir>/dhcp daemon`), the binary the
   * Multus chart's installer put there; only that directory is mounted from it, read-only.
   */
  readonly cniPaths: CniPaths;

  /**
   * Namespace of the DaemonSet.
   * @default - the namespace of the enclosing cdk8s Chart, else 'kube-system'
   */
  readonly namespace?: string;

  /**
   * Image the daemon runs in: any image with a POSIX `sh` and `rm` (the daemon binary itself comes
   * from the node's plugin directory). Must be pinned (a tag other than `latest`, or a digest).
   * @default 'busybox:1.37.0'
   */
  readonly image?: string;

  /**
   * Labels, annotations, finalizers and owner references of the DaemonSet (not of its pods), added
   * to what the construct writes. Its name is fixed and its namespace is `namespace`: a different `metadata.name` or
   * `metadata.namespace` is refused; the labels its selector matches
   * (`app.kubernetes.io/name`, `app.kubernetes.io/component`) keep their values.
   * @default - the name, namespace and selector labels only
   */
  readonly metadata?: ApiObjectMetadata;
}

const CNI_DHCP_DAEMON_PROPS = propsShape<CniDhcpDaemonProps>('CniDhcpDaemonProps', { cniPaths: true, namespace: true, image: true, metadata: true });

const NAME = 'cni-dhcp-daemon';
const DEFAULT_IMAGE = 'busybox:1.37.0';
/**
 * Where the `dhcp` IPAM plugin dials its daemon when the network config names no
 * `daemonSocketPath` (containernetworking/plugins plugins/ipam/dhcp: `/run/cni/dhcp.sock`).
 */
const SOCKET_DIR = '/run/cni';
const SOCKET_NAME = 'dhcp.sock';
/** Where containerd creates pod network namespaces, the path the plugin hands the daemon (`CNI_NETNS`). */
const NETNS_DIR = '/var/run/netns';

/**
 * The validated settings of a CNI dhcp daemon DaemonSet.
 * @internal
 */
export interface DhcpDaemonModel {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  /** The node's CNI plugin directory: the daemon is `<binDir>/dhcp`. */
  readonly binDir: string;
  /** The directory of the daemon's socket, on the node and in the container. */
  readonly socketDir: string;
  /** The node's network-namespace directory, mounted at the same path. */
  readonly netnsDir: string;
}

/**
 * The CNI `dhcp` daemon on every node: what `Ipam.dhcp()` needs.
 *
 * With `Ipam.dhcp()` the `dhcp` IPAM plugin does not talk DHCP itself: it asks a daemon on the node,
 * through the socket `/run/cni/dhcp.sock`, to acquire a lease from the LAN's DHCP server out of the
 * pod's interface and to keep renewing it while the pod runs. Without the daemon every attachment
 * to such a network fails (`error dialing DHCP daemon: dial unix /run/cni/dhcp.sock`), and the pod
 * stays in ContainerCreating. Static, host-local and whereabouts IPAM do not need it.
 *
 * This DaemonSet runs one pod on every node (it tolerates every taint, like the pods it serves can
 * land anywhere), on the host network, and runs the reference plugins' own daemon:
 * `<cniPaths.binDir>/dhcp daemon -socketpath /run/cni/dhcp.sock`. It mounts the node's `/run/cni`
 * (for the socket), the node's network-namespace directory `/var/run/netns` (the daemon enters
 * each pod's namespace to send the DHCP request out of its interface; mounted with host-to-container
 * propagation so namespaces made after the daemon started are seen) and the plugin directory
 * (read-only). A socket left behind by an earlier daemon (killed, or a release that does not remove
 * it on exit) is removed first: the daemon refuses to start on an existing socket (`bind: address
 * already in use`) and would crash-loop.
 *
 * The daemon keeps its leases in memory. When it restarts (a rollout, an OOM kill, a node reboot)
 * the pods attached before keep their address but nobody renews its lease, so the router may hand
 * it out again once it expires: restart those pods after the daemon restarts, or give them a router
 * reservation (a pinned MAC and a fixed IP in the router), which is never handed to another client.
 *
 * Removal: remove the pods' annotations for the DHCP network (or the pods), then remove this
 * construct (Flux prunes the DaemonSet). The leases the daemon held are not released; the router
 * lets them expire.
 *
 * @example
 * const install = new MultusInstall(chart, 'multus', { cniPaths: CniPaths.K3S });
 * new IotNetwork(chart, 'iot', { subnet: '192.168.20.0/24', master: 'eth0', ipam: Ipam.dhcp(), macCapability: true });
 * new CniDhcpDaemon(chart, 'dhcp', { cniPaths: install.cniPaths });
 */
export class CniDhcpDaemon extends Construct {
  /** The DaemonSet. */
  public readonly daemonSet: ApiObject;
  /** Name of the DaemonSet. */
  public readonly name: string;
  /** Namespace of the DaemonSet. */
  public readonly namespace: string;
  /** The image the daemon runs in. */
  public readonly image: string;
  /** The CNI directories whose plugin directory holds the daemon. */
  public readonly cniPaths: CniPaths;
  /** The daemon's socket on each node, where the `dhcp` IPAM plugin dials it. */
  public readonly socketPath: string;

  constructor(scope: Construct, id: string, props: CniDhcpDaemonProps) {
    super(scope, id);
    useLibraryChecks(this);
    if (!props || !(props.cniPaths instanceof CniPaths)) {
      invalid({
        field: 'cniPaths',
        value: props?.cniPaths,
        hint: 'pass the CniPaths the install used (install.cniPaths, or CniPaths.K3S, CniPaths.K3S_LEGACY, CniPaths.STANDARD, CniPaths.custom(configDir, binDir)): the daemon is the dhcp plugin in its plugin directory',
        problem: 'is required',
        scope: this,
      });
    }
    checkKnownProps('', props, CNI_DHCP_DAEMON_PROPS, this);
    this.cniPaths = props.cniPaths;
    this.name = NAME;
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'kube-system';
    this.image = props.image ?? DEFAULT_IMAGE;
    const problems = new Problems();
    problems.check(() => checkDnsLabel('namespace', this.namespace, this));
    problems.check(() => checkPinnedImage('image', this.image, DEFAULT_IMAGE, this));
    const daemonSet = dhcpDaemonDaemonSet({
      name: this.name,
      namespace: this.namespace,
      image: this.image,
      binDir: this.cniPaths.binDir,
      socketDir: SOCKET_DIR,
      netnsDir: NETNS_DIR,
    });
    const own: OwnMetadata = {
      name: this.name, namespace: this.namespace, labels: daemonSet.metadata?.labels,
      nameFrom: 'the construct (one daemon per node serves every network; the name is fixed)', namespaceFrom: 'the namespace prop',
    };
    metadataProblems(props.metadata, own, this).forEach((p) => problems.add(p));
    problems.throwIfAny();
    this.socketPath = `${SOCKET_DIR}/${SOCKET_NAME}`;

    this.daemonSet = new ApiObject(this, 'Resource', { ...daemonSet, metadata: mergeMetadata(props.metadata, own) });
  }
}

/**
 * The daemon's command line: remove a stale socket, then run `<binDir>/dhcp daemon` on the socket.
 * The paths are passed as arguments, never pasted into the script.
 * @internal
 */
export function dhcpDaemonCommand(model: Pick<DhcpDaemonModel, 'binDir' | 'socketDir'>): string[] {
  return ['sh', '-c', 'rm -f "$1" && exec "$0" daemon -socketpath "$1"', `${model.binDir}/dhcp`, `${model.socketDir}/${SOCKET_NAME}`];
}

/**
 * The DaemonSet of a CNI dhcp daemon, from its validated settings (a pure function).
 * @internal
 */
export function dhcpDaemonDaemonSet(model: DhcpDaemonModel): ApiObjectProps {
  const labels = { 'app.kubernetes.io/name': model.name, 'app.kubernetes.io/component': 'cni-dhcp-daemon' };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: model.name, namespace: model.namespace, labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          // Every node a DHCP pod can land on, control plane and tainted nodes included.
          tolerations: [{ operator: 'Exists' }],
          // No pod network for the daemon itself: it serves the node, and its pod must start
          // whatever the state of the node's CNI.
          hostNetwork: true,
          automountServiceAccountToken: false,
          // Nothing to drain: the daemon's leases live in its memory and end with it either way.
          terminationGracePeriodSeconds: 10,
          containers: [{
            name: 'dhcp',
            image: model.image,
            imagePullPolicy: 'IfNotPresent',
            command: dhcpDaemonCommand(model),
            resources: {
              requests: { cpu: '5m', memory: '16Mi' },
              limits: { memory: '128Mi' },
            },
            // Privileged: the daemon enters each pod's network namespace (setns needs CAP_SYS_ADMIN)
            // and sends DHCP over raw sockets there.
            securityContext: {
              privileged: true,
              runAsUser: 0,
              readOnlyRootFilesystem: true,
            },
            volumeMounts: [
              { name: 'socket-dir', mountPath: model.socketDir },
              { name: 'netns', mountPath: model.netnsDir, mountPropagation: 'HostToContainer', readOnly: true },
              { name: 'cni-bin', mountPath: model.binDir, readOnly: true },
            ],
          }],
          volumes: [
            { name: 'socket-dir', hostPath: { path: model.socketDir, type: 'DirectoryOrCreate' } },
            { name: 'netns', hostPath: { path: model.netnsDir, type: 'DirectoryOrCreate' } },
            // Type Directory: it must exist; a pod that stays in ContainerCreating with "hostPath
            // type check failed" says this is not the node's plugin directory.
            { name: 'cni-bin', hostPath: { path: model.binDir, type: 'Directory' } },
          ],
        },
      },
    },
  } satisfies DaemonSet;
}
