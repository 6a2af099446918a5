import {
  HOST_NETWORK, NETWORKS_ANNOTATION, autoscalingOf, controllerHostNetwork, controllerMultiPod, controllerNetworksAnnotation, controllerRolloutMultiPod,
  isWorkload, misplacedAnnotationsPaths, plusHostNetwork, plusMultiPod, podAnnotationValues, podAnnotationsPath, podHostNetwork, podNetworksAnnotation,
  podTemplatePath, rawResourceAutoscaling, rawResourceObjects, workloadMultiPod,
} from '../../src/knowledge/workloads';

// The workload model over plain JSON, without cdk8s: where the pods of a manifest are, what they
// carry, how many can run at once, and whether they use the node's network.

const A = NETWORKS_ANNOTATION;

function workload(kind: string, spec: Record<string, unknown> = {}, apiVersion?: string): any {
  const group: Record<string, string> = { Pod: 'v1', ReplicationController: 'v1', Job: 'batch/v1', CronJob: 'batch/v1' };
  return { apiVersion: apiVersion ?? group[kind] ?? 'apps/v1', kind, metadata: { name: 'w' }, spec };
}

const template = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>) => ({ metadata: annotations ? { annotations } : {}, spec });

describe('where the pods of a manifest are', () => {
  test.each([
    ['Pod', workload('Pod'), []],
    ['Deployment', workload('Deployment', { template: template() }), ['spec', 'template']],
    ['StatefulSet without a template yet', workload('StatefulSet'), ['spec', 'template']],
    ['ReplicationController', workload('ReplicationController', { template: template() }), ['spec', 'template']],
    ['CronJob', workload('CronJob', { jobTemplate: { spec: { template: template() } } }), ['spec', 'jobTemplate', 'spec', 'template']],
    ['a custom workload with spec.template', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', spec: { template: template() } }, ['spec', 'template']],
    ['a custom workload with a job template', { apiVersion: 'example.com/v1', kind: 'Batch', spec: { jobTemplate: { spec: { template: template() } } } }, ['spec', 'jobTemplate', 'spec', 'template']],
  ])('%s', (_what, object, path) => {
    expect(podTemplatePath(object)).toEqual(path);
  });

  test('a ConfigMap, and a CronJob-named kind of another group without a job template, have no pods', () => {
    expect(podTemplatePath({ apiVersion: 'v1', kind: 'ConfigMap', data: {} })).toBeUndefined();
    expect(podTemplatePath({ apiVersion: 'example.com/v1', kind: 'CronJob', spec: {} })).toBeUndefined();
  });

  test('isWorkload needs the kind in its own API group', () => {
    expect(isWorkload(workload('Deployment'))).toBe(true);
    expect(isWorkload(workload('Pod'))).toBe(true);
    expect(isWorkload(workload('Deployment', {}, 'example.com/v1'))).toBe(false);
    expect(isWorkload({ apiVersion: 'v1', kind: 'toString' })).toBe(false);
  });

  test('the pod annotations sit in the template\'s metadata; the workload\'s own metadata and a Job template\'s are misplaced', () => {
    expect(podAnnotationsPath(['spec', 'template'])).toEqual(['spec', 'template', 'metadata', 'annotations']);
    expect(podAnnotationsPath([])).toEqual(['metadata', 'annotations']);
    expect(misplacedAnnotationsPaths(workload('Deployment', { template: template() }))).toEqual([['metadata', 'annotations']]);
    expect(misplacedAnnotationsPaths(workload('CronJob', { jobTemplate: { spec: { template: template() } } }))).toEqual([['metadata', 'annotations'], ['spec', 'jobTemplate', 'metadata', 'annotations']]);
    expect(misplacedAnnotationsPaths(workload('Pod'))).toEqual([]);
  });

  test('the networks annotation of the pods, only where the pods carry it', () => {
    expect(podNetworksAnnotation(workload('Deployment', { template: template({}, { [A]: 'iot' }) }))).toBe('iot');
    expect(podNetworksAnnotation({ ...workload('Pod'), metadata: { name: 'p', annotations: { [A]: 'lan' } } })).toBe('lan');
    expect(podNetworksAnnotation({ ...workload('Deployment', { template: template() }), metadata: { name: 'd', annotations: { [A]: 'iot' } } })).toBeUndefined();
  });
});

describe('host network', () => {
  test('a Pod and a pod template with hostNetwork: true, with the field and the reason', () => {
    expect(podHostNetwork(workload('Pod', { hostNetwork: true }))).toEqual({ path: ['spec', 'hostNetwork'], why: 'the Pod has hostNetwork: true' });
    expect(podHostNetwork(workload('DaemonSet', { template: template({ hostNetwork: true }) }))).toEqual({ path: ['spec', 'template', 'spec', 'hostNetwork'], why: 'the DaemonSet\'s pod template has hostNetwork: true' });
    expect(podHostNetwork(workload('CronJob', { jobTemplate: { spec: { template: template({ hostNetwork: true }) } } }))?.path.join('.')).toBe('spec.jobTemplate.spec.template.spec.hostNetwork');
  });

  test('hostNetwork false, absent, or on the workload\'s own spec is not the pod\'s', () => {
    expect(podHostNetwork(workload('Deployment', { template: template({ hostNetwork: false }) }))).toBeUndefined();
    expect(podHostNetwork(workload('Deployment', { hostNetwork: true, template: template() }))).toBeUndefined();
  });

  test('app-template: the controller\'s pod.hostNetwork decides, else defaultPodOptions.hostNetwork', () => {
    const values = (own: unknown, shared: unknown) => ({ defaultPodOptions: { hostNetwork: shared }, controllers: { main: { pod: own === undefined ? {} : { hostNetwork: own } } } });
    expect(controllerHostNetwork(values(undefined, true), 'main')).toEqual({ path: ['defaultPodOptions', 'hostNetwork'], why: 'the app-template values set defaultPodOptions.hostNetwork: true' });
    expect(controllerHostNetwork(values(true, undefined), 'main')).toEqual({ path: ['controllers', 'main', 'pod', 'hostNetwork'], why: 'app-template controller main sets pod.hostNetwork: true' });
    expect(controllerHostNetwork(values(false, true), 'main')).toBeUndefined();
    expect(controllerHostNetwork(values(null, true), 'main')?.path).toEqual(['defaultPodOptions', 'hostNetwork']);
    expect(controllerHostNetwork(values(undefined, false), 'main')).toBeUndefined();
  });

  test('cdk8s-plus workloads by their properties', () => {
    expect(plusHostNetwork({ hostNetwork: true }, 'Deployment')).toBe('the Deployment runs its pods with hostNetwork: true');
    expect(plusHostNetwork({ hostNetwork: false }, 'Deployment')).toBeUndefined();
  });

  test('one phrase for the refusal and the finding', () => {
    expect(HOST_NETWORK.problem).toBe(`leaves ${A} unused`);
    expect(HOST_NETWORK.fix).toBe(`${HOST_NETWORK.reason}: run the pod on the pod network, or leave the annotation off`);
    expect(HOST_NETWORK.reason).toMatch(/no CNI ADD/);
  });
});

describe('how many pods run at once', () => {
  test.each<[string, any, string | undefined, string | undefined]>([
    ['a Pod', workload('Pod'), undefined, undefined],
    ['a Deployment of one replica, default strategy', workload('Deployment', { replicas: 1 }), undefined, 'its RollingUpdate strategy (maxSurge 25%, the default) starts the new pod while the old one still runs'],
    ['a Deployment of one replica, Recreate', workload('Deployment', { replicas: 1, strategy: { type: 'Recreate' } }), undefined, undefined],
    ['a Deployment with maxSurge 0', workload('Deployment', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0 } } }), undefined, undefined],
    ['a Deployment of three replicas', workload('Deployment', { replicas: 3, strategy: { type: 'Recreate' } }), 'the Deployment runs 3 replicas', 'the Deployment runs 3 replicas'],
    ['a StatefulSet of two replicas', workload('StatefulSet', { replicas: 2 }), 'the StatefulSet runs 2 replicas', 'the StatefulSet runs 2 replicas'],
    ['a ReplicationController of two', workload('ReplicationController', { replicas: 2 }), 'the ReplicationController runs 2 replicas', 'the ReplicationController runs 2 replicas'],
    ['templated replicas', workload('StatefulSet', { replicas: '${REPLICAS}' }), undefined, undefined],
    ['a DaemonSet', workload('DaemonSet', { template: template() }), 'a DaemonSet runs one pod on every node', 'a DaemonSet runs one pod on every node'],
    ['a DaemonSet pinned to one node', workload('DaemonSet', { template: template({ nodeName: 'n1' }) }), 'a DaemonSet runs one pod on every node', undefined],
    ['a Job with parallelism 4', workload('Job', { parallelism: 4 }), 'the Job runs 4 pods in parallel', 'the Job runs 4 pods in parallel'],
    ['a CronJob, default concurrency', workload('CronJob', { jobTemplate: { spec: {} } }), undefined, 'its concurrencyPolicy Allow (the default) starts a new Job while the last one may still run'],
    ['a CronJob, Forbid, parallel Jobs', workload('CronJob', { concurrencyPolicy: 'Forbid', jobTemplate: { spec: { parallelism: 2 } } }), 'each Job runs 2 pods in parallel', 'each Job runs 2 pods in parallel'],
    ['a custom workload with replicas', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', spec: { replicas: 2 } }, 'the Rollout runs 2 replicas', 'the Rollout runs 2 replicas'],
  ])('%s', (_what, object, declared, rollout) => {
    expect(workloadMultiPod(object, 'declared')).toBe(declared);
    expect(workloadMultiPod(object, 'rollout')).toBe(rollout);
  });

  test('cdk8s-plus workloads: their own defaults (a Deployment runs 2 replicas), an autoscaler, a DaemonSet', () => {
    expect(plusMultiPod({}, 'Deployment')).toBe('the Deployment runs 2 replicas (the cdk8s-plus default for a Deployment)');
    expect(plusMultiPod({ replicas: 1 }, 'Deployment')).toBeUndefined();
    expect(plusMultiPod({ replicas: 1, hasAutoscaler: true }, 'Deployment')).toBe('an autoscaler changes the Deployment\'s replicas');
    expect(plusMultiPod({}, 'StatefulSet')).toBeUndefined();
    expect(plusMultiPod({}, 'DaemonSet')).toBe('a DaemonSet runs one pod on every node');
  });

  test('app-template controllers: what the values declare, and what common\'s defaults and rollouts add', () => {
    expect(controllerMultiPod('main', { type: 'daemonset' })).toBe('app-template controller main is a daemonset (one pod on every node)');
    expect(controllerMultiPod('main', { replicas: 2 })).toBe('app-template controller main runs 2 replicas');
    expect(controllerMultiPod('main', { horizontalPodAutoscaler: {} })).toBe('an autoscaler changes app-template controller main\'s replicas');
    expect(controllerMultiPod('main', { strategy: 'RollingUpdate' })).toBeUndefined();
    expect(controllerRolloutMultiPod('main', { strategy: 'RollingUpdate' })).toBe('app-template controller main uses strategy RollingUpdate, which starts the new pod while the old one still runs');
    expect(controllerRolloutMultiPod('main', {})).toBeUndefined();
    expect(controllerRolloutMultiPod('main', { replicas: null })).toMatch(/replicas: null/);
    expect(controllerRolloutMultiPod('main', { type: 'cronjob', cronjob: { concurrencyPolicy: 'Allow' } })).toMatch(/concurrencyPolicy Allow/);
    expect(controllerRolloutMultiPod('main', { type: 'job', job: { parallelism: 3 } })).toBe('app-template controller main runs 3 pods in parallel');
  });
});

