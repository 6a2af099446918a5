import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { helmReleaseChart } from '../flux/chart-source';
import { fluxNamespaceOf } from '../flux/namespace';
import { ensureChartSource } from '../flux/source-objects';
import { helmRepositorySpec, ociRepositorySpec } from '../flux/sources';
import { MultusPodAnnotation } from '../pod/annotation';
import { invalid } from '../errors';
import { useLibraryChecks } from '../util/app-checks';
import { deepMerge } from '../util/merge';
import { AppTemplateChart, AppTemplateSourceKind } from './chart';
import { AppTemplateReleaseProps, ReleaseModel, resolveRelease } from './release-model';

/**
 * A bjw-s app-template release through Flux, typed for home-automation workloads (Home Assistant,
 * ESPHome, Matter server, Scrypted, zigbee2mqtt): a `HelmRelease` (helm.toolkit.fluxcd.io/v2) whose
 * values run one container (`controllers.<controller>.containers.app`) with its Service, volumes,
 * environment, security context, resources and probes, on the pod's Multus networks; plus the
 * chart's Flux source (an `OCIRepository`, or a `HelmRepository`) unless the app, or the Flux tree
 * it is in, declares that source already.
 *
 * The networks are checked as `MultusPodAnnotation` checks them (a child of this construct does),
 * static addresses claimed in their network's address plan, and the annotation is written on the
 * pod (`controllers.<controller>.pod.annotations`), never on the Deployment. With a static address
 * or a pinned MAC the release runs one replica with the `Recreate` strategy, and anything that
 * would run a second pod at once is refused.
 *
 * @example
 * new AppTemplateRelease(chart, 'home-assistant', {
 *   image: { repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.11.3' },
 *   ports: [{ name: 'http', port: 8123 }],
 *   persistence: { config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(5) }) },
 *   networks: [{ network: iot, ips: ['192.168.20.100'] }],
 * });
 */
export class AppTemplateRelease extends Construct {
  /** The Flux HelmRelease. */
  public readonly helmRelease: HelmRelease;
  /**
   * The chart's Flux source object (an `OCIRepository` or a `HelmRepository`,
   * source.toolkit.fluxcd.io/v1), unless the chart's source is marked `existing`. Shared with every
   * other release of the app (of the Flux tree, inside one) that declares the same source.
   */
  public readonly chartSource?: ApiObject;
  /** The chart version and its source. */
  public readonly chart: AppTemplateChart;
  /** Name of the HelmRelease and the Helm release. */
  public readonly releaseName: string;
  /** Namespace of the HelmRelease and the workload. */
  public readonly namespace: string;
  /** The app-template controller that runs the container. */
  public readonly controller: string;
  /** The container image, `repository:tag` (with `@digest` when pinned). */
  public readonly image: string;
  /**
   * The `MultusPodAnnotation` that checks the pod's networks and claims their addresses (its value
   * is the pod's `k8s.v1.cni.cncf.io/networks` annotation), when the release has networks.
   */
  public readonly networksAnnotation?: MultusPodAnnotation;
  /**
   * Whether the pod pins static addresses or a MAC: then it runs as the only pod of the release,
   * replaced with `Recreate`.
   */
  public readonly singlePod: boolean;

  private readonly renderedValues: Record<string, any>;

  constructor(scope: Construct, id: string, props: AppTemplateReleaseProps) {
    super(scope, id);
    useLibraryChecks(this);
    // Every prop is checked before the networks' addresses are claimed: a refused release holds none.
    const model: ReleaseModel = resolveRelease(props, { id, chartNamespace: chartOf(this).namespace, fluxNamespace: fluxNamespaceOf(this) }, this);
    this.chart = model.chart;
    this.releaseName = model.releaseName;
    this.namespace = model.namespace;
    this.controller = model.controller;
    this.image = model.image;
    this.singlePod = model.singlePod;

    // The source before the networks: a source that conflicts with another declaration is refused
    // before any address is claimed.
    const source = model.chart.source;
    const oci = source.kind === AppTemplateSourceKind.OCI_REPOSITORY;
    if (!source.existing) {
      this.chartSource = ensureChartSource(this, 'Source', {
        kind: oci ? 'OCIRepository' : 'HelmRepository',
        name: source.name,
        namespace: model.sourceNamespace,
        spec: oci
          ? ociRepositorySpec(source.url, model.chart.version, source.digest, source.interval, 'chart.source.interval', this)
          : helmRepositorySpec(source.url, source.interval, 'chart.source.interval', this),
        declaredBy: 'AppTemplateRelease',
      });
    }

    let values = model.values;
    if (props.networks !== undefined) {
      // The annotation's own checks and claims; its values fragment counts as reaching a pod.
      this.networksAnnotation = new MultusPodAnnotation(this, 'Networks', { networks: props.networks });
      values = deepMerge(values, this.networksAnnotation.toAppTemplateValues(model.controller));
    }
    // A copy: what the release writes does not change when the caller's `values` object does.
    this.renderedValues = JSON.parse(JSON.stringify(values));

    this.helmRelease = new HelmRelease(this, 'Resource', {
      metadata: { name: model.releaseName, namespace: model.namespace },
      spec: {
        interval: model.interval,
        ...helmReleaseChart({ kind: oci ? 'OCIRepository' : 'HelmRepository', name: source.name, namespace: model.sourceNamespace, chart: model.chart.chart, version: model.chart.version }),
        install: { remediation: { retries: 3 } },
        upgrade: { cleanupOnFail: true, remediation: { retries: 3 } },
        values: this.renderedValues,
      },
    });
  }

  /** The chart values as the HelmRelease carries them (a copy). */
  public get values(): { [key: string]: any } {
    return JSON.parse(JSON.stringify(this.renderedValues));
  }
}

/** The cdk8s Chart the release is in: its objects need one, and its namespace is the default. */
function chartOf(scope: Construct): Chart {
  try {
    return Chart.of(scope);
  } catch {
    return invalid({ field: 'scope', value: scope.node.path, hint: 'create the release inside a cdk8s Chart, or inside a FluxKustomization of a FluxTree', scope, problem: 'is not in a chart' });
  }
}
