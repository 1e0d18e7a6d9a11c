/**
 * Routes read as traffic: which Service each route object sends requests to, what share of the
 * requests it matches, whether only requests carrying a header reach it, and the workloads behind
 * each Service. Two routers are read: the Gateway API (HTTPRoute) and ACK's ALB Ingress (canary
 * annotations).
 */
import type { PolicyResource } from "@pulumi/policy";
import { annotationsOf, APP_LABEL, describeObject, labelsOf, mapSelectorMatches, objectRef, TRACK_LABEL } from "./kubernetes";
import { asArray, asObject, copyOf, typeMatcher } from "./policy";
import type { Workload } from "./stack";

export const HTTPROUTE_TYPES = ["kubernetes:gateway.networking.k8s.io/*:HTTPRoute"];
export const INGRESS_TYPES = ["kubernetes:networking.k8s.io/*:Ingress", "kubernetes:extensions/*:Ingress"];
export const ROUTE_TYPES = [...HTTPROUTE_TYPES, ...INGRESS_TYPES];
export const isHttpRoute = typeMatcher(HTTPROUTE_TYPES);
export const isIngress = typeMatcher(INGRESS_TYPES);

const ALB = "alb.ingress.kubernetes.io";
export const ALB_CANARY = `${ALB}/canary`;
export const ALB_CANARY_WEIGHT = `${ALB}/canary-weight`;
export const ALB_CANARY_BY_HEADER = `${ALB}/canary-by-header`;
export const ALB_CANARY_BY_HEADER_VALUE = `${ALB}/canary-by-header-value`;
export const ALB_CANARY_BY_COOKIE = `${ALB}/canary-by-cookie`;
export const ALB_ORDER = `${ALB}/order`;
export const ALB_HEALTHCHECK_ENABLED = `${ALB}/healthcheck-enabled`;

export interface ServiceInfo {
  readonly resource: PolicyResource;
  readonly namespace: string;
  readonly name: string;
  readonly app?: string;
  readonly track?: string;
  /** spec.selector; empty for a Service whose endpoints are listed by hand (legacy backends). */
  readonly selector: Record<string, string>;
}

export function servicesOf(resources: readonly PolicyResource[]): ServiceInfo[] {
  return resources
    .filter((r) => r.type === "kubernetes:core/v1:Service")
    .map((r) => {
      const { namespace, name } = objectRef(r.props, r.name);
      const selector = copyOf((asObject(asObject(r.props["spec"])?.["selector"]) ?? {}) as Record<string, string>);
      const tags = { ...labelsOf(asObject(r.props["metadata"])), ...selector };
      return {
        resource: r,
        namespace,
        name,
        selector,
        ...(tags[APP_LABEL] !== undefined ? { app: tags[APP_LABEL] } : {}),
        ...(tags[TRACK_LABEL] !== undefined ? { track: tags[TRACK_LABEL] } : {}),
      };
    });
}

/** A header a rule requires. */
export interface HeaderMatch {
  readonly name: string;
  readonly type: string;
  readonly value: unknown;
}

/** One way a route object sends requests to a Service. */
export interface RouteEdge {
  readonly route: PolicyResource;
  /** "HTTPRoute 'apps/orders'". */
  readonly label: string;
  readonly namespace: string;
  readonly serviceNamespace: string;
  readonly serviceName: string;
  /** Percent of the requests the rule matches that go to this Service (of the route for an ALB canary weight). */
  readonly share: number;
  /** The headers a request must carry to be matched (every alternative of the rule requires one); empty for everyone's traffic. */
  readonly headers: readonly HeaderMatch[];
  /** "spec.rules[0]" or "annotations" (where the edge is declared), for messages. */
  readonly at: string;
  /** Hosts and path prefixes the edge serves ("api.example.com/orders"). */
  readonly paths: readonly string[];
}

