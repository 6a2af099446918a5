import * as path from 'node:path';
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Problems, invalid, refusal } from '../errors';
import { isImageName, isImageTag, parseImageReference } from '../util/image';
import { isPlainObject } from '../util/merge';
import { checkKubernetesField } from '../util/kubernetes-fields';
import { checkSafeString, checkYamlDatum, checkYamlKey, compare } from '../util/strings';
import { checkKnownProps } from '../util/props';
import { wholeMebibytes } from '../util/quantity';
import { ContainerResources, checkResources } from '../util/resources';
import { checkDnsLabel, checkDnsSubdomain, isLabelValue, isQualifiedName } from '../util/validate';
import {
  AppTemplateCapabilities, AppTemplateEnvSource, AppTemplateFsGroupChangePolicy, AppTemplateImage, AppTemplatePodSecurityContext,
  AppTemplatePort, AppTemplatePortProtocol, AppTemplateSecurityContext, CAPABILITIES, IMAGE,
  POD_SECURITY_CONTEXT, PORT, SECURITY_CONTEXT,
} from './options';
import {
  AppTemplateAccessMode, AppTemplateHostPathType, AppTemplatePersistence, AppTemplatePersistenceType, CLAIM_OPTIONS, EMPTY_DIR_OPTIONS,
  HOST_PATH_OPTIONS, MOUNT_OPTIONS,
} from './persistence';
import { AppTemplateProbe, AppTemplateProbeType, AppTemplateProbes, PROBE_OPTIONS } from './probe';

// The pieces of an app-template release's values, each checked and rendered from its prop by a
// pure function: values in the layout app-template 4.x and 5.x share (checked against both
// values schemas by the tests), or a ValidationError naming the field. Keys are written in a
// fixed order, maps sorted, so the same props always give the same bytes.

/** The key of the release's container under `controllers.<controller>.containers`. @internal */
export const CONTAINER = 'app';

/** Something a prop holds, read structurally: JavaScript callers can pass anything. */
type Given = any;

/**
 * `repository` and `tag` (and the digest joined to the tag as `<tag>@<digest>`, which 4.x and 5.x
 * both render as `<repository>:<tag>@<digest>`).
 * @internal
 */
export function renderImage(image: AppTemplateImage, scope?: IConstruct): Record<string, string> {
  const example = "{ repository: 'ghcr.io/home-operations/home-assistant', tag: '2025.11.3' }";
  if (!isPlainObject(image)) invalid({ field: 'image', value: image, hint: `give the container image, e.g. ${example}`, scope, problem: 'is required' });
  const problems = new Problems();
  problems.check(() => checkKnownProps('image', image, IMAGE, scope));
  problems.check(() => {
    if (!isImageName(image.repository)) {
      invalid({ field: 'image.repository', value: image.repository, hint: 'give an image repository with its registry and a lower-case path, without tag or digest, e.g. "ghcr.io/home-operations/home-assistant"', scope });
    }
  });
  problems.check(() => {
    const tag: Given = image.tag;
    if (typeof tag === 'string' && tag.includes('@')) {
      invalid({ field: 'image.tag', value: tag, hint: `give the tag alone and the digest as image.digest ("${tag.slice(tag.indexOf('@') + 1)}")`, scope });
    }
    if (!isImageTag(tag)) invalid({ field: 'image.tag', value: tag, hint: 'pin a version tag such as "2025.11.3" (letters, digits, "_", "." and "-", at most 128)', scope, problem: tag === undefined ? 'is required' : 'is not valid' });
    if (tag === 'latest') invalid({ field: 'image.tag', value: tag, hint: 'pin a version tag such as "2025.11.3": "latest" changes under the release, and Flux does not notice', scope, problem: 'is not pinned' });
    checkSafeString('image.tag', tag, 'an image tag', scope);
  });
  problems.check(() => {
    if (image.digest !== undefined && !parseImageReference(`example.com/image@${image.digest as Given}`)) {
      invalid({ field: 'image.digest', value: image.digest, hint: 'give the digest as the registry reports it, e.g. "sha256:" and 64 lower-case hex digits', scope });
    }
  });
  problems.throwIfAny();
  return { repository: image.repository, tag: image.digest !== undefined ? `${image.tag}@${image.digest}` : image.tag };
}

