/**
 * Config sections of the workload layer: the services (web services, workers, stateful services)
 * with their release settings, the jobs, the shared volumes, and the defaults every service takes.
 * The rules of a service are the Microservice's own (microserviceProblems): the checks here map a
 * service to the component's args and report its problems under the service's keys; what is left
 * here spans several keys of the environment (names, routes and ports unique, pools and volumes that
 * exist, secrets that are set).
 */
import { z } from "zod";
import {
  bool,
  cidr,
  cpu,
  dnsLabel,
  type EnvironmentKind,
  hostname,
  intBetween,
  listOf,
  matching,
  memory,
  oneOf,
  rule,
  SECRET_KEY_NAME,
  secretKeyName,
  section,
  show,
  text,
  withJsonSchema,
} from "./common";
import { MAX_JOB_NAME, scheduleProblem } from "../../components/workload/jobPlan";
import { DEFAULT_PORT } from "../../components/workload/resolve";
import {
  formatProblemPath,
  HEALTH_LIMITS,
  LIMITS,
  MAX_SERVICE_NAME,
  PORT_NAME,
  type WorkloadProblem,
} from "../../components/workload/validate";
import { sharedVolumeProblems, resolveSharedVolume } from "../../components/workload/sharedVolume";
import { batchJobProblems } from "../../components/workload/jobPlan";
import { microserviceProblems } from "../../components/workload/validate";
import { diskClaimProblem } from "../../components/platform/storage";
import { type CheckContext, checkSecretRef } from "./checks";
import { KIND_DEFAULTS } from "./defaults";
import { releaseStepKeys } from "./release";
import type { PartialEnvironment } from "./schema";
import { CHECK_SOURCES, jobArgs, serviceArgs } from "./serviceArgs";

export { MAX_SERVICE_NAME };

/**
 * An image version: a tag other than "latest", or a digest. Every release must be addressable in
 * the registry, or a rollback has nothing to roll back to.
 */
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function imageVersion() {
  return rule(
    "a version tag such as '1.4.2' or a digest 'sha256:<64 hex digits>'",
    (v) => {
      // YAML reads an unquoted 1.10 as the number 1.1: a number here is never the version written.
      if (typeof v === "number") {
        return {
          error: `${v} is a number, not a version tag: YAML reads an unquoted version as a number (1.10 as 1.1, 2.0 as 2); quote the version as written, such as '${v}'`,
        };
      }
      if (typeof v !== "string") return undefined;
      if (v === "latest") {
        return {
          error: "'latest' is not accepted: pin a version tag such as '1.4.2' or a digest, so every release can be rolled back to",
        };
      }
      if (DIGEST.test(v) || TAG.test(v)) return v;
      return undefined;
    },
    { type: "string", pattern: `${DIGEST.source}|${TAG.source}`, not: { const: "latest" } },
  );
}

const REPOSITORY = /^[a-z0-9]([-a-z0-9._/:]*[a-z0-9])?$/;

/**
 * A repository, without a tag: the tag is `version`, and an image such as 'acme/cart:latest' would
 * be pulled as 'acme/cart:latest:1.9.4'. A registry's port ('localhost:5001/cart') is not a tag.
 */
function imageRepository() {
  return rule(
    "a repository such as 'orders' or 'docker.io/library/nginx', without a tag",
    (v) => {
      if (typeof v !== "string") return undefined;
      const at = v.indexOf("@");
      const lastPart = v.slice(v.lastIndexOf("/") + 1);
      const tag = at >= 0 ? v.slice(at) : lastPart.includes(":") ? lastPart.slice(lastPart.indexOf(":")) : undefined;
      if (tag !== undefined) {
        const repository = v.slice(0, v.length - tag.length);
        return {
          error: `${show(v)} has ${tag.startsWith("@") ? "the digest" : "the tag"} '${tag.slice(1)}' in it, and the image is pulled as <image>:<version>; write image ${show(repository)} and put '${tag.slice(1)}' in version`,
        };
      }
      return REPOSITORY.test(v) ? v : undefined;
    },
    { type: "string", pattern: "^[a-z0-9]([-a-z0-9._/:]*[a-z0-9])?$", not: { pattern: "(@|:[^/]*$)" } },
  );
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Environment variables: names as the shell accepts them, scalar values (numbers become strings). */
function envMap() {
  return rule(
    "a mapping of variable names (A-Z, 0-9, _) to values",
    (v) => {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(v)) {
        if (!ENV_NAME.test(key)) return { error: `${show(key)} is not a variable name (letters, digits, '_')` };
        if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
          return { error: `the value of ${key} is ${show(value)}; use a string, number or boolean` };
        }
        out[key] = String(value);
      }
      return out;
    },
    { type: "object", propertyNames: { pattern: ENV_NAME.source }, additionalProperties: { type: ["string", "number", "boolean"] } },
  );
}

