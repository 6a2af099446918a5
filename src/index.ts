// The public API of cdk8s-multus. Nothing but exports here.
export * from './errors';
export * from './multus/cni-paths';
export * from './multus/chart';
export * from './multus/install';

// The generated Flux and NetworkAttachmentDefinition classes, so that the objects the constructs
// expose (`MultusInstall.helmRelease`, ...) have a public type in every jsii language.
export * as fluxhelm from '../imports/helm.toolkit.fluxcd.io';
export * as fluxsource from '../imports/source.toolkit.fluxcd.io';
export * as fluxkustomize from '../imports/kustomize.toolkit.fluxcd.io';
export * as k8scni from '../imports/k8s.cni.cncf.io';
export * from './network/network-ref';
export * from './multus/cleanup';
export * from './network/ipam';
export * from './network/iot-network';
export * from './pod/annotation';
export * from './flux/kustomization';
export * from './flux/repository';
export * from './flux/multus-app';
export * from './pod/test-pod';
