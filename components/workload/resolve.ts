/**
 * A Microservice's args with every default applied: the only place defaults are applied. The result
 * is total (it never throws): what cannot be resolved is left for `microserviceProblems` to name.
 */
import type { HeaderRoute, MicroserviceArgs, PortExposure, PortProtocol, Probe, WorkloadType } from "./args";
import { canaryCapacity, stableCapacity, type TrackCapacity, type TrafficSplit, trafficSplit } from "./release";
import type { HeaderRouteSpec, LegacyHealthSpec } from "./routing";

/** The port of the Services that a service's first http port gets: callers and routes use port 80. */
export const SERVICE_PORT = 80;
/** The container port of a service that names none. */
export const DEFAULT_PORT = 8080;

/** A port with its defaults. */
export interface ResolvedPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: PortProtocol;
  readonly servicePort: number;
  readonly expose?: PortExposure;
}

/** A probe with its port named (the port's number comes from the ports). */
export type ResolvedProbe =
  | { readonly type: "http"; readonly path: string; readonly port: string }
  | { readonly type: "tcp"; readonly port: string }
  | { readonly type: "grpc"; readonly port: string; readonly service?: string }
  | { readonly type: "exec"; readonly command: readonly string[] };

/** The args with every default applied. */
export interface ResolvedMicroservice {
  readonly name: string;
  readonly namespace: string;
  readonly type: WorkloadType;
  readonly ports: readonly ResolvedPort[];
  /** The http port the route sends to (route.port, else the first http port). */
  readonly routedPort?: ResolvedPort;
  /** The http port Prometheus scrapes (monitoring.port, else the routed port). */
  readonly metricsPort?: ResolvedPort;
  readonly runtime: "generic" | "jvm";
  readonly replicas: { readonly min: number; readonly max: number };
  /** Whether the stable track has an autoscaler (replicas.max above replicas.min). */
  readonly autoscaled: boolean;
  readonly split: TrafficSplit;
  readonly health: { readonly readinessPath: string; readonly livenessPath: string; readonly warmupSeconds: number };
  /** The checks; a worker may have none (then `unprobed` says why). */
  readonly probes: { readonly readiness?: ResolvedProbe; readonly liveness?: ResolvedProbe; readonly startup?: ResolvedProbe };
  readonly unprobed?: string;
  readonly shutdown: { readonly drainSeconds: number; readonly graceSeconds: number };
  /**
   * True while a promotion hands over: the canary runs the stable version at weight 0, and the
   * stable track rolls to it at full capacity before the route sends it everyone.
   */
  readonly handover: boolean;
  readonly stable: TrackCapacity;
  /** The canary track's capacity; the canary always has an autoscaler. */
  readonly canary: TrackCapacity | undefined;
  /** Header routes for testers. */
  readonly headers: readonly HeaderRouteSpec[];
  readonly legacyHealth: LegacyHealthSpec | undefined;
  readonly protectData: boolean;
}

const headerSpec = (backend: HeaderRouteSpec["backend"], h: HeaderRoute): HeaderRouteSpec => ({
  backend,
  name: h.name,
  value: h.value,
  ...(h.clientCidrs?.length ? { clientCidrs: [...h.clientCidrs] } : {}),
});

/** The ports: `ports`, else the `port` shortcut (or 8080) as "http"; a worker has none. */
export function resolvePorts(args: Pick<MicroserviceArgs, "type" | "port" | "ports">): ResolvedPort[] {
  const given = args.ports ?? ((args.type ?? "web") === "worker" ? [] : [{ name: "http", port: args.port ?? DEFAULT_PORT }]);
  let firstHttp = true;
  return given.map((p) => {
    const protocol = p.protocol ?? "http";
    const primary = protocol === "http" && firstHttp;
    if (protocol === "http") firstHttp = false;
    return {
      name: p.name,
      port: p.port,
      protocol,
      servicePort: p.servicePort ?? (primary ? SERVICE_PORT : p.port),
      ...(p.expose ? { expose: p.expose } : {}),
    };
  });
}

/** A probe as given, its port defaulted to the first port of a protocol that fits it. */
function resolveProbe(probe: Probe, ports: readonly ResolvedPort[]): ResolvedProbe {
  const first = (...protocols: PortProtocol[]) => ports.find((p) => protocols.includes(p.protocol))?.name ?? "";
  switch (probe.type) {
    case "http":
      return { type: "http", path: probe.path, port: probe.port ?? first("http") };
    case "tcp":
      return { type: "tcp", port: probe.port ?? ports[0]?.name ?? "" };
    case "grpc":
      return { type: "grpc", port: probe.port ?? first("grpc"), ...(probe.service !== undefined ? { service: probe.service } : {}) };
    case "exec":
      return { type: "exec", command: [...(probe.command ?? [])] };
    default:
      // An unknown type is named by the problems; resolving must not throw.
      return probe as ResolvedProbe;
  }
}

