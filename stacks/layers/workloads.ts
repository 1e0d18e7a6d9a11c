/**
 * The workload layer of an environment: the namespaces services run in, and every service of the
 * config as a Microservice with its tracks, route and monitoring.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { mirroredImage } from "../../components/platform/images";
import { WorkloadNamespace } from "../../components/platform/workloadNamespace";
import type { HeaderRoute, MicroserviceArgs, NetworkPeer, ServiceNetwork } from "../../components/workload/args";
import { Microservice } from "../../components/workload/microservice";
import { DEFAULT_KUBECTL_IMAGE, imageReference } from "../../components/workload/plan";
import type { RouteAttachment } from "../../components/workload/routing";
import type { EnvironmentConfig, ServiceConfig } from "../config";
import type { CloudLayer, ImageSource, PlatformLayer } from "./types";

/** The repository of a service's image: a full reference as given, or one in the environment's registry. */
export function serviceRepository(svc: ServiceConfig, images: ImageSource): pulumi.Input<string> {
  const image = svc.image ?? svc.name;
  if (image.includes("/") && !svc.build) return image;
  const server = images.server;
  return pulumi.output(server).apply((host) => [host, images.namespace, image].filter((part) => part !== "").join("/"));
}

/** Where a service's route attaches, given the environment's gateway. */
export function routeAttachment(svc: ServiceConfig, platform: PlatformLayer): RouteAttachment {
  const gateway = platform.gateway;
  if (!gateway) throw new Error(`service '${svc.name}' has a route but the environment has no gateway`);
  const router = svc.route?.router ?? (gateway.controller === "alb" ? "alb" : "gateway-api");
  if (router === "alb") {
    if (!gateway.ingressClassName) throw new Error(`service '${svc.name}' routes through ALB but the gateway has no ALB IngressClass`);
    return { router: "alb", ingressClassName: gateway.ingressClassName };
  }
  return {
    router: "gateway-api",
    gatewayName: gateway.name,
    gatewayNamespace: gateway.namespace,
    listeners: [gateway.httpsListener ?? gateway.httpListener],
  };
}

type HeaderConfig = NonNullable<NonNullable<ServiceConfig["canary"]>["header"]>;

/** A testers' header route, its value read from the secret config key it names. */
export function headerRoute(header: HeaderConfig, secret: (key: string) => pulumi.Output<string>): HeaderRoute {
  return {
    name: header.name,
    value: header.valueSecret !== undefined ? secret(header.valueSecret) : header.value!,
    ...(header.clientCidrs ? { clientCidrs: header.clientCidrs } : {}),
  };
}

/** Everything outside the cluster: NetworkPolicy matches addresses, so a host alone opens its ports to any address. */
export const ANY_ADDRESS = "0.0.0.0/0";

/**
 * The service's network: who may reach it (the gateway, Prometheus, the services that call it)
 * and what it may reach (the services it calls, its external endpoints).
 */
export function serviceNetwork(svc: ServiceConfig, env: EnvironmentConfig, platform: PlatformLayer): ServiceNetwork {
  const namespaceOf = (s: ServiceConfig) => s.namespace ?? env.workloads.namespace;
  const gateway = platform.gateway;
  const gatewayPeer: NetworkPeer | undefined = !gateway
    ? undefined
    : gateway.proxyPodLabels
      ? { namespace: gateway.namespace, podLabels: gateway.proxyPodLabels }
      : // An ALB reaches the pods from its own addresses in the VPC's vSwitches.
        { cidrs: env.network ? [env.network.vpcCidr] : [] };
  const monitoring = platform.monitoring;
  const byName = new Map(env.services.map((s) => [s.name, s]));
  return {
    ...(svc.route && gatewayPeer ? { gateway: gatewayPeer } : {}),
    ...(monitoring && svc.metrics.enabled
      ? { prometheus: { namespace: monitoring.namespace, podLabels: monitoring.prometheusPodLabels } }
      : {}),
    calls: svc.calls.map((name) => {
      const callee = byName.get(name)!;
      return { service: name, namespace: namespaceOf(callee), port: callee.port };
    }),
    calledBy: env.services.filter((s) => s.calls.includes(svc.name)).map((s) => ({ service: s.name, namespace: namespaceOf(s) })),
    egress: svc.egress.map((e) => ({ cidr: e.cidr ?? ANY_ADDRESS, ports: e.ports })),
  };
}

