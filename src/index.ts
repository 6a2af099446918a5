// The public API of cdk8s-multus. Nothing but exports here (and the import that registers the
// rulebook's synth check): modules that also hold internal helpers are exported by name, so that
// the helpers stay out of the package's surface.
export { ValidationError, ValidationErrorProps, ValidationProblem } from './errors';
export { CpuQuantity } from './util/quantity';

// Flux building blocks
export { FluxHealthCheck } from './flux/health-check';
export { FluxKustomizationRef, IFluxKustomizationRef } from './flux/kustomization-ref';

// Installing Multus
export { CniPaths } from './cluster/cni-paths';
export { ClusterProfile, ClusterProfileOptions, PrimaryCni, TalosClusterProfileOptions } from './cluster/cluster-profile';
export * from './multus/chart';
export { MultusImage, MultusInstallProps, MultusLogLevel } from './multus/install-model';
export { MultusResources } from './multus/resources';
export { MultusToleration, TaintEffect } from './multus/toleration';
export * from './multus/install';
export { MultusNodeCleanup, MultusNodeCleanupProps } from './multus/cleanup';

// The IoT network
export * from './network/network-ref';
export { HostLocalIpamOptions, Ipam, IpamType, WhereaboutsIpamOptions } from './network/ipam';
export { DhcpRange, IotNetworkProps, IotNetworkRoute, MacvlanMode } from './network/network-model';
export { IotNetwork } from './network/iot-network';
export { CniDhcpDaemon, CniDhcpDaemonProps } from './multus/dhcp-daemon';

// Pods on the network
export { MultusPodAnnotation, MultusPodAnnotationProps, NetworkSelection } from './pod/annotation';
export { MultusTestPod, MultusTestPodProps } from './pod/test-pod';

// bjw-s app-template releases on the network
export {
  AppTemplateChart, AppTemplateChartOptions, AppTemplateHelmSourceOptions, AppTemplateOciSourceOptions, AppTemplateSource,
  AppTemplateSourceKind, AppTemplateSourceOptions, AppTemplateValuesLayout,
} from './apptemplate/chart';
export * from './apptemplate/options';
export {
  AppTemplateAccessMode, AppTemplateClaimOptions, AppTemplateEmptyDirOptions, AppTemplateHostPathOptions, AppTemplateHostPathType,
  AppTemplateMountOptions, AppTemplatePersistence, AppTemplatePersistenceType,
} from './apptemplate/persistence';
export * from './apptemplate/probe';
export { AppTemplateReleaseProps } from './apptemplate/release-model';
export { AppTemplateRelease } from './apptemplate/release';

// The Flux repository tree
export { IFluxApp, IFluxTree } from './tree/scope';
export { FluxTree, FluxTreeProps, FluxHelmRepositoryOptions } from './tree/flux-tree';
export { FluxApp, FluxAppProps } from './tree/flux-app';
export { FluxKustomization, FluxKustomizationOptions, FluxKustomizationProps } from './tree/kustomization';
export { FluxTreeFile } from './tree/files';
export { FluxTreeApp } from './tree/tree-app';

// Apps that know both Multus and the tree
export * from './apps/multus-flux-app';

// The rulebook: checks every manifest of an app at synth (registered when the library is loaded),
// and as a cdk8s validation plugin (cdk8s.yaml `validations:`)
import './rules/app-check';
export { MultusValidation, MultusValidationProps } from './cli/plugin';

// The generated Flux and NetworkAttachmentDefinition classes, so that the objects the constructs
// expose (`MultusInstall.helmRelease`, ...) have a public type in every jsii language.
export * as fluxhelm from '../imports/helm.toolkit.fluxcd.io';
export * as fluxsource from '../imports/source.toolkit.fluxcd.io';
export * as fluxkustomize from '../imports/kustomize.toolkit.fluxcd.io';
export * as k8scni from '../imports/k8s.cni.cncf.io';
