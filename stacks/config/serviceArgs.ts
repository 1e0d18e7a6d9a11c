/**
 * A service of the config as its Microservice's args, and a job as its BatchJob's: one mapping,
 * used by the workload layer to declare them and by the config checks to ask the components what
 * is wrong with them, so the config refuses exactly what the components refuse.
 *
 * What the mapping needs from outside the config (images, secrets, what the platform's add-ons
 * look like) comes from `ArgSources`: the workload layer gives the real ones, the checks give
 * stand-ins of the same form (CHECK_SOURCES).
 */
import type * as pulumi from "@pulumi/pulumi";
import { proxyPodLabels, prometheusPodLabels } from "../../components/platform/addonPolicies";
import { HTTP_LISTENER, HTTPS_LISTENER, tcpListenerName } from "../../components/platform/gatewayValues";
import type {
  HeaderRoute,
  MicroserviceArgs,
  NetworkPeer,
  Placement,
  PortExposure,
  Probe,
  ServiceNetwork,
  ServicePeer,
  ServicePort,
} from "../../components/workload/args";
import type { BatchJobArgs } from "../../components/workload/jobPlan";
import { imageReference } from "../../components/workload/images";
import { DEFAULT_KUBECTL_IMAGE } from "../../components/workload/nightScaling";
import { resolvePorts } from "../../components/workload/resolve";
import type { RouteAttachment } from "../../components/workload/routing";
import type { PlatformLayer } from "../layers/types";
import type { EnvironmentConfig } from "./schema";
import type { JobConfig, ServiceConfig } from "./workloads";

/** What a service's args need besides its config. */
export interface ArgSources {
  /** The image of a service or job at a version (the repository's, in the environment's registry or as given). */
  image(workload: ServiceConfig | JobConfig, version: string): pulumi.Input<string>;
  /** The image built from source for a service, when it is built. */
  builtImage(svc: ServiceConfig): pulumi.Input<string> | undefined;
  /** A secret config value. */
  secret(key: string): pulumi.Input<string>;
  /** The gateway and the monitoring, as the platform layer made them (or as the config says they will be). */
  readonly platform: Pick<PlatformLayer, "gateway" | "monitoring">;
  readonly zones: readonly string[];
  readonly imagePullSecrets: readonly string[];
  /** The night scaler's kubectl image. */
  readonly kubectlImage: string;
  /** The stack, named in the alerts' runbooks. */
  readonly stack: string;
}

/** The parts of the environment the mapping reads. */
export type MappedEnvironment = Pick<EnvironmentConfig, "kind" | "workloads" | "services" | "gateway" | "cluster"> &
  Partial<Pick<EnvironmentConfig, "network" | "jobs">>;

/**
 * Stand-ins for the config checks: an image reference of the right form, a secret of the right
 * form, and the platform the config describes (the gateway and monitoring the platform layer will
 * declare from it).
 */
export function checkSources(env: Pick<EnvironmentConfig, "gateway" | "monitoring" | "zones">): ArgSources {
  const g = env.gateway;
  return {
    image: (w, version) => imageReference(`registry.invalid/check/${w.image ?? w.name}`, version),
    builtImage: () => undefined,
    secret: () => "secret",
    platform: {
      ...(g?.enabled
        ? {
            gateway: {
              controller: g.controller,
              name: g.name,
              namespace: g.namespace,
              httpListener: HTTP_LISTENER,
              ...(g.controller === "alb" ? { ingressClassName: "alb" } : { proxyPodLabels: proxyPodLabels(g.name) }),
            },
          }
        : {}),
      ...(env.monitoring?.enabled
        ? { monitoring: { namespace: env.monitoring.namespace, selectorLabels: {}, prometheusPodLabels: prometheusPodLabels() } }
        : {}),
    },
    zones: env.zones ?? [],
    imagePullSecrets: [],
    kubectlImage: DEFAULT_KUBECTL_IMAGE,
    stack: "check",
  };
}

/** Marks the checks' sources; the checks build them from the environment they check. */
export const CHECK_SOURCES = "check" as const;

type Sources = ArgSources | typeof CHECK_SOURCES;

function sourcesFor(env: MappedEnvironment & Pick<EnvironmentConfig, "monitoring" | "zones">, sources: Sources): ArgSources {
  return sources === CHECK_SOURCES ? checkSources(env) : sources;
}

