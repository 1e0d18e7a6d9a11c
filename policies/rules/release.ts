/**
 * Gray-release rules: traffic weights, the stable track behind every canary, and canary routes in
 * the form the router accepts. Two routers are judged: the Gateway API (HTTPRoute, e.g. Envoy
 * Gateway) and the ACK ALB Ingress controller (canary annotations on an Ingress).
 */
import type { PolicyResource } from "@pulumi/policy";
import { APP_LABEL, annotationsOf, describeObject, labelsOf, objectRef, TRACK_LABEL } from "../lib/kubernetes";
import { asArray, asObject, configSchema, forTypes, type ResourceRule, type StackRule, typeMatcher } from "../lib/policy";
import { workloadsOf } from "../lib/stack";

export const ALB_CANARY = "alb.ingress.kubernetes.io/canary";
export const ALB_CANARY_WEIGHT = "alb.ingress.kubernetes.io/canary-weight";
export const ALB_CANARY_BY_HEADER = "alb.ingress.kubernetes.io/canary-by-header";
export const ALB_CANARY_BY_HEADER_VALUE = "alb.ingress.kubernetes.io/canary-by-header-value";
export const ALB_CANARY_BY_COOKIE = "alb.ingress.kubernetes.io/canary-by-cookie";
export const ALB_ORDER = "alb.ingress.kubernetes.io/order";

const HTTPROUTE_TYPES = ["kubernetes:gateway.networking.k8s.io/*:HTTPRoute"];
const INGRESS_TYPES = ["kubernetes:networking.k8s.io/*:Ingress", "kubernetes:extensions/*:Ingress"];
const ROUTE_TYPES = [...HTTPROUTE_TYPES, ...INGRESS_TYPES];
const isHttpRoute = typeMatcher(HTTPROUTE_TYPES);
const isIngress = typeMatcher(INGRESS_TYPES);

/** Gateway API's bound on a backend weight. */
const MAX_ROUTE_WEIGHT = 1_000_000;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export const routeWeightsInRange: ResourceRule = {
  name: "route-weights-in-range",
  description:
    "A weight the router cannot read is rejected or ignored, and a rule whose backends all weigh 0 fails every request it matches.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ROUTE_TYPES,
  validateResource: forTypes(ROUTE_TYPES, (props, args, report) => {
    if (isIngress(args.type)) {
      const weight = annotationsOf(asObject(props["metadata"]))[ALB_CANARY_WEIGHT];
      if (weight !== undefined && !(/^\d+$/.test(String(weight)) && Number(weight) <= 100)) {
        report(`annotation ${ALB_CANARY_WEIGHT} is '${weight}'; use a whole number from 0 to 100 (the canary's percentage of the traffic)`);
      }
      return;
    }
    asArray(asObject(props["spec"])?.["rules"]).forEach((rule, i) => {
      const refs = asArray(rule?.["backendRefs"]);
      refs.forEach((ref, j) => {
        const weight = ref?.["weight"];
        if (weight === undefined) return;
        if (!(typeof weight === "number" && Number.isInteger(weight) && weight >= 0 && weight <= MAX_ROUTE_WEIGHT)) {
          report(
            `spec.rules[${i}].backendRefs[${j}] ('${ref?.["name"]}') has weight ${JSON.stringify(weight)}; use a whole number from 0 to ${MAX_ROUTE_WEIGHT} (weights are shares of the rule's traffic)`,
          );
        }
      });
      if (refs.length > 0 && refs.every((ref) => ref?.["weight"] === 0)) {
        report(`spec.rules[${i}] gives every backend weight 0, so the requests it matches fail; give the stable backend a positive weight`);
      }
    });
  }),
};

function checkAlbCanaryForm(annotations: Record<string, string>, report: (message: string) => void): void {
  const canary = annotations[ALB_CANARY];
  if (canary !== undefined && canary !== "true" && canary !== "false") {
    report(`annotation ${ALB_CANARY} is '${canary}'; write 'true' or 'false'`);
    return;
  }
  const rules = [ALB_CANARY_WEIGHT, ALB_CANARY_BY_HEADER, ALB_CANARY_BY_HEADER_VALUE, ALB_CANARY_BY_COOKIE].filter(
    (k) => annotations[k] !== undefined,
  );
  if (canary !== "true") {
    if (rules.length > 0) {
      const names = rules.map((k) => k.slice("alb.ingress.kubernetes.io/".length)).join(", ");
      report(
        `it has canary annotations (${names}) without ${ALB_CANARY}: 'true', so ALB ignores them; add that annotation, or remove them`,
      );
    }
    return;
  }
  if (!rules.some((k) => k !== ALB_CANARY_BY_HEADER_VALUE)) {
    report(
      `it is an ALB canary without ${ALB_CANARY_WEIGHT}, ${ALB_CANARY_BY_HEADER} or ${ALB_CANARY_BY_COOKIE}, so it receives no traffic; set one of them`,
    );
  }
  const header = annotations[ALB_CANARY_BY_HEADER];
  const matcher = [ALB_CANARY_BY_HEADER, ALB_CANARY_BY_COOKIE].find((k) => annotations[k] !== undefined);
  if (matcher && annotations[ALB_CANARY_WEIGHT] !== undefined) {
    report(
      `it combines ${ALB_CANARY_WEIGHT} with ${matcher} on one Ingress, which ALB refuses; put the ${matcher === ALB_CANARY_BY_HEADER ? "header" : "cookie"} rule on a second canary Ingress`,
    );
  }
  if (annotations[ALB_CANARY_BY_HEADER_VALUE] !== undefined && header === undefined) {
    report(`annotation ${ALB_CANARY_BY_HEADER_VALUE} is set without ${ALB_CANARY_BY_HEADER}; name the header it applies to`);
  }
  if (header !== undefined && !HEADER_NAME.test(String(header))) {
    report(`annotation ${ALB_CANARY_BY_HEADER} is '${header}'; use an HTTP header name such as 'x-canary'`);
  }
}

