/**
 * The gateway's chart values and object specs, as pure functions of plain inputs: Envoy Gateway
 * (controller, EnvoyProxy with the ACK load balancer annotations, GatewayClass, Gateway), cert-manager
 * with its ACME issuer, and the ACK ALB alternative (AlbConfig, IngressClass).
 */
import { IMAGES } from "./upstream";
import { mirroredImage } from "./images";
import { proxyPodLabels } from "./addonPolicies";

export { proxyPodLabels } from "./addonPolicies";

/** Envoy Gateway's controller name; a GatewayClass with it is served by this installation. */
export const ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller";
/** The ACK ALB Ingress controller's name in an IngressClass. */
export const ALB_INGRESS_CONTROLLER = "ingress.k8s.alibabacloud/alb";

export const HTTP_LISTENER = "http";
export const HTTPS_LISTENER = "https";

/** Name of the TCP listener on a port: a TCPRoute of a service's tcp port attaches to it. */
export function tcpListenerName(port: number): string {
  return `tcp-${port}`;
}

export interface Resources {
  readonly cpu: string;
  readonly memory: string;
}

/** Requests and limits for a container: memory request equals limit, CPU may burst to twice the request. */
export function containerResources(r: Resources) {
  return {
    requests: { cpu: r.cpu, memory: r.memory },
    limits: { cpu: burstCpu(r.cpu), memory: r.memory },
  };
}

/** Twice a CPU quantity ("250m" -> "500m", "1" -> "2"), the headroom a container gets above its request. */
export function burstCpu(cpu: string): string {
  const milli = cpu.endsWith("m") ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
  const doubled = milli * 2;
  return doubled % 1000 === 0 ? String(doubled / 1000) : `${doubled}m`;
}

/**
 * The zone spread of a workload's pods: none in one zone; else at most one pod more in any zone than
 * in another (DoNotSchedule), counting only nodes without taints the pods do not tolerate
 * (`nodeTaintsPolicy: Honor`). A zone that is down has NotReady, tainted nodes: without Honor they
 * would still count as a domain with no pods, and no replacement pod could be placed anywhere
 * (kubernetes/kubernetes#116978).
 */
export function zoneSpread(selector: Record<string, string>, zones: number) {
  if (zones <= 1) return [];
  return [
    {
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "DoNotSchedule",
      nodeTaintsPolicy: "Honor",
      labelSelector: { matchLabels: selector },
    },
  ];
}

/** Prefers one replica per node, and spreads the replicas over the zones (see `zoneSpread`). */
export function spreadPods(selector: Record<string, string>, zones: number) {
  const constraints = zoneSpread(selector, zones);
  return {
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: selector } } },
        ],
      },
    },
    ...(constraints.length ? { topologySpreadConstraints: constraints } : {}),
  };
}

export interface EnvoyGatewayValuesInput {
  /** Controller replicas; more than one runs with leader election and a PodDisruptionBudget. */
  readonly controllerReplicas: number;
  readonly imageMirror?: string;
}

/** Values of the gateway-helm chart (the Envoy Gateway controller). */
export function envoyGatewayValues(input: EnvoyGatewayValuesInput) {
  return {
    global: {
      // The chart composes every image it runs (controller, certgen, the proxies' shutdown manager,
      // rate limit) from this registry and the image's path after its host, which is how the mirror
      // is laid out; the full reference names the pinned tag, in the mirror already.
      ...(input.imageMirror ? { imageRegistry: input.imageMirror } : {}),
      images: { envoyGateway: { image: mirroredImage(IMAGES.envoyGateway, input.imageMirror) } },
    },
    deployment: {
      replicas: input.controllerReplicas,
      envoyGateway: { resources: containerResources({ cpu: "100m", memory: "512Mi" }) },
    },
    podDisruptionBudget: { minAvailable: input.controllerReplicas > 1 ? 1 : 0 },
    certgen: { job: { resources: containerResources({ cpu: "50m", memory: "64Mi" }) } },
  };
}

/** Values of the gateway-crds-helm chart: the standard Gateway API channel and Envoy Gateway's own CRDs. */
export function envoyGatewayCrdValues() {
  // The standard channel is the one the Gateway API project promises safe upgrades for; weighted
  // backends and header matches, all the routes here need, are in it.
  return { crds: { gatewayAPI: { enabled: true, channel: "standard" }, envoyGateway: { enabled: true } } };
}

