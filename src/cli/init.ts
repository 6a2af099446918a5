import * as fs from 'node:fs';
import * as path from 'node:path';
import { Document } from 'yaml';
import { Output } from './check';

// `cdk8s-multus init [dir]`: a cdk8s app for a home cluster (k3s with Cilium, Multus, the IoT
// macvlan network, Home Assistant and ESPHome through app-template, the test pod), as a FluxTreeApp
// that writes the Flux tree to dist/. Its files are built as objects and serialized; main.ts is the
// README's quick start (the package test holds them equal).

export const INIT_USAGE = `Usage: cdk8s-multus init [dir]

Writes a cdk8s app into dir (default: the current directory), which must be empty or missing:
main.ts (Multus, the IoT network, Home Assistant, ESPHome and a test pod as a Flux tree),
cdk8s.yaml, tsconfig.json, package.json (the library, its peers, cdk8s-cli, TypeScript) and
.gitignore. Then: npm install (with the library's tarball until it is on the registry), npx cdk8s synth.`;

/** The app's code: the README's quick start. @internal */
export const INIT_MAIN_TS = `import { Size } from 'cdk8s';
import {
  AppTemplatePersistence, AppTemplateRelease, CniPaths, FluxApp, FluxKustomization, FluxTree, FluxTreeApp,
  IotNetwork, MultusFluxApp, MultusTestPod,
} from 'cdk8s-multus';

// \`npx cdk8s synth\` writes the Flux tree to dist/kubernetes/main/ (and nothing else).
const app = new FluxTreeApp();
// clusterPath: where the tree goes in your repository; gitRepositoryName: the GitRepository Flux
// reads it from (\`flux bootstrap\` names it flux-system).
const tree = new FluxTree(app, 'cluster', { clusterPath: 'kubernetes/main', gitRepositoryName: 'flux-system' });

// Multus in kube-system through Flux: the angelnu chart, health-checked, then the networks.
// k3s with Cilium (--flannel-backend=none): containerd reads /etc/cni/net.d and /opt/cni/bin.
// On k3s with its embedded flannel: CniPaths.K3S. Where Cilium is configured, merge
// MultusInstall.ciliumValues() ({ cni: { exclusive: false } }) into its values: otherwise Cilium
// renames Multus's config away on every restart.
const multus = new MultusFluxApp(tree, 'multus', { install: { cniPaths: CniPaths.STANDARD } });

// The IoT LAN as a macvlan NetworkAttachmentDefinition; every pod's address is checked against it.
const iot = new IotNetwork(multus.networks, 'iot', {
  subnet: '192.168.20.0/24',
  master: 'eth0',
  gateway: '192.168.20.1',
  dhcpRange: { start: '192.168.20.150', end: '192.168.20.249' }, // the router's pool: refused for pods
});

// Home Assistant and ESPHome on the LAN, each an app-template release that waits for the network.
tree.addNamespace('home-automation');
const homeAssistant = new FluxKustomization(new FluxApp(tree, 'home-assistant', { namespace: 'home-automation' }), 'app', {
  dependsOn: [multus.networks],
});
new AppTemplateRelease(homeAssistant, 'home-assistant', {
  image: { repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.11.3' },
  ports: [{ name: 'http', port: 8123 }],
  env: { TZ: 'Europe/Berlin' },
  persistence: { config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(5) }) }, // at /config
  networks: [{ network: iot, ips: ['192.168.20.100'] }],
});
const esphome = new FluxKustomization(new FluxApp(tree, 'esphome', { namespace: 'home-automation' }), 'app', {
  dependsOn: [multus.networks],
});
new AppTemplateRelease(esphome, 'esphome', {
  image: { repository: 'ghcr.io/esphome/esphome', tag: '2025.11.2' },
  ports: [{ name: 'http', port: 6052 }],
  env: { ESPHOME_DASHBOARD_USE_PING: 'true' },
  persistence: { config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(2) }) },
  networks: [{ network: iot, ips: ['192.168.20.101'] }],
});

// A pod to check the attachment by hand (kubectl exec multus-test -- ip addr); remove it after.
const test = new FluxKustomization(new FluxApp(tree, 'multus-test', { namespace: 'default' }), 'app', {
  dependsOn: [multus.networks],
});
new MultusTestPod(test, 'multus-test', { network: iot, ips: ['192.168.20.250'] });

app.synth();
`;

