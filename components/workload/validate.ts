/**
 * The problems with a Microservice's args: every rule of a service stated once. The Microservice
 * throws them before it declares anything, and the platform's stack config reports them under each
 * service's key, so a service declared from another program is refused exactly as the stack refuses it.
 *
 * A problem is a path in the args and a sentence that reads after it, naming the value given and
 * what is accepted: `resources.memory: '32Mi' is below the 64Mi minimum; use at least '64Mi'`.
 */
import type { HeaderRoute, LegacyHealthCheck, MicroserviceArgs, Probe } from "./args";
import { imageProblem } from "./images";
import { networkProblems } from "./network";
import { routeSpec } from "./plan";
import {
  MIN_CPU_MILLICORES,
  MIN_JVM_MEMORY_BYTES,
  MIN_MEMORY_BYTES,
  formatMemory,
  parseCpu,
  parseMemory,
  parseQuantity,
} from "./quantities";
import { WEIGHT_RANGE } from "./release";
import { type ResolvedMicroservice, type ResolvedProbe, resolveMicroservice } from "./resolve";
import { routerFor } from "./routing";

/** One problem: a path in the args and a sentence that reads after it. */
export interface WorkloadProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

/** "canary.header.name", "ports[1].name" from a path. */
export function formatProblemPath(path: ReadonlyArray<string | number>): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : out === "" ? part : `.${part}`;
  return out === "" ? "(args)" : out;
}

/** Thrown by Microservice (and BatchJob) for invalid args, before anything is declared. */
export class MicroserviceArgsError extends Error {
  /** Each problem as "<path>: <sentence>". */
  readonly problems: readonly string[];
  readonly details: readonly WorkloadProblem[];
  constructor(name: string, details: readonly WorkloadProblem[], component = "Microservice") {
    const problems = details.map((p) => `${formatProblemPath(p.path)}: ${p.message}`);
    super(`${component} '${name}' has invalid args:\n  ${problems.join("\n  ")}`);
    this.name = "MicroserviceArgsError";
    this.problems = problems;
    this.details = details;
  }
}

/** The bounds of a service's numbers; the stack's config schema uses the same ones. */
export const LIMITS = {
  replicas: [1, 1000],
  weight: WEIGHT_RANGE,
  percent: [1, 100],
  warmupSeconds: [0, 600],
  drainSeconds: [0, 120],
  graceSeconds: [1, 600],
  port: [1, 65535],
} as const;

/** Limits the ALB's health checks accept, which Envoy Gateway's accept too. */
export const HEALTH_LIMITS = {
  intervalSeconds: [1, 50],
  timeoutSeconds: [1, 300],
  healthyThreshold: [2, 10],
  unhealthyThreshold: [2, 10],
  consecutiveErrors: [1, 100],
} as const;