/** Where a service's route attaches, given the environment's gateway. */
export function routeAttachment(svc: ServiceConfig, gateway: PlatformLayer["gateway"]): RouteAttachment {
  if (!gateway) throw new Error(`service '${svc.name}' has a route but the environment has no gateway`);
  const router = svc.route?.router ?? (gateway.controller === "alb" ? "alb" : "gateway-api");
  if (router === "alb") return { router: "alb", ingressClassName: gateway.ingressClassName ?? "alb" };
  return {
    router: "gateway-api",
    gatewayName: gateway.name,
    gatewayNamespace: gateway.namespace,
    listeners: [gateway.httpsListener ?? gateway.httpListener],
  };
}

type HeaderConfig = NonNullable<NonNullable<ServiceConfig["canary"]>["header"]>;

/** A testers' header route, its value read from the secret config key it names. */
export function headerRoute(header: HeaderConfig, secret: (key: string) => pulumi.Input<string>): HeaderRoute {
  return {
    name: header.name,
    // The config refuses a header with neither (or both); the checks' secret stands in for either.
    value: header.value !== undefined && header.valueSecret === undefined ? header.value : secret(header.valueSecret ?? ""),
    ...(header.clientCidrs ? { clientCidrs: header.clientCidrs } : {}),
  };
}

/** Everything outside the cluster: NetworkPolicy matches addresses, so a host alone opens its ports to any address. */
export const ANY_ADDRESS = "0.0.0.0/0";

/** The container ports of a service, as its Microservice will have them. */
function containerPorts(svc: ServiceConfig): number[] {
  const ports = portsOnly(svc);
  return resolvePorts({ type: svc.type, ...(svc.port !== undefined ? { port: svc.port } : {}), ...(ports ? { ports } : {}) }).map(
    (p) => p.port,
  );
}

/** A peer of the service network: a service (both tracks) with its ports, or a job. */
function peer(name: string, env: MappedEnvironment): ServicePeer {
  const namespaceOf = (w: { namespace?: string | undefined }) => w.namespace ?? env.workloads.namespace;
  const svc = env.services.find((s) => s.name === name);
  if (svc) {
    const ports = containerPorts(svc);
    return { service: name, namespace: namespaceOf(svc), ...(ports.length === 1 ? { port: ports[0]! } : { ports }) };
  }
  const job = env.jobs?.find((j) => j.name === name);
  return { service: name, namespace: job ? namespaceOf(job) : env.workloads.namespace, job: true };
}

/**
 * The service's network: who may reach it (the gateway, Prometheus, the services and jobs that call
 * it) and what it may reach (the services it calls, its external endpoints).
 */
export function serviceNetwork(svc: ServiceConfig, env: MappedEnvironment, platform: ArgSources["platform"]): ServiceNetwork {
  const gateway = platform.gateway;
  const gatewayPeer: NetworkPeer | undefined = !gateway
    ? undefined
    : gateway.proxyPodLabels
      ? { namespace: gateway.namespace, podLabels: gateway.proxyPodLabels }
      : // An ALB reaches the pods from its own addresses in the VPC's vSwitches.
        { cidrs: env.network ? [env.network.vpcCidr] : [] };
  const monitoring = platform.monitoring;
  const throughGateway = svc.route !== undefined || (svc.ports ?? []).some((p) => p.expose?.via === "gateway");
  const callers = [
    ...env.services.filter((s) => s.calls.includes(svc.name)),
    ...(env.jobs ?? []).filter((j) => j.calls.includes(svc.name)),
  ];
  return {
    ...(throughGateway && gatewayPeer ? { gateway: gatewayPeer } : {}),
    ...(monitoring && svc.metrics.enabled
      ? { prometheus: { namespace: monitoring.namespace, podLabels: monitoring.prometheusPodLabels } }
      : {}),
    // A call to what is not a service (a job, a typo) is the config's to refuse.
    calls: svc.calls.filter((name) => env.services.some((s) => s.name === name && s.type !== "worker")).map((name) => peer(name, env)),
    calledBy: callers
      .map((c) => ({ ...peer(c.name, env), port: undefined, ports: undefined }))
      .map(({ service, namespace, job }) => ({
        service,
        namespace,
        ...(job ? { job } : {}),
      })),
    egress: svc.egress.map((e) => ({ cidr: e.cidr ?? ANY_ADDRESS, ports: e.ports })),
  };
}

/** The placement a node pool gives: its labels as node selector, a toleration of each of its taints. */
export function poolPlacement(name: string | undefined, cluster: MappedEnvironment["cluster"]): { placement?: Placement } {
  if (name === undefined || !("nodePools" in cluster)) return {};
  const pool = cluster.nodePools.find((p) => p.name === name);
  if (!pool) return {};
  return {
    placement: {
      nodeSelector: { ...pool.labels },
      tolerations: pool.taints.map((t) => ({
        key: t.key,
        operator: t.value === undefined ? ("Exists" as const) : ("Equal" as const),
        ...(t.value !== undefined ? { value: t.value } : {}),
        effect: t.effect,
      })),
    },
  };
}

