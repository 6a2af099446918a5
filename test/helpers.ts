import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, Chart, Testing, Yaml } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  CniPaths, FluxApp, FluxKustomization, FluxTree, FluxTreeFile, Ipam, IotNetwork, IotNetworkProps, MultusInstall, MultusInstallProps,
  ValidationError,
} from '../src';
import { yamlTypeConfusion } from '../src/util/strings';

// The one helper module of the tests: GIVEN builders (apps, charts and every construct of the
// library with valid settings), and THEN helpers for refusals and synthesized output.

// ---- GIVEN: apps and charts ------------------------------------------------------------------

/**
 * An app that is never written to disk (`Testing.app()` leaves a temp directory per call; nothing
 * here ever calls `synth()` on it, only `synthYaml()` or `Testing.synth()`).
 */
export function testApp(): App {
  return new App({ outdir: 'never-written' });
}

/** A chart of a fresh test app, with `namespace` when given. */
export function testChart(namespace?: string, id = 'test'): Chart {
  return new Chart(testApp(), id, namespace ? { namespace } : {});
}

// ---- GIVEN: the library's constructs, valid but for what a test spoils ------------------------

/** The IoT LAN of the tests: gateway .1, DHCP pool .150-.249, .2 reserved for another host, MACs allowed. */
export const IOT: IotNetworkProps = {
  subnet: '192.0.2.0/24',
  gateway: '192.0.2.1',
  dhcpRange: { start: '192.0.2.150', end: '192.0.2.249' },
  reservedAddresses: ['192.0.2.2'],
  macCapability: true,
};

/** An IotNetwork `iot` (in kube-system unless `scope` says otherwise): `IOT` overridden by `props`. */
export function iot(props: Record<string, unknown> = {}, scope: Chart = testChart('kube-system')): IotNetwork {
  return new IotNetwork(scope, 'iot', { ...IOT, ...props } as IotNetworkProps);
}

/** An IotNetwork whose IPAM is host-local (it assigns addresses itself). */
export function hostLocalIot(): IotNetwork {
  return iot({ ipam: Ipam.hostLocal({ rangeStart: '192.0.2.20', rangeEnd: '192.0.2.40' }) });
}

/** A MultusInstall for k3s in kube-system, with `props` on top. */
export function install(props: Record<string, unknown> = {}): MultusInstall {
  return new MultusInstall(testChart('kube-system'), 'multus', { cniPaths: CniPaths.K3S, ...props } as MultusInstallProps);
}

/** A FluxTree in its own app. */
export function tree(props: Record<string, unknown> = {}): FluxTree {
  return new FluxTree(testApp(), 'cluster', props);
}

/** An app `echo` in namespace `default` of a fresh tree. */
export function fluxApp(): FluxApp {
  return new FluxApp(tree(), 'echo', { namespace: 'default' });
}

/** A FluxKustomization `app` of a fresh app, with `props`. */
export function kustomization(props: Record<string, unknown> = {}): FluxKustomization {
  return new FluxKustomization(fluxApp(), 'app', props);
}

/** A ConfigMap `name` (in `namespace` when given) with one key: the simplest object of a directory. */
export function configMap(scope: Chart, name: string, namespace?: string): ApiObject {
  return new ApiObject(scope, name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) }, data: { a: 'b' } } as any);
}

// ---- THEN: refusals ----------------------------------------------------------------------------

/**
 * What `fn` threw, or `undefined` when it returned. Unlike `validationError()`, it hands back any
 * thrown value, so a table can state which class it must be.
 */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** A one-line account of what `fn` did, for assertions whose failure message must say it. */
export function outcome(fn: () => unknown): string {
  const e = thrown(fn);
  if (e === undefined) return 'returned';
  if (e instanceof ValidationError) return 'ValidationError';
  return e instanceof Error ? `${e.name}: ${e.message}` : `threw ${String(e)}`;
}

/**
 * THEN, in a property over names: `make` returns exactly when `name` is `valid`, and refuses it with
 * a ValidationError otherwise (any other exception fails). Beyond the name rules, a valid name that
 * cdk8s writes plain and go-yaml reads back as another type ("0o6": the integer 6) is refused by
 * design, saying so (util/strings `yamlTypeConfusion`).
 */
export function expectAcceptedExactlyWhen(make: () => unknown, name: unknown, valid: boolean): void {
  if (valid && typeof name === 'string' && yamlTypeConfusion(name) !== undefined) {
    expect(make).toThrow(/is read back as/);
    return;
  }
  expect(outcome(make)).toBe(valid ? 'returned' : 'ValidationError');
}

/**
 * Runs `fn` and returns the ValidationError it throws; fails the test when it throws anything else
 * or nothing.
 */
