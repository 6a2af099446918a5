import { ApiObjectMetadata, Chart } from 'cdk8s';
import { CniDhcpDaemon, CniPaths, IotNetwork, MultusNodeCleanup, MultusTestPod, NetworkRef } from '../../src';
import { OwnMetadata, mergeMetadata, metadataProblems } from '../../src/util/metadata';
import { findKind, synth, testChart, validationError } from '../helpers';

// The `metadata` prop of the constructs that make one Kubernetes object (util/metadata): the
// user's labels and annotations are added; the name, namespace, selector labels and the
// annotations a construct writes stay its own.

const OWN: OwnMetadata = {
  name: 'cni-dhcp-daemon', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'cni-dhcp-daemon' },
  reservedAnnotations: ['k8s.v1.cni.cncf.io/networks'], nameFrom: 'the construct', namespaceFrom: 'the namespace prop',
};

describe('metadataProblems and mergeMetadata', () => {
  test('no metadata: the construct\'s own, unchanged, and no problem', () => {
    expect(metadataProblems(undefined, OWN)).toEqual([]);
    expect(mergeMetadata(undefined, OWN)).toEqual({ name: 'cni-dhcp-daemon', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'cni-dhcp-daemon' } });
  });

  test('labels and annotations are added after the construct\'s own, in key order; the same name and a same-valued label are accepted', () => {
    // GIVEN metadata with keys out of order, repeating the name and a selector label with its value
    const given: ApiObjectMetadata = {
      name: 'cni-dhcp-daemon',
      labels: { 'z.example.com/tier': 'net', 'app.kubernetes.io/name': 'cni-dhcp-daemon', 'app.kubernetes.io/part-of': 'home' },
      annotations: { 'b.example.com/note': 'line one\nline two', 'a.example.com/owner': 'ops' },
      finalizers: ['example.com/keep'],
    };
    // WHEN checked and merged
    expect(metadataProblems(given, OWN)).toEqual([]);
    const merged = mergeMetadata(given, OWN);
    // THEN the construct's keys first, the user's sorted; the finalizers as given
    expect(Object.keys(merged.labels!)).toEqual(['app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'z.example.com/tier']);
    expect(Object.keys(merged.annotations!)).toEqual(['a.example.com/owner', 'b.example.com/note']);
    expect(merged).toMatchObject({ name: 'cni-dhcp-daemon', namespace: 'kube-system', finalizers: ['example.com/keep'] });
  });

  test('every problem is reported, each naming the field, the value and the fix', () => {
    // GIVEN metadata wrong in every way at once
    const given = {
      name: 'other', namespace: 'default', label: { a: 'b' },
      labels: { 'app.kubernetes.io/name': 'mine', 'bad key!': 'x', 'ok.example.com/v': 'not a label value!' },
      annotations: { 'k8s.v1.cni.cncf.io/networks': 'iot', 'example.com/n': 7, 'example.com/bidi': 'a\u202eb' },
      finalizers: ['not a name'],
      ownerReferences: 'me',
    } as any;
    // WHEN checked
    const problems = metadataProblems(given, OWN);
    // THEN one problem per wrong value, in the order of the keys
    expect(problems.map((p) => p.field)).toEqual([
      'metadata.label', 'metadata.name', 'metadata.namespace',
      'metadata.labels.app.kubernetes.io/name', 'metadata.labels.bad key!', 'metadata.labels.ok.example.com/v',
      'metadata.annotations.k8s.v1.cni.cncf.io/networks', 'metadata.annotations.example.com/n', 'metadata.annotations.example.com/bidi',
      'metadata.finalizers[0]', 'metadata.ownerReferences',
    ]);
    expect(problems[1].message).toContain('conflicts with the construct\'s name');
    expect(problems[1].hint).toContain('the object\'s name is cni-dhcp-daemon, from the construct');
    expect(problems[3].hint).toContain('its selector matches');
    expect(problems[6].message).toContain('is written by the construct');
    expect(problems[8].message).toContain('U+202E');
  });

  test('metadata that is no object is refused', () => {
    expect(metadataProblems('labels' as any, OWN).map((p) => p.field)).toEqual(['metadata']);
    expect(metadataProblems({ labels: ['a'] } as any, OWN).map((p) => p.field)).toEqual(['metadata.labels']);
  });
});

describe('the metadata prop of the constructs that make one object', () => {
  const METADATA = { labels: { 'app.kubernetes.io/part-of': 'home' }, annotations: { 'example.com/owner': 'ops' } };

  test.each<[string, (chart: Chart, metadata?: ApiObjectMetadata) => unknown, string]>([
    ['IotNetwork: its NetworkAttachmentDefinition', (chart, metadata) => new IotNetwork(chart, 'iot', { subnet: '192.0.2.0/24', metadata }), 'NetworkAttachmentDefinition'],
    ['MultusTestPod: its Pod', (chart, metadata) => new MultusTestPod(chart, 'test', { network: NetworkRef.of('iot', 'kube-system'), metadata }), 'Pod'],
    ['CniDhcpDaemon: its DaemonSet', (chart, metadata) => new CniDhcpDaemon(chart, 'dhcp', { cniPaths: CniPaths.K3S, metadata }), 'DaemonSet'],
    ['MultusNodeCleanup: its DaemonSet', (chart, metadata) => new MultusNodeCleanup(chart, 'cleanup', { cniPaths: CniPaths.K3S, metadata }), 'DaemonSet'],
  ])('%s gets the labels and annotations; nothing else changes', (_what, make, kind) => {
    // GIVEN the construct without and with metadata
    const plainChart = testChart('kube-system');
    make(plainChart);
    const plain = findKind(synth(plainChart), kind);
    const chart = testChart('kube-system');
    make(chart, METADATA);
    // WHEN synthesized
    const object = findKind(synth(chart), kind);
    // THEN the labels and annotations are on the object, beside the construct's own
    expect(object.metadata.labels).toEqual({ ...(plain.metadata.labels ?? {}), 'app.kubernetes.io/part-of': 'home' });
    expect(object.metadata.annotations).toMatchObject({ 'example.com/owner': 'ops' });
    expect(object.metadata.name).toBe(plain.metadata.name);
    // AND the rest of the object is what it was (a DaemonSet's pods keep their labels)
    expect({ ...object, metadata: undefined }).toEqual({ ...plain, metadata: undefined });
  });

  test.each<[string, (chart: Chart) => unknown, string, string]>([
    ['IotNetwork with another name', (chart) => new IotNetwork(chart, 'iot', { subnet: '192.0.2.0/24', metadata: { name: 'lan' } }), 'metadata.name', 'lan'],
    ['IotNetwork with another namespace, among other refused props', (chart) => new IotNetwork(chart, 'iot', { subnet: '192.0.2.0/24', mtu: 1, metadata: { namespace: 'default' } }), 'metadata.namespace', 'default'],
    ['MultusTestPod with a networks annotation of its own', (chart) => new MultusTestPod(chart, 'test', { network: NetworkRef.of('iot', 'kube-system'), metadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': 'other' } } }), 'metadata.annotations.k8s.v1.cni.cncf.io/networks', 'other'],
    ['CniDhcpDaemon with another name', (chart) => new CniDhcpDaemon(chart, 'dhcp', { cniPaths: CniPaths.K3S, metadata: { name: 'dhcp' } }), 'metadata.name', 'dhcp'],
    ['MultusNodeCleanup with another selector label value', (chart) => new MultusNodeCleanup(chart, 'cleanup', { cniPaths: CniPaths.K3S, metadata: { labels: { 'app.kubernetes.io/component': 'x' } } }), 'metadata.labels.app.kubernetes.io/component', 'x'],
  ])('refuses %s', (_what, make, field, value) => {
    // GIVEN / WHEN metadata that contradicts the construct
    const chart = testChart('kube-system');
    const e = validationError(() => make(chart));
    // THEN the field and value are named, and no object is made
    expect(e.problems.map((p) => p.field)).toContain(field);
    expect(e.problems.find((p) => p.field === field)!.value).toContain(value);
    expect(synth(chart)).toEqual([]);
  });

  test('IotNetwork without a namespace: the missing namespace is reported, not a conflict with metadata.namespace', () => {
    const e = validationError(() => new IotNetwork(testChart(), 'iot', { subnet: '192.0.2.0/24', metadata: { namespace: 'network' } }));
    expect(e.problems.map((p) => p.field)).toEqual(['namespace']);
  });

  test('IotNetwork reports a metadata problem together with its other refused props', () => {
    const e = validationError(() => new IotNetwork(testChart('kube-system'), 'iot', { subnet: '192.0.2.0/24', mtu: 1, metadata: { namespace: 'default' } }));
    expect(e.problems.map((p) => p.field)).toEqual(['mtu', 'metadata.namespace']);
  });
});
