import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml, parseAllDocuments, stringify as stringifyYaml } from 'yaml';
import { describeNeeding, findTool, testNeeding } from './helpers';

/**
 * Renders the HelmReleases the library writes with the real helm against real chart directories,
 * and applies their `postRenderers` with kustomize, as helm-controller does: what the cluster would
 * run, without a cluster.
 *
 * The chart directories come from the user (`$CDK8S_MULTUS_CHARTS`: a directory whose
 * subdirectories are charts in the form `helm pull --untar` gives); none is in the repository.
 * Each is identified by its own Chart.yaml and the common library under its `charts/`, never by its
 * directory name, so a chart re-published under the same version with another library is told apart.
 * CI (.ci/run) unpacks the packaged charts of ../shared/chart-packages into a temporary directory
 * and points `$CDK8S_MULTUS_CHARTS` at it.
 *
 * Values schemas, offline: the bjw-s charts (app-template, bjw-s multus) `$ref` their schemas by
 * raw.githubusercontent.com URLs, which helm downloads at render time (the packages leave common's
 * `schemas/` out). There is no network in the tests, so a build whose
 * schemas refer to anything remote is rendered with `--skip-schema-validation`, and nothing else is:
 * the values the library writes are checked against those very schemas, from ../shared/charts, by
 * the schema tests (test/chart-schema.ts: test/multus/chart-values-schema.test.ts,
 * test/apptemplate/release*.test.ts, test/examples/cluster.test.ts). A chart whose schema is
 * self-contained (every angelnu multus build, home-operations multus) is validated by helm itself.
 */

/** One chart directory: its name, version and the bjw-s common version it bundles. */
export interface ChartBuild {
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly common?: string;
  /** The remote `$ref`s of its values schemas (and its dependencies'), which helm would download; empty when none. */
  readonly remoteSchemaRefs: readonly string[];
}

/** Every chart directory under `$CDK8S_MULTUS_CHARTS`, or why there are none. */
export function chartBuilds(): { builds: ChartBuild[]; reason?: string } {
  const root = process.env.CDK8S_MULTUS_CHARTS;
  if (!root) return { builds: [], reason: 'CDK8S_MULTUS_CHARTS is not set' };
  if (!fs.existsSync(root)) return { builds: [], reason: `CDK8S_MULTUS_CHARTS=${root} does not exist` };
  const builds: ChartBuild[] = [];
  // A chart directory, or a directory holding one (what `helm pull --untar --untardir <dir>` makes).
  const visit = (dir: string, depth: number) => {
    const chart = readChartYaml(dir);
    if (chart) {
      const common = readChartYaml(path.join(dir, 'charts', 'common'));
      builds.push({ dir, name: chart.name, version: String(chart.version), common: common ? String(common.version) : undefined, remoteSchemaRefs: remoteSchemaRefs(dir) });
      return;
    }
    if (depth === 0) return;
    for (const e of fs.readdirSync(dir).sort()) {
      // statSync follows symbolic links: a directory of links to chart directories works too.
      if (fs.statSync(path.join(dir, e)).isDirectory()) visit(path.join(dir, e), depth - 1);
    }
  };
  visit(root, 2);
  return { builds };
}

/**
 * The `$ref`s of the values schemas helm validates for the chart in `dir` (its own
 * `values.schema.json` and those of the charts under its `charts/`) that resolve to an http(s) URL:
 * absolute ones, and relative ones under a schema whose `$id` is a URL.
 */