/** Variables taken from secret config keys: { DB_PASSWORD: ordersDbPassword }. */
function secretEnvMap() {
  return rule(
    "a mapping of variable names to secret config keys",
    (v) => {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(v)) {
        if (!ENV_NAME.test(key)) return { error: `${show(key)} is not a variable name (letters, digits, '_')` };
        if (typeof value !== "string" || !SECRET_KEY_NAME.test(value)) {
          return { error: `the value of ${key} is ${show(value)}; use the name of a secret config key` };
        }
        out[key] = value;
      }
      return out;
    },
    {
      type: "object",
      propertyNames: { pattern: ENV_NAME.source },
      additionalProperties: { type: "string", pattern: SECRET_KEY_NAME.source },
    },
  );
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const ENDPOINT = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/;

/** "10.0.1.15:8080": an IPv4 address and port of a backend outside the cluster. */
function legacyEndpoint() {
  return rule(
    "an IPv4 address and port such as '10.0.1.15:8080'",
    (v) => {
      if (typeof v !== "string") return undefined;
      const m = ENDPOINT.exec(v);
      if (!m) return undefined;
      if (m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) < 1 || Number(m[5]) > 65535) return undefined;
      return v;
    },
    // The port's range is left to the check.
    { type: "string", pattern: "^((25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9]):[0-9]{1,5}$" },
  );
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** A Prometheus histogram's name, as `histogram_quantile` reads it from `<name>_bucket`. */
function histogramName() {
  return rule(
    "a Prometheus histogram's name such as 'http_request_duration_seconds' (its series are <name>_bucket)",
    (v) => {
      if (typeof v !== "string" || !METRIC_NAME.test(v)) return undefined;
      const suffix = /_(bucket|count|sum)$/.exec(v)?.[0];
      if (suffix) return { error: `${show(v)} names one of the histogram's series; give the histogram's name, without '${suffix}'` };
      return v;
    },
    { type: "string", pattern: METRIC_NAME.source },
  );
}

