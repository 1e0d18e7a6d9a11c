/**
 * Gray-release rules: traffic weights, the stable track behind every canary, and canary routes in
 * the form the router accepts. Two routers are judged: the Gateway API (HTTPRoute, e.g. Envoy
 * Gateway) and the ACK ALB Ingress controller (canary annotations on an Ingress).
 */
import type { PolicyResource } from "@pulumi/policy";
import { APP_LABEL, annotationsOf, describeObject, objectRef, TRACK_LABEL } from "../lib/kubernetes";
import { asArray, asObject, configSchema, copyOf, forTypes, prodOnly, type ResourceRule, type StackRule, typeMatcher } from "../lib/policy";
import {
  ALB_CANARY,
  ALB_CANARY_BY_COOKIE,
  ALB_CANARY_BY_HEADER,
  ALB_CANARY_BY_HEADER_VALUE,
  ALB_CANARY_WEIGHT,
  ALB_ORDER,
  isHttpRoute,
  isIngress,
  ROUTE_TYPES,
  type RouteEdge,
  routeEdges,
  serviceOf,
  type ServiceInfo,
  servicesOf,
  workloadsBehind,
} from "../lib/routes";
import { autoscalerOf, autoscalersOf, maxPodsOf, type Workload, workloadsOf } from "../lib/stack";
import { labelSelectorMatches } from "../lib/kubernetes";

