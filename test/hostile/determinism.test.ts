import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, Size } from 'cdk8s';
import { buildCluster } from '../../examples/cluster';
import {
  CniPaths, CpuQuantity, FluxApp, FluxKustomization, FluxTree, FluxTreeApp, Ipam, IotNetwork, MultusFluxApp, MultusPodAnnotation, TaintEffect,
} from '../../src';
import { listFiles, testApp } from '../helpers';

// The tree is committed to git and reconciled by Flux: a byte that changes between two renders of
// the same code is a commit and a reconciliation for nothing, and a machine path or a date in it
// leaks the build machine into the cluster's repository.


/** Renders the example with `cdk8s synth`'s entry point (FluxTreeApp) into `outdir`. */
function synthExample(outdir: string): void {
  const app = new FluxTreeApp({ outdir });
  buildCluster(app);
  app.synth();
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('two renders of the example', () => {
  const dirs: string[] = [];
  const tempDir = (name: string) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), name));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  test('are byte-identical, whatever the clock, the random numbers, the working directory and the output directory', () => {
    // GIVEN two output directories of different names
    const first = tempDir('cdk8s-multus-first-');
    const second = tempDir('cdk8s-multus-second-render-');
    // WHEN the example is rendered into the first...
    synthExample(first);
    // ... and into the second at another time, with other random numbers, from another directory
    jest.useFakeTimers({ now: new Date('1999-12-31T23:59:59Z') });
    jest.spyOn(Math, 'random').mockReturnValue(0.999);
    const cwd = process.cwd();
    try {
      process.chdir(second);
      synthExample(second);
    } finally {
      process.chdir(cwd);
    }
    // THEN both hold the same files, byte for byte
    const files = listFiles(first);
    expect(files.length).toBeGreaterThan(10);
    expect(listFiles(second)).toEqual(files);
    for (const f of files) {
      const same = fs.readFileSync(path.join(first, f)).equals(fs.readFileSync(path.join(second, f)));
      expect({ file: f, same }).toEqual({ file: f, same: true });
    }
  });

  test('hold no timestamp, random id or machine path', () => {
    // GIVEN a temporary output directory
    const outdir = tempDir('cdk8s-multus-leak-');
    // WHEN the example is rendered into it
    synthExample(outdir);
    // THEN no file mentions the machine or the moment it was rendered on
    const machine = [outdir, fs.realpathSync(outdir), os.tmpdir(), os.homedir(), process.cwd(), '/work', '/tmp', '/home/', '/root']
      .map((p) => new RegExp(escape(p)));
    const hostname = new RegExp(`\\b${escape(os.hostname())}\\b`);
    const patterns: Array<[string, RegExp]> = [
      ...machine.map((re): [string, RegExp] => ['machine path', re]),
      ['host name', hostname],
      ['ISO date', /\b(19|20)\d\d-[01]\d-[0-3]\d\b/],
      ['time of day', /\b[0-2]\d:[0-5]\d:[0-5]\d\b/],
      ['epoch milliseconds', /\b1[5-9]\d{11}\b/],
      ['UUID', /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i],
      ['cdk8s generated name', /-c8[0-9a-f]{6}\b/],
    ];
    const files = listFiles(outdir);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = fs.readFileSync(path.join(outdir, f), 'utf8');
      const found = patterns.filter(([, re]) => re.test(text)).map(([what]) => what);
      expect({ file: f, found }).toEqual({ file: f, found: [] });
    }
  });
});

describe('the order props are written in', () => {
  /** `value` with the keys of every plain object in reverse order (arrays keep their order). */
  function reversedKeys<T>(value: T): T {
    if (Array.isArray(value)) return value.map(reversedKeys) as unknown as T;
    if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)])) as T;
  }

  /** A tree with Multus, an IoT network with every option, and a pod on it, from `order(props)`. */
  function tree(order: <T>(props: T) => T): string[] {
    const repo = new FluxTree(testApp(), 'cluster', order({ clusterPath: 'kubernetes/main', gitRepositoryName: 'home-kubernetes' }));
    const multus = new MultusFluxApp(repo, 'multus', order({
      install: {
        cniPaths: CniPaths.K3S,
        resources: { cpuRequest: CpuQuantity.millis(20), cpuLimit: CpuQuantity.millis(200), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(512) },
        tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: TaintEffect.NO_SCHEDULE }],
        values: { cni: { logToStderr: true, logFile: '/var/log/multus.log' } },
      },
    }));
    const iot = new IotNetwork(multus.networks, 'iot', order({
      subnet: '192.0.2.0/24', namespace: 'kube-system', master: 'eth0', vlan: 20, mtu: 1500, gateway: '192.0.2.1',
      routes: [{ destination: '198.51.100.0/24', gateway: '192.0.2.254' }],
      dhcpRange: { start: '192.0.2.150', end: '192.0.2.249' }, reservedAddresses: ['192.0.2.2'],
      ipam: Ipam.static(), macCapability: true, sourceBasedRouting: true, cniVersion: '1.0.0',
    }));
    const unit = new FluxApp(repo, 'esphome', order({ namespace: 'home-automation' }));
    const app = new FluxKustomization(unit, 'app', order({ dependsOn: [multus.networks] }));
    const pod = new ApiObject(app, 'esphome', order({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'esphome' }, spec: { containers: [{ name: 'app', image: 'ghcr.io/esphome/esphome:2025.11.0' }] } }));
    new MultusPodAnnotation(app, 'iot', order({
      networks: [{ network: iot, ips: ['192.0.2.20'], mac: '02:42:c0:00:02:14', interface: 'iot0', cniArgs: { zone: 'iot', dns: 'off' } }],
    })).applyTo(pod);
    return repo.files().map((f) => `${f.path}\n${f.content}`);
  }

  test('does not change a byte of the tree', () => {
    // GIVEN the same tree
    // WHEN written with props as given and with every object's keys reversed
    const asGiven = tree((p) => p);
    const reversed = tree(reversedKeys);
    // THEN the files are the same
    expect(reversed).toEqual(asGiven);
    // ... and hold what was asked for
    const all = asGiven.join('\n');
    expect(all).toContain('"master":"eth0.20"');
    expect(all).toContain('"cni-args":{"dns":"off","zone":"iot"}');
  });
});
