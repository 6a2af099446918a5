import { invalid } from '../errors';
import { MultusInstall, MultusInstallProps } from '../multus/install';
import { isPlainObject } from '../util/merge';
import { FluxAppUnit, FluxHealthCheck, FluxKustomization } from './kustomization';
import type { FluxRepository } from './repository';

/** The CRD the Multus chart installs; NetworkAttachmentDefinitions cannot be applied before it is served. */
const NAD_CRD = 'network-attachment-definitions.k8s.cni.cncf.io';

/** Props of `MultusFluxApp`. */
export interface MultusFluxAppProps {
  /** The Multus install (chart, CNI paths, image, resources). */
  readonly install: MultusInstallProps;

  /**
   * The namespace Multus runs in (and the default namespace of the networks).
   * @default 'kube-system'
   */
  readonly namespace?: string;

  /**
   * The app's name: its directory and the name of the Kustomization that installs the chart.
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * The directory (and Kustomization name suffix) of the NetworkAttachmentDefinitions.
   * @default 'networks'
   */
  readonly networksDirectory?: string;
}

/**
 * Multus as a Flux app, in the install order that works on a fresh cluster:
 *
 * - `<app>/app/` (Kustomization `<app>`): the HelmRelease. Flux calls it ready only once the
 *   HelmRelease is ready and the NetworkAttachmentDefinition CRD is served (`healthChecks`);
 * - `<app>/networks/` (Kustomization `<app>-networks`, `dependsOn` the first): the
 *   NetworkAttachmentDefinitions. Create `IotNetwork`s in `networks`.
 *
 * Flux dry-runs every object of a Kustomization before applying any, so a NAD next to the
 * HelmRelease that installs its CRD fails the first install with "no matches for kind" and
 * nothing is applied (kustomize-controller #601); onedr0p/home-ops and bjw-s-labs/home-ops split
 * them the same way. The chart's HelmRepository goes to `flux/repositories/helm/`.
 *
 * @example
 * const multus = new MultusFluxApp(repo, 'multus', { install: { cniPaths: CniPaths.K3S } });
 * new IotNetwork(multus.networks, 'iot', { subnet: '192.168.20.0/24' });
 */
export class MultusFluxApp extends FluxAppUnit {
  /** The Multus install (HelmRelease and HelmRepository). */
  public readonly install: MultusInstall;
  /** The Kustomization that installs the chart (directory `app`). */
  public readonly chartKustomization: FluxKustomization;
  /** The Kustomization of the networks (directory `networks`): the scope for `IotNetwork`s. */
  public readonly networks: FluxKustomization;

  constructor(scope: FluxRepository, id: string, props: MultusFluxAppProps) {
    super(scope, id, { namespace: props?.namespace ?? props?.install?.namespace ?? 'kube-system', name: props?.name });
    if (!isPlainObject(props) || !isPlainObject(props.install)) {
      invalid(isPlainObject(props) ? 'install' : 'props', isPlainObject(props) ? props.install : props,
        'give the install props, e.g. { install: { cniPaths: CniPaths.K3S } }', this, 'is required');
    }
    if (props.networksDirectory === 'app') {
      invalid('networksDirectory', props.networksDirectory, 'the chart is installed from "app"; the networks need a directory of their own, e.g. "networks"', this);
    }
    this.chartKustomization = new FluxKustomization(this, 'app');
    this.install = new MultusInstall(this.chartKustomization, 'multus', { ...props.install, namespace: props.install.namespace ?? this.namespace });
    // `wait: true` would make Flux ignore these checks (kustomize-controller API); the checks
    // cover what the networks need: the release ready and the CRD served.
    this.chartKustomization.addHealthCheck(FluxHealthCheck.helmRelease(this.install.releaseName, this.install.namespace));
    this.chartKustomization.addHealthCheck(FluxHealthCheck.customResourceDefinition(NAD_CRD));
    this.networks = new FluxKustomization(this, props.networksDirectory ?? 'networks', {
      dependsOn: [this.chartKustomization],
    });
  }
}