// An IANA service name, as Kubernetes checks port names: at most 15 lower-case letters, digits
// and "-", with a letter, no "-" at either end and no "--".
const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** A checked port. @internal */
export interface PortModel {
  readonly name: string;
  readonly port: number;
  readonly protocol: AppTemplatePortProtocol;
}

/**
 * The release's ports, checked: names unique IANA service names, numbers 1-65535, each number
 * once per protocol.
 * @internal
 */
export function checkPorts(ports: AppTemplatePort[] | undefined, scope?: IConstruct): PortModel[] {
  if (ports === undefined) return [];
  if (!Array.isArray(ports)) invalid({ field: 'ports', value: ports, hint: "give a list, e.g. [{ name: 'http', port: 8123 }]", scope });
  const problems = new Problems();
  const names = new Map<string, number>();
  const numbers = new Map<string, number>();
  const out = ports.map((p, i) => problems.check((): PortModel => {
    const field = `ports[${i}]`;
    if (!isPlainObject(p)) invalid({ field, value: p, hint: "give an object such as { name: 'http', port: 8123 }", scope });
    const element = new Problems();
    element.check(() => checkKnownProps(field, p, PORT, scope));
    element.check(() => {
      const name: Given = p.name;
      if (typeof name !== 'string' || name.length > 15 || !PORT_NAME.test(name) || name.includes('--') || !/[a-z]/.test(name)) {
        invalid({ field: `${field}.name`, value: name, hint: 'give a port name of at most 15 lower-case letters, digits and "-", with a letter, such as "http"', scope });
      }
      const other = names.get(name);
      if (other !== undefined) invalid({ field: `${field}.name`, value: name, hint: `ports[${other}] has this name already; give each port its own name`, scope, problem: 'is given twice' });
      names.set(name, i);
    });
    element.check(() => checkPortNumber(`${field}.port`, p.port, scope));
    element.check(() => {
      if (p.protocol !== undefined && !Object.values(AppTemplatePortProtocol).includes(p.protocol)) {
        invalid({ field: `${field}.protocol`, value: p.protocol, hint: `use one of ${Object.values(AppTemplatePortProtocol).join(', ')} (AppTemplatePortProtocol)`, scope });
      }
    });
    element.throwIfAny();
    const protocol = p.protocol ?? AppTemplatePortProtocol.TCP;
    // HTTP and HTTPS are TCP to Kubernetes.
    const key = `${protocol === AppTemplatePortProtocol.UDP ? 'UDP' : 'TCP'}/${p.port}`;
    const other = numbers.get(key);
    if (other !== undefined) invalid({ field: `${field}.port`, value: p.port, hint: `ports[${other}] serves ${key} already; a port number may be served once per protocol`, scope, problem: 'is given twice' });
    numbers.set(key, i);
    return { name: p.name, port: p.port, protocol };
  }));
  problems.throwIfAny();
  return out as PortModel[];
}

function checkPortNumber(field: string, port: Given, scope?: IConstruct): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    invalid({ field, value: port, hint: 'give a port number from 1 to 65535', scope });
  }
}

/**
 * The Service `app` of the release: its controller and ports. The first of several ports is the
 * primary one (what the chart's notes and `AUTO` probes use).
 * @internal
 */
export function renderService(controller: string, ports: ReadonlyArray<PortModel>): Record<string, any> | undefined {
  if (ports.length === 0) return undefined;
  const rendered: Record<string, any> = {};
  ports.forEach((p, i) => {
    rendered[p.name] = {
      ...(ports.length > 1 && i === 0 ? { primary: true } : {}),
      port: p.port,
      ...(p.protocol !== AppTemplatePortProtocol.TCP ? { protocol: p.protocol } : {}),
    };
  });
  return { app: { controller, ports: rendered } };
}

