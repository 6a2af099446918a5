import { Size } from 'cdk8s';
import { propsShape } from '../util/props';

/** The keys of `AppTemplateMountOptions` (util/props). @internal */
export const MOUNT_OPTIONS = propsShape<AppTemplateMountOptions>('AppTemplateMountOptions', { mountPath: true, readOnly: true });

/** The keys of `AppTemplateClaimOptions` (util/props). @internal */
export const CLAIM_OPTIONS = propsShape<AppTemplateClaimOptions>('AppTemplateClaimOptions', {
  size: true, accessMode: true, storageClass: true, retain: true, mountPath: true, readOnly: true,
});

/** The keys of `AppTemplateHostPathOptions` (util/props). @internal */
export const HOST_PATH_OPTIONS = propsShape<AppTemplateHostPathOptions>('AppTemplateHostPathOptions', { type: true, mountPath: true, readOnly: true });

/** The keys of `AppTemplateEmptyDirOptions` (util/props). @internal */
export const EMPTY_DIR_OPTIONS = propsShape<AppTemplateEmptyDirOptions>('AppTemplateEmptyDirOptions', {
  inMemory: true, sizeLimit: true, mountPath: true, readOnly: true,
});

// The volumes of an app-template release (`persistence.<name>`), as enum-like classes: what
// home-automation workloads mount (a claim for /config, an existing claim, a host device such as
// a Zigbee USB stick, host directories such as D-Bus for Bluetooth, scratch space, NFS). The
// factories only record the choice; the release model checks and renders it (values.ts), where
// the item's name is known for messages.

/**
 * What a persistence factory was given, unchecked (JavaScript callers can pass anything).
 * @internal
 */
export interface PersistenceGiven {
  readonly options: unknown;
  readonly claimName?: unknown;
  readonly path?: unknown;
  readonly server?: unknown;
  readonly device?: boolean;
}

/** The kinds of volume an `AppTemplatePersistence` mounts. */
export enum AppTemplatePersistenceType {
  /** A PersistentVolumeClaim the chart creates. */
  PERSISTENT_VOLUME_CLAIM = 'persistentVolumeClaim',
  /** A PersistentVolumeClaim that exists already. */
  EXISTING_CLAIM = 'existingClaim',
  /** A path of the node (a directory, a socket, a device). */
  HOST_PATH = 'hostPath',
  /** Scratch space that lives as long as the pod. */
  EMPTY_DIR = 'emptyDir',
  /** An NFS export. */
  NFS = 'nfs',
}

/** Access modes of a PersistentVolumeClaim. */
export enum AppTemplateAccessMode {
  /** Mounted read-write by pods of one node. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Mounted read-write by one pod. */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  /** Mounted read-only by pods of many nodes. */
  READ_ONLY_MANY = 'ReadOnlyMany',
  /** Mounted read-write by pods of many nodes. */
  READ_WRITE_MANY = 'ReadWriteMany',
}

/** What a host path must be (`hostPathType`); the kubelet checks it before the pod starts. */
export enum AppTemplateHostPathType {
  /** A directory that must exist. */
  DIRECTORY = 'Directory',
  /** A directory, created (0755) when missing. */
  DIRECTORY_OR_CREATE = 'DirectoryOrCreate',
  /** A file that must exist. */
  FILE = 'File',
  /** A file, created (0644) when missing. */
  FILE_OR_CREATE = 'FileOrCreate',
  /** A UNIX socket that must exist (e.g. `/run/dbus/system_bus_socket`). */
  SOCKET = 'Socket',
  /** A character device that must exist (a serial adapter such as `/dev/ttyUSB0`). */
  CHAR_DEVICE = 'CharDevice',
  /** A block device that must exist. */
  BLOCK_DEVICE = 'BlockDevice',
}

/** Where a volume is mounted in the release's container. */
export interface AppTemplateMountOptions {
  /**
   * The absolute path in the container.
   * @default - `/<name>` (the name of the persistence item, as the chart does); for a host path or device, the same path as on the host
   */
  readonly mountPath?: string;

  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** Options of `AppTemplatePersistence.persistentVolumeClaim()`. */
export interface AppTemplateClaimOptions extends AppTemplateMountOptions {
  /** The storage to request, in whole mebibytes or more (`Size.gibibytes(5)`). */
  readonly size: Size;

  /**
   * The claim's access mode.
   * @default AppTemplateAccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: AppTemplateAccessMode;

  /**
   * The StorageClass.
   * @default - the cluster's default StorageClass
   */
  readonly storageClass?: string;

