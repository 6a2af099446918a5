import * as fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCluster } from '../../examples/cluster';
import { runCheck } from '../../src/cli/check';
import { MAYBE_TYPED } from '../../src/cli/repository';
import { FluxTreeApp } from '../../src';
import { parse as parseYaml, stringify } from 'yaml';
import { NETWORKS, appTemplate, deployment, macvlan, nad, selection } from '../rules/manifests';
import { PLAN, writePlanTree } from '../rules/plan';
import { describeNeeding, testNeeding } from '../helpers';

// `cdk8s-multus check` over repositories of YAML: the user's hand-written plan, the example
// cluster's output, correct hand-written trees, and what a real repository holds besides
// Kubernetes objects. Run in-process (the same function the `cdk8s-multus` bin calls).

const FIXTURES = path.join(__dirname, 'fixtures');
const ROOT = path.resolve(__dirname, '..', '..');

/** The path of `setpriv` on PATH, if any. */
function whichSetpriv(): string | undefined {
  return (process.env.PATH ?? '').split(':').filter((d) => d !== '').map((d) => path.join(d, 'setpriv')).find((f) => fs.existsSync(f));
}

function check(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCheck(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

function json(...dirs: string[]): any[] {
  const r = check('check', '--format', 'json', ...dirs);
  return JSON.parse(r.out);
}

/** A directory with `files` (path -> YAML text) written into it. */
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-check-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

// The plan is read from ../shared beside the repository: skipped locally without it, failed in CI.
describeNeeding('the user\'s plan, laid out as the tree it describes', fs.existsSync(PLAN) ? undefined : `${PLAN} not found (../shared/seed beside the repository)`, () => {
  let dir: string;
  beforeAll(() => {
    dir = writePlanTree(fs.readFileSync(PLAN, 'utf8'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('gets each of its defects reported, and nothing else', () => {
    // WHEN the command reads the plan's tree
    const found = json(dir).map((f) => `${f.rule} ${f.level} ${f.file} ${f.kind}/${f.namespace}/${f.name} ${f.field}`);
    // THEN: the refused chart version, the three values 5.0.7 never reads, the NAD without the ips
    // capability, the NAD in the chart's own Kustomization, and the verification pod's placeholder address
    const release = 'kubernetes/main/apps/kube-system/multus/app/helmrelease.yaml HelmRelease/kube-system/multus';
    const nadFile = 'kubernetes/main/apps/kube-system/multus/app/network-attachment-definition.yaml NetworkAttachmentDefinition/kube-system/iot';
    expect(found.sort()).toEqual([
      `annotation-invalid-json error multus-test.yaml Pod/default/multus-test metadata.annotations["k8s.v1.cni.cncf.io/networks"][0].ips[0]`,
      `chart-version-refused error ${release} spec.chart.spec.version`,
      `nad-capability warning ${nadFile} spec.config`,
      `nad-same-kustomization error ${nadFile} metadata (its Flux Kustomization)`,
      `values-ignored warning ${release} spec.values.image`,
      `values-ignored warning ${release} spec.values.resources`,
      `values-ignored warning ${release} spec.values.tolerations`,
    ].sort());
  });

  test('exits 1, per finding a line file:line:column: level: rule: object: field: ... and an indented fix', () => {
    const r = check('check', dir);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(14);
    expect(lines.filter((l) => l.startsWith('    fix: '))).toHaveLength(7);
    expect(lines).toContainEqual(expect.stringMatching(/^kubernetes\/main\/apps\/kube-system\/multus\/app\/helmrelease\.yaml:\d+:\d+: error: chart-version-refused: HelmRelease kube-system\/multus: spec\.chart\.spec\.version: "5\.0\.7" must not be installed: /));
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}fix: pin version 7\.0\.0/));
    expect(r.err).toContain('3 errors, 4 warnings in 7 YAML files');
  });
});

describe('trees that are right get no finding at all', () => {
  test('the example cluster\'s output (dist/ as `cdk8s synth` writes it)', () => {
    // GIVEN the example cluster written as its Flux repository tree
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-example-'));
    const app = new FluxTreeApp({ outdir: out });
    buildCluster(app);
    app.synth();
    // WHEN / THEN, from the output directory and from its kubernetes/ directory
    for (const dir of [out, path.join(out, 'kubernetes')]) {
      const r = check('check', dir);
      expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: '' });
      expect(r.err).toMatch(/^0 errors, 0 warnings in \d+ YAML files \(11 objects\)\n$/);
    }
    fs.rmSync(out, { recursive: true, force: true });
  });

  test.each(['k3s-angelnu', 'talos-cilium'])('the hand-written repository %s', (name) => {
    const r = check('check', path.join(FIXTURES, name));
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: '' });
  });

  test('k3s-angelnu: its Flux context is followed (substitutions, targetNamespace, a SOPS file skipped)', () => {
    const r = check('check', path.join(FIXTURES, 'k3s-angelnu'));
    // Paths are relative to the repository root (the git work tree that holds the input).
    expect(r.err).toContain('note: test/cli/fixtures/k3s-angelnu/kubernetes/components/common/cluster-secrets.sops.yaml: SOPS-encrypted, skipped');
    // One HA address changed to the esphome Deployment's: the substituted ${HA_IP} is read.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-k3s-'));
    fs.cpSync(path.join(FIXTURES, 'k3s-angelnu'), dir, { recursive: true });
    const ks = path.join(dir, 'kubernetes/apps/home-automation/home-assistant/ks.yaml');
    fs.writeFileSync(ks, fs.readFileSync(ks, 'utf8').replace('HA_IP: 192.168.20.10', 'HA_IP: 192.168.20.11'));
    const found = json(dir);
    expect(found.map((f) => `${f.rule} ${f.kind}/${f.namespace}/${f.name}`)).toEqual(['address-conflict HelmRelease/home-automation/home-assistant']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('what repositories hold besides Kubernetes objects', () => {
  test('SOPS files, Helm values, templates, `${VAR}`s and kustomize configs never crash and are never judged', () => {
    const dir = tree({
      'secret.sops.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  k: ENC[AES256_GCM,data:x]\nsops:\n  mac: ENC[x]\n  version: 3.9.0\n',
      'values.yaml': 'controllers:\n  main:\n    annotations:\n      k8s.v1.cni.cncf.io/networks: "[broken"\n',
      'templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\n',
      'renovate.json5.yaml': '# not Kubernetes\n- a\n- b\n',
      'empty.yaml': '',
      'vars.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${APP}\n  namespace: ${NS}\n  annotations:\n    k8s.v1.cni.cncf.io/networks: \'[{"name": "${NET}", "ips": ["${IP}"]}]\'\nspec:\n  containers: []\n',
    });
    const r = check('check', dir);
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: '' });
    expect(r.err).toContain('note: secret.sops.yaml: SOPS-encrypted, skipped');
    expect(r.err).toContain('note: templates/deployment.yaml: a document is not valid YAML (a template?), skipped');
  });

  test('multi-document files, a List, kustomize components, patches, namePrefix and replicas are applied', () => {
    const dir = tree({
      'apps/kustomization.yaml': 'resources:\n  - ./workloads.yaml\ncomponents:\n  - ../components/scale\nnamePrefix: home-\nnamespace: home\n',
      'apps/workloads.yaml': [
        'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: ha\n    spec:\n      strategy:\n        type: Recreate\n      template:\n        metadata:\n          annotations:\n            k8s.v1.cni.cncf.io/networks: \'[{"name":"iot","namespace":"kube-system","ips":["192.0.2.10/24"]}]\'\n        spec:\n          containers: []\n',
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: ha\nspec:\n  ports:\n    - port: 8123\n',
      ].join('---\n'),
      'networks.yaml': 'apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: iot\n  namespace: kube-system\nspec:\n  config: \'{"cniVersion":"0.3.1","name":"iot","type":"macvlan","capabilities":{"ips":true},"ipam":{"type":"static"}}\'\n',
      'components/scale/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - target:\n      kind: Deployment\n    patch: |\n      - op: add\n        path: /spec/replicas\n        value: 2\n',
    });
    // THEN the component's patch gives the Deployment two replicas, under its prefixed name and namespace
    const found = json(dir);
    expect(found.map((f) => `${f.rule} ${f.file} ${f.kind}/${f.namespace}/${f.name}`)).toEqual(['static-ip-rollout apps/workloads.yaml Deployment/home/home-ha']);
    expect(found[0].message).toContain('the Deployment runs 2 replicas');
  });

  test('a component two namespaces include gives each its own copy (the chart source of every namespace)', () => {
    // GIVEN the app-template OCIRepository in a component that every namespace's kustomization includes
    const release = (ns: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ha\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: app-template\n  values:\n    controllers:\n      ha:\n        annotations:\n          k8s.v1.cni.cncf.io/networks: '[{"name":"iot","namespace":"${ns}"}]'\n`;
    const dir = tree({
      'components/repos/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - ./ocirepository.yaml\n',
      'components/repos/ocirepository.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: app-template\nspec:\n  url: oci://ghcr.io/bjw-s-labs/helm/app-template\n  ref:\n    tag: 5.0.0\n',
      'apps/a/kustomization.yaml': 'namespace: a\ncomponents:\n  - ../../components/repos\nresources:\n  - ./ha.yaml\n',
      'apps/a/ha.yaml': release('a'),
      'apps/b/kustomization.yaml': 'namespace: b\ncomponents:\n  - ../../components/repos\nresources:\n  - ./ha.yaml\n',
      'apps/b/ha.yaml': release('b'),
    });
    // THEN both releases are read as app-template: both misplaced annotations are found
    expect(json(dir).map((f) => `${f.rule} ${f.namespace}/${f.name}`)).toEqual(['annotation-misplaced a/ha', 'annotation-misplaced b/ha']);
  });

  test('an alias as a mapping key (`*app:`), which Flux\'s Go parser reads, is read too', () => {
    const dir = tree({
      'release.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: &app esphome\n  namespace: home\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: app-template\n  values:\n    controllers:\n      *app:\n        strategy: RollingUpdate\n        pod:\n          annotations:\n            k8s.v1.cni.cncf.io/networks: \'[{"name":"iot","namespace":"kube-system","ips":["192.0.2.10/24"]}]\'\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: app-template\n  namespace: home\nspec:\n  url: oci://ghcr.io/bjw-s-labs/helm/app-template\n  ref:\n    tag: 4.1.1\n',
    });
    const r = check('check', '--format', 'json', dir);
    expect(r.err).not.toContain('not valid YAML');
    expect(JSON.parse(r.out).map((f: any) => `${f.rule} ${f.field}`)).toEqual([`static-ip-rollout spec.values.controllers.esphome.pod.annotations["k8s.v1.cni.cncf.io/networks"]`]);
  });

  test('a Flux Kustomization\'s spec.path is relative to the repository root, wherever the command starts', () => {
    const dir = tree({
      'clusters/main/apps/multus/ks.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: multus\n  namespace: flux-system\nspec:\n  path: ./clusters/main/apps/multus/app\n  targetNamespace: kube-system\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
      'clusters/main/apps/multus/app/release.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: multus\nspec:\n  chart:\n    spec:\n      chart: multus\n      version: 7.0.0\n      sourceRef:\n        kind: HelmRepository\n        name: angelnu\n---\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: iot\nspec:\n  config: \'{"cniVersion":"0.3.1","name":"iot","type":"macvlan","ipam":{"type":"dhcp"}}\'\n',
    });
    for (const start of [dir, path.join(dir, 'clusters'), path.join(dir, 'clusters/main/apps/multus')]) {
      const found = json(start).filter((f) => f.rule === 'nad-same-kustomization');
      expect(found.map((f) => `${f.kind}/${f.namespace}/${f.name}`)).toEqual(['NetworkAttachmentDefinition/kube-system/iot']);
    }
  });
});

describe('hostile repositories', () => {
  test('any text in kustomization.yaml, ks.yaml and manifests: findings or silence, never a crash', () => {
    const yamlish = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.constantFrom(
        'resources:\n  - ../../..\n  - ./missing\n  - https://example.com/x.yaml\n',
        'components: [./, ../]\npatches:\n  - patch: "[}"\n  - target: {kind: "("}\n    patch: "- op: add"\n',
        'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: x\nspec:\n  path: ./\n',
        'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: loop}\nspec: {path: ./a, postBuild: {substitute: {A: "${A}"}}}\n',
        'a: &x [*x]\n', 'a: *undefined\n', '--- !!binary\nAAAA\n', '- - - -\n', 'kind: List\napiVersion: v1\nitems: 3\n',
      ),
    );
    fc.assert(fc.property(yamlish, yamlish, yamlish, (k, ks, m) => {
      const dir = tree({ 'kustomization.yaml': k, 'a/ks.yaml': ks, 'a/kustomization.yaml': k, 'a/m.yaml': m, 'b/m.yaml': m });
      try {
        const r = check('check', dir);
        expect([0, 1]).toContain(r.code);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }), { numRuns: 150 });
  });
});

describe('command line', () => {
  test('--format json: a list of {rule, level, file, kind, namespace, name, field, message, fix}', () => {
    const dir = tree({ 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: home\n  annotations:\n    k8s.v1.cni.cncf.io/networks: iot\nspec:\n  template:\n    spec:\n      containers: []\n' });
    const r = check('check', '--format=json', dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual([{
      rule: 'annotation-misplaced', level: 'error', file: 'pod.yaml', line: 14, column: 5, kind: 'Deployment', namespace: 'home', name: 'd',
      field: 'metadata.annotations["k8s.v1.cni.cncf.io/networks"]', message: expect.stringContaining('Deployment home/d: metadata.annotations'),
      fix: 'move it to spec.template.metadata.annotations["k8s.v1.cni.cncf.io/networks"]',
    }]);
  });

  test('exit 0 for warnings only; files are named relative to each directory given', () => {
    const a = tree({ 'nads/iot.yaml': 'apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: iot\n  namespace: x\nspec:\n  config: \'{"cniVersion":"0.3.1","name":"iot","type":"macvlan","ipam":{"type":"static"}}\'\n' });
    const b = tree({ 'empty.yaml': '' });
    const r = check('check', b, a);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^nads\/iot\.yaml:7:3: warning: nad-capability: NetworkAttachmentDefinition x\/iot: spec\.config: /);
  });

  test.each([
    [['check'], 'no directory given'],
    [['lint', '.'], 'unknown command "lint"'],
    [[], 'no command given'],
    [['check', '--format', 'xml', '.'], '--format takes text, json, sarif, github, junit, not "xml"'],
    [['check', '--strict', '.'], 'unknown option --strict'],
    [['check', '/nonexistent/cdk8s-multus'], 'no such file or directory'],
  ])('exit 2 for %j', (args, message) => {
    const r = check(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.out).toBe('');
  });

  // Root reads every file whatever its mode, so the command runs as an unprivileged user then
  // (setpriv, util-linux): the case runs in CI, which runs as root, too. A child process either way:
  // the `cdk8s-multus` bin from the sources, through ts-node.
  const root = process.getuid?.() === 0;
  const setpriv = root ? whichSetpriv() : undefined;
  testNeeding('exit 2 for a file that cannot be read', root && !setpriv ? 'running as root, and `setpriv` (util-linux) is not on PATH to drop to an unprivileged user' : undefined, () => {
    const dir = tree({ 'locked.yaml': 'apiVersion: v1\nkind: Pod\n', 'open.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: open\n' });
    // GIVEN a directory the user can list, holding one file the user cannot read
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, 'locked.yaml'), 0o000);
    try {
      // WHEN the command runs on it as an unprivileged user
      const bin = [process.execPath, '-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src', 'cli', 'main.ts'), 'check', dir];
      const argv = setpriv ? [setpriv, '--reuid=65534', '--regid=65534', '--clear-groups', ...bin] : bin;
      const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') } });
      // THEN (the user really could not read it) it exits 2 naming the file
      expect(r.error).toBeUndefined();
      if (setpriv) expect(spawnSync(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', 'cat', path.join(dir, 'locked.yaml')]).status).not.toBe(0);
      expect({ code: r.status, err: r.stderr }).toEqual({ code: 2, err: expect.stringContaining('locked.yaml: cannot be read') });
      expect(r.stdout).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test('--help lists every rule with its level; --version prints the package version', () => {
    const help = check('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/chart-version-refused\s+error/);
    expect(help.out).toMatch(/nad-capability\s+warning/);
    const v = check('--version');
    expect(v.out.trim()).toBe(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
  });
});

describe('host-network-annotation from the command line', () => {
  const lan = selection({ name: 'iot', namespace: 'kube-system' });
  const yaml = (...objects: any[]): string => objects.map((o) => stringify(o)).join('---\n');

  test('a hand-written Deployment and an app-template release on the node\'s network with networks: exit 1, one error each', () => {
    // GIVEN a repository directory with both, as people write them by hand
    const d = deployment('ha', 'home', lan);
    d.spec.template.spec.hostNetwork = true;
    const release = appTemplate('zwave', 'home', { defaultPodOptions: { hostNetwork: true }, controllers: { zwave: { pod: { annotations: { [NETWORKS]: lan } }, containers: {} } } });
    const dir = tree({ 'nad.yaml': yaml(nad('iot', 'kube-system', macvlan('iot', { ips: true, mac: true }))), 'ha.yaml': yaml(d), 'zwave.yaml': yaml(...release) });
    try {
      // WHEN
      const r = check('check', dir);
      const found = json(dir).map((f) => `${f.rule} ${f.level} ${f.file} ${f.kind}/${f.name} ${f.field}`);
      // THEN
      expect(r.code).toBe(1);
      expect(found.sort()).toEqual([
        'host-network-annotation error ha.yaml Deployment/ha spec.template.spec.hostNetwork',
        'host-network-annotation error zwave.yaml HelmRelease/zwave spec.values.defaultPodOptions.hostNetwork',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the same pods on the pod network pass: exit 0', () => {
    const release = appTemplate('zwave', 'home', { defaultPodOptions: { hostNetwork: false }, controllers: { zwave: { pod: { annotations: { [NETWORKS]: lan } }, containers: {} } } });
    const dir = tree({ 'nad.yaml': yaml(nad('iot', 'kube-system', macvlan('iot', { ips: true, mac: true }))), 'ha.yaml': yaml(deployment('ha', 'home', lan)), 'zwave.yaml': yaml(...release) });
    try {
      expect(json(dir)).toEqual([]);
      expect(check('check', dir).code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a substituted scalar keeps the type Flux gives it', () => {
  // Only text MAYBE_TYPED matches is parsed to find its type; everything YAML reads as a number or
  // a boolean must match it, or a `${REPLICAS}` would stay the string "3".
  test('every text YAML reads as a number or a boolean is one MAYBE_TYPED lets through', () => {
    const alphabet = fc.constantFrom(...'0123456789+-.eExXoObB_:!&* \ttrueTRUEfalsFALSinfINFnaNyYesonOnNoff#'.split(''));
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 8 }).map((cs) => cs.join('')), (text) => {
      let parsed: unknown;
      try {
        parsed = parseYaml(text);
      } catch {
        return;
      }
      if (typeof parsed === 'number' || typeof parsed === 'boolean') expect(MAYBE_TYPED.test(text)).toBe(true);
    }), { numRuns: 20_000 });
    for (const text of ['3', '-1', '+.5', '0x1F', '0o17', '1e3', '.inf', '-.Inf', '.NaN', 'true', 'False', 'TRUE', '!!int 5', '&a 7', ' 2 ']) {
      expect(MAYBE_TYPED.test(text)).toBe(true);
    }
  });
});

describe('a reader that stops early', () => {
  test('`cdk8s-multus --help | true`: the command ends quietly when the pipe is closed', () => {
    // GIVEN a shell pipeline whose reader exits at once, closing the pipe before anything is written
    const main = path.join(ROOT, 'src', 'cli', 'main.ts');
    const command = `"${process.execPath}" -r ts-node/register/transpile-only "${main}" --help | true; echo "status \${PIPESTATUS[0]}"`;
    // WHEN it runs
    const r = spawnSync('bash', ['-c', command], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') } });
    // THEN nothing is reported on stderr (no EPIPE stack trace) and the command exits 0
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('status 0');
  }, 60_000);
});
