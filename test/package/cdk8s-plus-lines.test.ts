// The packed tarball on each cdk8s-plus line a user may have: cdk8s-plus-28 (the line the project
// develops and documents against) and the newest line (the newest cdk8s-plus-N among the
// devDependencies). Each line gets an app of its own with the tarball, cdk8s, constructs and that
// line only, installed as a user installs them; the library must need no other line at run time.
// In each app: the README quick start written with that line, MultusPodAnnotation on every workload
// of the line, the single-pod checks (at applyTo) and the rulebook (at synth). The refusals must be
// the same, word for word, on both lines.
// Slow (npm install), so it runs with `npm run test:package` (in .ci/run), not in `npm test`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { CLI, markedBlock, packedTarball, pkg, readme, run, TSC } from './tarball';

const KEY = 'k8s.v1.cni.cncf.io/networks';
const DOCUMENTED_LINE = 'cdk8s-plus-28';
const NEWEST_LINE = Object.keys(pkg.devDependencies)
  .filter((name) => /^cdk8s-plus-\d+$/.test(name))
  .sort((a, b) => Number(a.split('-').pop()) - Number(b.split('-').pop()))
  .pop() as string;
const LINES = [DOCUMENTED_LINE, NEWEST_LINE];

/**
 * A user's program on one cdk8s-plus line: every scenario builds its own app and synthesizes it
 * into `dist/<scenario>`; the program prints, as JSON, whether each synthesized or what it threw.
 */
