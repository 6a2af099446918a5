import { COMMON_KEYS } from '../../knowledge/common';
import { KeyTree } from '../../knowledge/keys';
import { MULTUS_IMAGE, MultusChartProfile } from '../../knowledge/multus-charts';
import { acceptedAngelnuVersions, chartLabel, multusProfile } from '../charts';
import { multusDaemons, runsMultusImage } from '../daemons';
import { Release, multusReleases } from '../releases';
import { Rule, RuleReport } from '../rule';
import { dig, isMap, isTemplated } from '../values';

// The Multus charts' own knowledge, read from their profiles (src/knowledge/multus-charts.ts):
// versions that install a broken Multus, values a chart never reads, the daemon image a chart's
// entrypoint needs.

const DEFAULT_IMAGE = MULTUS_IMAGE;

export const chartVersionRefused: Rule = {
  id: 'chart-version-refused',
  level: 'error',
  summary: 'a Multus chart version known to install a broken Multus (angelnu 5.0.7, 6.0.0-6.0.3)',
  check(inventory, report) {
    for (const r of inventory.releases()) {
      const version = r.chart.version;
      const profile = multusProfile(r.chart.known);
      if (profile === undefined || version === undefined) continue;
      if (!Object.prototype.hasOwnProperty.call(profile.refusedVersions, version)) continue;
      const why = profile.refusedVersions[version];
      const [newest, older] = acceptedAngelnuVersions();
      report.add({
        manifest: r.manifest,
        field: r.chart.versionField,
        value: version,
        problem: `must not be installed: chart ${chartLabel(r.chart.known, r.chart.name, version)} ${why}`,
        fix: `pin version ${newest} (Kubernetes 1.31 or later) or ${older}, and write its values in that version's layout (MultusChart.angelnu() in cdk8s-multus)`,
      });
    }
  },
};

export const chartVersionUnverified: Rule = {
  id: 'chart-version-unverified',
  level: 'warning',
  summary: 'a version of a known Multus chart that cdk8s-multus has not verified (rendered with the real helm): bjw-s multus 1.3.3, 1.3.5, ...',
  check(inventory, report) {
    for (const r of inventory.releases()) {
      const version = r.chart.version;
      const profile = multusProfile(r.chart.known);
      if (profile === undefined || version === undefined) continue;
      if (profile.verifiedVersions.includes(version) || Object.prototype.hasOwnProperty.call(profile.refusedVersions, version)) continue;
      const label = chartLabel(profile.id, r.chart.name, version);
      const verified = profile.verifiedVersions.join(', ');
      const judged = profile.judges(version)
        ? `its values are judged as those of the versions it shares its keys with (${verified}), which may not hold`
        : 'its values are not judged at all';
      report.add({
        manifest: r.manifest,
        field: r.chart.versionField,
        value: version,
        problem: `is a version cdk8s-multus has not verified: chart ${label} was never rendered here with the real helm (verified: ${verified}), so ${judged}`,
        fix: `pin a verified version (${verified}; ${profile.factory} in cdk8s-multus writes its values), or check this version's values.yaml and templates yourself: a key it moved or dropped is silently ignored`,
      });
    }
  },
};

export const valuesIgnored: Rule = {
  id: 'values-ignored',
  level: 'warning',
  summary: 'values a known Multus chart never reads (top-level image, resources, tolerations, ...): they change nothing',
  check(inventory, report) {
    for (const { release, profile, version } of multusReleases(inventory.releases())) {
      const label = chartLabel(profile.id, release.chart.name, version);
      const tree = profile.keysRead;
      for (const key of Object.keys(release.values).sort()) {
        if (profile.readsCommonKeys && COMMON_KEYS.has(key)) continue;
        const own = tree[key];
        if (own === undefined) {
          report.add({
            manifest: release.manifest,
            field: release.originOf([key]),
            value: release.values[key],
            problem: `is not read by chart ${label}, which reads only the common library's keys and ${Object.keys(tree).join(', ')}`,
            fix: `${whereItBelongs(profile, key, version)}`,
          });
        } else if (own !== true && profile.layoutOf(version) !== undefined) {
          // Below the top level only the versions whose values.yaml the library knows are judged.
          checkTree(release, label, [key], release.values[key], own, report);
        }
      }
      checkHardCoded(release, profile, label, version, report);
    }
  },
};

