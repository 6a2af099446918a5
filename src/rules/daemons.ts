import { trimDirectory } from '../knowledge/cni';
import { MULTUS_IMAGE } from '../knowledge/multus-charts';
import { podTemplatePath } from '../knowledge/workloads';
import { Inventory } from './inventory';
import { Manifest } from './model';
import { ContainerView, Workload } from './pods';
import { Release } from './releases';
import { dig, digMap, isMap, isTemplated } from './values';

// The Multus daemon run without a Multus chart: upstream's deployments/multus-daemonset-thick.yml
// (or the thin one) as plain manifests, patched or not, or a bjw-s app-template release whose
// controller runs the Multus image. Thick or thin is read from its image (a `-thick` tag) or its
// command (`multus-daemon`, `thin_entrypoint`); its CNI directories and the netns directory from its
// hostPath volumes, by where the container mounts them (upstream's `/host/etc/cni/net.d` and
// `/host/opt/cni/bin`).

/** Where upstream's manifests mount the host's CNI config directory in the daemon container. */
export const CONFIG_MOUNT = '/host/etc/cni/net.d';
/** Where upstream's manifests mount the host's CNI plugin directory in the daemon container. */
export const BIN_MOUNT = '/host/opt/cni/bin';

/** A host directory mounted into the daemon container. @internal */
export interface HostMount {
  /** The host directory. */
  readonly hostPath: string;
  /** Where the container sees it. */
  readonly mountPath?: string;
  /** Where the host directory is written, for messages. */
  readonly field: string;
}

/** A Multus daemon outside a Multus chart. @internal */
export interface MultusDaemon {
  readonly manifest: Manifest;
  readonly workload: Workload;
  readonly container: ContainerView;
  /** The daemon it runs, from its image or command. */
  readonly flavor: 'thick' | 'thin';
  /** The image's tag, when written. */
  readonly tag?: string;
  /** Every hostPath volume of the pod, with where the daemon container mounts it (if it does). */
  readonly hostMounts: readonly HostMount[];
  /** The hostPath mounted at CONFIG_MOUNT, at BIN_MOUNT. */
  readonly configDir?: HostMount;
  readonly binDir?: HostMount;
  /** Where the pods' hostPath volumes are declared, for messages. */
  readonly volumesField: string;
  /** The release, for an app-template controller. */
  readonly release?: Release;
}

/** True iff the container runs Multus: the upstream image, or its daemon or thin entrypoint by name. */
function isMultusContainer(c: ContainerView): boolean {
  return runsMultusImage(c) || /multus-daemon|thin_entrypoint/.test(c.commandLine);
}

/**
 * True iff the container's image is upstream's Multus image. The image is read only when its text
 * names the image at all (its last path segment): a check meets thousands of other images.
 * @internal
 */
export function runsMultusImage(c: ContainerView): boolean {
  return c.image !== undefined && c.image.includes(MULTUS_IMAGE_NAME) && c.reference?.name === MULTUS_IMAGE;
}

/** The last path segment of the Multus image, which any reference to it contains. */
const MULTUS_IMAGE_NAME = MULTUS_IMAGE.slice(MULTUS_IMAGE.lastIndexOf('/') + 1);

/** Thick or thin, from the command when it names one, else from the image's tag. @internal */
export function flavorOf(c: ContainerView): { flavor: 'thick' | 'thin'; tag?: string } {
  const tag = c.reference?.tag;
  if (/multus-daemon/.test(c.commandLine)) return { flavor: 'thick', tag };
  if (/thin_entrypoint/.test(c.commandLine)) return { flavor: 'thin', tag };
  return { flavor: (tag ?? '').includes('-thick') ? 'thick' : 'thin', tag };
}


