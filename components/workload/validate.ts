/**
 * Validation of Microservice args, for programs that build the args themselves (the platform's
 * own stacks validate their config first, with the same minimums). Every problem is reported at once.
 */
import type { HeaderRoute, LegacyHealthCheck, MicroserviceArgs } from "./args";
import { networkProblems } from "./network";
import { imageRepository, resolveMicroservice, routeSpec } from "./plan";
import { MIN_CPU_MILLICORES, MIN_JVM_MEMORY_BYTES, MIN_MEMORY_BYTES, formatMemory, parseCpu, parseMemory } from "./quantities";
import { routerFor } from "./routing";

/** Thrown by Microservice for invalid args, before anything is declared. */
export class MicroserviceArgsError extends Error {
  readonly problems: readonly string[];
  constructor(name: string, problems: readonly string[]) {
    super(`Microservice '${name}' has invalid args:\n  ${problems.join("\n  ")}`);
    this.name = "MicroserviceArgsError";
    this.problems = problems;
  }
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VERSION = /^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const ENDPOINT = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/;

function isInt(value: unknown, min: number, max: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** The problems with an image reference given as a string; none for a computed one. */
export function imageProblems(field: string, image: unknown): string[] {
  if (typeof image !== "string") return [];
  if (image.includes("@sha256:")) return [];
  const repository = imageRepository(image);
  if (repository === image) return [`${field} '${image}' has no tag: pin a version such as '${image}:1.4.2' or a digest`];
  if (image.endsWith(":latest")) return [`${field} '${image}' uses 'latest': pin a version so every release can be rolled back to`];
  return [];
}

export function validateMicroserviceArgs(name: string, args: MicroserviceArgs): void {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  check(
    DNS_LABEL.test(name) && name.length <= 40,
    `name '${name}' is not a name of 1-40 characters of a-z, 0-9 and '-' starting with a letter`,
  );
  check(DNS_LABEL.test(args.namespace) && args.namespace.length <= 63, `namespace '${args.namespace}' is not a DNS label`);
  check(
    VERSION.test(args.version) && args.version !== "latest",
    `version '${args.version}' is not a version tag such as '1.4.2' or a digest (and not 'latest')`,
  );
  problems.push(...imageProblems("image", args.image));
  if (args.port !== undefined) check(isInt(args.port, 1, 65535), `port ${args.port} is not between 1 and 65535`);

  const memory = parseMemory(args.resources?.memory ?? "");
  if ("error" in memory) problems.push(`resources.memory: ${memory.error}`);
  else {
    const min = args.runtime === "jvm" ? MIN_JVM_MEMORY_BYTES : MIN_MEMORY_BYTES;
    check(
      memory.bytes >= min,
      `resources.memory '${args.resources.memory}' is below the ${formatMemory(min)} minimum${args.runtime === "jvm" ? " for a JVM" : ""}`,
    );
  }
  const cpu = parseCpu(args.resources?.cpu ?? "");
  if ("error" in cpu) problems.push(`resources.cpu: ${cpu.error}`);
  else check(cpu.millicores >= MIN_CPU_MILLICORES, `resources.cpu '${args.resources.cpu}' is below the ${MIN_CPU_MILLICORES}m minimum`);
  if (args.resources?.cpuLimit !== undefined) {
    const limit = parseCpu(args.resources.cpuLimit);
    if ("error" in limit) problems.push(`resources.cpuLimit: ${limit.error}`);
    else if ("millicores" in cpu)
      check(
        limit.millicores >= cpu.millicores,
        `resources.cpuLimit '${args.resources.cpuLimit}' is below the request '${args.resources.cpu}'`,
      );
  }

  const min = args.replicas?.min ?? 2;
  const max = args.replicas?.max ?? min;
  check(isInt(min, 1, 1000), `replicas.min ${min} is not between 1 and 1000`);
  check(isInt(max, 1, 1000) && max >= min, `replicas.max ${max} is not between replicas.min (${min}) and 1000`);
  for (const key of ["cpuPercent", "memoryPercent"] as const) {
    const value = args.autoscaling?.[key];
    if (value !== undefined) check(isInt(value, 1, 100), `autoscaling.${key} ${value} is not between 1 and 100`);
  }
  const night = args.autoscaling?.night;
  if (night) {
    check(max > min, "autoscaling.night needs replicas.max above replicas.min (it lowers the autoscaler's minimum)");
    check(isInt(night.min, 1, min), `autoscaling.night.min ${night.min} is not between 1 and the day minimum ${min}`);
    check(TIME.test(night.from), `autoscaling.night.from '${night.from}' is not a time of day such as '23:00'`);
    check(TIME.test(night.to), `autoscaling.night.to '${night.to}' is not a time of day such as '07:00'`);
  }

  const readiness = args.health?.readinessPath ?? "/ready";
  const liveness = args.health?.livenessPath ?? "/healthz";
  check(readiness.startsWith("/"), `health.readinessPath '${readiness}' does not start with '/'`);
  check(liveness.startsWith("/"), `health.livenessPath '${liveness}' does not start with '/'`);
  check(
    readiness !== liveness,
    `health.livenessPath '${liveness}' is also the readiness path; a liveness probe must not fail when the pod is only busy`,
  );
  const warmup = args.health?.warmupSeconds ?? 0;
  check(isInt(warmup, 0, 600), `health.warmupSeconds ${warmup} is not between 0 and 600`);
  const drain = args.shutdown?.drainSeconds ?? 5;
  const grace = args.shutdown?.graceSeconds ?? 30;
  check(isInt(drain, 0, 120), `shutdown.drainSeconds ${drain} is not between 0 and 120`);
  check(isInt(grace, 1, 600) && grace > drain, `shutdown.graceSeconds ${grace} is not above drainSeconds (${drain}) and at most 600`);
  for (const key of [...Object.keys(args.env ?? {}), ...Object.keys(args.secretEnv ?? {})]) {
    check(ENV_NAME.test(key), `environment variable '${key}' is not a valid name (letters, digits, '_')`);
  }
  const shared = Object.keys(args.env ?? {}).filter((k) => k in (args.secretEnv ?? {}));
  check(shared.length === 0, `environment variables ${shared.join(", ")} are both in env and secretEnv`);

  if (args.canary) {
    check(
      VERSION.test(args.canary.version) && args.canary.version !== "latest",
      `canary.version '${args.canary.version}' is not a version tag or digest (and not 'latest')`,
    );
    // The stable version at weight 0 is a promotion handing over; with weight it is no canary at all.
    check(
      args.canary.version !== args.version || !args.canary.weight,
      `canary.version '${args.canary.version}' is the stable version too, with weight ${args.canary.weight}; a canary of the stable version only hands a promotion over, at weight 0`,
    );
    check(
      args.canary.weight === undefined || isInt(args.canary.weight, 0, 100),
      `canary.weight ${args.canary.weight} is not between 0 and 100`,
    );
    problems.push(...imageProblems("canary.image", args.canary.image));
    check(
      args.canary.image !== undefined || typeof args.image === "string",
      "canary.image is required when the stable image is computed (built from source): give the canary's image reference",
    );
    if (args.canary.header) problems.push(...headerProblems("canary.header", args.canary.header));
    check(!args.canary.header || args.route !== undefined, "canary.header needs a route: the header is matched at the gateway");
    check(!args.canary.weight || args.route !== undefined, "canary.weight needs a route: weights are applied at the gateway");
  }
  if (args.legacy) {
    check(args.legacy.endpoints.length > 0, "legacy.endpoints is empty");
    for (const endpoint of args.legacy.endpoints) {
      const m = ENDPOINT.exec(endpoint);
      check(
        m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 1 && Number(m[5]) <= 65535,
        `legacy endpoint '${endpoint}' is not an IPv4 address and port such as '10.0.1.15:8080'`,
      );
    }
    check(isInt(args.legacy.weight, 0, 100), `legacy.weight ${args.legacy.weight} is not between 0 and 100`);
    if (args.legacy.healthCheck) problems.push(...healthCheckProblems(args.legacy.healthCheck));
    if (args.legacy.header) problems.push(...headerProblems("legacy.header", args.legacy.header));
    check(args.route !== undefined, "legacy needs a route: the split between legacy and cluster happens at the gateway");
  }
  const canaryWeight = args.canary?.weight ?? 0;
  const legacyWeight = args.legacy?.weight ?? 0;
  check(canaryWeight + legacyWeight <= 100, `canary weight ${canaryWeight} plus legacy weight ${legacyWeight} is more than 100`);
  if (args.monitoring?.errorRatePercent !== undefined) {
    check(
      isInt(args.monitoring.errorRatePercent, 1, 100),
      `monitoring.errorRatePercent ${args.monitoring.errorRatePercent} is not between 1 and 100`,
    );
  }

  if (args.network) {
    problems.push(...networkProblems(args.network, { routed: args.route !== undefined, monitored: args.monitoring !== undefined }));
  }

  // The router's own rules only make sense once the rest holds.
  if (problems.length === 0 && args.route) {
    problems.push(...routerFor(args.route.attachment).validate(routeSpec(name, args, resolveMicroservice(name, args))));
  }
  if (problems.length > 0) throw new MicroserviceArgsError(name, problems);
}

function headerProblems(field: string, header: HeaderRoute): string[] {
  const problems: string[] = [];
  if (!HEADER_NAME.test(header.name)) problems.push(`${field}.name '${header.name}' is not an HTTP header name`);
  if (typeof header.value === "string" && header.value.length === 0) problems.push(`${field}.value is empty`);
  if (header.clientCidrs !== undefined && header.clientCidrs.length === 0) {
    problems.push(`${field}.clientCidrs is empty; leave it out to admit every client`);
  }
  return problems;
}

/** Limits the ALB's health checks accept, which Envoy Gateway's accept too. */
const HEALTH_LIMITS = {
  intervalSeconds: [1, 50],
  timeoutSeconds: [1, 300],
  healthyThreshold: [2, 10],
  unhealthyThreshold: [2, 10],
  consecutiveErrors: [1, 100],
} as const;

function healthCheckProblems(check: LegacyHealthCheck): string[] {
  const problems: string[] = [];
  if (check.protocol !== undefined && check.protocol !== "http" && check.protocol !== "tcp") {
    problems.push(`legacy.healthCheck.protocol '${check.protocol}' is not 'http' or 'tcp'`);
  }
  if (check.path !== undefined && !check.path.startsWith("/"))
    problems.push(`legacy.healthCheck.path '${check.path}' does not start with '/'`);
  if (check.path !== undefined && check.protocol === "tcp") problems.push("legacy.healthCheck.path is set, but a 'tcp' check has no path");
  for (const [key, [min, max]] of Object.entries(HEALTH_LIMITS)) {
    const value = check[key as keyof typeof HEALTH_LIMITS];
    if (value !== undefined && !isInt(value, min, max))
      problems.push(`legacy.healthCheck.${key} ${value} is not between ${min} and ${max}`);
  }
  return problems;
}