const timeOfDay = () => matching(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day such as '23:00'");

/**
 * A testers' header route: the header's name and its value, given in clear (`value`) or as the
 * name of a secret config key (`valueSecret`), and optionally the client networks admitted.
 */
function headerRoute() {
  return section({
    name: matching(HEADER_NAME, "an HTTP header name such as 'x-canary'"),
    value: text().optional(),
    /** Secret config key holding the value, so it is never in git nor in clear in the plan. */
    valueSecret: secretKeyName().optional(),
    /** Client networks admitted to the header route (the testers' office or VPN egress). */
    clientCidrs: listOf(cidr(), 1, "network").optional(),
  });
}

/** An external endpoint a service reaches: an address block, or a host name (see docs), and ports. */
function egressEndpoint() {
  return section({
    /** Name of the endpoint, for the reader; NetworkPolicy matches addresses only. */
    host: hostname().optional(),
    /** Address block the endpoint is in; with a host alone, the ports are open to any address. */
    cidr: cidr().optional(),
    ports: listOf(intBetween(1, 65535), 1, "port"),
  });
}

const absolutePath = (example: string) => matching(/^\/\S*$/, `an absolute path such as '${example}'`);
const portName = () => matching(PORT_NAME, "a port name of 1-15 of a-z, 0-9 and '-', with a letter, such as 'http' or 'push'");
const between = ([min, max]: readonly [number, number]) => intBetween(min, max);

/** A check of a container: an HTTP GET, a TCP connection, a gRPC health check or a command. */
function probe() {
  return section({
    type: oneOf(["http", "tcp", "grpc", "exec"]),
    /** The path of an http check. */
    path: absolutePath("/ready").optional(),
    /** The port checked (its name); the first port of a fitting protocol when unset. */
    port: portName().optional(),
    /** The gRPC health service name of a grpc check. */
    service: text().optional(),
    /** The command of an exec check, and its arguments. */
    command: listOf(text(), 1, "part").optional(),
  });
}

/** One port of a service. */
function servicePort() {
  return section({
    name: portName(),
    port: between(LIMITS.port),
    protocol: oneOf(["http", "grpc", "tcp"]).default("http"),
    /** Port of the service's Services: 80 for the first http port, the container port otherwise. */
    servicePort: between(LIMITS.port).optional(),
    /** Reach a tcp or grpc port from outside the cluster: through the gateway (a TCPRoute), or a load balancer of its own. */
    expose: section({
      via: oneOf(["gateway", "load-balancer"]),
      /** A load balancer's address: in the VPC, or on the internet. */
      addressType: oneOf(["intranet", "internet"]).optional(),
      /** Client networks a load balancer's pods admit on this port; every client when unset. */
      sourceCidrs: listOf(cidr(), 1, "network").optional(),
    }).optional(),
  });
}

/** A shared volume mounted by a service or a job. */
function mount() {
  return section({
    /** A volume of workloads.volumes. */
    volume: dnsLabel(),
    mountPath: absolutePath("/data/courseware"),
    readOnly: bool().default(false),
    /** A directory of the volume instead of its root. */
    subPath: text().optional(),
  });
}

/** One service of `services`. */
export function serviceSchema(kind: EnvironmentKind) {
  const minReplicas = KIND_DEFAULTS[kind].serviceMinReplicas;
  return section({
    name: dnsLabel(MAX_SERVICE_NAME),
    /** web: a Deployment with Services; worker: no port, no Service, no route; stateful: a StatefulSet with a disk per replica. */
    type: oneOf(["web", "worker", "stateful"]).default("web"),
    /** Namespace; the `workloads.namespace` when unset. */
    namespace: dnsLabel().optional(),
    /** Repository in the environment's registry (the service name when unset), or a full image reference. */
    image: imageRepository().optional(),
    /** Build the image from a Dockerfile in this repository and push it to the environment's registry. */
    build: section({
      context: text("a directory of this repository, such as 'services/hello'"),
      dockerfile: text().default("Dockerfile"),
    }).optional(),
    /** The stable version: an image tag or digest. */
    version: imageVersion(),
    /** The HTTP port the container listens on: the shortcut for ports: [{ name: http, port }] (8080 when neither is given). */
    port: between(LIMITS.port).optional(),
    /** Every port the container listens on, each with its protocol; replaces port. */
    ports: listOf(servicePort()).optional(),
    /** The container's command (its entrypoint) and arguments; the image's when unset. */
    command: listOf(text(), 1, "part").optional(),
    args: listOf(text()).optional(),
    /** jvm: the heap is sized from the memory limit. */
    runtime: oneOf(["generic", "jvm"]).default("generic"),
    resources: section({
      /** CPU request; the limit is `cpuLimit` (no limit when unset: CPU is throttled, not killed). */
      cpu: cpu(),
      cpuLimit: cpu().optional(),
      /** Memory request and limit: they are equal, so a pod is never killed for memory it was promised. */
      memory: memory(),
    }),
    replicas: section({
      min: between(LIMITS.replicas).default(minReplicas),
      max: between(LIMITS.replicas).optional(),
    }).prefault({}),
    autoscaling: section({
      /** Target CPU use in percent of the request; 70 when neither target is set. */
      cpuPercent: between(LIMITS.percent).optional(),
      memoryPercent: between(LIMITS.percent).optional(),
      /** A lower minimum at night (scale-in when traffic is low). */
      night: section({
        min: between(LIMITS.replicas),
        from: timeOfDay(),
        to: timeOfDay(),
        timezone: text().default("Asia/Shanghai"),
      }).optional(),
    }).prefault({}),
    health: section({
      /** The path of the HTTP readiness check on the first http port ('/ready' when no check is given). */
      readinessPath: absolutePath("/ready").optional(),
      /** The path of the HTTP liveness check on the first http port ('/healthz' when no check is given). */
      livenessPath: absolutePath("/healthz").optional(),
      /** Seconds a fresh pod needs to warm up (connection pools, JIT, config client) before traffic. */
      warmupSeconds: between(LIMITS.warmupSeconds).default(0),
      readiness: probe().optional(),
      liveness: probe().optional(),
      /** The check that holds liveness off while the process starts; the liveness check when unset. */
      startup: probe().optional(),
      /** Why a worker has no liveness check (a worker only). */
      unprobed: text().optional(),
    }).prefault({}),
    shutdown: section({
      /** Seconds the pod keeps serving after removal from endpoints, so in-flight requests finish. */
      drainSeconds: between(LIMITS.drainSeconds).default(5),
      graceSeconds: between(LIMITS.graceSeconds).default(30),
    }).prefault({}),
    /** Disks of each replica of a stateful service (a volume claim template each). */
    disks: listOf(
      section({
        name: dnsLabel(40),
        size: memory(),
        mountPath: absolutePath("/var/lib/data"),
        /** A disk class of the cluster; the platform's ESSD class (on a laptop, its hostPath class) when unset. */
        storageClass: matching(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "a storage class name").default(KIND_DEFAULTS[kind].storageClass),
      }),
    ).default([]),
    /** Shared volumes (workloads.volumes) the service mounts. */
    mounts: listOf(mount()).default([]),
    /** The node pool (cluster.nodePools[].name) the pods run on: its labels select the nodes, its taints are tolerated. */
    pool: dnsLabel(30).optional(),
    route: section({
      host: hostname(),
      path: matching(/^\/\S*$/, "a path prefix such as '/orders'").default("/"),
      /** Router for this service; the environment's gateway controller when unset. */
      router: oneOf(["gateway-api", "alb"]).optional(),
      /** The http port routed (its name); the first http port when unset. */
      port: portName().optional(),
    }).optional(),
    canary: section({
      version: imageVersion(),
      /** Percent of the route's traffic sent to the canary. */
      weight: between(LIMITS.weight).default(0),
      /** Requests with this header go to the canary whatever the weight (the testers' pre-release route). */
      header: headerRoute().optional(),
      /** The weights `npm run release -- <stack> --advance` takes the canary through; the last, 100, promotes. */
      ...releaseStepKeys(),
    }).optional(),
    legacy: section({
      /** Backends outside the cluster (the VMs behind the old load balancer). */
      endpoints: listOf(legacyEndpoint(), 1, "endpoint"),
      /** Percent of the route's traffic still sent to the legacy backends. */
      weight: between(LIMITS.weight),
      /** How the gateway checks the VMs; defaults in the Microservice (path: the readiness path). */
      healthCheck: section({
        protocol: oneOf(["http", "tcp"]).optional(),
        path: matching(/^\/\S*$/, "a path such as '/ready'").optional(),
        intervalSeconds: between(HEALTH_LIMITS.intervalSeconds).optional(),
        timeoutSeconds: between(HEALTH_LIMITS.timeoutSeconds).optional(),
        healthyThreshold: between(HEALTH_LIMITS.healthyThreshold).optional(),
        unhealthyThreshold: between(HEALTH_LIMITS.unhealthyThreshold).optional(),
        consecutiveErrors: between(HEALTH_LIMITS.consecutiveErrors).optional(),
      }).optional(),
      /** Requests with this header go to the Kubernetes build, whatever the legacy weight. */
      header: headerRoute().optional(),
      /** The legacy weights `--advance` lowers this through, judged on the Kubernetes build's metrics. */
      ...releaseStepKeys(),
    }).optional(),
    /** Services (and jobs) of this environment this one calls: its pods may reach theirs, and only theirs. */
    calls: listOf(dnsLabel(MAX_SERVICE_NAME)).default([]),
    /** External endpoints this service reaches (databases, caches, object storage). */
    egress: listOf(egressEndpoint()).default([]),
    env: envMap().default({}),
    secretEnv: secretEnvMap().default({}),
    metrics: section({
      enabled: bool().default(true),
      path: matching(/^\/\S*$/, "a path such as '/metrics'").default("/metrics"),
      /** The http port metrics are served on (its name); the routed port when unset. */
      port: portName().optional(),
      /** Alert when more than this percent of requests fail for 5 minutes. */
      errorRatePercent: between(LIMITS.percent).default(5),
      /** The service's request counter, labelled with the HTTP status (Prometheus client convention). */
      requestsMetric: matching(METRIC_NAME, "a Prometheus metric name such as 'http_requests_total'").default("http_requests_total"),
      /** The label of that counter that holds the status code ('code'; 'status' for Spring Boot). */
      statusLabel: matching(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "a Prometheus label name such as 'code'").default("code"),
      /** The service's request-duration histogram, in seconds (its `<name>_bucket` series): what release steps' latency is read from. */
      latencyMetric: histogramName().optional(),
    }).prefault({}),
  });
}

export type ServiceConfig = z.output<ReturnType<typeof serviceSchema>>;

/** One job of `jobs`: run once (a migration) or on a schedule (a nightly job). */
export function jobSchema() {
  return section({
    name: dnsLabel(63),
    namespace: dnsLabel().optional(),
    /** Repository in the environment's registry (the job's name when unset), or a full image reference. */
    image: matching(/^[a-z0-9]([-a-z0-9._/:]*[a-z0-9])?$/, "a repository such as 'orders' or 'docker.io/library/nginx'").optional(),
    version: imageVersion(),
    command: listOf(text(), 1, "part").optional(),
    args: listOf(text()).optional(),
    /** A cron schedule ('0 3 * * *'): a CronJob. Unset: a Job that runs once, and again when its version changes. */
    schedule: rule(
      "a cron schedule such as '0 3 * * *'",
      (v) => {
        if (typeof v !== "string") return undefined;
        const problem = scheduleProblem(v);
        return problem ? { error: problem } : v;
      },
      { type: "string" },
    ).optional(),
    timezone: text("a time zone such as 'Asia/Shanghai'").optional(),
    /** What a scheduled run does while the previous one still runs: Forbid (it is skipped) or Replace. */
    concurrency: oneOf(["Forbid", "Replace"]).optional(),
    runtime: oneOf(["generic", "jvm"]).default("generic"),
    resources: section({ cpu: cpu(), cpuLimit: cpu().optional(), memory: memory() }),
    /** Attempts after a failed one. */
    retries: intBetween(0, 10).default(2),
    /** Longest a run may take, in seconds, retries included. */
    deadlineSeconds: intBetween(60, 86400).default(3600),
    mounts: listOf(mount()).default([]),
    pool: dnsLabel(30).optional(),
    calls: listOf(dnsLabel(MAX_SERVICE_NAME)).default([]),
    egress: listOf(egressEndpoint()).default([]),
    env: envMap().default({}),
    secretEnv: secretEnvMap().default({}),
  });
}

export type JobConfig = z.output<ReturnType<typeof jobSchema>>;

/** `jobs`: the jobs of this environment. */
export function jobsSchema() {
  return listOf(jobSchema()).default([]);
}

/** "3" or "4.0", given as a string or a YAML number. */
function nfsVersion() {
  return rule(
    "an NFS version: '3' or '4.0'",
    (v) => {
      const text = typeof v === "number" ? (v === 4 ? "4.0" : String(v)) : v;
      return text === "3" || text === "4.0" ? text : undefined;
    },
    { type: ["string", "number"], enum: ["3", "4.0", 3, 4] },
  );
}

/** `workloads`: where services run and how their traffic is routed by default. */
export function workloadsSchema() {
  return section({
    namespace: dnsLabel().default("apps"),
    /** Apply Pod Security "restricted" to the namespace (refuses privileged pods). */
    podSecurity: oneOf(["restricted", "baseline"]).default("restricted"),
    /** Shared volumes: directories of Alibaba Cloud NAS file systems that services and jobs mount (services[].mounts). */
    volumes: listOf(
      section({
        name: dnsLabel(),
        /** The NAS mount target's domain, in the cluster's VPC. */
        server: text("a NAS mount target domain such as '0a1b2c3d4e-abc12.cn-hangzhou.nas.aliyuncs.com'"),
        /** Directory of the file system. */
        path: absolutePath("/courseware").default("/"),
        nfsVersion: nfsVersion().default("3"),
        /** Capacity recorded on the volume (NAS grows as it is filled). */
        size: memory().default("100Gi"),
        readOnly: bool().default(false),
      }),
    ).default([]),
  }).prefault({});
}

/** `services`: the list of services of this environment. */
export function servicesSchema(kind: EnvironmentKind) {
  return listOf(serviceSchema(kind)).default([]);
}

/** Keys a service must say itself: its name, and its release settings (the release helper edits each service's own block). */
export const OWN_SERVICE_KEYS = ["name", "canary", "legacy"] as const;

/** Removes `required` everywhere: a fragment of the service schema where every key may be left to the service. */
function optionalEverywhere(json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === "required") continue;
    if (Array.isArray(value))
      out[key] = value.map((v) => (typeof v === "object" && v !== null ? optionalEverywhere(v as Record<string, unknown>) : v));
    else out[key] = typeof value === "object" && value !== null ? optionalEverywhere(value as Record<string, unknown>) : value;
  }
  return out;
}

