import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CLUSTER_NAMES, ClusterFacts, clusterFacts, kubernetesVersion } from '../knowledge/clusters';

// The cluster the checker judges for: `--cluster` and `--kubernetes-version`, or `cluster:` and
// `kubernetesVersion:` in a `.cdk8s-multus.yaml` at the root of the first directory checked. The
// flags win. Without either, the rules that need the cluster stay silent.

/** The name of the checker's configuration file, at the root of the checked directory. */
export const CONFIG_FILE = '.cdk8s-multus.yaml';

/** The cluster options as given (flags or file). @internal */
export interface ClusterOptions {
  readonly cluster?: string;
  readonly kubernetesVersion?: string;
}

/** What the options give: the cluster's facts and Kubernetes version, or the reason they are refused. @internal */
export interface ResolvedCluster {
  readonly facts?: ClusterFacts;
  readonly kubernetesVersion?: readonly [number, number, number];
  readonly error?: string;
  /** Where the options came from, for the summary. */
  readonly from?: string;
}

/** The names `--cluster` takes. */
export function clusterNames(): string[] {
  return Object.keys(CLUSTER_NAMES);
}

/** Reads `.cdk8s-multus.yaml` at `root`, if there is one. @internal */
export function readConfigFile(root: string): { options?: ClusterOptions; error?: string } {
  const file = path.join(root, CONFIG_FILE);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return {};
  }
  if (!stat.isFile() || stat.size > 64 * 1024) return { error: `${CONFIG_FILE} is not a regular file of at most 64 KiB` };
  let doc: any;
  try {
    doc = parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return { error: `${CONFIG_FILE} is not YAML: ${(e as Error).message.split('\n')[0]}` };
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) return { error: `${CONFIG_FILE} must be a mapping with cluster: and kubernetesVersion:` };
  const unknown = Object.keys(doc).filter((k) => k !== 'cluster' && k !== 'kubernetesVersion');
  if (unknown.length > 0) return { error: `${CONFIG_FILE}: unknown key ${JSON.stringify(unknown[0])} (it takes cluster and kubernetesVersion)` };
  const version = doc.kubernetesVersion;
  return {
    options: {
      cluster: doc.cluster === undefined ? undefined : String(doc.cluster),
      // YAML reads an unquoted 1.30 as the number 1.3: every Kubernetes minor since 1.10 has two
      // digits, so two decimals give back what the user wrote.
      kubernetesVersion: version === undefined ? undefined : typeof version === 'number' ? version.toFixed(2) : String(version),
    },
  };
}

/** The facts of the cluster the options name. @internal */
export function resolveCluster(flags: ClusterOptions, file: ClusterOptions | undefined): ResolvedCluster {
  const name = flags.cluster ?? file?.cluster;
  const version = flags.kubernetesVersion ?? file?.kubernetesVersion;
  const from = flags.cluster !== undefined || flags.kubernetesVersion !== undefined ? 'options' : CONFIG_FILE;
  if (name === undefined && version === undefined) return {};
  if (version !== undefined && (kubernetesVersion(version) === undefined || kubernetesVersion(version)![0] !== 1)) {
    return { error: `kubernetes version ${JSON.stringify(version)} is not a Kubernetes version (e.g. 1.31 or 1.30.6)` };
  }
  if (name !== undefined && !Object.prototype.hasOwnProperty.call(CLUSTER_NAMES, name)) {
    return { error: `cluster ${JSON.stringify(name)} is not one of ${clusterNames().join(', ')}` };
  }
  const kube = version !== undefined ? kubernetesVersion(version) : undefined;
  // A version alone: a cluster of unknown kind, judged only by the charts' Kubernetes ranges.
  if (name === undefined) return { kubernetesVersion: kube, from };
  return { facts: clusterFacts({ ...CLUSTER_NAMES[name], kubernetesVersion: version }), kubernetesVersion: kube, from };
}
