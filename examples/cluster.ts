import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AppTemplateChart, AppTemplatePersistence, AppTemplateRelease, ClusterProfile, FluxApp, FluxKustomization, FluxTree, IotNetwork, PrimaryCni,
  MacvlanMode, MultusChart, MultusFluxApp, MultusTestPod,
} from '../src';

/** Options of the example cluster. */
export interface ClusterOptions {
  /**
   * Include the verification pod `multus-test` (`nicolaka/netshoot`, `sleep infinity`) in
   * `default` at 192.168.20.250. Turn it off once `ip addr` has shown `net1`: Flux then prunes the
   * pod.
   * @default true
   */
  readonly testPod?: boolean;
}

/** What `buildCluster` made, for tests and for extending the example. */
export interface Cluster {
  readonly repository: FluxTree;
  readonly multus: MultusFluxApp;
  readonly iot: IotNetwork;
  readonly homeAssistant: FluxKustomization;
  readonly homeAssistantRelease: AppTemplateRelease;
  /** The verification pod, unless left out. */
  readonly testPod?: MultusTestPod;
}

/**
 * A home cluster's Multus setup as code: Multus through Flux, the IoT VLAN as a macvlan network,
 * Home Assistant on it, and a verification pod; where it departs from a typical hand-written
 * setup, docs/decisions.md says why.
 * `cdk8s synth` writes it to `dist/kubernetes/main/`; `cdk8s-multus merge dist/kubernetes/main
 * <repository>/kubernetes/main` puts it into the repository Flux reads (GitRepository `home-kubernetes`).
 */
export function buildCluster(scope: Construct, options: ClusterOptions = {}): Cluster {
  const repository = new FluxTree(scope, 'home-kubernetes', {
    clusterPath: 'kubernetes/main',
    gitRepositoryName: 'home-kubernetes',
  });

  // Multus in kube-system from the angelnu HelmRepository (interval 2h), chart 7.0.0 (Kubernetes >=
  // 1.31; MultusChart.angelnu({ version: '6.0.4' }) on older clusters). 5.0.7 is refused: it was
  // re-published in place without image, resources and tolerations.
  const multus = new MultusFluxApp(repository, 'multus', {
    namespace: 'kube-system',
    install: {
      chart: MultusChart.angelnu({ repositoryInterval: Duration.hours(2) }),
      // The nodes run k3s 1.33 with Cilium (`--flannel-backend=none`): k3s points containerd at its
      // own CNI directories only with its embedded flannel, so containerd reads /etc/cni/net.d and
      // /opt/cni/bin (CniPaths.STANDARD; check `grep -A3 cni
      // /var/lib/rancher/k3s/agent/etc/containerd/config.toml` on a node), and Cilium needs
      // cni.exclusive: false (MultusInstall.ciliumValues()). The profile says so, and checks the
      // chart's Kubernetes range against 1.33.
      cluster: ClusterProfile.k3s({ primaryCni: PrimaryCni.CILIUM, kubernetesVersion: '1.33' }),
      // The image (v4.3.0-thick) and resources (requests 10m / 64Mi, limit 512Mi; 128Mi OOM-kills
      // the thick daemon on node reboots: https://github.com/k8snetworkplumbingwg/multus-cni/issues/1346)
      // are the library's defaults.
      // Run on every node; the chart ignores tolerations in values, so the library applies them
      // with a post-renderer patch on the DaemonSet.
      tolerations: [{ operator: 'Exists' }],
    },
  });
  // Cilium is configured outside this tree, with the cluster. It must run with
  // `cni.exclusive: false`, or it renames 00-multus.conf to *.cilium_bak on every restart and
  // Multus silently stops attaching networks (https://github.com/k8snetworkplumbingwg/multus-cni/issues/972).
  // Merge into the Cilium release's values:
  //   MultusInstall.ciliumValues()   // { cni: { exclusive: false } }
  // then restart the Multus pods once, so that they write 00-multus.conf again.

  // Plan step 5: the `iot` network, in its own Kustomization that waits for the chart (the NAD's
  // CRD comes from the chart; kustomize-controller #601).
  const iot = new IotNetwork(multus.networks, 'iot', {
    subnet: '192.168.20.0/24',
    namespace: 'kube-system',
    master: 'eth0',
    mode: MacvlanMode.BRIDGE,
    gateway: '192.168.20.1',
    // The UniFi DHCP pool: static addresses inside it are refused.
    dhcpRange: { start: '192.168.20.150', end: '192.168.20.249' },
  });

  // Home Assistant on the IoT LAN at 192.168.20.100: one bjw-s app-template 5.x release, its chart
  // from the OCI registry (OCIRepository app-template in flux-system). The static address makes it a
  // single pod replaced with Recreate: a rolling update would start a second pod with the same
  // address (and the same ReadWriteOnce volume) before the old one is gone.
  repository.addNamespace('home-automation');
  const haUnit = new FluxApp(repository, 'home-assistant', { namespace: 'home-automation' });
  // The NAD must exist before the pod starts, or Multus fails the pod's sandbox.
  const homeAssistant = new FluxKustomization(haUnit, 'app', { dependsOn: [multus.networks] });
  const homeAssistantRelease = new AppTemplateRelease(homeAssistant, 'home-assistant', {
    chart: AppTemplateChart.bjwS({ version: '5.0.0' }),
    image: { repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.11.3' },
    ports: [{ name: 'http', port: 8123 }],
    // Mounted at /config, where the image keeps Home Assistant's configuration.
    persistence: { config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(5) }) },
    // The annotation goes on the pod (`controllers.home-assistant.pod.annotations`), not on the
    // Deployment: the most reported Multus mistake
    // (https://github.com/k8snetworkplumbingwg/multus-cni/issues/348).
    networks: [{ network: iot, ips: ['192.168.20.100/24'] }],
  });

  // Verification step 3: the test pod, in `default`, on iot at 192.168.20.250 (outside the DHCP pool).
  let testPod: MultusTestPod | undefined;
  if (options.testPod ?? true) {
    const testUnit = new FluxApp(repository, 'multus-test', { namespace: 'default' });
    const testApp = new FluxKustomization(testUnit, 'app', { dependsOn: [multus.networks] });
    testPod = new MultusTestPod(testApp, 'multus-test', { network: iot, ips: ['192.168.20.250/24'] });
  }

  return { repository, multus, iot, homeAssistant, homeAssistantRelease, testPod };
}