/** A service's keys with the parts a default may not set taken out, for a fragment of the JSON Schema. */
function withoutOwnKeys(json: Record<string, unknown>): Record<string, unknown> {
  const properties = { ...(json["properties"] as Record<string, unknown>) };
  for (const key of OWN_SERVICE_KEYS) delete properties[key];
  return { ...json, properties };
}

/**
 * `serviceDefaults`: a partial service merged into every service, the service's own values winning:
 * mappings merge key by key, at every depth; a list or a plain value is replaced whole. It is
 * validated as a service would be (a default that no service could take is refused under its own
 * key), and may not set a service's name or its release settings.
 */
export function serviceDefaultsSchema(kind: EnvironmentKind) {
  const service = serviceSchema(kind);
  const schema = z.unknown().transform((value, ctx) => {
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" || Array.isArray(value)) {
      ctx.addIssue({ code: "custom", message: `${show(value)} is not a mapping of service keys`, input: value });
      return z.NEVER;
    }
    const defaults = value as Record<string, unknown>;
    for (const key of OWN_SERVICE_KEYS) {
      if (key in defaults) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message:
            key === "name"
              ? "is each service's own: a default cannot name every service"
              : `is a release setting, each service's own (the release helper edits the service's block); set it on the service`,
          input: defaults[key],
        });
      }
    }
    // Checked as part of a service whose other keys are valid: what is wrong is the defaults' own.
    const skeleton = { name: "defaults", version: "0", resources: { cpu: "100m", memory: "128Mi" } };
    const parsed = service.safeParse(mergeDefaults(skeleton, defaults), { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (OWN_SERVICE_KEYS.includes(issue.path[0] as (typeof OWN_SERVICE_KEYS)[number])) continue;
        if (getPath(defaults, issue.path) === undefined && issue.code !== "unrecognized_keys") continue;
        ctx.addIssue({ ...(issue as z.core.$ZodIssueCustom), path: issue.path });
      }
    }
    return defaults;
  });
  return withJsonSchema(schema, (jsonSchemaOf) => ({
    ...optionalEverywhere(withoutOwnKeys(jsonSchemaOf(service) as Record<string, unknown>)),
    description: "a partial service merged into every service (a service's own value wins; mappings merge, lists are replaced)",
  })).optional();
}

