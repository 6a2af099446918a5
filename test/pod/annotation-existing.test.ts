import { ApiObject, App, Chart, IResolver, Lazy, ResolutionContext } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IotNetwork, MultusPodAnnotation } from '../../src';
import { validationError } from '../helpers';

// `applyTo` reads the networks annotation a pod already has as the pod's metadata renders it: a
// plain string is read where cdk8s keeps it, anything else (a value computed at synth, an app with
// resolvers of its own) through the rendered metadata. Either way the pod's own value is what a
// refusal shows.

const KEY = MultusPodAnnotation.ANNOTATION_KEY;
const containers = [{ image: 'nicolaka/netshoot', securityContext: { ensureNonRoot: false } }];

/** Turns the annotation value "from-resolver" into "kube-system/other" at synth. */
class RewriteResolver implements IResolver {
  public resolve(context: ResolutionContext): void {
    if (context.value === 'from-resolver') context.replaceValue('kube-system/other');
  }
}

/** GIVEN an app (with `resolvers`), a network and an annotation with a static address. */
function given(resolvers?: IResolver[]): { chart: Chart; annotation: MultusPodAnnotation } {
  const app = new App({ outdir: 'never-written', resolvers });
  const chart = new Chart(app, 'pods', { namespace: 'home-automation' });
  const iot = new IotNetwork(chart, 'iot', { subnet: '192.0.2.0/24' });
  return { chart, annotation: new MultusPodAnnotation(chart, 'a', { networks: [{ network: iot, ips: ['192.0.2.10'] }] }) };
}

describe('MultusPodAnnotation.applyTo reads the annotation the pod already has', () => {
  test('a plain string on a cdk8s-plus pod template is refused, naming it', () => {
    const { chart, annotation } = given();
    const d = new kplus.Deployment(chart, 'd', { replicas: 1, containers, podMetadata: { annotations: { [KEY]: 'kube-system/iot' } } });
    const err = validationError(() => annotation.applyTo(d));
    expect(err.problems[0].problem).toBe('would lose its networks annotation');
    expect(err.hint).toContain(`${KEY}: kube-system/iot;`);
  });

  test('a value computed at synth on a Pod is read as it renders', () => {
    const { chart, annotation } = given();
    const pod = new ApiObject(chart, 'p', { apiVersion: 'v1', kind: 'Pod', metadata: { annotations: { [KEY]: Lazy.any({ produce: () => 'kube-system/lazy' }) as any } }, spec: {} });
    const err = validationError(() => annotation.applyTo(pod));
    expect(err.hint).toContain(`${KEY}: kube-system/lazy;`);
  });

  test('with resolvers of the app\'s own, the value is read as they render it', () => {
    const { chart, annotation } = given([new RewriteResolver()]);
    const d = new kplus.Deployment(chart, 'd', { replicas: 1, containers, podMetadata: { annotations: { [KEY]: 'from-resolver' } } });
    const err = validationError(() => annotation.applyTo(d));
    expect(err.hint).toContain(`${KEY}: kube-system/other;`);
  });

  test('the pod\'s own rendered annotation, when equal, is no conflict', () => {
    const { chart, annotation } = given();
    const d = new kplus.Deployment(chart, 'd', { replicas: 1, containers, podMetadata: { annotations: { [KEY]: annotation.value } } });
    annotation.applyTo(d);
    expect(d.podMetadata.toJson().annotations[KEY]).toBe(annotation.value);
  });
});
