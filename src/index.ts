// The public API of cdk8s-multus. Nothing but exports here: modules that also hold internal
// helpers are exported by name, so that the helpers stay out of the package's surface.
export { ValidationError, ValidationErrorProps } from './errors';

// Installing Multus
export * from './multus/cni-paths';
export * from './multus/chart';
export * from './multus/install';
export { MultusNodeCleanup, MultusNodeCleanupProps } from './multus/cleanup';

// The IoT network
export * from './network/network-ref';
export * from './network/ipam';
export * from './network/iot-network';
export { CniDhcpDaemon, CniDhcpDaemonProps } from './network/dhcp-daemon';

// Pods on the network
export * from './pod/annotation';
export { MultusTestPod, MultusTestPodProps } from './pod/test-pod';

// The Flux repository tree
export * from './flux/kustomization';
export * from './flux/repository';
export * from './flux/multus-app';

// The generated Flux and NetworkAttachmentDefinition classes, so that the objects the constructs
// expose (`MultusInstall.helmRelease`, ...) have a public type in every jsii language.
export * as fluxhelm from '../imports/helm.toolkit.fluxcd.io';
export * as fluxsource from '../imports/source.toolkit.fluxcd.io';
export * as fluxkustomize from '../imports/kustomize.toolkit.fluxcd.io';
export * as k8scni from '../imports/k8s.cni.cncf.io';