/** Maps one service of the config to the Microservice's args. */
export function microserviceArgs(
  svc: ServiceConfig,
  env: EnvironmentConfig,
  cloud: CloudLayer,
  platform: PlatformLayer,
  secret: (key: string) => pulumi.Output<string>,
): MicroserviceArgs {
  const repository = serviceRepository(svc, cloud.images);
  const versioned = (version: string) => pulumi.output(repository).apply((repo) => imageReference(repo, version));
  const built = cloud.images.builtImages[svc.name];
  const night = svc.autoscaling.night;
  return {
    namespace: svc.namespace ?? env.workloads.namespace,
    image: built ?? versioned(svc.version),
    version: svc.version,
    port: svc.port,
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
    health: svc.health,
    shutdown: svc.shutdown,
    env: svc.env,
    secretEnv: Object.fromEntries(Object.entries(svc.secretEnv).map(([variable, key]) => [variable, secret(key)])),
    zones: cloud.zones,
    imagePullSecrets: cloud.images.pullSecret ? [cloud.images.pullSecret.name] : [],
    ...(svc.route
      ? {
          route: {
            host: svc.route.host,
            path: svc.route.path,
            tls: env.gateway.tls.mode !== "none",
            attachment: routeAttachment(svc, platform),
          },
        }
      : {}),
    ...(svc.canary
      ? {
          canary: {
            version: svc.canary.version,
            image: versioned(svc.canary.version),
            weight: svc.canary.weight,
            ...(svc.canary.header ? { header: headerRoute(svc.canary.header, secret) } : {}),
          },
        }
      : {}),
    ...(svc.legacy
      ? {
          legacy: {
            endpoints: svc.legacy.endpoints,
            weight: svc.legacy.weight,
            ...(svc.legacy.healthCheck ? { healthCheck: svc.legacy.healthCheck } : {}),
            ...(svc.legacy.header ? { header: headerRoute(svc.legacy.header, secret) } : {}),
          },
        }
      : {}),
    ...(platform.monitoring && svc.metrics.enabled
      ? {
          monitoring: {
            path: svc.metrics.path,
            errorRatePercent: svc.metrics.errorRatePercent,
            requestsMetric: svc.metrics.requestsMetric,
            statusLabel: svc.metrics.statusLabel,
            selectorLabels: platform.monitoring.selectorLabels,
            stack: pulumi.getStack(),
          },
        }
      : {}),
    network: serviceNetwork(svc, env, platform),
    // From the mirror by the same rule as every mirrored image: registry.k8s.io/kubectl -> <mirror>/k8s/kubectl.
    kubectlImage: mirroredImage(DEFAULT_KUBECTL_IMAGE, env.imageMirror),
  };
}

export function deployWorkloads(env: EnvironmentConfig, cloud: CloudLayer, platform: PlatformLayer) {
  const provider = cloud.kubernetes;
  if (!provider) return { outputs: {} };
  const config = new pulumi.Config();

  // Every namespace a service runs in gets the same guard rails (and the registry's pull secret).
  const namespaceNames = [...new Set([env.workloads.namespace, ...env.services.map((s) => s.namespace ?? env.workloads.namespace)])];
  const namespaces = new Map<string, WorkloadNamespace>();
  for (const ns of namespaceNames) {
    const resourceName = ns === env.workloads.namespace ? "workloads" : `workloads-${ns}`;
    const namespace = new WorkloadNamespace(resourceName, { name: ns, podSecurity: env.workloads.podSecurity }, { provider });
    namespaces.set(ns, namespace);
    const pull = cloud.images.pullSecret;
    if (pull) {
      new k8s.core.v1.Secret(
        `${resourceName}-registry-credentials`,
        {
          metadata: { name: pull.name, namespace: namespace.name },
          type: "kubernetes.io/dockerconfigjson",
          stringData: { ".dockerconfigjson": pull.dockerConfigJson },
        },
        { provider, parent: namespace },
      );
    }
  }

  const services: Record<string, pulumi.Output<unknown>> = {};
  for (const svc of env.services) {
    const args = microserviceArgs(svc, env, cloud, platform, (key) => config.requireSecret(key));
    const service = new Microservice(svc.name, args, {
      provider,
      // The Namespace object itself, not its component: depending on a component means expanding it to its children for every object.
      // And what fills the mirror the night scaler's kubectl comes from, once it has.
      childDependsOn: [namespaces.get(args.namespace)!.namespace, ...(cloud.mirrorReady ? [cloud.mirrorReady] : [])],
      crdDependencies: platform.ready,
    });
    services[svc.name] = pulumi.output({ url: service.url, traffic: service.traffic, version: svc.version, canary: svc.canary?.version });
  }
  return {
    outputs: {
      workloadNamespace: env.workloads.namespace,
      services,
    },
  };
}
