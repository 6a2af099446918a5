import { propsShape } from '../util/props';
import { MultusImage, MultusInstallProps } from './install-model';

// The keys of the install's props interfaces (AngelnuChartOptions's are in chart.ts) (util/props: the compiler checks each list against its
// interface), kept apart from the interfaces so that the modules that declare them stay as they are.

/** @internal */
export const MULTUS_INSTALL_PROPS = propsShape<MultusInstallProps>('MultusInstallProps', {
  cniPaths: true, cluster: true, chart: true, image: true, resources: true, tolerations: true, logLevel: true, cniVersion: true,
  interval: true, timeout: true, releaseName: true, namespace: true, values: true,
});

/** @internal */
export const MULTUS_IMAGE = propsShape<MultusImage>('MultusImage', { repository: true, tag: true });