export function validationError(fn: () => unknown): ValidationError {
  const e = thrown(fn);
  if (e instanceof ValidationError) return e;
  if (e === undefined) throw new Error('expected a ValidationError, but nothing was thrown');
  throw new Error(`expected a ValidationError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
}

/** THEN: `fn` throws a ValidationError whose message contains `shown`. */
export function expectValidationError(fn: () => unknown, shown: string): void {
  const e = thrown(fn);
  expect(e instanceof Error ? `${e.name}: ${e.message}` : String(e)).toMatch(/^ValidationError: /);
  expect((e as ValidationError).message).toContain(shown);
}

/**
 * THEN: `fn` throws a ValidationError (never a TypeError from deep inside, nor nothing) for
 * `field`, whose message names the offending value as `shown` (strings in JSON quotes) and says
 * what would be right. Leave `field` out where the owner of the fix chooses its name.
 */
export function expectRefusal(fn: () => unknown, field: string | undefined, shown: string): void {
  const e = thrown(fn);
  // THEN a ValidationError, never a TypeError from deep inside, nor a silent success
  expect(e instanceof Error ? `${e.name}: ${e.message}` : String(e)).toMatch(/^ValidationError: /);
  const err = e as ValidationError;
  expect(err).toBeInstanceOf(ValidationError);
  if (field !== undefined) expect(err.field).toBe(field);
  // ... naming the offending value, and saying what would be right
  expect(err.value).toBe(shown);
  expect(err.message).toContain(`${err.field}: ${shown} `);
  expect(err.hint.length).toBeGreaterThan(10);
}

// ---- THEN: synthesized output --------------------------------------------------------------------

/** The manifests of a chart, as plain objects. */
export function synth(chart: Chart): any[] {
  return Testing.synth(chart);
}

/** The first manifest of `kind` (throws when there is none). */
export function findKind(manifests: any[], kind: string): any {
  const found = manifests.find((m) => m.kind === kind);
  if (!found) throw new Error(`no ${kind} among ${manifests.map((m) => m.kind).join(', ')}`);
  return found;
}

/** Manifests as the YAML `cdk8s synth` writes: what snapshots store, so that reviewers read YAML. */
export function toYaml(...manifests: any[]): string {
  return Yaml.stringify(...manifests);
}

/** The YAML documents of the tree file at `filePath`, as plain objects (throws when there is no such file). */
export function treeDocs(files: FluxTreeFile[], filePath: string): any[] {
  const f = files.find((x) => x.path === filePath);
  if (!f) throw new Error(`no ${filePath} among ${files.map((x) => x.path).join(', ')}`);
  return parseAllDocuments(f.content).map((d) => d.toJS());
}

/** Every file under `dir`, by path relative to it (with "/"), sorted by code unit. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p); else out.push(p);
    }
  };
  walk('');
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---- External tools (kubectl, helm) ----------------------------------------------------------------

const toolPaths = new Map<string, { path?: string; reason?: string }>();

/** The path of `name` (scripts/tools.js: PATH, else the pinned npm package), or why it cannot be had. */
export function findTool(name: 'kubectl' | 'helm'): { path?: string; reason?: string } {
  if (!toolPaths.has(name)) {
    const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'tools.js'), name], { encoding: 'utf8', timeout: 300_000 });
    toolPaths.set(name, r.status === 0 ? { path: r.stdout.trim() } : { reason: (r.stderr || r.error?.message || `exit ${r.status}`).trim() });
  }
  return toolPaths.get(name)!;
}

// ---- What a test needs besides the repository --------------------------------------------------
//
// One rule for every guard: a test (or suite) that needs something the repository does not hold (a
// tool, the chart packages, the CRD mirror, root, a system package) runs where it is there. Where it
// is missing, it is skipped locally, with the reason in its title and on stderr (jest drops the
// console output of a skipped file, not stderr); in CI (`CI` set, as .ci/run does) it FAILS with the
// reason, because CI provides everything and a skip there would be a claim that never ran.

/** True when the tests run in CI, where a missing prerequisite is a failure. */
export function inCi(): boolean {
  return Boolean(process.env.CI) && process.env.CI !== 'false';
}

/**
 * `describe(title, fn)` when `missing` is undefined. Otherwise, in CI, a suite of one failing test
 * that says what is missing; locally `describe.skip` with the reason in the title and on stderr.
 * `hint` (how to get what is missing) goes to stderr and the failure, not to the title.
 */
export function describeNeeding(title: string, missing: string | undefined, fn: () => void, hint?: string): void {
  if (missing === undefined) {
    describe(title, fn);
  } else if (inCi()) {
    describe(title, () => test(`needs what CI must provide: ${missing}`, () => {
      throw new Error(`CI must run this, but ${missing}${hint ? `. ${hint}` : ''}`);
    }));
  } else {
    process.stderr.write(`SKIPPED ${title}: ${missing}${hint ? `. ${hint}` : ''}\n`);
    describe.skip(`${title} (skipped: ${missing})`, fn);
  }
}

/** `test(title, fn, timeoutMs)` when `missing` is undefined; otherwise as `describeNeeding` does: fails in CI, skips locally. */
export function testNeeding(title: string, missing: string | undefined, fn: () => void | Promise<void>, timeoutMs?: number): void {
  if (missing === undefined) {
    test(title, async () => { await fn(); }, timeoutMs);
  } else if (inCi()) {
    test(title, () => {
      throw new Error(`CI must run this, but ${missing}`);
    });
  } else {
    process.stderr.write(`SKIPPED ${title}: ${missing}\n`);
    test.skip(`${title} (skipped: ${missing})`, () => undefined);
  }
}

/** A test that needs `name` (see `testNeeding`): skipped locally where the tool cannot be had, failed in CI. */
export function testWithTool(name: 'kubectl' | 'helm', title: string, fn: (tool: string) => void | Promise<void>, timeoutMs?: number): void {
  const found = findTool(name);
  testNeeding(title, found.path ? undefined : `${name} is not available (${found.reason})`, () => fn(found.path!), timeoutMs);
}
