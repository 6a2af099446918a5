import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Problems, invalid } from '../errors';
import { fluxDuration } from '../flux/duration';
import { NetworkSelection } from '../pod/annotation';
import { deepMerge, isPlainObject } from '../util/merge';
import { checkHelmReleaseName } from '../util/names';
import { checkDnsLabel } from '../util/validate';
import { AppTemplateChart } from './chart';
import { AppTemplateEnvSource, AppTemplateImage, AppTemplatePodSecurityContext, AppTemplatePort, AppTemplateSecurityContext, AppTemplateStrategy } from './options';
import { AppTemplatePersistence } from './persistence';
import { AppTemplateProbes } from './probe';
import { checkUserValues } from './user-values';
import {
  CONTAINER, checkPersistence, checkPorts, renderEnv, renderEnvFrom, renderImage, renderNodeSelector, renderPodSecurityContext,
  renderProbes, renderResources, renderSecurityContext, renderService,
} from './values';
import { checkKubernetesField } from '../util/kubernetes-fields';
import { checkKnownProps, propsShape } from '../util/props';
import { ContainerResources } from '../util/resources';

/** The keys of `AppTemplateReleaseProps` (util/props). @internal */
export const RELEASE_PROPS = propsShape<AppTemplateReleaseProps>('AppTemplateReleaseProps', {
  image: true, chart: true, releaseName: true, namespace: true, controller: true, interval: true, replicas: true, strategy: true,
  ports: true, persistence: true, env: true, envFrom: true, securityContext: true, podSecurityContext: true, resources: true,
  probes: true, nodeSelector: true, networks: true, values: true,
});

// An app-template release as a pure, validated model: props in, the release's chart values out.
// AppTemplateRelease turns it into a HelmRelease (and its chart source), and adds the pod's
// networks annotation, which MultusPodAnnotation checks and claims.

/** Props of `AppTemplateRelease`. */
export interface AppTemplateReleaseProps {
  /** The container image, with a pinned tag. */
  readonly image: AppTemplateImage;

  /**
   * The chart version and where Flux gets it.
   * @default AppTemplateChart.bjwS() - app-template 5.0.0 from its OCI registry
   */
  readonly chart?: AppTemplateChart;

  /**
   * Name of the HelmRelease and of the Helm release (the chart names the Deployment, Service and
   * claims after it). A DNS-1123 label of at most 53 characters, Helm's limit.
   * @default - the construct id
   */
  readonly releaseName?: string;

  /**
   * Namespace of the HelmRelease and of the workload.
   * @default - the namespace of the enclosing cdk8s Chart
   */
  readonly namespace?: string;

  /**
   * The app-template controller (the key under `controllers`) that runs the container `app`.
   * @default - the release name
   */
  readonly controller?: string;

  /**
   * How often Flux reconciles the release.
   * @default Duration.minutes(30)
   */
  readonly interval?: Duration;

  /**
   * The number of pods. With a static address or a pinned MAC in `networks` it must be 1: every
   * pod would take the same address.
   * @default 1
   */
  readonly replicas?: number;

  /**
   * How the Deployment replaces its pod. With a static address or a pinned MAC in `networks` it
   * must be `RECREATE`: a rolling update starts the new pod while the old one holds the address.
   * @default AppTemplateStrategy.RECREATE - also right for a ReadWriteOnce volume
   */
  readonly strategy?: AppTemplateStrategy;

  /**
   * The container's ports, served by the release's Service (`app`); the first is the primary
   * port, and the default port of the probes.
   * @default - no ports and no Service
   */
  readonly ports?: AppTemplatePort[];

  /**
   * The release's volumes by name (`persistence.<name>`), each mounted in the container (at
   * `/<name>` unless the volume says otherwise).
   * @default - none
   */
  readonly persistence?: { [name: string]: AppTemplatePersistence };

  /**
   * Environment variables of the container, by name (`TZ`, `HASS_HTTP_TRUSTED_PROXY_1`); the
   * values are strings. The chart renders them through Helm's `tpl`, so `{{ ... }}` is evaluated.
   * @default - none
   */
  readonly env?: { [name: string]: string };

  /**
   * Secrets and ConfigMaps whose keys become environment variables.
   * @default - none
   */
  readonly envFrom?: AppTemplateEnvSource[];

  /**
   * The container's security context (`privileged` for a host device).
   * @default - the chart's: none
   */
  readonly securityContext?: AppTemplateSecurityContext;