/** A path as the kubelet and the container see it: absolute, normalized, no trailing "/", YAML-safe. */
function checkAbsolutePath(field: string, p: Given, example: string, scope?: IConstruct): string {
  if (typeof p === 'string') checkSafeString(field, p, 'a path', scope);
  if (typeof p !== 'string' || !path.posix.isAbsolute(p) || /[\s\0]/.test(p) || p.includes(':')) {
    invalid({ field, value: p, hint: `give an absolute path without white space or ":", e.g. "${example}"`, scope });
  }
  const normalized = path.posix.normalize(p).replace(/(.)\/$/, '$1');
  if (normalized !== p) invalid({ field, value: p, hint: `write the path in normal form: "${normalized}"`, scope });
  return p;
}

function checkBoolean(field: string, value: Given, scope?: IConstruct): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') invalid({ field, value, hint: 'use true or false', scope });
  return value;
}

/** A Size as a quantity: whole gibibytes as `<n>Gi`, else whole mebibytes as `<n>Mi`. @internal */
export function sizeQuantity(field: string, size: Given, example: string, scope?: IConstruct): string {
  const mi = wholeMebibytes(field, size, example, scope);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

/** A checked persistence item: its values, and where it is mounted (for clashes). @internal */
export interface PersistenceModel {
  readonly name: string;
  readonly values: Record<string, any>;
  readonly mountPath: string;
  readonly device: boolean;
}

/**
 * The release's persistence items, checked and rendered, sorted by name; refuses two items
 * mounted at one path (the kubelet would refuse the pod).
 * @internal
 */
export function checkPersistence(persistence: { [name: string]: AppTemplatePersistence } | undefined, scope?: IConstruct): PersistenceModel[] {
  if (persistence === undefined) return [];
  if (!isPlainObject(persistence)) {
    invalid({ field: 'persistence', value: persistence, hint: 'give a map of names to volumes, e.g. { config: AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(5) }) }', scope });
  }
  const problems = new Problems();
  const names = Object.keys(persistence).sort(compare);
  const items = names.map((name) => problems.check(() => persistenceItem(name, persistence[name], scope)));
  problems.throwIfAny();
  const models = items as PersistenceModel[];
  const mounted = new Map<string, string>();
  for (const m of models) {
    const other = mounted.get(m.mountPath);
    if (other !== undefined) {
      problems.add(refusal({ field: `persistence.${m.name}.mountPath`, value: m.mountPath, hint: `persistence.${other} is mounted there already; give each volume its own mountPath`, scope, problem: 'is used twice' }));
    }
    mounted.set(m.mountPath, m.name);
  }
  problems.throwIfAny();
  return models;
}

function persistenceItem(name: string, item: AppTemplatePersistence, scope?: IConstruct): PersistenceModel {
  const base = `persistence.${name}`;
  // The item's name becomes a volume name (a DNS label), and part of a claim's name.
  checkDnsLabel(base, name, scope);
  if (!(item instanceof AppTemplatePersistence)) {
    invalid({ field: base, value: item, hint: 'give an AppTemplatePersistence, e.g. AppTemplatePersistence.persistentVolumeClaim({ size: Size.gibibytes(5) }) or AppTemplatePersistence.existingClaim(name)', scope });
  }
  const given = item._given;
  const o: Given = given.options ?? {};
  if (!isPlainObject(o)) invalid({ field: base, value: o, hint: 'give the options as an object, e.g. { mountPath: "/config" }', scope });
  const problems = new Problems();
  const shape = item.type === AppTemplatePersistenceType.PERSISTENT_VOLUME_CLAIM ? CLAIM_OPTIONS
    : item.type === AppTemplatePersistenceType.EMPTY_DIR ? EMPTY_DIR_OPTIONS
      : item.type === AppTemplatePersistenceType.HOST_PATH && !item.isDevice ? HOST_PATH_OPTIONS
        : MOUNT_OPTIONS;
  problems.check(() => checkKnownProps(base, o, shape, scope));
  let defaultMount = `/${name}`;
  let values: Record<string, any> = {};
  switch (item.type) {
    case AppTemplatePersistenceType.PERSISTENT_VOLUME_CLAIM: {
      const size = problems.check(() => sizeQuantity(`${base}.size`, o.size, 'Size.gibibytes(5)', scope));
      problems.check(() => {
        if (o.accessMode !== undefined && !Object.values(AppTemplateAccessMode).includes(o.accessMode)) {
          invalid({ field: `${base}.accessMode`, value: o.accessMode, hint: `use one of ${Object.values(AppTemplateAccessMode).join(', ')} (AppTemplateAccessMode)`, scope });
        }
      });
      if (o.storageClass !== undefined) problems.check(() => checkDnsSubdomain(`${base}.storageClass`, o.storageClass, scope));
      const retain = problems.check(() => checkBoolean(`${base}.retain`, o.retain, scope));
      values = {
        type: 'persistentVolumeClaim',
        accessMode: o.accessMode ?? AppTemplateAccessMode.READ_WRITE_ONCE,
        size,
        ...(o.storageClass !== undefined ? { storageClass: o.storageClass } : {}),
        retain: retain ?? true,
      };
      break;
    }
    case AppTemplatePersistenceType.EXISTING_CLAIM:
      problems.check(() => checkDnsSubdomain(`${base}.claimName`, given.claimName as string, scope));
      values = { type: 'persistentVolumeClaim', existingClaim: given.claimName };
      break;
    case AppTemplatePersistenceType.HOST_PATH: {
      const hostPath = problems.check(() => {
        const p = checkAbsolutePath(`${base}.hostPath`, given.path, given.device ? '/dev/serial/by-id/usb-...' : '/run/dbus', scope);
        if (given.device && !p.startsWith('/dev/')) {
          invalid({ field: `${base}.hostPath`, value: p, hint: 'a device of the node lives under /dev, e.g. "/dev/serial/by-id/usb-..." or "/dev/ttyUSB0"; for anything else use AppTemplatePersistence.hostPath()', scope, problem: 'is not a device path' });
        }
        return p;
      });
      problems.check(() => {
        if (!given.device && o.type !== undefined && !Object.values(AppTemplateHostPathType).includes(o.type)) {
          invalid({ field: `${base}.type`, value: o.type, hint: `use one of ${Object.values(AppTemplateHostPathType).join(', ')} (AppTemplateHostPathType)`, scope });
        }
      });
      const type = given.device ? AppTemplateHostPathType.CHAR_DEVICE : o.type;
      if (hostPath) defaultMount = hostPath;
      values = { type: 'hostPath', hostPath, ...(type !== undefined ? { hostPathType: type } : {}) };
      break;
    }
    case AppTemplatePersistenceType.EMPTY_DIR: {
      const inMemory = problems.check(() => checkBoolean(`${base}.inMemory`, o.inMemory, scope));
      const sizeLimit = o.sizeLimit === undefined ? undefined : problems.check(() => sizeQuantity(`${base}.sizeLimit`, o.sizeLimit, 'Size.mebibytes(256)', scope));
      values = { type: 'emptyDir', ...(inMemory ? { medium: 'Memory' } : {}), ...(sizeLimit !== undefined ? { sizeLimit } : {}) };
      break;
    }
    case AppTemplatePersistenceType.NFS: {
      problems.check(() => {
        checkKubernetesField('nfsServer', `${base}.server`, given.server, scope);
      });
      problems.check(() => checkAbsolutePath(`${base}.path`, given.path, '/mnt/tank/recordings', scope));
      values = { type: 'nfs', server: given.server, path: given.path };
      break;
    }
  }
  const mountPath = problems.check(() => {
    const p = o.mountPath === undefined ? defaultMount : checkAbsolutePath(`${base}.mountPath`, o.mountPath, defaultMount, scope);
    checkKubernetesField('mountPath', `${base}.mountPath`, p, scope);
    return p;
  });
  const readOnly = problems.check(() => checkBoolean(`${base}.readOnly`, o.readOnly, scope));
  problems.throwIfAny();
  values.globalMounts = [{ path: mountPath, ...(readOnly ? { readOnly: true } : {}) }];
  return { name, values, mountPath: mountPath!, device: given.device === true };
}

/**
 * The container's environment as app-template's map form, sorted by name.
 * @internal
 */
export function renderEnv(env: { [name: string]: string } | undefined, scope?: IConstruct): Record<string, string> | undefined {
  if (env === undefined) return undefined;
  if (!isMap(env)) invalid({ field: 'env', value: env, hint: "give a map of names to strings, e.g. { TZ: 'Europe/Berlin' }", scope });
  const problems = new Problems();
  const entries = Object.keys(env).sort(compare).map((name) => problems.check((): [string, string] => {
    checkYamlKey('env', name, 'an environment variable', scope);
    checkKubernetesField('envVarName', 'env', name, scope);
    const value: Given = (env as Record<string, unknown>)[name];
    if (typeof value !== 'string') {
      invalid({ field: `env.${name}`, value, hint: `give a string${typeof value === 'number' || typeof value === 'boolean' ? `, e.g. "${String(value)}"` : ''}: every environment variable is one`, scope });
    }
    checkYamlDatum(`env.${name}`, value, 'an environment variable\'s value', scope);
    return [name, value];
  }));
  problems.throwIfAny();
  return Object.keys(env).length === 0 ? undefined : Object.fromEntries(entries as Array<[string, string]>);
}

/** `envFrom` entries, in the order given. @internal */
export function renderEnvFrom(sources: AppTemplateEnvSource[] | undefined, scope?: IConstruct): any[] | undefined {
  if (sources === undefined) return undefined;
  if (!Array.isArray(sources)) invalid({ field: 'envFrom', value: sources, hint: "give a list, e.g. [AppTemplateEnvSource.secret('home-assistant')]", scope });
  const problems = new Problems();
  const out = sources.map((s, i) => problems.check(() => {
    if (!(s instanceof AppTemplateEnvSource)) invalid({ field: `envFrom[${i}]`, value: s, hint: "give AppTemplateEnvSource.secret(name) or AppTemplateEnvSource.configMap(name)", scope });
    checkDnsSubdomain(`envFrom[${i}].name`, s.name, scope);
    return s.kind === 'secret' ? { secretRef: { name: s.name } } : { configMapRef: { name: s.name } };
  }));
  problems.throwIfAny();
  return out.length === 0 ? undefined : out;
}

// Capability names as the runtime takes them: upper case, without the CAP_ prefix.
const CAPABILITY = /^[A-Z][A-Z0-9_]*$/;

function capabilities(field: string, list: Given, scope?: IConstruct): string[] | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) invalid({ field, value: list, hint: "give a list such as ['NET_ADMIN']", scope });
  const problems = new Problems();
  const out = list.map((c: Given, i: number) => problems.check(() => {
    if (typeof c === 'string' && c.startsWith('CAP_')) invalid({ field: `${field}[${i}]`, value: c, hint: `leave out the CAP_ prefix: "${c.slice(4)}"`, scope });
    if (typeof c !== 'string' || !CAPABILITY.test(c)) invalid({ field: `${field}[${i}]`, value: c, hint: 'give a capability in upper case, e.g. "NET_ADMIN" or "ALL"', scope });
    return c;
  }));
  problems.throwIfAny();
  return out as string[];
}

