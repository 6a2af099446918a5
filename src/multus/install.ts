import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { HelmRelease, HelmReleaseSpecInstallCrds, HelmReleaseSpecUpgradeCrds } from '../../imports/helm.toolkit.fluxcd.io';
import { HelmRepository, OciRepository } from '../../imports/source.toolkit.fluxcd.io';
import { invalid } from '../errors';
import { helmReleaseChart } from '../flux/chart-source';
import { fluxNamespaceOf } from '../flux/namespace';
import { ensureChartSource } from '../flux/source-objects';
import { helmRepositorySpec, ociRepositorySpec } from '../flux/sources';
import { isPlainObject } from '../util/merge';
import { MultusChart, profileOf } from './chart';
import { CniPaths } from '../cluster/cni-paths';
import { ClusterProfile, clusterOf } from '../cluster/cluster-profile';
import { PRIMARY_CNIS } from '../knowledge/clusters';
import { SUPPRESS_ANNOTATION_PREFIX } from '../knowledge/suppressions';
import { InstallModel, MultusInstallProps, checkNoModelledValues, installValues, resolveInstall } from './install-model';
import { MultusToleration, checkToleration, tolerationPostRenderers } from './toleration';
import { useLibraryChecks } from '../util/app-checks';
import { checkConstructId } from '../util/construct-id';
import { checkKnownProps } from '../util/props';
import { MULTUS_IMAGE, MULTUS_INSTALL_PROPS } from './props-shapes';
import { checkValuesKeepRendered } from './values-guard';

/**
 * Installs Multus through Flux: a `HelmRelease` (helm.toolkit.fluxcd.io/v2) of a Multus chart with
 * values in the layout of the chart version it names, and the Flux source the chart comes from
 * (source.toolkit.fluxcd.io/v1), in the Flux namespace of its scope (a `FluxTree`'s
 * `fluxNamespace`, else `flux-system`): a `HelmRepository` and `spec.chart` for angelnu's chart
 * (`MultusChart.angelnu()`, the default), an `OCIRepository` and `spec.chartRef` for bjw-s-labs'
 * chart (`MultusChart.bjwS()`) and home-operations' (`MultusChart.homeOperations()`).
 *
 * @example
 * new MultusInstall(chart, 'multus', { cniPaths: CniPaths.STANDARD });
 */
export class MultusInstall extends Construct {
  /**
   * Values for the Cilium HelmRelease of a cluster that runs Multus next to Cilium.
   *
   * With `cni.exclusive: true` (Cilium's default) the Cilium agent renames every other CNI config,
   * `00-multus.conf` included, to `*.cilium_bak` whenever it restarts, and Multus silently stops
   * attaching networks (https://github.com/k8snetworkplumbingwg/multus-cni/issues/972). Merge these
   * into the Cilium release's values, then restart the Multus daemon pods so that they write
   * `00-multus.conf` again.
   */
  public static ciliumValues(): { [key: string]: any } {
    return JSON.parse(JSON.stringify(PRIMARY_CNIS.cilium.needs!.values));
  }

  /** The Flux HelmRelease. */
  public readonly helmRelease: HelmRelease;
  /** The Flux HelmRepository of a chart from a Helm repository (angelnu), unless it points at an existing one. */
  public readonly helmRepository?: HelmRepository;
  /** The Flux OCIRepository of a chart from an OCI registry (bjw-s); undefined for a chart from a Helm repository. */
  public readonly ociRepository?: OciRepository;
  /** The chart and repository in use. */
  public readonly chart: MultusChart;
  /** The CNI directories the daemon is installed into. */
  public readonly cniPaths: CniPaths;
  /** The cluster the install is for (its `cluster` prop, or its FluxTree's), when known. */
  public readonly cluster?: ClusterProfile;
  /** Namespace of the HelmRelease and the daemon. */
  public readonly namespace: string;
  /** Name of the HelmRelease and Helm release. */
  public readonly releaseName: string;
  /** The daemon image reference, `repository:tag`. */
  public readonly image: string;

  private readonly model: InstallModel;
  private readonly extraValues: Array<Record<string, any>> = [];
  private readonly tolerations: MultusToleration[];

