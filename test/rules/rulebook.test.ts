import { RULES, ruleList } from '../../src/rules/rulebook';
import {
  NETWORKS, angelnuRelease, angelnuRepository, angelnuValues, appTemplate, check, cilium, deployment, flux, macvlan,
  manifest, nad, ociRelease, pod, rules, selection,
} from './manifests';

// Each rule of the rulebook with a failing and a passing case, over plain manifests as a
// hand-written repository holds them.

const iotNad = nad('iot', 'kube-system', macvlan('iot', { ips: true, mac: true }));
const onIot = (ips: string[], extra: Record<string, unknown> = {}): string => selection({ name: 'iot', namespace: 'kube-system', ips, ...extra });

describe('the rulebook', () => {
  test('every rule has a stable id, a level and a summary; ids are unique', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of ruleList()) {
      expect(r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(['error', 'warning']).toContain(r.level);
      expect(r.summary.length).toBeGreaterThan(10);
    }
    expect(ids).toEqual(expect.arrayContaining([
      'chart-version-refused', 'values-ignored', 'nad-capability', 'nad-same-kustomization', 'annotation-misplaced',
      'annotation-invalid-json', 'nad-missing', 'address-conflict', 'static-ip-rollout', 'memory-limit-low',
      'cilium-exclusive', 'cni-paths-primary', 'host-network-annotation',
    ]));
  });

  test('a finding names the object, the field, the value and the fix', () => {
    const [f] = check([angelnuRepository, angelnuRelease('6.0.2', { controllers: { main: { containers: { main: {} } } } })]);
    expect(f).toMatchObject({ rule: 'chart-version-refused', level: 'error', kind: 'HelmRelease', namespace: 'kube-system', name: 'multus', field: 'spec.chart.spec.version', value: '"6.0.2"' });
    expect(f.message).toMatch(/^HelmRelease kube-system\/multus: spec.chart.spec.version: "6.0.2" must not be installed: .*misplaces `privileged`.*: pin version 7.0.0/);
    expect(f.fix).toContain('6.0.4');
  });

  test('output is deterministic: the same input in another order gives the same findings', () => {
    const input = [angelnuRepository, angelnuRelease('5.0.7', { image: {}, resources: {} }), nad('iot', 'kube-system', macvlan('iot')), pod('a', 'default', 'x')];
    const a = check(input.map((o) => manifest(o, { file: `${o.kind}.yaml` })));
    const b = check([...input].reverse().map((o) => manifest(o, { file: `${o.kind}.yaml` })));
    expect(b).toEqual(a);
  });
});

describe('chart-version-refused', () => {
  test.each(['5.0.7', '6.0.0', '6.0.3'])('angelnu %s is refused with the reason', (version) => {
    expect(rules(check([angelnuRepository, angelnuRelease(version, {})]))).toContain('chart-version-refused');
  });
  test.each(['7.0.0', '6.0.4'])('angelnu %s passes', (version) => {
    expect(rules(check([angelnuRepository, angelnuRelease(version, {})]))).not.toContain('chart-version-refused');
  });
  test('another repository\'s chart named multus is never judged', () => {
    const other = { ...angelnuRepository, spec: { url: 'https://charts.example/multus' } };
    expect(check([other, angelnuRelease('5.0.7', { image: {} })])).toEqual([]);
  });
  test('the angelnu repository defined elsewhere is still known by its documented name', () => {
    expect(rules(check([angelnuRelease('5.0.7', {})]))).toEqual(['chart-version-refused']);
  });
});

