import { COMMON_KEYS } from '../../src/knowledge/common';
import { STANDARD_DIRS } from '../../src/knowledge/cni';
import { KeyTree } from '../../src/knowledge/keys';
import { ANGELNU_MULTUS, BJW_S_MULTUS, HOME_OPERATIONS_MULTUS, MULTUS_CHARTS } from '../../src/knowledge/multus-charts';
import { inRange, semver } from '../../src/knowledge/versions';

// The chart profiles are the one place the library's chart knowledge lives: the install writes
// from them and the rulebook judges by them. These tests hold each profile to itself: what the
// library writes is what the chart reads, and what it owns is what it writes.

/** Every leaf path of a plain object. */
function leaves(value: any, path: string[] = []): string[][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) return [path];
  return Object.keys(value).flatMap((k) => leaves(value[k], [...path, k]));
}

/** True iff the chart reads `path` (a leaf of `tree` on its way, or a common key at the top). */
function reads(tree: KeyTree, path: string[], common: boolean): boolean {
  if (common && COMMON_KEYS.has(path[0])) return true;
  let at: KeyTree | true = tree;
  for (const key of path) {
    if (at === true) return true;
    const next: KeyTree | true | undefined = at[key];
    if (next === undefined) return false;
    at = next;
  }
  return true;
}