function scenariosProgram(line: string): string {
  return `
import { App, Chart, Cron } from 'cdk8s';
import * as kplus from '${line}';
import { CniDhcpDaemon, CniPaths, Ipam, IotNetwork, MultusNodeCleanup, MultusPodAnnotation, MultusTestPod, ValidationError } from 'cdk8s-multus';

const KEY = '${KEY}';
const containers = [{ image: 'ghcr.io/esphome/esphome:2025.11.2', portNumber: 6052, securityContext: { ensureNonRoot: false } }];

/** An app with the IoT network (static IPAM, in kube-system) and a chart for the workloads. */
function world(name: string) {
  const app = new App({ outdir: 'dist/' + name });
  const system = new Chart(app, 'multus', { namespace: 'kube-system' });
  const iot = new IotNetwork(system, 'iot', {
    subnet: '192.168.20.0/24', master: 'eth0', gateway: '192.168.20.1',
    dhcpRange: { start: '192.168.20.150', end: '192.168.20.249' },
  });
  const apps = new Chart(app, 'home-automation', { namespace: 'home-automation' });
  const staticAddress = (id: string, address: string) => new MultusPodAnnotation(apps, id + '-iot', { networks: [{ network: iot, ips: [address] }] });
  return { app, system, iot, apps, staticAddress };
}

const scenarios: Record<string, () => void> = {
  // Every workload of the line on the networks; the library's own objects beside them.
  'workloads': () => {
    const { app, system, apps, staticAddress } = world('workloads');
    const lan = new IotNetwork(system, 'lan', { subnet: '198.51.100.0/24', master: 'eth0', ipam: Ipam.dhcp() });
    new CniDhcpDaemon(system, 'dhcp', { cniPaths: CniPaths.STANDARD });
    new MultusNodeCleanup(system, 'cleanup', { cniPaths: CniPaths.STANDARD });
    staticAddress('deployment', '192.168.20.101').applyTo(new kplus.Deployment(apps, 'deployment', { replicas: 1, strategy: kplus.DeploymentStrategy.recreate(), containers }));
    staticAddress('statefulset', '192.168.20.102').applyTo(new kplus.StatefulSet(apps, 'statefulset', { replicas: 1, containers }));
    staticAddress('job', '192.168.20.103').applyTo(new kplus.Job(apps, 'job', { containers }));
    staticAddress('cronjob', '192.168.20.104').applyTo(new kplus.CronJob(apps, 'cronjob', { schedule: Cron.hourly(), concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID, containers }));
    staticAddress('pod', '192.168.20.105').applyTo(new kplus.Pod(apps, 'pod', { containers }));
    new MultusPodAnnotation(apps, 'daemonset-lan', { networks: [{ network: lan }] }).applyTo(new kplus.DaemonSet(apps, 'daemonset', { containers }));
    new MultusTestPod(apps, 'test', { network: lan });
    app.synth();
  },
  // The single-pod checks, at applyTo.
  'deployment with 2 replicas': () => {
    const { app, apps, staticAddress } = world('deployment-2-replicas');
    staticAddress('esphome', '192.168.20.101').applyTo(new kplus.Deployment(apps, 'esphome', { replicas: 2, strategy: kplus.DeploymentStrategy.recreate(), containers }));
    app.synth();
  },
  'deployment with the default replicas': () => {
    const { app, apps, staticAddress } = world('deployment-default-replicas');
    staticAddress('esphome', '192.168.20.101').applyTo(new kplus.Deployment(apps, 'esphome', { strategy: kplus.DeploymentStrategy.recreate(), containers }));
    app.synth();
  },
  'statefulset with 3 replicas': () => {
    const { app, apps, staticAddress } = world('statefulset-3-replicas');
    staticAddress('esphome', '192.168.20.101').applyTo(new kplus.StatefulSet(apps, 'esphome', { replicas: 3, containers }));
    app.synth();
  },
  'daemonset with a static address': () => {
    const { app, apps, staticAddress } = world('daemonset-static');
    staticAddress('mdns', '192.168.20.101').applyTo(new kplus.DaemonSet(apps, 'mdns', { containers }));
    app.synth();
  },
  'one static address on two pods': () => {
    const { app, apps, staticAddress } = world('two-pods');
    const annotation = staticAddress('esphome', '192.168.20.101');
    annotation.applyTo(new kplus.Pod(apps, 'first', { containers }));
    annotation.applyTo(new kplus.Pod(apps, 'second', { containers }));
    app.synth();
  },
  // The rulebook, at synth.
  'deployment left to the default rolling update': () => {
    const { app, apps, staticAddress } = world('rolling-update');
    staticAddress('esphome', '192.168.20.101').applyTo(new kplus.Deployment(apps, 'esphome', { replicas: 1, containers }));
    app.synth();
  },
  'cronjob that allows concurrent runs': () => {
    const { app, apps, staticAddress } = world('concurrent-cronjob');
    staticAddress('scan', '192.168.20.101').applyTo(new kplus.CronJob(apps, 'scan', { schedule: Cron.hourly(), concurrencyPolicy: kplus.ConcurrencyPolicy.ALLOW, containers }));
    app.synth();
  },
  'the annotation on each workload\\'s own metadata': () => {
    const { app, apps } = world('misplaced');
    const value = JSON.stringify([{ name: 'iot', namespace: 'kube-system' }]);
    new kplus.Deployment(apps, 'deployment', { replicas: 1, strategy: kplus.DeploymentStrategy.recreate(), containers }).metadata.addAnnotation(KEY, value);
    new kplus.StatefulSet(apps, 'statefulset', { replicas: 1, containers }).metadata.addAnnotation(KEY, value);
    new kplus.DaemonSet(apps, 'daemonset', { containers }).metadata.addAnnotation(KEY, value);
    new kplus.Job(apps, 'job', { containers }).metadata.addAnnotation(KEY, value);
    new kplus.CronJob(apps, 'cronjob', { schedule: Cron.hourly(), containers }).metadata.addAnnotation(KEY, value);
    app.synth();
  },
};

const outcomes: Record<string, unknown> = {};
for (const [name, scenario] of Object.entries(scenarios)) {
  try {
    scenario();
    outcomes[name] = { synthesized: true };
  } catch (e) {
    const err = e as ValidationError;
    outcomes[name] = {
      synthesized: false,
      validationError: e instanceof ValidationError,
      field: err.field,
      message: err.message,
      problems: (err.problems ?? []).map((p) => p.message),
    };
  }
}
console.log(JSON.stringify(outcomes));
`;
}

interface Outcome {
  readonly synthesized: boolean;
  readonly validationError?: boolean;
  readonly field?: string;
  readonly message?: string;
  readonly problems?: string[];
}

/** Every package.json name under node_modules, nested node_modules included. */
function installedPackages(nodeModules: string): string[] {
  const names: string[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const packages = entry.name.startsWith('@') ? fs.readdirSync(path.join(dir, entry.name)).map((n) => path.join(entry.name, n)) : [entry.name];
      for (const p of packages) {
        const manifest = path.join(dir, p, 'package.json');
        if (fs.existsSync(manifest)) names.push(JSON.parse(fs.readFileSync(manifest, 'utf8')).name);
        if (fs.existsSync(path.join(dir, p, 'node_modules'))) visit(path.join(dir, p, 'node_modules'));
      }
    }
  };
  visit(nodeModules);
  return names;
}

function manifestsIn(dir: string): any[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
    .flatMap((f) => Yaml.load(path.join(dir, f)) as any[]).filter(Boolean);
}