/** Reports keys under `path` that the chart does not read. */
function checkTree(release: Release, label: string, path: string[], value: unknown, tree: KeyTree, report: RuleReport): void {
  if (!isMap(value)) return;
  for (const key of Object.keys(value).sort()) {
    const own = tree[key];
    if (own === undefined) {
      report.add({
        manifest: release.manifest,
        field: release.originOf([...path, key]),
        value: value[key],
        problem: `is not read by chart ${label} (under ${path.join('.')} it reads ${Object.keys(tree).join(', ')})`,
        fix: `remove it, or set it where chart ${label} reads it`,
      });
    } else if (own !== true) {
      checkTree(release, label, [...path, key], value[key], own, report);
    }
  }
}

/** Where a value the chart does not read at the top level belongs. */
function whereItBelongs(profile: MultusChartProfile, key: string, version: string): string {
  if (key === 'tolerations' && profile.tolerationsHardCoded) return 'the chart hard-codes its tolerations (CriticalAddonsOnly): patch the DaemonSet with spec.postRenderers (cdk8s-multus MultusInstall does)';
  if (key !== 'image' && key !== 'resources') return 'remove it, or set it where the chart reads it';
  const pathOf = (layout: NonNullable<ReturnType<MultusChartProfile['layoutOf']>>) => (key === 'image' ? profile.imagePath(layout) : profile.resourcesPath(layout)).join('.');
  const layout = profile.layoutOf(version);
  if (layout) return `move it to ${pathOf(layout)}`;
  const accepted = profile.verifiedVersions.filter((v) => profile.accepts(v)).map((v) => `${v} (${pathOf(profile.layoutOf(v)!)})`);
  return `install ${accepted.join(' or ')} instead, and set it there`;
}

/** Values the charts overwrite with their own before rendering (`mergeOverwrite` of hard-coded values). */
function checkHardCoded(release: Release, profile: MultusChartProfile, label: string, version: string, report: RuleReport): void {
  const layout = profile.layoutOf(version);
  if (layout === undefined) return;
  const controller = layout.controller;
  const tolerations = dig(release.values, 'controllers', controller, 'pod', 'tolerations');
  if (profile.tolerationsHardCoded && tolerations !== undefined) {
    report.add({
      manifest: release.manifest,
      field: release.originOf(['controllers', controller, 'pod', 'tolerations']),
      value: tolerations,
      problem: `is overwritten by chart ${label}, which hard-codes the daemon's tolerations (CriticalAddonsOnly)`,
      fix: 'patch the DaemonSet with spec.postRenderers (a kustomize patch on kind DaemonSet), as cdk8s-multus MultusInstall does',
    });
  }
  // Another version's layout (the 6.x layout on 7.0.0, or the reverse) names a controller the chart does not use for the daemon.
  const others = profile.verifiedVersions.filter((v) => profile.accepts(v)).map((v) => profile.layoutOf(v)!);
  for (const other of others) {
    if (other.controller === controller || !isMap(dig(release.values, 'controllers', other.controller))) continue;
    report.add({
      manifest: release.manifest,
      field: release.originOf(['controllers', other.controller]),
      value: dig(release.values, 'controllers', other.controller),
      problem: `is the daemon's controller of another chart version: chart ${label} runs the daemon as controllers.${controller}, so these values never reach it`,
      fix: `move them to controllers.${controller} (the daemon's container is containers.${layout.container})`,
    });
  }
}

/** The daemon image a Multus chart release runs, from its values: repository and tag as written. */
function daemonImage(release: Release, profile: MultusChartProfile, version: string): { repository?: string; tag?: string; path: string[] } | undefined {
  const layout = profile.layoutOf(version);
  if (!layout) return undefined;
  const base = [...profile.imagePath(layout)];
  return { repository: dig(release.values, ...base, 'repository'), tag: dig(release.values, ...base, 'tag'), path: [...base, 'tag'] };
}

