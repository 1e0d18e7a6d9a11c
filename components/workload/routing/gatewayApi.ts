/**
 * The Kubernetes Gateway API router: one HTTPRoute per service, with a header rule that sends
 * testers to the canary and a weighted rule that splits everyone else between the backends.
 */
import type { RoutedObject, Router, RouteSpec } from "./types";

/** Limits of the Gateway API's HTTPRoute schema (v1). */
const MAX_HEADER_VALUE = 4096;

export const gatewayApiRouter: Router = {
  name: "gateway-api",

  validate(spec: RouteSpec): string[] {
    const problems: string[] = [];
    if (spec.attachment.router !== "gateway-api") problems.push(`route of '${spec.service}' is not attached to a Gateway`);
    if (!spec.path.startsWith("/")) problems.push(`path '${spec.path}' of '${spec.service}' does not start with '/'`);
    if (/^\d+\.\d+\.\d+\.\d+$/.test(spec.host))
      problems.push(`host '${spec.host}' of '${spec.service}' is an IP address; HTTPRoute hostnames must be DNS names`);
    if (spec.header && spec.header.value.length > MAX_HEADER_VALUE) {
      problems.push(`header value for '${spec.service}' is longer than ${MAX_HEADER_VALUE} characters`);
    }
    if (spec.header && !spec.backends.canary) problems.push(`header route of '${spec.service}' has no canary backend to send to`);
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
    const rules: Array<Record<string, unknown>> = [];
    if (spec.header && spec.backends.canary) {
      rules.push({
        matches: [{ path, headers: [{ type: "Exact", name: spec.header.name, value: spec.header.value }] }],
        backendRefs: [backend(spec.backends.canary, 1)],
      });
    }
    // Every backend that exists stays in the rule, weight 0 included, so that a weight change is an
    // edit of numbers and never a different shape of route.
    rules.push({
      matches: [{ path }],
      backendRefs: [
        backend(spec.backends.stable, spec.split.stable),
        ...(spec.backends.canary ? [backend(spec.backends.canary, spec.split.canary)] : []),
        ...(spec.backends.legacy ? [backend(spec.backends.legacy, spec.split.legacy)] : []),
      ],
    });
    return [
      {
        role: "route",
        object: {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "HTTPRoute",
          metadata: { name: spec.service, namespace: spec.namespace, labels: { ...spec.labels } },
          spec: { parentRefs, hostnames: [spec.host], rules },
        },
      },
    ];
  },
};