/** The library's own package.json (its version, peers and the tools it was built with). */
function ownPackage(): any {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === 'cdk8s-multus') return pkg;
    }
    if (path.dirname(dir) === dir) throw new Error('the package.json of cdk8s-multus is not above its code');
  }
}

/**
 * The files of a new app named `name`, by path relative to its directory.
 * @internal
 */
export function initFiles(name: string): Record<string, string> {
  const pkg = ownPackage();
  const packageJson = {
    name,
    version: '0.0.0',
    private: true,
    scripts: { synth: 'cdk8s synth', build: 'tsc' },
    dependencies: {
      'cdk8s-multus': `^${pkg.version}`,
      ...pkg.peerDependencies,
    },
    devDependencies: {
      'cdk8s-cli': pkg.devDependencies['cdk8s-cli'],
      'typescript': pkg.devDependencies.typescript.replace(/^(\d+\.\d+)\..*$/, '~$1.0'),
    },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2020', module: 'commonjs', lib: ['es2020'], strict: true, types: [],
      outDir: 'lib', skipLibCheck: true,
    },
    include: ['main.ts'],
  };
  const cdk8s = new Document({ language: 'typescript', app: 'npx tsc && node lib/main.js', output: 'dist' });
  cdk8s.commentBefore = [
    ' `npx cdk8s synth` compiles main.ts and writes the Flux tree into `output`.',
    ' cdk8s synth deletes `output` before it writes: never point it at your repository.',
    ' Put the tree into your repository with:',
    '   npx cdk8s-multus merge dist/kubernetes/main <your repository>/kubernetes/main',
  ].join('\n');
  return {
    'main.ts': INIT_MAIN_TS,
    'cdk8s.yaml': cdk8s.toString(),
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    'package.json': `${JSON.stringify(packageJson, null, 2)}\n`,
    '.gitignore': ['node_modules/', 'lib/', 'dist/', ''].join('\n'),
  };
}

/**
 * Runs `init` with its arguments (after the command name) and returns the exit status.
 * @internal
 */
export function runInit(args: string[], output: Output): number {
  if (args.includes('--help') || args.includes('-h')) {
    output.out(`${INIT_USAGE}\n`);
    return 0;
  }
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown !== undefined || args.length > 1) {
    output.err(`${unknown !== undefined ? `unknown option ${unknown}` : 'give at most one directory'}\n\n${INIT_USAGE}\n`);
    return 2;
  }
  const dir = path.resolve(args[0] ?? '.');
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) {
      output.err(`cdk8s-multus init: ${dir} exists and is not a directory\n`);
      return 2;
    }
    const present = fs.readdirSync(dir);
    if (present.length > 0) {
      output.err(`cdk8s-multus init: ${dir} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', ...' : ''}); give a new or empty directory, nothing was written\n`);
      return 1;
    }
  }
  const name = path.basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'cluster';
  const files = initFiles(name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, file), content, { encoding: 'utf8', flag: 'wx' });
    output.out(`wrote ${path.join(path.relative(process.cwd(), dir) || '.', file)}\n`);
  }
  const rel = path.relative(process.cwd(), dir) || '.';
  output.out([
    '',
    'Next:',
    `  cd ${rel}`,
    '  npm install                 # until cdk8s-multus is on the registry: npm install <path>/cdk8s-multus-<version>.tgz',
    '  npx cdk8s synth             # writes the Flux tree to dist/kubernetes/main/',
    '  npx cdk8s-multus merge dist/kubernetes/main <your repository>/kubernetes/main --dry-run',
    '',
  ].join('\n'));
  return 0;
}
