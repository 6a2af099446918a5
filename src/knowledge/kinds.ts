// Which kinds are cluster-scoped: the identity of an object of such a kind has no namespace (a
// `metadata.namespace` on it is ignored by the API server, and kustomize's and Flux's `namespace` /
// `targetNamespace` leave it alone), every other object's identity has one. The one list of the
// library: the identity check, the rulebook and the command line's kustomize build all read it.
//
// Three sources: the built-in kinds of Kubernetes that are cluster-scoped (`kubectl api-resources
// --namespaced=false` on Kubernetes 1.33, without the create-only review kinds, which never appear in
// manifests); the scope of the custom resources whose CRDs are pinned in cdk8s.yaml (the classes of
// imports/; test/knowledge/kinds.test.ts checks this table against the pinned CRD files); and the
// cluster-scoped kinds of CRDs that home-ops repositories commonly carry beside the library's
// objects (cert-manager, external-secrets, Gateway API, CSI snapshots), as their CRDs declare them.
// A kind known to none is treated as namespaced, unless the app itself carries its
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

/** A CRD's `spec.scope`. */
export type CrdScope = 'Namespaced' | 'Cluster';

/**
 * The scope of the kinds of the pinned CRDs (cdk8s.yaml `imports:`), by `<group>/<kind>`.
 * @internal
 */
export const PINNED_CRD_SCOPES: Readonly<Record<string, CrdScope>> = {
  'helm.toolkit.fluxcd.io/HelmRelease': 'Namespaced',
  'source.toolkit.fluxcd.io/HelmRepository': 'Namespaced',
  'source.toolkit.fluxcd.io/OCIRepository': 'Namespaced',
  'source.toolkit.fluxcd.io/GitRepository': 'Namespaced',
  'kustomize.toolkit.fluxcd.io/Kustomization': 'Namespaced',
  'k8s.cni.cncf.io/NetworkAttachmentDefinition': 'Namespaced',
};

/**
 * Cluster-scoped kinds of CRDs the library does not pin but that sit beside its objects in
 * home-ops repositories, by `<group>/<kind>`.
 * @internal
 */
export const COMMON_CRD_SCOPES: Readonly<Record<string, CrdScope>> = {
  'cert-manager.io/ClusterIssuer': 'Cluster',
  'external-secrets.io/ClusterSecretStore': 'Cluster',
  'gateway.networking.k8s.io/GatewayClass': 'Cluster',
  'snapshot.storage.k8s.io/VolumeSnapshotClass': 'Cluster',
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
 * True iff the manifest is a `kind` of API group `group`.
 * @internal
 */
export function isKind(object: any, group: string, kind: string): boolean {
  return object?.kind === kind && apiGroupOf(object?.apiVersion) === group;
}

/**
 * True iff objects of `kind` in API `group` are cluster-scoped: a built-in cluster-scoped kind, a
 * pinned or common CRD of scope Cluster, or a kind whose scope `extra` gives (the CRDs the app
 * itself carries).
 * @internal
 */
export function isClusterScoped(group: string, kind: string, extra?: ReadonlyMap<string, string>): boolean {
  const key = `${group}/${kind}`;
  const fromApp = extra?.get(key);
  if (fromApp !== undefined) return fromApp === 'Cluster';
  const crd = PINNED_CRD_SCOPES[key] ?? COMMON_CRD_SCOPES[key];
  if (crd !== undefined) return crd === 'Cluster';
  return (BUILT_IN_CLUSTER_SCOPED[group] ?? []).includes(kind);
}

/**
 * True iff the manifest (its `apiVersion` and `kind`) is of a cluster-scoped kind.
 * @internal
 */
export function isClusterScopedObject(object: any, extra?: ReadonlyMap<string, string>): boolean {
  return typeof object?.kind === 'string' && isClusterScoped(apiGroupOf(object.apiVersion), object.kind, extra);
}