/** The tag without a digest (`v4.3.0-thick@sha256:...` -> `v4.3.0-thick`). */
function bareTag(tag: string): string {
  const at = tag.indexOf('@');
  return at < 0 ? tag : tag.slice(0, at);
}

export const imageFlavor: Rule = {
  id: 'image-flavor',
  level: 'error',
  summary: 'a thin Multus image for a chart that runs the thick daemon (angelnu), a thick one for a chart that runs the thin plugin (bjw-s-labs, home-operations), or a Multus daemon without a chart whose command runs the other',
  check(inventory, report) {
    for (const { release, profile, version } of multusReleases(inventory.releases())) {
      const image = daemonImage(release, profile, version);
      if (!image || typeof image.tag !== 'string' || isTemplated(image.tag)) continue;
      const thick = bareTag(image.tag).endsWith('-thick');
      const label = chartLabel(profile.id, release.chart.name, version);
      if (profile.daemon === 'thick' && !thick) {
        report.add({
          manifest: release.manifest, field: release.originOf(image.path), value: image.tag,
          problem: `is not a thick tag: chart ${label} runs the thick daemon (/usr/src/multus-cni/bin/multus-daemon, and copies multus-shim to the nodes), which thin images do not contain`,
          fix: 'use a -thick tag such as "v4.3.0-thick"',
        });
      }
      if (profile.daemon === 'thin' && thick) {
        report.add({
          manifest: release.manifest, field: release.originOf(image.path), value: image.tag,
          problem: `is a thick tag: chart ${label} runs the thin plugin (the image's entrypoint with --multus-cni-conf-dir=/tmp), not the thick daemon`,
          fix: `use a thin tag such as "${profile.defaultImage.tag}", or leave the tag out`,
        });
      }
    }
    // Multus without a chart: a command of one daemon in an image of the other.
    for (const d of multusDaemons(inventory)) {
      if (d.tag === undefined || isTemplated(d.tag)) continue;
      const thickTag = bareTag(d.tag).endsWith('-thick');
      const runs = /multus-daemon/.test(d.container.commandLine) ? 'thick' : /thin_entrypoint/.test(d.container.commandLine) ? 'thin' : undefined;
      if (runs === undefined || (runs === 'thick') === thickTag) continue;
      report.add({
        manifest: d.manifest, field: `${d.container.field}.image`, value: d.container.image,
        problem: runs === 'thick'
          ? `is not a thick image: ${d.workload.owner} runs the thick daemon (multus-daemon), which thin images do not contain`
          : `is a thick image: ${d.workload.owner} runs the thin plugin's entrypoint (thin_entrypoint), which thick images do not contain`,
        fix: runs === 'thick' ? 'use a -thick tag such as "v4.3.0-thick"' : 'use a thin tag such as "v4.3.0"',
      });
    }
  },
};

