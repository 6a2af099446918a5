#!/usr/bin/env node
// The `cdk8s-multus` command (package.json `bin`): `npx cdk8s-multus check kubernetes/`.
import { runCheck } from './check';

process.exitCode = runCheck(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
