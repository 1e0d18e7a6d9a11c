/**
 * What each component is given from an environment's config, in one place: the layers declare the
 * components with these args, and the config's checks run the components' own problem functions on
 * the same args, so a limit is stated once (in the component) and the stack refuses exactly what a
 * component used from another program refuses. What only exists once something is declared (ids of
 * vSwitches, secrets) is passed in: the layers pass the real thing, the checks a stand-in.
 *
 * Each component's fields map to the config keys they come from (FieldMap), so that a problem the
 * component reports is said at the key the user wrote.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ALB_INGRESS_CONTROLLER, type ClusterArgs, type NetworkArgs, type RegistryAccess, type RegistryArgs } from "../../components/cloud";
import type { AlertReceiver, GatewayArgs, GatewayTls, LoggingArgs, MonitoringArgs, PullSource } from "../../components/platform";
import type { RouteThrough } from "../../components/platform/uiRoute";
import type { RegistryConfig } from "./cloud";
import type { EnvironmentConfig } from "./schema";
import type { JobConfig, ServiceConfig } from "./workloads";
import { DEFAULT_PORT } from "../../components/workload/resolve";

type Env = EnvironmentConfig;
/** The cluster section of a cloud environment. */
export type AckClusterConfig = Extract<Env["cluster"], { nodePools: unknown }>;
type ManagedRegistry = Extract<RegistryConfig, { mode: "managed" }>;

/** Where each field of a component's args comes from in the config; the longest listed prefix of a field decides. */
export type FieldMap = Readonly<Record<string, readonly PropertyKey[]>>;

/** "nodePools[1].taints[0].key" as ["nodePools", 1, "taints", 0, "key"]. */
export function fieldSegments(field: string): PropertyKey[] {
  return field.split(".").flatMap((part) => {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    return [...(m[1] ? [m[1]] : []), ...[...m[2]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]))];
  });
}

/** The config key path of a component's field, by the map (under the section itself when no prefix is listed). */
export function configPathOf(field: string, map: FieldMap, section: readonly PropertyKey[]): PropertyKey[] {
  const segments = fieldSegments(field);
  for (let n = segments.length; n > 0; n--) {
    const prefix = segments.slice(0, n);
    if (!prefix.every((s) => typeof s === "string")) continue;
    const at = map[prefix.join(".")];
    if (at) return [...at, ...segments.slice(n)];
  }
  return [...section, ...segments];
}

/** Names and tags the cloud resources get; the checks pass any valid ones. */
export interface CloudNames {
  readonly namePrefix: string;
  readonly tags: Readonly<Record<string, string>>;
}

export const NETWORK_FIELDS: FieldMap = {
  region: ["region"],
  zones: ["zones"],
  minZones: ["zones"],
  serviceCidr: ["cluster", "serviceCidr"],
  podCidr: ["cluster", "podCidr"],
  deletionProtection: ["cluster", "deletionProtection"],
};

/** The fewest zones a kind of environment takes: production keeps capacity when a zone is lost. */
export function minZonesOf(kind: Env["kind"]): number {
  return kind === "prod" ? 2 : 1;
}

/** The Network of a cloud environment. */
export function networkArgs(
  env: Pick<Env, "kind" | "region" | "zones" | "network"> & { cluster: AckClusterConfig },
  names: CloudNames,
): NetworkArgs {
  const network = env.network!;
  const cluster = env.cluster;
  const terway = cluster.cni === "terway";
  return {
    region: env.region!,
    zones: env.zones,
    vpcCidr: network.vpcCidr,
    nodeVswitchPrefix: network.nodeVswitchPrefix,
    podVswitchPrefix: terway ? network.podVswitchPrefix : false,
    natGateway: network.natGateway,
    natBandwidthMbps: network.natBandwidthMbps,
    serviceCidr: cluster.serviceCidr,
    ...(!terway && cluster.podCidr ? { podCidr: cluster.podCidr } : {}),
    minZones: minZonesOf(env.kind),
    legacyNetworks: network.legacyNetworks,
    deletionProtection: cluster.deletionProtection,
    namePrefix: names.namePrefix,
    tags: names.tags,
  };
}

