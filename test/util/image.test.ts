import { CniPaths, MultusInstall, MultusNodeCleanup, MultusTestPod, NetworkRef, ValidationError } from '../../src';
import { checkPinnedImage, isImageName, isImageTag, parseImageReference } from '../../src/util/image';
import { testChart, validationError } from '../helpers';

// One image grammar (distribution/reference, as containerd parses images) for every image the
// library writes: the Multus daemon, the node clean-up and the verification pod.
describe('image reference grammar', () => {
  test.each([
    'busybox',
    'library/busybox',
    'ghcr.io/k8snetworkplumbingwg/multus-cni',
    'GHCR.io/k8snetworkplumbingwg/multus-cni', // the registry host is case-insensitive
    'registry.lan:5000/tools/busybox',
    'localhost:5000/busybox',
    '[fd00::1]:5000/busybox',
    'my-registry.example.com/a__b/c.d/e---f',
  ])('%s is an image name', (name) => {
    // GIVEN a name containerd accepts
    // WHEN / THEN it is an image name
    expect(isImageName(name)).toBe(true);
  });

  test.each([
    ['', 'empty'],
    ['ghcr.io/K8snetworkplumbingwg/multus-cni', 'capitals in the path'],
    ['BusyBox', 'capitals in a name without host'],
    ['ghcr.io/x/multus:v1', 'a tag'],
    ['ghcr.io//multus', 'an empty path component'],
    ['-registry.lan/busybox', 'a host starting with "-"'],
    ['ghcr.io/x/multus_', 'a trailing separator'],
    ['ghcr.io/x/a___b', 'three underscores'],
    ['registry.lan:5000', 'a host without a path'],
    ['a'.repeat(64).replace(/a/g, 'f'), 'an image id'],
    [`registry.lan/${'a'.repeat(250)}`, 'longer than 255 characters'],
  ])('%j is not an image name (%s)', (name) => {
    // GIVEN a string containerd refuses as an image name
    // WHEN / THEN it is none
    expect(isImageName(name)).toBe(false);
  });

  test('tags: a word character, then up to 127 of word characters, "." and "-"', () => {
    // GIVEN tags containerd accepts, then tags it refuses
    // WHEN / THEN each is told apart
    expect(['v4.3.0-thick', '1.37.0', '_x', 'A'.repeat(128)].map(isImageTag)).toEqual([true, true, true, true]);
    expect(['', '.v1', '-v1', 'v 1', 'A'.repeat(129), 'v1+build'].map(isImageTag)).toEqual([false, false, false, false, false, false]);
  });

  test('a reference splits into name, tag and digest; a port is not a tag', () => {
    // GIVEN references with a port, a tag and digests
    const digest = `sha256:${'0'.repeat(64)}`;
    // WHEN / THEN each splits into its parts, the port staying in the name
    expect(parseImageReference('registry.lan:5000/busybox')).toEqual({ name: 'registry.lan:5000/busybox' });
    expect(parseImageReference('registry.lan:5000/busybox:1.37.0')).toEqual({ name: 'registry.lan:5000/busybox', tag: '1.37.0' });
    expect(parseImageReference(`busybox:1.37.0@${digest}`)).toEqual({ name: 'busybox', tag: '1.37.0', digest });
    expect(parseImageReference(`busybox@sha512:${'a'.repeat(128)}`)).toMatchObject({ digest: `sha512:${'a'.repeat(128)}` });
  });

  test.each([
    ['busybox@sha256:abc', 'a short digest'],
    [`busybox@sha256:${'A'.repeat(64)}`, 'a digest in capitals (go-digest refuses it)'],
    [`busybox@md5:${'a'.repeat(32)}`, 'an unknown digest algorithm'],
    ['busybox:1.37.0:1', 'two tags'],
  ])('%j is no reference (%s)', (image) => {
    // GIVEN a string that looks like a reference but is none
    // WHEN / THEN it does not parse
    expect(parseImageReference(image)).toBeUndefined();
  });

  test('pinned: a tag other than latest, or a digest', () => {
    // GIVEN / WHEN images pinned by a tag or a digest
    // THEN they pass
    expect(() => checkPinnedImage('image', 'busybox:1.37.0', 'busybox:1.37.0')).not.toThrow();
    expect(() => checkPinnedImage('image', `busybox:latest@sha256:${'0'.repeat(64)}`, 'busybox:1.37.0')).not.toThrow();
    // GIVEN / WHEN images without a tag, or tagged latest
    // THEN each is refused as not pinned
    for (const image of ['busybox', 'busybox:latest']) {
      const err = validationError(() => checkPinnedImage('image', image, 'busybox:1.37.0'));
      expect(err.message).toContain(`"${image}" is not pinned`);
    }
  });
});

describe('every image of the library follows the grammar', () => {
  test('a registry host in capitals is accepted for the Multus image, the clean-up and the test pod', () => {
    // GIVEN a private registry written with capitals in its host name
    const chart = testChart();
    // WHEN each construct gets an image from it
    const multus = new MultusInstall(chart, 'multus', { cniPaths: CniPaths.K3S, image: { repository: 'Registry.LAN:5000/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' } });
    const cleanup = new MultusNodeCleanup(chart, 'cleanup', { cniPaths: CniPaths.K3S, image: 'Registry.LAN:5000/library/busybox:1.37.0' });
    const pod = new MultusTestPod(chart, 'test', { network: NetworkRef.of('iot', 'kube-system'), image: 'Registry.LAN:5000/nicolaka/netshoot:v0.14' });
    // THEN all three take it as written
    expect([multus.image, cleanup.image, pod.image]).toEqual([
      'Registry.LAN:5000/k8snetworkplumbingwg/multus-cni:v4.3.0-thick',
      'Registry.LAN:5000/library/busybox:1.37.0',
      'Registry.LAN:5000/nicolaka/netshoot:v0.14',
    ]);
  });

  test.each([
    ['Multus', () => new MultusInstall(testChart(), 'm', { cniPaths: CniPaths.K3S, image: { repository: 'ghcr.io/Multus/multus-cni' } }), 'image.repository'],
    ['clean-up', () => new MultusNodeCleanup(testChart(), 'c', { cniPaths: CniPaths.K3S, image: 'ghcr.io/Tools/busybox:1.37.0' }), 'image'],
    ['test pod', () => new MultusTestPod(testChart(), 't', { network: NetworkRef.of('iot', 'kube-system'), image: 'ghcr.io/Nicolaka/netshoot:v0.14' }), 'image'],
  ])('capitals in the path are refused alike (%s)', (_name, fn, field) => {
    // GIVEN / WHEN a construct given an image with capitals in its path
    const err = validationError(fn);
    // THEN each refuses it for its own image field, naming the image
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(/ghcr\.io\/[A-Z]/);
  });
});