export function remoteSchemaRefs(dir: string): string[] {
  const refs = new Set<string>();
  const visit = (node: unknown, base: string) => {
    if (Array.isArray(node)) {
      for (const x of node) visit(x, base);
    } else if (node !== null && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      const here = typeof o.$id === 'string' ? new URL(o.$id, base).href : base;
      if (typeof o.$ref === 'string' && !o.$ref.startsWith('#')) {
        const target = new URL(o.$ref, here);
        if (target.protocol === 'http:' || target.protocol === 'https:') refs.add(target.href.replace(/#.*$/, ''));
      }
      for (const [k, v] of Object.entries(o)) if (k !== '$ref') visit(v, here);
    }
  };
  const chart = (d: string) => {
    const schema = path.join(d, 'values.schema.json');
    if (fs.existsSync(schema)) visit(JSON.parse(fs.readFileSync(schema, 'utf8')), pathToFileURL(schema).href);
    const sub = path.join(d, 'charts');
    if (!fs.existsSync(sub)) return;
    for (const e of fs.readdirSync(sub).sort()) {
      if (fs.existsSync(path.join(sub, e, 'Chart.yaml'))) chart(path.join(sub, e));
    }
  };
  chart(dir);
  return [...refs].sort();
}

function readChartYaml(dir: string): any {
  const file = path.join(dir, 'Chart.yaml');
  return fs.existsSync(file) ? parseYaml(fs.readFileSync(file, 'utf8')) : undefined;
}

/** The build of `name` `version` (with common `common`, when given), if the user has it. */
export function findBuild(name: string, version: string, common?: string): ChartBuild | undefined {
  return chartBuilds().builds.find((b) => b.name === name && b.version === version && (common === undefined || b.common === common));
}

/** A manifest of a rendered release, parsed. */
export type Manifest = Record<string, any>;

/** Options of `helmTemplate`. */
export interface TemplateOptions {
  readonly release: string;
  readonly namespace: string;
  readonly values: Record<string, unknown>;
  /** `--kube-version`: the Kubernetes version helm renders for, and checks the chart's own `kubeVersion` against. */
  readonly kubeVersion?: string;
}

/**
 * `helm template <release> <chart> -n <namespace> -f <values>`, with the chart's crds/ included;
 * the manifests parsed. Throws with helm's stderr when it refuses. `--skip-schema-validation` only
 * for a build whose schemas refer to remote files (see the top of this file).
 */
export function helmTemplate(build: ChartBuild, options: TemplateOptions): Manifest[] {
  const helm = findTool('helm');
  if (!helm.path) throw new Error(`helm not available: ${helm.reason}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-helm-'));
  try {
    const valuesFile = path.join(dir, 'values.yaml');
    fs.writeFileSync(valuesFile, stringifyYaml(options.values));
    const args = ['template', options.release, build.dir, '-n', options.namespace, '--include-crds', '-f', valuesFile];
    if (options.kubeVersion) args.push('--kube-version', options.kubeVersion);
    if (build.remoteSchemaRefs.length > 0) args.push('--skip-schema-validation');
    const r = spawnSync(helm.path, args, {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, HELM_CACHE_HOME: path.join(dir, 'cache'), HELM_CONFIG_HOME: path.join(dir, 'config'), HELM_DATA_HOME: path.join(dir, 'data') },
    });
    if (r.status !== 0) throw new Error(`helm template ${build.name} ${build.version} (common ${build.common}) failed: ${(r.stderr || r.error?.message || '').trim()}`);
    return parseAllDocuments(r.stdout).map((d) => d.toJS()).filter((m) => m && typeof m === 'object');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Applies a HelmRelease's `spec.postRenderers` to rendered manifests as helm-controller does:
 * each post-renderer's kustomize `patches` (a target and a JSON 6902 or strategic-merge patch),
 * in order, with `kubectl kustomize`.
 */
export function postRender(manifests: Manifest[], postRenderers: any[] | undefined): Manifest[] {
  let out = manifests;
  for (const renderer of postRenderers ?? []) {
    const patches = renderer?.kustomize?.patches ?? [];
    if (patches.length === 0) continue;
    const kubectl = findTool('kubectl');
    if (!kubectl.path) throw new Error(`kubectl not available: ${kubectl.reason}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-postrender-'));
    try {
      fs.writeFileSync(path.join(dir, 'rendered.yaml'), out.map((m) => stringifyYaml(m)).join('---\n'));
      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), stringifyYaml({
        apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['rendered.yaml'], patches,
      }));
      const r = spawnSync(kubectl.path, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
      if (r.status !== 0) throw new Error(`kubectl kustomize failed: ${r.stderr.trim()}`);
      out = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter((m) => m && typeof m === 'object');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

/**
 * What the cluster runs for a HelmRelease manifest the library wrote: its values rendered by
 * `build` under its release name and namespace, then its post-renderers applied.
 */
export function renderHelmRelease(release: Manifest, build: ChartBuild): Manifest[] {
  const manifests = helmTemplate(build, {
    release: release.spec.releaseName ?? release.metadata.name,
    namespace: release.spec.targetNamespace ?? release.metadata.namespace,
    values: release.spec.values ?? {},
  });
  return postRender(manifests, release.spec.postRenderers);
}

/** The manifests of `kind` (optionally named `name`). */
export function ofKind(manifests: Manifest[], kind: string, name?: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata?.name === name));
}

/**
 * `describe` for a suite that renders chart builds. Without helm, or without the chart directories,
 * it is skipped with the reason and the commands that get them, and fails in CI (`describeNeeding`);
 * a build that is missing skips (in CI: fails) its own tests (see `testWithBuild`).
 */
export function describeRendered(title: string, fn: () => void): void {
  const { builds, reason } = chartBuilds();
  const helm = builds.length > 0 ? findTool('helm') : {};
  const why = builds.length === 0 ? (reason ?? `no chart directory under CDK8S_MULTUS_CHARTS=${process.env.CDK8S_MULTUS_CHARTS}`)
    : !helm.path ? `helm not available (${helm.reason})` : undefined;
  describeNeeding(title, why, fn, PULL_HINT);
}

/** How to get the chart directories, for skip messages. */
export const PULL_HINT = [
  'To run it, put the charts in one directory and set CDK8S_MULTUS_CHARTS to it: unpack each ../shared/chart-packages/*.tgz into a directory of its own in it (as .ci/run does), or pull them, e.g.:',
  'helm pull multus --repo https://angelnu.github.io/helm-charts --version 7.0.0 --untar --untardir "$CDK8S_MULTUS_CHARTS/angelnu-multus-7.0.0";',
  'helm pull multus --repo https://angelnu.github.io/helm-charts --version 6.0.4 --untar --untardir "$CDK8S_MULTUS_CHARTS/angelnu-multus-6.0.4";',
  'helm pull oci://ghcr.io/bjw-s-labs/helm/multus --version 1.3.1 --untar --untardir "$CDK8S_MULTUS_CHARTS/bjw-s-multus-1.3.1";',
  'helm pull oci://ghcr.io/home-operations/charts/multus --version 0.1.0 --untar --untardir "$CDK8S_MULTUS_CHARTS/home-operations-multus-0.1.0";',
  'helm pull app-template --repo https://bjw-s-labs.github.io/helm-charts --version 5.0.0 --untar --untardir "$CDK8S_MULTUS_CHARTS/app-template-5.0.0"',
  '(the directory helm creates inside --untardir is the chart; a build no longer served, such as 7.0.0 on common 4.6.2, comes from the chart\'s git history).',
].join(' ');

/**
 * A test that needs chart `name` `version` (bundling common `common`): skipped, with the reason,
 * when the user lacks it; failed in CI, which unpacks every build of ../shared/chart-packages.
 */
export function testWithBuild(title: string, name: string, version: string, common: string | undefined, fn: (build: ChartBuild) => void): void {
  const build = findBuild(name, version, common);
  const what = `${name} ${version}${common ? ` on common ${common}` : ''}`;
  testNeeding(title, build ? undefined : `no chart directory of ${what} under CDK8S_MULTUS_CHARTS=${process.env.CDK8S_MULTUS_CHARTS}`, () => fn(build!), 60_000);
}
