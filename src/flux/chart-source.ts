import { HelmReleaseSpecChart, HelmReleaseSpecChartRef, HelmReleaseSpecChartRefKind, HelmReleaseSpecChartSpecSourceRefKind } from '../../imports/helm.toolkit.fluxcd.io';

// Where a HelmRelease's chart comes from, as a plain model, and the HelmRelease fields that name
// it: `spec.chart` for a chart in a HelmRepository (an index over HTTP), `spec.chartRef` for a
// chart served by an OCIRepository. Flux takes one or the other, never both.

/**
 * The Flux source of one chart version.
 * @internal
 */
export interface ChartSourceModel {
  /** The kind of the Flux source object. */
  readonly kind: 'HelmRepository' | 'OCIRepository';
  /** The source object's name and namespace. */
  readonly name: string;
  readonly namespace: string;
  /** The chart's name in a HelmRepository (an OCIRepository serves exactly one chart). */
  readonly chart?: string;
  /** The exact chart version: `spec.chart.spec.version`, or the OCIRepository's `ref.tag`. */
  readonly version: string;
}

/**
 * The HelmRelease spec fields that take the chart from `source`.
 * @internal
 */
export function helmReleaseChart(source: ChartSourceModel): { chart?: HelmReleaseSpecChart; chartRef?: HelmReleaseSpecChartRef } {
  if (source.kind === 'OCIRepository') {
    return { chartRef: { kind: HelmReleaseSpecChartRefKind.OCI_REPOSITORY, name: source.name, namespace: source.namespace } };
  }
  return {
    chart: {
      spec: {
        chart: source.chart!,
        version: source.version,
        sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: source.name, namespace: source.namespace },
      },
    },
  };
}
