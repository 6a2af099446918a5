#!/usr/bin/env node
// The `cdk8s-multus` command (package.json `bin`): `check` (the rulebook over a repository of YAML),
// `merge` (a synthesized tree into an existing repository), `init` (a new cdk8s app).
import { runCheck } from './check';
import { runInit } from './init';
import { runMerge } from './merge';

const COMMANDS = `Commands:
  cdk8s-multus init [dir]                             a new cdk8s app that writes a Flux tree
  cdk8s-multus merge <tree> <repository> [--dry-run]  a synthesized tree into your repository
  cdk8s-multus check [--format text|json] <dir>...    the rulebook over a repository of YAML
  cdk8s-multus <command> --help                       the command's own help
`;

const output = {
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
};
const [command, ...rest] = process.argv.slice(2);
if (command === 'merge') {
  process.exitCode = runMerge(rest, output);
} else if (command === 'init') {
  process.exitCode = runInit(rest, output);
} else {
  if (command === '--help' || command === '-h') output.out(`${COMMANDS}\n`);
  process.exitCode = runCheck(process.argv.slice(2), output);
}