  /**
   * The pod's security context: the user and groups it runs as.
   * @default - the chart's: none
   */
  readonly podSecurityContext?: AppTemplatePodSecurityContext;

  /**
   * Requests and limits of the container.
   * @default - none
   */
  readonly resources?: ContainerResources;

  /**
   * Liveness, readiness and startup probes of the container.
   * @default - none (the chart's default: every probe off)
   */
  readonly probes?: AppTemplateProbes;

  /**
   * Node labels the pod must run on: the node with the USB stick of a `device()` volume.
   * @default - any node
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * The pod's Multus networks, exactly as `MultusPodAnnotation` takes them: checked against each
   * network, static addresses claimed in its address plan. The annotation goes on the pod
   * (`controllers.<controller>.pod.annotations`), never on the Deployment. With a static address
   * or a pinned MAC the release runs one pod, replaced with `RECREATE`.
   * @default - the cluster network only
   */
  readonly networks?: NetworkSelection[];

  /**
   * Chart values deep-merged over everything the props render, last: for what the props do not
   * model (a route, a second container). Objects merge key by key; arrays and scalars replace;
   * `null` removes a key; a key given as `undefined` is left unset. Refused here: a networks
   * annotation anywhere, the container's `image`, the controller's `type`, `replicas` and
   * `strategy`, removing the release's controller or container, an autoscaler with a static
   * address (the controller's own, or a HorizontalPodAutoscaler or KEDA ScaledObject in
   * `rawResources` that scales the release's workload), `hostNetwork` with networks, `rawResources`
   * in the other major version's layout, and strings or keys YAML cannot carry unchanged (control
   * characters, `0o17`, `__proto__`).
   * @default - none
   */
  readonly values?: { [key: string]: any };
}

/** Where the release's scope puts it, when the props leave it open. @internal */
export interface ReleaseContext {
  /** The construct id: the default release name. */
  readonly id: string;
  /** The namespace of the enclosing cdk8s Chart, if it has one. */
  readonly chartNamespace?: string;
  /** The Flux namespace of the scope (flux/namespace.ts). */
  readonly fluxNamespace: string;
}

/** A validated release. @internal */
export interface ReleaseModel {
  readonly chart: AppTemplateChart;
  /** Namespace of the chart's Flux source. */
  readonly sourceNamespace: string;
  readonly releaseName: string;
  readonly namespace: string;
  readonly controller: string;
  /** The release's reconcile interval, as Flux reads it (`30m`). */
  readonly interval: string;
  /** The container image, `repository:tag[@digest]`. */
  readonly image: string;
  /** Whether `networks` pins static addresses or a MAC: then the release runs one pod. */
  readonly singlePod: boolean;
  /** The chart values the props render, with `values` merged over them; no networks annotation yet. */
  readonly values: Record<string, any>;
}

/**
 * Validates the props of a release, reporting every refused prop at once, and returns its model.
 * The networks are checked only for their shape here; MultusPodAnnotation checks the rest (and
 * claims the addresses) once everything else has passed, so a refused release holds no address.
 * @internal
 */
