import { IConstruct } from 'constructs';
import { invalid } from '../errors';

/**
 * The CNI spec versions this library writes, for Multus's own `00-multus.conf` and for the
 * networks' configs alike: what Multus 4 and the reference plugins (1.1.x and later) accept.
 */
const CNI_VERSIONS: readonly string[] = ['0.3.1', '0.4.0', '1.0.0'];

/**
 * Refuses a `cniVersion` outside `CNI_VERSIONS`.
 * @internal
 */
export function checkCniVersion(field: string, value: string, scope?: IConstruct): void {
  if (!CNI_VERSIONS.includes(value)) {
    invalid({ field, value, hint: `use one of ${CNI_VERSIONS.join(', ')}`, scope });
  }
}
