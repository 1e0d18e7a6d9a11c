/**
 * Config sections of the workload layer: the services and their release settings.
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
} from "./common";
import {
  MIN_CPU_MILLICORES,
  MIN_JVM_MEMORY_BYTES,
  MIN_MEMORY_BYTES,
  formatMemory,
  parseCpu,
  parseMemory,
} from "../../components/workload/quantities";
import { trafficSplit } from "../../components/workload/release";
import { routerFor, type RouteSpec } from "../../components/workload/routing";
import { type CheckContext, checkSecretRef } from "./checks";
import { KIND_DEFAULTS } from "./defaults";
import { releaseStepKeys } from "./release";
import type { PartialEnvironment } from "./schema";

/** Longest service name: room for the "-canary" and "-legacy" suffixes inside a 47-character label. */
export const MAX_SERVICE_NAME = 40;

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

/** One service of `services`. */
export function serviceSchema(kind: EnvironmentKind) {
  const minReplicas = KIND_DEFAULTS[kind].serviceMinReplicas;
  return section({
    name: dnsLabel(MAX_SERVICE_NAME),
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
    port: intBetween(1, 65535).default(8080),
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
      min: intBetween(1, 1000).default(minReplicas),
      max: intBetween(1, 1000).optional(),
    }).prefault({}),
    autoscaling: section({
      /** Target CPU use in percent of the request; 70 when neither target is set. */
      cpuPercent: intBetween(1, 100).optional(),
      memoryPercent: intBetween(1, 100).optional(),
      /** A lower minimum at night (scale-in when traffic is low). */
      night: section({
        min: intBetween(1, 1000),
        from: timeOfDay(),
        to: timeOfDay(),
        timezone: text().default("Asia/Shanghai"),
      }).optional(),
    }).prefault({}),
    health: section({
      readinessPath: matching(/^\/\S*$/, "a path such as '/ready'").default("/ready"),
      livenessPath: matching(/^\/\S*$/, "a path such as '/healthz'").default("/healthz"),
      /** Seconds a fresh pod needs to warm up (connection pools, JIT, config client) before traffic. */
      warmupSeconds: intBetween(0, 600).default(0),
    }).prefault({}),
    shutdown: section({
      /** Seconds the pod keeps serving after removal from endpoints, so in-flight requests finish. */
      drainSeconds: intBetween(0, 120).default(5),
      graceSeconds: intBetween(1, 600).default(30),
    }).prefault({}),
    route: section({
      host: hostname(),
      path: matching(/^\/\S*$/, "a path prefix such as '/orders'").default("/"),
      /** Router for this service; the environment's gateway controller when unset. */
      router: oneOf(["gateway-api", "alb"]).optional(),
    }).optional(),
    canary: section({
      version: imageVersion(),
      /** Percent of the route's traffic sent to the canary. */
      weight: intBetween(0, 100).default(0),
      /** Requests with this header go to the canary whatever the weight (the testers' pre-release route). */
      header: headerRoute().optional(),
      /** The weights `npm run release -- <stack> --advance` takes the canary through; the last, 100, promotes. */
      ...releaseStepKeys(),
    }).optional(),
    legacy: section({
      /** Backends outside the cluster (the VMs behind the old load balancer). */
      endpoints: listOf(legacyEndpoint(), 1, "endpoint"),
      /** Percent of the route's traffic still sent to the legacy backends. */
      weight: intBetween(0, 100),
      /** How the gateway checks the VMs; defaults in the Microservice (path: the readiness path). */
      healthCheck: section({
        protocol: oneOf(["http", "tcp"]).optional(),
        path: matching(/^\/\S*$/, "a path such as '/ready'").optional(),
        intervalSeconds: intBetween(1, 50).optional(),
        timeoutSeconds: intBetween(1, 300).optional(),
        healthyThreshold: intBetween(2, 10).optional(),
        unhealthyThreshold: intBetween(2, 10).optional(),
        consecutiveErrors: intBetween(1, 100).optional(),
      }).optional(),
      /** Requests with this header go to the Kubernetes build, whatever the legacy weight. */
      header: headerRoute().optional(),
      /** The legacy weights `--advance` lowers this through, judged on the Kubernetes build's metrics. */
      ...releaseStepKeys(),
    }).optional(),
    /** Services of this environment this one calls: its pods may reach theirs, and only theirs. */
    calls: listOf(dnsLabel(MAX_SERVICE_NAME)).default([]),
    /** External endpoints this service reaches (databases, caches, object storage). */
    egress: listOf(egressEndpoint()).default([]),
    env: envMap().default({}),
    secretEnv: secretEnvMap().default({}),
    metrics: section({
      enabled: bool().default(true),
      path: matching(/^\/\S*$/, "a path such as '/metrics'").default("/metrics"),
      /** Alert when more than this percent of requests fail for 5 minutes. */
      errorRatePercent: intBetween(1, 100).default(5),
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

/** `workloads`: where services run and how their traffic is routed by default. */
export function workloadsSchema() {
  return section({
    namespace: dnsLabel().default("apps"),
    /** Apply Pod Security "restricted" to the namespace (refuses privileged pods). */
    podSecurity: oneOf(["restricted", "baseline"]).default("restricted"),
  }).prefault({});
}

/** `services`: the list of services of this environment. */
export function servicesSchema(kind: EnvironmentKind) {
  return listOf(serviceSchema(kind)).default([]);
}

/**
 * Cross-key rules of the services: names and routes unique, quantities above the minimums, probes,
 * release settings that the router can apply, build contexts and secrets that exist.
 */
export function checkServices(env: PartialEnvironment, rawNames: readonly unknown[], ctx: CheckContext) {
  const { report } = ctx;
  const names = new Map<string, number>();
  rawNames.forEach((name, i) => {
    if (typeof name !== "string") return;
    if (names.has(name)) report(["services", i, "name"], `${show(name)} is already used by services[${names.get(name)}]`);
    else names.set(name, i);
  });
  const routes = new Map<string, number>();
  env.services?.forEach((svc, i) => {
    if (!svc) return;
    const at = (...path: PropertyKey[]) => ["services", i, ...path];

    const mem = parseMemory(svc.resources.memory);
    if ("bytes" in mem) {
      const jvm = svc.runtime === "jvm";
      const min = jvm ? MIN_JVM_MEMORY_BYTES : MIN_MEMORY_BYTES;
      if (mem.bytes < min) {
        report(
          at("resources", "memory"),
          `${show(svc.resources.memory)} is below the ${formatMemory(min)} minimum${jvm ? " for a JVM (heap plus metaspace and threads)" : ""}; use at least '${formatMemory(min)}'`,
        );
      }
    }
    const request = parseCpu(svc.resources.cpu);
    if ("millicores" in request) {
      if (request.millicores < MIN_CPU_MILLICORES) {
        report(at("resources", "cpu"), `${show(svc.resources.cpu)} is below the ${MIN_CPU_MILLICORES}m minimum`);
      }
      const limit = svc.resources.cpuLimit ? parseCpu(svc.resources.cpuLimit) : undefined;
      if (limit && "millicores" in limit && limit.millicores < request.millicores) {
        report(at("resources", "cpuLimit"), `${show(svc.resources.cpuLimit)} is below the request ${show(svc.resources.cpu)}`);
      }
    }

    const max = svc.replicas.max ?? svc.replicas.min;
    if (svc.replicas.min > max) report(at("replicas", "min"), `${svc.replicas.min} is greater than max ${max}`);
    if (svc.autoscaling.night && svc.autoscaling.night.min > svc.replicas.min) {
      report(at("autoscaling", "night", "min"), `${svc.autoscaling.night.min} is greater than the day minimum ${svc.replicas.min}`);
    }
    if (svc.autoscaling.night && max <= svc.replicas.min) {
      report(at("autoscaling", "night"), "needs replicas.max above replicas.min: it lowers the autoscaler's minimum at night");
    }
    if (svc.health.readinessPath === svc.health.livenessPath) {
      report(
        at("health", "livenessPath"),
        `${show(svc.health.livenessPath)} is also the readiness path; a liveness probe that fails with readiness restarts pods that are only busy`,
      );
    }
    if (svc.shutdown.drainSeconds >= svc.shutdown.graceSeconds) {
      report(
        at("shutdown", "graceSeconds"),
        `${svc.shutdown.graceSeconds} leaves no time after the ${svc.shutdown.drainSeconds}s drain; make it larger than drainSeconds`,
      );
    }

    if (svc.canary) {
      // The stable version at weight 0 is the second step of a promotion (the handover).
      if (svc.canary.version === svc.version && svc.canary.weight > 0) {
        report(
          at("canary", "version"),
          `${show(svc.canary.version)} is the stable version too, with weight ${svc.canary.weight}; give the new version, or (handing a promotion over) weight 0`,
        );
      }
      if (svc.canary.header && !svc.route) report(at("canary", "header"), "needs services[].route: the header is matched at the gateway");
      if (svc.canary.weight > 0 && !svc.route) report(at("canary", "weight"), "needs services[].route: weights are applied at the gateway");
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
    if (svc.legacy?.header && !svc.route) report(at("legacy", "header"), "needs services[].route: the header is matched at the gateway");
    const names = new Set(env.services?.map((s) => s?.name));
    const called = new Set<string>();
    svc.calls.forEach((callee, j) => {
      if (callee === svc.name)
        report(at("calls", j), `${show(callee)} is this service itself; a service reaches its own pods without a policy`);
      else if (!names.has(callee))
        report(at("calls", j), `${show(callee)} is not a service of this environment; the services are: ${[...names].join(", ")}`);
      else if (called.has(callee)) report(at("calls", j), `${show(callee)} is listed twice`);
      called.add(callee);
    });
    svc.egress.forEach((e, j) => {
      if (!e.host && !e.cidr) report(at("egress", j), "needs a host or a cidr (the address block the endpoint is in)");
    });
    if (svc.legacy && !svc.route)
      report(at("legacy"), "needs services[].route: the split between legacy and cluster happens at the gateway");
    const canaryWeight = svc.canary?.weight ?? 0;
    const legacyWeight = svc.legacy?.weight ?? 0;
    if (canaryWeight + legacyWeight > 100) {
      report(at("legacy", "weight"), `${legacyWeight} plus the canary weight ${canaryWeight} is more than 100`);
    }
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
      // The router's own rules (ALB carries one weighted canary per host and path, for instance).
      const weights = svc.canary || svc.legacy ? { canary: svc.canary?.weight ?? 0, legacy: svc.legacy?.weight ?? 0 } : {};
      if ((weights.canary ?? 0) + (weights.legacy ?? 0) <= 100) {
        // A secret value is not known here: its form is checked by the router when the program runs.
        const headerSpec = (backend: "canary" | "stable", h: NonNullable<NonNullable<typeof svc.canary>["header"]>) => ({
          backend,
          name: h.name,
          value: h.value ?? "secret",
          ...(h.clientCidrs ? { clientCidrs: h.clientCidrs } : {}),
        });
        const spec: RouteSpec = {
          service: svc.name,
          namespace: "routing-check",
          labels: {},
          host: svc.route.host,
          path: svc.route.path,
          port: 80,
          backends: {
            stable: svc.name,
            ...(svc.canary ? { canary: `${svc.name}-canary` } : {}),
            ...(svc.legacy ? { legacy: `${svc.name}-legacy` } : {}),
          },
          split: trafficSplit(weights),
          headers: [
            ...(svc.canary?.header ? [headerSpec("canary", svc.canary.header)] : []),
            ...(svc.legacy?.header ? [headerSpec("stable", svc.legacy.header)] : []),
          ],
          readinessPath: svc.health.readinessPath,
          ...(svc.legacy
            ? {
                legacyHealth: {
                  protocol: svc.legacy.healthCheck?.protocol ?? "http",
                  path: svc.legacy.healthCheck?.path ?? svc.health.readinessPath,
                  intervalSeconds: 5,
                  timeoutSeconds: 2,
                  healthyThreshold: 2,
                  unhealthyThreshold: 3,
                  consecutiveErrors: 5,
                },
              }
            : {}),
          attachment:
            router === "alb" ? { router, ingressClassName: "alb" } : { router, gatewayName: "gateway", gatewayNamespace: "gateway" },
        };
        for (const problem of routerFor(spec.attachment).validate(spec)) report(at("route"), `${router} router: ${problem}`);
      }
    }
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