/**
 * The checks: as given; else HTTP on the first http port (readiness and liveness on their paths);
 * else gRPC health for readiness and a TCP connection for liveness on the first grpc port; else a
 * TCP connection for readiness on the first port, with liveness left to the service to say (a TCP
 * connection is all the platform could guess, and liveness must not be readiness's check).
 */
export function resolveProbes(
  health: MicroserviceArgs["health"],
  ports: readonly ResolvedPort[],
  paths: { readonly readinessPath: string; readonly livenessPath: string },
): ResolvedMicroservice["probes"] {
  const http = ports.find((p) => p.protocol === "http");
  const grpc = ports.find((p) => p.protocol === "grpc");
  const byPath = health?.readinessPath !== undefined || health?.livenessPath !== undefined;
  let readiness: ResolvedProbe | undefined;
  let liveness: ResolvedProbe | undefined;
  if (http || byPath) {
    readiness = { type: "http", path: paths.readinessPath, port: http?.name ?? "" };
    liveness = { type: "http", path: paths.livenessPath, port: http?.name ?? "" };
  } else if (grpc) {
    readiness = { type: "grpc", port: grpc.name };
    liveness = { type: "tcp", port: grpc.name };
  } else if (ports[0]) {
    readiness = { type: "tcp", port: ports[0].name };
  }
  if (health?.readiness) readiness = resolveProbe(health.readiness, ports);
  if (health?.liveness) liveness = resolveProbe(health.liveness, ports);
  const startup = health?.startup ? resolveProbe(health.startup, ports) : liveness;
  return { ...(readiness ? { readiness } : {}), ...(liveness ? { liveness } : {}), ...(startup ? { startup } : {}) };
}

export function resolveMicroservice(name: string, args: MicroserviceArgs): ResolvedMicroservice {
  const type = args.type ?? "web";
  const min = args.replicas?.min ?? 2;
  const max = args.replicas?.max ?? min;
  // Capacity arithmetic needs whole replicas; out-of-range ones are the problems' to name.
  const whole = (n: number) => (Number.isInteger(n) && n >= 1 ? n : 1);
  const scaling = { min: whole(min), max: Math.max(whole(min), whole(max)) };
  const split = trafficSplitOrZero(args.canary?.weight ?? 0, args.legacy?.weight ?? 0);
  const handover = args.canary !== undefined && args.canary.version === args.version && split.canary === 0;
  const health = {
    readinessPath: args.health?.readinessPath ?? "/ready",
    livenessPath: args.health?.livenessPath ?? "/healthz",
    warmupSeconds: args.health?.warmupSeconds ?? 0,
  };
  const ports = resolvePorts(args);
  const http = ports.filter((p) => p.protocol === "http");
  const routedPort = args.route?.port !== undefined ? ports.find((p) => p.name === args.route!.port) : http[0];
  const metricsPort = args.monitoring?.port !== undefined ? ports.find((p) => p.name === args.monitoring!.port) : (routedPort ?? http[0]);
  const check = args.legacy?.healthCheck ?? {};
  return {
    name,
    namespace: args.namespace,
    type,
    ports,
    ...(routedPort ? { routedPort } : {}),
    ...(metricsPort ? { metricsPort } : {}),
    runtime: args.runtime ?? "generic",
    replicas: { min, max },
    autoscaled: max > min,
    split,
    health,
    probes: resolveProbes(args.health, ports, health),
    ...(args.health?.unprobed !== undefined ? { unprobed: args.health.unprobed } : {}),
    shutdown: { drainSeconds: args.shutdown?.drainSeconds ?? 5, graceSeconds: args.shutdown?.graceSeconds ?? 30 },
    handover,
    stable: stableCapacity(scaling, split.stable, args.legacy !== undefined || handover),
    canary: args.canary ? canaryCapacity(scaling, split.canary, args.canary.header !== undefined) : undefined,
    headers: [
      ...(args.canary?.header ? [headerSpec("canary", args.canary.header)] : []),
      ...(args.legacy?.header ? [headerSpec("stable", args.legacy.header)] : []),
    ],
    legacyHealth: args.legacy
      ? {
          protocol: check.protocol ?? "http",
          path: check.path ?? health.readinessPath,
          intervalSeconds: check.intervalSeconds ?? 5,
          timeoutSeconds: check.timeoutSeconds ?? 2,
          healthyThreshold: check.healthyThreshold ?? 2,
          unhealthyThreshold: check.unhealthyThreshold ?? 3,
          consecutiveErrors: check.consecutiveErrors ?? 5,
        }
      : undefined,
    protectData: args.protectData ?? false,
  };
}

/** The split of valid weights; all on the stable track for invalid ones, which the problems name. */
function trafficSplitOrZero(canary: number, legacy: number): TrafficSplit {
  try {
    return trafficSplit({ canary, legacy });
  } catch {
    return { stable: 100, canary: 0, legacy: 0 };
  }
}
