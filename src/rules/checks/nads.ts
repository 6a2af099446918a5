import { installsNadCrd } from '../charts';
import { NadConfig, declares } from '../cni';
import { Inventory, Nad } from '../inventory';
import { AnnotationSite, ownerOf } from '../pods';
import { Rule } from '../rule';
import { isMap, isTemplated, render } from '../values';

// NetworkAttachmentDefinitions: a config Multus cannot read, capabilities the pods' requests
// need, the Flux Kustomization that applies them, and the daemon a dhcp IPAM needs.

/** The pods (annotation sites) that request `ips` and `mac` on each NAD. */
function requests(inventory: Inventory): Map<Nad, { ips: Set<AnnotationSite>; mac: Set<AnnotationSite> }> {
  const out = new Map<Nad, { ips: Set<AnnotationSite>; mac: Set<AnnotationSite> }>();
  for (const site of inventory.annotations()) {
    if (site.placement === 'misplaced') continue;
    for (const element of site.parsed.elements) {
      const nad = inventory.selected(site, element);
      if (!nad) continue;
      let entry = out.get(nad);
      if (!entry) {
        entry = { ips: new Set(), mac: new Set() };
        out.set(nad, entry);
      }
      if (element.ips.length > 0) entry.ips.add(site);
      if (element.mac !== undefined) entry.mac.add(site);
    }
  }
  return out;
}

function owners(sites: Set<AnnotationSite>): string {
  const names: string[] = [];
  for (const site of sites) {
    if (names.length === 4) break;
    names.push(ownerOf(site));
  }
  return sites.size > 4 ? `${names.slice(0, 3).join(', ')} and ${sites.size - 3} more` : names.join(', ');
}

/** A NAD whose config Multus reads: a list of plugins. */
type PluginsNad = Nad & { readonly config: Extract<NadConfig, { kind: 'plugins' }> };

/** Why a missing capability matters, per capability. */
const DEPRECATED_PATH: Record<'ips' | 'mac', string> = {
  ips: 'Multus 4.x then hands the addresses on only as CNI_ARGS "IP=" (its path marked "Deprecated in ver 3.5"), which the reference static IPAM still reads: the pod gets its address today (measured with Multus 4.3.0 on the reference plugins 1.1.1 and 1.10.0), but only by that deprecated path, and static IPAM that gets no address fails with "IPAM plugin returned missing IP config"',
  mac: 'Multus 4.x then hands the MAC on only as CNI_ARGS "MAC=" (its path marked "Deprecated in ver 3.5"), which the reference macvlan plugin still reads when it creates the interface: the pod gets its MAC today (measured with Multus 4.3.0 on the reference plugins 1.1.1 and 1.10.0), but only by that deprecated path, and without it the interface gets a random MAC, which a router reservation keyed on the pinned one misses',
};

/** The config as compact JSON, for messages (the YAML block's line breaks and indentation left out). */
function compact(config: unknown): unknown {
  if (typeof config !== 'string') return config;
  try {
    return JSON.stringify(JSON.parse(config));
  } catch {
    return config;
  }
}

