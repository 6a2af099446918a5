import { Duration, Size, Yaml } from 'cdk8s';
import { parse as parseYaml } from 'yaml';
import { CniPaths, CpuQuantity, MultusChart, MultusChartFamily, MultusInstall, MultusLogLevel, MultusValuesLayout, TaintEffect, ValidationError } from '../../src';
import { findKind, synth, testChart, toYaml, validationError } from '../helpers';

function install(props: Partial<ConstructorParameters<typeof MultusInstall>[2]> = {}, namespace?: string) {
  const chart = testChart(namespace);
  const multus = new MultusInstall(chart, 'multus', { cniPaths: CniPaths.K3S, ...props });
  const manifests = synth(chart);
  return { multus, manifests, release: findKind(manifests, 'HelmRelease') };
}

describe('MultusInstall defaults', () => {
  test('a HelmRepository and a HelmRelease of chart 7.0.0 with the thick image and safe memory', () => {
    // GIVEN / WHEN
    const { manifests, release } = install();

    // THEN
    expect(toYaml(...manifests)).toMatchSnapshot();
    expect(manifests.map((m) => `${m.apiVersion} ${m.kind}`)).toEqual([
      'source.toolkit.fluxcd.io/v1 HelmRepository',
      'helm.toolkit.fluxcd.io/v2 HelmRelease',
    ]);
    expect(findKind(manifests, 'HelmRepository')).toMatchObject({
      metadata: { name: 'angelnu', namespace: 'flux-system' },
      spec: { interval: '2h', url: 'https://angelnu.github.io/helm-charts' },
    });
    expect(release).toMatchObject({
      metadata: { name: 'multus', namespace: 'kube-system' },
      spec: {
        interval: '30m',
        chart: { spec: { chart: 'multus', version: '7.0.0', sourceRef: { kind: 'HelmRepository', name: 'angelnu', namespace: 'flux-system' } } },
      },
    });
    const container = release.spec.values.controllers.multus.containers.multus;
    expect(container.image).toEqual({ repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0-thick' });
    expect(container.resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } });
    // spec.chart and spec.chartRef are mutually exclusive in HelmRelease v2.
    expect(release.spec.chartRef).toBeUndefined();
  });

  test('values for every build of 7.0.0: the daemon keeps its API token and the chart its single ServiceAccount', () => {
    // GIVEN / WHEN the default chart, served on the common library 4.6.2 and, since May 2026, 5.0.1
    const { release } = install();

    // THEN common 5's defaults are turned back to what the chart needs: a token for the daemon, and
    // no second ServiceAccount next to the chart's own (with two, the hook Jobs do not render)
    expect(release.spec.values.defaultPodOptions).toEqual({ automountServiceAccountToken: true });
    expect(release.spec.values.global).toEqual({ createDefaultServiceAccount: false });
  });

  test('the release gives a rolling DaemonSet 15 minutes, not Helm\'s 5', () => {
    expect(install().release.spec.timeout).toBe('15m');
    expect(install({ timeout: Duration.minutes(30) }).release.spec.timeout).toBe('30m');
  });

  test('tolerations reach the DaemonSet through a post-renderer, not through values the chart ignores', () => {
    // GIVEN / WHEN an install with the default tolerations
    const { release } = install();

    // THEN no tolerations in values, and one post-renderer patch on the DaemonSet instead
    expect(release.spec.values.tolerations).toBeUndefined();
    expect(release.spec.postRenderers).toHaveLength(1);
    const [patch] = release.spec.postRenderers[0].kustomize.patches;
    expect(patch.target).toEqual({ group: 'apps', version: 'v1', kind: 'DaemonSet' });
    expect(parseYaml(patch.patch)).toEqual([
      { op: 'add', path: '/spec/template/spec/tolerations', value: [{ operator: 'Exists' }] },
    ]);
  });

  test('an empty toleration list keeps the chart\'s own and renders no post-renderer', () => {
    // GIVEN / WHEN an install with an empty toleration list
    const { release } = install({ tolerations: [] });
    // THEN no post-renderer
    expect(release.spec.postRenderers).toBeUndefined();
  });

  test('the namespace follows the enclosing chart', () => {
    // GIVEN / WHEN an install in a chart of namespace networking
    const { release, manifests } = install({}, 'networking');
    // THEN the release is there
    expect(release.metadata.namespace).toBe('networking');
    // The HelmRepository stays where Flux sources live.
    expect(findKind(manifests, 'HelmRepository').metadata.namespace).toBe('flux-system');
  });

  test('getters expose the generated objects and the chosen settings', () => {
    // GIVEN / WHEN an install with the defaults
    const { multus } = install();
    // THEN its getters say what it generated and chose
    expect(multus.helmRelease.kind).toBe('HelmRelease');
    expect(multus.helmRepository?.kind).toBe('HelmRepository');
    expect(multus.ociRepository).toBeUndefined();
    expect(multus.chart.family).toBe(MultusChartFamily.ANGELNU);
    expect(multus.image).toBe('ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick');
    expect(multus.chart.layout).toBe(MultusValuesLayout.V7);
    expect(multus.values.cni.paths).toEqual({ config: CniPaths.K3S.configDir, bin: CniPaths.K3S.binDir });
  });
});

