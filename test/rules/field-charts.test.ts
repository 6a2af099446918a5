import { clusterFacts } from '../../src/knowledge/clusters';
import { Finding } from '../../src/rules/model';
import { runRules } from '../../src/rules/rulebook';
import { angelnuRelease, angelnuRepository, angelnuValues, appTemplate, check, cilium, flux, macvlan, manifest, nad, ociRelease, rules } from './manifests';

// The Multus deployments of the field beyond the two charts the library first knew: the
// home-operations chart (onedr0p/home-ops), bjw-s multus past the versions the library rendered
// (1.3.3, 1.3.5 and its separate multus-crd chart), and the Multus daemon with no Multus chart at
// all, as an app-template release or as upstream's plain manifests.

const HOME_OPERATIONS = 'oci://ghcr.io/home-operations/charts/multus';
const THICK = 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick';

/** onedr0p/home-ops' release, as written there (kube-system via the Kustomization's targetNamespace). */
function homeOperations(values: any = { resources: { requests: { cpu: '10m' }, limits: { memory: '512Mi' } } }, version = '0.1.0'): any[] {
  return ociRelease(HOME_OPERATIONS, version, 'multus', 'kube-system', values);
}

function of(findings: Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

/** Upstream's deployments/multus-daemonset-thick.yml DaemonSet, with the memory limit and the host directories given. */
function upstreamThick(memory = '50Mi', dirs = { config: '/etc/cni/net.d', bin: '/opt/cni/bin' }, extraVolumes: any[] = []): any {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'kube-multus-ds', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { name: 'multus' } },
      template: {
        metadata: { labels: { name: 'multus' } },
        spec: {
          hostNetwork: true, hostPID: true, serviceAccountName: 'multus',
          containers: [{
            name: 'kube-multus', image: THICK, command: ['/usr/src/multus-cni/bin/multus-daemon'],
            resources: { requests: { cpu: '100m', memory: '50Mi' }, limits: { cpu: '100m', memory } },
            volumeMounts: [
              { name: 'cni', mountPath: '/host/etc/cni/net.d' },
              { name: 'host-run', mountPath: '/host/run' },
              { name: 'host-run-netns', mountPath: '/run/netns', mountPropagation: 'HostToContainer' },
              ...extraVolumes.map((v) => ({ name: v.name, mountPath: v.hostPath.path, mountPropagation: 'HostToContainer' })),
            ],
          }],
          initContainers: [{
            name: 'install-multus-binary', image: THICK, command: ['/usr/src/multus-cni/bin/install_multus', '-d', '/host/opt/cni/bin', '-t', 'thick'],
            volumeMounts: [{ name: 'cnibin', mountPath: '/host/opt/cni/bin', mountPropagation: 'Bidirectional' }],
          }],
          volumes: [
            { name: 'cni', hostPath: { path: dirs.config } },
            { name: 'cnibin', hostPath: { path: dirs.bin } },
            { name: 'host-run', hostPath: { path: '/run' } },
            { name: 'host-run-netns', hostPath: { path: '/run/netns/' } },
            ...extraVolumes,
          ],
        },
      },
    },
  };
}

/** Multus as an app-template daemonset controller, its host directories as hostPath persistence. */
function appTemplateMultus(image: { repository: string; tag: string }, memory: string, dirs = { config: '/etc/cni/net.d', bin: '/opt/cni/bin' }, more: Record<string, any> = {}): any[] {
  return appTemplate('multus', 'kube-system', {
    controllers: {
      multus: {
        type: 'daemonset',
        containers: { multus: { image, ...(image.tag.endsWith('-thick') ? { command: ['/usr/src/multus-cni/bin/multus-daemon'] } : {}), resources: { limits: { memory } } } },
      },
    },
    persistence: {
      'cni-net': { type: 'hostPath', hostPath: dirs.config, globalMounts: [{ path: '/host/etc/cni/net.d' }] },
      'cni-bin': { type: 'hostPath', hostPath: dirs.bin, globalMounts: [{ path: '/host/opt/cni/bin' }] },
      ...more,
    },
  });
}

