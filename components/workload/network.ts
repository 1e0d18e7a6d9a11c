/**
 * A service's NetworkPolicies, on top of its namespace's default deny: what may reach its pods,
 * and what they may reach. Kubernetes NetworkPolicies only add allowances, so each names exactly
 * the peers the service declares. Pure: plain objects.
 *
 * - the gateway's proxies, on the container port, when the service is routed;
 * - Prometheus, on the container port (metrics are served there), when it is monitored;
 * - the services that call it, and, outbound, the services it calls, on their ports;
 * - the external endpoints it declares (databases, caches, object storage), by address block and port;
 * - the legacy VMs, from the gateway's proxies (a policy in the gateway's namespace), while the
 *   route still sends them a share;
 * - the night scaler's kubectl, to the Kubernetes API server.
 */
import type { NetworkPeer, ServiceNetwork, ServicePeer } from "./args";

export const APP_LABEL = "app.kubernetes.io/name";
/** The label every namespace carries with its own name (Kubernetes 1.22 and later). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** A NetworkPolicy peer selecting pods with these labels in a namespace. */
export function podPeer(namespace: string, podLabels: Readonly<Record<string, string>>) {
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } }, podSelector: { matchLabels: { ...podLabels } } };
}

/** The NetworkPolicy peers of a NetworkPeer. */
export function peersOf(peer: NetworkPeer): Array<Record<string, unknown>> {
  return "cidrs" in peer ? peer.cidrs.map((cidr) => ({ ipBlock: { cidr } })) : [podPeer(peer.namespace, peer.podLabels)];
}

/** The pods of a service, both tracks. */
export function servicePods(service: string) {
  return { matchLabels: { [APP_LABEL]: service }, matchExpressions: [{ key: "track", operator: "In", values: ["stable", "canary"] }] };
}

const tcp = (port: number) => ({ protocol: "TCP", port });

export interface NetworkShape {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  readonly routed: boolean;
  readonly monitored: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** Legacy endpoints ("ip:port") the gateway still sends a share to. */
  readonly legacyEndpoints: readonly string[];
  /** Labels of the night scaler's pods, when the service scales at night. */
  readonly nightScaler?: Readonly<Record<string, string>>;
}

/** The problems with a service's network declaration, given what the service is. */
export function networkProblems(network: ServiceNetwork, shape: Pick<NetworkShape, "routed" | "monitored">): string[] {
  const problems: string[] = [];
  if (shape.routed && !network.gateway)
    problems.push("network.gateway is required with a route: say where the gateway's requests come from");
  if (shape.monitored && !network.prometheus)
    problems.push("network.prometheus is required with monitoring: say where Prometheus scrapes from");
  const peer = (field: string, p: ServicePeer, needsPort: boolean) => {
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(p.service)) problems.push(`${field} service '${p.service}' is not a service name`);
    if (needsPort && !(Number.isInteger(p.port) && p.port! >= 1 && p.port! <= 65535)) {
      problems.push(`${field} '${p.service}' has no port between 1 and 65535`);
    }
  };
  (network.calls ?? []).forEach((p, i) => peer(`network.calls[${i}]`, p, true));
  (network.calledBy ?? []).forEach((p, i) => peer(`network.calledBy[${i}]`, p, false));
  (network.egress ?? []).forEach((e, i) => {
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(e.cidr)) problems.push(`network.egress[${i}].cidr '${e.cidr}' is not a CIDR block`);
    if (e.ports.length === 0 || e.ports.some((p) => !(Number.isInteger(p) && p >= 1 && p <= 65535))) {
      problems.push(`network.egress[${i}].ports must list ports between 1 and 65535`);
    }
  });
  return problems;
}

export function networkObjects(network: ServiceNetwork, shape: NetworkShape): Array<{ role: string; object: Record<string, any> }> {
  const ingress: Array<Record<string, unknown>> = [];
  if (shape.routed && network.gateway) ingress.push({ from: peersOf(network.gateway), ports: [tcp(shape.port)] });
  if (shape.monitored && network.prometheus) ingress.push({ from: peersOf(network.prometheus), ports: [tcp(shape.port)] });
  const callers = network.calledBy ?? [];
  if (callers.length) {
    ingress.push({
      from: callers.map((c) => ({ ...podPeer(c.namespace, {}), podSelector: servicePods(c.service) })),
      ports: [tcp(shape.port)],
    });
  }
  const egress: Array<Record<string, unknown>> = [];
  for (const callee of network.calls ?? []) {
    egress.push({ to: [{ ...podPeer(callee.namespace, {}), podSelector: servicePods(callee.service) }], ports: [tcp(callee.port!)] });
  }
  for (const e of network.egress ?? []) {
    egress.push({ to: [{ ipBlock: { cidr: e.cidr } }], ports: e.ports.map((port) => ({ protocol: e.protocol ?? "TCP", port })) });
  }
  const objects: Array<{ role: string; object: Record<string, any> }> = [
    {
      role: "network-policy",
      object: {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: shape.name, namespace: shape.namespace, labels: { ...shape.labels } },
        // Both policy types, even when a list is empty: an empty list then allows nothing more
        // than the namespace's default deny and DNS.
        spec: { podSelector: servicePods(shape.name), policyTypes: ["Ingress", "Egress"], ingress, egress },
      },
    },
  ];
  if (shape.legacyEndpoints.length && network.gateway && !("cidrs" in network.gateway)) {
    // The proxies reach the VMs, not the service's pods: the allowance lives in the gateway's namespace.
    const byPort = new Map<number, string[]>();
    for (const endpoint of shape.legacyEndpoints) {
      const [address, port] = endpoint.split(":");
      byPort.set(Number(port), [...(byPort.get(Number(port)) ?? []), address!]);
    }
    objects.push({
      role: "legacy-network-policy",
      object: {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: `${shape.name}-legacy`, namespace: network.gateway.namespace, labels: { ...shape.labels } },
        spec: {
          podSelector: { matchLabels: { ...network.gateway.podLabels } },
          policyTypes: ["Egress"],
          egress: [...byPort].map(([port, addresses]) => ({
            to: addresses.map((address) => ({ ipBlock: { cidr: `${address}/32` } })),
            ports: [tcp(port)],
          })),
        },
      },
    });
  }
  if (shape.nightScaler) {
    objects.push({
      role: "night-scaler-network-policy",
      object: {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: `${shape.name}-night-scaler`, namespace: shape.namespace, labels: { ...shape.labels } },
        // kubectl talks to the API server only. Its address is the cluster's (an internal load
        // balancer, or the host network on a local cluster), not known here: the ports bound it.
        spec: {
          podSelector: { matchLabels: { ...shape.nightScaler } },
          policyTypes: ["Ingress", "Egress"],
          ingress: [],
          egress: [{ ports: [tcp(443), tcp(6443)] }],
        },
      },
    });
  }
  return objects;
}