describe('CniPaths presets', () => {
  test.each([
    ['K3S', CniPaths.K3S, '/var/lib/rancher/k3s/agent/etc/cni/net.d', '/var/lib/rancher/k3s/data/cni'],
    ['K3S_LEGACY', CniPaths.K3S_LEGACY, '/var/lib/rancher/k3s/agent/etc/cni/net.d', '/var/lib/rancher/k3s/data/current/bin'],
    ['STANDARD', CniPaths.STANDARD, '/etc/cni/net.d', '/opt/cni/bin'],
    ['custom', CniPaths.custom('/var/lib/cni/conf', '/var/lib/cni/bin'), '/var/lib/cni/conf', '/var/lib/cni/bin'],
  ])('%s renders cni.paths', (_name, cniPaths, config, bin) => {
    // GIVEN / WHEN an install with the preset
    const { release } = install({ cniPaths });
    // THEN the values hold exactly its two directories
    expect(release.spec.values.cni).toEqual({ paths: { config, bin } });
    expect(toYaml(release.spec.values)).toMatchSnapshot();
  });
});

describe('chart versions and their values layouts', () => {
  test('6.0.4 puts the container under controllers.main.containers.main', () => {
    // GIVEN / WHEN an install of chart 6.0.4
    const { release } = install({ chart: MultusChart.angelnu({ version: '6.0.4' }) });

    // THEN the daemon container is under the 6.x names
    expect(release.spec.chart.spec.version).toBe('6.0.4');
    expect(Object.keys(release.spec.values.controllers)).toEqual(['main']);
    expect(release.spec.values.controllers.main.containers.main.image.tag).toBe('v4.3.0-thick');
    // The same keys as 7.0.0: on common 4.5.0 they are what the chart does anyway, and they keep
    // the install right should 6.0.4 be re-published on common 5, as 5.0.7 and 7.0.0 were.
    expect(release.spec.values).toMatchObject({ defaultPodOptions: { automountServiceAccountToken: true }, global: { createDefaultServiceAccount: false } });
    expect(toYaml(release)).toMatchSnapshot();
  });

  test('7.0.0 puts the container under controllers.multus.containers.multus', () => {
    // GIVEN / WHEN an install of chart 7.0.0
    const { release } = install({ chart: MultusChart.angelnu({ version: '7.0.0' }) });

    // THEN the daemon container is under the 7.x names
    expect(Object.keys(release.spec.values.controllers)).toEqual(['multus']);
    expect(release.spec.values.controllers.multus.containers.multus.image.tag).toBe('v4.3.0-thick');
  });

  test('an unknown version is accepted only with an explicit layout', () => {
    // GIVEN / WHEN an install of a version the library does not know, with its layout given
    const { release } = install({ chart: MultusChart.angelnu({ version: '7.1.0', valuesLayout: MultusValuesLayout.V7 }) });
    // THEN it is installed with that layout
    expect(release.spec.chart.spec.version).toBe('7.1.0');
    expect(release.spec.values.controllers.multus.containers.multus).toBeDefined();
  });

  test('an existing HelmRepository is referred to, not emitted', () => {
    // GIVEN / WHEN an install from a HelmRepository that exists elsewhere
    const { manifests, release } = install({
      chart: MultusChart.angelnu({ existingRepository: true, repositoryName: 'angelnu-charts', repositoryNamespace: 'flux-repos' }),
    });
    // THEN only the release is written, and it refers to that repository
    expect(manifests.map((m) => m.kind)).toEqual(['HelmRelease']);
    expect(release.spec.chart.spec.sourceRef).toEqual({ kind: 'HelmRepository', name: 'angelnu-charts', namespace: 'flux-repos' });
  });
});