describe('the home-operations chart', () => {
  test('onedr0p/home-ops\' release passes: top-level resources is read, 0.1.0 is verified', () => {
    expect(check(homeOperations())).toEqual([]);
  });

  test('values it never reads are reported (bjw-s\'s cni.netPath, a common key); those it reads are not', () => {
    const found = of(check(homeOperations({
      resources: { limits: { memory: '512Mi' } }, tolerations: [{ operator: 'Exists' }], cniPlugins: { enabled: false }, extraArgs: [],
      cni: { netPath: '/etc/cni/net.d', binDir: '/opt/cni/bin' }, controllers: { multus: {} },
    })), 'values-ignored');
    expect(found.map((f) => f.field)).toEqual(['spec.values.cni.netPath', 'spec.values.controllers']);
    expect(found[0].message).toMatch(/not read by chart home-operations multus 0.1.0 \(under cni it reads netDir, binDir\)/);
  });

  test('a thick image is an image-flavor error; a thin one passes', () => {
    const found = check(homeOperations({ image: { tag: 'v4.3.0-thick' } }));
    expect(rules(found)).toEqual(['image-flavor']);
    expect(found[0].field).toBe('spec.values.image.tag');
    expect(check(homeOperations({ image: { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0' } }))).toEqual([]);
  });

  test('its thin plugin is not held to the thick daemon\'s memory floor', () => {
    expect(check(homeOperations({ resources: { limits: { memory: '64Mi' } } }))).toEqual([]);
  });

  test('its CNI directories are judged against Cilium\'s and the named cluster\'s', () => {
    const k3sPaths = { cni: { netDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d', binDir: '/var/lib/rancher/k3s/data/cni' } };
    const found = check([...homeOperations(k3sPaths), cilium({ cni: { exclusive: false } })]);
    expect(of(found, 'cni-paths-primary').map((f) => f.field).sort()).toEqual(['spec.values.cni.binDir', 'spec.values.cni.netDir']);
    const talos = runRules(homeOperations(k3sPaths).map((o) => manifest(o)), { cluster: clusterFacts({ distribution: 'talos', primaryCni: 'flannel' }) });
    expect(of(talos, 'cni-paths-cluster').map((f) => f.field).sort()).toEqual(['spec.values.cni.binDir', 'spec.values.cni.netDir']);
    // the thin plugin needs no netns mount
    expect(of(talos, 'netns-mount')).toEqual([]);
  });

  test('a version the library has not rendered is a warning naming the verified one', () => {
    const [f] = of(check(homeOperations(undefined, '0.1.1')), 'chart-version-unverified');
    expect(f.level).toBe('warning');
    expect(f.message).toMatch(/"0.1.1" is a version cdk8s-multus has not verified: .*\(verified: 0.1.0\)/);
  });
});

describe('chart-version-unverified', () => {
  test.each(['1.3.3', '1.3.5'])('bjw-s multus %s: a warning that names 1.3.1 and 1.3.0', (version) => {
    const found = of(check(ociRelease('oci://ghcr.io/bjw-s-labs/helm/multus', version, 'multus', 'kube-system', {})), 'chart-version-unverified');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'warning', value: `"${version}"` });
    expect(found[0].field).toContain('ref.tag');
    expect(found[0].message).toContain('verified: 1.3.1, 1.3.0');
    expect(found[0].fix).toContain('MultusChart.bjwS()');
  });

  test('a version outside every judged line says its values are not judged; verified and refused versions get none', () => {
    const [f] = of(check(ociRelease('oci://ghcr.io/bjw-s-labs/helm/multus', '2.0.0', 'multus', 'kube-system', {})), 'chart-version-unverified');
    expect(f.message).toContain('its values are not judged at all');
    expect(of(check([angelnuRepository, angelnuRelease('7.0.0'), angelnuRelease('6.0.4', angelnuValues(), 'b'), angelnuRelease('6.0.2', {}, 'c')]), 'chart-version-unverified')).toEqual([]);
  });
});

describe('nad-same-kustomization follows the CRD to bjw-s multus-crd', () => {
  const ks = flux('multus');
  const iot = () => manifest(nad('iot', 'kube-system', macvlan('iot')), { flux: ks });
  const bjws = (version: string, k = ks) => ociRelease('oci://ghcr.io/bjw-s-labs/helm/multus', version, 'multus', 'kube-system', {}).map((o) => manifest(o, { flux: k }));
  const crd = (k = ks) => ociRelease('oci://ghcr.io/bjw-s-labs/helm/multus-crd', '1.0.0', 'multus-crd', 'kube-system', {}).map((o) => manifest(o, { flux: k }));

  test('bjw-s 1.3.1 carries the CRD: a NAD beside it is reported', () => {
    expect(of(check([...bjws('1.3.1'), iot()]), 'nad-same-kustomization')).toHaveLength(1);
  });

  test('bjw-s 1.3.5 leaves the CRD to multus-crd: a NAD beside the multus release alone is not reported, beside multus-crd it is', () => {
    const other = flux('multus-crd');
    expect(of(check([...bjws('1.3.5'), ...crd(other), iot()]), 'nad-same-kustomization')).toEqual([]);
    const found = of(check([...bjws('1.3.5', other), ...crd(), iot()]), 'nad-same-kustomization');
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('HelmRelease kube-system/multus-crd');
  });

  test('the home-operations chart carries its CRD', () => {
    expect(of(check([...homeOperations().map((o) => manifest(o, { flux: ks })), iot()]), 'nad-same-kustomization')).toHaveLength(1);
  });
});

describe('Multus without a Multus chart', () => {
  test('an app-template release running the thick image with a 128Mi limit is reported by memory-limit-low like the angelnu chart\'s', () => {
    const values = angelnuValues();
    values.controllers.multus.containers.multus.resources.limits.memory = '128Mi';
    const found = of(check([...appTemplateMultus({ repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' }, '128Mi'), angelnuRepository, angelnuRelease('7.0.0', values, 'angelnu')]), 'memory-limit-low');
    expect(found.map((f) => `${f.name} ${f.field} ${f.value}`).sort()).toEqual([
      'angelnu spec.values.controllers.multus.containers.multus.resources.limits.memory "128Mi"',
      'multus spec.values.controllers.multus.containers.multus.resources.limits.memory "128Mi"',
    ]);
    expect(found[0].fix).toBe(found[1].fix);
    // the thin image runs no daemon in the pod: no floor
    expect(of(check(appTemplateMultus({ repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0' }, '128Mi')), 'memory-limit-low')).toEqual([]);
  });

  test('upstream\'s thick DaemonSet: memory, image flavour, CNI paths against Cilium', () => {
    const thinImage = upstreamThick('50Mi', { config: '/var/lib/rancher/k3s/agent/etc/cni/net.d', bin: '/opt/cni/bin' });
    thinImage.spec.template.spec.containers[0].image = 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0';
    const found = check([thinImage, cilium({ cni: { exclusive: false } })]);
    expect(rules(found)).toEqual(['cni-paths-primary', 'image-flavor', 'memory-limit-low']);
    expect(of(found, 'cni-paths-primary')[0]).toMatchObject({ field: 'spec.template.spec.volumes[0].hostPath.path', value: '"/var/lib/rancher/k3s/agent/etc/cni/net.d"' });
    expect(of(found, 'image-flavor')[0].message).toMatch(/runs the thick daemon \(multus-daemon\), which thin images do not contain/);
    expect(check([upstreamThick('512Mi'), cilium({ cni: { exclusive: false } })])).toEqual([]);
  });

  test('on Talos: the thick daemon must mount /var/run/netns, as plain manifests and as an app-template release', () => {
    const talos = clusterFacts({ distribution: 'talos', primaryCni: 'flannel' });
    const netns = { name: 'var-run-netns', hostPath: { path: '/var/run/netns' } };
    const input = (objects: any[]) => objects.map((o) => manifest(o));
    const thickImage = { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' };
    const bare = runRules(input([upstreamThick('512Mi'), ...appTemplateMultus(thickImage, '512Mi')]), { cluster: talos });
    expect(of(bare, 'netns-mount').map((f) => `${f.kind} ${f.field}`).sort()).toEqual(['DaemonSet spec.template.spec.volumes', 'HelmRelease spec.values.persistence']);
    expect(of(bare, 'netns-mount').find((f) => f.kind === 'HelmRelease')!.fix).toMatch(/persistence entry of type hostPath/);
    const mounted = runRules(input([
      upstreamThick('512Mi', undefined, [netns]),
      ...appTemplateMultus(thickImage, '512Mi', undefined, { netns: { type: 'hostPath', hostPath: '/var/run/netns', globalMounts: [{ path: '/var/run/netns', mountPropagation: 'HostToContainer' }] } }),
    ]), { cluster: talos });
    expect(of(mounted, 'netns-mount')).toEqual([]);
    // an app-template daemon on k3s's paths on Talos: cni-paths-cluster names its persistence
    const k3s = runRules(input(appTemplateMultus(thickImage, '512Mi', { config: '/var/lib/rancher/k3s/agent/etc/cni/net.d', bin: '/var/lib/rancher/k3s/data/cni' })), { cluster: talos });
    expect(of(k3s, 'cni-paths-cluster').map((f) => f.field).sort()).toEqual(['spec.values.persistence.cni-bin.hostPath', 'spec.values.persistence.cni-net.hostPath']);
  });
});