export const CLUSTER_FIELDS: FieldMap = {
  // With Terway the pod vSwitches come from network.podVswitchPrefix; with Flannel none are made.
  podVswitchIds: ["cluster", "cni"],
  secretEncryption: ["cluster", "secretEncryption", "enabled"],
  clusterName: ["cluster"],
};

/** What the Cluster takes from the declared network and registry. */
export interface ClusterDependencies extends CloudNames {
  readonly vswitchIds: readonly pulumi.Input<string>[];
  readonly podVswitchIds: readonly pulumi.Input<string>[];
  readonly securityGroupId: pulumi.Input<string>;
  readonly internetAccess?: readonly pulumi.Resource[];
  readonly registryAccess?: RegistryAccess;
}

/** The ACK cluster of a cloud environment. */
export function clusterArgs(env: Pick<Env, "gateway"> & { cluster: AckClusterConfig }, deps: ClusterDependencies): ClusterArgs {
  const cluster = env.cluster;
  const terway = cluster.cni === "terway";
  const window = cluster.maintenanceWindow;
  const alb = env.gateway.enabled && env.gateway.controller === "alb";
  return {
    version: cluster.version,
    checkVersion: cluster.checkVersion,
    edition: cluster.edition,
    clusterName: deps.namePrefix,
    vswitchIds: deps.vswitchIds,
    securityGroupId: deps.securityGroupId,
    internetAccess: deps.internetAccess ?? [],
    cni: cluster.cni,
    ...(terway ? { podVswitchIds: deps.podVswitchIds } : cluster.podCidr ? { podCidr: cluster.podCidr } : {}),
    serviceCidr: cluster.serviceCidr,
    publicApiServer: cluster.publicApiServer,
    deletionProtection: cluster.deletionProtection,
    nodePools: cluster.nodePools,
    // The AlbConfig CRD comes with ACK's ALB Ingress controller; installed as an add-on resource so
    // that it reaches a cluster that already exists.
    installedAddons: alb ? [ALB_INGRESS_CONTROLLER] : [],
    ...(deps.registryAccess ? { registryAccess: deps.registryAccess } : {}),
    logs: {
      audit: cluster.logs.audit,
      controlPlane: cluster.logs.controlPlane,
      retentionDays: cluster.logs.retentionDays,
      ...(cluster.logs.project ? { project: cluster.logs.project } : {}),
    },
    secretEncryption: !cluster.secretEncryption.enabled
      ? "off"
      : cluster.secretEncryption.kmsKeyId
        ? { kmsKeyId: cluster.secretEncryption.kmsKeyId }
        : "managed-key",
    rrsa: cluster.rrsa,
    maintenanceWindow: window.enabled
      ? { weekdays: window.weekdays, start: window.start, hours: window.hours, utcOffset: window.utcOffset }
      : false,
    tags: deps.tags,
  };
}

/** Whether a service's (or a job's) image is in the environment's registry: built here, or named without a registry host. */
export function inRegistry(svc: ServiceConfig | JobConfig): boolean {
  return ("build" in svc && Boolean(svc.build)) || !(svc.image ?? svc.name).includes("/");
}

/**
 * Repository names of the services whose images live in the environment's registry, once each, then
 * the repositories kept for services that are gone.
 */
export function registryRepositories(services: ReadonlyArray<ServiceConfig | JobConfig>, retained: readonly string[] = []): string[] {
  return [...new Set([...services.filter(inRegistry).map((s) => s.image ?? s.name), ...retained])];
}

export const REGISTRY_FIELDS: FieldMap = {
  region: ["region"],
  deletionProtection: ["cluster", "deletionProtection"],
  // Repositories are the services' images, then the retained ones (see registryArgs).
  repositories: ["registry", "retainedRepositories"],
};

