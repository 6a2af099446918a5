import { ClusterProfile, MultusChart, MultusInstall, PrimaryCni } from '../../src';
import { Manifest, describeRendered, helmTemplate, ofKind, testWithBuild } from '../helm';
import { findKind, synth, testChart } from '../helpers';

// What a ClusterProfile changes in what the cluster runs, rendered with the real helm: the thick
// daemon's netns hostPath on Talos, the CNI directories of each cluster, and which Kubernetes
// ranges helm itself enforces (`helm template --kube-version`).

const ANGELNU = [
  { version: '6.0.4', common: '4.5.0' },
  { version: '7.0.0', common: '4.5.0' },
  { version: '7.0.0', common: '4.6.2' },
  { version: '7.0.0', common: '5.0.1' },
];

function releaseOf(props: Record<string, unknown>): Manifest {
  const scope = testChart('kube-system');
  new MultusInstall(scope, 'multus', props as any);
  return findKind(synth(scope), 'HelmRelease');
}

function daemonPod(manifests: Manifest[]): { pod: any; container: any } {
  const [ds] = ofKind(manifests, 'DaemonSet');
  const pod = ds.spec.template.spec;
  return { pod, container: pod.containers.find((c: any) => c.name === 'multus' || c.name === 'main') };
}

/** Where the pod mounts host directory `hostPath`, or undefined. */
function mountOf(pod: any, container: any, hostPath: string): string | undefined {
  const volume = (pod.volumes ?? []).find((v: any) => v.hostPath?.path === hostPath);
  return volume ? container.volumeMounts.find((m: any) => m.name === volume.name)?.mountPath : undefined;
}

describeRendered('a cluster profile, rendered', () => {
  for (const b of ANGELNU) {
    describe(`angelnu multus ${b.version} (common ${b.common})`, () => {
      testWithBuild('Talos: the host\'s /var/run/netns is mounted where the thick daemon reads netns; the standard CNI directories', 'multus', b.version, b.common, (build) => {
        // GIVEN an install on Talos
        const release = releaseOf({ cluster: ClusterProfile.talos({ kubernetesVersion: '1.34' }), chart: MultusChart.angelnu({ version: b.version }) });
        // WHEN the real chart renders it
        const { pod, container } = daemonPod(helmTemplate(build, { release: 'multus', namespace: 'kube-system', values: release.spec.values, kubeVersion: '1.34.0' }));
        // THEN the netns volume is the host's /var/run/netns, and no volume reads /run/netns
        expect(mountOf(pod, container, '/var/run/netns/')).toBe('/run/netns/');
        expect(mountOf(pod, container, '/run/netns/')).toBeUndefined();
        expect(mountOf(pod, container, '/etc/cni/net.d')).toBeDefined();
        expect(mountOf(pod, container, '/opt/cni/bin')).toBeDefined();
      });

      testWithBuild('k3s with flannel on 1.30.5: the older data/current/bin; without a profile the chart\'s /run/netns/', 'multus', b.version, b.common, (build) => {
        const release = releaseOf({ cluster: ClusterProfile.k3s({ primaryCni: PrimaryCni.FLANNEL, kubernetesVersion: '1.30.5' }), chart: MultusChart.angelnu({ version: b.version }) });
        const { pod, container } = daemonPod(helmTemplate(build, { release: 'multus', namespace: 'kube-system', values: release.spec.values }));
        expect(mountOf(pod, container, '/var/lib/rancher/k3s/data/current/bin')).toBeDefined();
        expect(mountOf(pod, container, '/run/netns/')).toBe('/run/netns/');
      });

      testWithBuild('helm enforces the chart\'s own range, not its library\'s: it renders on 1.30', 'multus', b.version, b.common, (build) => {
        const release = releaseOf({ cluster: ClusterProfile.kubeadm({ kubernetesVersion: '1.30' }), chart: MultusChart.angelnu({ version: b.version }) });
        expect(() => helmTemplate(build, { release: 'multus', namespace: 'kube-system', values: release.spec.values, kubeVersion: '1.30.0' })).not.toThrow();
      });
    });
  }

  testWithBuild('bjw-s multus 1.3.1 (common 5.0.0): the thin plugin needs no netns mount; Talos gives it the standard directories', 'multus', '1.3.1', '5.0.0', (build) => {
    const release = releaseOf({ cluster: ClusterProfile.talos(), chart: MultusChart.bjwS({ version: '1.3.1' }) });
    expect(release.spec.values.hostPaths).toBeUndefined();
    const { pod } = daemonPod(helmTemplate(build, { release: 'multus', namespace: 'kube-system', values: release.spec.values, kubeVersion: '1.34.0' }));
    const paths = (pod.volumes ?? []).map((v: any) => v.hostPath?.path).filter(Boolean);
    expect(paths).toEqual(expect.arrayContaining(['/etc/cni/net.d', '/opt/cni/bin']));
    expect(paths).not.toContain('/var/run/netns/');
  });

  testWithBuild('app-template 5.0.0 declares >=1.28.0-0: helm refuses it on 1.27, as the rulebook says', 'app-template', '5.0.0', '5.0.0', (build) => {
    expect(() => helmTemplate(build, { release: 'a', namespace: 'default', values: { controllers: {} }, kubeVersion: '1.27.0' })).toThrow(/kubeVersion|incompatible|>=1\.28/);
  });
});
