import { CniPaths, ValidationError } from '../../src';
import { validationError } from '../helpers';

// CniPaths (src/multus/cni-paths.ts): where the nodes' containerd reads CNI configs and plugins.
// How an install renders each preset is in install.test.ts.

describe('refusals', () => {
  test.each<[string, () => unknown, string]>([
    ['relative CNI config dir', () => CniPaths.custom('etc/cni/net.d', '/opt/cni/bin'), 'etc/cni/net.d'],
    ['relative CNI bin dir', () => CniPaths.custom('/etc/cni/net.d', 'opt/cni/bin'), 'opt/cni/bin'],
    ['non-normal CNI path', () => CniPaths.custom('/etc/cni/../cni/net.d', '/opt/cni/bin'), '/etc/cni/../cni/net.d'],
    ['trailing slash', () => CniPaths.custom('/etc/cni/net.d/', '/opt/cni/bin'), '/etc/cni/net.d/'],
    ['same dir twice', () => CniPaths.custom('/opt/cni', '/opt/cni'), '/opt/cni'],
    ['empty CNI path', () => CniPaths.custom('', '/opt/cni/bin'), '""'],
  ])('%s', (_name, fn, value) => {
    // GIVEN / WHEN a setting the install cannot use
    const err = validationError(fn);
    // THEN a ValidationError names the offending value and says what to do
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toContain(value);
    // Every refusal says what to do.
    expect(err.hint.length).toBeGreaterThan(10);
  });
});