/** The managed registry of a cloud environment. */
export function registryArgs(
  env: Pick<Env, "region" | "services"> & Partial<Pick<Env, "jobs">> & { registry: ManagedRegistry },
  deps: { readonly vpc: RegistryArgs["vpc"]; readonly deletionProtection: boolean; readonly tags: Readonly<Record<string, string>> },
): RegistryArgs {
  const managed = env.registry;
  return {
    instanceName: managed.instanceName,
    region: env.region!,
    edition: managed.edition,
    namespace: managed.namespace,
    // The jobs' images come after the services': the config's checks name a repository by its index.
    repositories: registryRepositories([...env.services, ...(env.jobs ?? [])], managed.retainedRepositories),
    vpc: deps.vpc,
    allowedCidrs: managed.allowedCidrs,
    ...(managed.replication ? { replication: managed.replication } : {}),
    deletionProtection: deps.deletionProtection,
    tags: deps.tags,
  };
}

/**
 * Namespaces whose pods pull from the environment's registry, for its credential helper: the
 * services', and the add-ons' when their images are mirrored in the same registry. The add-ons'
 * namespaces are those the platform layer creates (the `registry-credentials-cover-namespaces`
 * policy rule catches one added there and missed here).
 */
export function registryPullNamespaces(env: Env, registryHost: string): string[] {
  const namespaces = [env.workloads.namespace, ...env.services.map((s) => s.namespace ?? env.workloads.namespace)];
  const mirrored = env.imageMirror !== undefined && env.imageMirror.split("/")[0] === registryHost;
  if (mirrored) {
    if (env.gateway.enabled && env.gateway.controller === "envoy-gateway") {
      namespaces.push(env.gateway.namespace);
      if (env.gateway.tls.mode === "cert-manager") namespaces.push("cert-manager");
    }
    // Each add-on's node agent runs in a namespace of its own.
    if (env.logging.enabled) namespaces.push(env.logging.namespace, env.logging.collectorNamespace);
    if (env.monitoring.enabled) namespaces.push(env.monitoring.namespace, env.monitoring.nodeExporterNamespace);
  }
  return [...new Set(namespaces)].sort();
}

/** Reads a secret config key; the checks pass a stand-in. */
export type SecretReader = (key: string) => pulumi.Input<string>;

/** Where the add-ons pull from, from the config (and what fills the mirrors, from the cloud layer). */
export function pullSource(env: Pick<Env, "imageMirror" | "chartMirror">, mirrorReady?: PullSource["mirrorReady"]): PullSource {
  return {
    ...(env.imageMirror ? { imageMirror: env.imageMirror } : {}),
    ...(env.chartMirror ? { chartMirror: env.chartMirror } : {}),
    ...(mirrorReady ? { mirrorReady } : {}),
  };
}

/** Hosts the gateway's certificate must name: the listed ones, the routed admin UIs, the services' routes. */
export function certificateHosts(env: {
  readonly gateway?: { readonly tls: { readonly hosts: readonly string[] } };
  readonly logging?: { readonly enabled: boolean; readonly kibana: { readonly host?: string } };
  readonly monitoring?: { readonly enabled: boolean; readonly grafana: { readonly host?: string } };
  readonly services?: ReadonlyArray<{ readonly route?: { readonly host: string } } | undefined>;
}): string[] {
  const hosts = [
    ...(env.gateway?.tls.hosts ?? []),
    ...(env.logging?.enabled && env.logging.kibana.host ? [env.logging.kibana.host] : []),
    ...(env.monitoring?.enabled && env.monitoring.grafana.host ? [env.monitoring.grafana.host] : []),
    ...(env.services ?? []).flatMap((svc) => (svc?.route ? [svc.route.host] : [])),
  ];
  return [...new Set(hosts)].sort();
}