function getPath(value: unknown, path: readonly PropertyKey[]): unknown {
  let v: any = value;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = v[key as string];
  }
  return v;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A service with the defaults under it: mappings merged at every depth, the service's value winning; lists and plain values replaced. */
export function mergeDefaults(defaults: Readonly<Record<string, unknown>>, service: unknown): unknown {
  if (!isMapping(service)) return service;
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(service)) {
    const inherited = out[key];
    out[key] = isMapping(inherited) && isMapping(value) ? mergeDefaults(inherited, value) : value;
  }
  return out;
}

/** Whether a key path of a service came from serviceDefaults (the service itself does not set it). */
export function fromDefaults(defaults: Readonly<Record<string, unknown>>, service: unknown, path: readonly PropertyKey[]): boolean {
  return path.length > 0 && getPath(service, path) === undefined && getPath(defaults, path) !== undefined;
}

/** The path of a config key for a problem of a service's (or a job's) component args. */
export function configPathOf(problem: WorkloadProblem): PropertyKey[] {
  const [head, ...rest] = problem.path;
  switch (head) {
    case "monitoring":
      return ["metrics", ...rest];
    case "placement":
      return ["pool"];
    case "network":
      // The declaration is the stack's own, from calls and egress.
      return rest[0] === "calls" || rest[0] === "egress" ? [...rest] : ["calls"];
    case "mounts":
      return ["mounts", ...rest.map((p) => (p === "claim" ? "volume" : p))];
    case "retries":
    case "deadlineSeconds":
    default:
      return [...problem.path];
  }
}

