import { CniDhcpDaemon, CniPaths, IotNetwork, Ipam, MultusInstall, ValidationError } from '../../src';
import { findKind, synth, testChart, toYaml, validationError } from '../helpers';

function daemon(props: Partial<ConstructorParameters<typeof CniDhcpDaemon>[2]> = {}, namespace?: string) {
  const chart = testChart(namespace);
  const construct = new CniDhcpDaemon(chart, 'dhcp', { cniPaths: CniPaths.K3S, ...props });
  const manifests = synth(chart);
  const daemonSet = findKind(manifests, 'DaemonSet');
  return { construct, manifests, daemonSet, pod: daemonSet.spec.template.spec, container: daemonSet.spec.template.spec.containers[0] };
}

describe('CniDhcpDaemon', () => {
  test('a DaemonSet on every node that runs the plugin directory\'s dhcp daemon on /run/cni/dhcp.sock', () => {
    // GIVEN / WHEN
    const { manifests, daemonSet, pod, container } = daemon();

    // THEN
    expect(toYaml(...manifests)).toMatchSnapshot();
    expect(manifests.map((m) => `${m.apiVersion} ${m.kind}`)).toEqual(['apps/v1 DaemonSet']);
    expect(daemonSet.metadata).toMatchObject({ name: 'cni-dhcp-daemon', namespace: 'kube-system' });
    expect(daemonSet.spec.selector.matchLabels).toEqual(daemonSet.spec.template.metadata.labels);
    // Every node, whatever its taints: a DHCP pod can land on any of them.
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.hostNetwork).toBe(true);
    expect(pod.containers).toHaveLength(1);
    // The reference plugins' own daemon, from the node's plugin directory, on the socket the
    // dhcp IPAM plugin dials; a stale socket is removed first (the daemon will not start on one).
    expect(container.command).toEqual([
      'sh', '-c', 'rm -f "$1" && exec "$0" daemon -socketpath "$1"',
      '/var/lib/rancher/k3s/data/cni/dhcp', '/run/cni/dhcp.sock',
    ]);
    expect(container).toMatchObject({ image: 'busybox:1.37.0', securityContext: { privileged: true } });
    // The socket directory, the pods' network namespaces (seen as they are made) and the plugin directory.
    expect(container.volumeMounts).toEqual([
      { name: 'socket-dir', mountPath: '/run/cni' },
      { name: 'netns', mountPath: '/var/run/netns', mountPropagation: 'HostToContainer', readOnly: true },
      { name: 'cni-bin', mountPath: '/var/lib/rancher/k3s/data/cni', readOnly: true },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'socket-dir', hostPath: { path: '/run/cni', type: 'DirectoryOrCreate' } },
      { name: 'netns', hostPath: { path: '/var/run/netns', type: 'DirectoryOrCreate' } },
      { name: 'cni-bin', hostPath: { path: '/var/lib/rancher/k3s/data/cni', type: 'Directory' } },
    ]);
  });

  test.each([
    ['K3S', CniPaths.K3S, '/var/lib/rancher/k3s/data/cni'],
    ['K3S_LEGACY', CniPaths.K3S_LEGACY, '/var/lib/rancher/k3s/data/current/bin'],
    ['STANDARD', CniPaths.STANDARD, '/opt/cni/bin'],
    ['custom', CniPaths.custom('/srv/cni/conf', '/srv/cni/plugins'), '/srv/cni/plugins'],
  ])('with %s it runs and mounts that plugin directory, and nothing of the configuration directory', (_name, cniPaths, bin) => {
    // GIVEN / WHEN
    const { pod, container } = daemon({ cniPaths });

    // THEN
    expect(container.command[3]).toBe(`${bin}/dhcp`);
    expect(pod.volumes.find((v: any) => v.name === 'cni-bin').hostPath).toEqual({ path: bin, type: 'Directory' });
    expect(pod.volumes.map((v: any) => v.hostPath.path)).not.toContain(cniPaths.configDir);
  });

  test('serves the plugin directory the install used, beside a DHCP network', () => {
    // GIVEN an install and a network on Ipam.dhcp()
    const chart = testChart('kube-system');
    const install = new MultusInstall(chart, 'multus', { cniPaths: CniPaths.STANDARD });
    new IotNetwork(chart, 'iot', { subnet: '192.0.2.0/24', master: 'eth0', ipam: Ipam.dhcp(), macCapability: true });

    // WHEN
    const construct = new CniDhcpDaemon(chart, 'dhcp', { cniPaths: install.cniPaths });

    // THEN the daemon is the dhcp plugin of the install's plugin directory, on the socket the
    // network's config dials (it names no daemonSocketPath)
    const manifests = synth(chart);
    const nad = findKind(manifests, 'NetworkAttachmentDefinition');
    expect(JSON.parse(nad.spec.config).ipam).toEqual({ type: 'dhcp' });
    const container = manifests.find((m) => m.kind === 'DaemonSet' && m.metadata.name === 'cni-dhcp-daemon').spec.template.spec.containers[0];
    expect(container.command.slice(3)).toEqual([`${install.values.cni.paths.bin}/dhcp`, construct.socketPath]);
    expect(construct.socketPath).toBe('/run/cni/dhcp.sock');
  });

  test('the namespace follows the chart, and namespace and image can be set', () => {
    expect(daemon({}, 'networking').daemonSet.metadata.namespace).toBe('networking');

    const { construct, daemonSet, container } = daemon({ namespace: 'ops', image: 'registry.example.com/tools/busybox:1.36.1' }, 'networking');
    expect(daemonSet.metadata).toMatchObject({ name: 'cni-dhcp-daemon', namespace: 'ops' });
    expect(container.image).toBe('registry.example.com/tools/busybox:1.36.1');
    expect(construct).toMatchObject({ name: 'cni-dhcp-daemon', namespace: 'ops', image: 'registry.example.com/tools/busybox:1.36.1', cniPaths: CniPaths.K3S });
    expect(construct.daemonSet.node.id).toBe('Resource');
  });

  test('an image pinned by digest is accepted', () => {
    const image = `busybox@sha256:${'b'.repeat(64)}`;
    expect(daemon({ image }).container.image).toBe(image);
  });

  test.each([
    ['cniPaths', { cniPaths: undefined as any }, 'undefined'],
    ['cniPaths', { cniPaths: { configDir: '/etc/cni/net.d', binDir: '/opt/cni/bin' } as any }, '/opt/cni/bin'],
    ['namespace', { namespace: '' }, '""'],
    ['namespace', { namespace: 'Kube_System' }, 'Kube_System'],
    ['image', { image: 'busybox' }, 'busybox'],
    ['image', { image: 'busybox:latest' }, 'busybox:latest'],
    ['image', { image: 'BusyBox:1.37.0' }, 'BusyBox:1.37.0'],
    ['image', { image: 'busybox@sha256:abc' }, 'sha256:abc'],
    ['image', { image: 1 as any }, '1'],
    ['namespace', { namespace: 7 as any }, '7'],
  ])('refuses %s %j', (field, props, shown) => {
    // WHEN
    const error = validationError(() => daemon(props));

    // THEN the refusal names the field, the value and the construct
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe(field);
    expect(error.message).toContain(shown);
    expect(error.message).toContain('dhcp');
  });

  test('refuses a missing props object', () => {
    const error = validationError(() => new CniDhcpDaemon(testChart(), 'dhcp', undefined as any));
    expect(error).toMatchObject({ field: 'cniPaths', value: 'undefined' });
    expect(error.message).toContain('install.cniPaths');
  });
});