/**
 * The container's security context. Refuses `allowPrivilegeEscalation: false` with `privileged`,
 * which the API server refuses.
 * @internal
 */
export function renderSecurityContext(sc: AppTemplateSecurityContext | undefined, scope?: IConstruct): Record<string, any> | undefined {
  if (sc === undefined) return undefined;
  if (!isPlainObject(sc)) invalid({ field: 'securityContext', value: sc, hint: 'give an object, e.g. { privileged: true }', scope });
  const problems = new Problems();
  problems.check(() => checkKnownProps('securityContext', sc, SECURITY_CONTEXT, scope));
  const privileged = problems.check(() => checkBoolean('securityContext.privileged', sc.privileged, scope));
  const escalation = problems.check(() => checkBoolean('securityContext.allowPrivilegeEscalation', sc.allowPrivilegeEscalation, scope));
  const readOnly = problems.check(() => checkBoolean('securityContext.readOnlyRootFilesystem', sc.readOnlyRootFilesystem, scope));
  const caps = problems.check(() => {
    const c: AppTemplateCapabilities | undefined = sc.capabilities;
    if (c === undefined) return undefined;
    if (!isPlainObject(c)) invalid({ field: 'securityContext.capabilities', value: c, hint: "give an object, e.g. { drop: ['ALL'] }", scope });
    const inner = new Problems();
    inner.check(() => checkKnownProps('securityContext.capabilities', c, CAPABILITIES, scope));
    const add = inner.check(() => capabilities('securityContext.capabilities.add', c.add, scope));
    const drop = inner.check(() => capabilities('securityContext.capabilities.drop', c.drop, scope));
    inner.throwIfAny();
    return add === undefined && drop === undefined ? undefined : { ...(add ? { add } : {}), ...(drop ? { drop } : {}) };
  });
  problems.throwIfAny();
  if (privileged === true && escalation === false) {
    invalid({ field: 'securityContext.allowPrivilegeEscalation', value: false, hint: 'the API server refuses a privileged container that may not escalate; leave allowPrivilegeEscalation out, or drop privileged', scope });
  }
  const out = {
    ...(privileged !== undefined ? { privileged } : {}),
    ...(escalation !== undefined ? { allowPrivilegeEscalation: escalation } : {}),
    ...(readOnly !== undefined ? { readOnlyRootFilesystem: readOnly } : {}),
    ...(caps !== undefined ? { capabilities: caps } : {}),
  };
  return Object.keys(out).length === 0 ? undefined : out;
}