describe('values-ignored', () => {
  test('top-level image, resources and tolerations on angelnu 7.0.0, each with where it belongs', () => {
    // GIVEN the plan's top-level values on a chart that reads only common's keys, cni and hostPaths
    const values = { ...angelnuValues(), image: { tag: 'v4.1.2-thick' }, resources: { limits: { memory: '128Mi' } }, tolerations: [{ operator: 'Exists' }] };
    // WHEN / THEN
    const found = check([angelnuRepository, angelnuRelease('7.0.0', values)]).filter((f) => f.rule === 'values-ignored');
    expect(found.map((f) => f.field)).toEqual(['spec.values.image', 'spec.values.resources', 'spec.values.tolerations']);
    expect(found[1].fix).toBe('move it to controllers.multus.containers.multus.resources');
    expect(found[0].level).toBe('warning');
  });
  test('the 6.x layout on 7.0.0, a bjw-s key on angelnu, and hard-coded tolerations', () => {
    const values = { ...angelnuValues(), controllers: { ...angelnuValues().controllers, main: { containers: { main: { resources: {} } } } }, cni: { ...angelnuValues().cni, netPath: '/etc/cni/net.d' } };
    values.controllers.multus.pod = { tolerations: [{ operator: 'Exists' }] };
    const fields = check([angelnuRepository, angelnuRelease('7.0.0', values)]).filter((f) => f.rule === 'values-ignored').map((f) => f.field);
    expect(fields).toEqual(['spec.values.cni.netPath', 'spec.values.controllers.main', 'spec.values.controllers.multus.pod.tolerations']);
  });
  test('bjw-s multus: cni.paths (angelnu\'s keys) and a top-level resources are not read', () => {
    const [repo, release] = ociRelease('oci://ghcr.io/bjw-s-labs/helm/multus', '1.3.3', 'multus', 'network', { cni: { paths: { config: '/etc/cni/net.d' } }, resources: {} });
    expect(check([repo, release]).filter((f) => f.rule === 'values-ignored').map((f) => f.field)).toEqual(['spec.values.cni.paths', 'spec.values.resources']);
  });
  test('what the charts read passes: common keys, cni, hostPaths; multus, cni-plugins, cni.netPath', () => {
    const angelnu = { ...angelnuValues(), hostPaths: { netns: '/var/run/netns' }, defaultPodOptions: { automountServiceAccountToken: true }, serviceAccount: { default: { enabled: true } } };
    const bjws = ociRelease('oci://ghcr.io/bjw-s-labs/helm/multus', '1.3.3', 'multus', 'network', { multus: { resources: { limits: { memory: '32Mi' } } }, cni: { netPath: '/etc/cni/net.d', binPath: '/opt/cni/bin' } });
    // 1.3.3 reads the same keys; that it was never rendered is a warning of its own
    expect(rules(check([angelnuRepository, angelnuRelease('7.0.0', angelnu), ...bjws]))).toEqual(['chart-version-unverified']);
  });
  test('charts the rulebook does not know are never judged', () => {
    expect(check(ociRelease('oci://registry.example.com/charts/multus', '0.1.0', 'multus', 'kube-system', { resources: { limits: { memory: '512Mi' } }, cni: { netPath: '/etc/cni/net.d' } }))).toEqual([]);
  });
  test('values from a valuesFrom ConfigMap are judged, and named by their source', () => {
    const release = angelnuRelease('7.0.0', angelnuValues());
    release.spec.valuesFrom = [{ kind: 'ConfigMap', name: 'multus-values' }];
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'multus-values', namespace: 'kube-system' }, data: { 'values.yaml': 'resources:\n  limits:\n    memory: 1Gi\n' } };
    const [f] = check([angelnuRepository, release, cm]);
    expect(f.field).toBe('spec.valuesFrom[0] (ConfigMap multus-values, values.yaml).resources');
  });
});

describe('image-flavor and image-tag-unpublished', () => {
  test('a thin tag on angelnu and a thick tag on bjw-s are refused', () => {
    const thin = angelnuValues();
    thin.controllers.multus.containers.multus.image.tag = 'v4.3.0';
    const bjws = ociRelease('oci://ghcr.io/bjw-s-labs/helm/multus', '1.3.3', 'multus', 'network', { multus: { image: { tag: 'v4.3.0-thick' } } });
    expect(rules(check([angelnuRepository, angelnuRelease('7.0.0', thin), ...bjws]))).toEqual(['chart-version-unverified', 'image-flavor', 'image-flavor']);
  });
  test('a tag without its "v", and angelnu 7.0.0\'s own default, are not published', () => {
    const noV = angelnuValues();
    noV.controllers.multus.containers.multus.image.tag = '4.3.0-thick';
    const unset = angelnuValues();
    delete unset.controllers.multus.containers.multus.image;
    const raw = deployment('multus', 'kube-system', undefined);
    raw.spec.template.spec.containers[0].image = 'ghcr.io/k8snetworkplumbingwg/multus-cni:4.2.4';
    const found = check([angelnuRepository, angelnuRelease('7.0.0', noV, 'a'), angelnuRelease('7.0.0', unset, 'b'), raw]).filter((f) => f.rule === 'image-tag-unpublished');
    expect(found.map((f) => `${f.name} ${f.field}`).sort()).toEqual([
      'a spec.values.controllers.multus.containers.multus.image.tag',
      'b spec.values.controllers.multus.containers.multus.image.tag',
      'multus spec.template.spec.containers[0].image',
    ]);
  });
  test('a v-prefixed thick tag with a digest passes', () => {
    const values = angelnuValues();
    values.controllers.multus.containers.multus.image.tag = 'v4.3.0-thick@sha256:2b9671447f3ea4e7e56730843dbf59445b9307246f393b61386b896d56ae51c9';
    expect(check([angelnuRepository, angelnuRelease('7.0.0', values)])).toEqual([]);
  });
});