describe('MultusChart.bjwS(): the bjw-s chart from an OCI registry', () => {
  const bjws = (props: Partial<ConstructorParameters<typeof MultusInstall>[2]> = {}, chart = MultusChart.bjwS()) =>
    install({ chart, cniPaths: CniPaths.STANDARD, ...props });

  test('an OCIRepository and a HelmRelease with chartRef, as the public home-ops repositories write them', () => {
    // GIVEN / WHEN
    const { multus, manifests, release } = bjws();

    // THEN
    expect(toYaml(...manifests)).toMatchSnapshot();
    expect(manifests.map((m) => `${m.apiVersion} ${m.kind}`)).toEqual([
      'source.toolkit.fluxcd.io/v1 OCIRepository',
      'helm.toolkit.fluxcd.io/v2 HelmRelease',
    ]);
    expect(findKind(manifests, 'OCIRepository')).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      metadata: { name: 'multus', namespace: 'flux-system' },
      spec: {
        interval: '15m',
        layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
        ref: { tag: '1.3.1' },
        url: 'oci://ghcr.io/bjw-s-labs/helm/multus',
      },
    });
    // spec.chartRef, never spec.chart (mutually exclusive in HelmRelease v2)
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'multus', namespace: 'flux-system' });
    expect(release.spec.chart).toBeUndefined();
    expect(release.spec).toMatchObject({ interval: '30m', timeout: '15m', install: { crds: 'CreateReplace' }, upgrade: { crds: 'CreateReplace' } });
    expect(multus.ociRepository?.kind).toBe('OCIRepository');
    expect(multus.helmRepository).toBeUndefined();
    expect(multus.chart).toMatchObject({ family: MultusChartFamily.BJW_S, chart: 'multus', version: '1.3.1', layout: MultusValuesLayout.BJW_S });
  });

  test('the values layout: multus.image (thin v4.3.0), multus.resources, cni.netPath, cni.binPath, the token', () => {
    const { multus, release } = bjws();

    expect(release.spec.values).toEqual({
      multus: {
        image: { repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0' },
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } },
      },
      cni: { netPath: '/etc/cni/net.d', binPath: '/opt/cni/bin' },
      defaultPodOptions: { automountServiceAccountToken: true },
    });
    expect(multus.image).toBe('ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0');
  });

  test('tolerations through the same post-renderer patch as for angelnu', () => {
    const { release } = bjws();
    const [patch] = release.spec.postRenderers[0].kustomize.patches;
    expect(patch.target).toEqual({ group: 'apps', version: 'v1', kind: 'DaemonSet' });
    expect(parseYaml(patch.patch)[0].value).toEqual([{ operator: 'Exists' }]);
  });

  test('a digest pins the OCI artifact: ref.digest beside ref.tag', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const { manifests } = bjws({}, MultusChart.bjwS({ version: '1.3.3', digest }));
    expect(findKind(manifests, 'OCIRepository').spec.ref).toEqual({ tag: '1.3.3', digest });
  });

  test('another registry, name, namespace and interval', () => {
    const { manifests, release } = bjws({}, MultusChart.bjwS({
      url: 'oci://registry.example.com/mirror/helm/multus', repositoryName: 'bjw-s-multus', repositoryNamespace: 'flux-sources', repositoryInterval: Duration.hours(1),
    }));
    expect(findKind(manifests, 'OCIRepository')).toMatchObject({
      metadata: { name: 'bjw-s-multus', namespace: 'flux-sources' },
      spec: { interval: '1h', url: 'oci://registry.example.com/mirror/helm/multus' },
    });
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'bjw-s-multus', namespace: 'flux-sources' });
  });

  test('two installs of one chart share one OCIRepository', () => {
    const chart = testChart('kube-system');
    const a = new MultusInstall(chart, 'a', { cniPaths: CniPaths.STANDARD, chart: MultusChart.bjwS(), namespace: 'net-a' });
    const b = new MultusInstall(chart, 'b', { cniPaths: CniPaths.STANDARD, chart: MultusChart.bjwS(), namespace: 'net-b' });
    expect(a.ociRepository).toBe(b.ociRepository);
    expect(synth(chart).filter((m) => m.kind === 'OCIRepository')).toHaveLength(1);
  });

  test.each([
    ['a thick tag', { image: { tag: 'v4.3.0-thick' } }, 'image.tag', 'is a thick tag'],
    ['another release name', { releaseName: 'multus-cni' }, 'releaseName', 'ServiceAccount "multus"'],
    ['the k3s CNI directory', { cniPaths: CniPaths.K3S }, 'cniPaths.configDir', '/etc/cni/net.d/multus.d/'],
    ['a log level', { logLevel: MultusLogLevel.DEBUG }, 'logLevel', 'fixes the thin plugin\'s arguments'],
    ['a cniVersion', { cniVersion: '1.0.0' }, 'cniVersion', 'primary network config'],
    ['the image through values', { values: { multus: { image: { tag: 'v4.2.4' } } } }, 'values.multus.image', 'image prop'],
    ['cni.netPath through values', { values: { cni: { netPath: '/var/lib/rancher/k3s/agent/etc/cni/net.d' } } }, 'values.cni.netPath', 'cniPaths'],
    ['cni removed through values', { values: { cni: null } }, 'values.cni', 'cniPaths'],
    ['the token through values', { values: { defaultPodOptions: { automountServiceAccountToken: false } } }, 'values.defaultPodOptions.automountServiceAccountToken', 'API token'],
  ])('refuses %s, saying why', (_name, props, field, why) => {
    const err = validationError(() => bjws(props as any));
    expect(err.field).toBe(field);
    expect(err.problems).toHaveLength(1);
    expect(err.message).toContain(why);
    expect(err.constructPath).toBe('test/multus');
  });

  test('independent problems are reported together', () => {
    const err = validationError(() => bjws({ cniPaths: CniPaths.K3S, releaseName: 'net', image: { tag: 'v4.3.0-thick' } }));
    expect(err.problems.map((p) => p.field)).toEqual(['image.tag', 'releaseName', 'cniPaths.configDir']);
  });

  test('a key given as undefined is left unset: the chart values the install wrote stay', () => {
    const { release: plain } = bjws({});
    const { release } = bjws({ values: { multus: undefined, cni: { netPath: undefined } } });
    expect(release.spec.values).toEqual(plain.spec.values);
  });

  test('other values still merge: the plugin installer\'s image, resources', () => {
    const { release } = bjws({ values: { 'cni-plugins': { image: { tag: '1.9.1' } }, 'multus': { resources: { limits: { memory: '32Mi' } } } } });
    expect(release.spec.values['cni-plugins']).toEqual({ image: { tag: '1.9.1' } });
    expect(release.spec.values.multus.resources.limits).toEqual({ memory: '32Mi' });
  });
});