function checkHeaderMatches(props: Record<string, any>, report: (message: string) => void): void {
  asArray(asObject(props["spec"])?.["rules"]).forEach((rule, i) => {
    asArray(rule?.["matches"]).forEach((match, k) => {
      const seen = new Set<string>();
      asArray(match?.["headers"]).forEach((header, h) => {
        const at = `spec.rules[${i}].matches[${k}].headers[${h}]`;
        const name = header?.["name"];
        const type = header?.["type"] ?? "Exact";
        const value = header?.["value"];
        if (typeof name !== "string" || !HEADER_NAME.test(name)) {
          report(`${at} has name ${JSON.stringify(name)}; use an HTTP header name such as 'x-canary'`);
          return;
        }
        if (seen.has(name.toLowerCase()))
          report(`${at} matches header '${name}' a second time in the same match, and only the first counts; keep one`);
        seen.add(name.toLowerCase());
        if (type !== "Exact" && type !== "RegularExpression") {
          report(`${at} has type '${type}'; header matches are 'Exact' or 'RegularExpression'`);
        } else if (typeof value !== "string" || value === "") {
          report(`${at} matches header '${name}' against no value; give the value testers send, e.g. 'always'`);
        } else if (type === "RegularExpression" && !isRegExp(value)) {
          report(`${at} matches header '${name}' against '${value}', which is not a regular expression`);
        }
      });
    });
  });
}

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export const canaryRouteForm: ResourceRule = {
  name: "canary-route-form",
  description: "A canary rule the router does not understand is silently dropped: testers and users land on the wrong track.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ROUTE_TYPES,
  validateResource: forTypes(ROUTE_TYPES, (props, args, report) => {
    if (isIngress(args.type)) {
      const annotations = annotationsOf(asObject(props["metadata"]));
      const order = annotations[ALB_ORDER];
      if (order !== undefined && !(/^\d+$/.test(String(order)) && Number(order) >= 1 && Number(order) <= 1000)) {
        report(`annotation ${ALB_ORDER} is '${order}'; use a whole number from 1 to 1000 (lower is evaluated first)`);
      }
      checkAlbCanaryForm(annotations, report);
    } else {
      checkHeaderMatches(props, report);
    }
  }),
};

interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  readonly app?: string;
  readonly track?: string;
}

function servicesOf(resources: readonly PolicyResource[]): ServiceInfo[] {
  return resources
    .filter((r) => r.type === "kubernetes:core/v1:Service")
    .map((r) => {
      const { namespace, name } = objectRef(r.props, r.name);
      const tags = {
        ...labelsOf(asObject(r.props["metadata"])),
        ...((asObject(asObject(r.props["spec"])?.["selector"]) ?? {}) as Record<string, string>),
      };
      return {
        namespace,
        name,
        ...(tags[APP_LABEL] !== undefined ? { app: tags[APP_LABEL] } : {}),
        ...(tags[TRACK_LABEL] !== undefined ? { track: tags[TRACK_LABEL] } : {}),
      };
    });
}

/** The Services an HTTPRoute sends traffic to, resolved in the stack (unknown ones are left out). */
function routeBackends(route: PolicyResource, services: readonly ServiceInfo[]): ServiceInfo[] {
  const namespace = objectRef(route.props, route.name).namespace;
  const found: ServiceInfo[] = [];
  for (const rule of asArray(asObject(route.props["spec"])?.["rules"])) {
    for (const ref of asArray(rule?.["backendRefs"])) {
      if ((ref?.["kind"] ?? "Service") !== "Service") continue;
      const ns = ref?.["namespace"] ?? namespace;
      const service = services.find((s) => s.namespace === ns && s.name === ref?.["name"]);
      if (service && !found.includes(service)) found.push(service);
    }
  }
  return found;
}

interface AlbRoute {
  readonly resource: PolicyResource;
  readonly namespace: string;
  readonly canary: boolean;
  readonly weighted: boolean;
  /** "shop.example.com/orders" for each host and path the Ingress serves. */
  readonly paths: readonly string[];
  /** The Service each of those paths sends to. */
  readonly backends: readonly string[];
  readonly label: string;
}

