#!/usr/bin/env node
// `npm test`: the type check (tsc --noEmit) and jest side by side. @swc/jest strips types without
// checking them, so tsc is what catches type errors; running both at once keeps the suite fast on
// two cores. Extra arguments go to jest. Fails when either fails.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, 'bin', file);

function run(name, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0) }));
  });
}

Promise.all([
  run('tsc --noEmit', [bin('typescript', 'tsc'), '-p', 'tsconfig.json', '--noEmit']),
  run('jest', [bin('jest', 'jest.js'), ...process.argv.slice(2)]),
]).then((results) => {
  const failed = results.filter((r) => r.code !== 0);
  for (const r of failed) console.error(`${r.name} failed (exit ${r.code})`);
  process.exit(failed.length > 0 ? 1 : 0);
});
