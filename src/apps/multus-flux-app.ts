import { Construct } from 'constructs';
import { invalid } from '../errors';
import { FluxHealthCheck } from '../flux/health-check';
import { MultusInstall } from '../multus/install';
import { MultusInstallProps } from '../multus/install-model';
import { FluxApp } from '../tree/flux-app';
import { FluxKustomization } from '../tree/kustomization';
import { isPlainObject } from '../util/merge';
import { checkKnownProps, propsShape } from '../util/props';

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

const MULTUS_FLUX_APP_PROPS = propsShape<MultusFluxAppProps>('MultusFluxAppProps', { install: true, namespace: true, name: true, networksDirectory: true });

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
 * nothing is applied (https://github.com/fluxcd/kustomize-controller/issues/601); the public
 * home-ops repositories split them the same way. The chart's source goes to `flux/repositories/`: a
 * HelmRepository to `helm/`, an OCIRepository to `oci/`.
 *
 * @example
 * const multus = new MultusFluxApp(tree, 'multus', { install: { cniPaths: CniPaths.K3S } });
 * new IotNetwork(multus.networks, 'iot', { subnet: '192.168.20.0/24' });
 */
export class MultusFluxApp extends FluxApp {
  /** The Multus install (HelmRelease, and its HelmRepository or OCIRepository). */
  public readonly install: MultusInstall;
  /** The Kustomization that installs the chart (directory `app`). */
  public readonly chartKustomization: FluxKustomization;
  /** The Kustomization of the networks (directory `networks`): the scope for `IotNetwork`s. */
  public readonly networks: FluxKustomization;

  constructor(scope: Construct, id: string, props: MultusFluxAppProps) {
    checkKnownProps('', props, MULTUS_FLUX_APP_PROPS);
    super(scope, id, { namespace: props?.namespace ?? props?.install?.namespace ?? 'kube-system', name: props?.name });
    if (!isPlainObject(props) || !isPlainObject(props.install)) {
      invalid({ field: isPlainObject(props) ? 'install' : 'props', value: isPlainObject(props) ? props.install : props, hint: 'give the install props, e.g. { install: { cniPaths: CniPaths.K3S } }', scope: this, problem: 'is required' });
    }
    if (props.networksDirectory === 'app') {
      invalid({ field: 'networksDirectory', value: props.networksDirectory, hint: 'the chart is installed from "app"; the networks need a directory of their own, e.g. "networks"', scope: this });
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