function albRoutesOf(resources: readonly PolicyResource[]): AlbRoute[] {
  return resources
    .filter((r) => isIngress(r.type))
    .map((r) => {
      const paths: string[] = [];
      const backends: string[] = [];
      for (const rule of asArray(asObject(r.props["spec"])?.["rules"])) {
        for (const p of asArray(asObject(rule?.["http"])?.["paths"])) {
          paths.push(`${rule?.["host"] ?? "*"}${p?.["path"] ?? "/"}`);
          backends.push(String(asObject(asObject(p?.["backend"])?.["service"])?.["name"]));
        }
      }
      const annotations = annotationsOf(asObject(r.props["metadata"]));
      return {
        resource: r,
        namespace: objectRef(r.props, r.name).namespace,
        canary: annotations[ALB_CANARY] === "true",
        weighted: annotations[ALB_CANARY_WEIGHT] !== undefined,
        paths,
        backends,
        label: describeObject(r.type, r.props, r.name),
      };
    });
}

export const canaryHasStable: StackRule = {
  name: "canary-has-stable",
  description:
    "A canary is a small test of a new version beside the stable one; without the stable track all traffic goes to the untested version.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:apps/*:Deployment", "kubernetes:apps/*:StatefulSet", ...ROUTE_TYPES],
  validateStack: (args, report) => {
    const workloads = workloadsOf(args.resources);
    for (const canary of workloads.filter((w) => w.track === "canary")) {
      if (canary.app === undefined) {
        report(
          `${canary.label} is a canary (${TRACK_LABEL}: canary) without an ${APP_LABEL} label, so its stable track cannot be found; label its pods with the service's name`,
          canary.resource.urn,
        );
        continue;
      }
      const stable = workloads.some((w) => w.namespace === canary.namespace && w.app === canary.app && w.track === "stable");
      if (!stable) {
        report(
          `${canary.label} is a canary of '${canary.app}', but no stable track runs beside it (pods with ${APP_LABEL}: ${canary.app} and ${TRACK_LABEL}: stable in '${canary.namespace}'); declare the stable track, or promote the canary to stable`,
          canary.resource.urn,
        );
      }
    }
    const services = servicesOf(args.resources);
    for (const route of args.resources.filter((r) => isHttpRoute(r.type))) {
      const backends = routeBackends(route, services);
      for (const canary of backends.filter((s) => s.track === "canary")) {
        if (!backends.some((s) => s.track !== "canary" && s.app === canary.app)) {
          report(
            `${describeObject(route.type, route.props, route.name)} routes to canary Service '${canary.name}' but to no stable Service of '${canary.app ?? canary.name}'; add the stable backend to the route`,
            route.urn,
          );
        }
      }
    }
    const albRoutes = albRoutesOf(args.resources);
    for (const canary of albRoutes.filter((r) => r.canary)) {
      for (const path of canary.paths) {
        if (!albRoutes.some((r) => !r.canary && r.namespace === canary.namespace && r.paths.includes(path))) {
          report(
            `${canary.label} is an ALB canary for ${path}, but no primary Ingress in '${canary.namespace}' serves that host and path; ALB splits traffic only from a primary Ingress`,
            canary.resource.urn,
          );
        }
      }
    }
  },
};

export const oneCanaryPerRoute: StackRule = {
  name: "one-canary-per-route",
  description:
    "With two canaries on one route the split between versions is no longer what the weights say, and a bad release hides behind the other.",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ROUTE_TYPES,
  validateStack: (args, report) => {
    const services = servicesOf(args.resources);
    for (const route of args.resources.filter((r) => isHttpRoute(r.type))) {
      const canaries = routeBackends(route, services).filter((s) => s.track === "canary");
      if (canaries.length > 1) {
        report(
          `${describeObject(route.type, route.props, route.name)} routes to ${canaries.length} canaries (${canaries.map((s) => s.name).join(", ")}); keep one canary per route`,
          route.urn,
        );
      }
    }
    // ALB takes a header (or cookie) canary and a weighted one for the same route on two Ingresses;
    // they must send to the same canary, and only one may carry a weight.
    const canaries = albRoutesOf(args.resources).filter((r) => r.canary);
    const reported = new Set<string>();
    for (const route of canaries) {
      for (const path of route.paths) {
        const key = `${route.namespace} ${path}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const same = canaries.filter((r) => r.namespace === route.namespace && r.paths.includes(path));
        const backends = [...new Set(same.map((r) => r.backends[r.paths.indexOf(path)]!))];
        if (backends.length > 1) {
          report(
            `ALB canary Ingresses send ${path} to ${backends.length} canaries (${backends.join(", ")}); keep one canary per route`,
            route.resource.urn,
          );
        }
        const weighted = same.filter((r) => r.weighted);
        if (weighted.length > 1) {
          report(
            `${weighted.length} ALB canary Ingresses set a weight for ${path} (${weighted.map((r) => r.label).join(", ")}); ALB applies one: keep one weighted canary per route`,
            weighted[1]!.resource.urn,
          );
        }
      }
    }
  },
};

export const RELEASE_RULES = [routeWeightsInRange, canaryRouteForm, canaryHasStable, oneCanaryPerRoute] as const;