function checkId(field: string, value: Given, scope?: IConstruct): number | undefined {
  if (value !== undefined) checkKubernetesField('userOrGroupId', field, value, scope);
  return value;
}

/**
 * The pod's security context. Refuses `runAsNonRoot` with `runAsUser: 0`, which the kubelet
 * refuses to start.
 * @internal
 */
export function renderPodSecurityContext(sc: AppTemplatePodSecurityContext | undefined, scope?: IConstruct): Record<string, any> | undefined {
  if (sc === undefined) return undefined;
  if (!isPlainObject(sc)) invalid({ field: 'podSecurityContext', value: sc, hint: 'give an object, e.g. { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 }', scope });
  const problems = new Problems();
  problems.check(() => checkKnownProps('podSecurityContext', sc, POD_SECURITY_CONTEXT, scope));
  const runAsUser = problems.check(() => checkId('podSecurityContext.runAsUser', sc.runAsUser, scope));
  const runAsGroup = problems.check(() => checkId('podSecurityContext.runAsGroup', sc.runAsGroup, scope));
  const runAsNonRoot = problems.check(() => checkBoolean('podSecurityContext.runAsNonRoot', sc.runAsNonRoot, scope));
  const fsGroup = problems.check(() => checkId('podSecurityContext.fsGroup', sc.fsGroup, scope));
  problems.check(() => {
    if (sc.fsGroupChangePolicy !== undefined && !Object.values(AppTemplateFsGroupChangePolicy).includes(sc.fsGroupChangePolicy)) {
      invalid({ field: 'podSecurityContext.fsGroupChangePolicy', value: sc.fsGroupChangePolicy, hint: `use one of ${Object.values(AppTemplateFsGroupChangePolicy).join(', ')} (AppTemplateFsGroupChangePolicy)`, scope });
    }
  });
  const groups = problems.check(() => {
    const g: Given = sc.supplementalGroups;
    if (g === undefined) return undefined;
    if (!Array.isArray(g)) invalid({ field: 'podSecurityContext.supplementalGroups', value: g, hint: 'give a list of group ids, e.g. [20]', scope });
    const inner = new Problems();
    g.forEach((id: Given, i: number) => inner.check(() => checkId(`podSecurityContext.supplementalGroups[${i}]`, id, scope)));
    inner.throwIfAny();
    return g as number[];
  });
  problems.throwIfAny();
  if (runAsNonRoot === true && runAsUser === 0) {
    invalid({ field: 'podSecurityContext.runAsUser', value: 0, hint: 'the kubelet refuses to start a container as root with runAsNonRoot; give another user id, or leave runAsNonRoot out', scope });
  }
  const out = {
    ...(runAsUser !== undefined ? { runAsUser } : {}),
    ...(runAsGroup !== undefined ? { runAsGroup } : {}),
    ...(runAsNonRoot !== undefined ? { runAsNonRoot } : {}),
    ...(fsGroup !== undefined ? { fsGroup } : {}),
    ...(sc.fsGroupChangePolicy !== undefined ? { fsGroupChangePolicy: sc.fsGroupChangePolicy } : {}),
    ...(groups !== undefined ? { supplementalGroups: groups } : {}),
  };
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * The container's requests and limits (util/resources: no defaults), CPU as given (`100m`, `1`),
 * memory in Gi when whole.
 * @internal
 */
export function renderResources(r: ContainerResources | undefined, scope?: IConstruct): Record<string, any> | undefined {
  if (r === undefined) return undefined;
  if (!isPlainObject(r)) invalid({ field: 'resources', value: r, hint: 'give an object, e.g. { memoryLimit: Size.gibibytes(2) }', scope });
  const c = checkResources(r, {}, scope);
  const requests = {
    ...(c.cpuRequest !== undefined ? { cpu: r.cpuRequest!.toString() } : {}),
    ...(c.memoryRequest !== undefined ? { memory: mebibytes(c.memoryRequest) } : {}),
  };
  const limits = {
    ...(c.cpuLimit !== undefined ? { cpu: r.cpuLimit!.toString() } : {}),
    ...(c.memoryLimit !== undefined ? { memory: mebibytes(c.memoryLimit) } : {}),
  };
  const out = {
    ...(Object.keys(requests).length > 0 ? { requests } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
  };
  return Object.keys(out).length === 0 ? undefined : out;
}

function mebibytes(mi: number): string {
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

function wholeSeconds(field: string, d: Given, rule: 'probePeriod' | 'probeDelay', scope?: IConstruct): number | undefined {
  if (d === undefined) return undefined;
  if (!(d instanceof Duration)) invalid({ field, value: d, hint: 'give a cdk8s Duration of whole seconds, e.g. Duration.seconds(10)', scope });
  const s = d.toSeconds({ integral: false });
  checkKubernetesField(rule, field, s, scope, `${s}s`);
  return s;
}

/**
 * The container's probes: `{ enabled: true, type, port, path?, spec? }` per probe given, the port
 * the release's first port when left out (so the chart never has to guess it).
 * @internal
 */
export function renderProbes(probes: AppTemplateProbes | undefined, ports: ReadonlyArray<PortModel>, scope?: IConstruct): Record<string, any> | undefined {
  if (probes === undefined) return undefined;
  if (!isPlainObject(probes)) invalid({ field: 'probes', value: probes, hint: 'give an object, e.g. { liveness: AppTemplateProbe.tcp(8123) }', scope });
  const problems = new Problems();
  const out: Record<string, any> = {};
  for (const key of Object.keys(probes).sort(compare)) {
    if (!['liveness', 'readiness', 'startup'].includes(key)) {
      problems.check(() => invalid({ field: `probes.${key}`, value: key, hint: 'give liveness, readiness or startup', scope, problem: 'is not a probe' }));
    }
  }
  for (const kind of ['liveness', 'readiness', 'startup'] as const) {
    const probe: Given = probes[kind];
    if (probe === undefined) continue;
    const rendered = problems.check(() => renderProbe(`probes.${kind}`, probe, ports, scope));
    if (rendered) out[kind] = rendered;
  }
  problems.throwIfAny();
  return Object.keys(out).length === 0 ? undefined : out;
}

function renderProbe(field: string, probe: Given, ports: ReadonlyArray<PortModel>, scope?: IConstruct): Record<string, any> {
  if (!(probe instanceof AppTemplateProbe)) invalid({ field, value: probe, hint: "give AppTemplateProbe.tcp(port) or AppTemplateProbe.http('/', port)", scope });
  const problems = new Problems();
  problems.check(() => checkKnownProps(field, probe.options, PROBE_OPTIONS, scope));
  const port = problems.check(() => {
    if (probe.port !== undefined) {
      checkPortNumber(`${field}.port`, probe.port, scope);
      return probe.port;
    }
    const first = ports.find((p) => p.protocol !== AppTemplatePortProtocol.UDP);
    if (!first) invalid({ field: `${field}.port`, value: probe.port, hint: 'the release has no TCP port to probe; give the probe a port, or the release ports', scope, problem: 'is required' });
    return first.port;
  });
  problems.check(() => {
    if (probe.type === AppTemplateProbeType.HTTP && (typeof probe.path !== 'string' || !probe.path.startsWith('/') || /[\s\0]/.test(probe.path))) {
      invalid({ field: `${field}.path`, value: probe.path, hint: 'give an absolute path without white space, e.g. "/" or "/manifest.json"', scope });
    }
    if (probe.type === AppTemplateProbeType.HTTP) checkSafeString(`${field}.path`, probe.path as string, 'a probe path', scope);
  });
  const o: Given = probe.options;
  if (!isPlainObject(o)) invalid({ field, value: o, hint: 'give the probe options as an object, e.g. { period: Duration.seconds(10) }', scope });
  const initialDelaySeconds = problems.check(() => wholeSeconds(`${field}.initialDelay`, o.initialDelay, 'probeDelay', scope));
  const periodSeconds = problems.check(() => wholeSeconds(`${field}.period`, o.period, 'probePeriod', scope));
  const timeoutSeconds = problems.check(() => wholeSeconds(`${field}.timeout`, o.timeout, 'probePeriod', scope));
  problems.check(() => {
    if (o.failureThreshold !== undefined) checkKubernetesField('probeThreshold', `${field}.failureThreshold`, o.failureThreshold, scope);
  });
  problems.throwIfAny();
  const spec = {
    ...(initialDelaySeconds !== undefined ? { initialDelaySeconds } : {}),
    ...(periodSeconds !== undefined ? { periodSeconds } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(o.failureThreshold !== undefined ? { failureThreshold: o.failureThreshold } : {}),
  };
  return {
    enabled: true,
    type: probe.type,
    port,
    ...(probe.type === AppTemplateProbeType.HTTP ? { path: probe.path } : {}),
    ...(Object.keys(spec).length > 0 ? { spec } : {}),
  };
}

/**
 * The pod's node selector, sorted by key.
 * @internal
 */
export function renderNodeSelector(selector: { [key: string]: string } | undefined, scope?: IConstruct): Record<string, string> | undefined {
  if (selector === undefined) return undefined;
  if (!isMap(selector)) invalid({ field: 'nodeSelector', value: selector, hint: "give a map of node labels, e.g. { 'kubernetes.io/hostname': 'node-1' }", scope });
  const problems = new Problems();
  const entries = Object.keys(selector).sort(compare).map((key) => problems.check((): [string, string] => {
    if (!isQualifiedName(key)) invalid({ field: 'nodeSelector', value: key, hint: 'give a label key such as "kubernetes.io/hostname"', scope });
    checkYamlKey('nodeSelector', key, 'a label key', scope);
    const value: Given = (selector as Record<string, unknown>)[key];
    if (!isLabelValue(value)) invalid({ field: `nodeSelector.${key}`, value, hint: 'give a label value: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit', scope });
    checkSafeString(`nodeSelector.${key}`, value, 'a label value', scope);
    return [key, value];
  }));
  problems.throwIfAny();
  return entries.length === 0 ? undefined : Object.fromEntries(entries as Array<[string, string]>);
}

/** A plain object, or one without a prototype (`Object.create(null)`): a map of strings either way. */
function isMap(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === null);
}
