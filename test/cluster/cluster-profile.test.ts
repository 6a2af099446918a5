import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { runCheck } from '../../src/cli/check';
import { ClusterProfile, CniPaths, MultusChart, MultusFluxApp, MultusInstall, PrimaryCni } from '../../src';
import { clusterFacts } from '../../src/knowledge/clusters';
import { runRules } from '../../src/rules/rulebook';
import { findKind, synth, testChart, tree, validationError } from '../helpers';

// A ClusterProfile decides what a user would otherwise guess: the CNI directories, where pod network
// namespaces live, and which chart versions support the cluster's Kubernetes version. The constructs
// and the checker read the same facts (src/knowledge/clusters.ts).

function install(props: Record<string, unknown>) {
  const chart = testChart('kube-system');
  const multus = new MultusInstall(chart, 'multus', props as any);
  return { multus, release: findKind(synth(chart), 'HelmRelease') };
}

describe('MultusInstall with a cluster', () => {
  test('Talos: the standard directories and the thick daemon mounts /var/run/netns', () => {
    // GIVEN / WHEN
    const { multus, release } = install({ cluster: ClusterProfile.talos({ kubernetesVersion: '1.34' }) });
    // THEN
    expect(multus.cniPaths).toBe(CniPaths.STANDARD);
    expect(release.spec.values.cni.paths).toEqual({ config: '/etc/cni/net.d', bin: '/opt/cni/bin' });
    expect(release.spec.values.hostPaths).toEqual({ netns: '/var/run/netns/' });
  });

  test('k3s with flannel: the k3s directories; the version picks data/cni or data/current/bin', () => {
    expect(install({ cluster: ClusterProfile.k3s({ primaryCni: PrimaryCni.FLANNEL }) }).multus.cniPaths).toBe(CniPaths.K3S);
    expect(install({ cluster: ClusterProfile.k3s({ kubernetesVersion: '1.30.6' }) }).multus.cniPaths.binDir).toBe('/var/lib/rancher/k3s/data/cni');
    expect(install({ cluster: ClusterProfile.k3s({ kubernetesVersion: '1.30.5' }) }).multus.cniPaths.binDir).toBe('/var/lib/rancher/k3s/data/current/bin');
    expect(install({ cluster: ClusterProfile.k3s({ kubernetesVersion: 'v1.28.15+k3s1' }) }).multus.cniPaths).toBe(CniPaths.K3S);
    expect(install({ cluster: ClusterProfile.k3s({ kubernetesVersion: '1.27.16' }) }).multus.cniPaths).toBe(CniPaths.K3S_LEGACY);
  });

  test('k3s with Cilium: the standard directories, no netns value (k3s keeps /run/netns)', () => {
    const { multus, release } = install({ cluster: ClusterProfile.k3s({ primaryCni: PrimaryCni.CILIUM }) });
    expect(multus.cniPaths).toBe(CniPaths.STANDARD);
    expect(release.spec.values.hostPaths).toBeUndefined();
  });

  test('CniPaths.K3S_LEGACY on k3s with Cilium is refused, naming both', () => {
    const e = validationError(() => install({ cniPaths: CniPaths.K3S_LEGACY, cluster: ClusterProfile.k3s({ primaryCni: PrimaryCni.CILIUM }) }));
    expect(e.message).toContain('cniPaths: "CniPaths.K3S_LEGACY" contradicts cluster ClusterProfile.k3s() (k3s with Cilium)');
    expect(e.message).toContain('/opt/cni/bin');
  });

  test('K3S_LEGACY on a k3s whose version keeps data/cni is refused; either k3s preset without a version is accepted; custom paths stay an override', () => {
    expect(validationError(() => install({ cniPaths: CniPaths.K3S_LEGACY, cluster: ClusterProfile.k3s({ kubernetesVersion: '1.31.4' }) })).field).toBe('cniPaths');
    expect(install({ cniPaths: CniPaths.K3S_LEGACY, cluster: ClusterProfile.k3s() }).multus.cniPaths).toBe(CniPaths.K3S_LEGACY);
    const custom = CniPaths.custom('/etc/cni/net.d', '/usr/libexec/cni');
    const overridden = install({ cniPaths: custom, cluster: ClusterProfile.talos() });
    expect(overridden.multus.cniPaths).toBe(custom);
    // The override is recorded on the release, so that the rulebook does not hold it against the cluster.
    expect(overridden.release.metadata.annotations['suppress.cdk8s-multus.io/cni-paths-cluster']).toContain('CniPaths.custom() overrides the directories of ClusterProfile.talos()');
  });

  test('neither cniPaths nor cluster is refused, and hostPaths.netns may not be set by values when the cluster sets it', () => {
    expect(validationError(() => install({})).message).toContain('or give cluster');
    const e = validationError(() => install({ cluster: ClusterProfile.talos(), values: { hostPaths: { netns: '/run/netns/' } } }));
    expect(e.field).toBe('values.hostPaths.netns');
  });

  test('a FluxTree\'s cluster reaches the installs inside it', () => {
    const app = new MultusFluxApp(tree({ cluster: ClusterProfile.talos() }), 'multus', { install: {} });
    expect(app.install.cniPaths).toBe(CniPaths.STANDARD);
    expect(app.install.values.hostPaths).toEqual({ netns: '/var/run/netns/' });
  });

  test('Kubernetes 1.30 with angelnu 7.0.0 is a warning naming 1.31 and 6.0.4; with 6.0.4 there is none', () => {
    for (const [version, expected] of [['7.0.0', 1], ['6.0.4', 0]] as const) {
      const cluster = ClusterProfile.k3s({ primaryCni: PrimaryCni.CILIUM, kubernetesVersion: '1.30' });
      const chart = testChart('kube-system');
      new MultusInstall(chart, 'multus', { cluster, chart: MultusChart.angelnu({ version }) });
      const manifests = synth(chart).map((object, doc) => ({ object, location: { doc } }));
      const findings = runRules(manifests, { cluster: cluster._facts }).filter((f) => f.rule === 'chart-library-kubernetes-range');
      expect(findings).toHaveLength(expected);
      if (expected) {
        expect(findings[0].level).toBe('warning');
        expect(findings[0].fix).toContain('pin 6.0.4');
        expect(findings[0].fix).toContain('1.31');
      }
    }
  });
});

