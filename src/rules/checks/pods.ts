import { HOST_NETWORK } from '../../knowledge/workloads';
import { Inventory } from '../inventory';
import { AnnotationSite, ownerOf } from '../pods';
import { Rule } from '../rule';
import { SelectionView } from '../selections';

// The networks annotation: on the object Multus reads it from, in a form Multus reads, and one
// static address or MAC per pod.

export const annotationMisplaced: Rule = {
  id: 'annotation-misplaced',
  level: 'error',
  summary: 'the networks annotation on a workload\'s own metadata, or under app-template\'s controllers.<c>.annotations, where Multus never sees it',
  check(inventory, report) {
    const misplaced = inventory.annotations().filter((s) => s.placement === 'misplaced');
    if (misplaced.length === 0) return;
    const onPods = new Set(inventory.annotations().filter((s) => s.placement === 'pod').map((s) => `${s.holder}|${s.value}`));
    for (const site of misplaced) {
      // A copy of what the pods carry anyway changes nothing.
      if (onPods.has(`${site.holder}|${site.value}`)) continue;
      report.add({
        manifest: site.manifest, field: site.field, value: site.value,
        problem: 'is on the wrong object: Multus reads the pod\'s annotations, and this metadata is never copied to the pods, so they get no extra interface and no error says so',
        fix: `move it to ${site.belongs}`,
      });
    }
  },
};

export const annotationInvalidJson: Rule = {
  id: 'annotation-invalid-json',
  level: 'error',
  summary: 'a networks annotation that is not a valid NPWG selection list (JSON, addresses, MACs, interface names)',
  check(inventory, report) {
    for (const site of inventory.annotations()) {
      for (const p of site.parsed.problems) {
        report.add({
          manifest: site.manifest, field: `${site.field}${p.at}`, value: p.value,
          problem: `${p.problem}: Multus refuses the annotation and the pod never starts`,
          fix: p.fix,
        });
      }
    }
  },
};

export const annotationUnknownKey: Rule = {
  id: 'annotation-unknown-key',
  level: 'warning',
  summary: 'a key of a selection element that Multus does not know (a typo such as "ip"), which it silently drops',
  check(inventory, report) {
    for (const site of inventory.annotations()) {
      for (const u of site.parsed.unknownKeys) {
        report.add({
          manifest: site.manifest, field: `${site.field}${u.at}.${u.key}`, value: u.key,
          problem: 'is not a key of a selection element, so Multus drops it without a word',
          fix: 'use the NPWG keys: name, namespace, ips, mac, interface, default-route, cni-args (e.g. "ips", not "ip")',
        });
      }
    }
  },
};

/** One static claim of an annotation: `network|kind|value|cluster`, and the element that makes it. */
interface StaticClaim {
  readonly key: string;
  readonly site: AnnotationSite;
  readonly element: SelectionView;
  readonly what: 'ips' | 'mac';
  readonly value: string;
}

/** The static claims of an annotation, added to `out`. */
function claims(inventory: Inventory, site: AnnotationSite, out: StaticClaim[]): void {
  for (const element of site.parsed.elements) {
    if (element.name === undefined) continue;
    const nad = inventory.selected(site, element);
    const namespace = element.namespace ?? site.podNamespace ?? nad?.namespace;
    if (namespace === undefined) continue;
    const network = `${namespace}/${element.name}`;
    const cluster = site.manifest.flux?.cluster ?? '';
    for (const ip of element.ips) out.push({ key: `${network}|address|${ip}|${cluster}`, site, element, what: 'ips', value: ip });
    if (element.mac !== undefined) out.push({ key: `${network}|MAC|${element.mac}|${cluster}`, site, element, what: 'mac', value: element.mac });
  }
}

/** The field of a claim, for a finding (only a conflict needs it). */
function claimField(c: StaticClaim): string {
  return `${c.site.field}[${c.element.index}].${c.what}`;
}