function probe(p: NonNullable<ServiceConfig["health"]["readiness"]>): Probe {
  switch (p.type) {
    case "http":
      return { type: "http", path: p.path ?? "", ...(p.port ? { port: p.port } : {}) };
    case "tcp":
      return { type: "tcp", ...(p.port ? { port: p.port } : {}) };
    case "grpc":
      return { type: "grpc", ...(p.port ? { port: p.port } : {}), ...(p.service ? { service: p.service } : {}) };
    default:
      return { type: "exec", command: p.command ?? [] };
  }
}

/** A port of the config, its exposure resolved against the platform's gateway. */
function port(p: NonNullable<ServiceConfig["ports"]>[number], gateway: PlatformLayer["gateway"], protect: boolean): ServicePort {
  const servicePort = p.servicePort;
  let expose: PortExposure | undefined;
  // Without the gateway a gateway exposure has nothing to attach to: the config refuses it.
  if (p.expose?.via === "gateway" && gateway) {
    const listenerPort = servicePort ?? p.port;
    expose = {
      via: "gateway",
      gatewayName: gateway.name,
      gatewayNamespace: gateway.namespace,
      listener: tcpListenerName(listenerPort),
    };
  } else if (p.expose?.via === "load-balancer") {
    expose = {
      via: "load-balancer",
      ...(p.expose.addressType ? { addressType: p.expose.addressType } : {}),
      deletionProtection: protect,
      ...(p.expose.sourceCidrs ? { sourceCidrs: p.expose.sourceCidrs } : {}),
    };
  }
  return {
    name: p.name,
    port: p.port,
    protocol: p.protocol,
    ...(servicePort !== undefined ? { servicePort } : {}),
    ...(expose ? { expose } : {}),
  };
}

/** The ports as the component takes them (the exposure's gateway unknown: only the ports count). */
const portsOnly = (svc: ServiceConfig) =>
  svc.ports?.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol, ...(p.servicePort ? { servicePort: p.servicePort } : {}) }));

/** The claim a shared volume has in every namespace: the volume's name. */
export const claimOf = (volume: string) => volume;

