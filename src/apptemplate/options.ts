import { propsShape } from '../util/props';

/** The keys of `AppTemplateImage` (util/props). @internal */
export const IMAGE = propsShape<AppTemplateImage>('AppTemplateImage', { repository: true, tag: true, digest: true });

/** The keys of `AppTemplatePort` (util/props). @internal */
export const PORT = propsShape<AppTemplatePort>('AppTemplatePort', { name: true, port: true, protocol: true });

/** The keys of `AppTemplateCapabilities` (util/props). @internal */
export const CAPABILITIES = propsShape<AppTemplateCapabilities>('AppTemplateCapabilities', { add: true, drop: true });

/** The keys of `AppTemplateSecurityContext` (util/props). @internal */
export const SECURITY_CONTEXT = propsShape<AppTemplateSecurityContext>('AppTemplateSecurityContext', {
  privileged: true, allowPrivilegeEscalation: true, readOnlyRootFilesystem: true, capabilities: true,
});

/** The keys of `AppTemplatePodSecurityContext` (util/props). @internal */
export const POD_SECURITY_CONTEXT = propsShape<AppTemplatePodSecurityContext>('AppTemplatePodSecurityContext', {
  runAsUser: true, runAsGroup: true, runAsNonRoot: true, fsGroup: true, fsGroupChangePolicy: true, supplementalGroups: true,
});

// The option types of an app-template release that are plain structs or simple choices: the
// image, the Service's ports, environment sources, security contexts, resources, the update
// strategy.

/** The release's container image. */
export interface AppTemplateImage {
  /** The image repository, with its registry: `ghcr.io/home-operations/home-assistant`. */
  readonly repository: string;

  /**
   * A pinned tag: a version such as `2025.11.3` (not `latest`, which changes under the release).
   */
  readonly tag: string;

  /**
   * The image digest (`sha256:` and 64 hex digits), pinning the content as well: the chart runs
   * `<repository>:<tag>@<digest>`.
   * @default - the tag alone
   */
  readonly digest?: string;
}

/** Protocols of a Service port of app-template. */
export enum AppTemplatePortProtocol {
  /** TCP. */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
  /** TCP carrying HTTP (the chart's URLs and `AUTO` probes use it). */
  HTTP = 'HTTP',
  /** TCP carrying HTTPS. */
  HTTPS = 'HTTPS',
}

/** One port the release's container listens on, served by the release's Service (`app`). */
export interface AppTemplatePort {
  /** The port's name: a lower-case IANA service name such as `http` (at most 15 characters). */
  readonly name: string;

  /** The port number (1-65535) the container listens on; the Service serves it under the same number. */
  readonly port: number;

  /**
   * The protocol.
   * @default AppTemplatePortProtocol.TCP
   */
  readonly protocol?: AppTemplatePortProtocol;
}

/** A Secret or ConfigMap whose keys become environment variables of the container (`envFrom`). */
export class AppTemplateEnvSource {
  /**
   * Every key of a Secret (API tokens, a database URL).
   * @param name the Secret's name, in the release's namespace
   */
  public static secret(name: string): AppTemplateEnvSource {
    return new AppTemplateEnvSource('secret', name);
  }

  /**
   * Every key of a ConfigMap.
   * @param name the ConfigMap's name, in the release's namespace
   */
  public static configMap(name: string): AppTemplateEnvSource {
    return new AppTemplateEnvSource('configMap', name);
  }

  /** `secret` or `configMap`. */
  public readonly kind: string;
  /** The object's name. */
  public readonly name: string;

  private constructor(kind: string, name: string) {
    this.kind = kind;
    this.name = name;
  }
}

/** Linux capabilities to add to or drop from the container. */
export interface AppTemplateCapabilities {
  /**
   * Capabilities to add, upper case without `CAP_` (`NET_ADMIN`, `NET_RAW` for Bluetooth LE).
   * @default - none
   */
  readonly add?: string[];

  /**
   * Capabilities to drop (`ALL`).
   * @default - none
   */
  readonly drop?: string[];
}

/** The container's security context. */
export interface AppTemplateSecurityContext {
  /**
   * Run the container privileged: it sees every device of the node. Needed for a host device
   * mounted with `AppTemplatePersistence.device()` (a Zigbee or Z-Wave USB stick).
   * @default false
   */
  readonly privileged?: boolean;

  /**
   * Whether a process may gain more privileges than its parent (`allowPrivilegeEscalation`).
   * Kubernetes refuses `false` for a privileged container.
   * @default - the runtime's default
   */
  readonly allowPrivilegeEscalation?: boolean;

  /**
   * Mount the container's root file system read-only (give the application writable volumes,
   * such as an `emptyDir()` at `/tmp`).
   * @default false
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * Capabilities to add or drop.
   * @default - the runtime's default set
   */
  readonly capabilities?: AppTemplateCapabilities;
}

/** How the kubelet applies `fsGroup` to a volume. */
export enum AppTemplateFsGroupChangePolicy {
  /** Only when the volume's root does not match already (fast on large volumes). */
  ON_ROOT_MISMATCH = 'OnRootMismatch',
  /** On every mount. */
  ALWAYS = 'Always',
}

/** The pod's security context: who its processes run as. */
export interface AppTemplatePodSecurityContext {
  /**
   * The user id every container runs as.
   * @default - the image's user
   */
  readonly runAsUser?: number;

  /**
   * The group id every container runs as.
   * @default - the image's group
   */
  readonly runAsGroup?: number;

  /**
   * Refuse to start a container that would run as root.
   * @default false
   */
  readonly runAsNonRoot?: boolean;

  /**
   * The group that owns the pod's volumes, and a supplementary group of every process.
   * @default - no change of ownership
   */
  readonly fsGroup?: number;

  /**
   * When the kubelet changes the volumes' ownership to `fsGroup`.
   * @default - the kubelet's default (Always)
   */
  readonly fsGroupChangePolicy?: AppTemplateFsGroupChangePolicy;

  /**
   * More groups of every process (e.g. the node's `dialout` group for a serial device).
   * @default - none
   */
  readonly supplementalGroups?: number[];
}

/** How the Deployment replaces its pods on an update. */
export enum AppTemplateStrategy {
  /**
   * Stop the old pod, then start the new one. The only strategy for a pod with a static address
   * or a pinned MAC, or a ReadWriteOnce volume: the two pods never run at once.
   */
  RECREATE = 'Recreate',
  /** Start the new pod before the old one stops. */
  ROLLING_UPDATE = 'RollingUpdate',
}
