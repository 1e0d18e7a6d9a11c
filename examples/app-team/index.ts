/**
 * The checkout team's stack. It owns its services; the platform stack owns the cluster, the gateway
 * and the monitoring, and publishes what an application needs as its `applicationPlatform` output.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { imageReference, Microservice } from "ack-platform";

/** The part of the platform stack's outputs this program relies on. */
interface ApplicationPlatform {
  readonly namespace: string;
  readonly zones: string[];
  readonly registry: { readonly server: string; readonly namespace: string; readonly pullSecret?: string };
  readonly gateway?: {
    readonly name: string;
    readonly namespace: string;
    readonly httpListener: string;
    readonly httpsListener?: string;
    readonly tls: boolean;
    /** Labels of the gateway's proxy pods (Envoy Gateway), which the service's network policy admits. */
    readonly proxyPodLabels?: Record<string, string>;
  };
  readonly monitoring?: {
    readonly namespace: string;
    readonly selectorLabels: Record<string, string>;
    readonly prometheusPodLabels: Record<string, string>;
  };
}

interface CheckoutConfig {
  readonly version: string;
  readonly host: string;
  readonly canary?: { readonly version: string; readonly weight: number };
}

export = async () => {
  const config = new pulumi.Config();
  const platformStack = new pulumi.StackReference(config.require("platformStack"));
  // Plain values are needed to validate and plan the service, so they are awaited, not chained.
  const platform = (await platformStack.requireOutputValue("applicationPlatform")) as ApplicationPlatform;
  const checkout = config.requireObject<CheckoutConfig>("checkout");
  if (!platform.gateway?.proxyPodLabels) throw new pulumi.RunError("the platform stack has no Envoy gateway to route checkout through");

  const provider = new k8s.Provider("platform", {
    kubeconfig: platformStack.requireOutput("kubeconfig").apply((k) => String(k)),
    clusterIdentifier: platformStack.requireOutput("clusterId").apply((id) => String(id)),
  });
  const repository = `${platform.registry.server}/${platform.registry.namespace}/checkout`;
  const service = new Microservice(
    "checkout",
    {
      namespace: platform.namespace,
      image: imageReference(repository, checkout.version),
      version: checkout.version,
      runtime: "jvm",
      resources: { cpu: "500m", memory: "1Gi" },
      replicas: { min: 2, max: 8 },
      health: { warmupSeconds: 45 },
      zones: platform.zones,
      ...(platform.registry.pullSecret ? { imagePullSecrets: [platform.registry.pullSecret] } : {}),
      route: {
        host: checkout.host,
        path: "/",
        tls: platform.gateway.tls,
        attachment: {
          router: "gateway-api",
          gatewayName: platform.gateway.name,
          gatewayNamespace: platform.gateway.namespace,
          listeners: [platform.gateway.httpsListener ?? platform.gateway.httpListener],
        },
      },
      ...(checkout.canary ? { canary: checkout.canary } : {}),
      ...(platform.monitoring ? { monitoring: { selectorLabels: platform.monitoring.selectorLabels, stack: pulumi.getStack() } } : {}),
      // The platform's namespace denies all traffic by default: admit the gateway and Prometheus.
      network: {
        gateway: { namespace: platform.gateway.namespace, podLabels: platform.gateway.proxyPodLabels },
        ...(platform.monitoring
          ? { prometheus: { namespace: platform.monitoring.namespace, podLabels: platform.monitoring.prometheusPodLabels } }
          : {}),
      },
    },
    { provider },
  );
  return { url: service.url, traffic: service.traffic };
};
