import { STANDARD_DIRS } from '../cni';
import { atLeast, semver } from '../versions';
import { MULTUS_IMAGE, MultusChartProfile, OwnedKey } from './profile';

/** Where the chart puts its one container; the chart has no controllers, its DaemonSet's container is `multus`. */
const DAEMON = { controller: 'multus', container: 'multus' } as const;

/** The chart reads the daemon's API token switch here (its ServiceAccount's `automountServiceAccountToken`). */
const TOKEN: OwnedKey = { path: ['serviceAccount', 'automount'], owner: 'token' };

/**
 * home-operations' chart (https://github.com/home-operations/helm-charts, `charts/multus`, tag
 * `multus-0.1.0`), served at `oci://ghcr.io/home-operations/charts/multus`: a plain chart, no bjw-s
 * common library, running the thin plugin (`appVersion` v4.3.0). What onedr0p/home-ops runs.
 *
 * Its values (values.yaml and values.schema.json of 0.1.0): `image`, `cniPlugins` (an init container
 * that copies the reference plugins into `cni.binDir`, on by default), `cni.netDir`, `cni.binDir`,
 * `extraArgs`, `resources` (the daemon's, at the top level), `tolerations` (read as given; the
 * default is `CriticalAddonsOnly` alone), `serviceAccount` (`automount` true by default: the thin
 * entrypoint writes the plugin's kubeconfig from the token), `rbac`, `priorityClassName`
 * (`system-node-critical`), `securityContext` and the usual pod settings. Its
 * NetworkAttachmentDefinition CRD is vendored into `crds/` when a version is released.
 *
 * Values the library writes: `image`, `resources`, `cni.netDir`/`cni.binDir`, `cniPlugins.enabled`,
 * `serviceAccount.automount: true`, and the install's tolerations under `tolerations` (this chart
 * reads them, so no post-renderer is needed).
 */
export const HOME_OPERATIONS_MULTUS: MultusChartProfile = {
  id: 'home-operations-multus',
  label: 'home-operations multus',
  family: 'home-operations',
  factory: 'MultusChart.homeOperations()',
  source: { kind: 'OCIRepository', url: 'oci://ghcr.io/home-operations/charts/multus', chart: 'multus', repositoryName: 'multus' },
  alsoServedAt: [],
  daemon: 'thin',
  defaultImage: { repository: MULTUS_IMAGE, tag: 'v4.3.0' },
  defaultVersion: '0.1.0',
  verifiedVersions: ['0.1.0'],
  refusedVersions: {},
  // The 0.1 line; 0.1.0 is the one rendered.
  accepts: (version) => /^0\.1\.(0|[1-9]\d*)$/.test(version),
  judges: (version) => {
    const v = semver(version);
    return v !== undefined && v[0] === 0 && v[1] === 1;
  },
  layoutOf: (version) => (HOME_OPERATIONS_MULTUS.judges(version) ? DAEMON : undefined),
  keysRead: {
    global: true,
    image: { repository: true, pullPolicy: true, tag: true },
    cniPlugins: { enabled: true, image: { repository: true, pullPolicy: true, tag: true }, resources: true },
    cni: { netDir: true, binDir: true },
    extraArgs: true,
    imagePullSecrets: true,
    nameOverride: true,
    fullnameOverride: true,
    serviceAccount: { create: true, automount: true, annotations: true, name: true },
    rbac: { create: true, annotations: true },
    podAnnotations: true,
    podLabels: true,
    podSecurityContext: true,
    securityContext: true,
    resources: true,
    priorityClassName: true,
    nodeSelector: true,
    tolerations: true,
    affinity: true,
  },
  readsCommonKeys: false,
  defaultDirs: () => STANDARD_DIRS,
  dirsPaths: { config: ['cni', 'netDir'], bin: ['cni', 'binDir'] },
  imagePath: () => ['image'],
  resourcesPath: () => ['resources'],
  writeValues: (i) => ({
    image: { repository: i.image.repository, tag: i.image.tag },
    resources: i.resources,
    cni: { netDir: i.dirs.configDir, binDir: i.dirs.binDir },
    cniPlugins: { enabled: i.pluginInstaller ?? true },
    serviceAccount: { automount: true },
  }),
  ownedKeys: () => [
    { path: ['cni', 'netDir'], owner: 'cniPaths' },
    { path: ['cni', 'binDir'], owner: 'cniPaths' },
    { path: ['image', 'repository'], owner: 'image' },
    { path: ['image', 'tag'], owner: 'image' },
    TOKEN,
  ],
  // The thin entrypoint writes into the node's 00-multus.conf the kubeconfig path of its
  // `--multus-kubeconfig-file-host` default, /etc/cni/net.d/multus.d/multus.kubeconfig.
  fixedConfigDir: STANDARD_DIRS.configDir,
  settings: { logLevel: false, cniVersion: false },
  tolerationsHardCoded: false,
  tolerationsPath: ['tolerations'],
  pluginInstaller: { enabledPath: ['cniPlugins', 'enabled'] },
  installsCrd: () => true,
  kubernetes: () => ({ own: atLeast(1, 25) }),
};