export interface ProxyInput {
  /** Gateway the proxies serve; their pods carry it as a label. */
  readonly gatewayName: string;
  /** Name of the proxies' Service, fixed so that a port-forward command can name it. */
  readonly serviceName: string;
  readonly replicas: number;
  readonly resources: Resources;
  readonly zones: number;
  /** LoadBalancer on Alibaba Cloud; NodePort on a local cluster. */
  readonly exposure: "load-balancer" | "node-port";
  readonly addressType: "internet" | "intranet";
  readonly deletionProtection: boolean;
  readonly imageMirror?: string;
}

const ACK_LB = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer";

/**
 * The ACK cloud controller's annotations for the proxies' load balancer: a pay-by-CLCU CLB, the only
 * CLB billing sold since 2025-06-01 (pay-by-specification instances can no longer be bought, so the
 * controller could not create one and the Service would never get an address).
 */
export function loadBalancerAnnotations(input: Pick<ProxyInput, "addressType" | "deletionProtection">) {
  return {
    [`${ACK_LB}-address-type`]: input.addressType,
    [`${ACK_LB}-instance-charge-type`]: "PayByCLCU",
    [`${ACK_LB}-delete-protection`]: input.deletionProtection ? "on" : "off",
  };
}

/** Spec of the EnvoyProxy object: how Envoy Gateway runs and exposes the proxies. */
export function envoyProxySpec(input: ProxyInput) {
  const selector = proxyPodLabels(input.gatewayName);
  return {
    provider: {
      type: "Kubernetes",
      kubernetes: {
        envoyDeployment: {
          replicas: input.replicas,
          container: {
            image: mirroredImage(IMAGES.envoyProxy, input.imageMirror),
            resources: containerResources(input.resources),
          },
          pod: spreadPods(selector, input.zones),
          // The shutdown manager sidecar comes with requests only; give it limits like every container.
          patch: {
            type: "StrategicMerge",
            value: {
              spec: {
                template: {
                  spec: { containers: [{ name: "shutdown-manager", resources: containerResources({ cpu: "10m", memory: "32Mi" }) }] },
                },
              },
            },
          },
        },
        envoyService:
          input.exposure === "load-balancer"
            ? {
                name: input.serviceName,
                type: "LoadBalancer",
                // Keeps the client's address, which the admin UIs' source ranges are matched against.
                externalTrafficPolicy: "Local",
                annotations: loadBalancerAnnotations(input),
              }
            : { name: input.serviceName, type: "NodePort" },
        ...(input.replicas > 1 ? { envoyPDB: { maxUnavailable: 1 } } : {}),
      },
    },
  };
}

export interface GatewayInput {
  readonly name: string;
  readonly namespace: string;
  readonly className: string;
  /** Secret holding the HTTPS listener's certificate; no HTTPS listener without one. */
  readonly tlsSecretName?: string;
  /** Ports of TCP listeners, one per port services expose through the gateway (TCPRoutes attach to them). */
  readonly tcpPorts?: readonly number[];
}

/** Spec of the Gateway: an HTTP listener, an HTTPS one when a certificate is given, and a TCP listener per TCP port. */
export function gatewaySpec(input: GatewayInput) {
  const allowedRoutes = { namespaces: { from: "All" } };
  // A TCP listener takes TCPRoutes only (of any namespace): it has no host names to tell HTTP routes apart by.
  const tcpListeners = (input.tcpPorts ?? []).map((port) => ({
    name: tcpListenerName(port),
    protocol: "TCP",
    port,
    allowedRoutes: { namespaces: { from: "All" }, kinds: [{ group: "gateway.networking.k8s.io", kind: "TCPRoute" }] },
  }));
  return {
    gatewayClassName: input.className,
    listeners: [
      { name: HTTP_LISTENER, protocol: "HTTP", port: 80, allowedRoutes },
      ...(input.tlsSecretName
        ? [
            {
              name: HTTPS_LISTENER,
              protocol: "HTTPS",
              port: 443,
              tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: input.tlsSecretName }] },
              allowedRoutes,
            },
          ]
        : []),
      ...tcpListeners,
    ],
  };
}