export const nadCapability: Rule = {
  id: 'nad-capability',
  level: 'warning',
  summary: 'a NAD whose pods request ips or mac (or whose static IPAM needs them) while no plugin of it declares the capability',
  check(inventory, report) {
    // The pods' requests are gathered only when a NAD lacks a capability (IotNetwork declares both).
    const lacking = inventory.nads().filter((nad): nad is PluginsNad => nad.config.kind === 'plugins' && (!declares(nad.config, 'ips') || !declares(nad.config, 'mac')));
    if (lacking.length === 0) return;
    const byNad = requests(inventory);
    for (const nad of lacking) {
      const asked = byNad.get(nad) ?? { ips: new Set<AnnotationSite>(), mac: new Set<AnnotationSite>() };
      const staticNeedsIps = nad.config.plugins.some((p) => p.ipamType === 'static' && !p.staticAddresses);
      const main = nad.config.plugins[0]?.type ?? 'main';
      if ((staticNeedsIps || asked.ips.size > 0) && !declares(nad.config, 'ips')) {
        const why = asked.ips.size > 0 ? `its pods request addresses (${owners(asked.ips)})` : 'its static IPAM has no addresses of its own, so they must come from the pods\' annotation';
        report.add({
          manifest: nad.manifest, field: 'spec.config', value: compact(nad.manifest.object.spec.config),
          problem: `declares no "ips" capability, yet ${why}: ${DEPRECATED_PATH.ips}`,
          fix: `add "capabilities": {"ips": true} to the ${main} plugin (IotNetwork writes it)`,
        });
      }
      if (asked.mac.size > 0 && !declares(nad.config, 'mac')) {
        report.add({
          manifest: nad.manifest, field: 'spec.config', value: compact(nad.manifest.object.spec.config),
          problem: `declares no "mac" capability, yet its pods pin a MAC (${owners(asked.mac)}): ${DEPRECATED_PATH.mac}`,
          fix: `add "capabilities": {"mac": true} to the ${main} plugin, which then creates the interface with the MAC before IPAM runs (IotNetwork macCapability: true)`,
        });
      }
    }
  },
};

export const nadConfigInvalid: Rule = {
  id: 'nad-config-invalid',
  level: 'error',
  summary: 'a NAD whose spec.config Multus cannot read (not JSON, no plugin)',
  check(inventory, report) {
    for (const nad of inventory.nads()) {
      if (nad.config.kind !== 'invalid') continue;
      report.add({
        manifest: nad.manifest, field: 'spec.config', value: nad.manifest.object.spec?.config,
        problem: `${nad.config.problem}: Multus fails every pod that selects the network`,
        fix: 'write the CNI config as JSON text: a plugin config ({"cniVersion", "name", "type", ...}) or a conflist ({"cniVersion", "name", "plugins": [...]})',
      });
    }
  },
};

export const nadSameKustomization: Rule = {
  id: 'nad-same-kustomization',
  level: 'error',
  summary: 'a NAD applied by the same Flux Kustomization as the HelmRelease that installs its CRD (a Multus chart, or bjw-s multus-crd beside bjw-s multus 1.3.5 and later): the first install deadlocks',
  check(inventory, report) {
    const installers = new Map<string, string>();
    for (const r of inventory.releases()) {
      const flux = r.manifest.flux;
      // The release that carries the CRD: bjw-s multus from 1.3.5 leaves it to a multus-crd release.
      if (!flux || !installsNadCrd(r.chart.known, r.chart.version)) continue;
      installers.set(`${flux.cluster}|${flux.namespace ?? ''}/${flux.name}`, `HelmRelease ${r.namespace ? `${r.namespace}/` : ''}${r.manifest.object.metadata?.name}`);
    }
    for (const nad of inventory.nads()) {
      const flux = nad.manifest.flux;
      if (!flux) continue;
      const release = installers.get(`${flux.cluster}|${flux.namespace ?? ''}/${flux.name}`);
      if (release === undefined) continue;
      const ks = `${flux.namespace ? `${flux.namespace}/` : ''}${flux.name}`;
      report.add({
        manifest: nad.manifest, field: 'metadata (its Flux Kustomization)', value: ks,
        problem: `also applies ${release}, which installs the NetworkAttachmentDefinition CRD: Flux dry-runs every object before applying any, so on a fresh cluster the NAD fails with "no matches for kind" and nothing is applied, the HelmRelease included`,
        fix: `move the NAD to a second Flux Kustomization with dependsOn: [{name: ${flux.name}}], and give ${flux.name} healthChecks on the HelmRelease and the CRD network-attachment-definitions.k8s.cni.cncf.io (cdk8s-multus MultusFluxApp writes both)`,
      });
    }
  },
};

