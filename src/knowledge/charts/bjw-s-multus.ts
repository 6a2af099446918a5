import { STANDARD_DIRS } from '../cni';
import { commonKubernetesRange } from '../common';
import { compareVersions, semver } from '../versions';
import { MULTUS_IMAGE, MultusChartProfile, TOKEN_KEY } from './profile';

/** The first version whose CRD is the `multus-crd` chart's. */
const CRD_SPLIT = [1, 3, 5];

/**
 * bjw-s-labs' chart (https://github.com/bjw-s-labs/helm-charts, `charts/other/multus`), 1.3.x on
 * common 5: the thin plugin. The library writes `multus.image`, `multus.resources`, `cni.netPath`,
 * `cni.binPath` and the daemon's API token (1.3.1 hard-codes it on; 1.3.0 renders the daemon without
 * one, and the thin plugin cannot write its kubeconfig). The chart binds its ClusterRole to the
 * ServiceAccount `multus`, which common 5 creates only for a release of that name, and fixes the thin
 * plugin's arguments, so the node's `00-multus.conf` names its kubeconfig under `/etc/cni/net.d`
 * (https://github.com/k8snetworkplumbingwg/multus-cni/blob/v4.3.0/cmd/thin_entrypoint/main.go).
 */
export const BJW_S_MULTUS: MultusChartProfile = {
  id: 'bjw-s-multus',
  label: 'bjw-s-labs multus',
  family: 'bjw-s',
  factory: 'MultusChart.bjwS()',
  source: { kind: 'OCIRepository', url: 'oci://ghcr.io/bjw-s-labs/helm/multus', chart: 'multus', repositoryName: 'multus' },
  alsoServedAt: [{ kind: 'HelmRepository', url: 'https://bjw-s-labs.github.io/helm-charts', chart: 'multus', repositoryName: 'bjw-s' }],
  daemon: 'thin',
  defaultImage: { repository: MULTUS_IMAGE, tag: 'v4.3.0' },
  defaultVersion: '1.3.1',
  verifiedVersions: ['1.3.1', '1.3.0'],
  refusedVersions: {},
  accepts: (version) => /^1\.3\.(0|[1-9]\d*)$/.test(version),
  // 1.0.0 to 1.3.x read the same keys (multus, cni-plugins, cni.netPath, cni.binPath).
  judges: (version) => {
    const v = semver(version);
    return v !== undefined && v[0] === 1 && v[1] <= 3;
  },
  layoutOf: () => ({ controller: 'multus', container: 'multus' }),
  keysRead: {
    'cni': { netPath: true, binPath: true },
    'multus': { image: { repository: true, tag: true }, resources: true },
    'cni-plugins': { image: { repository: true, tag: true }, resources: true },
  },
  readsCommonKeys: true,
  defaultDirs: () => STANDARD_DIRS,
  dirsPaths: { config: ['cni', 'netPath'], bin: ['cni', 'binPath'] },
  imagePath: () => ['multus', 'image'],
  resourcesPath: () => ['multus', 'resources'],
  writeValues: (i) => ({
    multus: {
      image: { repository: i.image.repository, tag: i.image.tag },
      resources: i.resources,
    },
    defaultPodOptions: { automountServiceAccountToken: true },
    cni: { netPath: i.dirs.configDir, binPath: i.dirs.binDir },
  }),
  ownedKeys: () => [
    { path: ['cni', 'netPath'], owner: 'cniPaths' },
    { path: ['cni', 'binPath'], owner: 'cniPaths' },
    { path: ['multus', 'image'], owner: 'image' },
    TOKEN_KEY,
  ],
  fixedReleaseName: 'multus',
  fixedConfigDir: STANDARD_DIRS.configDir,
  settings: { logLevel: false, cniVersion: false },
  tolerationsHardCoded: true,
  // 1.3.0 and 1.3.1 carry the CRD in crds/; from 1.3.5 (on common 5.2.1) it is the chart
  // `multus-crd`'s, a release of its own (bjw-s-labs/helm-charts#524).
  installsCrd: (version) => {
    const v = semver(version);
    return v === undefined || compareVersions(v, CRD_SPLIT) < 0;
  },
  crdChart: {
    chart: 'multus-crd',
    sources: [
      { kind: 'OCIRepository', url: 'oci://ghcr.io/bjw-s-labs/helm/multus-crd', chart: 'multus-crd', repositoryName: 'multus-crd' },
      { kind: 'HelmRepository', url: 'https://bjw-s-labs.github.io/helm-charts', chart: 'multus-crd', repositoryName: 'bjw-s' },
    ],
  },
  kubernetes: () => ({ library: { name: 'common 5', range: commonKubernetesRange('5.0.0') } }),
};