/** The hostPath volumes of a raw workload's pod, with the container's mounts of them. */
function rawMounts(w: Workload, containerIndex: number): { mounts: HostMount[]; volumesField: string } {
  const o = w.manifest.object;
  // Where the workload model finds the pod template (a raw workload always has one).
  const prefix = [...(podTemplatePath(o) ?? ['spec', 'template'])];
  const spec = prefix.length === 0 ? o?.spec : dig(o, ...prefix, 'spec');
  const volumes: any[] = Array.isArray(spec?.volumes) ? spec.volumes : [];
  const container = Array.isArray(spec?.containers) ? spec.containers.filter(isMap)[containerIndex] : undefined;
  const mounts: any[] = Array.isArray(container?.volumeMounts) ? container.volumeMounts : [];
  const specField = [...prefix, 'spec'].join('.');
  const out: HostMount[] = [];
  volumes.forEach((v, i) => {
    const hostPath = v?.hostPath?.path;
    if (typeof hostPath !== 'string' || isTemplated(hostPath)) return;
    const field = `${specField ? `${specField}.` : ''}volumes[${i}].hostPath.path`;
    const at = mounts.filter((m) => m?.name === v.name && typeof m.mountPath === 'string');
    if (at.length === 0) out.push({ hostPath, field });
    for (const m of at) out.push({ hostPath, mountPath: m.mountPath, field });
  });
  return { mounts: out, volumesField: `${specField ? `${specField}.` : ''}volumes` };
}

/**
 * The hostPath persistence of an app-template release, with where controller `controller`'s
 * container `container` mounts each: its `globalMounts`, its `advancedMounts`, else common's
 * default (`/<key>` in every container).
 */
function appTemplateMounts(release: Release, controller: string, container: string): HostMount[] {
  const persistence = digMap(release.values, 'persistence') ?? {};
  const out: HostMount[] = [];
  for (const key of Object.keys(persistence).sort()) {
    const p = persistence[key];
    if (!isMap(p) || p.enabled === false || p.type !== 'hostPath' || typeof p.hostPath !== 'string' || isTemplated(p.hostPath)) continue;
    const field = release.originOf(['persistence', key, 'hostPath']);
    const global = Array.isArray(p.globalMounts) ? p.globalMounts : undefined;
    const advanced = dig(p, 'advancedMounts', controller, container);
    const paths: string[] = [];
    if (global) paths.push(...global.map((m: any) => m?.path ?? `/${key}`));
    if (Array.isArray(advanced)) paths.push(...advanced.map((m: any) => m?.path ?? `/${key}`));
    if (!global && !isMap(p.advancedMounts)) paths.push(`/${key}`);
    if (paths.length === 0) out.push({ hostPath: p.hostPath, field });
    for (const mountPath of paths) if (typeof mountPath === 'string') out.push({ hostPath: p.hostPath, mountPath, field });
  }
  return out;
}

/**
 * Every Multus daemon of the input that no Multus chart installs: raw workloads and app-template
 * controllers running the Multus image (or its daemon by name), one per container.
 * @internal
 */
export function multusDaemons(inventory: Inventory): MultusDaemon[] {
  return inventory.derived('multus-daemons', () => findDaemons(inventory));
}

function findDaemons(inventory: Inventory): MultusDaemon[] {
  const releases = new Map<Manifest, Release>(inventory.releases().map((r) => [r.manifest, r]));
  const out: MultusDaemon[] = [];
  for (const w of inventory.workloads()) {
    w.containers.forEach((c, i) => {
      if (!isMultusContainer(c)) return;
      const { flavor, tag } = flavorOf(c);
      let mounts: HostMount[];
      let volumesField: string;
      let release: Release | undefined;
      if (w.controller !== undefined) {
        release = releases.get(w.manifest);
        if (!release) return;
        mounts = appTemplateMounts(release, w.controller, c.name);
        volumesField = release.originOf(['persistence']);
      } else {
        ({ mounts, volumesField } = rawMounts(w, i));
      }
      const at = (path: string) => mounts.find((m) => m.mountPath !== undefined && trimDirectory(m.mountPath) === path);
      out.push({ manifest: w.manifest, workload: w, container: c, flavor, tag, hostMounts: mounts, configDir: at(CONFIG_MOUNT), binDir: at(BIN_MOUNT), volumesField, release });
    });
  }
  return out;
}