describe('nad-capability', () => {
  test('static IPAM without ips, and pods pinning a MAC, without the capabilities: warnings', () => {
    const found = check([nad('iot', 'kube-system', macvlan('iot')), pod('ha', 'home', onIot(['192.0.2.10/24'], { mac: '02:00:00:00:00:01' }))]);
    expect(found.map((f) => `${f.rule} ${f.level}`)).toEqual(['nad-capability warning', 'nad-capability warning']);
    expect(found[0].problem).toContain('no "ips" capability');
    expect(found[1].problem).toContain('no "mac" capability');
  });
  test('declared on macvlan, or mac on a chained tuning plugin, passes', () => {
    const tuning = { cniVersion: '0.3.1', name: 'iot', plugins: [{ type: 'macvlan', capabilities: { ips: true }, ipam: { type: 'static' } }, { type: 'tuning', capabilities: { mac: true } }] };
    expect(check([nad('iot', 'kube-system', tuning), pod('ha', 'home', onIot(['192.0.2.10/24'], { mac: '02:00:00:00:00:01' }))])).toEqual([]);
  });
  test('static IPAM with its own addresses, or DHCP-less host-local, needs nothing', () => {
    const fixed = macvlan('fixed', undefined, { type: 'static', addresses: [{ address: '192.0.2.5/24' }] });
    const hostLocal = macvlan('pool', undefined, { type: 'host-local', ranges: [[{ subnet: '192.0.2.0/24' }]] });
    expect(check([nad('fixed', 'kube-system', fixed), nad('pool', 'kube-system', hostLocal)])).toEqual([]);
  });
});

describe('nad-config-invalid', () => {
  test('a config that is not JSON, or has no plugin, is refused; no config at all (a file on the node) passes', () => {
    const none = nad('on-disk', 'kube-system', '');
    delete none.spec.config;
    expect(rules(check([nad('a', 'kube-system', '{"type": macvlan}'), nad('b', 'kube-system', '{"cniVersion": "0.3.1"}'), none]))).toEqual(['nad-config-invalid', 'nad-config-invalid']);
  });
});

describe('nad-same-kustomization', () => {
  test('the NAD and the Multus release applied by one Flux Kustomization deadlock the first install', () => {
    const ks = flux('multus');
    const found = check([manifest(angelnuRepository), manifest(angelnuRelease('7.0.0'), { flux: ks }), manifest(iotNad, { flux: ks })]);
    expect(found.map((f) => `${f.rule} ${f.kind}/${f.name}`)).toEqual(['nad-same-kustomization NetworkAttachmentDefinition/iot']);
    expect(found[0].fix).toContain('dependsOn');
  });
  test('two Kustomizations, or no Flux context at all, pass', () => {
    expect(check([manifest(angelnuRepository), manifest(angelnuRelease('7.0.0'), { flux: flux('multus') }), manifest(iotNad, { flux: flux('multus-networks') })])).toEqual([]);
    expect(check([angelnuRepository, angelnuRelease('7.0.0'), iotNad])).toEqual([]);
  });
});

