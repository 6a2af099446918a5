#!/usr/bin/env node
// The `cdk8s-multus` command (package.json `bin`): `check` (the rulebook over a repository of YAML),
// `merge` (a synthesized tree into an existing repository), `init` (a new cdk8s app).
// Each command's module is loaded when it runs (these imports are types only, elided): `check` in
// CI starts without merge's or init's.
import * as Check from './check';
import * as Init from './init';
import * as Merge from './merge';

const COMMANDS = `Commands:
  cdk8s-multus init [dir]                             a new cdk8s app that writes a Flux tree
  cdk8s-multus merge <tree> <repository> [--dry-run]  a synthesized tree into your repository
  cdk8s-multus check [--format text|json] <dir>...    the rulebook over a repository of YAML
  cdk8s-multus <command> --help                       the command's own help
`;

// A reader that stops early (`| head`) closes the pipe: the command ends quietly, as other CLIs do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

const output = {
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
};
const [command, ...rest] = process.argv.slice(2);
/* eslint-disable @typescript-eslint/no-require-imports */
if (command === 'merge') {
  process.exitCode = (require('./merge') as typeof Merge).runMerge(rest, output);
} else if (command === 'init') {
  process.exitCode = (require('./init') as typeof Init).runInit(rest, output);
} else {
  if (command === '--help' || command === '-h') output.out(`${COMMANDS}\n`);
  process.exitCode = (require('./check') as typeof Check).runCheck(process.argv.slice(2), output);
}
/* eslint-enable @typescript-eslint/no-require-imports */
