#!/usr/bin/env node
// Regenerates imports/ with `cdk8s import`, offline, from the pinned CRD mirror (scripts/crds.js).
// All CRDs of one API group go through a single `cdk8s import` run: a second run for the same group
// would overwrite the module the first one wrote.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { CRDS, crdPath } = require('./crds');

const ROOT = path.resolve(__dirname, '..');
const cli = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-import-'));
try {
  const groups = [...new Set(CRDS.map((c) => c.group))];
  for (const group of groups) {
    const docs = CRDS.filter((c) => c.group === group).map((c) => fs.readFileSync(crdPath(c.file), 'utf8'));
    const file = path.join(tmp, `${group}.yaml`);
    fs.writeFileSync(file, docs.join('\n---\n'));
    execFileSync(process.execPath, [cli, 'import', '--language', 'typescript', '--no-save', '--check-upgrade=false', '--output', 'imports', file], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