export const addressConflict: Rule = {
  id: 'address-conflict',
  level: 'error',
  summary: 'one static address, or one pinned MAC, on one network held by two pods or releases',
  check(inventory, report) {
    // The first holder of each claim, and the list of all of them only where a second one claims it
    // too (a home cluster's thousands of claims are almost all held once).
    const first = new Map<string, StaticClaim>();
    const shared = new Map<string, StaticClaim[]>();
    const found: StaticClaim[] = [];
    for (const site of inventory.annotations()) {
      if (site.placement === 'misplaced') continue;
      found.length = 0;
      claims(inventory, site, found);
      for (const c of found) {
        const held = first.get(c.key);
        if (held === undefined) {
          first.set(c.key, c);
          continue;
        }
        const list = shared.get(c.key) ?? [held];
        if (!list.some((h) => h.site.holder === site.holder)) list.push(c);
        shared.set(c.key, list);
      }
    }
    for (const [key, list] of shared) {
      if (list.length < 2) continue;
      const [network, what] = key.split('|');
      const first = list[0];
      const firstOwner = ownerOf(first.site);
      for (const other of list.slice(1)) {
        report.add({
          manifest: other.site.manifest, field: claimField(other), value: other.value,
          problem: `is also the ${what} of ${firstOwner} on network ${network}${first.site.manifest.location.file ? ` (${first.site.manifest.location.file})` : ''}: two interfaces with one ${what} on one LAN, and devices reach whichever answered last`,
          fix: `give each pod its own ${what === 'MAC' ? 'MAC' : 'address'} (IotNetwork's address plan refuses a second claim)`,
        });
      }
    }
  },
};

export const staticIpRollout: Rule = {
  id: 'static-ip-rollout',
  level: 'error',
  summary: 'a static address or pinned MAC on a workload that can run two pods at once (replicas > 1, a RollingUpdate that surges, an autoscaler, a DaemonSet)',
  check(inventory, report) {
    for (const site of inventory.annotations()) {
      const why = site.workload?.multiPod;
      if (site.placement !== 'pod' || why === undefined) continue;
      const pinned = site.parsed.elements.flatMap((e) => [...e.ips, ...(e.mac !== undefined ? [e.mac] : [])]);
      if (pinned.length === 0) continue;
      const appTemplate = site.workload?.controller !== undefined;
      report.add({
        manifest: site.manifest, field: site.field, value: pinned.join(', '),
        problem: `pins the same ${pinned.length > 1 ? 'addresses' : 'address'} on every pod, and ${why}: two pods then hold one address on the LAN`,
        fix: appTemplate
          ? 'run one pod: strategy: Recreate (app-template\'s default), replicas 1, no daemonset; or leave the address to the IPAM'
          : site.workload?.daemonSet ? 'run the pod from a Deployment with one replica and strategy Recreate, or leave the address to the IPAM'
            : site.workload?.kind === 'CronJob' ? 'set concurrencyPolicy: Forbid (or Replace)' : 'run one replica with strategy Recreate (kplus.DeploymentStrategy.recreate()), and no autoscaler',
      });
    }
  },
};

export const hostNetworkAnnotation: Rule = {
  id: 'host-network-annotation',
  level: 'error',
  summary: 'a networks annotation on pods that use the node\'s network (hostNetwork: true), for which no CNI runs',
  check(inventory, report) {
    for (const site of inventory.annotations()) {
      const host = site.workload?.hostNetwork;
      if (site.placement !== 'pod' || host === undefined) continue;
      report.add({
        manifest: site.manifest, field: host.field, value: true,
        problem: `${HOST_NETWORK.problem}: ${host.why}, and ${site.field} asks for networks`,
        fix: HOST_NETWORK.fix,
      });
    }
  },
};

/** @internal */
export const POD_RULES: Rule[] = [annotationMisplaced, annotationInvalidJson, annotationUnknownKey, addressConflict, staticIpRollout, hostNetworkAnnotation];