describe('app-template pod annotations', () => {
  test('the values fragment the library writes is the path the model reads', () => {
    expect(podAnnotationValues('main', { [A]: 'iot' })).toEqual({ controllers: { main: { pod: { annotations: { [A]: 'iot' } } } } });
    expect(controllerNetworksAnnotation(podAnnotationValues('main', { [A]: 'iot' }), 'main')).toEqual({ value: 'iot', from: ['controllers', 'main', 'pod', 'annotations'] });
  });

  test('defaultPodOptions.annotations: replaced by the controller\'s (overwrite, the default), merged into (merge)', () => {
    const values = { defaultPodOptions: { annotations: { [A]: 'lan' } }, controllers: { a: { pod: { annotations: { other: 'x' } } }, b: {} } };
    expect(controllerNetworksAnnotation(values, 'a')).toBeUndefined();
    expect(controllerNetworksAnnotation(values, 'b')).toEqual({ value: 'lan', from: ['defaultPodOptions', 'annotations'] });
    expect(controllerNetworksAnnotation({ ...values, defaultPodOptionsStrategy: 'merge' }, 'a')).toEqual({ value: 'lan', from: ['defaultPodOptions', 'annotations'] });
  });

  test('global.annotations reach the pods only when propagated', () => {
    const values = { global: { annotations: { [A]: 'iot' } }, controllers: { a: {} } };
    expect(controllerNetworksAnnotation(values, 'a')).toBeUndefined();
    expect(controllerNetworksAnnotation({ ...values, global: { ...values.global, propagateGlobalMetadataToPods: true } }, 'a')).toEqual({ value: 'iot', from: ['global', 'annotations'] });
  });
});