/**
 * Cross-key rules of the services, and each service's own rules as its Microservice states them:
 * names, routes and exposed ports unique, the gateway and pools and volumes they need, secrets that
 * are set, build contexts that exist.
 */
export function checkServices(env: PartialEnvironment, rawNames: readonly unknown[], ctx: CheckContext) {
  const { report } = ctx;
  const names = new Map<string, number>();
  rawNames.forEach((name, i) => {
    if (typeof name !== "string") return;
    if (names.has(name)) report(["services", i, "name"], `${show(name)} is already used by services[${names.get(name)}]`);
    else names.set(name, i);
  });
  const jobNames = new Set((env.jobs ?? []).map((j) => j?.name));
  const routes = new Map<string, number>();
  const gatewayPorts = new Map<number, string>();
  const pools = env.cluster && "nodePools" in env.cluster ? env.cluster.nodePools : undefined;
  const volumes = new Set(env.workloads?.volumes.map((v) => v.name) ?? []);
  const mapped = mappedEnvironment(env);
  env.services?.forEach((svc, i) => {
    if (!svc) return;
    const at = (...path: PropertyKey[]) => ["services", i, ...path];

    // The service's own rules, as the component states them.
    if (mapped) {
      const args = serviceArgs(svc, mapped, CHECK_SOURCES);
      for (const problem of microserviceProblems(svc.name, args)) report(at(...configPathOf(problem)), problem.message);
    }

    for (const owner of ["canary", "legacy"] as const) {
      const header = svc[owner]?.header;
      if (!header) continue;
      const where = at(owner, "header");
      if ((header.value === undefined) === (header.valueSecret === undefined)) {
        report(where, "needs exactly one of value and valueSecret (the name of a secret config key holding the value)");
      }
      if (header.valueSecret !== undefined) checkSecretRef(ctx, [...where, "valueSecret"], header.valueSecret);
      if (env.kind === "prod" && header.value !== undefined && !header.clientCidrs) {
        report(
          [...where, "value"],
          `${show(header.value)} is in git and in clear in the plan, so anyone who reads either reaches the pre-release in production; set valueSecret to a secret config key (\`pulumi config set --secret <key> "$(openssl rand -hex 24)"\`), or admit only the testers' networks with clientCidrs`,
        );
      }
    }
    const serviceNames = new Set(env.services?.map((s) => s?.name));
    const called = new Set<string>();
    svc.calls.forEach((callee, j) => {
      if (callee === svc.name)
        report(at("calls", j), `${show(callee)} is this service itself; a service reaches its own pods without a policy`);
      else if (jobNames.has(callee))
        report(at("calls", j), `${show(callee)} is a job: nothing calls a job; let the job call the service instead`);
      else if (!serviceNames.has(callee))
        report(at("calls", j), `${show(callee)} is not a service of this environment; the services are: ${[...serviceNames].join(", ")}`);
      else if (called.has(callee)) report(at("calls", j), `${show(callee)} is listed twice`);
      else if (env.services?.find((s) => s?.name === callee)?.type === "worker") {
        report(at("calls", j), `${show(callee)} is a worker: it listens on no port, so nothing can call it`);
      }
      called.add(callee);
    });
    svc.egress.forEach((e, j) => {
      if (!e.host && !e.cidr) report(at("egress", j), "needs a host or a cidr (the address block the endpoint is in)");
    });
    if (svc.route) {
      const key = `${svc.route.host}${svc.route.path}`;
      if (routes.has(key)) report(at("route"), `${show(key)} is already routed to services[${routes.get(key)}]`);
      routes.set(key, i);
      if (env.gateway && !env.gateway.enabled) report(at("route"), "needs the gateway, but gateway.enabled is false");
      const router = svc.route.router ?? (env.gateway?.controller === "alb" ? "alb" : "gateway-api");
      if (env.gateway && router === "gateway-api" && env.gateway.controller !== "envoy-gateway") {
        report(at("route", "router"), `'gateway-api' needs gateway.controller 'envoy-gateway', but it is ${show(env.gateway.controller)}`);
      }
      if (env.gateway && router === "alb" && env.gateway.controller !== "alb") {
        report(at("route", "router"), `'alb' needs gateway.controller 'alb', but it is ${show(env.gateway.controller)}`);
      }
    }
    (svc.ports ?? []).forEach((p, j) => {
      if (p.expose?.via === "gateway") {
        // A TCP listener has a port of its own and no host to tell routes apart.
        const other = gatewayPorts.get(p.servicePort ?? p.port);
        if (other)
          report(
            at("ports", j, "expose"),
            `the gateway's TCP port ${p.servicePort ?? p.port} is already taken by ${other}; give this port another servicePort`,
          );
        else gatewayPorts.set(p.servicePort ?? p.port, `${svc.name}'s port '${p.name}'`);
        if (env.gateway && (!env.gateway.enabled || env.gateway.controller !== "envoy-gateway")) {
          report(
            at("ports", j, "expose", "via"),
            "'gateway' needs the Envoy gateway (gateway.enabled and gateway.controller 'envoy-gateway'): TCPRoutes are Gateway API routes",
          );
        }
      }
      if (p.expose?.via === "load-balancer" && env.kind === "local") {
        report(
          at("ports", j, "expose", "via"),
          "'load-balancer' needs ACK's cloud controller; a local cluster has none (use 'gateway', or kubectl port-forward)",
        );
      }
    });
    if (svc.pool !== undefined) checkPool(ctx, at("pool"), svc.pool, pools);
    svc.mounts.forEach((m, j) => {
      if (!volumes.has(m.volume)) {
        report(
          at("mounts", j, "volume"),
          `${show(m.volume)} is not a volume of workloads.volumes${volumes.size ? `; the volumes are: ${[...volumes].join(", ")}` : " (it declares none)"}`,
        );
      }
    });
    svc.disks.forEach((d, j) => {
      // The disk driver's minimums, as the platform states them for its own classes and ACK's.
      const problem = diskClaimProblem(d.size, d.storageClass);
      if (problem) report(at("disks", j, "size"), `${show(d.size)} is not ${problem}`);
    });
    if (svc.build) {
      if (svc.image?.includes("/")) report(at("image"), "cannot be a full image reference for a service built from source");
      const dockerfile = `${svc.build.context}/${svc.build.dockerfile}`;
      if (!ctx.fileExists(dockerfile)) report(at("build", "context"), `${show(dockerfile)} does not exist in this repository`);
    }
  });
  env.services?.forEach((svc, i) => {
    for (const [variable, key] of Object.entries(svc?.secretEnv ?? {})) checkSecretRef(ctx, ["services", i, "secretEnv", variable], key);
  });
}

