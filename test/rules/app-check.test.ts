import { ApiObject, Chart, Include, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HelmRelease, HelmReleaseSpecChartSpecSourceRefKind } from '../../imports/helm.toolkit.fluxcd.io';
import { buildCluster } from '../../examples/cluster';
import {
  CniPaths, FluxApp, FluxKustomization, FluxTreeApp, IotNetwork, MultusFluxApp, MultusInstall, MultusPodAnnotation, NetworkRef,
  ValidationError,
} from '../../src';
import { testApp, tree, validationError } from '../helpers';

// The rulebook at synth: every app that uses the library's constructs checks every manifest, the
// hand-written ones too. The three mistakes that used to pass silently now fail the synth.

const KEY = MultusPodAnnotation.ANNOTATION_KEY;
const VALUE = '[{"name":"iot","namespace":"kube-system","ips":["192.0.2.10/24"]}]';

function container(): kplus.ContainerProps {
  return { image: 'registry.example/app:1.0.0', securityContext: { ensureNonRoot: false } };
}

/** An app with the IoT network, and a chart for workloads. */
function world() {
  const app = testApp();
  const iot = new IotNetwork(new Chart(app, 'net', { namespace: 'kube-system' }), 'iot', { subnet: '192.0.2.0/24' });
  const apps = new Chart(app, 'apps', { namespace: 'home' });
  return { app, iot, apps };
}

function rulesOf(err: ValidationError): string[] {
  return err.problems.map((p) => p.message.split(':')[0]).sort();
}

/** What the app writes to stderr while `fn` runs. */
function stderrOf(fn: () => void): string {
  const write = process.stderr.write;
  let out = '';
  (process.stderr as any).write = (chunk: any) => {
    out += String(chunk);
    return true;
  };
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return out;
}

