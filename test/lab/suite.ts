import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Chart } from 'cdk8s';
import { IotNetwork, IotNetworkProps, MultusPodAnnotation, NetworkSelection } from '../../src';
import { describeNeeding, synth, testChart } from '../helpers';
import { labBuild } from './build-runner';
import { Lab, labUnavailableReason } from './lab';
import { LabNad, LabPod, MultusRuntime } from './multus-runtime';

/** Timeout of each lab test; a test normally takes a second or two (every pod goes through Multus). */
export const LAB_TEST_TIMEOUT_MS = 30_000;

/** Bound on a suite's set-up: the first one on a machine builds Multus and the plugins. */
export const LAB_SETUP_TIMEOUT_MS = 1_500_000;

/** The node's uplinks in every lab: `eth0` (with the default route) and the VLAN 20 stand-in. */
export const UPLINKS = [
  { name: 'eth0', nodeAddress: '192.0.2.2/24', gatewayAddress: '192.0.2.1/24', defaultRoute: true },
  { name: 'eth0.20', nodeAddress: '198.51.100.2/24', gatewayAddress: '198.51.100.1/24' },
];

/** A program a suite needs besides the lab's own, and the Debian package that has it. */
export interface Requirement {
  readonly command: string;
  readonly debianPackage: string;
}

/**
 * `describe` when the lab can run here. Otherwise, locally, `describe.skip` with the reason in the
 * title and on stderr (jest shows stderr even for a skipped file); under CI=true a failing test with
 * the reason instead, because CI installs everything the lab needs and runs as root.
 */
export function describeLab(title: string, body: () => void, requires: readonly Requirement[] = []): void {
  const reason = labUnavailableReason() ?? missingRequirement(requires);
  describeNeeding(title, reason === undefined ? undefined : `the CNI lab cannot run here: ${reason}`, body);
}

function missingRequirement(requires: readonly Requirement[]): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').filter((dir) => dir !== '');
  const missing = requires.filter((r) => !dirs.some((dir) => existsSync(join(dir, r.command))));
  if (missing.length === 0) return undefined;
  return `${missing.map((r) => `\`${r.command}\``).join(', ')} not found (apt-get install ${missing.map((r) => r.debianPackage).join(' ')})`;
}

/**
 * A lab (namespaces) and the real Multus on its node, made before and removed after the suite.
 * `pluginDir` picks the reference plugins (default: the 1.10 build; `DEBIAN_PLUGIN_DIR` for 1.1.1).
 */
export function useLab(options: { pluginDir?: () => string } = {}): { lab: () => Lab; multus: () => MultusRuntime } {
  let lab: Lab | undefined;
  let multus: MultusRuntime | undefined;
  beforeAll(async () => {
    await labBuild();
    lab = await Lab.create(UPLINKS);
    multus = new MultusRuntime({ nodeNetns: lab.node, pluginDir: options.pluginDir?.() });
  }, LAB_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    multus?.destroy();
    await lab?.destroy();
  }, LAB_TEST_TIMEOUT_MS);
  return {
    lab: () => lab!,
    multus: () => multus!,
  };
}

/** One network of a pod as the library writes it: the IotNetwork and the pod's selection of it. */
export interface LibraryNetwork {
  /** The IotNetwork's props; its NAD is `name` (default `iot`, `iot2`, ...) in kube-system. */
  readonly props: IotNetworkProps;
  /** The pod's selection element, without `network`. */
  readonly selection?: Omit<NetworkSelection, 'network'>;
}

/** What the library synthesizes for a pod: the NADs, and the pod's annotations. */
export interface LibraryPod {
  readonly nads: LabNad[];
  readonly annotations: Record<string, string>;
}

/**
 * The NADs and the networks annotation the library writes for a pod on `networks` (in this order):
 * IotNetworks in kube-system, the annotation by MultusPodAnnotation.
 */
export function libraryPod(...networks: LibraryNetwork[]): LibraryPod {
  const chart: Chart = testChart('kube-system');
  const iots = networks.map((n, i) => new IotNetwork(chart, i === 0 ? 'iot' : `iot${i + 1}`, n.props));
  const annotation = new MultusPodAnnotation(chart, 'pod', { networks: networks.map((n, i) => ({ ...n.selection, network: iots[i] })) });
  // Its value taken before synthesis, as a user puts it on a pod (an unused annotation is refused).
  const annotations = annotation.toAnnotations();
  return { nads: nadsOf(synth(chart)), annotations };
}

/** The NetworkAttachmentDefinitions among synthesized manifests. */
export function nadsOf(manifests: any[]): LabNad[] {
  return manifests
    .filter((m) => m.kind === 'NetworkAttachmentDefinition')
    .map((m) => ({ name: m.metadata.name, namespace: m.metadata.namespace, config: m.spec.config }));
}

/** A pod of the lab for `library`: a fresh namespace and sandbox id, with the library's annotations. */
export async function podOf(lab: Lab, containerId: string, library: LibraryPod): Promise<LabPod> {
  return { netns: await lab.pod(), containerId, annotations: library.annotations };
}
