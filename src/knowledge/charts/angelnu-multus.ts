import { K3S_DIRS } from '../cni';
import { commonKubernetesRange } from '../common';
import { MULTUS_IMAGE, MultusChartProfile, TOKEN_KEY } from './profile';
import { atLeast } from '../versions';

/** angelnu chart layouts: 6.0.x `controllers.main.containers.main`, 7.0.x `controllers.multus.containers.multus`. */
export const ANGELNU_LAYOUTS = {
  V6: { controller: 'main', container: 'main' },
  V7: { controller: 'multus', container: 'multus' },
} as const;

/** angelnu versions whose values layout the library knows, newest first. */
const ANGELNU_VERSIONS: Readonly<Record<string, keyof typeof ANGELNU_LAYOUTS>> = { '7.0.0': 'V7', '6.0.4': 'V6' };

/**
 * angelnu's chart (https://github.com/angelnu/helm-charts, `charts/apps/multus`).
 *
 * Values the library writes (6.0.4 and 7.0.0, every build):
 * - the daemon's image and resources under its controller and container (the version's layout);
 * - `defaultPodOptions.automountServiceAccountToken: true`: common 5 turns the token off by default,
 *   and the thick daemon without an API token exits without a log line
 *   (https://github.com/gavinmcfall/home-ops/pull/2438);
 * - `global.createDefaultServiceAccount: false`: common 5 adds a ServiceAccount named after the
 *   release next to the chart's own, and with two the chart's hook controllers (`test`,
 *   `uninstall`) fail to render. On common 4 both keys are what the chart does anyway.
 */
export const ANGELNU_MULTUS: MultusChartProfile = {
  id: 'angelnu-multus',
  label: 'angelnu multus',
  family: 'angelnu',
  factory: 'MultusChart.angelnu()',
  source: { kind: 'HelmRepository', url: 'https://angelnu.github.io/helm-charts', chart: 'multus', repositoryName: 'angelnu' },
  alsoServedAt: [],
  daemon: 'thick',
  defaultImage: { repository: MULTUS_IMAGE, tag: 'v4.3.0-thick' },
  defaultVersion: '7.0.0',
  verifiedVersions: ['7.0.0', '6.0.4'],
  refusedVersions: {
    '5.0.7': 'was re-published in place (Dec 2025) on a new library: it ignores `image`, `resources` and `tolerations`, and its namespaced Role makes Multus fail for pods outside the release namespace',
    '6.0.0': 'grants Multus a namespaced Role (fixed in 6.0.1) and misplaces `privileged` (fixed by 6.0.4)',
    '6.0.1': 'misplaces `privileged` (fixed by 6.0.4)',
    '6.0.2': 'misplaces `privileged` (fixed by 6.0.4)',
    '6.0.3': 'misplaces `privileged` (fixed by 6.0.4)',
  },
  accepts: (version) => Object.prototype.hasOwnProperty.call(ANGELNU_VERSIONS, version),
  judges: (version) => Object.prototype.hasOwnProperty.call(ANGELNU_VERSIONS, version) || Object.prototype.hasOwnProperty.call(ANGELNU_MULTUS.refusedVersions, version),
  layoutOf: (version) => Object.prototype.hasOwnProperty.call(ANGELNU_VERSIONS, version) ? ANGELNU_LAYOUTS[ANGELNU_VERSIONS[version]] : undefined,
  keysRead: { cni: { paths: { config: true, bin: true }, logLevel: true, version: true }, hostPaths: { netns: true } },
  readsCommonKeys: true,
  // 6.0.4 and 7.0.0 default to k3s's embedded-flannel directories.
  defaultDirs: (version) => Object.prototype.hasOwnProperty.call(ANGELNU_VERSIONS, version) ? K3S_DIRS : undefined,
  dirsPaths: { config: ['cni', 'paths', 'config'], bin: ['cni', 'paths', 'bin'] },
  imagePath: (l) => ['controllers', l.controller, 'containers', l.container, 'image'],
  resourcesPath: (l) => ['controllers', l.controller, 'containers', l.container, 'resources'],
  writeValues: (i) => ({
    controllers: {
      [i.layout.controller]: {
        containers: {
          [i.layout.container]: {
            image: { repository: i.image.repository, tag: i.image.tag },
            resources: i.resources,
          },
        },
      },
    },
    defaultPodOptions: { automountServiceAccountToken: true },
    global: { createDefaultServiceAccount: false },
    cni: {
      paths: { config: i.dirs.configDir, bin: i.dirs.binDir },
      ...(i.logLevel !== undefined ? { logLevel: i.logLevel } : {}),
      ...(i.cniVersion !== undefined ? { version: i.cniVersion } : {}),
    },
    ...(i.netnsDir !== undefined ? { hostPaths: { netns: i.netnsDir } } : {}),
  }),
  ownedKeys: (l) => [
    { path: ['cni', 'paths'], owner: 'cniPaths' },
    { path: ['controllers', l.controller, 'containers', l.container, 'image'], owner: 'image' },
    TOKEN_KEY,
    { path: ['global', 'createDefaultServiceAccount'], owner: 'serviceAccount' },
  ],
  settings: { logLevel: true, cniVersion: true },
  tolerationsHardCoded: true,
  // The CRD is in its crds/ directory (6.0.4, 7.0.0).
  installsCrd: () => true,
  // templates/common.yaml `host-run-netns`.
  netnsMount: { valuesPath: ['hostPaths', 'netns'], defaultDir: '/run/netns/' },
  kubernetes: (version) => version === '6.0.4'
    ? { own: atLeast(1, 16), library: { name: 'common 4.5.0', range: commonKubernetesRange('4.5.0') } }
    // 7.0.0 as served since May 2026: common 5.0.1 (before: 4.5.0, then 4.6.2).
    : { own: atLeast(1, 16), library: { name: 'common 5.0.1', range: commonKubernetesRange('5.0.1') } },
};