describe('the rulebook at synth', () => {
  test('the networks annotation written by hand on a Deployment\'s own metadata fails the synth', () => {
    // GIVEN a cdk8s-plus Deployment with the annotation on its own metadata
    const { app, apps } = world();
    const d = new kplus.Deployment(apps, 'esphome', { replicas: 1, strategy: kplus.DeploymentStrategy.recreate(), containers: [container()] });
    d.metadata.addAnnotation(KEY, VALUE);
    // WHEN the app is synthesized THEN one ValidationError names the rule, the object, the field and the fix
    const err = validationError(() => app.synthYaml());
    expect(rulesOf(err)).toEqual(['annotation-misplaced']);
    expect(err.constructPath).toBe('apps/esphome/Resource');
    expect(err.field).toBe(`metadata.annotations["${KEY}"]`);
    expect(err.hint).toBe(`move it to spec.template.metadata.annotations["${KEY}"]`);
  });

  test('under app-template\'s controllers.<c>.annotations, in a hand-written HelmRelease, it fails the synth', () => {
    const { app, apps } = world();
    new HelmRelease(apps, 'ha', {
      metadata: { name: 'ha' },
      spec: {
        interval: '30m',
        chart: { spec: { chart: 'app-template', version: '4.1.1', sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: 'bjw-s', namespace: 'flux-system' } } },
        values: { controllers: { ha: { annotations: { [KEY]: VALUE }, containers: { app: { image: { repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.11.3' } } } } } },
      },
    });
    new ApiObject(apps, 'bjw-s', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'bjw-s', namespace: 'flux-system' }, spec: { interval: '2h', url: 'https://bjw-s-labs.github.io/helm-charts' } });
    const err = validationError(() => app.synthYaml());
    expect(rulesOf(err)).toEqual(['annotation-misplaced']);
    expect(err.hint).toContain('controllers.ha.pod.annotations');
  });

  test('CniPaths.K3S with a Cilium release in the same app fails the synth, as does Cilium left exclusive', () => {
    // GIVEN the library's install for k3s's embedded flannel, and Cilium as the primary CNI
    const app = testApp();
    const system = new Chart(app, 'system', { namespace: 'kube-system' });
    new MultusInstall(system, 'multus', { cniPaths: CniPaths.K3S });
    new HelmRelease(system, 'cilium', {
      metadata: { name: 'cilium' },
      spec: { interval: '30m', chart: { spec: { chart: 'cilium', version: '1.18.4', sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: 'cilium', namespace: 'flux-system' } } }, values: {} },
    });
    // WHEN / THEN both directories and Cilium's exclusivity are reported, at once
    const err = validationError(() => app.synthYaml());
    expect(rulesOf(err)).toEqual(['cilium-exclusive', 'cni-paths-primary', 'cni-paths-primary']);
    expect(err.problems.find((p) => p.field.endsWith('cni.paths.config'))!.hint).toContain('CniPaths.STANDARD');
  });

  test('CniPaths.STANDARD with Cilium\'s values merged (MultusInstall.ciliumValues()) synthesizes', () => {
    const app = testApp();
    const system = new Chart(app, 'system', { namespace: 'kube-system' });
    new MultusInstall(system, 'multus', { cniPaths: CniPaths.STANDARD });
    new HelmRelease(system, 'cilium', {
      metadata: { name: 'cilium' },
      spec: { interval: '30m', chart: { spec: { chart: 'cilium', version: '1.18.4', sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: 'cilium', namespace: 'flux-system' } } }, values: MultusInstall.ciliumValues() },
    });
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('a one-replica Deployment with a static address under cdk8s-plus\'s default RollingUpdate fails the synth', () => {
    // GIVEN the default strategy (RollingUpdate, maxSurge 25%): every rollout runs two pods with one address
    const { app, iot, apps } = world();
    const d = new kplus.Deployment(apps, 'esphome', { replicas: 1, containers: [container()] });
    new MultusPodAnnotation(apps, 'esphome-iot', { networks: [{ network: iot, ips: ['192.0.2.10'] }] }).applyTo(d);
    const err = validationError(() => app.synthYaml());
    expect(rulesOf(err)).toEqual(['static-ip-rollout']);
    expect(err.message).toContain('maxSurge "25%"');
    expect(err.hint).toContain('kplus.DeploymentStrategy.recreate()');
  });

  test('a MultusPodAnnotation\'s address, read from the construct, clashes with the same address written by hand', () => {
    // GIVEN a Deployment on the network through the construct, and a hand-written Pod with its address
    const { app, iot, apps } = world();
    const d = new kplus.Deployment(apps, 'esphome', { replicas: 1, strategy: kplus.DeploymentStrategy.recreate(), containers: [container()] });
    new MultusPodAnnotation(apps, 'esphome-iot', { networks: [{ network: iot, ips: ['192.0.2.10'] }] }).applyTo(d);
    new ApiObject(apps, 'other', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other', annotations: { [KEY]: VALUE } }, spec: { containers: [] } } as any);
    // WHEN the app is synthesized THEN the rules saw the construct's address as Multus will
    const err = validationError(() => app.synthYaml());
    expect(rulesOf(err)).toEqual(['address-conflict']);
    expect(err.message).toContain('192.0.2.10');
  });

  test('included YAML is checked too', () => {
    const { app, apps } = world();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-include-')), 'nad.yaml');
    fs.writeFileSync(file, 'apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: broken\n  namespace: home\nspec:\n  config: "{not json"\n');
    new Include(apps, 'nads', { url: file });
    expect(rulesOf(validationError(() => app.synthYaml()))).toEqual(['nad-config-invalid']);
  });

  test('a NAD defined elsewhere (NetworkRef, or named by hand) is not "missing" at synth', () => {
    const { app, iot, apps } = world();
    const pod = new kplus.Pod(apps, 'debug', { containers: [container()] });
    new MultusPodAnnotation(apps, 'debug-net', { networks: [{ network: iot, ips: ['192.0.2.20'] }, { network: NetworkRef.of('cameras', 'network') }] }).applyTo(pod);
    new ApiObject(apps, 'other', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other', annotations: { [KEY]: 'network/cameras' } }, spec: { containers: [] } } as any);
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('warnings are written to stderr, once per app, and do not fail the synth', () => {
    const { app, apps } = world();
    new ApiObject(apps, 'nad', { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'plain' }, spec: { config: '{"cniVersion":"0.3.1","name":"plain","type":"macvlan","ipam":{"type":"static"}}' } } as any);
    const err = stderrOf(() => {
      Testing.synth(apps);
      app.synthYaml();
    });
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cdk8s-multus warning nad-capability: NetworkAttachmentDefinition home\/plain: spec\.config: .* \(at apps\/nad\)$/);
  });

  test('in a FluxTree: the NAD in the Multus chart\'s own Kustomization fails the synth', () => {
    // GIVEN an IotNetwork created in the Kustomization that installs the chart (not multus.networks)
    const t = tree();
    const multus = new MultusFluxApp(t, 'multus', { install: { cniPaths: CniPaths.K3S } });
    const installer = multus.node.findAll().find((c) => FluxKustomization.isFluxKustomization(c) && (c as FluxKustomization).directory === 'app') as FluxKustomization;
    new IotNetwork(installer, 'iot', { subnet: '192.0.2.0/24' });
    const err = validationError(() => t.files());
    expect(rulesOf(err)).toEqual(['nad-same-kustomization']);
  });

  test('the example cluster synthesizes with no finding at all, on stderr neither', () => {
    const app = new FluxTreeApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-example-')) });
    buildCluster(app);
    expect(stderrOf(() => app.synth())).toBe('');
  });

  test('an app of apps: a FluxApp\'s Kustomization gives its objects their namespace', () => {
    const t = tree();
    const ha = new FluxApp(t, 'ha', { namespace: 'home' });
    const k = new FluxKustomization(ha, 'app');
    new ApiObject(k, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { [KEY]: '[{"name":"iot","ips":["x"]}]' } }, spec: { containers: [] } } as any);
    const err = validationError(() => t.files());
    expect(err.message).toContain('Pod home/p');
  });
});
