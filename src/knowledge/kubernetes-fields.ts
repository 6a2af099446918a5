import { isIP } from 'node:net';

// Kubernetes' own rules for the fields the constructs write into pod specs and chart values, as
// one table: what the API server (apimachinery validation) or the container runtime refuses, so
// that the constructs refuse it first, naming the field. Pure facts: each rule is a predicate, what
// a valid value looks like, and where the rule comes from.

/** One rule of a Kubernetes field. @internal */
export interface KubernetesFieldRule {
  /** True iff Kubernetes accepts `value`. */
  readonly accepts: (value: unknown) => boolean;
  /** What Kubernetes accepts, as a phrase for the hint. */
  readonly expected: string;
  /** Where the rule comes from. */
  readonly source: string;
}

const INT32_MAX = 2147483647;

function int32(min: number, unit: string): KubernetesFieldRule {
  return {
    accepts: (v) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= INT32_MAX,
    expected: `a whole number of ${unit} from ${min} to ${INT32_MAX}`,
    source: 'an int32 field of the Kubernetes API, which refuses anything past 2^31 - 1',
  };
}

// apimachinery pkg/util/validation IsEnvVarName: the pattern, and hasChDirPrefix (not ".", not
// "..", not starting with ".."). Kubernetes 1.30+ may relax the pattern (RelaxedEnvironmentVariableValidation),
// but the strict rule is the one every cluster accepts.
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

// A host name as mount.nfs resolves it: DNS labels of letters, digits and "-".
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Kubernetes' rules for the fields the constructs write, by field kind. @internal */
export const KUBERNETES_FIELDS = {
  envVarName: {
    accepts: (v: unknown) => typeof v === 'string' && ENV_VAR_NAME.test(v) && v !== '.' && !v.startsWith('..'),
    expected: 'a variable name of letters, digits, "_", "-" and ".", not starting with a digit or "..", e.g. "TZ"',
    source: 'apimachinery IsEnvVarName (the API server refuses the pod)',
  },
  replicas: int32(0, 'pods'),
  userOrGroupId: { ...int32(0, 'ids'), expected: 'a user or group id from 0 to 2147483647' },
  probeThreshold: int32(1, 'checks'),
  probePeriod: int32(1, 'seconds'),
  probeDelay: int32(0, 'seconds'),
  mountPath: {
    accepts: (v: unknown) => typeof v === 'string' && v.startsWith('/') && v !== '/' && !v.includes(':'),
    expected: 'an absolute path other than "/", without ":", e.g. "/config"',
    source: 'the container runtime: runc refuses to mount over the container\'s root, and the API server refuses ":" in a mount path',
  },
  nfsServer: {
    accepts: (v: unknown) => typeof v === 'string' && (HOST_NAME.test(v) || isIP(v) !== 0 || (/^\[.*\]$/.test(v) && isIP(v.slice(1, -1)) === 6)),
    expected: 'the NFS server\'s host name or IP address, e.g. "nas.home.arpa" or "192.168.1.10"',
    source: 'mount.nfs, which the kubelet runs with "<server>:<path>"',
  },
} as const satisfies Record<string, KubernetesFieldRule>;

/** The kinds of field `KUBERNETES_FIELDS` has a rule for. @internal */
export type KubernetesField = keyof typeof KUBERNETES_FIELDS;