/** A catch-all route on the HTTP listener that redirects to HTTPS; more specific routes still win. */
export function httpsRedirectRouteSpec(gatewayName: string, gatewayNamespace: string) {
  return {
    parentRefs: [
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: gatewayName, namespace: gatewayNamespace, sectionName: HTTP_LISTENER },
    ],
    rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
  };
}

/**
 * Values of the cert-manager chart, with Gateway API support for HTTP-01 challenges. Highly
 * available, the webhook (which the API server calls for every cert-manager object) runs two
 * replicas on different nodes with a PodDisruptionBudget that keeps one.
 */
export function certManagerValues(input: { readonly imageMirror?: string; readonly highAvailability?: boolean }) {
  const ha = input.highAvailability ?? false;
  return {
    // CRDs as templates so that chart upgrades upgrade them; kept when the release is removed, so
    // certificates are not deleted with it.
    crds: { enabled: true, keep: true },
    ...(input.imageMirror ? { imageRegistry: input.imageMirror } : {}),
    config: {
      apiVersion: "controller.config.cert-manager.io/v1alpha1",
      kind: "ControllerConfiguration",
      enableGatewayAPI: true,
    },
    resources: containerResources({ cpu: "50m", memory: "128Mi" }),
    webhook: {
      resources: containerResources({ cpu: "20m", memory: "64Mi" }),
      ...(ha
        ? {
            replicaCount: 2,
            podDisruptionBudget: { enabled: true, minAvailable: 1 },
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: {
                      topologyKey: "kubernetes.io/hostname",
                      labelSelector: { matchLabels: { "app.kubernetes.io/name": "webhook", "app.kubernetes.io/instance": "cert-manager" } },
                    },
                  },
                ],
              },
            },
          }
        : {}),
    },
    cainjector: { resources: containerResources({ cpu: "20m", memory: "128Mi" }) },
    startupapicheck: { resources: containerResources({ cpu: "20m", memory: "64Mi" }) },
  };
}

export const LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";

/** Spec of the ACME ClusterIssuer that answers HTTP-01 challenges through the Gateway's HTTP listener. */
export function clusterIssuerSpec(input: {
  readonly name: string;
  readonly email: string;
  readonly server?: string;
  readonly gatewayName: string;
  readonly gatewayNamespace: string;
}) {
  return {
    acme: {
      email: input.email,
      server: input.server ?? LETS_ENCRYPT,
      privateKeySecretRef: { name: `${input.name}-account-key` },
      solvers: [
        {
          http01: {
            gatewayHTTPRoute: {
              parentRefs: [{ kind: "Gateway", name: input.gatewayName, namespace: input.gatewayNamespace, sectionName: HTTP_LISTENER }],
            },
          },
        },
      ],
    },
  };
}

/** Spec of the Certificate the HTTPS listener serves: one certificate naming every routed host. */
export function certificateSpec(input: { readonly secretName: string; readonly hosts: readonly string[]; readonly issuer: string }) {
  return {
    secretName: input.secretName,
    dnsNames: [...new Set(input.hosts)].sort(),
    issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: input.issuer },
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
  };
}

export interface AlbInput {
  readonly name: string;
  readonly addressType: "internet" | "intranet";
  readonly vswitchIds: readonly string[];
  readonly edition: "Standard" | "StandardWithWaf";
  /** Adds the HTTPS listener; ALB finds certificates by host in Certificate Management Service. */
  readonly https: boolean;
  readonly deletionProtection: boolean;
}

/** Spec of the AlbConfig: one ALB instance with its listeners, for clusters that use ACK's ALB Ingress. */
export function albConfigSpec(input: AlbInput) {
  return {
    config: {
      name: input.name,
      addressType: input.addressType === "internet" ? "Internet" : "Intranet",
      edition: input.edition,
      zoneMappings: input.vswitchIds.map((vSwitchId) => ({ vSwitchId })),
      deletionProtectionEnabled: input.deletionProtection,
    },
    listeners: [{ port: 80, protocol: "HTTP" }, ...(input.https ? [{ port: 443, protocol: "HTTPS" }] : [])],
  };
}

/** Spec of the IngressClass that binds Ingresses to the AlbConfig. */
export function albIngressClassSpec(albConfigName: string) {
  return {
    controller: ALB_INGRESS_CONTROLLER,
    parameters: { apiGroup: "alibabacloud.com", kind: "AlbConfig", name: albConfigName },
  };
}
