// `cdk8s-multus merge` on copies of real home-ops repositories. They are not part of this
// repository: CDK8S_MULTUS_HOME_OPS names checkouts on this machine (directories separated by ":",
// each a repository root with kubernetes/ in it). Without it, and in CI (which has none), the test
// is skipped with that reason.
//
// For each repository, two trees are merged, each into a fresh copy: Multus with the iot network and
// the test pod, and the same plus ESPHome through app-template (its OCIRepository, a new namespace). Either the merge is refused and no file changed, or every
// directory it touched still builds with `kubectl kustomize` and holds every object it held before
// plus the tree's new ones; every file the merge did not touch is byte for byte as it was.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Size } from 'cdk8s';
import { parseAllDocuments, parseDocument } from 'yaml';
import { AppTemplatePersistence, AppTemplateRelease, CniPaths, FluxApp, FluxKustomization, FluxTree, FluxTreeApp, IotNetwork, MultusFluxApp, MultusTestPod } from '../../src';
import { applyMerge, mergeReport, planMerge } from '../../src/cli/merge';
import { findTool, listFiles } from '../helpers';

const ENV = 'CDK8S_MULTUS_HOME_OPS';
const repos = (process.env[ENV] ?? '').split(':').filter(Boolean);
const kubectl = findTool('kubectl').path;
const reason = process.env.CI ? 'CI has no copy of a home-ops repository'
  : repos.length === 0 ? `${ENV} names no checkout of a home-ops repository`
    : kubectl === undefined ? 'kubectl not available' : undefined;
if (reason) process.stderr.write(`SKIPPED merge into real home-ops repositories: ${reason}\n`);
const maybe = reason ? describe.skip : describe;

function synthTree(outdir: string, clusterPath: string, esphome: boolean): string {
  const app = new FluxTreeApp({ outdir });
  const tree = new FluxTree(app, 'cluster', { clusterPath });
  const multus = new MultusFluxApp(tree, 'multus', { install: { cniPaths: CniPaths.STANDARD } });
  const iot = new IotNetwork(multus.networks, 'iot', { subnet: '192.168.20.0/24', gateway: '192.168.20.1' });
  const test = new FluxKustomization(new FluxApp(tree, 'multus-test', { namespace: 'default' }), 'app', { dependsOn: [multus.networks] });
  new MultusTestPod(test, 'multus-test', { network: iot, ips: ['192.168.20.250'] });
  if (!esphome) {
    app.synth();
    return path.join(outdir, clusterPath);
  }
  tree.addNamespace('home-automation');
  const ks = new FluxKustomization(new FluxApp(tree, 'esphome', { namespace: 'home-automation' }), 'app', { dependsOn: [multus.networks] });
  new AppTemplateRelease(ks, 'esphome', {
    image: { repository: 'ghcr.io/esphome/esphome', tag: '2025.11.2' },
    persistence: { config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(2) }) },
    networks: [{ network: iot, ips: ['192.168.20.101'] }],
  });
  app.synth();
  return path.join(outdir, clusterPath);
}

