#!/usr/bin/env node
// The pinned upstream CRDs this library is generated from and validated against.
//
// The files are not kept in this repository. They are read from a local mirror:
//   1. $CDK8S_MULTUS_CRDS, if set;
//   2. ../shared/crds (a sibling checkout of the mirror);
//   3. .crds/ (what `npm run crds` downloads from the URLs below).
// Every file is checked against its sha256 before use, so a mirror cannot drift from the pins.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** url: what cdk8s.yaml lists; file: the name the mirror keeps it under; group: API group (one imports/ module each). */
const CRDS = [
  {
    group: 'helm.toolkit.fluxcd.io',
    file: 'helm.toolkit.fluxcd.io_helmreleases.yaml',
    url: 'https://raw.githubusercontent.com/fluxcd/helm-controller/v1.6.3/config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml',
    sha256: 'aa8638ac68465ceac1f93a617baf5be833c589c51fd78a7384a4a274c252becc',
  },
  {
    group: 'source.toolkit.fluxcd.io',
    file: 'source.toolkit.fluxcd.io_helmrepositories.yaml',
    url: 'https://raw.githubusercontent.com/fluxcd/source-controller/v1.9.1/config/crd/bases/source.toolkit.fluxcd.io_helmrepositories.yaml',
    sha256: '97c7759df00946cbb9a75a56457cff9964b2543d2248df859cef21e26b8e2ae6',
  },
  {
    group: 'source.toolkit.fluxcd.io',
    file: 'source.toolkit.fluxcd.io_ocirepositories.yaml',
    url: 'https://raw.githubusercontent.com/fluxcd/source-controller/v1.9.1/config/crd/bases/source.toolkit.fluxcd.io_ocirepositories.yaml',
    sha256: '2655834d468e46a533410d9e2bc3f4e7cbf9b4c922b95652012acb09bfb2545a',
  },
  {
    group: 'source.toolkit.fluxcd.io',
    file: 'source.toolkit.fluxcd.io_gitrepositories.yaml',
    url: 'https://raw.githubusercontent.com/fluxcd/source-controller/v1.9.1/config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml',
    sha256: '39a5a46c81539c992abc53f9be3e5434cd70d50a10d169b1e8a450e0df1c9d09',
  },
  {
    group: 'kustomize.toolkit.fluxcd.io',
    file: 'kustomize.toolkit.fluxcd.io_kustomizations.yaml',
    url: 'https://raw.githubusercontent.com/fluxcd/kustomize-controller/v1.9.4/config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml',
    sha256: 'da23ca0e6b4c80d3d26a91583137491e147ef4ef1e2208aece0d0af4ef851974',
  },
  {
    group: 'k8s.cni.cncf.io',
    file: 'k8s.cni.cncf.io_network-attachment-definitions.yaml',
    url: 'https://raw.githubusercontent.com/k8snetworkplumbingwg/network-attachment-definition-client/v1.7.7/artifacts/networks-crd.yaml',
    sha256: '2c83987cbc34c16e7b49921237c39151008e9239304ef2dc7163b92931ef1880',
  },
];

const DOWNLOAD_DIR = path.join(ROOT, '.crds');

function candidateDirs() {
  const dirs = [];
  if (process.env.CDK8S_MULTUS_CRDS) dirs.push(path.resolve(process.env.CDK8S_MULTUS_CRDS));
  dirs.push(path.resolve(ROOT, '..', 'shared', 'crds'), DOWNLOAD_DIR);
  return dirs;
}

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * The mirror directory holding every pinned CRD with the pinned digest, or undefined with the reason.
 * @returns {{ dir?: string, reason?: string }}
 */
function findMirror() {
  const reasons = [];
  for (const dir of candidateDirs()) {
    const missing = CRDS.filter((c) => !fs.existsSync(path.join(dir, c.file)));
    if (missing.length > 0) {
      reasons.push(`${dir}: missing ${missing.map((c) => c.file).join(', ')}`);
      continue;
    }
    const bad = CRDS.filter((c) => sha256(path.join(dir, c.file)) !== c.sha256);
    if (bad.length > 0) {
      reasons.push(`${dir}: sha256 differs from the pin for ${bad.map((c) => c.file).join(', ')}`);
      continue;
    }
    return { dir };
  }
  return { reason: `no CRD mirror found (${reasons.join('; ')}); run \`npm run crds\` to download the pinned files` };
}

/** Path of one pinned CRD file in the mirror; throws with the reason when there is no mirror. */
function crdPath(file) {
  const { dir, reason } = findMirror();
  if (!dir) throw new Error(reason);
  return path.join(dir, file);
}

async function download() {
  fs.mkdirSync(DOWNLOAD_DIR, { recursive: true });
  for (const c of CRDS) {
    const res = await fetch(c.url);
    if (!res.ok) throw new Error(`GET ${c.url}: HTTP ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    const digest = crypto.createHash('sha256').update(body).digest('hex');
    if (digest !== c.sha256) throw new Error(`${c.url}: sha256 ${digest}, pinned ${c.sha256}`);
    fs.writeFileSync(path.join(DOWNLOAD_DIR, c.file), body);
    console.log(`${c.file}: ok`);
  }
}

module.exports = { CRDS, findMirror, crdPath, DOWNLOAD_DIR };

if (require.main === module) {
  const cmd = process.argv[2];
  if (cmd === 'download') {
    download().catch((e) => { console.error(e.message); process.exit(1); });
  } else if (cmd === 'where') {
    const { dir, reason } = findMirror();
    if (!dir) { console.error(reason); process.exit(1); }
    console.log(dir);
  } else {
    console.error('usage: node scripts/crds.js download|where');
    process.exit(2);
  }
}