function httpRouteEdges(r: PolicyResource): RouteEdge[] {
  const { namespace } = objectRef(r.props, r.name);
  const spec = asObject(r.props["spec"]) ?? {};
  const hosts = asArray(spec["hostnames"]).map(String);
  const edges: RouteEdge[] = [];
  asArray(spec["rules"]).forEach((rule, i) => {
    const matches = asArray(rule?.["matches"]);
    const paths = (matches.length ? matches : [{}]).map((m) => String(asObject(m?.["path"])?.["value"] ?? "/"));
    const headerOnly = matches.length > 0 && matches.every((m) => asArray(m?.["headers"]).length > 0);
    const headers: HeaderMatch[] = headerOnly
      ? matches.flatMap((m) =>
          asArray(m?.["headers"]).map((h) => ({ name: String(h?.["name"]), type: String(h?.["type"] ?? "Exact"), value: h?.["value"] })),
        )
      : [];
    const refs = asArray(rule?.["backendRefs"]).filter((ref) => (ref?.["kind"] ?? "Service") === "Service");
    const weightOf = (ref: any) => (typeof ref?.["weight"] === "number" ? ref["weight"] : 1);
    const total = refs.reduce((sum, ref) => sum + weightOf(ref), 0);
    for (const ref of refs) {
      edges.push({
        route: r,
        label: describeObject(r.type, r.props, r.name),
        namespace,
        serviceNamespace: String(ref?.["namespace"] ?? namespace),
        serviceName: String(ref?.["name"]),
        share: total > 0 ? (weightOf(ref) * 100) / total : 0,
        headers,
        at: `spec.rules[${i}]`,
        paths: (hosts.length ? hosts : ["*"]).flatMap((h) => paths.map((p) => `${h}${p}`)),
      });
    }
  });
  return edges;
}

function ingressEdges(r: PolicyResource): RouteEdge[] {
  const { namespace } = objectRef(r.props, r.name);
  const annotations = annotationsOf(asObject(r.props["metadata"]));
  const canary = annotations[ALB_CANARY] === "true";
  const header = annotations[ALB_CANARY_BY_HEADER];
  const weight = Number(annotations[ALB_CANARY_WEIGHT] ?? 0);
  const edges: RouteEdge[] = [];
  for (const rule of asArray(asObject(r.props["spec"])?.["rules"])) {
    for (const p of asArray(asObject(rule?.["http"])?.["paths"])) {
      const service = asObject(asObject(p?.["backend"])?.["service"]);
      if (!service) continue;
      edges.push({
        route: r,
        label: describeObject(r.type, r.props, r.name),
        namespace,
        serviceNamespace: namespace,
        serviceName: String(service["name"]),
        share: !canary ? 100 : header !== undefined ? 100 : Number.isFinite(weight) ? weight : 0,
        headers:
          canary && header !== undefined ? [{ name: String(header), type: "Exact", value: annotations[ALB_CANARY_BY_HEADER_VALUE] }] : [],
        at: "metadata.annotations",
        paths: [`${rule?.["host"] ?? "*"}${p?.["path"] ?? "/"}`],
      });
    }
  }
  return edges;
}

/** Every way every route of the stack sends requests to a Service. */
export function routeEdges(resources: readonly PolicyResource[]): RouteEdge[] {
  return resources.flatMap((r) => (isHttpRoute(r.type) ? httpRouteEdges(r) : isIngress(r.type) ? ingressEdges(r) : []));
}

/** The Service an edge sends to, if the stack declares it. */
export function serviceOf(edge: RouteEdge, services: readonly ServiceInfo[]): ServiceInfo | undefined {
  return services.find((s) => s.namespace === edge.serviceNamespace && s.name === edge.serviceName);
}

/** The workloads whose pods a Service selects. */
export function workloadsBehind(service: ServiceInfo, workloads: readonly Workload[]): Workload[] {
  if (Object.keys(service.selector).length === 0) return [];
  return workloads.filter((w) => w.namespace === service.namespace && mapSelectorMatches(service.selector, w.podLabels));
}

/** Whether the edge carries traffic: a share of everyone's requests, or the requests with its header. */
export function carriesTraffic(edge: RouteEdge): boolean {
  return edge.share > 0;
}
