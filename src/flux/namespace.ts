import { IConstruct } from 'constructs';

/**
 * The construct-context key under which a Flux tree names the namespace Flux runs in. A `FluxTree`
 * sets it on itself, so that every construct inside it (a Multus chart's HelmRepository, its
 * Kustomizations) finds the tree's Flux namespace by looking up from its own scope, without the
 * tree and the constructs in it knowing each other. An app that is not a Flux tree may set it too:
 * `app.node.setContext(FLUX_NAMESPACE_CONTEXT, 'flux')`.
 * @internal
 */
export const FLUX_NAMESPACE_CONTEXT = 'cdk8s-multus:fluxNamespace';

/** The namespace `flux bootstrap` installs Flux into. @internal */
export const DEFAULT_FLUX_NAMESPACE = 'flux-system';

/**
 * The namespace Flux runs in, as seen from `scope`: the `fluxNamespace` of the enclosing Flux tree
 * (or the context value), else `flux-system`.
 * @internal
 */
export function fluxNamespaceOf(scope: IConstruct): string {
  const value = scope.node.tryGetContext(FLUX_NAMESPACE_CONTEXT);
  return typeof value === 'string' ? value : DEFAULT_FLUX_NAMESPACE;
}
