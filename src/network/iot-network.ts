import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { NetworkAttachmentDefinition } from '../../imports/k8s.cni.cncf.io';
import { invalid } from '../errors';
import { AddressPlan, CheckedClaim, ClaimRequest, Subnet } from './address-plan';
import { buildCniConfig } from './cni-config';
import { Ipam } from './ipam';
import { IotNetworkProps, resolveNetwork } from './network-model';
import { INetworkAttachment } from './network-ref';
import { useLibraryChecks } from '../util/app-checks';
import { checkConstructId } from '../util/construct-id';
import { identityScopeOf } from '../util/identity';
import { stateOf } from '../util/scope-state';

/**
 * The IotNetworks of one identity scope (an app, or a FluxTree: one cluster), by
 * `<namespace>/<name>`, kept in the scope. One NetworkAttachmentDefinition has one address plan: a
 * second IotNetwork of the same name and namespace would keep a second plan, and hand one address
 * to two pods.
 */
function networksOf(scope: IConstruct): Map<string, IotNetwork> {
  return stateOf(identityScopeOf(scope), 'cdk8s-multus.networks', () => new Map<string, IotNetwork>());
}

/**
 * The IoT LAN as a Multus network: one macvlan `NetworkAttachmentDefinition` (k8s.cni.cncf.io/v1)
 * whose `spec.config` is built from a typed model, and the address plan of the subnet (who holds
 * which static address), checked as addresses are claimed.
 *
 * The config follows the CNI spec and the NPWG multi-net spec: with static IPAM it declares
 * `"capabilities": {"ips": true}`, without which a spec-following runtime fails the attachment with
 * `IPAM plugin returned missing IP config`.
 *
 * @example
 * const iot = new IotNetwork(chart, 'iot', {
 *   subnet: '192.168.20.0/24',
 *   master: 'eth0',
 *   gateway: '192.168.20.1',
 *   dhcpRange: { start: '192.168.20.100', end: '192.168.20.199' },
 * });
 * iot.claimAddress('192.168.20.10', 'home-assistant'); // '192.168.20.10/24'
 */
export class IotNetwork extends Construct implements INetworkAttachment {
  /** The NetworkAttachmentDefinition's name. */
  public readonly networkName: string;
  /** The NetworkAttachmentDefinition's namespace. */
  public readonly networkNamespace: string;
  /** The subnet, canonical CIDR (`192.168.20.0/24`, `2001:db8:20::/64`). */
  public readonly subnet: string;
  /** The subnet's prefix length. */
  public readonly prefixLength: number;
  /** Where pods' addresses come from. */
  public readonly ipam: Ipam;
  /** True iff pods name their address in the annotation (the config declares `capabilities.ips`). */
  public readonly takesAddressesFromAnnotation: boolean;
  /** True iff pods may pin their MAC through the annotation (the config declares `capabilities.mac`). */
  public readonly macCapability: boolean;
  /** The router, canonical. */
  public readonly gateway?: string;
  /** The host interface macvlan uses, including the VLAN suffix; undefined for the default-route interface. */
  public readonly master?: string;
  /** The generated NetworkAttachmentDefinition. */
  public readonly nad: NetworkAttachmentDefinition;
  /** The CNI config object that `spec.config` serializes (read-only). */
  public readonly cniConfig: any;

  private readonly plan: AddressPlan;
  private readonly subnetModel: Subnet;

  constructor(scope: Construct, id: string, props: IotNetworkProps) {
    checkConstructId(scope, id, 'IotNetwork');
    super(scope, id);
    useLibraryChecks(this);
    const model = resolveNetwork(props, { id, chartNamespace: Chart.of(this).namespace }, this);
    const networks = networksOf(this);
    const key = `${model.namespace}/${model.name}`;
    const earlier = networks.get(key);
    if (earlier) {
      invalid({ field: 'name', value: model.name, hint: `${earlier.node.path} already defines NetworkAttachmentDefinition ${key}, with its own address plan: two plans for one network would hand one address to two pods; pass that IotNetwork to every pod that joins it, or give this one another name or namespace`, scope: this, problem: 'is defined twice' });
    }
    networks.set(key, this);
    this.networkName = model.name;
    this.networkNamespace = model.namespace;
    this.subnetModel = model.subnet;
    this.subnet = model.subnet.cidr;
    this.prefixLength = model.subnet.prefixLength;
    this.plan = model.plan;
    this.gateway = model.plan.gateway?.text;
    this.ipam = model.ipam;
    this.takesAddressesFromAnnotation = model.ipam.takesAddressesFromAnnotation;
    this.macCapability = model.macCapability;
    this.master = model.master;
    this.cniConfig = deepFreeze(buildCniConfig(model.config));
    this.nad = new NetworkAttachmentDefinition(this, 'Resource', {
      metadata: model.metadata,
      spec: { config: JSON.stringify(this.cniConfig) },
    });
  }

  /**
   * Checks that `address` (without a prefix) is one a host on this network can hold, and returns it
   * in canonical form: inside the subnet, and neither the network address (the IPv6 Subnet-Router
   * anycast address) nor the IPv4 broadcast address. For addresses pods point at without holding
   * them, such as a `defaultRoute` gateway: no router answers at the network or broadcast address,
   * so a route through either cannot work. Claims nothing.
   *
   * @param address the address, without prefix length
   * @param field the field that holds the address, for error messages
   */
  public checkHostAddress(address: string, field?: string): string {
    return this.subnetModel.hostAddress(field ?? 'address', address, this).text;
  }

  /**
   * Claims a static address for `claimant` and returns it as canonical `address/prefix`.
   *
   * Accepts `a.b.c.d` or `a.b.c.d/nn` (and IPv6). A missing prefix gets the subnet's; another
   * prefix is refused (it would give net1 the wrong netmask). Refuses a malformed address, one
   * outside the subnet, the network or broadcast address, the gateway, an address in `dhcpRange` or
   * `reservedAddresses`, and an address already claimed (naming both claimants); and any claim when
   * the network's IPAM does not take addresses from the annotation.
   *
   * @param address the address, with or without prefix length
   * @param claimant who claims it, for error messages (e.g. a construct path and element)
   * @param field the field that holds the address, for error messages
   */
  public claimAddress(address: string, claimant: string, field?: string): string {
    const [checked] = this._checkClaims([{ address, claimant, field: field ?? 'address' }]);
    this._recordClaims([checked]);
    return checked.withPrefix;
  }

  /**
   * Checks claims as a whole (see `claimAddress`) without recording them; throws one
   * ValidationError for all that cannot be granted.
   * @internal
   */
  public _checkClaims(requests: ReadonlyArray<ClaimRequest>): CheckedClaim[] {
    if (!this.takesAddressesFromAnnotation && requests.length > 0) {
      const [r] = requests;
      invalid({ field: r.field, value: r.address, hint: `network "${this.networkName}" uses ${this.ipam.type} IPAM, which assigns addresses itself; leave the address out or use Ipam.static()`, scope: this, problem: 'cannot be requested' });
    }
    return this.plan.check(requests);
  }

  /**
   * Records claims that `_checkClaims` returned.
   * @internal
   */
  public _recordClaims(checked: ReadonlyArray<CheckedClaim>): void {
    this.plan.record(checked);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value as Record<string, unknown>).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