describe('autoscalers', () => {
  const hpa = (max: number, name = 'ha') => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'hpa' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, maxReplicas: max } });
  const keda = (spec: Record<string, unknown>) => ({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'so' }, spec: { scaleTargetRef: { name: 'ha' }, ...spec } });

  test('a HorizontalPodAutoscaler above one replica names its target and why', () => {
    expect(autoscalingOf(hpa(3))).toEqual({ kind: 'Deployment', name: 'ha', why: 'HorizontalPodAutoscaler hpa scales it up to 3 replicas' });
    expect(autoscalingOf(hpa(1))).toBeUndefined();
  });

  test('a KEDA ScaledObject: a Deployment by default, up to 100 replicas by default', () => {
    expect(autoscalingOf(keda({}))).toEqual({ kind: 'Deployment', name: 'ha', why: 'ScaledObject so scales it up to 100 replicas' });
    expect(autoscalingOf(keda({ maxReplicaCount: 1 }))).toBeUndefined();
  });

  test('anything else is no autoscaler', () => {
    expect(autoscalingOf({ ...hpa(3), apiVersion: 'example.com/v1' })).toBeUndefined();
    expect(autoscalingOf(workload('Deployment'))).toBeUndefined();
  });

  test('rawResources in the 4.x layout (the object) and the 5.x layout (under manifest)', () => {
    const values = { rawResources: { a: hpa(3), b: { manifest: keda({}) }, c: { enabled: true } } };
    expect(rawResourceObjects(values).map((r) => [r.name, r.path.join('.'), r.object.kind])).toEqual([
      ['a', 'rawResources.a', 'HorizontalPodAutoscaler'], ['b', 'rawResources.b.manifest', 'ScaledObject'],
    ]);
  });

  test('an autoscaler in rawResources scales a controller it names, or the only controller of its kind by a templated name', () => {
    const controllers = { main: {}, worker: { type: 'statefulset' } };
    expect(rawResourceAutoscaling({ controllers, rawResources: { hpa: hpa(3, 'ha') } }, 'ha', 'main')).toBe('HorizontalPodAutoscaler hpa scales it up to 3 replicas (rawResources.hpa)');
    expect(rawResourceAutoscaling({ controllers, rawResources: { hpa: hpa(3, 'ha-main') } }, 'ha', 'main')).toMatch(/rawResources\.hpa/);
    expect(rawResourceAutoscaling({ controllers, rawResources: { hpa: { manifest: hpa(3, '{{ .Release.Name }}') } } }, 'ha', 'main')).toMatch(/rawResources\.hpa/);
    // the StatefulSet controller is not the HPA's Deployment; another release's name is not this one's
    expect(rawResourceAutoscaling({ controllers, rawResources: { hpa: hpa(3, 'ha') } }, 'ha', 'worker')).toBeUndefined();
    expect(rawResourceAutoscaling({ controllers, rawResources: { hpa: hpa(3, 'other') } }, 'ha', 'main')).toBeUndefined();
    // two Deployment controllers: a templated name could be either
    expect(rawResourceAutoscaling({ controllers: { a: {}, b: {} }, rawResources: { hpa: hpa(3, '{{ .Release.Name }}') } }, 'ha', 'a')).toBeUndefined();
  });
});