describe('the plan\'s settings and the escape hatch', () => {
  test('the plan\'s image, requests and chart keys', () => {
    // GIVEN / WHEN an install with every setting of the plan
    const { release } = install({
      image: { tag: 'v4.1.2-thick' },
      resources: { cpuRequest: CpuQuantity.millis(10), memoryRequest: Size.mebibytes(64), memoryLimit: Size.mebibytes(512), cpuLimit: CpuQuantity.millis(200) },
      logLevel: MultusLogLevel.DEBUG,
      cniVersion: '1.0.0',
      interval: Duration.hours(1),
      releaseName: 'multus-cni',
      namespace: 'networking',
    });

    // THEN each lands where the chart reads it
    expect(release.metadata).toEqual({ name: 'multus-cni', namespace: 'networking' });
    expect(release.spec.interval).toBe('1h');
    const container = release.spec.values.controllers.multus.containers.multus;
    expect(container.image.tag).toBe('v4.1.2-thick');
    expect(container.resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '200m', memory: '512Mi' } });
    expect(release.spec.values.cni).toMatchObject({ logLevel: 'debug', version: '1.0.0' });
  });

  test('values are deep-merged last: objects merge, scalars and arrays replace, null removes', () => {
    // GIVEN
    const { multus, release } = install({
      values: {
        controllers: { multus: { containers: { multus: { resources: { limits: { memory: '384Mi' } } } } } },
        cni: { logToStderr: true },
        hostPaths: { netns: '/var/run/netns/' },
      },
    });
    // WHEN more values are added after construction
    multus.addValues({ cni: { logToStderr: null } });

    // THEN the addition lands (the values render lazily) and the rest is merged
    const values = findKind(synth(multus.node.scope as any), 'HelmRelease').spec.values;
    expect(values.controllers.multus.containers.multus.resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '384Mi' } });
    expect(values.controllers.multus.containers.multus.image.tag).toBe('v4.3.0-thick');
    expect(values.hostPaths).toEqual({ netns: '/var/run/netns/' });
    expect(values.cni.logToStderr).toBeUndefined();
    expect(values.cni.paths).toEqual({ config: CniPaths.K3S.configDir, bin: CniPaths.K3S.binDir });
    expect(release.spec.values.cni.logToStderr).toBe(true);
    expect(toYaml(values)).toMatchSnapshot();
  });

  test('a chart from an OCI registry: the HelmRepository carries type oci', () => {
    // GIVEN a chart URL with the oci:// scheme
    const chart = MultusChart.angelnu({ url: 'oci://ghcr.io/angelnu/helm-charts' });
    // WHEN installed
    const { manifests, release } = install({ chart });
    // THEN Flux reads the source as an OCI registry, and the release still refers to it
    expect(findKind(manifests, 'HelmRepository').spec).toEqual({ interval: '2h', url: 'oci://ghcr.io/angelnu/helm-charts', type: 'oci' });
    expect(release.spec.chart.spec.sourceRef).toEqual({ kind: 'HelmRepository', name: 'angelnu', namespace: 'flux-system' });
  });

  test('addToleration lands in the post-renderer patch', () => {
    // GIVEN an install without tolerations
    const chart = testChart();
    const multus = new MultusInstall(chart, 'multus', { cniPaths: CniPaths.K3S, tolerations: [] });
    // WHEN a toleration is added after construction
    multus.addToleration({ key: 'node-role.kubernetes.io/control-plane', effect: TaintEffect.NO_SCHEDULE });
    const release = findKind(synth(chart), 'HelmRelease');
    // THEN it is in the DaemonSet patch, its operator filled in
    expect(parseYaml(release.spec.postRenderers[0].kustomize.patches[0].patch)[0].value).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: TaintEffect.NO_SCHEDULE },
    ]);
  });

  test('ciliumValues() turns off Cilium\'s exclusive CNI mode', () => {
    // GIVEN / WHEN Multus's values for a Cilium cluster
    // THEN Cilium no longer owns the CNI config directory alone
    expect(MultusInstall.ciliumValues()).toEqual({ cni: { exclusive: false } });
  });

  test('same input, same bytes', () => {
    // GIVEN one install's settings
    // WHEN rendered twice
    const yaml = () => Yaml.stringify(...install().manifests);
    // THEN the YAML is the same
    expect(yaml()).toBe(yaml());
  });
});