/** Maps one service of the config to its Microservice's args. */
export function serviceArgs(
  svc: ServiceConfig,
  env: MappedEnvironment & Pick<EnvironmentConfig, "monitoring" | "zones" | "imageMirror">,
  sources: Sources,
): MicroserviceArgs {
  const s = sourcesFor(env, sources);
  const protect = env.kind === "prod";
  const night = svc.autoscaling.night;
  const gateway = s.platform.gateway;
  const monitored = s.platform.monitoring !== undefined && svc.metrics.enabled && svc.type !== "worker";
  const health = svc.health;
  const hasHttpPort = svc.type !== "worker" && (svc.ports === undefined || svc.ports.some((p) => p.protocol === "http"));
  return {
    namespace: svc.namespace ?? env.workloads.namespace,
    type: svc.type,
    image: s.builtImage(svc) ?? s.image(svc, svc.version),
    version: svc.version,
    ...(svc.port !== undefined ? { port: svc.port } : {}),
    ...(svc.ports ? { ports: svc.ports.map((p) => port(p, gateway, protect)) } : {}),
    ...(svc.command ? { command: svc.command } : {}),
    ...(svc.args ? { args: svc.args } : {}),
    runtime: svc.runtime,
    resources: {
      cpu: svc.resources.cpu,
      memory: svc.resources.memory,
      ...(svc.resources.cpuLimit ? { cpuLimit: svc.resources.cpuLimit } : {}),
    },
    replicas: { min: svc.replicas.min, max: svc.replicas.max ?? svc.replicas.min },
    autoscaling: {
      ...(svc.autoscaling.cpuPercent ? { cpuPercent: svc.autoscaling.cpuPercent } : {}),
      ...(svc.autoscaling.memoryPercent ? { memoryPercent: svc.autoscaling.memoryPercent } : {}),
      ...(night ? { night: { min: night.min, from: night.from, to: night.to, timezone: night.timezone } } : {}),
    },
    health: {
      warmupSeconds: health.warmupSeconds,
      ...(health.readinessPath !== undefined ? { readinessPath: health.readinessPath } : {}),
      ...(health.livenessPath !== undefined ? { livenessPath: health.livenessPath } : {}),
      ...(health.readiness ? { readiness: probe(health.readiness) } : {}),
      ...(health.liveness ? { liveness: probe(health.liveness) } : {}),
      ...(health.startup ? { startup: probe(health.startup) } : {}),
      ...(health.unprobed !== undefined ? { unprobed: health.unprobed } : {}),
    },
    shutdown: svc.shutdown,
    env: svc.env,
    secretEnv: Object.fromEntries(Object.entries(svc.secretEnv).map(([variable, key]) => [variable, s.secret(key)])),
    zones: s.zones,
    imagePullSecrets: s.imagePullSecrets,
    ...(svc.disks.length
      ? { disks: svc.disks.map((d) => ({ name: d.name, size: d.size, mountPath: d.mountPath, storageClass: d.storageClass })) }
      : {}),
    ...(svc.mounts.length
      ? {
          mounts: svc.mounts.map((m) => ({
            claim: claimOf(m.volume),
            mountPath: m.mountPath,
            ...(m.readOnly ? { readOnly: true } : {}),
            ...(m.subPath ? { subPath: m.subPath } : {}),
          })),
        }
      : {}),
    ...poolPlacement(svc.pool, env.cluster),
    protectData: protect,
    ...(svc.route && gateway
      ? {
          route: {
            host: svc.route.host,
            path: svc.route.path,
            ...(svc.route.port ? { port: svc.route.port } : {}),
            tls: env.gateway.tls.mode !== "none",
            attachment: routeAttachment(svc, gateway),
          },
        }
      : {}),
    ...(svc.canary
      ? {
          canary: {
            version: svc.canary.version,
            image: s.image(svc, svc.canary.version),
            weight: svc.canary.weight,
            ...(svc.canary.header ? { header: headerRoute(svc.canary.header, s.secret) } : {}),
          },
        }
      : {}),
    ...(svc.legacy
      ? {
          legacy: {
            endpoints: svc.legacy.endpoints,
            weight: svc.legacy.weight,
            ...(svc.legacy.healthCheck ? { healthCheck: svc.legacy.healthCheck } : {}),
            ...(svc.legacy.header ? { header: headerRoute(svc.legacy.header, s.secret) } : {}),
          },
        }
      : {}),
    // A service with no http port has no metrics endpoint to scrape.
    ...(monitored && hasHttpPort
      ? {
          monitoring: {
            ...(svc.metrics.port ? { port: svc.metrics.port } : {}),
            path: svc.metrics.path,
            errorRatePercent: svc.metrics.errorRatePercent,
            requestsMetric: svc.metrics.requestsMetric,
            statusLabel: svc.metrics.statusLabel,
            selectorLabels: s.platform.monitoring!.selectorLabels,
            stack: s.stack,
          },
        }
      : {}),
    network: serviceNetwork(svc, env, s.platform),
    kubectlImage: s.kubectlImage,
  };
}

/** Maps one job of the config to its BatchJob's args. */
export function jobArgs(
  job: JobConfig,
  env: MappedEnvironment & Pick<EnvironmentConfig, "monitoring" | "zones">,
  sources: Sources,
): BatchJobArgs {
  const s = sourcesFor(env, sources);
  return {
    namespace: job.namespace ?? env.workloads.namespace,
    image: s.image(job, job.version),
    version: job.version,
    ...(job.command ? { command: job.command } : {}),
    ...(job.args ? { args: job.args } : {}),
    ...(job.schedule !== undefined ? { schedule: job.schedule } : {}),
    ...(job.timezone !== undefined ? { timezone: job.timezone } : {}),
    ...(job.concurrency !== undefined ? { concurrency: job.concurrency } : {}),
    runtime: job.runtime,
    resources: {
      cpu: job.resources.cpu,
      memory: job.resources.memory,
      ...(job.resources.cpuLimit ? { cpuLimit: job.resources.cpuLimit } : {}),
    },
    env: job.env,
    secretEnv: Object.fromEntries(Object.entries(job.secretEnv).map(([variable, key]) => [variable, s.secret(key)])),
    mounts: job.mounts.map((m) => ({
      claim: claimOf(m.volume),
      mountPath: m.mountPath,
      ...(m.readOnly ? { readOnly: true } : {}),
      ...(m.subPath ? { subPath: m.subPath } : {}),
    })),
    ...poolPlacement(job.pool, env.cluster),
    imagePullSecrets: s.imagePullSecrets,
    retries: job.retries,
    deadlineSeconds: job.deadlineSeconds,
    network: {
      calls: job.calls.filter((name) => env.services.some((s) => s.name === name && s.type !== "worker")).map((name) => peer(name, env)),
      egress: job.egress.map((e) => ({ cidr: e.cidr ?? ANY_ADDRESS, ports: e.ports })),
    },
    ...(s.platform.monitoring ? { monitoring: { selectorLabels: s.platform.monitoring.selectorLabels, stack: s.stack } } : {}),
  };
}

export { HTTPS_LISTENER };
