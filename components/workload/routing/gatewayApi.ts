/**
 * The Kubernetes Gateway API router (Envoy Gateway): one HTTPRoute that splits everyone's traffic
 * between the backends by weight, one HTTPRoute per testers' header route, and Envoy Gateway
 * policies attached to them: a SecurityPolicy admitting only the testers' networks to a header
 * route, and a BackendTrafficPolicy that health-checks the backends of a route with legacy VMs.
 *
 * A header route is an HTTPRoute of its own because Envoy Gateway's policies attach to routes:
 * a SecurityPolicy on the weighted route would restrict everyone. Gateway API ranks matches across
 * all the routes of a listener (same path: more header matches first), so the header route still
 * wins for the requests that carry the header.
 */
import { isIpv4Cidr, weightedBackends } from "./backends";
import type { HeaderRouteSpec, RoutedObject, Router, RouteSpec } from "./types";

/** Limits of the Gateway API's HTTPRoute schema (v1). */
const MAX_HEADER_VALUE = 4096;

/** Name of the HTTPRoute (and its SecurityPolicy) of a header route. */
export function headerRouteName(service: string, backend: HeaderRouteSpec["backend"]): string {
  return `${service}-${backend}-header`;
}

export const gatewayApiRouter: Router = {
  name: "gateway-api",

  validate(spec: RouteSpec): string[] {
    const problems: string[] = [];
    if (spec.attachment.router !== "gateway-api") problems.push(`route of '${spec.service}' is not attached to a Gateway`);
    if (!spec.path.startsWith("/")) problems.push(`path '${spec.path}' of '${spec.service}' does not start with '/'`);
    if (/^\d+\.\d+\.\d+\.\d+$/.test(spec.host))
      problems.push(`host '${spec.host}' of '${spec.service}' is an IP address; HTTPRoute hostnames must be DNS names`);
    for (const header of spec.headers) {
      if (typeof header.value === "string" && header.value.length > MAX_HEADER_VALUE) {
        problems.push(`header value for '${spec.service}' is longer than ${MAX_HEADER_VALUE} characters`);
      }
      if (!spec.backends[header.backend]) problems.push(`header route of '${spec.service}' has no ${header.backend} backend to send to`);
      for (const cidr of header.clientCidrs ?? []) {
        if (!isIpv4Cidr(cidr)) problems.push(`client network '${cidr}' of the header route of '${spec.service}' is not a CIDR block`);
      }
    }
    if (spec.legacyHealth?.protocol === "http" && spec.legacyHealth.path !== spec.readinessPath) {
      problems.push(
        `legacy health-check path '${spec.legacyHealth.path}' of '${spec.service}' is not the readiness path '${spec.readinessPath}': the gateway checks every backend of the route (the pods too) at one path; use the readiness path, or protocol 'tcp'`,
      );
    }
    return problems;
  },

  objects(spec: RouteSpec): RoutedObject[] {
    if (spec.attachment.router !== "gateway-api") throw new Error(`route of '${spec.service}' is not attached to a Gateway`);
    const attachment = spec.attachment;
    const listeners = attachment.listeners?.length ? attachment.listeners : [undefined];
    const parentRefs = listeners.map((sectionName) => ({
      group: "gateway.networking.k8s.io",
      kind: "Gateway",
      name: attachment.gatewayName,
      namespace: attachment.gatewayNamespace,
      ...(sectionName ? { sectionName } : {}),
    }));
    const path = { type: "PathPrefix", value: spec.path };
    const backend = (name: string, weight: number) => ({ group: "", kind: "Service", name, port: spec.port, weight });
    const metadata = (name: string) => ({ name, namespace: spec.namespace, labels: { ...spec.labels } });
    const routeRef = (name: string) => ({ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name });
    const objects: RoutedObject[] = [
      {
        role: "route",
        // Every backend that exists stays in the rule, weight 0 included, so that a weight change is an
        // edit of numbers and never a different shape of route.
        object: {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "HTTPRoute",
          metadata: metadata(spec.service),
          spec: {
            parentRefs,
            hostnames: [spec.host],
            rules: [
              {
                matches: [{ path }],
                backendRefs: [
                  backend(spec.backends.stable, spec.split.stable),
                  ...(spec.backends.canary ? [backend(spec.backends.canary, spec.split.canary)] : []),
                  ...(spec.backends.legacy ? [backend(spec.backends.legacy, spec.split.legacy)] : []),
                ],
              },
            ],
          },
        },
        routesTo: weightedBackends(spec),
      },
    ];
    for (const header of spec.headers) {
      const target = spec.backends[header.backend];
      if (!target) continue;
      const name = headerRouteName(spec.service, header.backend);
      objects.push({
        role: `${header.backend}-header-route`,
        object: {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "HTTPRoute",
          metadata: metadata(name),
          spec: {
            parentRefs,
            hostnames: [spec.host],
            rules: [
              {
                matches: [{ path, headers: [{ type: "Exact", name: header.name, value: header.value }] }],
                backendRefs: [backend(target, 1)],
              },
            ],
          },
        },
        routesTo: [header.backend],
      });
      if (header.clientCidrs?.length) {
        objects.push({
          role: `${header.backend}-header-policy`,
          object: {
            apiVersion: "gateway.envoyproxy.io/v1alpha1",
            kind: "SecurityPolicy",
            metadata: metadata(name),
            // The load balancer keeps the client's address (externalTrafficPolicy Local), so Envoy can match it.
            spec: {
              targetRefs: [routeRef(name)],
              authorization: {
                defaultAction: "Deny",
                rules: [{ name: "testers", action: "Allow", principal: { clientCIDRs: [...header.clientCidrs] } }],
              },
            },
          },
          routesTo: [],
        });
      }
    }
    const health = spec.legacyHealth;
    if (spec.backends.legacy && health) {
      objects.push({
        role: "legacy-health",
        object: {
          apiVersion: "gateway.envoyproxy.io/v1alpha1",
          kind: "BackendTrafficPolicy",
          metadata: metadata(spec.backends.legacy),
          spec: {
            targetRefs: [routeRef(spec.service)],
            healthCheck: {
              // Probes every backend of the route: a VM that stops answering leaves the split, and
              // its locality's share goes to the backends that answer.
              active: {
                type: health.protocol === "http" ? "HTTP" : "TCP",
                interval: `${health.intervalSeconds}s`,
                timeout: `${health.timeoutSeconds}s`,
                healthyThreshold: health.healthyThreshold,
                unhealthyThreshold: health.unhealthyThreshold,
                ...(health.protocol === "http" ? { http: { path: health.path, method: "GET", expectedStatuses: [200] } } : {}),
              },
              // Ejects a backend after consecutive failed requests, between two active checks.
              passive: {
                consecutive5XxErrors: health.consecutiveErrors,
                consecutiveGatewayErrors: health.consecutiveErrors,
                interval: `${health.intervalSeconds}s`,
                baseEjectionTime: "30s",
                // Never eject more than half the hosts: a broad outage is not fixed by ejecting everyone.
                maxEjectionPercent: 50,
              },
            },
            // A refused connection (a VM that is down) is retried on another backend; nothing was sent.
            retry: { numRetries: 2, retryOn: { triggers: ["connect-failure", "refused-stream"] } },
          },
        },
        routesTo: [],
      });
    }
    return objects;
  },
};
