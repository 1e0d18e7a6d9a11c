/**
 * Layer-4 exposure of a service's tcp and grpc ports: a TCPRoute through a TCP listener of the
 * gateway (weighted between the tracks as the HTTP route is), or a LoadBalancer Service of the
 * service's own, a pay-by-CLCU CLB made by ACK's cloud controller. Pure: plain objects.
 */
import type { Backend, RoutedObject } from "./routing";
import type { ResolvedMicroservice, ResolvedPort } from "./resolve";
import type { TrafficSplit } from "./release";

/** ACK's cloud controller reads these annotations of a LoadBalancer Service. */
export const LOAD_BALANCER_ANNOTATION = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer";

/**
 * The CLB of a LoadBalancer Service: its address type, pay-by-CLCU billing (pay-by-specification
 * instances are no longer sold since 2025-06-01: the controller could not create one and the
 * Service would never get an address) and its deletion protection.
 */
export function clbAnnotations(input: { readonly addressType: "intranet" | "internet"; readonly deletionProtection: boolean }) {
  return {
    [`${LOAD_BALANCER_ANNOTATION}-address-type`]: input.addressType,
    [`${LOAD_BALANCER_ANNOTATION}-instance-charge-type`]: "PayByCLCU",
    [`${LOAD_BALANCER_ANNOTATION}-delete-protection`]: input.deletionProtection ? "on" : "off",
  };
}

/** The ports a service exposes through the gateway, and through its load balancer. */
export function exposedPorts(r: Pick<ResolvedMicroservice, "ports">) {
  return {
    gateway: r.ports.filter((p) => p.expose?.via === "gateway"),
    loadBalancer: r.ports.filter((p) => p.expose?.via === "load-balancer"),
  };
}

/** Name of the TCPRoute of a port. */
export function tcpRouteName(service: string, port: Pick<ResolvedPort, "name">): string {
  return `${service}-${port.name}`;
}

/** The TCPRoutes of the gateway-exposed ports: every track that exists, weighted like the HTTP route. */
export function tcpRouteObjects(
  r: Pick<ResolvedMicroservice, "name" | "namespace" | "ports">,
  labels: Readonly<Record<string, string>>,
  split: TrafficSplit,
  canary: boolean,
): RoutedObject[] {
  return exposedPorts(r).gateway.map((port) => {
    const expose = port.expose as Extract<ResolvedPort["expose"], { via: "gateway" }>;
    const backend = (name: string, weight: number) => ({ group: "", kind: "Service", name, port: port.servicePort, weight });
    const routesTo: Backend[] = (["stable", "canary"] as const).filter((b) =>
      b === "stable" ? split.stable > 0 : canary && split.canary > 0,
    );
    return {
      role: `tcp-route-${port.name}`,
      object: {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "TCPRoute",
        metadata: { name: tcpRouteName(r.name, port), namespace: r.namespace, labels: { ...labels } },
        spec: {
          parentRefs: [
            {
              group: "gateway.networking.k8s.io",
              kind: "Gateway",
              name: expose.gatewayName,
              namespace: expose.gatewayNamespace,
              sectionName: expose.listener,
            },
          ],
          // New connections split by weight; a connection stays with the pod it reached.
          rules: [{ backendRefs: [backend(r.name, split.stable), ...(canary ? [backend(`${r.name}-canary`, split.canary)] : [])] }],
        },
      },
      routesTo,
    };
  });
}

/** The LoadBalancer Service of the load-balancer-exposed ports; it sends to the stable track. */
export function loadBalancerObject(
  r: Pick<ResolvedMicroservice, "name" | "namespace" | "ports" | "protectData">,
  labels: Readonly<Record<string, string>>,
): { role: string; object: Record<string, any> } | undefined {
  const ports = exposedPorts(r).loadBalancer;
  if (ports.length === 0) return undefined;
  const expose = ports[0]!.expose as Extract<ResolvedPort["expose"], { via: "load-balancer" }>;
  return {
    role: "load-balancer",
    object: {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: `${r.name}-lb`,
        namespace: r.namespace,
        labels: { ...labels, track: "stable" },
        annotations: clbAnnotations({
          addressType: expose.addressType ?? "intranet",
          deletionProtection: expose.deletionProtection ?? r.protectData,
        }),
      },
      spec: {
        type: "LoadBalancer",
        selector: { "app.kubernetes.io/name": r.name, track: "stable" },
        // The client's address reaches the pod, so the pod's network policy can admit it.
        externalTrafficPolicy: "Local",
        ports: ports.map((p) => ({ name: p.name, port: p.servicePort, targetPort: p.name, protocol: "TCP" })),
      },
    },
  };
}
