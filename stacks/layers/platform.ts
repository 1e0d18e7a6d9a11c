/**
 * The platform layer of an environment: the add-ons every service relies on (gateway, logging,
 * monitoring). Each is declared only when the environment enables it, on the cloud layer's cluster.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentConfig } from "../config";
import { certificateHosts } from "../config/platform";
import { Gateway, type GatewayTls } from "../../components/platform/gateway";
import { HTTP_LISTENER, HTTPS_LISTENER, proxyPodLabels } from "../../components/platform/gatewayValues";
import type { PullSource } from "../../components/platform/helm";
import { Logging } from "../../components/platform/logging";
import { prometheusPodLabels } from "../../components/platform/addonPolicies";
import { type AlertReceiver, Monitoring } from "../../components/platform/monitoring";
import { DiskClass, PLATFORM_DISK_CLASS } from "../../components/platform/storage";
import type { RouteThrough } from "../../components/platform/uiRoute";
import { DEFAULT_PORT } from "../../components/workload/resolve";
import type { CloudLayer, PlatformLayer } from "./types";

export function deployPlatform(env: EnvironmentConfig, cloud: CloudLayer): PlatformLayer {
  if (!cloud.kubernetes) return { ready: [], outputs: {} };
  const opts = { provider: cloud.kubernetes };
  // Secrets are separate secret keys that the sections name; the schema has checked they are set.
  const config = new pulumi.Config();
  const prod = env.kind === "prod";
  const outputs: Record<string, pulumi.Input<unknown>> = {};
  const ready: pulumi.Resource[] = [];
  // Where every add-on gets its images and charts, and what fills those mirrors first.
  const pull: PullSource = {
    ...(env.imageMirror ? { imageMirror: env.imageMirror } : {}),
    ...(env.chartMirror ? { chartMirror: env.chartMirror } : {}),
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
    const g = env.gateway;
    gateway = new Gateway(
      "gateway",
      {
        controller: g.controller,
        name: g.name,
        namespace: g.namespace,
        exposure: env.kind === "local" ? "node-port" : "load-balancer",
        addressType: g.addressType,
        loadBalancerSpec: g.loadBalancerSpec,
        deletionProtection: prod,
        replicas: g.replicas,
        proxyResources: g.proxy,
        zones: cloud.zones,
        tls: gatewayTls(env, config),
        ...(g.alb ? { albVswitchIds: g.alb.vswitchIds, albEdition: g.alb.edition } : {}),
        albDependsOn: [cloud.alicloud?.installedAddons["alb-ingress-controller"]].filter((r) => r !== undefined),
        backendCidrs: legacyBackendCidrs(env),
        tcpPorts: gatewayTcpPorts(env),
        ...(env.monitoring.enabled ? { monitoringNamespace: env.monitoring.namespace } : {}),
        ...pull,
      },
      opts,
    );
    ready.push(...gateway.ready);
    outputs["gatewayName"] = gateway.gatewayName;
    outputs["gatewayNamespace"] = gateway.gatewayNamespace;
  }
  const through: RouteThrough | undefined = gateway ? { ...gateway.attachment, ready: gateway.ready } : undefined;

  if (env.logging.enabled) {
    const l = env.logging;
    const logging = new Logging(
      "logging",
      {
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
        ...(through ? { gateway: through } : {}),
        zones: cloud.zones,
        protectData: prod,
        ...pull,
      },
      storageOpts,
    );
    if (logging.kibanaUrl) outputs["kibanaUrl"] = logging.kibanaUrl;
    outputs["kibanaPortForward"] = logging.kibanaPortForward;
  }

  let monitoring: Monitoring | undefined;
  if (env.monitoring.enabled) {
    const m = env.monitoring;
    monitoring = new Monitoring(
      "monitoring",
      {
        namespace: m.namespace,
        nodeExporterNamespace: m.nodeExporterNamespace,
        zones: cloud.zones,
        scrapePorts: scrapePorts(env),
        prometheus: m.prometheus,
        alertmanager: {
          replicas: m.alertmanager.replicas,
          storage: m.alertmanager.storage,
          receivers: m.alertmanager.receivers.map((r) => alertReceiver(r, config)),
        },
        grafana: {
          replicas: m.grafana.replicas,
          allowedSourceRanges: m.grafana.allowedSourceRanges,
          ...(m.grafana.host ? { host: m.grafana.host } : {}),
          ...(m.grafana.adminPasswordSecret ? { adminPassword: config.requireSecret(m.grafana.adminPasswordSecret) } : {}),
        },
        alerts: m.alerts,
        // Envoy's statistics feed the gateway alerts; an ALB reports to CloudMonitor instead.
        ...(gateway?.attachment.controller === "envoy-gateway" ? { gatewayMetricsNamespace: env.gateway.namespace } : {}),
        ...(through ? { gateway: through } : {}),
        protectData: prod,
        ...pull,
      },
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

/** The ports services expose through the gateway, each a TCP listener of its own, in order. */
export function gatewayTcpPorts(env: EnvironmentConfig): number[] {
  const ports = env.services.flatMap((svc) =>
    (svc.ports ?? []).filter((p) => p.expose?.via === "gateway").map((p) => p.servicePort ?? p.port),
  );
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** The container ports Prometheus scrapes: each service's metrics port (an http one). */
function scrapePorts(env: EnvironmentConfig): number[] {
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

/** The legacy VMs the gateway routes to, one /32 per address: the proxies' only way out of the cluster. */
function legacyBackendCidrs(env: EnvironmentConfig): string[] {
  const addresses = env.services.flatMap((svc) => svc.legacy?.endpoints ?? []).map((endpoint) => `${String(endpoint).split(":")[0]}/32`);
  return [...new Set(addresses)].sort();
}

/** The gateway's TLS from the config, with the certificate and key read from their secret keys. */
function gatewayTls(env: EnvironmentConfig, config: pulumi.Config): GatewayTls {
  const tls = env.gateway.tls;
  switch (tls.mode) {
    case "secret":
      return {
        mode: "secret",
        certificate: config.requireSecret(tls.certificateSecret!),
        privateKey: config.requireSecret(tls.keySecret!),
      };
    case "cert-manager":
      return {
        mode: "cert-manager",
        email: tls.email!,
        ...(tls.acmeServer ? { acmeServer: tls.acmeServer } : {}),
        hosts: certificateHosts(env),
      };
    case "alb-discovery":
      return { mode: "alb-discovery" };
    default:
      return { mode: "none" };
  }
}

function alertReceiver(r: EnvironmentConfig["monitoring"]["alertmanager"]["receivers"][number], config: pulumi.Config): AlertReceiver {
  const url = r.url ?? (r.urlSecret ? config.requireSecret(r.urlSecret) : undefined);
  return {
    name: r.name,
    type: r.type,
    ...(url !== undefined ? { url } : {}),
    ...(r.to ? { to: r.to } : {}),
    ...(r.smarthost ? { smarthost: r.smarthost } : {}),
    ...(r.from ? { from: r.from } : {}),
    ...(r.passwordSecret ? { password: config.requireSecret(r.passwordSecret) } : {}),
    ...(r.severities ? { severities: r.severities } : {}),
  };
}