/** The objects `kubectl kustomize dir` builds, as kind/namespace/name. */
function build(dir: string): string[] {
  const r = spawnSync(kubectl!, ['kustomize', dir], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean)
    .map((o: any) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`).sort();
}

function hasKustomization(dir: string): boolean {
  return ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((n) => fs.existsSync(path.join(dir, n)));
}

maybe('cdk8s-multus merge into copies of real home-ops repositories', () => {
  let work: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-home-ops-'));
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const cases = repos.flatMap((r) => [[r, 'multus'], [r, 'multus+esphome']]);
  test.each(cases)('%s: %s', (source, variant) => {
    // GIVEN a copy of the repository and the tree for its layout (kubernetes/main or kubernetes)
    const name = `${path.basename(source)} ${variant}`;
    const copy = path.join(work, name.replace(/\W+/g, '-'));
    fs.cpSync(source, copy, { recursive: true });
    const clusterPath = fs.existsSync(path.join(copy, 'kubernetes', 'main', 'apps')) ? 'kubernetes/main' : 'kubernetes';
    const treeDir = synthTree(`${copy}-tree`, clusterPath, variant !== 'multus');
    const repo = path.join(copy, clusterPath);
    const before = Object.fromEntries(listFiles(copy).map((f) => [f, fs.readFileSync(path.join(copy, f), 'utf8')]));

    // WHEN the merge is planned
    const plan = planMerge(treeDir, repo);
    const report = mergeReport(plan);
    if (plan.refused) {
      // THEN a refusal names each path and writes nothing
      applyMergeIfAllowed();
      const after = Object.fromEntries(listFiles(copy).map((f) => [f, fs.readFileSync(path.join(copy, f), 'utf8')]));
      expect(after).toEqual(before);
      console.log(`${name} (${clusterPath}): refused, nothing written\n${report.split('\n').filter((l) => l.startsWith('refused')).join('\n')}`);
      return;
    }
    // A touched directory is one kustomize builds: the nearest one with a kustomization file (an
    // app's own directory holds only its ks.yaml, listed by its namespace's kustomization).
    const kustomizeDir = (d: string): string => (hasKustomization(path.join(treeDir, d)) || d === '.' ? d : kustomizeDir(path.posix.dirname(d)));
    const touched = [...new Set(plan.entries.filter((e) => e.action !== 'kept').map((e) => kustomizeDir(path.posix.dirname(e.path))))].sort();
    const shared = new Set(plan.entries.filter((e) => e.action === 'kept' && e.why.includes('shared, not written again')).map((e) => e.path));
    const objectsBefore = Object.fromEntries(touched.map((d) => [d, hasKustomization(path.join(repo, d)) ? build(path.join(repo, d)) : []]));
    const fromTree = Object.fromEntries(touched.map((d) => [d, build(path.join(treeDir, d))]));
    const sharedObjects = new Set([...shared].flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(treeDir, f), 'utf8')).map((x) => x.toJS())
      .map((o: any) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`)));
    applyMerge(plan);

    // THEN every touched directory builds and holds what it held plus the tree's new objects
    const counts: string[] = [];
    for (const d of touched) {
      const after = build(path.join(repo, d));
      expect(after).toEqual(expect.arrayContaining(objectsBefore[d]));
      expect(after).toEqual(expect.arrayContaining(fromTree[d].filter((o) => !sharedObjects.has(o))));
      counts.push(`  ${d}: ${objectsBefore[d].length} objects before, ${after.length} after`);
    }
    // AND every file the merge neither wrote nor merged is as it was
    const changed = new Set(plan.entries.filter((e) => e.action === 'wrote' || e.action === 'merged').map((e) => `${clusterPath}/${e.path}`));
    for (const [f, text] of Object.entries(before)) {
      if (!changed.has(f)) expect([f, fs.readFileSync(path.join(copy, f), 'utf8')]).toEqual([f, text]);
    }
    // AND a merged kustomization holds every comment, key and entry it had
    for (const e of plan.entries.filter((x) => x.action === 'merged')) {
      const was = before[`${clusterPath}/${e.path}`];
      const text = fs.readFileSync(path.join(repo, e.path), 'utf8');
      for (const line of was.split('\n').filter((l) => l.trim().startsWith('#'))) expect(text.split('\n')).toContain(line);
      const [old, now] = [parseDocument(was).toJS(), parseDocument(text).toJS()];
      expect({ ...now, resources: undefined }).toEqual({ ...old, resources: undefined });
      expect(now.resources).toEqual([...(old.resources ?? []), ...now.resources.slice((old.resources ?? []).length)]);
    }
    console.log(`${name} (${clusterPath}): ${plan.entries.filter((e) => e.action === 'wrote').length} written, `
      + `${plan.entries.filter((e) => e.action === 'merged').length} merged, ${plan.entries.filter((e) => e.action === 'kept').length} kept\n`
      + `${report.split('\n').filter((l) => /^(merged|kept|note)/.test(l)).join('\n')}\n${counts.join('\n')}`);

    function applyMergeIfAllowed(): void {
      expect(() => applyMerge(plan)).toThrow('a refused merge is never written');
    }
  }, 600_000);
});