export const dhcpDaemon: Rule = {
  id: 'dhcp-daemon',
  level: 'warning',
  summary: 'a NAD with dhcp IPAM while the input runs no CNI dhcp daemon',
  check(inventory, report) {
    const dhcpNads = inventory.nads().filter((n) => n.config.kind === 'plugins' && n.config.plugins.some((p) => p.ipamType === 'dhcp'));
    if (dhcpNads.length === 0) return;
    const daemon = inventory.workloads().some((w) => w.containers.some((c) => /\bdhcp\b.*\bdaemon\b/.test(c.commandLine) || /dhcp/i.test(c.image ?? '')))
      || inventory.releases().some((r) => /dhcp/i.test(`${r.chart.name ?? ''} ${r.manifest.object.metadata?.name ?? ''}`));
    if (daemon) return;
    for (const nad of dhcpNads) {
      report.add({
        manifest: nad.manifest, field: 'spec.config', value: compact(nad.manifest.object.spec.config),
        problem: 'uses ipam "dhcp", which asks the CNI dhcp daemon (/run/cni/dhcp.sock), and no workload of the input runs it: every attachment fails unless the nodes run it outside Kubernetes',
        fix: 'run the CNI plugins\' "dhcp daemon" on every node the pods can land on (a DaemonSet with hostNetwork and /run/cni mounted; cdk8s-multus CniDhcpDaemon), or use static IPAM',
      });
    }
  },
};

/** Every networks annotation's NADs resolve in the input (judged only where the input defines NADs). */
export const nadMissing: Rule = {
  id: 'nad-missing',
  level: 'error',
  summary: 'an annotation naming a NAD (name, and namespace: the pod\'s by default) that the input does not define, where the input defines NADs at all',
  repositoryOnly: true,
  check(inventory, report) {
    const nads = inventory.nads();
    if (nads.length === 0) return;
    // app-template releases can create NADs of names the rulebook cannot tell (rawResources).
    const chartMadeNads = inventory.releases().some((r) => isMap(r.values.rawResources) && Object.values(r.values.rawResources).some((item: any) => (item?.manifest?.kind ?? item?.kind) === 'NetworkAttachmentDefinition'));
    if (chartMadeNads) return;
    const defined = nads.map((n) => `${n.namespace ? `${n.namespace}/` : ''}${n.name}`).sort();
    for (const site of inventory.annotations()) {
      if (site.placement === 'misplaced') continue;
      for (const element of site.parsed.elements) {
        if (element.name === undefined || isTemplated(element.name)) continue;
        const namespace = element.namespace ?? site.podNamespace;
        if (namespace !== undefined && isTemplated(namespace)) continue;
        const found = namespace !== undefined ? inventory.nad(namespace, element.name) : inventory.nadsNamed(element.name)[0];
        if (found) continue;
        // A NAD of that name whose namespace the input does not tell (its Flux Kustomization's path
        // or namespace comes from a substitution) may be the one: never an error on an unknown fact.
        if (inventory.nadsNamed(element.name).some((n) => n.namespace === undefined)) continue;
        const elsewhere = inventory.nadsNamed(element.name).map((n) => n.namespace).filter((ns): ns is string => ns !== undefined);
        const target = namespace !== undefined ? `${namespace}/${element.name}` : element.name;
        const defaulted = element.namespace === undefined && namespace !== undefined ? ' (the pod\'s namespace, as no namespace is given)' : '';
        report.add({
          manifest: site.manifest, field: `${site.field}[${element.index}].name`, value: element.name,
          problem: `names NetworkAttachmentDefinition ${target}${defaulted}, which the input does not define (it defines ${defined.slice(0, 5).join(', ')}${defined.length > 5 ? ', ...' : ''}): Multus fails the pod's sandbox until it exists`,
          fix: elsewhere.length > 0 ? `add "namespace": ${render(elsewhere[0])} to the element, or define the NAD in ${namespace}` : 'define the NetworkAttachmentDefinition, or name one the input defines',
        });
      }
    }
  },
};

/** @internal */
export const NAD_RULES: Rule[] = [nadCapability, nadConfigInvalid, nadSameKustomization, dhcpDaemon, nadMissing];
