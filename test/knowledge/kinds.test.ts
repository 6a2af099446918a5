import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CRD_MIRROR, describeWithCrds } from '../crd-schema';
import { PINNED_CRD_SCOPES, apiGroupOf, isClusterScoped, isClusterScopedObject } from '../../src/knowledge/kinds';

// The identity check reads each kind's scope from knowledge/kinds.ts: built-in kinds by their documented
// scope, custom resources by their pinned CRDs. The table of the pinned CRDs must match the files.

describeWithCrds('the scopes of the pinned CRDs', () => {
  test('PINNED_CRD_SCOPES holds exactly the kinds of the pinned CRD files, with their scope', () => {
    // GIVEN the pinned CRD files of the mirror
    const found: Record<string, string> = {};
    for (const file of fs.readdirSync(CRD_MIRROR.dir!).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(CRD_MIRROR.dir!, file), 'utf8'))) {
        const crd = doc.toJS();
        if (crd?.kind === 'CustomResourceDefinition') found[`${crd.spec.group}/${crd.spec.names.kind}`] = crd.spec.scope;
      }
    }
    // THEN
    expect(PINNED_CRD_SCOPES).toEqual(found);
  });
});

describe('isClusterScoped', () => {
  test.each([
    ['', 'Namespace', true], ['', 'ConfigMap', false], ['rbac.authorization.k8s.io', 'ClusterRole', true], ['rbac.authorization.k8s.io', 'Role', false],
    ['apiextensions.k8s.io', 'CustomResourceDefinition', true], ['k8s.cni.cncf.io', 'NetworkAttachmentDefinition', false],
    ['helm.toolkit.fluxcd.io', 'HelmRelease', false], ['example.com', 'Unknown', false],
  ])('%s %s: %s', (group, kind, cluster) => {
    expect(isClusterScoped(group, kind)).toBe(cluster);
  });

  test.each([
    ['cert-manager.io', 'ClusterIssuer'], ['external-secrets.io', 'ClusterSecretStore'], ['gateway.networking.k8s.io', 'GatewayClass'], ['snapshot.storage.k8s.io', 'VolumeSnapshotClass'],
  ])('the common CRD kind %s %s is cluster-scoped, and its namesake in another group is not', (group, kind) => {
    expect(isClusterScoped(group, kind)).toBe(true);
    expect(isClusterScoped('example.com', kind)).toBe(false);
  });

  test('a manifest by its apiVersion and kind', () => {
    expect(isClusterScopedObject({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' })).toBe(true);
    expect(isClusterScopedObject({ apiVersion: 'v1', kind: 'ConfigMap' })).toBe(false);
    expect(isClusterScopedObject({ apiVersion: 'v1' })).toBe(false);
  });

  test('the app\'s own CRDs decide for their kinds', () => {
    expect(isClusterScoped('example.com', 'Pool', new Map([['example.com/Pool', 'Cluster']]))).toBe(true);
  });

  test.each([['v1', ''], ['apps/v1', 'apps'], ['helm.toolkit.fluxcd.io/v2', 'helm.toolkit.fluxcd.io'], [undefined, '']])('the group of %s is %j', (v, g) => {
    expect(apiGroupOf(v)).toBe(g);
  });
});