describe('the rulebook at synth with a cluster', () => {
  test('Kubernetes 1.30 with angelnu 7.0.0 is a warning at synth naming 1.31 and 6.0.4; with 6.0.4 none', () => {
    for (const [version, expected] of [['7.0.0', true], ['6.0.4', false]] as const) {
      // GIVEN an app whose install names its cluster
      const chart = testChart('kube-system');
      new MultusInstall(chart, 'multus', { cluster: ClusterProfile.kubeadm({ kubernetesVersion: '1.30' }), chart: MultusChart.angelnu({ version }) });
      // WHEN it synthesizes
      const written: string[] = [];
      const spy = jest.spyOn(process.stderr, 'write').mockImplementation((text: any) => { written.push(String(text)); return true; });
      try {
        (chart.node.root as any).synthYaml();
      } finally {
        spy.mockRestore();
      }
      // THEN the warning names the version that fits and the one the library needs
      const warning = written.find((w) => w.includes('chart-library-kubernetes-range'));
      expect(warning !== undefined).toBe(expected);
      if (expected) expect(warning).toContain('pin 6.0.4 on Kubernetes 1.30, or upgrade the cluster to 1.31');
    }
  });
});

describe('cdk8s-multus check with a cluster', () => {
  function repo(docs: any[], config?: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-cluster-'));
    fs.writeFileSync(path.join(dir, 'multus.yaml'), docs.map((d) => stringify(d)).join('---\n'));
    if (config) fs.writeFileSync(path.join(dir, '.cdk8s-multus.yaml'), stringify(config));
    return dir;
  }
  function check(...args: string[]) {
    let out = '';
    let err = '';
    const code = runCheck(['check', ...args], { out: (t) => { out += t; }, err: (t) => { err += t; } });
    return { code, out, err };
  }
  const angelnuRepo = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'angelnu', namespace: 'flux-system' }, spec: { url: 'https://angelnu.github.io/helm-charts' } };
  function angelnu(version: string, values: Record<string, unknown>) {
    return {
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'multus', namespace: 'kube-system' },
      spec: { chart: { spec: { chart: 'multus', version, sourceRef: { kind: 'HelmRepository', name: 'angelnu', namespace: 'flux-system' } } }, values },
    };
  }
  const good = {
    controllers: { multus: { containers: { multus: { image: { tag: 'v4.3.0-thick' }, resources: { limits: { memory: '512Mi' } } } } } },
    defaultPodOptions: { automountServiceAccountToken: true }, global: { createDefaultServiceAccount: false },
    cni: { paths: { config: '/var/lib/rancher/k3s/agent/etc/cni/net.d', bin: '/var/lib/rancher/k3s/data/cni' } },
  };

  test('--cluster talos reports a thick angelnu release without the netns mount; without a profile nothing', () => {
    const dir = repo([angelnuRepo, angelnu('7.0.0', { ...good, cni: { paths: { config: '/etc/cni/net.d', bin: '/opt/cni/bin' } } })]);
    expect(check(dir).out).not.toContain('netns-mount');
    const talos = check('--cluster', 'talos', dir);
    expect(talos.out).toContain('error: netns-mount: HelmRelease kube-system/multus: spec.values.hostPaths.netns: "/run/netns/" (the chart\'s default) is not where pods\' network namespaces are');
    expect(talos.code).toBe(1);
  });

  test('the same from .cdk8s-multus.yaml; the options win over the file', () => {
    const dir = repo([angelnuRepo, angelnu('7.0.0', { ...good, cni: { paths: { config: '/etc/cni/net.d', bin: '/opt/cni/bin' } } })], { cluster: 'talos' });
    expect(check(dir).out).toContain('netns-mount');
    expect(check('--cluster', 'kubeadm', dir).out).not.toContain('netns-mount');
  });

  test('--cluster k3s-cilium reports k3s CNI paths and a Cilium it cannot see; without a profile nothing', () => {
    const dir = repo([angelnuRepo, angelnu('7.0.0', good)]);
    expect(check(dir).out).toBe('');
    const r = check('--cluster', 'k3s-cilium', dir);
    expect(r.out).toContain('error: cni-paths-cluster: HelmRelease kube-system/multus: spec.values.cni.paths.config: "/var/lib/rancher/k3s/agent/etc/cni/net.d" is not the CNI config directory of k3s with Cilium');
    expect(r.out).toContain('error: cni-paths-cluster: HelmRelease kube-system/multus: spec.values.cni.paths.bin');
    expect(r.out).toContain('warning: cilium-exclusive-unseen');
  });

  test('--kubernetes-version 1.30 reports 7.0.0 as a warning and 6.0.4 not at all', () => {
    const dir = repo([angelnuRepo, angelnu('7.0.0', good)]);
    const r = check('--kubernetes-version', '1.30', dir);
    expect(r.out).toContain('warning: chart-library-kubernetes-range: HelmRelease kube-system/multus: spec.chart.spec.version: "7.0.0" is built on common 5.0.1, which declares Kubernetes >=1.31.0-0');
    expect(r.code).toBe(0);
    const older = repo([angelnuRepo, angelnu('6.0.4', { ...good, controllers: { main: good.controllers.multus } })]);
    expect(check('--kubernetes-version', '1.30', older).out).not.toContain('kubernetes-range');
  });

  test('an unquoted kubernetesVersion: 1.30 in .cdk8s-multus.yaml is Kubernetes 1.30, not 1.3', () => {
    // GIVEN the file as a user writes it (YAML reads 1.30 as the number 1.3)
    const dir = repo([angelnuRepo, angelnu('7.0.0', good)], { cluster: 'k3s-flannel', kubernetesVersion: 1.30 });
    // THEN the Kubernetes range is judged for 1.30
    expect(check(dir).out).toContain('and the cluster runs 1.30: chart angelnu multus 7.0.0 renders there');
  });

  test('an unknown cluster name or version is a usage error naming the choices', () => {
    const dir = repo([angelnuRepo]);
    const r = check('--cluster', 'minikube', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('is not one of talos');
    expect(check('--kubernetes-version', 'latest', dir).code).toBe(2);
  });

  test('the facts: Talos keeps netns in /var/run/netns and needs the plugin installer', () => {
    expect(clusterFacts({ distribution: 'talos', primaryCni: 'cilium' })).toMatchObject({ netnsDir: '/var/run/netns', needsPluginInstaller: true, dirs: { binDir: '/opt/cni/bin' } });
  });
});
