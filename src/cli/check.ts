import * as fs from 'node:fs';
import * as path from 'node:path';
import { Finding } from '../rules/model';
import { ruleList, runRules } from '../rules/rulebook';
import { CONFIG_FILE, clusterNames, readConfigFile, resolveCluster } from './cluster-options';
import { UnreadableInputError } from './files';
import { FORMATS, Format, LocatedFinding, escapeText, githubFinding, safeJson, jsonFinding, junitReport, sarifLog, textFinding } from './output';
import { loadRepository } from './repository';

// `cdk8s-multus check [--format FORMAT] [--root DIR] <dir>...`: the rulebook over a repository of
// YAML. Findings go to stdout, notes and the summary to stderr. Exit 0 when no finding is an
// error, 1 when one is, 2 for a usage error or input that cannot be read.

const USAGE = `Usage: cdk8s-multus check [--format text|json|sarif|github|junit] [--root DIR] [--cluster NAME] [--kubernetes-version X.Y] <dir>...

Checks the Multus setup of a Flux repository of YAML (HelmReleases, NetworkAttachmentDefinitions,
pod annotations, Kustomizations) against the rules of docs/rules.md. Only files inside the
directories given are read (symlinks that lead outside are not followed).

  --format text     per finding a line file:line:column: level: rule: object: field: value problem,
                    and an indented fix (default)
  --format json     a JSON list of {rule, level, file, line, column, kind, namespace, name, field, message, fix}
  --format sarif    a SARIF 2.1.0 log (GitHub code scanning)
  --format github   GitHub Actions workflow commands (::error file=…,line=…,col=…::…)
  --format junit    a JUnit XML report: a failed test case per error
  --root DIR        paths are shown relative to DIR (default: the git work tree of the first
                    directory, else each directory given)
  --cluster NAME    the cluster the repository is for: ${clusterNames().join(', ')};
                    judges CNI directories, the Talos netns mount and an unseen Cilium against it
  --kubernetes-version X.Y
                    the cluster's Kubernetes version: judges the charts' Kubernetes ranges
                    (both can be set in ${CONFIG_FILE} at the root of the first directory:
                    cluster: and kubernetesVersion:; the options win)
  -h, --help        this text and the rules
  --version         the package version

Exit status: 0 no error, 1 an error was found, 2 a usage error or input that cannot be read.`;

/** Where the command writes. @internal */
export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The package's version, from the package.json above this module. */
function version(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === 'cdk8s-multus') return pkg.version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}


/**
 * Runs the command with `args` (without the program name) and returns its exit status.
 * @internal
 */
export function runCheck(args: string[], output: Output): number {
  if (args.includes('--help') || args.includes('-h')) {
    output.out(`${USAGE}\n\nRules:\n${ruleList().map((r) => `  ${r.id.padEnd(24)} ${r.level.padEnd(8)} ${r.summary}`).join('\n')}\n`);
    return 0;
  }
  if (args.includes('--version')) {
    output.out(`${version()}\n`);
    return 0;
  }
  const [command, ...rest] = args;
  if (command !== 'check') {
    output.err(`${command === undefined ? 'no command given' : `unknown command ${escapeText(JSON.stringify(command))}`}\n\n${USAGE}\n`);
    return 2;
  }
  let format: Format = 'text';
  let root: string | undefined;
  const dirs: string[] = [];
  const flags: { cluster?: string; kubernetesVersion?: string } = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--format' || a.startsWith('--format=')) {
      const value = a === '--format' ? rest[++i] : a.slice('--format='.length);
      if (!(FORMATS as readonly string[]).includes(value)) {
        output.err(`--format takes ${FORMATS.join(', ')}, not ${value === undefined ? 'nothing' : escapeText(JSON.stringify(value))}\n`);
        return 2;
      }
      format = value as Format;
    } else if (a === '--root' || a.startsWith('--root=')) {
      root = a === '--root' ? rest[++i] : a.slice('--root='.length);
      if (root === undefined || root === '') {
        output.err('--root takes a directory\n');
        return 2;
      }
    } else if (a === '--cluster' || a.startsWith('--cluster=') || a === '--kubernetes-version' || a.startsWith('--kubernetes-version=')) {
      const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, rest[++i]];
      if (inline === undefined) {
        output.err(`${flag} takes a value\n\n${USAGE}\n`);
        return 2;
      }
      if (flag === '--cluster') flags.cluster = inline;
      else flags.kubernetesVersion = inline;
    } else if (a.startsWith('-') && a !== '-') {
      output.err(`unknown option ${escapeText(a)}\n\n${USAGE}\n`);
      return 2;
    } else {
      dirs.push(a);
    }
  }
  if (dirs.length === 0) {
    output.err(`no directory given\n\n${USAGE}\n`);
    return 2;
  }
  const config = readConfigFile(dirs[0]);
  if (config.error !== undefined) {
    output.err(`cdk8s-multus: ${escapeText(config.error)}\n`);
    return 2;
  }
  const cluster = resolveCluster(flags, config.options);
  if (cluster.error !== undefined) {
    output.err(`cdk8s-multus: ${escapeText(cluster.error)}\n`);
    return 2;
  }
  let repository;
  let findings: Finding[];
  try {
    repository = loadRepository(dirs, { base: root });
    findings = runRules(repository.manifests, { input: 'repository', cluster: cluster.facts, kubernetesVersion: cluster.kubernetesVersion });
  } catch (e) {
    // Input that cannot be read, or (never expected) a failure of the reader: a message, not a trace.
    const message = e instanceof UnreadableInputError ? e.message : `cannot check: ${(e as Error)?.message ?? String(e)}`;
    output.err(`cdk8s-multus: ${escapeText(message)}\n`);
    return 2;
  }
  const repo = repository;
  const located: LocatedFinding[] = findings.map((f) => ({
    finding: f,
    file: f.location.file,
    position: repo.position(f.location, f.field),
  }));
  switch (format) {
    case 'json':
      output.out(`${safeJson(located.map(jsonFinding))}\n`);
      break;
    case 'sarif':
      output.out(`${safeJson(sarifLog(located, ruleList(), version()))}\n`);
      break;
    case 'junit':
      output.out(junitReport(located, repository.files));
      break;
    case 'github':
      for (const f of located) output.out(githubFinding(f));
      break;
    default:
      for (const f of located) output.out(textFinding(f));
  }
  for (const note of repository.notes) output.err(`note: ${escapeText(note)}\n`);
  const errors = findings.filter((f) => f.level === 'error').length;
  const warnings = findings.length - errors;
  output.err(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${repository.files} YAML file${repository.files === 1 ? '' : 's'} (${repository.manifests.length} objects)\n`);
  return errors > 0 ? 1 : 0;
}
