import { Duration } from 'cdk8s';
import { propsShape } from '../util/props';

/** The keys of `AppTemplateProbes` (util/props). @internal */
export const PROBES = propsShape<AppTemplateProbes>('AppTemplateProbes', { liveness: true, readiness: true, startup: true });

/** The keys of `AppTemplateProbeOptions` (util/props). @internal */
export const PROBE_OPTIONS = propsShape<AppTemplateProbeOptions>('AppTemplateProbeOptions', {
  initialDelay: true, period: true, timeout: true, failureThreshold: true,
});

// Container probes as app-template takes them (`probes.<liveness|readiness|startup>`): a TCP or
// HTTP check on a port, with the four timings the chart reads from `spec`. The factories record
// the choice; the release model checks and renders it (values.ts).

/** When and how often a probe runs, and how many failures it takes. */
export interface AppTemplateProbeOptions {
  /**
   * How long after the container starts the first check runs (`initialDelaySeconds`), whole seconds.
   * @default - the chart's (0 s)
   */
  readonly initialDelay?: Duration;

  /**
   * How often the check runs (`periodSeconds`), whole seconds, at least 1.
   * @default - the chart's (10 s)
   */
  readonly period?: Duration;

  /**
   * How long one check may take (`timeoutSeconds`), whole seconds, at least 1.
   * @default - the chart's (1 s)
   */
  readonly timeout?: Duration;

  /**
   * How many checks in a row must fail (`failureThreshold`). A startup probe gives a slow first
   * start `failureThreshold` x `period` (Home Assistant installs its integrations' packages then).
   * @default - the chart's (3)
   */
  readonly failureThreshold?: number;
}

/** The kinds of check a probe makes. */
export enum AppTemplateProbeType {
  /** A TCP connection to the port. */
  TCP = 'TCP',
  /** An HTTP GET of a path; any status from 200 to 399 passes. */
  HTTP = 'HTTP',
}

/**
 * A liveness, readiness or startup probe of the release's container.
 *
 * @example
 * AppTemplateProbe.tcp();                                  // the release's first port
 * AppTemplateProbe.http('/manifest.json', 8123);
 * AppTemplateProbe.tcp(8123, { period: Duration.seconds(10), failureThreshold: 30 }); // a startup probe
 */
export class AppTemplateProbe {
  /**
   * A TCP connection to `port`.
   *
   * @param port the container port (1-65535); left out, the release's first port (`ports[0]`)
   */
  public static tcp(port?: number, options: AppTemplateProbeOptions = {}): AppTemplateProbe {
    return new AppTemplateProbe(AppTemplateProbeType.TCP, options, port);
  }

  /**
   * An HTTP GET of `path` on `port`.
   *
   * @param path the absolute path to request, e.g. `/` or `/manifest.json`
   * @param port the container port (1-65535); left out, the release's first port (`ports[0]`)
   */
  public static http(path: string, port?: number, options: AppTemplateProbeOptions = {}): AppTemplateProbe {
    return new AppTemplateProbe(AppTemplateProbeType.HTTP, options, port, path);
  }

  /** The kind of check. */
  public readonly type: AppTemplateProbeType;
  /** The port, when given. */
  public readonly port?: number;
  /** The HTTP path, for `http()`. */
  public readonly path?: string;
  /** The timings. */
  public readonly options: AppTemplateProbeOptions;

  private constructor(type: AppTemplateProbeType, options: AppTemplateProbeOptions, port?: number, path?: string) {
    this.type = type;
    this.options = options ?? {};
    this.port = port;
    this.path = path;
  }
}

/** The probes of the release's container; a probe left out is off (the chart's default). */
export interface AppTemplateProbes {
  /**
   * Restarts the container when it fails.
   * @default - none
   */
  readonly liveness?: AppTemplateProbe;

  /**
   * Takes the pod out of its Service while it fails.
   * @default - none
   */
  readonly readiness?: AppTemplateProbe;

  /**
   * Holds the other probes back until it passes once: room for a slow first start.
   * @default - none
   */
  readonly startup?: AppTemplateProbe;
}