describe('annotation-misplaced', () => {
  test('on a Deployment\'s own metadata, on a CronJob\'s job template, under controllers.<c>.annotations', () => {
    const d = deployment('esphome', 'home', undefined, {}, { [NETWORKS]: onIot(['192.0.2.10/24']) });
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'scan', namespace: 'home' }, spec: { schedule: '@hourly', concurrencyPolicy: 'Forbid', jobTemplate: { metadata: { annotations: { [NETWORKS]: 'iot' } }, spec: { template: { spec: { containers: [] } } } } } };
    const ha = appTemplate('ha', 'home', { controllers: { ha: { annotations: { [NETWORKS]: onIot(['192.0.2.11/24']) }, containers: { app: { image: { repository: 'r', tag: '1' } } } } } });
    const found = check([iotNad, d, cron, ...ha]).filter((f) => f.rule === 'annotation-misplaced');
    const byKind = Object.fromEntries(found.map((f) => [f.kind, f]));
    expect(found).toHaveLength(3);
    expect(byKind.Deployment).toMatchObject({ name: 'esphome', field: `metadata.annotations["${NETWORKS}"]`, fix: `move it to spec.template.metadata.annotations["${NETWORKS}"]` });
    expect(byKind.CronJob).toMatchObject({ name: 'scan', field: `spec.jobTemplate.metadata.annotations["${NETWORKS}"]` });
    expect(byKind.HelmRelease).toMatchObject({ name: 'ha', field: `spec.values.controllers.ha.annotations["${NETWORKS}"]` });
    expect(byKind.HelmRelease.fix).toContain('controllers.ha.pod.annotations');
  });
  test('pods, pod templates, controllers.<c>.pod.annotations and defaultPodOptions.annotations are right', () => {
    const ha = appTemplate('ha', 'home', { controllers: { ha: { pod: { annotations: { [NETWORKS]: onIot(['192.0.2.11/24']) } } } } });
    const esphome = appTemplate('esphome', 'home', { defaultPodOptions: { annotations: { [NETWORKS]: onIot(['192.0.2.12/24']) } }, controllers: { esphome: {} } });
    expect(check([iotNad, pod('test', 'default', onIot(['192.0.2.13/24'])), deployment('d', 'home', onIot(['192.0.2.14/24'])), ...ha, ...esphome])).toEqual([]);
  });
  test('a copy on the workload of what its pods carry anyway changes nothing and passes', () => {
    const value = onIot(['192.0.2.10/24']);
    expect(check([iotNad, deployment('d', 'home', value, {}, { [NETWORKS]: value })])).toEqual([]);
  });
  test('charts the rulebook does not know are not judged', () => {
    const other = ociRelease('oci://ghcr.io/prometheus-community/charts/prometheus-blackbox-exporter', '9.0.0', 'blackbox', 'o11y', { podAnnotations: { [NETWORKS]: onIot(['192.0.2.20/24']) } });
    expect(check([iotNad, ...other])).toEqual([]);
  });
});

describe('annotation-invalid-json and annotation-unknown-key', () => {
  test.each([
    ['not JSON', '[{"name": "iot",}]', ''],
    ['an object, not a list', '{"name": "iot"}', ''],
    ['no name', '[{"namespace": "kube-system"}]', '[0].name'],
    ['ips not a list', '[{"name": "iot", "ips": "192.0.2.10/24"}]', '[0].ips'],
    ['a placeholder address', '[{"name": "iot", "ips": ["192.168.x.250/24"]}]', '[0].ips[0]'],
    ['a multicast MAC', '[{"name": "iot", "mac": "01:00:5e:00:00:01"}]', '[0].mac'],
    ['a default route that is no address', '[{"name": "iot", "default-route": ["gw"]}]', '[0].default-route[0]'],
    ['a bad network reference', 'kube-system/iot/extra', '[0]'],
  ])('%s is refused', (_what, value, at) => {
    const found = check([pod('p', 'kube-system', value)]).filter((f) => f.rule === 'annotation-invalid-json');
    expect(found.map((f) => f.field)).toEqual([`metadata.annotations["${NETWORKS}"]${at}`]);
  });
  test.each([
    ['the JSON list form', onIot(['192.0.2.10/24'], { interface: 'iot0', 'default-route': ['192.0.2.1'], 'cni-args': { a: 'b' } })],
    ['the comma form', 'kube-system/iot@iot0, iot'],
    ['keys in another case, as Go reads them', '[{"Name": "iot", "Namespace": "kube-system", "IPs": ["192.0.2.10/24"]}]'],
    ['a Flux variable', '[{"name": "iot", "namespace": "kube-system", "ips": ["${HA_IP}"]}]'],
    ['a Helm template that breaks the JSON', '[{"name": "iot", "ips": [{{ .Values.ip }}]}]'],
  ])('%s passes', (_what, value) => {
    expect(check([iotNad, pod('p', 'kube-system', value)])).toEqual([]);
  });
  test('a key Multus does not know is a warning', () => {
    const found = check([iotNad, pod('p', 'kube-system', '[{"name": "iot", "ip": ["192.0.2.10/24"]}]')]);
    expect(found.map((f) => `${f.rule} ${f.level} ${f.field}`)).toEqual([`annotation-unknown-key warning metadata.annotations["${NETWORKS}"][0].ip`]);
  });
});

