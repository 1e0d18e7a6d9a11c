/**
 * Legacy backends: the VMs a service is moving from, reached through a selector-less Service whose
 * EndpointSlices this program keeps. The gateway health-checks them (see the routers). Pure.
 */
import type { ResolvedPort } from "./resolve";

/** Legacy endpoints grouped by port: an EndpointSlice carries one set of ports for all its endpoints. */
export function legacyEndpointsByPort(endpoints: readonly string[]): Array<[number, string[]]> {
  const byPort = new Map<number, string[]>();
  for (const endpoint of endpoints) {
    const [address, port] = endpoint.split(":");
    byPort.set(Number(port), [...(byPort.get(Number(port)) ?? []), address!]);
  }
  return [...byPort].sort(([a], [b]) => a - b);
}

/** The legacy Service (the routed port's name and number) and one EndpointSlice per VM port. */
export function legacyObjects(
  name: string,
  namespace: string,
  base: Readonly<Record<string, string>>,
  endpoints: readonly string[],
  routed: Pick<ResolvedPort, "name" | "servicePort">,
): Array<{ role: string; object: Record<string, any> }> {
  const legacyName = `${name}-legacy`;
  const objects: Array<{ role: string; object: Record<string, any> }> = [
    {
      role: "legacy-service",
      object: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: legacyName, namespace, labels: { ...base, track: "legacy" } },
        // No selector: its endpoints are the VMs listed below, kept up to date by this program.
        spec: { type: "ClusterIP", ports: [{ name: routed.name, port: routed.servicePort, protocol: "TCP", appProtocol: "http" }] },
      },
    },
  ];
  for (const [port, addresses] of legacyEndpointsByPort(endpoints)) {
    objects.push({
      role: `legacy-endpoints-${port}`,
      object: {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
          name: `${legacyName}-${port}`,
          namespace,
          labels: {
            ...base,
            track: "legacy",
            "kubernetes.io/service-name": legacyName,
            // Not the EndpointSlice controller's value, so the controller leaves these slices alone.
            "endpointslice.kubernetes.io/managed-by": "ack-platform",
          },
        },
        addressType: "IPv4",
        ports: [{ name: routed.name, port, protocol: "TCP" }],
        // Kubernetes never probes endpoints it did not create: the gateway's health checks decide
        // which of these take traffic (see the router's legacy health check).
        endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
      },
    });
  }
  return objects;
}
