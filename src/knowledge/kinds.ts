// Which kinds are cluster-scoped: the identity of an object of such a kind has no namespace (a
// `metadata.namespace` on it is ignored by the API server), every other object's identity has one.
//
// Two sources: the built-in kinds of Kubernetes that are cluster-scoped (`kubectl api-resources
// --namespaced=false` on Kubernetes 1.33, without the create-only review kinds, which never appear in
// manifests), and the scope of the custom resources whose CRDs are pinned in cdk8s.yaml (the classes
// of imports/; test/util/kinds.test.ts checks this table against the pinned CRD files). A kind
// known to neither is treated as namespaced, unless the app itself carries its
// CustomResourceDefinition, whose `spec.scope` then decides.

/** Built-in cluster-scoped kinds, by API group (`''` is the core group). */
const BUILT_IN_CLUSTER_SCOPED: Readonly<Record<string, readonly string[]>> = {
  '': ['ComponentStatus', 'Namespace', 'Node', 'PersistentVolume'],
  'admissionregistration.k8s.io': [
    'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration',
  ],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'networking.k8s.io': ['IPAddress', 'IngressClass', 'ServiceCIDR'],
  'node.k8s.io': ['RuntimeClass'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'resource.k8s.io': ['DeviceClass', 'ResourceSlice'],
  'scheduling.k8s.io': ['PriorityClass'],
  'storage.k8s.io': ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment', 'VolumeAttributesClass'],
};

/**
 * The scope of the kinds of the pinned CRDs (cdk8s.yaml `imports:`), by `<group>/<kind>`.
 * @internal
 */
export const PINNED_CRD_SCOPES: Readonly<Record<string, 'Namespaced' | 'Cluster'>> = {
  'helm.toolkit.fluxcd.io/HelmRelease': 'Namespaced',
  'source.toolkit.fluxcd.io/HelmRepository': 'Namespaced',
  'source.toolkit.fluxcd.io/OCIRepository': 'Namespaced',
  'source.toolkit.fluxcd.io/GitRepository': 'Namespaced',
  'kustomize.toolkit.fluxcd.io/Kustomization': 'Namespaced',
  'k8s.cni.cncf.io/NetworkAttachmentDefinition': 'Namespaced',
};

/**
 * The API group of an `apiVersion` (`apps/v1` -> `apps`, `v1` -> `''`).
 * @internal
 */
export function apiGroupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * True iff objects of `kind` in API `group` are cluster-scoped: a built-in cluster-scoped kind, a
 * pinned CRD of scope Cluster, or a kind whose scope `extra` gives (the CRDs the app itself carries).
 * @internal
 */
export function isClusterScoped(group: string, kind: string, extra?: ReadonlyMap<string, string>): boolean {
  const key = `${group}/${kind}`;
  const fromApp = extra?.get(key);
  if (fromApp !== undefined) return fromApp === 'Cluster';
  const pinned = PINNED_CRD_SCOPES[key];
  if (pinned !== undefined) return pinned === 'Cluster';
  return (BUILT_IN_CLUSTER_SCOPED[group] ?? []).includes(kind);
}
