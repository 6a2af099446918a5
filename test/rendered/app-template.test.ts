import { Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { buildCluster } from '../../examples/cluster';
import { AppTemplateChart, AppTemplateRelease, IotNetwork } from '../../src';
import { describeRendered, Manifest, ofKind, renderHelmRelease, testWithBuild } from '../helm';
import { IOT, testApp } from '../helpers';
import { HOME_ASSISTANT, USES } from '../apptemplate/uses';

// What the real bjw-s app-template chart makes of the releases AppTemplateRelease writes: each
// HelmRelease's values rendered with helm against the chart directories under
// $CDK8S_MULTUS_CHARTS (test/helm.ts), as helm-controller would. Skipped, with the reason, where
// the chart directories or helm are missing.

const KEY = 'k8s.v1.cni.cncf.io/networks';

/** The example cluster's HelmRelease of Home Assistant, as the tree writes it. */
function exampleRelease(): Manifest {
  const files = buildCluster(testApp()).repository.files();
  const file = files.find((f) => f.path === 'kubernetes/main/apps/home-automation/home-assistant/app/helmrelease.yaml')!;
  return parseAllDocuments(file.content)[0].toJS();
}

/** A real use's HelmRelease on app-template `version`. */
function useRelease(id: string, version: string): Manifest {
  const app = testApp();
  const iot = new IotNetwork(new Chart(app, 'net', { namespace: 'kube-system' }), 'iot', IOT);
  const use = USES.find((u) => u.id === id)!;
  const release = new AppTemplateRelease(new Chart(app, 'home', { namespace: 'home-automation' }), id, { ...use.props(iot), chart: AppTemplateChart.bjwS({ version }) });
  return release.helmRelease.toJson();
}

function only(manifests: Manifest[], kind: string): Manifest {
  const found = ofKind(manifests, kind);
  expect(found.map((m) => `${m.kind}/${m.metadata.name}`)).toHaveLength(1);
  return found[0];
}

/** THEN: the workload is one pod at a time, the release's image, with the networks annotation on its pod template only. */
function expectSinglePodOnTheNetworks(deployment: Manifest, release: Manifest, controller: string): void {
  const wanted = release.spec.values.controllers[controller].pod.annotations[KEY];
  expect(deployment.metadata.annotations?.[KEY]).toBeUndefined();
  expect(deployment.spec.template.metadata.annotations[KEY]).toBe(wanted);
  expect(deployment.spec.replicas).toBe(1);
  expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
  const image = release.spec.values.controllers[controller].containers.app.image;
  expect(deployment.spec.template.spec.containers.map((c: any) => c.image)).toEqual([`${image.repository}:${image.tag}`]);
}

describeRendered('app-template renders the releases AppTemplateRelease writes', () => {
  testWithBuild('the example\'s Home Assistant on 5.0.0: the annotation on the pod template and not on the Deployment, Recreate, one replica, the image', 'app-template', '5.0.0', undefined, (build) => {
    // GIVEN the example's release WHEN the chart renders it
    const release = exampleRelease();
    const manifests = renderHelmRelease(release, build);
    // THEN one Deployment, one pod at a time, on the IoT network at .100
    const deployment = only(manifests, 'Deployment');
    expect(deployment.metadata).toMatchObject({ name: 'home-assistant', namespace: 'home-automation' });
    expectSinglePodOnTheNetworks(deployment, release, 'home-assistant');
    expect(JSON.parse(deployment.spec.template.metadata.annotations[KEY])).toEqual([{ name: 'iot', namespace: 'kube-system', ips: ['192.168.20.100/24'] }]);
    // ... /config on the claim the chart creates, kept on uninstall, and the Service on 8123
    const container = deployment.spec.template.spec.containers[0];
    expect(container.volumeMounts).toEqual([{ name: 'config', mountPath: '/config' }]);
    expect(deployment.spec.template.spec.volumes).toEqual([{ name: 'config', persistentVolumeClaim: { claimName: 'home-assistant' } }]);
    const claim = only(manifests, 'PersistentVolumeClaim');
    expect(claim).toMatchObject({ metadata: { name: 'home-assistant', annotations: { 'helm.sh/resource-policy': 'keep' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } });
    expect(only(manifests, 'Service').spec).toMatchObject({
      ports: [{ name: 'http', port: 8123, targetPort: 8123, protocol: 'TCP' }],
      selector: deployment.spec.selector.matchLabels,
    });
    // ... and what 5.x adds: a ServiceAccount of its own, no token mounted
    expect(only(manifests, 'ServiceAccount').metadata.name).toBe('home-assistant');
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  testWithBuild('the example\'s Home Assistant values on 4.1.1 render the same workload', 'app-template', '4.1.1', undefined, (build) => {
    // GIVEN the example's values WHEN the 4.1.1 chart renders them THEN the same Deployment and claim
    const release = exampleRelease();
    const manifests = renderHelmRelease(release, build);
    expectSinglePodOnTheNetworks(only(manifests, 'Deployment'), release, 'home-assistant');
    expect(ofKind(manifests, 'ServiceAccount')).toEqual([]);
    expect(only(manifests, 'PersistentVolumeClaim').metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
  });

  for (const version of ['5.0.0', '4.1.1']) {
    testWithBuild(`Home Assistant with a Zigbee stick on ${version}: privileged, the device, D-Bus, the existing claim, env, probes, resources, node`, 'app-template', version, undefined, (build) => {
      // GIVEN the Home Assistant of the real uses WHEN the chart renders it
      const release = useRelease(HOME_ASSISTANT.id, version);
      const manifests = renderHelmRelease(release, build);
      // THEN
      const deployment = only(manifests, 'Deployment');
      expectSinglePodOnTheNetworks(deployment, release, 'home-assistant');
      const pod = deployment.spec.template.spec;
      const stick = '/dev/serial/by-id/usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus-if00-port0';
      expect(pod.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'node-1' });
      expect(pod.volumes).toEqual(expect.arrayContaining([
        { name: 'config', persistentVolumeClaim: { claimName: 'home-assistant-config' } },
        { name: 'zigbee', hostPath: { path: stick, type: 'CharDevice' } },
        { name: 'dbus', hostPath: { path: '/run/dbus', type: 'Directory' } },
      ]));
      const app = pod.containers[0];
      expect(app.securityContext).toEqual({ privileged: true });
      expect(app.volumeMounts).toEqual(expect.arrayContaining([
        { name: 'config', mountPath: '/config' },
        { name: 'zigbee', mountPath: stick },
        { name: 'dbus', mountPath: '/run/dbus', readOnly: true },
      ]));
      expect(app.env).toEqual([{ name: 'HASS_HTTP_TRUSTED_PROXY_1', value: '10.42.0.0/16' }, { name: 'TZ', value: 'Europe/Berlin' }]);
      expect(app.envFrom).toEqual([{ secretRef: { name: 'home-assistant-secrets' } }]);
      expect(app.resources).toEqual({ requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } });
      expect(app.livenessProbe).toMatchObject({ httpGet: { path: '/manifest.json', port: 8123 } });
      expect(app.readinessProbe).toMatchObject({ tcpSocket: { port: 8123 } });
      expect(app.startupProbe).toMatchObject({ tcpSocket: { port: 8123 }, periodSeconds: 10, failureThreshold: 30 });
      // an existing claim: the chart creates none
      expect(ofKind(manifests, 'PersistentVolumeClaim')).toEqual([]);
    });

    testWithBuild(`every real use renders on ${version}: one Deployment per release, one pod at a time where the pod is pinned to an address`, 'app-template', version, undefined, (build) => {
      for (const use of USES) {
        // GIVEN each real use WHEN the chart renders it
        const release = useRelease(use.id, version);
        const manifests = renderHelmRelease(release, build);
        // THEN one Deployment of the release's image; pinned pods on the network one at a time
        const deployment = only(manifests, 'Deployment');
        const controller = release.spec.values.controllers[use.id];
        expect({ use: use.id, image: deployment.spec.template.spec.containers[0].image })
          .toEqual({ use: use.id, image: `${controller.containers.app.image.repository}:${controller.containers.app.image.tag}` });
        if (controller.pod?.annotations?.[KEY]) expectSinglePodOnTheNetworks(deployment, release, use.id);
        else expect(deployment.spec.template.metadata.annotations?.[KEY]).toBeUndefined();
      }
    });
  }
});
