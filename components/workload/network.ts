/**
 * A service's NetworkPolicies, on top of its namespace's default deny: what may reach its pods,
 * and what they may reach. Kubernetes NetworkPolicies only add allowances, so each names exactly
 * the peers the service declares. Pure: plain objects.
 *
 * - the gateway's proxies, on the routed port and the ports exposed through the gateway;
 * - Prometheus, on the metrics port, when it is monitored;
 * - clients of its load balancer, on the ports the load balancer exposes;
 * - the services that call it, on every port, and, outbound, the services it calls, on theirs;
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

/** The pods of a job (each run's). */
export function jobPods(job: string) {
  return { matchLabels: { [APP_LABEL]: job } };
}

const peerPods = (p: ServicePeer) => (p.job ? jobPods(p.service) : servicePods(p.service));

const tcp = (port: number) => ({ protocol: "TCP", port });

export interface NetworkShape {
  readonly name: string;
  readonly namespace: string;
  /** Container ports the gateway's proxies reach: the routed port and the ports exposed through the gateway. */
  readonly gatewayPorts: readonly number[];
  /** Container port Prometheus scrapes, when monitored. */
  readonly metricsPort?: number;
  /** Every container port, for the services that call this one. */
  readonly ports: readonly number[];
  /** Container ports a load balancer exposes, each with the client networks admitted. */
  readonly loadBalancerPorts: ReadonlyArray<{ readonly port: number; readonly cidrs: readonly string[] }>;
  /** Whether the gateway sends traffic here (a route, or a port exposed through it). */
  readonly routed: boolean;
  readonly monitored: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** Legacy endpoints ("ip:port") the gateway still sends a share to. */
  readonly legacyEndpoints: readonly string[];
  /** Labels of the night scaler's pods, when the service scales at night. */
  readonly nightScaler?: Readonly<Record<string, string>>;
  /** The pods the policy selects: both tracks of the service when unset (a job's pods carry no track). */
  readonly podSelector?: Record<string, unknown>;
}

/** A problem with a service's network declaration: the path under `network` and what is wrong. */
export interface NetworkProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

const validPort = (p: unknown) => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65535;

/** The problems with a service's network declaration, given what the service is; paths start with "network". */
export function networkProblems(network: ServiceNetwork, shape: Pick<NetworkShape, "routed" | "monitored">): NetworkProblem[] {
  const problems: NetworkProblem[] = [];
  const at = (path: ReadonlyArray<string | number>, message: string) => problems.push({ path: ["network", ...path], message });
  if (shape.routed && !network.gateway)
    at(["gateway"], "is required with a route or a port exposed through the gateway: say where the gateway's requests come from");
  if (shape.monitored && !network.prometheus) at(["prometheus"], "is required with monitoring: say where Prometheus scrapes from");
  const peer = (field: string, i: number, p: ServicePeer, needsPort: boolean) => {
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(p.service)) at([field, i, "service"], `'${p.service}' is not a service name`);
    if (needsPort && !validPort(p.port) && !(p.ports?.length && p.ports.every(validPort))) {
      at([field, i, "port"], `${p.port} is not a port between 1 and 65535 (the port '${p.service}' listens on)`);
    }
  };
  (network.calls ?? []).forEach((p, i) => peer("calls", i, p, true));
  (network.calledBy ?? []).forEach((p, i) => peer("calledBy", i, p, false));
  (network.egress ?? []).forEach((e, i) => {
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(e.cidr)) at(["egress", i, "cidr"], `'${e.cidr}' is not a CIDR block`);
    if (e.ports.length === 0 || e.ports.some((p) => !validPort(p))) at(["egress", i, "ports"], "must list ports between 1 and 65535");
  });
  return problems;
}

export function networkObjects(network: ServiceNetwork, shape: NetworkShape): Array<{ role: string; object: Record<string, any> }> {
  const ingress: Array<Record<string, unknown>> = [];
  if (shape.routed && network.gateway && shape.gatewayPorts.length) {
    ingress.push({ from: peersOf(network.gateway), ports: shape.gatewayPorts.map(tcp) });
  }
  if (shape.monitored && network.prometheus && shape.metricsPort !== undefined) {
    ingress.push({ from: peersOf(network.prometheus), ports: [tcp(shape.metricsPort)] });
  }
  // A load balancer keeps the client's address (externalTrafficPolicy Local): admit the clients.
  for (const lb of shape.loadBalancerPorts) ingress.push({ from: lb.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(lb.port)] });
  const callers = network.calledBy ?? [];
  if (callers.length && shape.ports.length) {
    ingress.push({
      from: callers.map((c) => ({ ...podPeer(c.namespace, {}), podSelector: peerPods(c) })),
      ports: shape.ports.map(tcp),
    });
  }
  const egress: Array<Record<string, unknown>> = [];
  for (const callee of network.calls ?? []) {
    const ports = callee.ports?.length ? callee.ports : [callee.port!];
    egress.push({ to: [{ ...podPeer(callee.namespace, {}), podSelector: peerPods(callee) }], ports: ports.map(tcp) });
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
        spec: { podSelector: shape.podSelector ?? servicePods(shape.name), policyTypes: ["Ingress", "Egress"], ingress, egress },
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