/** The gateway's TLS from the config, with the certificate and key read from their secret keys. */
export function gatewayTls(env: Pick<Env, "gateway" | "logging" | "monitoring" | "services">, secret: SecretReader): GatewayTls {
  const tls = env.gateway.tls;
  switch (tls.mode) {
    case "secret":
      return { mode: "secret", certificate: secret(tls.certificateSecret!), privateKey: secret(tls.keySecret!) };
    case "cert-manager":
      return {
        mode: "cert-manager",
        email: tls.email ?? "",
        ...(tls.acmeServer ? { acmeServer: tls.acmeServer } : {}),
        hosts: certificateHosts(env),
      };
    case "alb-discovery":
      return { mode: "alb-discovery" };
    default:
      return { mode: "none" };
  }
}

/** The legacy VMs the gateway routes to, one /32 per address: the proxies' only way out of the cluster. */
export function legacyBackendCidrs(env: Pick<Env, "services">): string[] {
  const addresses = env.services.flatMap((svc) => svc.legacy?.endpoints ?? []).map((endpoint) => `${String(endpoint).split(":")[0]}/32`);
  return [...new Set(addresses)].sort();
}

export const GATEWAY_FIELDS: FieldMap = {
  exposure: ["gateway", "addressType"],
  deletionProtection: ["kind"],
  proxyResources: ["gateway", "proxy"],
  albVswitchIds: ["gateway", "alb", "vswitchIds"],
  albEdition: ["gateway", "alb", "edition"],
  "tls.hosts": ["gateway", "tls", "hosts"],
  imageMirror: ["imageMirror"],
  chartMirror: ["chartMirror"],
  zones: ["zones"],
  monitoringNamespace: ["monitoring", "namespace"],
  backendCidrs: ["services"],
  tcpPorts: ["services"],
};