export {
  ALB_CANARY,
  ALB_CANARY_BY_COOKIE,
  ALB_CANARY_BY_HEADER,
  ALB_CANARY_BY_HEADER_VALUE,
  ALB_CANARY_WEIGHT,
  ALB_ORDER,
} from "../lib/routes";

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
    const edges = routeEdges(args.resources).filter((e) => isHttpRoute(e.route.type));
    const serviceOfEdge = (e: (typeof edges)[number]) =>
      services.find((s) => s.namespace === e.serviceNamespace && s.name === e.serviceName);
    const reported = new Set<string>();
    // Everyone's rules first: a route whose own weighted rule lacks the stable track is named for that.
    for (const edge of [...edges].sort((a, b) => a.headers.length - b.headers.length)) {
      const canary = serviceOfEdge(edge);
      if (canary?.track !== "canary") continue;
      // A rule for everyone must carry the stable track beside the canary; a testers' header rule
      // may send to the canary alone, while another rule serves everyone else the same host and path.
      const peers = edge.headers.length
        ? edges.filter((e) => e.headers.length === 0 && e.paths.some((p) => edge.paths.includes(p)))
        : edges.filter((e) => e.route === edge.route && e.at === edge.at);
      const stable = peers.some((e) => {
        const s = serviceOfEdge(e);
        return s !== undefined && s.track !== "canary" && s.app === canary.app;
      });
      const key = `${edge.route.urn} ${canary.name}`;
      if (!stable && !reported.has(key)) {
        reported.add(key);
        report(
          edge.headers.length
            ? `${edge.label} sends the testers' header requests for ${edge.paths.join(", ")} to canary Service '${canary.name}', but no route serves everyone else there with a stable Service of '${canary.app ?? canary.name}'; route that host and path to the stable track`
            : `${edge.label} routes to canary Service '${canary.name}' but to no stable Service of '${canary.app ?? canary.name}'; add the stable backend to the route`,
          edge.route.urn,
        );
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

// ---- Capacity before traffic ------------------------------------------------------------------

const PDB_TYPES = ["kubernetes:policy/*:PodDisruptionBudget"];
const isPdb = typeMatcher(PDB_TYPES);
/** The annotation and condition that make Pulumi await a disruption budget's capacity. */
export const WAIT_FOR_ANNOTATION = "pulumi.com/waitFor";
export const CAPACITY_CONDITION = "condition=DisruptionAllowed";

interface Budget {
  readonly resource: PolicyResource;
  readonly namespace: string;
  readonly selector?: Record<string, any>;
  readonly minAvailable?: unknown;
  readonly maxUnavailable?: unknown;
  /** The conditions Pulumi waits for (pulumi.com/waitFor: one expression, or a JSON list of them). */
  readonly waitFor: readonly string[];
  readonly label: string;
}

function budgetsOf(resources: readonly PolicyResource[]): Budget[] {
  return resources
    .filter((r) => isPdb(r.type))
    .map((r) => {
      const spec = asObject(r.props["spec"]) ?? {};
      const selector = copyOf(asObject(spec["selector"]));
      const raw = annotationsOf(asObject(r.props["metadata"]))[WAIT_FOR_ANNOTATION];
      let waitFor: string[] = [];
      if (typeof raw === "string") {
        try {
          const parsed: unknown = JSON.parse(raw);
          waitFor = Array.isArray(parsed) ? parsed.map(String) : [raw];
        } catch {
          waitFor = [raw];
        }
      }
      return {
        resource: r,
        namespace: objectRef(r.props, r.name).namespace,
        ...(selector ? { selector } : {}),
        minAvailable: spec["minAvailable"],
        maxUnavailable: spec["maxUnavailable"],
        waitFor,
        label: describeObject(r.type, r.props, r.name),
      };
    });
}

/** The pods a workload keeps at least: its autoscaler's minimum, else its replicas. */
function floorOf(w: Workload, resources: { autoscalers: ReturnType<typeof autoscalersOf> }): number {
  return autoscalerOf(w, resources.autoscalers)?.minReplicas ?? w.replicas ?? 1;
}

/** Whether a budget is a capacity gate on `floor` ready pods: minAvailable floor - 1, awaited on DisruptionAllowed. */
function gatesOn(b: Budget, floor: number): boolean {
  return b.minAvailable === floor - 1 && b.waitFor.some((c) => c.toLowerCase() === CAPACITY_CONDITION.toLowerCase());
}

/** The traffic each workload receives through the routes: its largest share of everyone's requests, and whether testers reach it by header. */
interface Routed {
  readonly workload: Workload;
  readonly edges: RouteEdge[];
  readonly weight: number;
  readonly header: boolean;
}

function routedWorkloads(resources: readonly PolicyResource[]): Routed[] {
  const services = servicesOf(resources);
  const workloads = workloadsOf(resources);
  const byWorkload = new Map<Workload, RouteEdge[]>();
  for (const edge of routeEdges(resources)) {
    if (edge.share <= 0) continue;
    const service = serviceOf(edge, services);
    if (!service) continue;
    for (const w of workloadsBehind(service, workloads)) byWorkload.set(w, [...(byWorkload.get(w) ?? []), edge]);
  }
  return [...byWorkload].map(([workload, edges]) => ({
    workload,
    edges,
    weight: Math.max(0, ...edges.filter((e) => e.headers.length === 0).map((e) => e.share)),
    header: edges.some((e) => e.headers.length > 0),
  }));
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export const canaryCapacity: StackRule = {
  name: "canary-capacity",
  description:
    "A canary with one pod, or fewer pods than its share of the stable peak, or a budget that lets a drain take them all, answers its share of the traffic with errors.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:apps/*:Deployment", "kubernetes:autoscaling/*:HorizontalPodAutoscaler", ...PDB_TYPES, ...ROUTE_TYPES],
  validateStack: (args, report) => {
    prodOnly(args);
    const autoscalers = autoscalersOf(args.resources);
    const budgets = budgetsOf(args.resources);
    const workloads = workloadsOf(args.resources);
    for (const { workload: w, weight, header } of routedWorkloads(args.resources)) {
      if (w.track !== "canary") continue;
      const hpa = autoscalerOf(w, autoscalers);
      const floor = floorOf(w, { autoscalers });
      const carries = `${weight > 0 ? `${fmt(weight)}% of the traffic` : ""}${weight > 0 && header ? " and " : ""}${header ? "the testers' header requests" : ""}`;
      if (floor < 2) {
        report(
          `${w.label} carries ${carries} on a floor of ${floor} pod; a drain, a crash or a spot reclaim sends its share to errors: set its autoscaler's minReplicas to at least 2`,
          w.resource.urn,
        );
      }
      if (!hpa || hpa.maxReplicas === undefined || hpa.maxReplicas <= hpa.minReplicas) {
        report(
          `${w.label} carries ${carries} but ${hpa ? `its autoscaler cannot grow (minReplicas ${hpa.minReplicas}, maxReplicas ${hpa.maxReplicas})` : "has no autoscaler"}; give it one whose maxReplicas is above minReplicas`,
          w.resource.urn,
        );
      }
      const stable = workloads.find((s) => s.namespace === w.namespace && s.app === w.app && s.track === "stable");
      if (stable && weight > 0) {
        const stableMax = maxPodsOf(stable, autoscalers);
        const need = Math.ceil((weight * stableMax) / 100);
        if (floor < need) {
          report(
            `${w.label} takes ${fmt(weight)}% of the traffic on a floor of ${floor} pod(s), but that share of ${stable.label}'s peak (${stableMax} pods) needs ${need}: raise its minReplicas to ${need} before the weight`,
            w.resource.urn,
          );
        }
      }
      const budget = budgets.find((b) => b.namespace === w.namespace && labelSelectorMatches(b.selector, w.podLabels));
      const keeps =
        budget &&
        ((typeof budget.minAvailable === "number" && budget.minAvailable >= 1) ||
          (typeof budget.maxUnavailable === "number" && floor - budget.maxUnavailable >= 1));
      if (!keeps) {
        report(
          `${w.label} carries ${carries}, but ${budget ? `${budget.label} lets a drain evict all ${floor} of its pods` : "no PodDisruptionBudget selects its pods"}; keep one with minAvailable: ${Math.max(1, floor - 1)}`,
          (budget?.resource ?? w.resource).urn,
        );
      }
    }
  },
};

export const routeWaitsForCapacity: StackRule = {
  name: "route-waits-for-capacity",
  description:
    "A route that moves traffic before the receiving pods are ready sends a burst to a few starting pods, or to pods still rolling to another version.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [...ROUTE_TYPES, "kubernetes:apps/*:Deployment", ...PDB_TYPES],
  validateStack: (args, report) => {
    prodOnly(args);
    const autoscalers = autoscalersOf(args.resources);
    const budgets = budgetsOf(args.resources);
    const services = servicesOf(args.resources);
    const edges = routeEdges(args.resources);
    const legacy = (s: ServiceInfo | undefined) => s !== undefined && Object.keys(s.selector).length === 0;
    for (const { workload: w, edges: own } of routedWorkloads(args.resources)) {
      const floor = floorOf(w, { autoscalers });
      // A canary takes a share that grows with each release step; a stable track beside legacy
      // backends takes the share the VMs give up.
      const besideLegacy = own.some((e) => edges.some((o) => o.route === e.route && o.at === e.at && legacy(serviceOf(o, services))));
      const gated = w.track === "canary" || (w.track === "stable" && besideLegacy);
      const gate = budgets.find((b) => b.namespace === w.namespace && labelSelectorMatches(b.selector, w.podLabels) && gatesOn(b, floor));
      for (const route of new Set(own.map((e) => e.route))) {
        const label = own.find((e) => e.route === route)!.label;
        const depends = (r: PolicyResource) => route.dependencies.some((d) => d.urn === r.urn);
        if (!depends(w.resource)) {
          report(
            `${label} sends traffic to ${w.label} but does not wait for it; add it to the route's dependsOn, so that Pulumi moves traffic only after its rollout`,
            route.urn,
          );
        }
        if (!gated) continue;
        if (!gate) {
          report(
            `${label} sends traffic to ${w.label}, whose share grows release by release, but no disruption budget gates on its floor of ${floor} ready pods; give it a PodDisruptionBudget with minAvailable: ${floor - 1} and the annotation ${WAIT_FOR_ANNOTATION}: ${CAPACITY_CONDITION}, and make the route depend on it`,
            route.urn,
          );
        } else if (!depends(gate.resource)) {
          report(
            `${label} sends traffic to ${w.label} without waiting for ${gate.label}, its capacity gate; add the budget to the route's dependsOn, so traffic moves only once ${floor} pods are ready`,
            route.urn,
          );
        }
      }
    }
  },
};

// ---- Legacy backends -----------------------------------------------------------------------------

const BTP_TYPES = ["kubernetes:gateway.envoyproxy.io/*:BackendTrafficPolicy"];
const SECURITY_POLICY_TYPES = ["kubernetes:gateway.envoyproxy.io/*:SecurityPolicy"];
const isBtp = typeMatcher(BTP_TYPES);
const isSecurityPolicy = typeMatcher(SECURITY_POLICY_TYPES);

/** Whether an Envoy Gateway policy targets this HTTPRoute (targetRefs, or the older targetRef). */
function targetsRoute(policy: PolicyResource, route: PolicyResource): boolean {
  const spec = asObject(policy.props["spec"]) ?? {};
  const { namespace, name } = objectRef(route.props, route.name);
  if (objectRef(policy.props, policy.name).namespace !== namespace) return false;
  const refs = [...asArray(spec["targetRefs"]), ...(asObject(spec["targetRef"]) ? [spec["targetRef"]] : [])];
  return refs.some((ref) => ref?.["kind"] === "HTTPRoute" && ref?.["name"] === name);
}

export const legacyBackendHealthChecked: StackRule = {
  name: "legacy-backend-health-checked",
  description:
    "Kubernetes never probes endpoints it did not create: a VM that dies keeps its share of the traffic unless the gateway checks it.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [...ROUTE_TYPES, ...BTP_TYPES, "kubernetes:core/v1:Service"],
  validateStack: (args, report) => {
    const services = servicesOf(args.resources);
    const policies = args.resources.filter((r) => isBtp(r.type));
    const seen = new Set<string>();
    for (const edge of routeEdges(args.resources)) {
      const service = serviceOf(edge, services);
      if (!service || Object.keys(service.selector).length > 0) continue;
      if (asObject(service.resource.props["spec"])?.["type"] === "ExternalName") continue;
      const key = `${edge.route.urn} ${service.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const vm = `legacy backend Service '${service.namespace}/${service.name}'`;
      if (isIngress(edge.route.type)) {
        if (annotationsOf(asObject(edge.route.props["metadata"]))[`alb.ingress.kubernetes.io/healthcheck-enabled`] !== "true") {
          report(
            `${edge.label} sends to ${vm} without a health check of its server group; set alb.ingress.kubernetes.io/healthcheck-enabled: "true" with a healthcheck-path the VMs answer`,
            edge.route.urn,
          );
        }
        continue;
      }
      const policy = policies.find((p) => targetsRoute(p, edge.route));
      const check = asObject(asObject(policy?.props["spec"])?.["healthCheck"]);
      if (!policy) {
        report(
          `${edge.label} sends to ${vm}, and no BackendTrafficPolicy checks its backends; attach one to the route with healthCheck.active (an HTTP check of the readiness path) and healthCheck.passive, so a dead VM leaves the split`,
          edge.route.urn,
        );
      } else if (!asObject(check?.["active"])?.["type"]) {
        report(
          `${describeObject(policy.type, policy.props, policy.name)} sends no active health checks to ${vm}; set healthCheck.active (type HTTP with the readiness path, or TCP), so a VM that stops answering leaves the split`,
          policy.urn,
        );
      } else if (!asObject(check?.["passive"])) {
        report(
          `${describeObject(policy.type, policy.props, policy.name)} does not eject failing backends of ${vm} between checks; set healthCheck.passive (consecutive errors)`,
          policy.urn,
        );
      }
    }
  },
};

// ---- Testers only --------------------------------------------------------------------------------

/** How the offline plan shows a secret: the value itself is seen only by the pack under `pulumi preview`. */
export const SECRET_PLACEHOLDER = "[secret]";
/** A header value testers send must be at least this long... */
export const MIN_HEADER_TOKEN_LENGTH = 24;
/** ...and use this many different characters (a word repeated, or "aaaa...", is guessed). */
export const MIN_HEADER_TOKEN_SYMBOLS = 10;

/** Why a header value can be guessed, or undefined when it cannot. */
export function guessableHeader(type: string, value: unknown): string | undefined {
  if (type === "RegularExpression") return "a regular expression, which admits values nobody was given";
  if (value === SECRET_PLACEHOLDER) return undefined;
  if (typeof value !== "string") return "no value";
  if (value.length < MIN_HEADER_TOKEN_LENGTH) return `'${value}', ${value.length} characters long`;
  if (new Set(value).size < MIN_HEADER_TOKEN_SYMBOLS) return `'${value}', of only ${new Set(value).size} different characters`;
  return undefined;
}

/** Whether a SecurityPolicy admits only named client networks to the route (no rule open to all). */
function admitsOnlyNetworks(policy: PolicyResource): boolean {
  const authorization = asObject(asObject(policy.props["spec"])?.["authorization"]);
  if (!authorization) return false;
  if ((authorization["defaultAction"] ?? "Deny") !== "Deny") return false;
  const allows = asArray(authorization["rules"]).filter((r) => r?.["action"] === "Allow");
  return (
    allows.length > 0 &&
    allows.every((r) => {
      const cidrs = asArray(asObject(r?.["principal"])?.["clientCIDRs"]).map(String);
      return cidrs.length > 0 && !cidrs.some((c) => c === "0.0.0.0/0" || c === "::/0");
    })
  );
}

export const headerRouteUnguessable: StackRule = {
  name: "header-route-unguessable",
  description: "A pre-release reached by a header anyone can guess, from any network, is open to the internet against production data.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [...ROUTE_TYPES, ...SECURITY_POLICY_TYPES],
  validateStack: (args, report) => {
    const policies = args.resources.filter((r) => isSecurityPolicy(r.type));
    const seen = new Set<string>();
    for (const edge of routeEdges(args.resources)) {
      if (edge.headers.length === 0) continue;
      const key = `${edge.route.urn} ${edge.at}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const restricted = isHttpRoute(edge.route.type) && policies.some((p) => targetsRoute(p, edge.route) && admitsOnlyNetworks(p));
      if (restricted) continue;
      for (const h of edge.headers) {
        const why = guessableHeader(h.type, h.value);
        if (!why) continue;
        report(
          `${edge.label} (${edge.at}) lets anyone who sends ${h.name}: ${why} reach '${edge.serviceName}'; use a random token of at least ${MIN_HEADER_TOKEN_LENGTH} characters held as a secret (e.g. openssl rand -hex 24 into a secret config key)${isHttpRoute(edge.route.type) ? ", or attach a SecurityPolicy that admits only the testers' networks" : ""}`,
          edge.route.urn,
        );
      }
    }
  },
};

// ---- Fast alarms ---------------------------------------------------------------------------------

const PROMETHEUS_RULE_TYPES = ["kubernetes:monitoring.coreos.com/*:PrometheusRule"];
const isPrometheusRule = typeMatcher(PROMETHEUS_RULE_TYPES);
const MONITOR_TYPES = ["kubernetes:monitoring.coreos.com/*:ServiceMonitor", "kubernetes:monitoring.coreos.com/*:PodMonitor"];
/** The longest window a release alarm may read: past it, a bad canary has failed its share for too long. */
export const MAX_ALARM_WINDOW_SECONDS = 300;

function seconds(duration: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(duration.trim());
  if (!m) return Number.POSITIVE_INFINITY;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "ms" | "s" | "m" | "h" | "d"];
}

interface AlertRule {
  readonly namespace: string;
  readonly expr: string;
  readonly for?: string;
  readonly runbook: string;
}

function alertRulesOf(resources: readonly PolicyResource[]): AlertRule[] {
  return resources
    .filter((r) => isPrometheusRule(r.type))
    .flatMap((r) => {
      const namespace = objectRef(r.props, r.name).namespace;
      return asArray(asObject(r.props["spec"])?.["groups"]).flatMap((g) =>
        asArray(g?.["rules"])
          .filter((rule) => typeof rule?.["alert"] === "string")
          .map((rule) => ({
            namespace,
            expr: String(rule["expr"] ?? ""),
            ...(typeof rule["for"] === "string" ? { for: rule["for"] } : {}),
            runbook: String(asObject(rule["annotations"])?.["runbook"] ?? ""),
          })),
      );
    });
}

/** Whether an alert reads only short windows and fires quickly. */
function fast(rule: AlertRule): boolean {
  const windows = [...rule.expr.matchAll(/\[(\d+(?:ms|s|m|h|d))\]/g)].map((m) => seconds(m[1]!));
  return windows.length > 0 && Math.max(...windows) <= MAX_ALARM_WINDOW_SECONDS && seconds(rule.for ?? "0s") <= MAX_ALARM_WINDOW_SECONDS;
}

export const releaseFastAlarms: StackRule = {
  name: "release-fast-alarms",
  description:
    "A canary or a migration that fails is noticed by its users first unless an alarm compares it within minutes and says how to take the traffic back.",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [...PROMETHEUS_RULE_TYPES, ...ROUTE_TYPES, "kubernetes:apps/*:Deployment"],
  validateStack: (args, report) => {
    prodOnly(args);
    const monitored = args.resources.some((r) => typeMatcher(MONITOR_TYPES)(r.type) || isPrometheusRule(r.type));
    if (!monitored) args.notApplicable("the stack runs no Prometheus rules");
    const alerts = alertRulesOf(args.resources);
    const services = servicesOf(args.resources);
    const edges = routeEdges(args.resources);
    for (const { workload: w, edges: own } of routedWorkloads(args.resources)) {
      const service = services.find((s) => s.namespace === w.namespace && workloadsBehind(s, [w]).length > 0);
      if (!service) continue;
      const mentions = (a: AlertRule) => a.namespace === w.namespace && a.expr.includes(service.name);
      if (w.track === "canary") {
        const found = alerts.some(
          (a) =>
            mentions(a) &&
            a.expr.includes('track="canary"') &&
            a.expr.includes('track="stable"') &&
            fast(a) &&
            a.runbook.includes("--rollback"),
        );
        if (!found) {
          report(
            `${w.label} takes traffic, but no alert compares its error ratio with the stable track's over ${MAX_ALARM_WINDOW_SECONDS / 60} minutes or less; add one (expr over track="canary" and track="stable") whose runbook annotation gives the --rollback command`,
            w.resource.urn,
          );
        }
      }
      const besideLegacy = own.some((e) =>
        edges.some((o) => o.route === e.route && o.at === e.at && Object.keys(serviceOf(o, services)?.selector ?? { x: "" }).length === 0),
      );
      if (w.track === "stable" && besideLegacy) {
        const found = alerts.some((a) => mentions(a) && fast(a) && a.runbook.includes("--legacy-weight"));
        if (!found) {
          report(
            `${w.label} takes a share from legacy backends, but no alert watches its errors over ${MAX_ALARM_WINDOW_SECONDS / 60} minutes or less with a runbook giving the --legacy-weight command that sends the traffic back`,
            w.resource.urn,
          );
        }
      }
    }
  },
};

export const RELEASE_RULES = [
  routeWeightsInRange,
  canaryRouteForm,
  canaryHasStable,
  oneCanaryPerRoute,
  canaryCapacity,
  routeWaitsForCapacity,
  legacyBackendHealthChecked,
  headerRouteUnguessable,
  releaseFastAlarms,
] as const;
