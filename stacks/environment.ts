/**
 * One environment, composed from the layers: cloud, then platform add-ons, then workloads. Each
 * layer takes the validated config and what the layers below it provide; nothing reads config here.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EnvironmentConfig } from "./config";
import { deployCloud } from "./layers/cloud";
import { deployPlatform } from "./layers/platform";
import type { CloudLayer, PlatformLayer } from "./layers/types";
import { deployWorkloads } from "./layers/workloads";

/**
 * What an application team's own stack needs to deploy services into this platform, read through
 * a StackReference (the kubeconfig is exported separately, as a secret).
 */
export function applicationPlatform(env: EnvironmentConfig, cloud: CloudLayer, platform: PlatformLayer) {
  return {
    environmentKind: env.kind,
    namespace: env.workloads.namespace,
    zones: [...cloud.zones],
    registry: {
      server: cloud.images.server,
      namespace: cloud.images.namespace,
      ...(cloud.images.pullSecret ? { pullSecret: cloud.images.pullSecret.name } : {}),
    },
    ...(platform.gateway ? { gateway: { ...platform.gateway, tls: env.gateway.tls.mode !== "none" } } : {}),
    // The namespace denies all traffic by default: a service admits the gateway's proxies and
    // Prometheus by these (Microservice `network`).
    ...(platform.monitoring
      ? {
          monitoring: {
            namespace: platform.monitoring.namespace,
            selectorLabels: { ...platform.monitoring.selectorLabels },
            prometheusPodLabels: { ...platform.monitoring.prometheusPodLabels },
          },
        }
      : {}),
  };
}

/** Declares the environment and resolves to its stack outputs (the services are declared one at a time: see deployWorkloads). */
export async function deployEnvironment(env: EnvironmentConfig): Promise<Record<string, pulumi.Input<unknown>>> {
  const cloud = deployCloud(env);
  const platform = deployPlatform(env, cloud);
  const workloads = await deployWorkloads(env, cloud, platform);
  return {
    environmentKind: env.kind,
    ...cloud.outputs,
    ...platform.outputs,
    ...workloads.outputs,
    applicationPlatform: applicationPlatform(env, cloud, platform),
  };
}