const INPUT = {
  image: { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0' },
  resources: { requests: { cpu: '10m' } },
  dirs: STANDARD_DIRS,
  logLevel: 'debug',
  cniVersion: '1.0.0',
};

describe.each(MULTUS_CHARTS.map((p) => [p.label, p] as const))('the %s profile', (_label, profile) => {
  test.each(profile.verifiedVersions.map((v) => [v]))('version %s: every key the library writes is one the chart reads', (version) => {
    // GIVEN the values the library writes for a verified version
    const layout = profile.layoutOf(version)!;
    const values = profile.writeValues({ ...INPUT, layout });
    // THEN each leaf is read by the chart: a value the chart never reads would silently change nothing
    const unread = leaves(values).filter((p) => !reads(profile.keysRead, p, profile.readsCommonKeys));
    expect(unread).toEqual([]);
  });

  test('every key it owns is one it writes, and the CNI directories land where the rulebook reads them', () => {
    const layout = profile.layoutOf(profile.defaultVersion)!;
    const values = profile.writeValues({ ...INPUT, layout });
    const dig = (path: readonly string[]) => path.reduce((at: any, k) => at?.[k], values);
    for (const key of profile.ownedKeys(layout)) expect(dig(key.path)).toBeDefined();
    expect(dig(profile.dirsPaths.config)).toBe(STANDARD_DIRS.configDir);
    expect(dig(profile.dirsPaths.bin)).toBe(STANDARD_DIRS.binDir);
    expect(dig(profile.imagePath(layout))).toEqual(INPUT.image);
  });

  test('its default version is accepted and verified, its default image matches its daemon, no refused version is accepted', () => {
    expect(profile.accepts(profile.defaultVersion)).toBe(true);
    expect(profile.verifiedVersions).toContain(profile.defaultVersion);
    expect(profile.defaultImage.tag.endsWith('-thick')).toBe(profile.daemon === 'thick');
    for (const v of Object.keys(profile.refusedVersions)) {
      expect(profile.accepts(v)).toBe(false);
      expect(profile.judges(v)).toBe(true);
    }
  });

  test('a setting it has no value for is not written', () => {
    const values = profile.writeValues({ ...INPUT, layout: profile.layoutOf(profile.defaultVersion)! });
    const text = JSON.stringify(values);
    expect(text.includes('"debug"')).toBe(profile.settings.logLevel);
    expect(text.includes('"1.0.0"')).toBe(profile.settings.cniVersion);
  });
});

describe('facts the constructs and the rules both read', () => {
  test('angelnu: 7.0.0 and 6.0.4 have the V7 and V6 layouts; 5.0.7 and 6.0.0-6.0.3 are refused; the thick daemon mounts /run/netns/', () => {
    expect(ANGELNU_MULTUS.layoutOf('7.0.0')).toEqual({ controller: 'multus', container: 'multus' });
    expect(ANGELNU_MULTUS.layoutOf('6.0.4')).toEqual({ controller: 'main', container: 'main' });
    expect(ANGELNU_MULTUS.layoutOf('6.0.5')).toBeUndefined();
    expect(Object.keys(ANGELNU_MULTUS.refusedVersions).sort()).toEqual(['5.0.7', '6.0.0', '6.0.1', '6.0.2', '6.0.3']);
    expect(ANGELNU_MULTUS.netnsMount).toEqual({ valuesPath: ['hostPaths', 'netns'], defaultDir: '/run/netns/' });
  });

  test('bjw-s: the 1.3 line is accepted, 1.0-1.3 judged, 2.0.0 neither; the release name and config dir are fixed', () => {
    expect(BJW_S_MULTUS.accepts('1.3.3')).toBe(true);
    expect(BJW_S_MULTUS.accepts('1.2.0')).toBe(false);
    expect(BJW_S_MULTUS.judges('1.2.0')).toBe(true);
    expect(BJW_S_MULTUS.judges('2.0.0')).toBe(false);
    expect(BJW_S_MULTUS.fixedReleaseName).toBe('multus');
    expect(BJW_S_MULTUS.fixedConfigDir).toBe('/etc/cni/net.d');
  });

  test('bjw-s: the CRD is in the chart up to 1.3.4, in multus-crd from 1.3.5', () => {
    expect(BJW_S_MULTUS.installsCrd('1.3.1')).toBe(true);
    expect(BJW_S_MULTUS.installsCrd('1.3.4')).toBe(true);
    expect(BJW_S_MULTUS.installsCrd('1.3.5')).toBe(false);
    expect(BJW_S_MULTUS.crdChart!.chart).toBe('multus-crd');
    expect(ANGELNU_MULTUS.installsCrd('7.0.0')).toBe(true);
  });

  test('home-operations: 0.1.0 verified, the thin v4.3.0, its own keys only, tolerations read from values, an installer, Kubernetes 1.25', () => {
    const p = HOME_OPERATIONS_MULTUS;
    expect([p.defaultVersion, p.verifiedVersions, p.daemon, p.defaultImage.tag, p.readsCommonKeys]).toEqual(['0.1.0', ['0.1.0'], 'thin', 'v4.3.0', false]);
    expect(p.accepts('0.1.3')).toBe(true);
    expect(p.accepts('0.2.0')).toBe(false);
    expect(p.tolerationsHardCoded).toBe(false);
    expect(p.tolerationsPath).toEqual(['tolerations']);
    expect(p.pluginInstaller).toEqual({ enabledPath: ['cniPlugins', 'enabled'] });
    expect(p.keysRead.resources).toBe(true);
    expect(p.keysRead.cni).toEqual({ netDir: true, binDir: true });
    expect(p.kubernetes('0.1.0')).toEqual({ own: { text: '>=1.25.0-0', min: [1, 25] } });
    expect(p.installsCrd('0.1.0')).toBe(true);
  });

  test('Kubernetes ranges: common 5 builds need 1.31, 6.0.4 on common 4.5.0 takes 1.28', () => {
    const v130 = semver('1.30.6')!;
    expect(inRange(v130, ANGELNU_MULTUS.kubernetes('7.0.0').library!.range)).toBe(false);
    expect(inRange(v130, ANGELNU_MULTUS.kubernetes('7.0.0').own!)).toBe(true);
    expect(inRange(v130, ANGELNU_MULTUS.kubernetes('6.0.4').library!.range)).toBe(true);
    expect(inRange(semver('1.31.0')!, BJW_S_MULTUS.kubernetes('1.3.1').library!.range)).toBe(true);
  });
});
