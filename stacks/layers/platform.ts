/**
 * The platform layer of an environment: the add-ons every service relies on (gateway, logging,
 * monitoring). Each is declared only when the environment enables it, on the cloud layer's cluster.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentConfig } from "../config";
import { gatewayArgs, loggingArgs, monitoringArgs } from "../config/componentArgs";
import { Gateway } from "../../components/platform/gateway";
import { HTTP_LISTENER, HTTPS_LISTENER, proxyPodLabels } from "../../components/platform/gatewayValues";
import { Logging } from "../../components/platform/logging";
import { prometheusPodLabels } from "../../components/platform/addonPolicies";
import { Monitoring } from "../../components/platform/monitoring";
import { DiskClass, PLATFORM_DISK_CLASS } from "../../components/platform/storage";
import type { RouteThrough } from "../../components/platform/uiRoute";
import type { CloudLayer, PlatformLayer } from "./types";

export function deployPlatform(env: EnvironmentConfig, cloud: CloudLayer): PlatformLayer {
  if (!cloud.kubernetes) return { ready: [], outputs: {} };
  const opts = { provider: cloud.kubernetes };
  // Secrets are separate secret keys that the sections name; the schema has checked they are set.
  const config = new pulumi.Config();
  const prod = env.kind === "prod";
  const outputs: Record<string, pulumi.Input<unknown>> = {};
  const ready: pulumi.Resource[] = [];
  const deps = {
    zones: cloud.zones,
    secret: (key: string) => config.requireSecret(key),
    ...(cloud.mirrorReady ? { mirrorReady: cloud.mirrorReady } : {}),
  };
  // The platform's disk class, declared where an add-on's or a service's volumes use it; they wait for it.
  const usesDiskClass =
    (env.logging.enabled && env.logging.elasticsearch.storageClass === PLATFORM_DISK_CLASS) ||
    (env.monitoring.enabled && env.monitoring.prometheus.storageClass === PLATFORM_DISK_CLASS) ||
    env.services.some((svc) => svc.disks.some((d) => d.storageClass === PLATFORM_DISK_CLASS));
  const diskClass = usesDiskClass ? new DiskClass("storage", { retain: prod }, opts) : undefined;
  const storageOpts = { ...opts, ...(diskClass ? { dependsOn: [diskClass] } : {}) };

  let gateway: Gateway | undefined;
  if (env.gateway.enabled) {
    const albAddon = cloud.alicloud?.installedAddons["alb-ingress-controller"];
    gateway = new Gateway("gateway", gatewayArgs(env, { ...deps, albDependsOn: albAddon ? [albAddon] : [] }), opts);
    ready.push(...gateway.ready);
    outputs["gatewayName"] = gateway.gatewayName;
    outputs["gatewayNamespace"] = gateway.gatewayNamespace;
  }
  const through: RouteThrough | undefined = gateway ? { ...gateway.attachment, ready: gateway.ready } : undefined;

  if (env.logging.enabled) {
    const logging = new Logging("logging", loggingArgs(env, { ...deps, ...(through ? { gateway: through } : {}) }), storageOpts);
    if (logging.kibanaUrl) outputs["kibanaUrl"] = logging.kibanaUrl;
    outputs["kibanaPortForward"] = logging.kibanaPortForward;
  }

  let monitoring: Monitoring | undefined;
  if (env.monitoring.enabled) {
    monitoring = new Monitoring(
      "monitoring",
      monitoringArgs(env, {
        ...deps,
        envoyGateway: gateway?.attachment.controller === "envoy-gateway",
        ...(through ? { gateway: through } : {}),
      }),
      storageOpts,
    );
    ready.push(monitoring.crds);
    if (monitoring.grafanaUrl) outputs["grafanaUrl"] = monitoring.grafanaUrl;
    outputs["grafanaPortForward"] = monitoring.grafanaPortForward;
  }

  const attachment = gateway?.attachment;
  return {
    ...(attachment
      ? {
          gateway: {
            controller: attachment.controller,
            name: attachment.name,
            namespace: attachment.namespace,
            httpListener: HTTP_LISTENER,
            ...(attachment.https ? { httpsListener: HTTPS_LISTENER } : {}),
            ...(attachment.ingressClassName ? { ingressClassName: attachment.ingressClassName } : {}),
            ...(attachment.controller === "envoy-gateway" ? { proxyPodLabels: proxyPodLabels(attachment.name) } : {}),
          },
        }
      : {}),
    // Prometheus selects monitors and rules in every namespace: workloads need no special label.
    ...(monitoring
      ? { monitoring: { namespace: env.monitoring.namespace, selectorLabels: {}, prometheusPodLabels: prometheusPodLabels() } }
      : {}),
    ready,
    ...(diskClass ? { storage: diskClass } : {}),
    outputs,
  };
}