/**
 * The environment as the mapping to component args reads it, with the services and jobs that parsed;
 * undefined when a section it needs did not parse (its own problems are reported).
 */
function mappedEnvironment(env: PartialEnvironment): Parameters<typeof serviceArgs>[1] | undefined {
  if (!env.kind || !env.workloads || !env.gateway || !env.monitoring || !env.cluster) return undefined;
  return {
    kind: env.kind,
    workloads: env.workloads,
    gateway: env.gateway,
    monitoring: env.monitoring,
    cluster: env.cluster,
    zones: env.zones ?? [],
    imageMirror: env.imageMirror,
    ...(env.network ? { network: env.network } : {}),
    services: (env.services ?? []).filter((s): s is ServiceConfig => s !== undefined),
    jobs: (env.jobs ?? []).filter((j): j is JobConfig => j !== undefined),
  };
}

/** The pool a workload names must be one of the cluster's, with labels to select its nodes by. */
function checkPool(
  ctx: CheckContext,
  path: PropertyKey[],
  name: string,
  pools: ReadonlyArray<{ name: string; labels: Record<string, string> }> | undefined,
) {
  if (!pools) {
    ctx.report(path, `${show(name)} names a node pool, but a local cluster has none`);
    return;
  }
  const pool = pools.find((p) => p.name === name);
  if (!pool) {
    ctx.report(path, `${show(name)} is not a node pool of cluster.nodePools; the pools are: ${pools.map((p) => p.name).join(", ")}`);
    return;
  }
  const labels = Object.entries(pool.labels);
  if (labels.length === 0) {
    ctx.report(
      path,
      `${show(name)} has no labels to select its nodes by; give cluster.nodePools '${name}' labels (e.g. acme.example.com/pool: ${name})`,
    );
    return;
  }
  // Another pool whose labels include these would take the pods too.
  const also = pools.filter((p) => p !== pool && labels.every(([k, v]) => p.labels[k] === v)).map((p) => p.name);
  if (also.length) {
    ctx.report(
      path,
      `${show(name)}'s labels (${labels.map(([k, v]) => `${k}: ${v}`).join(", ")}) also select pool ${also.join(", ")}; give '${name}' a label of its own`,
    );
  }
}

