import { ApiObject, ApiObjectMetadata, ApiObjectProps, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { DaemonSet } from 'kubernetes-types/apps/v1';
import { ValidationError, invalid } from '../errors';
import { checkPinnedImage } from '../util/image';
import { OwnMetadata, mergeMetadata, metadataProblems } from '../util/metadata';
import { checkDnsLabel } from '../util/validate';
import { CLEANUP_BIN_DIR_ENV, CLEANUP_CONF_DIR_ENV, NODE_CLEANUP_SCRIPT } from './cleanup-script';
import { CniPaths } from '../cluster/cni-paths';
import { useLibraryChecks } from '../util/app-checks';
import { checkConstructId } from '../util/construct-id';
import { checkKnownProps, propsShape } from '../util/props';

/** Props of `MultusNodeCleanup`. */
export interface MultusNodeCleanupProps {
  /**
   * The CNI directories Multus was installed into: pass the same value as to `MultusInstall`
   * (`install.cniPaths`). Only these two host directories are mounted, and only Multus's files in
   * them are removed; with other paths the leftover `00-multus.conf` stays where containerd reads it.
   */
  readonly cniPaths: CniPaths;

  /**
   * Name of the DaemonSet (and prefix of its pods' names).
   * @default 'multus-node-cleanup'
   */
  readonly name?: string;

  /**
   * Namespace of the DaemonSet.
   * @default - the namespace of the enclosing cdk8s Chart, else 'kube-system'
   */
  readonly namespace?: string;

  /**
   * Image that runs the clean-up script: any image with a POSIX `sh`, `rm` and `sleep` on its path.
   * Must be pinned (a tag other than `latest`, or a digest).
   * @default 'busybox:1.37.0'
   */
  readonly image?: string;

  /**
   * Labels, annotations, finalizers and owner references of the DaemonSet (not of its pods), added
   * to what the construct writes. Its name and namespace are `name` and `namespace`: a different `metadata.name` or
   * `metadata.namespace` is refused; the labels its selector matches
   * (`app.kubernetes.io/name`, `app.kubernetes.io/component`) keep their values.
   * @default - the name, namespace and selector labels only
   */
  readonly metadata?: ApiObjectMetadata;
}

const NODE_CLEANUP_PROPS = propsShape<MultusNodeCleanupProps>('MultusNodeCleanupProps', { cniPaths: true, name: true, namespace: true, image: true, metadata: true });

const DEFAULT_NAME = 'multus-node-cleanup';
const DEFAULT_IMAGE = 'busybox:1.37.0';
// Fixed mount points inside the container, whatever the node's paths are: a custom `binDir` such
// as `/bin` mounted at its own path would hide the image's shell.
const CONF_MOUNT = '/host/cni/net.d';
const BIN_MOUNT = '/host/cni/bin';

/**
 * The validated settings of a node clean-up DaemonSet.
 * @internal
 */
export interface NodeCleanupModel {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly configDir: string;
  readonly binDir: string;
}

/**
 * Removes Multus's files from every node after Multus was uninstalled, then idles.
 *
 * Uninstalling Multus is not non-destructive: the thick daemon deletes its `00-multus.conf` only
 * when it stops gracefully, and the chart's pre-delete hook is one Job on one node. On every other
 * node the leftover config keeps sending each pod start (and stop) to a `multus-shim` whose daemon
 * is gone, and pods there fail with `multus-shim ... connection refused`
 * (https://github.com/k8snetworkplumbingwg/multus-cni/issues/1105, https://github.com/k8snetworkplumbingwg/multus-cni/issues/1146, https://github.com/k8snetworkplumbingwg/multus-cni/issues/1429).
 *
 * This DaemonSet runs one pod on every node (it tolerates every taint; it uses the host network,
 * since a pod with its own network would be set up through the very `multus-shim` that fails),
 * mounts exactly the two host directories of `cniPaths` and nothing else, and removes from them,
 * and only from them:
 * every file or symbolic link in the configuration directory whose name contains `multus`
 * (`00-multus.conf`, `00-multus.conflist`, `multus.kubeconfig`, `00-multus.conf.cilium_bak`), the
 * `multus.d` directory there, and `multus-shim` in the plugin directory. Each removal is logged.
 * Symbolic links are removed as links, never followed. Other CNI configs, the reference plugins and a
 * thin-plugin `multus` binary are left alone. A pod is ready once its node holds none of these
 * files, so `kubectl rollout status` reports when every node is clean.
 *
 * Removal, in this order (the README's runbook has the commands):
 * 1. remove the Multus annotations from every pod (and pod template);
 * 2. remove the NetworkAttachmentDefinitions;
 * 3. uninstall the Multus release (remove the `MultusInstall`);
 * 4. deploy this construct and wait until every pod is ready:
 *    `kubectl -n kube-system rollout status daemonset/multus-node-cleanup`;
 * 5. remove this construct.
 *
 * Deploying it while Multus is still installed removes the config under the running daemon: pods
 * would start without their secondary networks until the daemon rewrites it.
 *
 * @example
 * new MultusNodeCleanup(chart, 'cleanup', { cniPaths: CniPaths.K3S });
 */
export class MultusNodeCleanup extends Construct {
  /** The DaemonSet. */
  public readonly daemonSet: ApiObject;
  /** Name of the DaemonSet. */
  public readonly name: string;
  /** Namespace of the DaemonSet. */
  public readonly namespace: string;
  /** The image that runs the clean-up. */
  public readonly image: string;
  /** The CNI directories that are cleaned. */
  public readonly cniPaths: CniPaths;

  constructor(scope: Construct, id: string, props: MultusNodeCleanupProps) {
    checkConstructId(scope, id, 'MultusNodeCleanup');
    super(scope, id);
    useLibraryChecks(this);
    checkKnownProps('', props, NODE_CLEANUP_PROPS, this);
    if (!props || !(props.cniPaths instanceof CniPaths)) {
      invalid({ field: 'cniPaths', value: props?.cniPaths, hint: 'pass the CniPaths the install used (install.cniPaths, or CniPaths.K3S, CniPaths.K3S_LEGACY, CniPaths.STANDARD, CniPaths.custom(configDir, binDir))', scope: this, problem: 'is required' });
    }
    this.cniPaths = props.cniPaths;
    this.name = props.name ?? DEFAULT_NAME;
    checkDnsLabel('name', this.name, this);
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'kube-system';
    checkDnsLabel('namespace', this.namespace, this);
    this.image = props.image ?? DEFAULT_IMAGE;
    checkPinnedImage('image', this.image, DEFAULT_IMAGE, this);
    const daemonSet = nodeCleanupDaemonSet({
      name: this.name,
      namespace: this.namespace,
      image: this.image,
      configDir: this.cniPaths.configDir,
      binDir: this.cniPaths.binDir,
    });
    const own: OwnMetadata = {
      name: this.name, namespace: this.namespace, labels: daemonSet.metadata?.labels, nameFrom: 'the name prop', namespaceFrom: 'the namespace prop',
    };
    const metadataRefused = metadataProblems(props.metadata, own, this);
    if (metadataRefused.length > 0) throw ValidationError.of(metadataRefused.flatMap((e) => e.problems));

    this.daemonSet = new ApiObject(this, 'Resource', { ...daemonSet, metadata: mergeMetadata(props.metadata, own) });
  }
}

/**
 * The DaemonSet of a node clean-up, from its validated settings (a pure function).
 * @internal
 */
export function nodeCleanupDaemonSet(model: NodeCleanupModel): ApiObjectProps {
  const labels = { 'app.kubernetes.io/name': model.name, 'app.kubernetes.io/component': 'multus-node-cleanup' };
  const command = (mode: string) => ['sh', '-c', NODE_CLEANUP_SCRIPT, 'multus-node-cleanup', mode];
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: model.name, namespace: model.namespace, labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          // Every node, control plane and tainted nodes included: a node that is skipped keeps its
          // leftover config and keeps failing pods.
          tolerations: [{ operator: 'Exists' }],
          // The node's network namespace, so that no CNI runs for this pod: on a node with a leftover
          // 00-multus.conf every pod sandbox fails in multus-shim ("connection refused"), and so
          // would this pod's, on exactly the nodes it must clean.
          hostNetwork: true,
          automountServiceAccountToken: false,
          // The script exits at once on TERM; nothing to drain.
          terminationGracePeriodSeconds: 5,
          containers: [{
            name: 'cleanup',
            image: model.image,
            imagePullPolicy: 'IfNotPresent',
            command: command('clean'),
            env: [
              { name: CLEANUP_CONF_DIR_ENV, value: CONF_MOUNT },
              { name: CLEANUP_BIN_DIR_ENV, value: BIN_MOUNT },
            ],
            // Ready when the node holds none of Multus's files (the same rules, in check mode).
            readinessProbe: {
              exec: { command: command('check') },
              periodSeconds: 10,
              failureThreshold: 1,
            },
            resources: {
              requests: { cpu: '5m', memory: '8Mi' },
              limits: { memory: '32Mi' },
            },
            // Root, to delete root-owned files on the node; nothing more (no privileged mode, no
            // capabilities: root owns the CNI directories, so owner permissions suffice).
            securityContext: {
              runAsUser: 0,
              runAsGroup: 0,
              privileged: false,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [
              { name: 'cni-conf', mountPath: CONF_MOUNT },
              { name: 'cni-bin', mountPath: BIN_MOUNT },
            ],
          }],
          // Exactly the two directories of the install's CniPaths. Type Directory: they must exist,
          // and are never created on the node; a pod that stays in ContainerCreating with
          // "hostPath type check failed" says these are not the node's CNI paths.
          volumes: [
            { name: 'cni-conf', hostPath: { path: model.configDir, type: 'Directory' } },
            { name: 'cni-bin', hostPath: { path: model.binDir, type: 'Directory' } },
          ],
        },
      },
    },
  } satisfies DaemonSet;
}