describe('nad-missing', () => {
  test('a NAD the input does not define, by the pod\'s namespace when none is given', () => {
    const found = check([iotNad, pod('a', 'home', selection({ name: 'iot' })), pod('b', 'home', selection({ name: 'cameras', namespace: 'kube-system' }))]);
    expect(found.map((f) => `${f.rule} ${f.name}`)).toEqual(['nad-missing a', 'nad-missing b']);
    expect(found[0].problem).toContain('home/iot (the pod\'s namespace, as no namespace is given)');
    expect(found[0].fix).toBe('add "namespace": "kube-system" to the element, or define the NAD in home');
  });
  test('judged only where the input defines NADs, and only over a whole repository', () => {
    expect(check([pod('a', 'home', selection({ name: 'iot' }))])).toEqual([]);
    expect(check([iotNad, pod('a', 'home', selection({ name: 'cameras' }))], 'app')).toEqual([]);
  });
  test('a NAD of that name whose namespace the input does not tell (a substituted Flux path) is no error', () => {
    // GIVEN the NAD's own object without a namespace, and no Flux context that gives one
    const { metadata, ...rest } = nad('iot', 'x', macvlan('iot', { ips: true }));
    const unplaced = manifest({ ...rest, metadata: { name: metadata.name } });
    // THEN a pod naming iot in its own namespace is not reported: the NAD may be there
    expect(check([unplaced, pod('a', 'home', selection({ name: 'iot' }))])).toEqual([]);
  });
  test('a NAD found by Flux\'s targetNamespace passes', () => {
    const placed = manifest(nad('iot', 'ignored', macvlan('iot', { ips: true })), { namespace: 'home', flux: { ...flux('networks'), targetNamespace: 'home' } });
    expect(check([placed, pod('a', 'home', selection({ name: 'iot' }))])).toEqual([]);
  });
});

describe('address-conflict', () => {
  test('one address on one network held by two pods, and one MAC held by two releases', () => {
    const ha = appTemplate('ha', 'home', { controllers: { ha: { pod: { annotations: { [NETWORKS]: onIot(['192.0.2.10/24'], { mac: '02:00:00:00:00:01' }) } } } } });
    const esphome = appTemplate('esphome', 'home', { controllers: { esphome: { pod: { annotations: { [NETWORKS]: onIot(['192.0.2.11/24'], { mac: '02:00:00:00:00:01' }) } } } } });
    const found = check([iotNad, ...ha, ...esphome, pod('test', 'default', onIot(['192.0.2.10']))]).filter((f) => f.rule === 'address-conflict');
    expect(found.map((f) => f.value).sort()).toEqual(['"02:00:00:00:00:01"', '"192.0.2.10"']);
    const ip = found.find((f) => f.value === '"192.0.2.10"')!;
    expect([ip.name, ip.problem.includes('Pod default/test') ? 'test' : ip.problem.includes('HelmRelease home/ha') ? 'ha' : '?'].sort()).toEqual(['ha', 'test']);
  });
  test('defaultPodOptions give every controller of a release the same address', () => {
    const two = appTemplate('ha', 'home', { defaultPodOptions: { annotations: { [NETWORKS]: onIot(['192.0.2.10/24']) } }, controllers: { ha: {}, code: {} } });
    expect(rules(check([iotNad, ...two]))).toEqual(['address-conflict']);
  });
  test('other networks, other addresses, and other clusters pass', () => {
    const inCluster = (o: any, cluster: string): any => manifest(o, { flux: flux('apps', cluster) });
    expect(check([iotNad, pod('a', 'home', onIot(['192.0.2.10/24'])), pod('b', 'home', onIot(['192.0.2.11/24'])), pod('c', 'home', selection({ name: 'cams', namespace: 'kube-system', ips: ['192.0.2.10/24'] })), nad('cams', 'kube-system', macvlan('cams', { ips: true }))])).toEqual([]);
    expect(check([inCluster(iotNad, 'a'), inCluster(pod('a', 'home', onIot(['192.0.2.10/24'])), 'a'), inCluster(iotNad, 'b'), inCluster(pod('a', 'home', onIot(['192.0.2.10/24'])), 'b')])).toEqual([]);
  });
});