  constructor(scope: Construct, id: string, props: MultusInstallProps) {
    checkConstructId(scope, id, 'MultusInstall');
    super(scope, id);
    useLibraryChecks(this);
    checkKnownProps('', props, MULTUS_INSTALL_PROPS, this);
    if (isPlainObject(props?.image)) checkKnownProps('image', props.image, MULTUS_IMAGE, this);
    this.model = resolveInstall(props, { chartNamespace: chartNamespaceOf(this), fluxNamespace: fluxNamespaceOf(this), cluster: clusterOf(this) }, this);
    const model = this.model;
    if (model.values) checkValuesKeepRendered('values', model.values, installValues(model, []), this);
    this.chart = model.chart;
    this.cniPaths = model.cniPaths;
    this.cluster = model.cluster;
    this.namespace = model.namespace;
    this.releaseName = model.releaseName;
    this.image = `${model.image.repository}:${model.image.tag}`;
    this.tolerations = [...model.tolerations];
    if (model.values) this.extraValues.push(model.values);

    // One object per source: another install (or FluxTree.addHelmRepository) of the same source
    // shares it; a FluxTree files it under flux/repositories/helm or flux/repositories/oci.
    const chart = model.chart;
    if (chart.family.sourceKind === 'OCIRepository') {
      // An OCIRepository serves one chart version (ref.tag), pinned by digest when given: the only
      // pin that survives a re-publication of the version. The HelmRelease reads it by chartRef.
      this.ociRepository = ensureChartSource(this, 'OCIRepository', {
        kind: 'OCIRepository',
        name: chart.repositoryName,
        namespace: model.repositoryNamespace,
        spec: ociRepositorySpec(chart.url, chart.version, chart.digest, chart.repositoryInterval, 'chart.repositoryInterval', this),
        declaredBy: profileOf(chart.family).factory,
      }) as OciRepository;
    } else if (!chart.existingRepository) {
      // The same spec as addHelmRepository: an oci:// URL needs `type: oci`.
      this.helmRepository = ensureChartSource(this, 'HelmRepository', {
        kind: 'HelmRepository',
        name: chart.repositoryName,
        namespace: model.repositoryNamespace,
        spec: helmRepositorySpec(chart.url, chart.repositoryInterval, 'chart.repositoryInterval', this),
        declaredBy: 'MultusInstall',
      }) as HelmRepository;
    }

    this.helmRelease = new HelmRelease(this, 'Resource', {
      metadata: {
        name: model.releaseName,
        namespace: model.namespace,
        // The user's own directories, given on purpose: the rulebook (at synth and in the checker)
        // does not hold them against the cluster's.
        ...(model.cniPathsOverride !== undefined ? { annotations: { [`${SUPPRESS_ANNOTATION_PREFIX}cni-paths-cluster`]: model.cniPathsOverride } } : {}),
      },
      spec: {
        interval: model.interval,
        // The DaemonSet rolls one node at a time: room for several nodes (MultusInstallProps.timeout).
        timeout: model.timeout,
        ...helmReleaseChart({
          kind: chart.family.sourceKind as 'HelmRepository' | 'OCIRepository',
          name: chart.repositoryName,
          namespace: model.repositoryNamespace,
          chart: chart.chart,
          version: chart.version,
        }),
        // The NetworkAttachmentDefinition CRD comes with the chart. Helm applies a chart's crds/
        // directory only on install, and Flux skips it on upgrade by default: CreateReplace keeps
        // such a CRD current on upgrades too (for a CRD among the templates it changes nothing).
        install: { crds: HelmReleaseSpecInstallCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        upgrade: { crds: HelmReleaseSpecUpgradeCrds.CREATE_REPLACE, cleanupOnFail: true, remediation: { retries: 3 } },
        values: Lazy.any({ produce: () => this.values }),
        // A chart that reads the tolerations from its values gets them there (see `values`).
        postRenderers: Lazy.any({ produce: () => (profileOf(chart.family).tolerationsPath !== undefined ? undefined : tolerationPostRenderers(this.tolerations)) }),
      },
    });
  }

  /**
   * Deep-merges more values over the rendered ones (after the `values` prop), for settings the
   * library does not model. What the install sets is refused, as in the `values` prop: the CNI
   * directories and the daemon's image (set them with the `cniPaths` and `image` props) and the
   * daemon's API token.
   */
  public addValues(values: { [key: string]: any }): void {
    if (!isPlainObject(values)) {
      invalid({ field: 'values', value: values, hint: 'give a plain object of chart values', scope: this });
    }
    checkNoModelledValues(values, this.chart, this, this.model.netnsDir !== undefined);
    checkValuesKeepRendered('values', values, installValues(this.model, []), this);
    this.extraValues.push(values);
  }

  /** Adds a toleration to the DaemonSet (in the chart's values when it reads them, else through the post-renderer patch). */
  public addToleration(toleration: MultusToleration): void {
    this.tolerations.push(checkToleration(toleration, this.tolerations.length, this));
  }

  /** The chart values as they will be rendered. */
  public get values(): { [key: string]: any } {
    return installValues(this.model, this.extraValues, this.tolerations);
  }
}

/** The namespace of the enclosing cdk8s Chart, if there is one with a namespace. */
function chartNamespaceOf(scope: Construct): string | undefined {
  return Chart.of(scope).namespace;
}
