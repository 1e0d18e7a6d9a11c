/**
 * The ACK ALB Ingress router: a stable Ingress, plus canary Ingresses that carry ALB's canary
 * annotations. ALB refuses header and weight rules on one Ingress, so the header route and the
 * weighted canary are two Ingresses, ordered so the header rule is evaluated first. The server
 * group of legacy VMs is health-checked by the ALB (annotations on the Ingress that sends to it).
 */
import { weightedBackends } from "./backends";
import type { RoutedObject, Router, RouteSpec } from "./types";

const PREFIX = "alb.ingress.kubernetes.io";
/** Evaluation order of ALB rules: lower is evaluated first (1-1000). */
const ORDER = { header: "10", weighted: "20", stable: "30" } as const;
/** ALB matches header values of 1-128 visible ASCII characters. */
const ALB_HEADER_VALUE = /^[\x21-\x7e]{1,128}$/;

export const albIngressRouter: Router = {
  name: "alb",

  validate(spec: RouteSpec): string[] {
    const problems: string[] = [];
    if (spec.attachment.router !== "alb") problems.push(`route of '${spec.service}' is not attached to an ALB IngressClass`);
    if (spec.backends.canary && spec.backends.legacy) {
      problems.push(
        `'${spec.service}' has both a canary and legacy backends; the ALB router carries one weighted canary per host and path, so finish the legacy migration first or use the gateway-api router`,
      );
    }
    if (!spec.path.startsWith("/")) problems.push(`path '${spec.path}' of '${spec.service}' does not start with '/'`);
    for (const header of spec.headers) {
      if (typeof header.value === "string" && !ALB_HEADER_VALUE.test(header.value)) {
        problems.push(`header value '${header.value}' of '${spec.service}' is not 1-128 visible ASCII characters, which ALB requires`);
      }
      if (header.backend !== "canary") {
        problems.push(
          `header route of '${spec.service}' sends to the ${header.backend} track; the ALB router routes a header only to a canary, so use the gateway-api router`,
        );
      } else if (!spec.backends.canary) problems.push(`header route of '${spec.service}' has no canary backend to send to`);
      if (header.clientCidrs?.length) {
        problems.push(
          `header route of '${spec.service}' restricts client networks, which the ALB router's canary Ingress cannot; keep the header value a secret instead`,
        );
      }
    }
    return problems;
  },

  objects(spec: RouteSpec): RoutedObject[] {
    if (spec.attachment.router !== "alb") throw new Error(`route of '${spec.service}' is not attached to an ALB IngressClass`);
    const className = spec.attachment.ingressClassName;
    const ingress = (name: string, backend: string, annotations: Record<string, unknown>) => ({
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name, namespace: spec.namespace, labels: { ...spec.labels }, annotations },
      spec: {
        ingressClassName: className,
        rules: [
          {
            host: spec.host,
            http: {
              paths: [{ path: spec.path, pathType: "Prefix", backend: { service: { name: backend, port: { number: spec.port } } } }],
            },
          },
        ],
      },
    });
    const shares = weightedBackends(spec);
    const objects: RoutedObject[] = [
      {
        role: "ingress",
        object: ingress(spec.backends.stable, spec.backends.stable, { [`${PREFIX}/order`]: ORDER.stable }),
        routesTo: shares.filter((b) => b === "stable"),
      },
    ];
    const weighted = spec.backends.canary
      ? { role: "canary-ingress", backend: spec.backends.canary, weight: spec.split.canary, track: "canary" as const }
      : spec.backends.legacy
        ? { role: "legacy-ingress", backend: spec.backends.legacy, weight: spec.split.legacy, track: "legacy" as const }
        : undefined;
    if (weighted) {
      const health = weighted.track === "legacy" ? spec.legacyHealth : undefined;
      objects.push({
        role: weighted.role,
        object: ingress(weighted.backend, weighted.backend, {
          [`${PREFIX}/canary`]: "true",
          [`${PREFIX}/canary-weight`]: String(weighted.weight),
          [`${PREFIX}/order`]: ORDER.weighted,
          ...(health
            ? {
                // The VMs' server group is checked by the ALB, which stops sending to a VM that fails.
                [`${PREFIX}/healthcheck-enabled`]: "true",
                [`${PREFIX}/healthcheck-protocol`]: health.protocol === "http" ? "HTTP" : "TCP",
                ...(health.protocol === "http"
                  ? {
                      [`${PREFIX}/healthcheck-path`]: health.path,
                      [`${PREFIX}/healthcheck-method`]: "GET",
                      [`${PREFIX}/healthcheck-httpcode`]: "http_2xx",
                    }
                  : {}),
                [`${PREFIX}/healthcheck-interval-seconds`]: String(health.intervalSeconds),
                [`${PREFIX}/healthcheck-timeout-seconds`]: String(health.timeoutSeconds),
                [`${PREFIX}/healthy-threshold-count`]: String(health.healthyThreshold),
                [`${PREFIX}/unhealthy-threshold-count`]: String(health.unhealthyThreshold),
              }
            : {}),
        }),
        // Its weight moves traffic between its backend and the stable track.
        routesTo: shares.filter((b) => b === weighted.track || b === "stable"),
      });
    }
    for (const header of spec.headers) {
      if (header.backend !== "canary" || !spec.backends.canary) continue;
      objects.push({
        role: "canary-header-ingress",
        object: ingress(`${spec.backends.canary}-header`, spec.backends.canary, {
          [`${PREFIX}/canary`]: "true",
          [`${PREFIX}/canary-by-header`]: header.name,
          [`${PREFIX}/canary-by-header-value`]: header.value,
          [`${PREFIX}/order`]: ORDER.header,
        }),
        routesTo: ["canary"],
      });
    }
    return objects;
  },
};
