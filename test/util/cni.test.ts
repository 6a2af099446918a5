import { CniPaths, IotNetwork, MultusInstall } from '../../src';
import { findKind, synth, testChart, validationError } from '../helpers';

// checkCniVersion (src/util/cni.ts): one list of CNI spec versions for Multus's own config and for
// every network's.

/** GIVEN helper: a MultusInstall with `cniVersion`, synthesized. */
function install(props: { cniVersion: string }) {
  const chart = testChart();
  new MultusInstall(chart, 'multus', { cniPaths: CniPaths.K3S, ...props });
  return { release: findKind(synth(chart), 'HelmRelease') };
}

describe('cniVersion follows one list for Multus and the networks', () => {
  const network = (cniVersion: string) => new IotNetwork(testChart('kube-system'), 'iot', { subnet: '192.0.2.0/24', cniVersion });

  test.each(['0.3.1', '0.4.0', '1.0.0', '1.1.0'])('%s is accepted by both', (cniVersion) => {
    // GIVEN a cniVersion of the list
    // WHEN / THEN Multus and a network both render it
    expect(install({ cniVersion }).release.spec.values.cni.version).toBe(cniVersion);
    expect(network(cniVersion).cniConfig.cniVersion).toBe(cniVersion);
  });

  test.each(['0.2.0', 'v1.0.0', '1.0', '1.2.0'])('%s is refused by both', (cniVersion) => {
    // GIVEN a cniVersion outside the list
    // WHEN each of Multus and a network is given it
    // THEN each refuses it, naming the field and the value
    for (const fn of [() => install({ cniVersion }), () => network(cniVersion)]) {
      const err = validationError(fn);
      expect(err.field).toBe('cniVersion');
      expect(err.message).toContain(`"${cniVersion}"`);
      // ... naming the plugin release 1.1.0 needs
      expect(err.hint).toContain('1.1.0 needs the CNI reference plugins 1.6.0 or newer');
    }
  });

  test('1.1.0 reaches the network config and Multus\'s own config as given', () => {
    // GIVEN / WHEN a network and an install of cniVersion 1.1.0
    const config = network('1.1.0').cniConfig;
    // THEN both carry it (the CNI lab runs only what Debian's plugins take, up to 1.0.0)
    expect(config).toMatchObject({ cniVersion: '1.1.0', type: 'macvlan' });
    expect(install({ cniVersion: '1.1.0' }).release.spec.values.cni.version).toBe('1.1.0');
  });
});