  /**
   * Keep the claim when the release is uninstalled (`retain`: Helm's `helm.sh/resource-policy: keep`).
   * The claim holds the application's state (Home Assistant's `/config`): a release removed by
   * mistake, or pruned by Flux, would otherwise take it along.
   * @default true
   */
  readonly retain?: boolean;
}

/** Options of `AppTemplatePersistence.hostPath()`. */
export interface AppTemplateHostPathOptions extends AppTemplateMountOptions {
  /**
   * What the host path must be; the kubelet refuses to start the pod otherwise.
   * @default - no check
   */
  readonly type?: AppTemplateHostPathType;
}

/** Options of `AppTemplatePersistence.emptyDir()`. */
export interface AppTemplateEmptyDirOptions extends AppTemplateMountOptions {
  /**
   * Keep it in memory (tmpfs, counted against the container's memory) instead of the node's disk.
   * @default false
   */
  readonly inMemory?: boolean;

  /**
   * The most it may hold, in whole mebibytes or more.
   * @default - no limit
   */
  readonly sizeLimit?: Size;
}

/**
 * A volume of the release (`persistence.<name>` of app-template), mounted in its container.
 *
 * @example
 * AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(5) });   // at /<name>, e.g. /config
 * AppTemplatePersistence.existingClaim('home-assistant-config', { mountPath: '/config' });
 * AppTemplatePersistence.device('/dev/serial/by-id/usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus-if00-port0');
 * AppTemplatePersistence.hostPath('/run/dbus', { type: AppTemplateHostPathType.DIRECTORY, readOnly: true }); // Bluetooth through BlueZ
 * AppTemplatePersistence.emptyDir({ mountPath: '/tmp' });
 */
export class AppTemplatePersistence {
  /**
   * A PersistentVolumeClaim the chart creates for the release: `<release>` for the only claim,
   * `<release>-<name>` otherwise. Kept on uninstall unless `retain: false`.
   */
  public static persistentVolumeClaim(options: AppTemplateClaimOptions): AppTemplatePersistence {
    return new AppTemplatePersistence(AppTemplatePersistenceType.PERSISTENT_VOLUME_CLAIM, options);
  }

  /**
   * A PersistentVolumeClaim that exists already (created by hand, by a backup tool such as
   * VolSync, or by another release). The chart creates none.
   *
   * @param claimName the claim's name, in the release's namespace
   */
  public static existingClaim(claimName: string, options: AppTemplateMountOptions = {}): AppTemplatePersistence {
    return new AppTemplatePersistence(AppTemplatePersistenceType.EXISTING_CLAIM, options, { claimName });
  }

  /**
   * A path of the node, mounted at the same path unless `mountPath` says otherwise (e.g. `/run/dbus`
   * for Bluetooth through the host's BlueZ). The pod can only use the path of the node it runs on:
   * pin it with `nodeSelector`.
   *
   * @param path the absolute path on the node
   */
  public static hostPath(path: string, options: AppTemplateHostPathOptions = {}): AppTemplatePersistence {
    return new AppTemplatePersistence(AppTemplatePersistenceType.HOST_PATH, options, { path });
  }

  /**
   * A device of the node, such as a Zigbee or Z-Wave USB stick: a host path under `/dev` that must
   * be a character device, mounted at the same path. Prefer the stable `/dev/serial/by-id/...` name
   * to `/dev/ttyUSB0`, which can change on a reboot. The container must be privileged
   * (`securityContext: { privileged: true }`): the container runtime lets other containers open only
   * its default devices. Pin the pod to the node that has the device with `nodeSelector`.
   *
   * @param path the device on the node, e.g. `/dev/serial/by-id/usb-...`
   */
  public static device(path: string, options: AppTemplateMountOptions = {}): AppTemplatePersistence {
    return new AppTemplatePersistence(AppTemplatePersistenceType.HOST_PATH, options, { path, device: true });
  }

  /** Scratch space that lives as long as the pod (`/tmp` under a read-only root file system). */
  public static emptyDir(options: AppTemplateEmptyDirOptions = {}): AppTemplatePersistence {
    return new AppTemplatePersistence(AppTemplatePersistenceType.EMPTY_DIR, options);
  }

  /**
   * An NFS export (camera recordings on a NAS).
   *
   * @param server the NFS server's host name or address
   * @param path the exported path
   */
  public static nfs(server: string, path: string, options: AppTemplateMountOptions = {}): AppTemplatePersistence {
    return new AppTemplatePersistence(AppTemplatePersistenceType.NFS, options, { server, path });
  }

  /** The kind of volume. */
  public readonly type: AppTemplatePersistenceType;
  /** Whether it is a host device (`device()`), which needs a privileged container. */
  public readonly isDevice: boolean;

  /**
   * What the factory was given, for the release model to check and render.
   * @internal
   */
  public readonly _given: PersistenceGiven;

  private constructor(type: AppTemplatePersistenceType, options: unknown, given: Omit<PersistenceGiven, 'options'> = {}) {
    this.type = type;
    this.isDevice = given.device === true;
    this._given = { ...given, options };
  }
}