describe('static-ip-rollout', () => {
  test.each([
    ['two replicas', { replicas: 2 }],
    ['the default RollingUpdate (maxSurge 25%)', { strategy: undefined }],
    ['a RollingUpdate that surges by one', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }],
  ])('a Deployment with %s', (_what, spec) => {
    const found = check([iotNad, deployment('ha', 'home', onIot(['192.0.2.10/24']), spec)]);
    expect(rules(found)).toEqual(['static-ip-rollout']);
    expect(found[0].fix).toContain('Recreate');
  });
  test('an autoscaler, a DaemonSet, an app-template RollingUpdate, a CronJob that may overlap', () => {
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'ha', namespace: 'home' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ha' }, minReplicas: 1, maxReplicas: 3 } };
    const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'mdns', namespace: 'home' }, spec: { template: { metadata: { annotations: { [NETWORKS]: onIot(['192.0.2.11/24']) } }, spec: { containers: [] } } } };
    const rolling = appTemplate('zwave', 'home', { controllers: { zwave: { strategy: 'RollingUpdate', pod: { annotations: { [NETWORKS]: onIot(['192.0.2.12/24']) } } } } });
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'scan', namespace: 'home' }, spec: { schedule: '@hourly', jobTemplate: { spec: { template: { metadata: { annotations: { [NETWORKS]: onIot(['192.0.2.13/24']) } }, spec: { containers: [] } } } } } };
    const found = check([iotNad, deployment('ha', 'home', onIot(['192.0.2.10/24'])), hpa, ds, ...rolling, cron]).filter((f) => f.rule === 'static-ip-rollout');
    expect(found.map((f) => f.name).sort()).toEqual(['ha', 'mdns', 'scan', 'zwave']);
  });
  test('an autoscaler among an app-template release\'s rawResources (5.x layout) scales its controller', () => {
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'zwave' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: '{{ .Release.Name }}' }, maxReplicas: 3 } };
    const values = { controllers: { zwave: { pod: { annotations: { [NETWORKS]: onIot(['192.0.2.12/24']) } } } }, rawResources: { hpa: { manifest: hpa } } };
    const found = check([iotNad, ...appTemplate('zwave', 'home', values)]).filter((f) => f.rule === 'static-ip-rollout');
    expect(found.map((f) => f.problem)).toEqual([expect.stringContaining('HorizontalPodAutoscaler zwave scales it up to 3 replicas (rawResources.hpa)')]);
  });
  test('one pod at a time, or no static address, passes', () => {
    const noSurge = { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } };
    expect(check([iotNad, deployment('a', 'home', onIot(['192.0.2.10/24'])), deployment('b', 'home', onIot(['192.0.2.11/24']), noSurge), deployment('c', 'home', selection({ name: 'iot', namespace: 'kube-system' }), { replicas: 3 })])).toEqual([]);
  });
});