describe('what the install needs to run comes from the install alone', () => {
  test.each([
    ['the token', { defaultPodOptions: { automountServiceAccountToken: false } }, 'values.defaultPodOptions.automountServiceAccountToken', 'API token'],
    ['pod options replaced', { defaultPodOptions: 'none' }, 'values.defaultPodOptions', 'would replace defaultPodOptions.automountServiceAccountToken'],
    ['the automatic ServiceAccount', { global: { createDefaultServiceAccount: true } }, 'values.global.createDefaultServiceAccount', 'hook Jobs render'],
  ])('refuses %s through values', (_name, values, field, why) => {
    const err = validationError(() => install({ values }));
    expect(err.field).toBe(field);
    expect(err.message).toContain(why);
  });

  test('other pod options and globals still merge', () => {
    const { release } = install({ values: { defaultPodOptions: { priorityClassName: 'system-node-critical' }, global: { fullnameOverride: 'multus' } } });
    expect(release.spec.values.defaultPodOptions).toEqual({ automountServiceAccountToken: true, priorityClassName: 'system-node-critical' });
    expect(release.spec.values.global).toEqual({ createDefaultServiceAccount: false, fullnameOverride: 'multus' });
  });
});

describe('the daemon image comes from the image prop alone', () => {
  test.each([
    ['values on chart 7.0.0', 'values.controllers.multus.containers.multus.image', () => install({ values: { controllers: { multus: { containers: { multus: { image: { tag: 'v4.3.0' } } } } } } })],
    ['values on chart 6.0.4', 'values.controllers.main.containers.main.image', () => install({ chart: MultusChart.angelnu({ version: '6.0.4' }), values: { controllers: { main: { containers: { main: { image: { tag: 'v4.3.0-thin' } } } } } } })],
    ['addValues', 'values.controllers.multus.containers.multus.image', () => install().multus.addValues({ controllers: { multus: { containers: { multus: { image: null } } } } })],
  ])('refuses the image through %s', (_name, field, fn) => {
    // GIVEN / WHEN values that would set the daemon image
    const err = validationError(() => fn());
    // THEN the refusal points at the image prop
    expect(err.field).toBe(field);
    expect(err.hint).toContain('image prop');
  });

  test('other settings of the daemon container still merge', () => {
    // GIVEN / WHEN values for the daemon container other than its image
    const { release } = install({ values: { controllers: { multus: { containers: { multus: { env: { TZ: 'UTC' } } } } } } });
    // THEN they merge beside the modelled image
    expect(release.spec.values.controllers.multus.containers.multus).toMatchObject({ env: { TZ: 'UTC' }, image: { tag: 'v4.3.0-thick' } });
  });
});