/** Longest service name: room for the "-canary", "-legacy" and "-headless" suffixes inside a 49-character name. */
export const MAX_SERVICE_NAME = 40;

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A container port's name (IANA service name): 1-15 of a-z, 0-9 and '-', with a letter, no '--'. */
export const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const VERSION = /^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const ENDPOINT = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
// Kubernetes label keys: an optional DNS-subdomain prefix, then a name of at most 63 characters.
const LABEL_KEY = /^(([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const isInt = (value: unknown, [min, max]: readonly [number, number]) =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
const show = (value: unknown) => (typeof value === "string" ? `'${value}'` : JSON.stringify(value));
const isCidr = (text: string) => {
  const m = CIDR.exec(text);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
};

/** A version: a tag other than "latest", or a digest; what is wrong with one, read after its key. */
export function versionProblem(version: unknown): string | undefined {
  if (typeof version === "string" && VERSION.test(version) && version !== "latest") return undefined;
  return `${show(version)} is not a version tag such as '1.4.2' or a digest 'sha256:<64 hex digits>' (and not 'latest')`;
}

/** What is wrong with a container's resources; shared by services and jobs. */
export function resourceProblems(resources: MicroserviceArgs["resources"] | undefined, runtime: string | undefined): WorkloadProblem[] {
  const problems: WorkloadProblem[] = [];
  const memory = parseMemory(resources?.memory ?? "");
  if ("error" in memory) problems.push({ path: ["resources", "memory"], message: memory.error });
  else {
    const jvm = runtime === "jvm";
    const min = jvm ? MIN_JVM_MEMORY_BYTES : MIN_MEMORY_BYTES;
    if (memory.bytes < min) {
      problems.push({
        path: ["resources", "memory"],
        message: `'${resources!.memory}' is below the ${formatMemory(min)} minimum${jvm ? " for a JVM (heap plus metaspace and threads)" : ""}; use at least '${formatMemory(min)}'`,
      });
    }
  }
  const cpu = parseCpu(resources?.cpu ?? "");
  if ("error" in cpu) problems.push({ path: ["resources", "cpu"], message: cpu.error });
  else if (cpu.millicores < MIN_CPU_MILLICORES) {
    problems.push({ path: ["resources", "cpu"], message: `'${resources!.cpu}' is below the ${MIN_CPU_MILLICORES}m minimum` });
  }
  if (resources?.cpuLimit !== undefined) {
    const limit = parseCpu(resources.cpuLimit);
    if ("error" in limit) problems.push({ path: ["resources", "cpuLimit"], message: limit.error });
    else if ("millicores" in cpu && limit.millicores < cpu.millicores) {
      problems.push({ path: ["resources", "cpuLimit"], message: `'${resources.cpuLimit}' is below the request '${resources.cpu}'` });
    }
  }
  return problems;
}

/** What is wrong with a workload's variables (names, and a name in both maps). */
export function environmentProblems(env: MicroserviceArgs["env"], secretEnv: MicroserviceArgs["secretEnv"]): WorkloadProblem[] {
  const problems: WorkloadProblem[] = [];
  for (const [map, keys] of [
    ["env", Object.keys(env ?? {})],
    ["secretEnv", Object.keys(secretEnv ?? {})],
  ] as const) {
    for (const key of keys) {
      if (!ENV_NAME.test(key))
        problems.push({ path: [map, key], message: "is not a variable name (letters, digits and '_', not starting with a digit)" });
    }
  }
  for (const key of Object.keys(env ?? {}).filter((k) => k in (secretEnv ?? {}))) {
    problems.push({ path: ["env", key], message: "is in secretEnv too; keep it in one of them" });
  }
  return problems;
}

/** What is wrong with a command and its arguments. */
export function commandProblems(args: Pick<MicroserviceArgs, "command" | "args">): WorkloadProblem[] {
  const problems: WorkloadProblem[] = [];
  for (const key of ["command", "args"] as const) {
    const list = args[key];
    if (list === undefined) continue;
    if (key === "command" && list.length === 0)
      problems.push({ path: [key], message: "is empty; leave it out to run the image's entrypoint" });
    list.forEach((part, i) => {
      if (typeof part !== "string" || (key === "command" && part === ""))
        problems.push({ path: [key, i], message: `${show(part)} is not a non-empty string` });
    });
  }
  return problems;
}

/** What is wrong with the shared claims a workload mounts and where; `taken` holds paths and volume names already in use. */
export function mountProblems(
  mounts: MicroserviceArgs["mounts"],
  taken: { readonly paths: Map<string, string>; readonly names: Set<string> } = {
    paths: new Map([["/tmp", "the pod's /tmp"]]),
    names: new Set(["tmp"]),
  },
): WorkloadProblem[] {
  const problems: WorkloadProblem[] = [];
  (mounts ?? []).forEach((m, i) => {
    if (!DNS_LABEL.test(m.claim) || m.claim.length > 63)
      problems.push({ path: ["mounts", i, "claim"], message: `${show(m.claim)} is not a claim name (a DNS label)` });
    else if (taken.names.has(m.claim))
      problems.push({ path: ["mounts", i, "claim"], message: `${show(m.claim)} is mounted twice, or is also a disk's name` });
    taken.names.add(m.claim);
    problems.push(...mountPathProblems(["mounts", i, "mountPath"], m.mountPath, taken.paths, `mounts[${i}]`));
    if (m.subPath !== undefined && (m.subPath === "" || m.subPath.startsWith("/") || m.subPath.split("/").includes(".."))) {
      problems.push({
        path: ["mounts", i, "subPath"],
        message: `${show(m.subPath)} is not a relative path inside the volume (no leading '/', no '..')`,
      });
    }
  });
  return problems;
}

function mountPathProblems(path: Array<string | number>, mountPath: unknown, taken: Map<string, string>, owner: string): WorkloadProblem[] {
  if (typeof mountPath !== "string" || !/^\/\S*$/.test(mountPath) || mountPath === "/") {
    return [{ path, message: `${show(mountPath)} is not an absolute path such as '/var/lib/data' (and not '/')` }];
  }
  const clean = mountPath.replace(/\/+$/, "");
  const other = taken.get(clean);
  taken.set(clean, owner);
  return other ? [{ path, message: `'${mountPath}' is also where ${other} is mounted` }] : [];
}

/** What is wrong with a placement: node selector labels and tolerations as Kubernetes accepts them. */
export function placementProblems(placement: MicroserviceArgs["placement"]): WorkloadProblem[] {
  const problems: WorkloadProblem[] = [];
  for (const [key, value] of Object.entries(placement?.nodeSelector ?? {})) {
    if (!LABEL_KEY.test(key)) problems.push({ path: ["placement", "nodeSelector", key], message: "is not a Kubernetes label key" });
    if (typeof value !== "string" || !LABEL_VALUE.test(value) || value.length > 63) {
      problems.push({ path: ["placement", "nodeSelector", key], message: `${show(value)} is not a label value` });
    }
  }
  (placement?.tolerations ?? []).forEach((t, i) => {
    if (!LABEL_KEY.test(t.key))
      problems.push({ path: ["placement", "tolerations", i, "key"], message: `${show(t.key)} is not a taint key` });
    if (t.operator !== undefined && t.operator !== "Equal" && t.operator !== "Exists") {
      problems.push({ path: ["placement", "tolerations", i, "operator"], message: `${show(t.operator)} is not one of: Equal, Exists` });
    }
    if (t.operator === "Exists" && t.value !== undefined) {
      problems.push({ path: ["placement", "tolerations", i, "value"], message: "is set, but operator 'Exists' tolerates every value" });
    }
    if (t.effect !== undefined && !["NoSchedule", "PreferNoSchedule", "NoExecute"].includes(t.effect)) {
      problems.push({
        path: ["placement", "tolerations", i, "effect"],
        message: `${show(t.effect)} is not one of: NoSchedule, PreferNoSchedule, NoExecute`,
      });
    }
  });
  return problems;
}

/** The checks of a probe, read after its key. */
function probeProblems(
  path: Array<string | number>,
  probe: Probe,
  resolved: ResolvedProbe | undefined,
  r: ResolvedMicroservice,
): WorkloadProblem[] {
  const problems: WorkloadProblem[] = [];
  const at = (sub: string[], message: string) => problems.push({ path: [...path, ...sub], message });
  const names = r.ports.map((p) => `'${p.name}' (${p.protocol})`).join(", ") || "none: a worker has no ports, so use an exec check";
  const portOf = (name: string) => r.ports.find((p) => p.name === name);
  switch (probe.type) {
    case "http":
    case "grpc": {
      if (probe.type === "http" && !(typeof probe.path === "string" && probe.path.startsWith("/")))
        at(["path"], `${show(probe.path)} does not start with '/'`);
      const port = resolved && "port" in resolved ? resolved.port : "";
      const found = portOf(port);
      if (!found)
        at(
          ["port"],
          port
            ? `'${port}' is not a port of the service; its ports are ${names}`
            : `is required: the service has no ${probe.type} port to check (ports: ${names})`,
        );
      else if (found.protocol !== probe.type)
        at(["port"], `'${port}' is a ${found.protocol} port; a ${probe.type} check needs a ${probe.type} port`);
      break;
    }
    case "tcp": {
      const port = resolved && "port" in resolved ? resolved.port : "";
      if (!portOf(port))
        at(
          ["port"],
          port ? `'${port}' is not a port of the service; its ports are ${names}` : `is required: the service has no port to check`,
        );
      break;
    }
    case "exec":
      if (!Array.isArray(probe.command) || probe.command.length === 0 || probe.command.some((c) => typeof c !== "string" || c === "")) {
        at(["command"], "must list the command and its arguments, e.g. ['/bin/healthcheck', '--quick']");
      }
      break;
    default:
      problems.push({
        path: [...path, "type"],
        message: `${show((probe as { type?: unknown }).type)} is not one of: http, tcp, grpc, exec`,
      });
  }
  return problems;
}

/** "httpGet '/healthz' on port 'http'": a check in words, to compare two. */
function describeProbe(p: ResolvedProbe): string {
  switch (p.type) {
    case "http":
      return `an http check of '${p.path}' on port '${p.port}'`;
    case "tcp":
      return `a tcp check of port '${p.port}'`;
    case "grpc":
      return `a grpc check of port '${p.port}'${p.service ? ` (service '${p.service}')` : ""}`;
    case "exec":
      return `the command '${p.command.join(" ")}'`;
  }
}

export function microserviceProblems(name: string, args: MicroserviceArgs): WorkloadProblem[] {
  const problems: WorkloadProblem[] = [];
  const at = (path: Array<string | number>, message: string) => problems.push({ path, message });
  const check = (ok: boolean, path: Array<string | number>, message: string) => {
    if (!ok) at(path, message);
  };
  const r = resolveMicroservice(name, args);
  const type = r.type;
  check(
    DNS_LABEL.test(name) && name.length <= MAX_SERVICE_NAME,
    ["name"],
    `'${name}' is not a name of 1-${MAX_SERVICE_NAME} characters of a-z, 0-9 and '-' starting with a letter`,
  );
  check(DNS_LABEL.test(args.namespace) && args.namespace.length <= 63, ["namespace"], `'${args.namespace}' is not a DNS label`);
  const version = versionProblem(args.version);
  if (version) at(["version"], version);
  const image = imageProblem(args.image);
  if (image) at(["image"], image);
  check(["web", "worker", "stateful"].includes(type), ["type"], `${show(type)} is not one of: web, worker, stateful`);

  // Ports, and what uses them.
  if (args.port !== undefined) check(isInt(args.port, LIMITS.port), ["port"], `${args.port} is not between 1 and 65535`);
  if (args.port !== undefined && args.ports !== undefined) {
    at(["port"], `is given with ports too; port is the shortcut for ports: [{ name: http, port: ${args.port} }], so list it in ports`);
  }
  if (type === "worker" && (args.port !== undefined || (args.ports?.length ?? 0) > 0)) {
    at([args.ports ? "ports" : "port"], "is not used by a worker: a worker takes no requests (make it a web service to serve some)");
  }
  if (type !== "worker" && args.ports !== undefined && args.ports.length === 0) {
    at(["ports"], `is empty; a ${type} service needs a port (make it a worker to run without one)`);
  }
  const seen = { name: new Map<string, number>(), port: new Map<number, number>(), servicePort: new Map<number, number>() };
  r.ports.forEach((p, i) => {
    const path = ["ports", i];
    if (!PORT_NAME.test(p.name)) at([...path, "name"], `${show(p.name)} is not a port name: 1-15 of a-z, 0-9 and '-', with a letter`);
    else if (seen.name.has(p.name)) at([...path, "name"], `'${p.name}' is also ports[${seen.name.get(p.name)}]'s name`);
    seen.name.set(p.name, i);
    const portTaken = seen.port.has(p.port);
    if (!isInt(p.port, LIMITS.port)) at([...path, "port"], `${show(p.port)} is not between 1 and 65535`);
    else if (portTaken) at([...path, "port"], `${p.port} is also ports[${seen.port.get(p.port)}]'s port`);
    seen.port.set(p.port, i);
    if (!["http", "grpc", "tcp"].includes(p.protocol)) at([...path, "protocol"], `${show(p.protocol)} is not one of: http, grpc, tcp`);
    if (!isInt(p.servicePort, LIMITS.port)) at([...path, "servicePort"], `${show(p.servicePort)} is not between 1 and 65535`);
    else if (seen.servicePort.has(p.servicePort) && !portTaken) {
      at([...path, "servicePort"], `${p.servicePort} is also the service port of ports[${seen.servicePort.get(p.servicePort)}]`);
    }
    seen.servicePort.set(p.servicePort, i);
    const expose = p.expose;
    if (!expose) return;
    if (p.protocol === "http") {
      at(
        [...path, "expose"],
        "is for tcp and grpc ports: an http port is reached through the route, where TLS, weights and testers' headers apply",
      );
    }
    if (expose.via === "gateway") {
      for (const key of ["gatewayName", "gatewayNamespace"] as const) {
        if (!DNS_LABEL.test(expose[key] ?? "")) at([...path, "expose", key], `${show(expose[key])} is not a DNS label`);
      }
      if (!expose.listener) at([...path, "expose", "listener"], "is required: the Gateway's TCP listener for this port");
      if (args.legacy)
        at(
          [...path, "expose"],
          "cannot go through the gateway while the service has legacy backends: they are reached over the HTTP route only",
        );
    } else if (expose.via === "load-balancer") {
      if (expose.addressType !== undefined && expose.addressType !== "intranet" && expose.addressType !== "internet") {
        at([...path, "expose", "addressType"], `${show(expose.addressType)} is not one of: intranet, internet`);
      }
      (expose.sourceCidrs ?? []).forEach((c, j) => {
        if (!isCidr(c)) at([...path, "expose", "sourceCidrs", j], `${show(c)} is not a CIDR block such as '10.0.0.0/8'`);
      });
      if (expose.sourceCidrs !== undefined && expose.sourceCidrs.length === 0)
        at([...path, "expose", "sourceCidrs"], "is empty; leave it out to admit every client");
    } else {
      at([...path, "expose", "via"], `${show((expose as { via?: unknown }).via)} is not one of: gateway, load-balancer`);
    }
  });
  const lbTypes = new Set(
    r.ports.filter((p) => p.expose?.via === "load-balancer").map((p) => (p.expose as { addressType?: string }).addressType ?? "intranet"),
  );
  if (lbTypes.size > 1) at(["ports"], "expose ports through one load balancer, so give them one addressType");

  // Resources and replicas.
  problems.push(...resourceProblems(args.resources, args.runtime));
  const min = args.replicas?.min ?? 2;
  const max = args.replicas?.max ?? min;
  check(isInt(min, LIMITS.replicas), ["replicas", "min"], `${show(min)} is not between 1 and 1000`);
  check(isInt(max, LIMITS.replicas) && max >= min, ["replicas", "max"], `${show(max)} is not between replicas.min (${min}) and 1000`);
  if (type === "stateful" && max > min) {
    at(
      ["replicas", "max"],
      `${max} would autoscale a stateful service, whose replicas each own data; set replicas.min only and scale it by changing that`,
    );
  }
  for (const key of ["cpuPercent", "memoryPercent"] as const) {
    const value = args.autoscaling?.[key];
    if (value !== undefined) check(isInt(value, LIMITS.percent), ["autoscaling", key], `${show(value)} is not between 1 and 100`);
  }
  const night = args.autoscaling?.night;
  if (night) {
    check(max > min, ["autoscaling", "night"], "needs replicas.max above replicas.min: it lowers the autoscaler's minimum at night");
    check(isInt(night.min, [1, min]), ["autoscaling", "night", "min"], `${show(night.min)} is not between 1 and the day minimum ${min}`);
    check(TIME.test(night.from), ["autoscaling", "night", "from"], `${show(night.from)} is not a time of day such as '23:00'`);
    check(TIME.test(night.to), ["autoscaling", "night", "to"], `${show(night.to)} is not a time of day such as '07:00'`);
  }

  // Health.
  const health = args.health ?? {};
  for (const key of ["readinessPath", "livenessPath"] as const) {
    const path = health[key];
    if (path !== undefined && !(typeof path === "string" && path.startsWith("/")))
      at(["health", key], `${show(path)} does not start with '/'`);
  }
  if (health.readiness && health.readinessPath !== undefined)
    at(["health", "readiness"], "is given with readinessPath too; give one of them");
  if (health.liveness && health.livenessPath !== undefined) at(["health", "liveness"], "is given with livenessPath too; give one of them");
  for (const key of ["readiness", "liveness", "startup"] as const) {
    const probe = health[key];
    if (probe) problems.push(...probeProblems(["health", key], probe, r.probes[key], r));
  }
  if (
    !health.readiness &&
    !health.liveness &&
    r.ports.length > 0 &&
    (health.readinessPath !== undefined || health.livenessPath !== undefined)
  ) {
    if (!r.ports.some((p) => p.protocol === "http")) {
      at(
        ["health", health.readinessPath !== undefined ? "readinessPath" : "livenessPath"],
        "is an http check, but the service has no http port; give health.readiness and health.liveness of another type",
      );
    }
  }
  const { readiness, liveness } = r.probes;
  if (readiness && liveness && describeProbe(readiness) === describeProbe(liveness)) {
    at(
      ["health", health.liveness ? "liveness" : "livenessPath"],
      `${health.liveness ? describeProbe(liveness) : `'${r.health.livenessPath}'`} is also the readiness check; a liveness probe that fails with readiness restarts pods that are only busy`,
    );
  }
  if (type === "worker") {
    if (health.unprobed !== undefined && health.liveness)
      at(["health", "unprobed"], "is set, but health.liveness is given too; give one of them");
    else if (health.unprobed !== undefined && !(typeof health.unprobed === "string" && health.unprobed.trim() !== "")) {
      at(["health", "unprobed"], "is empty; say why the worker has no liveness probe");
    } else if (!liveness && health.unprobed === undefined) {
      at(
        ["health"],
        "needs liveness (an exec check) or unprobed: the reason a worker has none (e.g. 'exits when its broker connection drops; Kubernetes restarts it')",
      );
    }
  } else {
    if (health.unprobed !== undefined) at(["health", "unprobed"], `is for workers only: a ${type} service takes requests, so it is probed`);
    if (!liveness && r.ports.length > 0) {
      at(
        ["health", "liveness"],
        "is required: the service has no http or grpc port, and a tcp connection is its readiness check; give a check that fails only when the process is stuck (e.g. { type: exec, command: [...] })",
      );
    }
  }
  const warmup = health.warmupSeconds ?? 0;
  check(isInt(warmup, LIMITS.warmupSeconds), ["health", "warmupSeconds"], `${show(warmup)} is not between 0 and 600`);
  const drain = args.shutdown?.drainSeconds ?? 5;
  const grace = args.shutdown?.graceSeconds ?? 30;
  check(isInt(drain, LIMITS.drainSeconds), ["shutdown", "drainSeconds"], `${show(drain)} is not between 0 and 120`);
  if (!isInt(grace, LIMITS.graceSeconds)) at(["shutdown", "graceSeconds"], `${show(grace)} is not between 1 and 600`);
  else if (grace <= drain)
    at(["shutdown", "graceSeconds"], `${grace} leaves no time after the ${drain}s drain; make it larger than drainSeconds`);
  problems.push(...environmentProblems(args.env, args.secretEnv));
  problems.push(...commandProblems(args));

  // Storage and placement.
  const taken = { paths: new Map([["/tmp", "the pod's /tmp"]]), names: new Set(["tmp"]) };
  if (type !== "stateful" && args.disks?.length) {
    at(["disks"], `are for a stateful service: a ${type} service's replicas are interchangeable, so they share volumes (mounts) instead`);
  }
  if (type === "stateful" && !args.disks?.length) at(["disks"], "is required: a stateful service keeps its data on a disk of each replica");
  (args.disks ?? []).forEach((d, i) => {
    // Replica n's claim is <disk>-<service>-<n>; a claim name is a DNS label.
    if (!DNS_LABEL.test(d.name) || d.name.length + name.length + 5 > 63) {
      at(
        ["disks", i, "name"],
        `${show(d.name)} is not a disk name: a DNS label, at most ${Math.max(1, 58 - name.length)} characters with this service's name`,
      );
    } else if (taken.names.has(d.name)) at(["disks", i, "name"], `'${d.name}' is also another disk's or volume's name`);
    taken.names.add(d.name);
    const size = typeof d.size === "string" ? parseMemory(d.size) : { error: `${show(d.size)} is not a size such as '20Gi'` };
    if ("error" in size) at(["disks", i, "size"], size.error);
    else if (parseQuantity(d.size) === undefined) at(["disks", i, "size"], `'${d.size}' is not a size such as '20Gi'`);
    problems.push(...mountPathProblems(["disks", i, "mountPath"], d.mountPath, taken.paths, `disks[${i}]`));
    if (typeof d.storageClass !== "string" || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(d.storageClass)) {
      at(["disks", i, "storageClass"], `${show(d.storageClass)} is not a storage class name`);
    }
  });
  problems.push(...mountProblems(args.mounts, taken));
  problems.push(...placementProblems(args.placement));

  // Release settings.
  if (args.route) {
    if (type === "worker") at(["route"], "is not used by a worker: a worker takes no requests");
    else if (args.route.port !== undefined && !r.ports.some((p) => p.name === args.route!.port && p.protocol === "http")) {
      at(
        ["route", "port"],
        `${show(args.route.port)} is not an http port of the service; routes send HTTP to ${
          r.ports
            .filter((p) => p.protocol === "http")
            .map((p) => `'${p.name}'`)
            .join(", ") || "no port (it has none)"
        }`,
      );
    } else if (!r.routedPort) at(["route"], "needs an http port to send requests to; the service has none");
  }
  const gatewayExposed = r.ports.some((p) => p.expose?.via === "gateway");
  if (args.canary) {
    if (type !== "web") {
      at(
        ["canary"],
        type === "stateful"
          ? "is not accepted for a stateful service: each replica owns its data, and a second StatefulSet would start on empty disks of its own; roll a new version out by changing version (one replica at a time, highest first, each ready before the next)"
          : "is not accepted for a worker: weights split requests, and a worker takes none; roll a new version out by changing version (new pods come up before old ones go)",
      );
    }
    const canaryVersion = versionProblem(args.canary.version);
    if (canaryVersion) at(["canary", "version"], canaryVersion);
    // The stable version at weight 0 is a promotion handing over; with weight it is no canary at all.
    if (args.canary.version === args.version && args.canary.weight) {
      at(
        ["canary", "version"],
        `'${args.canary.version}' is the stable version too, with weight ${args.canary.weight}; give the new version, or (handing a promotion over) weight 0`,
      );
    }
    if (args.canary.weight !== undefined)
      check(
        isInt(args.canary.weight, LIMITS.weight),
        ["canary", "weight"],
        `${show(args.canary.weight)} is not between ${LIMITS.weight[0]} and ${LIMITS.weight[1]}`,
      );
    const canaryImage = imageProblem(args.canary.image);
    if (canaryImage) at(["canary", "image"], canaryImage);
    if (args.canary.image === undefined && typeof args.image !== "string") {
      at(["canary", "image"], "is required when the stable image is computed (built from source): give the canary's image reference");
    }
    if (args.canary.header) {
      problems.push(...headerProblems(["canary", "header"], args.canary.header));
      if (!args.route) at(["canary", "header"], "needs a route: the header is matched at the gateway");
    }
    if (args.canary.weight && !args.route && !gatewayExposed) {
      at(["canary", "weight"], "needs a route or a port exposed through the gateway: weights are applied at the gateway");
    }
  }
  if (args.legacy) {
    check(args.legacy.endpoints.length > 0, ["legacy", "endpoints"], "is empty");
    args.legacy.endpoints.forEach((endpoint, i) => {
      const m = ENDPOINT.exec(endpoint);
      check(
        m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 1 && Number(m[5]) <= 65535,
        ["legacy", "endpoints", i],
        `${show(endpoint)} is not an IPv4 address and port such as '10.0.1.15:8080'`,
      );
    });
    check(
      isInt(args.legacy.weight, LIMITS.weight),
      ["legacy", "weight"],
      `${show(args.legacy.weight)} is not between ${LIMITS.weight[0]} and ${LIMITS.weight[1]}`,
    );
    if (args.legacy.healthCheck) problems.push(...healthCheckProblems(args.legacy.healthCheck));
    if (args.legacy.header) problems.push(...headerProblems(["legacy", "header"], args.legacy.header));
    if (!args.route) at(["legacy"], "needs a route: the split between legacy and cluster happens at the gateway");
  }
  const canaryWeight = args.canary?.weight ?? 0;
  const legacyWeight = args.legacy?.weight ?? 0;
  if (canaryWeight + legacyWeight > LIMITS.weight[1])
    at(["legacy", "weight"], `${legacyWeight} plus the canary weight ${canaryWeight} is more than ${LIMITS.weight[1]}`);

  if (args.monitoring) {
    if (args.monitoring.errorRatePercent !== undefined) {
      check(
        isInt(args.monitoring.errorRatePercent, LIMITS.percent),
        ["monitoring", "errorRatePercent"],
        `${show(args.monitoring.errorRatePercent)} is not between 1 and 100`,
      );
    }
    if (args.monitoring.port !== undefined && !r.ports.some((p) => p.name === args.monitoring!.port && p.protocol === "http")) {
      at(["monitoring", "port"], `${show(args.monitoring.port)} is not an http port of the service`);
    } else if (!r.metricsPort) at(["monitoring"], "needs an http port to scrape metrics from; the service has none");
  }

  if (args.network) {
    const routed = (args.route !== undefined && type !== "worker") || gatewayExposed;
    problems.push(...networkProblems(args.network, { routed, monitored: args.monitoring !== undefined && r.metricsPort !== undefined }));
  }

  // The router's own rules only make sense once the rest holds.
  if (problems.length === 0 && args.route) {
    const router = routerFor(args.route.attachment);
    for (const message of router.validate(routeSpec(name, args, r))) at(["route"], `${router.name} router: ${message}`);
  }
  return problems;
}

/** Throws a MicroserviceArgsError listing every problem; nothing when there is none. */
export function validateMicroserviceArgs(name: string, args: MicroserviceArgs): void {
  const problems = microserviceProblems(name, args);
  if (problems.length > 0) throw new MicroserviceArgsError(name, problems);
}

function headerProblems(path: Array<string | number>, header: HeaderRoute): WorkloadProblem[] {
  const problems: WorkloadProblem[] = [];
  if (!HEADER_NAME.test(header.name))
    problems.push({ path: [...path, "name"], message: `${show(header.name)} is not an HTTP header name such as 'x-canary'` });
  if (typeof header.value === "string" && header.value.length === 0) problems.push({ path: [...path, "value"], message: "is empty" });
  if (header.clientCidrs !== undefined && header.clientCidrs.length === 0) {
    problems.push({ path: [...path, "clientCidrs"], message: "is empty; leave it out to admit every client" });
  }
  return problems;
}

function healthCheckProblems(check: LegacyHealthCheck): WorkloadProblem[] {
  const problems: WorkloadProblem[] = [];
  const path = ["legacy", "healthCheck"];
  if (check.protocol !== undefined && check.protocol !== "http" && check.protocol !== "tcp") {
    problems.push({ path: [...path, "protocol"], message: `${show(check.protocol)} is not one of: http, tcp` });
  }
  if (check.path !== undefined && !check.path.startsWith("/"))
    problems.push({ path: [...path, "path"], message: `${show(check.path)} does not start with '/'` });
  if (check.path !== undefined && check.protocol === "tcp")
    problems.push({ path: [...path, "path"], message: "is set, but a 'tcp' check has no path" });
  for (const [key, limits] of Object.entries(HEALTH_LIMITS)) {
    const value = check[key as keyof typeof HEALTH_LIMITS];
    if (value !== undefined && !isInt(value, limits))
      problems.push({ path: [...path, key], message: `${show(value)} is not between ${limits[0]} and ${limits[1]}` });
  }
  return problems;
}
