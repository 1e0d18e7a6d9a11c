/**
 * The ACK ALB Ingress router: a stable Ingress, plus canary Ingresses that carry ALB's canary
 * annotations. ALB refuses header and weight rules on one Ingress, so the header route and the
 * weighted canary are two Ingresses, ordered so the header rule is evaluated first.
 */
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
    if (spec.header && !ALB_HEADER_VALUE.test(spec.header.value)) {
      problems.push(`header value '${spec.header.value}' of '${spec.service}' is not 1-128 visible ASCII characters, which ALB requires`);
    }
    if (spec.header && !spec.backends.canary) problems.push(`header route of '${spec.service}' has no canary backend to send to`);
    return problems;
  },

  objects(spec: RouteSpec): RoutedObject[] {
    if (spec.attachment.router !== "alb") throw new Error(`route of '${spec.service}' is not attached to an ALB IngressClass`);
    const className = spec.attachment.ingressClassName;
    const ingress = (name: string, backend: string, annotations: Record<string, string>) => ({
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
    const objects: RoutedObject[] = [
      { role: "ingress", object: ingress(spec.backends.stable, spec.backends.stable, { [`${PREFIX}/order`]: ORDER.stable }) },
    ];
    const weighted = spec.backends.canary
      ? { role: "canary-ingress", backend: spec.backends.canary, weight: spec.split.canary }
      : spec.backends.legacy
        ? { role: "legacy-ingress", backend: spec.backends.legacy, weight: spec.split.legacy }
        : undefined;
    if (weighted) {
      objects.push({
        role: weighted.role,
        object: ingress(weighted.backend, weighted.backend, {
          [`${PREFIX}/canary`]: "true",
          [`${PREFIX}/canary-weight`]: String(weighted.weight),
          [`${PREFIX}/order`]: ORDER.weighted,
        }),
      });
    }
    if (spec.header && spec.backends.canary) {
      objects.push({
        role: "canary-header-ingress",
        object: ingress(`${spec.backends.canary}-header`, spec.backends.canary, {
          [`${PREFIX}/canary`]: "true",
          [`${PREFIX}/canary-by-header`]: spec.header.name,
          [`${PREFIX}/canary-by-header-value`]: spec.header.value,
          [`${PREFIX}/order`]: ORDER.header,
        }),
      });
    }
    return objects;
  },
};