describe('cni.paths comes from cniPaths alone', () => {
  test.each([
    ['values', 'values.cni.paths', () => install({ values: { cni: { paths: { bin: '/opt/cni/bin' } } } })],
    ['values, paths removed', 'values.cni.paths', () => install({ values: { cni: { paths: null } } })],
    ['values, cni removed', 'values.cni', () => install({ values: { cni: null } })],
    ['values, cni replaced', 'values.cni', () => install({ values: { cni: 'verbose' } })],
    ['addValues', 'values.cni.paths', () => install().multus.addValues({ cni: { paths: { config: '/etc/cni/net.d' } } })],
  ])('refuses cni.paths through %s', (_name, field, fn) => {
    // GIVEN an install with cniPaths
    // WHEN values would override the directories cniPaths set
    const err = validationError(() => fn());
    // THEN the refusal points at cniPaths
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.field).toBe(field);
    expect(err.hint).toContain('cniPaths');
    expect(err.constructPath).toBe('test/multus');
  });

  test('a refused addValues leaves the rendered paths equal to install.cniPaths', () => {
    // GIVEN
    const { multus } = install({ cniPaths: CniPaths.STANDARD });
    // WHEN
    validationError(() => multus.addValues({ cni: { paths: { bin: '/var/lib/rancher/k3s/data/cni' } } }));
    // THEN
    expect(multus.values.cni.paths).toEqual({ config: multus.cniPaths.configDir, bin: multus.cniPaths.binDir });
  });

  test('other cni settings still merge', () => {
    // GIVEN / WHEN values for cni other than its paths
    const { multus } = install({ values: { cni: { logLevel: 'debug' } } });
    // THEN they merge beside the modelled paths
    expect(multus.values.cni).toEqual({ paths: { config: CniPaths.K3S.configDir, bin: CniPaths.K3S.binDir }, logLevel: 'debug' });
  });
});