describe('host-network-annotation', () => {
  const lan = selection({ name: 'iot', namespace: 'kube-system' });
  test('a hand-written Deployment with hostNetwork: true and a networks annotation on its pods', () => {
    // GIVEN a Deployment whose pod template joins the node's network and asks for a NAD
    const d = deployment('ha', 'home', lan);
    d.spec.template.spec.hostNetwork = true;
    // WHEN
    const found = check([iotNad, d]);
    // THEN one error at the hostNetwork field, saying why nothing is attached and what to do
    expect(rules(found)).toEqual(['host-network-annotation']);
    expect(found[0]).toMatchObject({ level: 'error', kind: 'Deployment', name: 'ha', field: 'spec.template.spec.hostNetwork', value: 'true' });
    expect(found[0].problem).toContain('the Deployment\'s pod template has hostNetwork: true');
    expect(found[0].problem).toContain(`spec.template.metadata.annotations["${NETWORKS}"]`);
    expect(found[0].fix).toMatch(/no CNI ADD.*run the pod on the pod network, or leave the annotation off/);
  });
  test('a Pod and a CronJob on the node\'s network with a networks annotation', () => {
    const p = pod('scan', 'home', lan);
    p.spec.hostNetwork = true;
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'job', namespace: 'home' }, spec: { schedule: '@hourly', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: { metadata: { annotations: { [NETWORKS]: lan } }, spec: { hostNetwork: true, containers: [] } } } } } };
    const found = check([iotNad, p, cron]);
    expect(found.map((f) => `${f.rule} ${f.name} ${f.field}`).sort()).toEqual(['host-network-annotation job spec.jobTemplate.spec.template.spec.hostNetwork', 'host-network-annotation scan spec.hostNetwork']);
  });
  test('an app-template release with defaultPodOptions.hostNetwork: true beside controllers.<c>.pod.annotations', () => {
    // GIVEN the form seen on a real repository
    const release = appTemplate('ha', 'home', { defaultPodOptions: { hostNetwork: true }, controllers: { ha: { pod: { annotations: { [NETWORKS]: lan } }, containers: { app: { image: { repository: 'registry.example/ha', tag: '1.0.0' } } } } } });
    // WHEN
    const found = check([iotNad, ...release]);
    // THEN
    expect(rules(found)).toEqual(['host-network-annotation']);
    expect(found[0]).toMatchObject({ kind: 'HelmRelease', name: 'ha', field: 'spec.values.defaultPodOptions.hostNetwork', value: 'true' });
    expect(found[0].problem).toContain('defaultPodOptions.hostNetwork: true');
    expect(found[0].problem).toContain(`spec.values.controllers.ha.pod.annotations["${NETWORKS}"]`);
  });
  test('an app-template controller\'s own pod.hostNetwork, and networks from defaultPodOptions.annotations', () => {
    const release = appTemplate('ha', 'home', { defaultPodOptions: { annotations: { [NETWORKS]: lan } }, controllers: { ha: { pod: { hostNetwork: true }, containers: {} }, web: { containers: {} } } });
    const found = check([iotNad, ...release]);
    expect(found.map((f) => `${f.rule} ${f.field}`)).toEqual(['host-network-annotation spec.values.controllers.ha.pod.hostNetwork']);
  });
  test('passes: hostNetwork without networks, networks without hostNetwork, and a controller that turns the default off', () => {
    const hostOnly = deployment('dhcp', 'kube-system', undefined);
    hostOnly.spec.template.spec.hostNetwork = true;
    const podNetwork = deployment('ha', 'home', lan);
    const off = appTemplate('zwave', 'home', { defaultPodOptions: { hostNetwork: true }, controllers: { zwave: { pod: { hostNetwork: false, annotations: { [NETWORKS]: lan } }, containers: {} } } });
    const noNetworks = appTemplate('mqtt', 'home', { defaultPodOptions: { hostNetwork: true }, controllers: { mqtt: { containers: {} } } });
    expect(check([iotNad, hostOnly, podNetwork, ...off, ...noNetworks]).filter((f) => f.rule === 'host-network-annotation')).toEqual([]);
  });
});

