import { SYNTH_RULEBOOK } from './rules/app-check';
import { MultusRulebook } from './util/app-checks';

// The public API of cdk8s-multus. Nothing but exports here (and the one line below that wires the
// rulebook at synth), each by name: no `export *` of a source module, so that a helper exported for
// the library's own use never becomes part of the package's surface (test/api-surface.test.ts
// holds the line).
export { ValidationError, ValidationErrorProps, ValidationProblem } from './errors';
export { CpuQuantity } from './util/quantity';
export { ContainerResources } from './util/resources';

// Flux building blocks
export { FluxHealthCheck } from './flux/health-check';
export { FluxKustomizationRef, IFluxKustomizationRef } from './flux/kustomization-ref';

// Installing Multus
export { CniPaths } from './cluster/cni-paths';
export { ClusterProfile, ClusterProfileOptions, PrimaryCni, TalosClusterProfileOptions } from './cluster/cluster-profile';
export { AngelnuChartOptions, BjwSChartOptions, HomeOperationsChartOptions, MultusChart, MultusChartFamily, MultusValuesLayout, OciChartSourceOptions } from './multus/chart';
export { MultusImage, MultusInstallProps, MultusLogLevel } from './multus/install-model';
export { MultusToleration, TaintEffect } from './multus/toleration';
export { MultusInstall } from './multus/install';
export { MultusNodeCleanup, MultusNodeCleanupProps } from './multus/cleanup';

// The IoT network
export { INetworkAttachment, NetworkRef } from './network/network-ref';
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
export {
  AppTemplateCapabilities, AppTemplateEnvSource, AppTemplateFsGroupChangePolicy, AppTemplateImage, AppTemplatePodSecurityContext,
  AppTemplatePort, AppTemplatePortProtocol, AppTemplateSecurityContext, AppTemplateStrategy,
} from './apptemplate/options';
export {
  AppTemplateAccessMode, AppTemplateClaimOptions, AppTemplateEmptyDirOptions, AppTemplateHostPathOptions, AppTemplateHostPathType,
  AppTemplateMountOptions, AppTemplatePersistence, AppTemplatePersistenceType,
} from './apptemplate/persistence';
export { AppTemplateProbe, AppTemplateProbeOptions, AppTemplateProbeType, AppTemplateProbes } from './apptemplate/probe';
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
export { MultusFluxApp, MultusFluxAppProps } from './apps/multus-flux-app';

// The rulebook. At synth: every app that uses a construct of the library gets one MultusRulebook
// (a child of the app's root, `MultusRulebook.of(app)`), which runs the rules over every manifest
// of the app and takes suppressions. The rules read the constructs of every layer, so no construct
// imports them: the library's entry point hands them to MultusRulebook here, once (docs/rules.md,
// "Where it runs"). As a cdk8s validation plugin: cdk8s.yaml `validations:`.
MultusRulebook._wire(SYNTH_RULEBOOK);
export { MultusRulebook } from './util/app-checks';
export { MultusValidation, MultusValidationProps } from './cli/plugin';

// The generated Flux and NetworkAttachmentDefinition classes, so that the objects the constructs
// expose (`MultusInstall.helmRelease`, ...) have a public type in every jsii language.
export * as fluxhelm from '../imports/helm.toolkit.fluxcd.io';
export * as fluxsource from '../imports/source.toolkit.fluxcd.io';
export * as fluxkustomize from '../imports/kustomize.toolkit.fluxcd.io';
export * as k8scni from '../imports/k8s.cni.cncf.io';
