import { CniPaths, MultusInstall, MultusNodeCleanup, ValidationError } from '../../src';
import { findKind, synth, testChart, toYaml, validationError } from '../helpers';

function cleanup(props: Partial<ConstructorParameters<typeof MultusNodeCleanup>[2]> = {}, namespace?: string) {
  const chart = testChart(namespace);
  const construct = new MultusNodeCleanup(chart, 'cleanup', { cniPaths: CniPaths.K3S, ...props });
  const manifests = synth(chart);
  const daemonSet = findKind(manifests, 'DaemonSet');
  return { construct, manifests, daemonSet, pod: daemonSet.spec.template.spec, container: daemonSet.spec.template.spec.containers[0] };
}

describe('MultusNodeCleanup', () => {
  test('a DaemonSet on every node that mounts the two k3s CNI directories and nothing else', () => {
    // GIVEN / WHEN
    const { manifests, daemonSet, pod, container } = cleanup();

    // THEN
    expect(toYaml(...manifests)).toMatchSnapshot();
    expect(manifests.map((m) => `${m.apiVersion} ${m.kind}`)).toEqual(['apps/v1 DaemonSet']);
    expect(daemonSet.metadata).toMatchObject({ name: 'multus-node-cleanup', namespace: 'kube-system' });
    expect(daemonSet.spec.selector.matchLabels).toEqual(daemonSet.spec.template.metadata.labels);
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.volumes).toEqual([
      { name: 'cni-conf', hostPath: { path: '/var/lib/rancher/k3s/agent/etc/cni/net.d', type: 'Directory' } },
      { name: 'cni-bin', hostPath: { path: '/var/lib/rancher/k3s/data/cni', type: 'Directory' } },
    ]);
    expect(pod.containers).toHaveLength(1);
    expect(pod.initContainers).toBeUndefined();
    // No CNI for this pod: on a node with a leftover 00-multus.conf a pod network cannot be set up.
    expect(pod.hostNetwork).toBe(true);
    expect(pod.hostPID).toBeUndefined();
    expect(pod.terminationGracePeriodSeconds).toBeLessThanOrEqual(10);
    expect(container).toMatchObject({
      image: 'busybox:1.37.0',
      securityContext: { runAsUser: 0, privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
      resources: { limits: { memory: '32Mi' } },
    });
    expect(container.command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(container.command.slice(3)).toEqual(['multus-node-cleanup', 'clean']);
    // The readiness probe runs the same script in check mode: ready means clean.
    expect(container.readinessProbe.exec.command).toEqual([...container.command.slice(0, 4), 'check']);
  });

  test.each([
    ['K3S', CniPaths.K3S, '/var/lib/rancher/k3s/agent/etc/cni/net.d', '/var/lib/rancher/k3s/data/cni'],
    ['K3S_LEGACY', CniPaths.K3S_LEGACY, '/var/lib/rancher/k3s/agent/etc/cni/net.d', '/var/lib/rancher/k3s/data/current/bin'],
    ['STANDARD', CniPaths.STANDARD, '/etc/cni/net.d', '/opt/cni/bin'],
    ['custom', CniPaths.custom('/srv/cni/conf', '/srv/cni/plugins'), '/srv/cni/conf', '/srv/cni/plugins'],
  ])('with %s it mounts exactly that configuration and plugin directory', (_name, cniPaths, conf, bin) => {
    // GIVEN / WHEN
    const { pod, container } = cleanup({ cniPaths });

    // THEN
    expect(pod.volumes.map((v: any) => v.hostPath)).toEqual([
      { path: conf, type: 'Directory' },
      { path: bin, type: 'Directory' },
    ]);
    expect(pod.volumes.every((v: any) => Object.keys(v).sort().join() === 'hostPath,name')).toBe(true);
    expect(container.volumeMounts.map((m: any) => m.name)).toEqual(['cni-conf', 'cni-bin']);
    // The script finds the mounts through its environment, whatever the node's paths are.
    expect(container.env.map((e: any) => e.value).sort()).toEqual(container.volumeMounts.map((m: any) => m.mountPath).sort());
  });

  test('cleans the directories the install used, when given the install\'s CniPaths', () => {
    // GIVEN
    const chart = testChart();
    const install = new MultusInstall(chart, 'multus', { cniPaths: CniPaths.STANDARD });

    // WHEN
    new MultusNodeCleanup(chart, 'cleanup', { cniPaths: install.cniPaths });

    // THEN
    const values = install.values;
    const pod = findKind(synth(chart), 'DaemonSet').spec.template.spec;
    expect(pod.volumes.map((v: any) => v.hostPath.path)).toEqual([values.cni.paths.config, values.cni.paths.bin]);
  });

  test('the namespace follows the chart, and name, namespace and image can be set', () => {
    // GIVEN / WHEN a clean-up in a chart of namespace networking
    // THEN it runs there
    expect(cleanup({}, 'networking').daemonSet.metadata.namespace).toBe('networking');

    // GIVEN / WHEN a clean-up with its own name, namespace and image
    const { construct, daemonSet, container } = cleanup({ name: 'cni-sweep', namespace: 'ops', image: 'registry.example.com/tools/busybox:1.36.1' }, 'networking');
    // THEN the DaemonSet and the construct carry them
    expect(daemonSet.metadata).toMatchObject({ name: 'cni-sweep', namespace: 'ops' });
    expect(container.image).toBe('registry.example.com/tools/busybox:1.36.1');
    expect(construct).toMatchObject({ name: 'cni-sweep', namespace: 'ops', image: 'registry.example.com/tools/busybox:1.36.1', cniPaths: CniPaths.K3S });
    expect(construct.daemonSet.node.id).toBe('Resource');
  });

  test('an image pinned by digest is accepted', () => {
    // GIVEN an image pinned by digest alone
    const image = `busybox@sha256:${'a'.repeat(64)}`;
    // WHEN / THEN the clean-up runs it as written
    expect(cleanup({ image }).container.image).toBe(image);
  });

  test.each([
    ['cniPaths', { cniPaths: undefined as any }, 'undefined'],
    ['cniPaths', { cniPaths: { configDir: '/etc/cni/net.d', binDir: '/opt/cni/bin' } as any }, '/etc/cni/net.d'],
    ['name', { name: 'Multus_Cleanup' }, 'Multus_Cleanup'],
    ['namespace', { namespace: '' }, '""'],
    ['image', { image: 'busybox' }, 'busybox'],
    ['image', { image: 'busybox:latest' }, 'busybox:latest'],
    ['image', { image: 'BusyBox:1.37.0' }, 'BusyBox:1.37.0'],
    ['image', { image: 'busybox:1.37.0@sha256:abc' }, 'sha256:abc'],
    ['image', { image: '' }, '""'],
  ])('refuses %s %j', (field, props, shown) => {
    // GIVEN a clean-up setting it cannot use
    // WHEN
    const error = validationError(() => cleanup(props));

    // THEN
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe(field);
    expect(error.message).toContain(shown);
    expect(error.message).toContain('cleanup');
  });
});