export function resolveRelease(props: AppTemplateReleaseProps, context: ReleaseContext, scope?: IConstruct): ReleaseModel {
  if (!isPlainObject(props)) {
    invalid({ field: 'image', value: props, hint: "give the release's props, at least the image: { image: { repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.11.3' } }", scope, problem: 'is required' });
  }
  const problems = new Problems();
  problems.check(() => checkKnownProps('', props, RELEASE_PROPS, scope));
  const chart = problems.check(() => {
    if (props.chart !== undefined && !(props.chart instanceof AppTemplateChart)) {
      invalid({ field: 'chart', value: props.chart, hint: "give an AppTemplateChart, e.g. AppTemplateChart.bjwS({ version: '5.0.0' })", scope });
    }
    return props.chart ?? AppTemplateChart.bjwS();
  });
  const releaseName = props.releaseName ?? context.id;
  problems.check(() => checkHelmReleaseName('releaseName', releaseName, scope));
  const namespace = props.namespace ?? context.chartNamespace;
  problems.check(() => {
    if (namespace === undefined) invalid({ field: 'namespace', value: namespace, hint: 'give the namespace, or create the release in a cdk8s Chart with a namespace', scope, problem: 'is required' });
    checkDnsLabel('namespace', namespace, scope);
  });
  const controller = props.controller ?? releaseName;
  problems.check(() => checkDnsLabel('controller', controller, scope));
  const interval = problems.check(() => fluxDuration('interval', props.interval ?? Duration.minutes(30), scope));
  const image = problems.check(() => renderImage(props.image, scope));

  const networks = problems.check(() => {
    if (props.networks !== undefined && (!Array.isArray(props.networks) || props.networks.length === 0)) {
      invalid({ field: 'networks', value: props.networks, hint: 'give at least one network, e.g. [{ network: iot, ips: [\'192.168.20.100\'] }], or leave networks out', scope });
    }
    return props.networks ?? [];
  });
  const singlePod = (networks ?? []).some((s) => isPlainObject(s) && (s.ips !== undefined || s.mac !== undefined));

  const replicas = problems.check(() => {
    const r: any = props.replicas ?? 1;
    checkKubernetesField('replicas', 'replicas', r, scope);
    if (singlePod && r > 1) {
      invalid({ field: 'replicas', value: r, hint: 'the pod pins a static address or MAC in networks, and every replica would take the same one; run 1 replica, or leave ips and mac out of networks', scope, problem: 'runs more than one pod' });
    }
    return r as number;
  });
  const strategy = problems.check(() => {
    const s = props.strategy ?? AppTemplateStrategy.RECREATE;
    if (!Object.values(AppTemplateStrategy).includes(s)) {
      invalid({ field: 'strategy', value: s, hint: `use one of ${Object.values(AppTemplateStrategy).join(', ')} (AppTemplateStrategy)`, scope });
    }
    if (singlePod && s !== AppTemplateStrategy.RECREATE) {
      invalid({ field: 'strategy', value: s, hint: 'a rolling update starts the new pod while the old one still holds the static address or MAC of networks; use AppTemplateStrategy.RECREATE', scope, problem: 'would run two pods at once' });
    }
    return s;
  });

  const ports = problems.check(() => checkPorts(props.ports, scope));
  const persistence = problems.check(() => checkPersistence(props.persistence, scope));
  const env = problems.check(() => renderEnv(props.env, scope));
  const envFrom = problems.check(() => renderEnvFrom(props.envFrom, scope));
  const securityContext = problems.check(() => renderSecurityContext(props.securityContext, scope));
  const podSecurityContext = problems.check(() => renderPodSecurityContext(props.podSecurityContext, scope));
  const resources = problems.check(() => renderResources(props.resources, scope));
  const probes = ports ? problems.check(() => renderProbes(props.probes, ports, scope)) : undefined;
  const nodeSelector = problems.check(() => renderNodeSelector(props.nodeSelector, scope));
  for (const device of (persistence ?? []).filter((p) => p.device)) {
    if (securityContext?.privileged !== true) {
      problems.check(() => invalid({
        field: `persistence.${device.name}`,
        value: device.values.hostPath,
        hint: 'the container runtime lets an unprivileged container open only its default devices; set securityContext: { privileged: true }, or hand the device to the pod with a device plugin instead',
        scope,
        problem: 'needs a privileged container',
      }));
    }
  }
  if (chart) {
    problems.check(() => checkUserValues(props.values, { releaseName, controller, layout: chart.layout, singlePod, networks: (networks ?? []).length > 0 }, scope));
  }
  problems.throwIfAny();

  const pod = {
    ...(podSecurityContext ? { securityContext: podSecurityContext } : {}),
    ...(nodeSelector ? { nodeSelector } : {}),
  };
  const container = {
    image: image!,
    ...(env ? { env } : {}),
    ...(envFrom ? { envFrom } : {}),
    ...(probes ? { probes } : {}),
    ...(resources ? { resources } : {}),
    ...(securityContext ? { securityContext } : {}),
  };
  const service = renderService(controller, ports!);
  const rendered: Record<string, any> = {
    controllers: {
      [controller]: {
        replicas: replicas!,
        strategy: strategy!,
        ...(Object.keys(pod).length > 0 ? { pod } : {}),
        containers: { [CONTAINER]: container },
      },
    },
    ...(service ? { service } : {}),
    ...(persistence!.length > 0 ? { persistence: Object.fromEntries(persistence!.map((p) => [p.name, p.values])) } : {}),
  };
  return {
    chart: chart!,
    sourceNamespace: chart!.source.namespace ?? context.fluxNamespace,
    releaseName,
    namespace: namespace!,
    controller,
    interval: interval!,
    image: `${image!.repository}:${image!.tag}`,
    singlePod,
    values: props.values !== undefined ? deepMerge(rendered, props.values) : rendered,
  };
}
