#!/usr/bin/env node
// `npm test`: the type check (tsc --noEmit) and jest side by side. @swc/jest strips types without
// checking them, so tsc is what catches type errors; running both at once keeps the suite fast on
// two cores. Extra arguments go to jest. Fails when either fails.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, 'bin', file);

function run(name, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0) }));
  });
}

// jest's results also go to a JSON file, for one plain closing line with the counts.
const results = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-test-')), 'jest.json');

Promise.all([
  run('tsc --noEmit', [bin('typescript', 'tsc'), '-p', 'tsconfig.json', '--noEmit']),
  run('jest', [bin('jest', 'jest.js'), '--json', `--outputFile=${results}`, ...process.argv.slice(2)]),
]).then((runs) => {
  const failed = runs.filter((r) => r.code !== 0);
  for (const r of failed) console.error(`${r.name} failed (exit ${r.code})`);
  if (fs.existsSync(results)) {
    const j = JSON.parse(fs.readFileSync(results, 'utf8'));
    console.log(`jest: ${j.numPassedTests} passed, ${j.numFailedTests} failed, ${j.numPendingTests} skipped`);
  }
  fs.rmSync(path.dirname(results), { recursive: true, force: true });
  process.exit(failed.length > 0 ? 1 : 0);
});