/** The ports services expose through the gateway, each a TCP listener of its own, in order. */
export function gatewayTcpPorts(env: Pick<Env, "services">): number[] {
  const ports = env.services.flatMap((svc) =>
    (svc.ports ?? []).filter((p) => p.expose?.via === "gateway").map((p) => p.servicePort ?? p.port),
  );
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** The container ports Prometheus scrapes: each service's metrics port (an http one); a worker has none. */
export function scrapePorts(env: Pick<Env, "services">): number[] {
  const ports = env.services.flatMap((svc) => {
    if (svc.type === "worker") return [];
    if (!svc.ports) return [svc.port ?? DEFAULT_PORT];
    const http = svc.ports.filter((p) => p.protocol === "http");
    const named = svc.metrics.port ?? svc.route?.port;
    const port = (named ? http.find((p) => p.name === named) : undefined) ?? http[0];
    return port ? [port.port] : [];
  });
  return [...new Set(ports)];
}

/** What the platform's add-ons take from the cloud layer. */
export interface PlatformDependencies {
  readonly zones: readonly string[];
  readonly secret: SecretReader;
  readonly mirrorReady?: PullSource["mirrorReady"];
  readonly albDependsOn?: readonly pulumi.Resource[];
  readonly gateway?: RouteThrough;
}

/** The gateway of an environment whose gateway is enabled. */
export function gatewayArgs(env: Env, deps: PlatformDependencies): GatewayArgs {
  const g = env.gateway;
  return {
    controller: g.controller,
    name: g.name,
    namespace: g.namespace,
    exposure: env.kind === "local" ? "node-port" : "load-balancer",
    addressType: g.addressType,
    loadBalancerSpec: g.loadBalancerSpec,
    deletionProtection: env.kind === "prod",
    replicas: g.replicas,
    proxyResources: g.proxy,
    zones: deps.zones,
    tls: gatewayTls(env, deps.secret),
    ...(g.alb ? { albVswitchIds: g.alb.vswitchIds, albEdition: g.alb.edition } : {}),
    albDependsOn: deps.albDependsOn ?? [],
    backendCidrs: legacyBackendCidrs(env),
    tcpPorts: gatewayTcpPorts(env),
    ...(env.monitoring.enabled ? { monitoringNamespace: env.monitoring.namespace } : {}),
    ...pullSource(env, deps.mirrorReady),
  };
}

export const LOGGING_FIELDS: FieldMap = {
  "kibana.resources": ["logging", "kibana"],
  gateway: ["gateway", "enabled"],
  zones: ["zones"],
  protectData: ["kind"],
  imageMirror: ["imageMirror"],
  chartMirror: ["chartMirror"],
};

/** Logging of an environment whose logging is enabled. */
export function loggingArgs(env: Env, deps: PlatformDependencies): LoggingArgs {
  const l = env.logging;
  return {
    namespace: l.namespace,
    collectorNamespace: l.collectorNamespace,
    retentionDays: l.retentionDays,
    elasticsearch: l.elasticsearch,
    kibana: {
      replicas: l.kibana.replicas,
      allowedSourceRanges: l.kibana.allowedSourceRanges,
      ...(l.kibana.host ? { host: l.kibana.host } : {}),
    },
    fluentBit: l.fluentBit,
    ...(deps.gateway ? { gateway: deps.gateway } : {}),
    zones: deps.zones,
    protectData: env.kind === "prod",
    ...pullSource(env, deps.mirrorReady),
  };
}

/** An alert receiver, with the URL and password read from their secret keys where the config names them. */
export function alertReceiver(r: Env["monitoring"]["alertmanager"]["receivers"][number], secret: SecretReader): AlertReceiver {
  const url = r.url ?? (r.urlSecret ? secret(r.urlSecret) : undefined);
  return {
    name: r.name,
    type: r.type,
    ...(url !== undefined ? { url } : {}),
    ...(r.to ? { to: r.to } : {}),
    ...(r.smarthost ? { smarthost: r.smarthost } : {}),
    ...(r.from ? { from: r.from } : {}),
    ...(r.passwordSecret ? { password: secret(r.passwordSecret) } : {}),
    ...(r.severities ? { severities: r.severities } : {}),
  };
}

export const MONITORING_FIELDS: FieldMap = {
  scrapePorts: ["services"],
  gateway: ["gateway", "enabled"],
  gatewayMetricsNamespace: ["gateway", "namespace"],
  "grafana.adminPassword": ["monitoring", "grafana", "adminPasswordSecret"],
  zones: ["zones"],
  protectData: ["kind"],
  imageMirror: ["imageMirror"],
  chartMirror: ["chartMirror"],
};

/** Monitoring of an environment whose monitoring is enabled. */
export function monitoringArgs(env: Env, deps: PlatformDependencies & { readonly envoyGateway: boolean }): MonitoringArgs {
  const m = env.monitoring;
  return {
    namespace: m.namespace,
    nodeExporterNamespace: m.nodeExporterNamespace,
    zones: deps.zones,
    scrapePorts: scrapePorts(env),
    prometheus: m.prometheus,
    alertmanager: {
      replicas: m.alertmanager.replicas,
      storage: m.alertmanager.storage,
      receivers: m.alertmanager.receivers.map((r) => alertReceiver(r, deps.secret)),
    },
    grafana: {
      replicas: m.grafana.replicas,
      allowedSourceRanges: m.grafana.allowedSourceRanges,
      ...(m.grafana.host ? { host: m.grafana.host } : {}),
      ...(m.grafana.adminPasswordSecret ? { adminPassword: deps.secret(m.grafana.adminPasswordSecret) } : {}),
    },
    alerts: m.alerts,
    // Envoy's statistics feed the gateway alerts; an ALB reports to CloudMonitor instead.
    ...(deps.envoyGateway ? { gatewayMetricsNamespace: env.gateway.namespace } : {}),
    ...(deps.gateway ? { gateway: deps.gateway } : {}),
    protectData: env.kind === "prod",
    ...pullSource(env, deps.mirrorReady),
  };
}