describe('memory-limit-low', () => {
  test('a thick daemon limited below 256Mi: in angelnu values and in a hand-written DaemonSet', () => {
    const values = angelnuValues();
    values.controllers.multus.containers.multus.resources.limits.memory = '128Mi';
    const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'kube-multus', namespace: 'kube-system' }, spec: { template: { spec: { containers: [{ name: 'multus', image: 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick', resources: { limits: { memory: '50Mi' } } }] } } } };
    const found = check([angelnuRepository, angelnuRelease('7.0.0', values), ds]);
    expect(found.map((f) => `${f.rule} ${f.level} ${f.value}`).sort()).toEqual(['memory-limit-low warning "128Mi"', 'memory-limit-low warning "50Mi"']);
  });
  test('256Mi and more, no limit, and the thin plugin (bjw-s) pass', () => {
    const values = angelnuValues();
    values.controllers.multus.containers.multus.resources.limits.memory = '1Gi';
    const bjws = ociRelease('oci://ghcr.io/bjw-s-labs/helm/multus', '1.3.1', 'multus', 'network', { multus: { resources: { limits: { memory: '32Mi' } } } });
    expect(check([angelnuRepository, angelnuRelease('7.0.0', values), ...bjws])).toEqual([]);
  });
});

describe('cilium-exclusive and cni-paths-primary', () => {
  const standard = { config: '/etc/cni/net.d', bin: '/opt/cni/bin' };
  test('Cilium left exclusive next to Multus, and Multus on k3s\'s flannel paths while Cilium is the primary CNI', () => {
    const found = check([angelnuRepository, angelnuRelease('7.0.0'), cilium({ kubeProxyReplacement: true })]);
    expect(found.map((f) => `${f.rule} ${f.kind}/${f.name} ${f.field}`).sort()).toEqual([
      'cilium-exclusive HelmRelease/cilium spec.values.cni.exclusive',
      'cni-paths-primary HelmRelease/multus spec.values.cni.paths.bin',
      'cni-paths-primary HelmRelease/multus spec.values.cni.paths.config',
    ]);
    expect(found.find((f) => f.rule === 'cilium-exclusive')!.fix).toContain('{"cni":{"exclusive":false}}');
  });
  test('the reverse: Cilium writing to k3s\'s directories while Multus uses the standard ones', () => {
    const k3sCilium = cilium({ cni: { exclusive: false, confPath: '/var/lib/rancher/k3s/agent/etc/cni/net.d', binPath: '/var/lib/rancher/k3s/data/cni' } });
    expect(rules(check([angelnuRepository, angelnuRelease('7.0.0', angelnuValues(standard)), k3sCilium]))).toEqual(['cni-paths-primary', 'cni-paths-primary']);
  });
  test('Cilium with exclusive: false and Multus on its directories pass; so does Cilium without Multus', () => {
    expect(check([angelnuRepository, angelnuRelease('7.0.0', angelnuValues(standard)), cilium({ cni: { exclusive: false } })])).toEqual([]);
    expect(check([cilium({})])).toEqual([]);
  });
  test('values Cilium takes from a source the input does not hold are not guessed', () => {
    const c = cilium({});
    c.spec.valuesFrom = [{ kind: 'ConfigMap', name: 'cilium-values' }];
    expect(check([angelnuRepository, angelnuRelease('7.0.0', angelnuValues(standard)), c])).toEqual([]);
  });
  test('two clusters of one repository are not paired: Cilium in one, k3s\'s flannel in the other', () => {
    const a = (o: any): any => manifest(o, { flux: flux('apps', 'flux-system/cluster-a') });
    const b = (o: any): any => manifest(o, { flux: flux('apps', 'flux-system/cluster-b') });
    expect(check([a(angelnuRepository), a(angelnuRelease('7.0.0', angelnuValues(standard))), a(cilium({ cni: { exclusive: false } })), b(angelnuRepository), b(angelnuRelease('7.0.0', angelnuValues()))])).toEqual([]);
  });
});

describe('dhcp-daemon', () => {
  const dhcp = nad('iot', 'kube-system', macvlan('iot', undefined, { type: 'dhcp' }));
  test('dhcp IPAM without a daemon in the input is a warning', () => {
    expect(check([dhcp]).map((f) => `${f.rule} ${f.level}`)).toEqual(['dhcp-daemon warning']);
  });
  test('a DaemonSet that runs the dhcp daemon passes', () => {
    const daemon = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'cni-dhcp', namespace: 'kube-system' }, spec: { template: { spec: { hostNetwork: true, containers: [{ name: 'dhcp', image: 'registry.example/cni-plugins:1.9.1', command: ['/opt/cni/bin/dhcp', 'daemon'] }] } } } };
    expect(check([dhcp, daemon])).toEqual([]);
  });
});

describe('common5-service-accounts', () => {
  const bare = () => {
    const v = angelnuValues();
    delete v.defaultPodOptions;
    delete v.global;
    return v;
  };

  test('7.0.0 values without the common 5 fixes: the hooks cannot pick a ServiceAccount, and the daemon gets no token', () => {
    // GIVEN values written for the first 7.0.0 build (common 4.6.2)
    // WHEN checked THEN both problems are named
    const found = check([angelnuRepository, angelnuRelease('7.0.0', bare())]).filter((f) => f.rule === 'common5-service-accounts');
    expect(found.map((f) => f.field).sort()).toEqual(['spec.values.defaultPodOptions.automountServiceAccountToken', 'spec.values.global.createDefaultServiceAccount']);
    expect(found.every((f) => f.level === 'error')).toBe(true);
  });

  test('what MultusInstall writes passes, and so do hook controllers given their own ServiceAccount', () => {
    // GIVEN the library's values, and a hand-written alternative (test disabled, uninstall pinned)
    const alternative = { ...bare(), defaultPodOptions: { automountServiceAccountToken: true }, controllers: { ...bare().controllers, test: { enabled: false }, uninstall: { serviceAccount: { name: 'multus' } } } };
    // WHEN / THEN neither is judged
    expect(rules(check([angelnuRepository, angelnuRelease('7.0.0', angelnuValues())]))).not.toContain('common5-service-accounts');
    expect(rules(check([angelnuRepository, angelnuRelease('7.0.0', alternative)]))).not.toContain('common5-service-accounts');
  });

  test('6.0.4 (common 4.5.0) is not judged', () => {
    // GIVEN / WHEN / THEN
    expect(rules(check([angelnuRepository, angelnuRelease('6.0.4', { controllers: { main: { containers: { main: { image: { tag: 'v4.3.0-thick' } } } } } })]))).not.toContain('common5-service-accounts');
  });
});