/** The jobs: names apart from each other and from the services, and each job's own rules as its BatchJob states them. */
export function checkJobs(env: PartialEnvironment, ctx: CheckContext) {
  const { report } = ctx;
  const serviceNames = new Set(env.services?.map((s) => s?.name));
  const names = new Map<string, number>();
  const pools = env.cluster && "nodePools" in env.cluster ? env.cluster.nodePools : undefined;
  const volumes = new Set(env.workloads?.volumes.map((v) => v.name) ?? []);
  const mapped = mappedEnvironment(env);
  env.jobs?.forEach((job, i) => {
    if (!job) return;
    const at = (...path: PropertyKey[]) => ["jobs", i, ...path];
    if (names.has(job.name)) report(at("name"), `${show(job.name)} is already used by jobs[${names.get(job.name)}]`);
    else if (serviceNames.has(job.name))
      report(
        at("name"),
        `${show(job.name)} is a service's name too; a job's objects (its ConfigMap, its network policy) would take the service's`,
      );
    names.set(job.name, i);
    if (mapped) {
      for (const problem of batchJobProblems(job.name, jobArgs(job, mapped, CHECK_SOURCES))) {
        report(at(...configPathOf(problem)), problem.message);
      }
    }
    if (job.schedule !== undefined && job.name.length > MAX_JOB_NAME) {
      // batchJobProblems names it; nothing more to say.
    }
    job.calls.forEach((callee, j) => {
      const target = env.services?.find((s) => s?.name === callee);
      if (!target)
        report(at("calls", j), `${show(callee)} is not a service of this environment; the services are: ${[...serviceNames].join(", ")}`);
      else if (target.type === "worker")
        report(at("calls", j), `${show(callee)} is a worker: it listens on no port, so nothing can call it`);
    });
    job.egress.forEach((e, j) => {
      if (!e.host && !e.cidr) report(at("egress", j), "needs a host or a cidr (the address block the endpoint is in)");
    });
    if (job.pool !== undefined) checkPool(ctx, at("pool"), job.pool, pools);
    job.mounts.forEach((m, j) => {
      if (!volumes.has(m.volume)) report(at("mounts", j, "volume"), `${show(m.volume)} is not a volume of workloads.volumes`);
    });
    for (const [variable, key] of Object.entries(job.secretEnv)) checkSecretRef(ctx, at("secretEnv", variable), key);
  });
}

/** The shared volumes: names unique, each a NAS directory the driver can mount, none on a laptop. */
export function checkVolumes(env: PartialEnvironment, ctx: CheckContext) {
  const volumes = env.workloads?.volumes ?? [];
  const names = new Map<string, number>();
  volumes.forEach((v, i) => {
    const at = (...path: PropertyKey[]) => ["workloads", "volumes", i, ...path];
    if (names.has(v.name)) ctx.report(at("name"), `${show(v.name)} is already used by workloads.volumes[${names.get(v.name)}]`);
    names.set(v.name, i);
    if (env.kind === "local")
      ctx.report(at(), "is a NAS volume, which a local cluster cannot mount (it has no NAS driver); use it in a cloud environment");
    const problems = sharedVolumeProblems(
      resolveSharedVolume({
        namespace: "apps",
        claimName: v.name,
        server: v.server,
        path: v.path,
        nfsVersion: v.nfsVersion as "3" | "4.0",
        size: v.size,
      }),
    );
    for (const p of problems) if (p.path[0] !== "claimName" && p.path[0] !== "namespace") ctx.report(at(...p.path), p.message);
  });
}

export { formatProblemPath, DEFAULT_PORT };