/** The outcomes of the scenarios on each line, for the comparison of the lines. */
const outcomesOf: Record<string, Record<string, Outcome>> = {};

describe.each(LINES)('an app with %s as its only cdk8s-plus line', (line) => {
  let app: string;
  let installOutput: string;
  let outcomes: Record<string, Outcome>;

  beforeAll(() => {
    // GIVEN a fresh app; WHEN the tarball is installed with cdk8s, constructs and this line only
    const { dir, tarball } = packedTarball();
    app = path.join(dir, line);
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: `on-${line}`, private: true, version: '0.0.0' }));
    const deps = ['cdk8s', 'constructs', line].map((p) => `${p}@${pkg.devDependencies[p]}`);
    const install = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...deps], {
      cwd: app, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'warn' },
    });
    installOutput = `${install.stdout}${install.stderr}`;
    if (install.status !== 0) throw new Error(`npm install failed:\n${installOutput}`);

    // the quick start written with this line, and the scenarios, compiled as a user compiles them
    // (the README's quick start is a Flux tree of app-template releases; its block that uses a
    // cdk8s-plus workload is the one that puts a Deployment on the network)
    const block = markedBlock(readme(), 'pod-annotation');
    expect(block.split(`from '${DOCUMENTED_LINE}'`)).toHaveLength(2);
    fs.writeFileSync(path.join(app, 'quick-start.ts'), block.replace(`from '${DOCUMENTED_LINE}'`, `from '${line}'`));
    fs.writeFileSync(path.join(app, 'scenarios.ts'), scenariosProgram(line));
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2020', module: 'commonjs', strict: true, types: [], skipLibCheck: false, outDir: '.' },
      files: ['quick-start.ts', 'scenarios.ts'],
    }));
    run(process.execPath, [TSC, '-p', '.'], app);
    outcomes = JSON.parse(run(process.execPath, ['scenarios.js'], app));
    outcomesOf[line] = outcomes;
  }, 600_000);

  test('installs without a peer warning; no other cdk8s-plus line anywhere in node_modules', () => {
    // THEN npm said nothing of peers, and what it installed is complete
    expect(installOutput).not.toMatch(/peer|ERESOLVE/i);
    const packages = installedPackages(path.join(app, 'node_modules'));
    expect(packages).toEqual(expect.arrayContaining(['cdk8s-multus', 'cdk8s', 'constructs', line]));
    expect(packages.filter((p) => /^cdk8s-plus-/.test(p))).toEqual([line]);
    expect(spawnSync('npm', ['ls', '--all'], { cwd: app, encoding: 'utf8' }).status).toBe(0);
  });

  test('the README\'s cdk8s-plus block, written with this line, synthesizes; the annotation is on the pod template', () => {
    // WHEN the quick start runs under cdk8s synth
    run(process.execPath, [CLI, 'synth', '--check-upgrade=false', '--app', 'node quick-start.js', '--output', 'dist/quick-start'], app);
    // THEN
    const docs = manifestsIn(path.join(app, 'dist', 'quick-start'));
    expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['NetworkAttachmentDefinition', 'Deployment']));
    const deployment = docs.find((d) => d.kind === 'Deployment');
    expect(deployment.metadata.annotations ?? {}).not.toHaveProperty(KEY);
    expect(JSON.parse(deployment.spec.template.metadata.annotations[KEY])).toEqual([{ name: 'iot', namespace: 'kube-system', ips: ['192.168.20.102/24'], mac: '02:42:c0:a8:14:66' }]);
  });

  test('Deployment, StatefulSet, DaemonSet, Job, CronJob and Pod get the annotation on their pod template', () => {
    // THEN the app synthesized, and each workload carries its networks on its pods only
    expect(outcomes.workloads).toEqual({ synthesized: true });
    const docs = manifestsIn(path.join(app, 'dist', 'workloads'));
    const one = (kind: string, name?: string) => {
      const found = docs.filter((d) => d.kind === kind && (name === undefined || d.metadata.name === name));
      expect(found).toHaveLength(1);
      return found[0];
    };
    const onIot = (address: string) => [{ name: 'iot', namespace: 'kube-system', ips: [`${address}/24`] }];
    const templates: Array<[string, any, any]> = [
      ['Deployment', one('Deployment'), onIot('192.168.20.101')],
      ['StatefulSet', one('StatefulSet'), onIot('192.168.20.102')],
      ['Job', one('Job'), onIot('192.168.20.103')],
      ['DaemonSet', docs.find((d) => d.kind === 'DaemonSet' && d.metadata.namespace === 'home-automation'), [{ name: 'lan', namespace: 'kube-system' }]],
    ];
    for (const [kind, workload, networks] of templates) {
      expect([kind, workload.metadata.annotations?.[KEY]]).toEqual([kind, undefined]);
      expect([kind, JSON.parse(workload.spec.template.metadata.annotations[KEY])]).toEqual([kind, networks]);
    }
    const cronJob = one('CronJob');
    expect(cronJob.metadata.annotations?.[KEY]).toBeUndefined();
    expect(cronJob.spec.jobTemplate.metadata?.annotations?.[KEY]).toBeUndefined();
    expect(JSON.parse(cronJob.spec.jobTemplate.spec.template.metadata.annotations[KEY])).toEqual(onIot('192.168.20.104'));
    // a Pod's own metadata is its pod's: the test pod of the library is one too
    const pods = docs.filter((d) => d.kind === 'Pod');
    expect(pods.map((p) => JSON.parse(p.metadata.annotations[KEY]))).toEqual(expect.arrayContaining([onIot('192.168.20.105'), [{ name: 'lan', namespace: 'kube-system' }]]));
    expect(pods).toHaveLength(2);
    // the library's own DaemonSets were written without any other cdk8s-plus line
    expect(docs.filter((d) => d.kind === 'DaemonSet').map((d) => d.metadata.name).sort()).toEqual(expect.arrayContaining(['cni-dhcp-daemon', 'multus-node-cleanup']));
  });

  test('the single-pod checks refuse a static address on more than one pod, at applyTo', () => {
    const refused = (name: string) => {
      expect([name, outcomes[name].synthesized, outcomes[name].validationError]).toEqual([name, false, true]);
      return outcomes[name];
    };
    expect(refused('deployment with 2 replicas').message).toContain('the Deployment runs 2 replicas');
    expect(refused('deployment with the default replicas').message).toContain('the Deployment runs 2 replicas (the cdk8s-plus default for a Deployment)');
    expect(refused('statefulset with 3 replicas').message).toContain('the StatefulSet runs 3 replicas');
    expect(refused('daemonset with a static address').message).toContain('a DaemonSet runs one pod on every node');
    const twice = refused('one static address on two pods');
    expect(twice.message).toContain('home-automation/second');
    expect(twice.message).toContain('home-automation/first');
    for (const name of ['deployment with 2 replicas', 'deployment with the default replicas', 'statefulset with 3 replicas', 'daemonset with a static address', 'one static address on two pods']) {
      expect([name, outcomes[name].field]).toEqual([name, 'target']);
      expect(fs.existsSync(path.join(app, 'dist', name))).toBe(false);
    }
  });

  test('the rulebook refuses at synth: a rolling update, concurrent CronJob runs, the annotation on a workload\'s own metadata', () => {
    const refused = (name: string) => {
      expect([name, outcomes[name].synthesized, outcomes[name].validationError]).toEqual([name, false, true]);
      return outcomes[name];
    };
    expect(refused('deployment left to the default rolling update').message).toMatch(/^static-ip-rollout: Deployment home-automation\/home-automation-esphome-\w+: spec\.template\.metadata\.annotations/);
    expect(refused('cronjob that allows concurrent runs').message).toMatch(/^static-ip-rollout: CronJob home-automation\/home-automation-scan-\w+: /);
    const misplaced = refused('the annotation on each workload\'s own metadata').problems as string[];
    // one error for the five workloads, each problem naming the pod template its annotation belongs on
    const template = (kind: string) => (kind === 'CronJob' ? 'spec\\.jobTemplate\\.spec\\.template' : 'spec\\.template');
    expect([...misplaced].sort()).toEqual(['CronJob', 'DaemonSet', 'Deployment', 'Job', 'StatefulSet'].map((kind) => expect.stringMatching(new RegExp(
      `^annotation-misplaced: ${kind} home-automation/home-automation-${kind.toLowerCase()}-\\w+: metadata\\.annotations\\["k8s\\.v1\\.cni\\.cncf\\.io/networks"\\]: .* move it to ${template(kind)}\\.metadata\\.annotations`))));
  });
});

describe('the lines compared', () => {
  test(`${DOCUMENTED_LINE} and ${NEWEST_LINE}: the same outcome of every scenario, word for word`, () => {
    expect(NEWEST_LINE).not.toBe(DOCUMENTED_LINE);
    expect(Object.keys(outcomesOf).sort()).toEqual([...LINES].sort());
    expect(outcomesOf[NEWEST_LINE]).toEqual(outcomesOf[DOCUMENTED_LINE]);
  });
});