describe('refusals', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['non-thick tag', () => install({ image: { tag: 'v4.3.0' } }), 'v4.3.0'],
    ['bjw-s chart of another line', () => MultusChart.bjwS({ version: '1.2.1' }), '1.2.1'],
    ['bjw-s chart version range', () => MultusChart.bjwS({ version: '^1.3.0' }), '^1.3.0'],
    ['bjw-s digest that is not sha256', () => MultusChart.bjwS({ digest: 'md5:abc' }), 'md5:abc'],
    ['bjw-s chart URL with a tag', () => MultusChart.bjwS({ url: 'oci://ghcr.io/bjw-s-labs/helm/multus:1.3.1' }), 'oci://ghcr.io/bjw-s-labs/helm/multus:1.3.1'],
    ['bjw-s chart over https', () => MultusChart.bjwS({ url: 'https://bjw-s-labs.github.io/helm-charts' }), 'https://bjw-s-labs.github.io/helm-charts'],
    ['the bjw-s layout for an angelnu chart', () => MultusChart.angelnu({ version: '7.1.0', valuesLayout: MultusValuesLayout.BJW_S }), 'BJW_S'],
    ['thin tag', () => install({ image: { tag: 'v4.1.2-thin' } }), 'v4.1.2-thin'],
    ['upstream tag without v', () => install({ image: { tag: '4.3.0-thick' } }), '4.3.0-thick'],
    ['empty image repository', () => install({ image: { repository: '' } }), '""'],
    ['image repository with a tag', () => install({ image: { repository: 'ghcr.io/x/multus:v1' } }), 'ghcr.io/x/multus:v1'],
    ['missing cniPaths', () => new MultusInstall(testChart(), 'm', {} as any), 'undefined'],
    ['memory limit below request', () => install({ resources: { memoryRequest: Size.mebibytes(1024) } }), '512Mi'],
    ['fractional memory', () => install({ resources: { memoryLimit: Size.kibibytes(1000) } }), 'Mi'],
    ['zero cpu', () => install({ resources: { cpuRequest: 0 as any } }), '0'],
    ['cpu limit below request', () => install({ resources: { cpuRequest: CpuQuantity.millis(100), cpuLimit: CpuQuantity.millis(50) } }), '50m'],
    ['bad toleration operator', () => install({ tolerations: [{ operator: 'Always' }] }), 'Always'],
    ['Exists with a value', () => install({ tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }), '"v"'],
    ['bad toleration effect', () => install({ tolerations: [{ effect: 'NoRun' as any }] }), 'NoRun'],
    ['bad cniVersion', () => install({ cniVersion: '0.2.0' }), '0.2.0'],
    ['bad logLevel', () => install({ logLevel: 'loud' as any }), 'loud'],
    ['bad release name', () => install({ releaseName: 'Multus' }), 'Multus'],
    ['bad namespace', () => install({ namespace: 'kube_system' }), 'kube_system'],
    ['zero interval', () => install({ interval: Duration.seconds(0) }), '0ms'],
    ['values not an object', () => install({ values: [] as any }), '[]'],
  ];

  test.each(cases)('%s', (_name, fn, value) => {
    // GIVEN / WHEN an install setting that would break the install
    const err = validationError(fn);
    // THEN a ValidationError names the offending value and says what to do
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toContain(value);
    // Every refusal says what to do.
    expect(err.hint.length).toBeGreaterThan(10);
  });

  test('construct refusals carry the construct path', () => {
    // GIVEN / WHEN an install refused for its image tag
    const err = validationError(() => new MultusInstall(testChart(), 'multus', { cniPaths: CniPaths.K3S, image: { tag: 'v4.3.0' } }));
    // THEN the error names the construct
    expect(err.constructPath).toBe('test/multus');
    expect(err.message).toContain('(at test/multus)');
  });
});