export const imageTagUnpublished: Rule = {
  id: 'image-tag-unpublished',
  level: 'error',
  summary: 'a Multus image tag that upstream does not publish (upstream tags carry a "v"), including angelnu 7.0.0\'s own default',
  check(inventory, report) {
    for (const { release, profile, version } of multusReleases(inventory.releases())) {
      const image = daemonImage(release, profile, version);
      if (!image) continue;
      const repository = typeof image.repository === 'string' ? image.repository : DEFAULT_IMAGE;
      if (repository !== DEFAULT_IMAGE) continue;
      if (typeof image.tag === 'string') {
        if (isTemplated(image.tag) || !/^\d/.test(image.tag)) continue;
        report.add({
          manifest: release.manifest, field: release.originOf(image.path), value: image.tag,
          problem: `is not published in ${DEFAULT_IMAGE} (upstream tags carry a "v"): the image pull fails and Multus never starts`,
          fix: `write "v${image.tag}"`,
        });
      } else if (profile.id === 'angelnu-multus' && version === '7.0.0') {
        // 7.0.0 builds its default tag from appVersion, which lost its "v" in February 2026
        // ("4.3.0-thick"); upstream publishes "v4.3.0-thick".
        report.add({
          manifest: release.manifest, field: release.originOf(image.path), value: image.tag,
          problem: `is left to chart ${chartLabel(profile.id, release.chart.name, version)}, whose default renders "<appVersion>-thick" without the "v" (e.g. "4.3.0-thick"), which ${DEFAULT_IMAGE} does not publish`,
          fix: 'set the tag, e.g. "v4.3.0-thick"',
        });
      }
    }
    for (const w of inventory.workloads()) {
      for (const c of w.containers) {
        if (!runsMultusImage(c)) continue;
        const ref = c.reference!;
        if (ref.tag === undefined || !/^\d/.test(ref.tag)) continue;
        report.add({
          manifest: w.manifest, field: `${c.field}.image`, value: c.image,
          problem: `is not published (upstream tags of ${DEFAULT_IMAGE} carry a "v"): the image pull fails`,
          fix: `write "${DEFAULT_IMAGE}:v${ref.tag}${ref.digest ? `@${ref.digest}` : ''}"`,
        });
      }
    }
  },
};

/** True iff the values give app-template-style controller `id` a ServiceAccount of its own, or turn it off. */
function controllerPicksServiceAccount(values: Record<string, any>, id: string): boolean {
  const c = dig(values, 'controllers', id);
  if (!isMap(c)) return false;
  if (c.enabled === false) return true;
  const sa = c.serviceAccount;
  return isMap(sa) && (typeof sa.name === 'string' || typeof sa.identifier === 'string');
}

export const common5ServiceAccounts: Rule = {
  id: 'common5-service-accounts',
  level: 'error',
  summary: 'angelnu multus 7.0.0 values that do not render, or whose daemon gets no API token, on the build served since May 2026 (bjw-s common 5.0.1)',
  check(inventory, report) {
    for (const { release, profile, version } of multusReleases(inventory.releases())) {
      if (profile.id !== 'angelnu-multus' || version !== '7.0.0') continue;
      const values = release.values;
      const label = chartLabel(profile.id, release.chart.name, version);
      // One ServiceAccount left for the hook controllers (test, uninstall) to pick, or each given its own.
      const single = dig(values, 'global', 'createDefaultServiceAccount') === false || dig(values, 'serviceAccount', 'default', 'enabled') === true;
      const hooks = controllerPicksServiceAccount(values, 'test') && controllerPicksServiceAccount(values, 'uninstall');
      if (!single && !hooks) {
        report.add({
          manifest: release.manifest, field: release.originOf(['global', 'createDefaultServiceAccount']), value: dig(values, 'global', 'createDefaultServiceAccount'),
          problem: `leaves two ServiceAccounts: chart ${label}, as served on common 5.0.1, fails to render ("Controller 'test': serviceAccount field is required because automatic Service Account detection is not possible"), and the release never installs`,
          fix: 'set global.createDefaultServiceAccount: false (what cdk8s-multus MultusInstall writes), or give the test and uninstall controllers a serviceAccount (or disable test)',
        });
      }
      const token = dig(values, 'defaultPodOptions', 'automountServiceAccountToken') === true
        || dig(values, 'controllers', 'multus', 'pod', 'automountServiceAccountToken') === true;
      if (!token) {
        report.add({
          manifest: release.manifest, field: release.originOf(['defaultPodOptions', 'automountServiceAccountToken']), value: dig(values, 'defaultPodOptions', 'automountServiceAccountToken'),
          problem: `is not true: on common 5.0.1, which chart ${label} is served with, pods mount no API token by default, and the thick daemon exits without a log line`,
          fix: 'set defaultPodOptions.automountServiceAccountToken: true',
        });
      }
    }
  },
};

/** @internal */
export const CHART_RULES: Rule[] = [chartVersionRefused, chartVersionUnverified, valuesIgnored, imageFlavor, imageTagUnpublished, common5ServiceAccounts];
