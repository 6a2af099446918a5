import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { FileReader, KUSTOMIZATION_FILES } from '../../src/cli/files';
import { Kustomize } from '../../src/cli/kustomize';

// The checker's kustomize reader against kustomize itself: on every kustomization of the public
// repositories named in CDK8S_MULTUS_REPOS (directories, separated by `:`), the objects the
// checker builds (kind, namespace, name) are the objects `kubectl kustomize` builds. The
// repositories are fetched by hand and never committed, so CI skips this test.
//
// A kustomization kustomize cannot build offline (a remote resource, a Helm chart to inflate, a
// file that is not in the repository, a SOPS generator plugin) is left out and counted.

const REPOS = (process.env.CDK8S_MULTUS_REPOS ?? '').split(':').filter((r) => r !== '');
const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const reason = process.env.CI === 'true' ? 'CI has no fetched repositories'
  : REPOS.length === 0 ? 'CDK8S_MULTUS_REPOS names no repository'
    : !KUBECTL ? 'kubectl is not on PATH' : undefined;

/** Every directory below `root` with a kustomization file (hidden directories left out). */
function kustomizations(root: string): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && KUSTOMIZATION_FILES.includes(e.name))) out.push(dir);
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') stack.push(path.join(dir, e.name));
  }
  return out.sort();
}

/** kustomize's objects of a directory, or why it cannot build it offline. */
function kubectlObjects(dir: string): string[] | string {
  // As Flux builds (kustomize-controller loads files anywhere in the source, LoadRestrictionsNone);
  // the checker's own limit is the directories it is given.
  const r = spawnSync('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', dir], { encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) return (/err="(.{0,200})/.exec(r.stderr)?.[1] ?? r.stderr.split('\n')[0]).slice(0, 200);
  return identities(parseAllDocuments(r.stdout).map((d) => d.toJS()).filter((o) => o && typeof o === 'object').map((o) => ({ object: o })));
}

function identities(objects: Array<{ object: any; namespace?: string }>): string[] {
  return objects.map((o) => `${o.object.kind} ${o.namespace ?? o.object.metadata?.namespace ?? ''}/${o.object.metadata?.name ?? ''}`).sort();
}

/** What makes a kustomization one kustomize cannot build offline: a remote reference, a chart to inflate. */
function offline(dir: string, notes: string[]): boolean {
  const text = KUSTOMIZATION_FILES.map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  return !/helmCharts:|generators:/.test(text) && !notes.some((n) => n.includes('not checked: remote'));
}

(reason ? describe.skip : describe)(`the checker builds what kubectl kustomize builds${reason ? ` (skipped: ${reason})` : ''}`, () => {
  test.each(REPOS.map((r) => [path.basename(r), r]))('%s', (_name, repo) => {
    const results = { equal: 0, differ: [] as string[], skipped: [] as string[] };
    for (const dir of kustomizations(repo)) {
      const reader = new FileReader((f) => path.relative(repo, f), [repo]);
      const ours = identities(new Kustomize(reader).build(dir));
      if (!offline(dir, reader.notes)) {
        results.skipped.push(`${path.relative(repo, dir)}: remote or inflated`);
        continue;
      }
      const theirs = kubectlObjects(dir);
      if (typeof theirs === 'string') {
        results.skipped.push(`${path.relative(repo, dir)}: ${theirs}`);
        continue;
      }
      const missing = theirs.filter((x) => !ours.includes(x));
      const extra = ours.filter((x) => !theirs.includes(x));
      if (missing.length === 0 && extra.length === 0) results.equal++;
      else results.differ.push(`${path.relative(repo, dir)}: kustomize only ${JSON.stringify(missing.slice(0, 3))}, checker only ${JSON.stringify(extra.slice(0, 3))}`);
    }
    // For the record of a run: how many were compared, and what kustomize could not build.
    process.stdout.write(`${path.basename(repo)}: ${results.equal} equal, ${results.differ.length} differ, ${results.skipped.length} not buildable offline\n${results.skipped.map((s) => `  skipped ${s}\n`).join('')}`);
    expect(results.differ).toEqual([]);
    expect(results.equal).toBeGreaterThan(0);
  }, 1_800_000);
});
