import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationProblem, problemsOf } from '../errors';
import { dependsOnCycles } from '../flux/depends-on';
import { AppCheckContext, SynthFindings, SynthRulebook } from '../util/app-checks';
import { Finding, FluxContext, Location, Manifest } from './model';
import { ClusterFacts } from '../knowledge/clusters';
import { MultusInstall } from '../multus/install';
import { runRules, suppressibleRuleIds } from './rulebook';
import { GROUPS, isKind, isTemplated } from './values';
import { KnownSelections, checkedSelections } from './selections';
import { MultusPodAnnotation, appAnnotations } from '../pod/annotation';

// The rulebook at synth: every app that uses the library's constructs runs it over every manifest
// of the app, hand-written ApiObjects and included YAML too, through the app's `MultusRulebook`
// (util/app-checks.ts), to which the library's entry point (src/index.ts) hands `SYNTH_RULEBOOK`.
// Error findings fail the synth with one ValidationError listing them all; cdk8s has no channel
// for warnings, so warnings are written to stderr, once per app and message.

/**
 * The Flux Kustomization that applies objects created below `scope`: the nearest scope with a
 * child `Resource` that is a Flux Kustomization (what a FluxKustomization chart holds). Read
 * structurally, so that this layer needs nothing from the tree's constructs.
 */
function kustomizationOf(scope: IConstruct | undefined, cache: Map<IConstruct, ApiObject | null>): ApiObject | undefined {
  const walked: IConstruct[] = [];
  let found: ApiObject | null = null;
  for (let s = scope; s !== undefined; s = s.node.scope) {
    const cached = cache.get(s);
    if (cached !== undefined) {
      found = cached;
      break;
    }
    walked.push(s);
    const child = s.node.tryFindChild('Resource');
    if (child !== undefined && ApiObject.isApiObject(child) && child.kind === 'Kustomization' && child.apiVersion.startsWith(`${GROUPS.kustomize}/`)) {
      found = child;
      break;
    }
  }
  for (const s of walked) cache.set(s, found);
  return found ?? undefined;
}

function fluxContext(ks: ApiObject, json: any): FluxContext {
  return {
    name: ks.metadata.name ?? json?.metadata?.name,
    namespace: ks.metadata.namespace,
    targetNamespace: typeof json?.spec?.targetNamespace === 'string' ? json.spec.targetNamespace : undefined,
    location: new ConstructLocation(ks),
    cluster: '',
  };
}

/** Where an object of the app is: its construct path, computed only when a finding names it. */
class ConstructLocation implements Location {
  constructor(private readonly object: IConstruct) {}

  public get constructPath(): string {
    return this.object.node.path;
  }
}

/**
 * The app's manifests as the rulebook reads them: each with its construct path, and the Flux
 * Kustomization (of a FluxTree) whose directory holds it. Flux sources are written to the tree's
 * `flux/repositories/`, not to the directory of the Kustomization they were created in. Built in
 * one pass over the objects, each rendered once per synth (`manifestOf`), a Kustomization's
 * manifest read only for the objects it applies.
 * @internal
 */
export function appManifests(objects: ReadonlyArray<ApiObject>, manifestOf: (object: ApiObject) => any): Manifest[] {
  const cache = new Map<IConstruct, ApiObject | null>();
  const contexts = new Map<ApiObject, FluxContext>();
  const out: Manifest[] = [];
  for (const object of objects) {
    const manifest = manifestOf(object);
    const location = new ConstructLocation(object);
    const source = isKind(manifest, GROUPS.source, 'HelmRepository') || isKind(manifest, GROUPS.source, 'OCIRepository');
    const ks = source ? undefined : kustomizationOf(object.node.scope, cache);
    if (!ks || ks === object) {
      out.push({ object: manifest, location, namespace: manifest?.metadata?.namespace });
      continue;
    }
    let flux = contexts.get(ks);
    if (flux === undefined) contexts.set(ks, flux = fluxContext(ks, manifestOf(ks)));
    out.push({ object: manifest, location, flux, namespace: flux.targetNamespace ?? manifest?.metadata?.namespace });
  }
  return out;
}

/**
 * The networks annotations the app's MultusPodAnnotations wrote, by their text, read from their
 * checked elements (the rules read the model the constructs built, not the JSON it was rendered
 * to). A text with a template in it is left to the parser, which reads it as such.
 */
function constructSelections(root: IConstruct): KnownSelections | undefined {
  const annotations = appAnnotations(root);
  if (annotations.length === 0) return undefined;
  let byValue: Map<string, MultusPodAnnotation> | undefined;
  return (text) => {
    if (byValue === undefined) {
      byValue = new Map();
      for (const a of annotations) byValue.set(a.value, a);
    }
    const annotation = byValue.get(text);
    return annotation === undefined || isTemplated(text) ? undefined : checkedSelections(annotation._elements);
  };
}

/** One finding as a problem of the library's ValidationError. */
function problemOf(f: Finding): ValidationProblem {
  const where = f.location.constructPath !== undefined ? ` (at ${f.location.constructPath || '<root>'})` : '';
  return {
    field: f.field,
    value: f.value,
    problem: f.problem,
    hint: f.fix,
    constructPath: f.location.constructPath,
    message: `${f.rule}: ${f.message}${where}`,
  };
}

/** A warning as one line of stderr. */
function warningLine(f: Finding): string {
  return `cdk8s-multus warning ${f.rule}: ${f.message}${f.location.constructPath ? ` (at ${f.location.constructPath})` : ''}`;
}

/**
 * The cluster an app is for: the one ClusterProfile its MultusInstalls name (their `cluster` prop or
 * their FluxTree's). Installs for two clusters (two FluxTrees) leave it unknown.
 */
function appCluster(context: AppCheckContext): ClusterFacts | undefined {
  const facts = new Set<ClusterFacts>();
  for (const object of context.objects) {
    const install = object.node.scope;
    if (install instanceof MultusInstall && install.cluster !== undefined) facts.add(install.cluster._facts);
  }
  return facts.size === 1 ? [...facts][0] : undefined;
}

/**
 * The rulebook over an app: its errors as problems (with any cycle of Flux `dependsOn`), its
 * warnings as lines, leaving out the rules suppressed for the whole app (and, through the
 * annotation, for single objects).
 * @internal
 */
export function rulebookFindings(context: AppCheckContext, suppressed: ReadonlyMap<string, string>): SynthFindings {
  const objects = context.objects;
  if (objects.length === 0) return { errors: [], warnings: [] };
  const findings = runRules(appManifests(objects, (o) => context.manifestOf(o)), {
    suppressed, cluster: appCluster(context), knownSelections: constructSelections(context.root),
  });
  // Over every manifest too: no cycle of dependsOn among the Flux Kustomizations of a cluster.
  const cycles = dependsOnCycles(context.objects, (o) => context.manifestOf(o)).flatMap(problemsOf);
  return {
    errors: [...cycles, ...findings.filter((f) => f.level === 'error').map(problemOf)],
    warnings: findings.filter((f) => f.level === 'warning').map(warningLine),
  };
}

/**
 * The rulebook at synth, as the library's entry point hands it to every app's `MultusRulebook`.
 * @internal
 */
export const SYNTH_RULEBOOK: SynthRulebook = {
  ruleIds: suppressibleRuleIds(),
  run: rulebookFindings,
};
