import { App, Chart } from 'cdk8s';
import {
  CniPaths, FluxAppUnit, FluxKustomization, FluxRepository, Ipam, IotNetwork, IotNetworkProps, MultusInstall,
  MultusInstallProps, ValidationError,
} from '../../src';

// GIVEN helpers shared by the cross-cutting suites: every construct of the library, built with
// valid settings except for the one value a table row spoils.

/** A chart in namespace kube-system, in an app that is never written to disk. */
export function chart(namespace: string | undefined = 'kube-system'): Chart {
  return new Chart(new App({ outdir: 'never-written' }), 'hostile', namespace ? { namespace } : {});
}

/** The IoT LAN of the example: gateway .1, DHCP pool .150-.249, .2 reserved for another host. */
export const IOT: IotNetworkProps = {
  subnet: '192.0.2.0/24',
  gateway: '192.0.2.1',
  dhcpRange: { start: '192.0.2.150', end: '192.0.2.249' },
  reservedAddresses: ['192.0.2.2'],
  macCapability: true,
};

/** An IotNetwork `iot` in kube-system: `IOT` overridden by `props`. */
export function iot(props: Record<string, unknown> = {}, scope: Chart = chart()): IotNetwork {
  return new IotNetwork(scope, 'iot', { ...IOT, ...props } as IotNetworkProps);
}

/** An IotNetwork whose IPAM is host-local (it assigns addresses itself). */
export function hostLocalIot(): IotNetwork {
  return iot({ ipam: Ipam.hostLocal({ rangeStart: '192.0.2.20', rangeEnd: '192.0.2.40' }) });
}

/** A MultusInstall for k3s with `props` on top. */
export function install(props: Record<string, unknown> = {}): MultusInstall {
  return new MultusInstall(chart(), 'multus', { cniPaths: CniPaths.K3S, ...props } as MultusInstallProps);
}

/** A FluxRepository in its own app. */
export function repository(props: Record<string, unknown> = {}): FluxRepository {
  return new FluxRepository(new App({ outdir: 'never-written' }), 'cluster', props);
}

/** An app `echo` in namespace `default` of a fresh repository. */
export function appUnit(): FluxAppUnit {
  return new FluxAppUnit(repository(), 'echo', { namespace: 'default' });
}

/** A FluxKustomization `app` of a fresh app, with `props`. */
export function kustomization(props: Record<string, unknown> = {}): FluxKustomization {
  return new FluxKustomization(appUnit(), 'app', props);
}

/**
 * What `fn` threw, or `undefined` when it returned. Unlike `validationError()` of test/util, it
 * hands back any thrown value, so a table can state which class it must be.
 */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** A one-line account of what `fn` did, for assertions whose failure message must say it. */
export function outcome(fn: () => unknown): string {
  const e = thrown(fn);
  if (e === undefined) return 'returned';
  if (e instanceof ValidationError) return 'ValidationError';
  return e instanceof Error ? `${e.name}: ${e.message}` : `threw ${String(e)}`;
}

/**
 * THEN helper: `fn` throws a ValidationError (never a TypeError from deep inside, nor nothing) for
 * `field`, whose message names the offending value as `shown` (strings in JSON quotes) and says
 * what would be right. Leave `field` out where the owner of the fix chooses its name.
 */
export function expectRefusal(fn: () => unknown, field: string | undefined, shown: string): void {
  const e = thrown(fn);
  // THEN a ValidationError, never a TypeError from deep inside, nor a silent success
  expect(e instanceof Error ? `${e.name}: ${e.message}` : String(e)).toMatch(/^ValidationError: /);
  const err = e as ValidationError;
  expect(err).toBeInstanceOf(ValidationError);
  if (field !== undefined) expect(err.field).toBe(field);
  // ... naming the offending value, and saying what would be right
  expect(err.value).toBe(shown);
  expect(err.message).toContain(`${err.field}: ${shown} `);
  expect(err.hint.length).toBeGreaterThan(10);
}
