import { IConstruct } from 'constructs';
import { invalid } from '../errors';

/**
 * The CNI spec versions this library writes, for Multus's own `00-multus.conf` and for the
 * networks' configs alike. 0.3.1, 0.4.0 and 1.0.0 are what every Multus 4 and the reference plugins
 * 1.1.x and later accept. 1.1.0 needs Multus 4.1.0 or newer (libcni 1.2) and the reference plugins
 * 1.6.0 or newer on every node: 1.5.x still vendor libcni 1.1.2, whose plugins refuse a config of
 * 1.1.0 (https://github.com/containernetworking/plugins/releases/tag/v1.6.0,
 * https://github.com/containernetworking/cni/releases/tag/v1.2.0). The Multus charts' plugin
 * installers ship 1.9.1; Debian's `containernetworking-plugins` (1.1.1) stop at 1.0.0.
 */
const CNI_VERSIONS: readonly string[] = ['0.3.1', '0.4.0', '1.0.0', '1.1.0'];

/**
 * Refuses a `cniVersion` outside `CNI_VERSIONS`.
 * @internal
 */
export function checkCniVersion(field: string, value: string, scope?: IConstruct): void {
  if (!CNI_VERSIONS.includes(value)) {
    invalid({ field, value, hint: `use one of ${CNI_VERSIONS.join(', ')} (1.1.0 needs the CNI reference plugins 1.6.0 or newer on the nodes)`, scope });
  }
}
