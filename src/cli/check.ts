import * as fs from 'node:fs';
import * as path from 'node:path';
import { Finding } from '../rules/model';
import { ruleList, runRules } from '../rules/rulebook';
import { CONFIG_FILE, clusterNames, readConfigFile, resolveCluster } from './cluster-options';
import { UnreadableInputError } from './files';
import { loadRepository } from './repository';

// `cdk8s-multus check [--format text|json] <dir>...`: the rulebook over a repository of YAML.
// Findings go to stdout (one line each, or one JSON list), notes and the summary to stderr. Exit 0
// when no finding is an error, 1 when one is, 2 for a usage error or input that cannot be read.

const USAGE = `Usage: cdk8s-multus check [--format text|json] [--cluster NAME] [--kubernetes-version X.Y] <dir>...

Checks the Multus setup of a Flux repository of YAML (HelmReleases, NetworkAttachmentDefinitions,
pod annotations, Kustomizations) against the rules of docs/rules.md.

  --format text   one line per finding: file: kind/namespace/name: rule: level: field: value problem: fix (default)
  --format json   a JSON list of {rule, level, file, kind, namespace, name, field, message, fix}
  --cluster NAME  the cluster the repository is for: ${clusterNames().join(', ')};
                  judges CNI directories, the Talos netns mount and an unseen Cilium against it
  --kubernetes-version X.Y
                  the cluster's Kubernetes version: judges the charts' Kubernetes ranges
                  (both can be set in ${CONFIG_FILE} at the root of the first directory:
                  cluster: and kubernetesVersion:; the options win)
  -h, --help      this text and the rules
  --version       the package version

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

/** A finding as one line of text. @internal */
export function findingLine(f: Finding): string {
  return `${f.location.file ?? '-'}: ${f.kind}/${f.namespace ?? '-'}/${f.name}: ${f.rule}: ${f.level}: ${f.field}: ${f.value} ${f.problem}: ${f.fix}`;
}

/** A finding as the JSON the command prints. @internal */
export function findingJson(f: Finding): Record<string, string | null> {
  return {
    rule: f.rule, level: f.level, file: f.location.file ?? null, kind: f.kind, namespace: f.namespace ?? null,
    name: f.name, field: f.field, message: f.message, fix: f.fix,
  };
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
    output.err(`${command === undefined ? 'no command given' : `unknown command "${command}"`}\n\n${USAGE}\n`);
    return 2;
  }
  let format = 'text';
  const dirs: string[] = [];
  const flags: { cluster?: string; kubernetesVersion?: string } = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--format' || a.startsWith('--format=')) {
      const value = a === '--format' ? rest[++i] : a.slice('--format='.length);
      if (value !== 'text' && value !== 'json') {
        output.err(`--format takes text or json, not ${value === undefined ? 'nothing' : JSON.stringify(value)}\n`);
        return 2;
      }
      format = value;
    } else if (a === '--cluster' || a.startsWith('--cluster=') || a === '--kubernetes-version' || a.startsWith('--kubernetes-version=')) {
      const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, rest[++i]];
      if (inline === undefined) {
        output.err(`${flag} takes a value\n\n${USAGE}\n`);
        return 2;
      }
      if (flag === '--cluster') flags.cluster = inline;
      else flags.kubernetesVersion = inline;
    } else if (a.startsWith('-') && a !== '-') {
      output.err(`unknown option ${a}\n\n${USAGE}\n`);
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
    output.err(`cdk8s-multus: ${config.error}\n`);
    return 2;
  }
  const cluster = resolveCluster(flags, config.options);
  if (cluster.error !== undefined) {
    output.err(`cdk8s-multus: ${cluster.error}\n`);
    return 2;
  }
  let repository;
  try {
    repository = loadRepository(dirs);
  } catch (e) {
    if (e instanceof UnreadableInputError) {
      output.err(`cdk8s-multus: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const findings = runRules(repository.manifests, { input: 'repository', cluster: cluster.facts, kubernetesVersion: cluster.kubernetesVersion });
  if (format === 'json') output.out(`${JSON.stringify(findings.map(findingJson), null, 2)}\n`);
  else for (const f of findings) output.out(`${findingLine(f)}\n`);
  for (const note of repository.notes) output.err(`note: ${note}\n`);
  const errors = findings.filter((f) => f.level === 'error').length;
  const warnings = findings.length - errors;
  output.err(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${repository.files} YAML file${repository.files === 1 ? '' : 's'} (${repository.manifests.length} objects)\n`);
  return errors > 0 ? 1 : 0;
}