describe('MultusChart.homeOperations(): a chart that reads its tolerations from values', () => {
  const chart = () => MultusChart.homeOperations({ version: '0.1.0' });

  test('an OCIRepository and a chartRef HelmRelease; the tolerations in values, no post-renderer', () => {
    const { multus, manifests, release } = install({ cniPaths: CniPaths.STANDARD, chart: chart() });
    expect(manifests.map((m) => m.kind)).toEqual(['OCIRepository', 'HelmRelease']);
    expect(findKind(manifests, 'OCIRepository').spec).toMatchObject({ url: 'oci://ghcr.io/home-operations/charts/multus', ref: { tag: '0.1.0' } });
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'multus', namespace: 'flux-system' });
    expect(release.spec.postRenderers).toBeUndefined();
    expect(release.spec.values.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(multus.image).toBe('ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0');
  });

  test('addToleration adds to the values; an empty list leaves the chart\'s own', () => {
    const scope = testChart();
    const multus = new MultusInstall(scope, 'multus', { cniPaths: CniPaths.STANDARD, chart: chart(), tolerations: [] });
    expect(multus.values.tolerations).toBeUndefined();
    multus.addToleration({ key: 'dedicated', value: 'iot', effect: TaintEffect.NO_EXECUTE });
    const release = findKind(synth(scope), 'HelmRelease');
    expect(release.spec.values.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'iot', effect: 'NoExecute' }]);
    expect(release.spec.postRenderers).toBeUndefined();
  });

  test('the tolerations, the token, the image and the directories cannot be given in values; every one is reported', () => {
    const e = validationError(() => install({
      cniPaths: CniPaths.STANDARD, chart: chart(),
      values: { tolerations: [], serviceAccount: { automount: false }, image: { tag: 'v4.2.4' }, cni: { netDir: '/etc/cni/net.d' } },
    }));
    expect(e.problems.map((p) => p.field).sort()).toEqual(['values.cni.netDir', 'values.image.tag', 'values.serviceAccount.automount', 'values.tolerations']);
    expect(e.message).toMatch(/values.tolerations.*tolerations prop/s);
    // settings it does not own pass
    expect(install({ cniPaths: CniPaths.STANDARD, chart: chart(), values: { image: { pullPolicy: 'Always' }, priorityClassName: 'system-node-critical' } }).release.spec.values.image)
      .toEqual({ repository: 'ghcr.io/k8snetworkplumbingwg/multus-cni', tag: 'v4.3.0', pullPolicy: 'Always' });
  });

  test('a thick tag, k3s\'s config directory, logLevel and cniVersion are refused with the reason', () => {
    const e = validationError(() => install({ cniPaths: CniPaths.K3S, chart: chart(), image: { tag: 'v4.3.0-thick' }, logLevel: MultusLogLevel.DEBUG, cniVersion: '1.0.0' }));
    expect(e.problems.map((p) => p.field).sort()).toEqual(['cniPaths.configDir', 'cniVersion', 'image.tag', 'logLevel']);
    expect(e.message).toMatch(/--multus-kubeconfig-file-host/);
    // any release name renders: the chart names its ServiceAccount after the release
    expect(install({ cniPaths: CniPaths.STANDARD, chart: chart(), releaseName: 'net' }).release.metadata.name).toBe('net');
  });
});
