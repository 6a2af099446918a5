import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, Testing, Yaml } from 'cdk8s';
import { ValidationError } from '../src';

/**
 * A chart in an app that is never written to disk (`Testing.app()` leaves a temp directory per call).
 * GIVEN helper for every test.
 */
export function testChart(namespace?: string): Chart {
  const app = new App({ outdir: 'never-written' });
  return new Chart(app, 'test', namespace ? { namespace } : {});
}

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

/**
 * Runs `fn` and returns the ValidationError it throws; fails the test when it throws anything else
 * or nothing.
 */
export function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw new Error(`expected a ValidationError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

/** Manifests as the YAML `cdk8s synth` writes: what snapshots store, so that reviewers read YAML. */
export function toYaml(...manifests: any[]): string {
  return Yaml.stringify(...manifests);
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
