/**
 * Rules that keep a service up through node drains, crashes and zone outages, and that check the
 * objects pointing at workloads (Services, budgets, autoscalers) really point at one.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  describeObject,
  formatLabels,
  labelSelectorMatches,
  labelsOf,
  mapSelectorMatches,
  objectRef,
  podTemplateOf,
  REPLICATED_TYPES,
  TRACK_LABEL,
} from "../lib/kubernetes";
import {
  asArray,
  asObject,
  configSchema,
  copyOf,
  environmentOf,
  forTypes,
  prodOnly,
  type ResourceRule,
  type StackRule,
  typeMatcher,
} from "../lib/policy";
import { autoscalerOf, autoscalersOf, opaqueNamespaces, type Workload, workloadsOf } from "../lib/stack";

const isReplicated = typeMatcher(REPLICATED_TYPES);

/**
 * The workloads the prod availability rules judge: stable (or untracked) Deployments and
 * StatefulSets. A canary is a small extra copy of a stable track, which carries the guarantees.
 */
function guardedWorkloads(resources: readonly PolicyResource[]): Workload[] {
  return workloadsOf(resources).filter((w) => isReplicated(w.resource.type) && w.track !== "canary");
}

export const prodMinReplicas: StackRule = {
  name: "prod-min-replicas",
  description: "With one replica, every node drain, crash or rollout in prod is an outage.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: REPLICATED_TYPES,
  validateStack: (args, report) => {
    prodOnly(args);
    const autoscalers = autoscalersOf(args.resources);
    for (const w of guardedWorkloads(args.resources)) {
      // An autoscaled workload's floor is its autoscaler's minReplicas, which hpa-bounds judges.
      if (autoscalerOf(w, autoscalers)) continue;
      const replicas = w.replicas ?? 1;
      if (replicas < 2) {
        report(
          `${w.label} runs ${replicas} replica${replicas === 1 ? "" : "s"} in prod; set spec.replicas (or an autoscaler's minReplicas) to at least 2, so a node drain or a crash leaves one serving`,
          w.resource.urn,
        );
      }
    }
  },
};

const isPdbType = typeMatcher(["kubernetes:policy/*:PodDisruptionBudget"]);

interface Budget {
  readonly resource: PolicyResource;
  readonly namespace: string;
  readonly selector?: Record<string, any>;
  readonly spec: Record<string, any>;
  readonly label: string;
}

function budgetsOf(resources: readonly PolicyResource[]): Budget[] {
  return resources
    .filter((r) => isPdbType(r.type))
    .map((r) => {
      const spec = asObject(r.props["spec"]) ?? {};
      const selector = copyOf(asObject(spec["selector"]));
      return {
        resource: r,
        namespace: objectRef(r.props, r.name).namespace,
        ...(selector ? { selector } : {}),
        spec,
        label: describeObject(r.type, r.props, r.name),
      };
    });
}

/** Why a budget lets no pod of `replicas` be evicted, or undefined if it lets one go. */
function blocksEviction(spec: Record<string, any>, replicas: number): string | undefined {
  const maxUnavailable = spec["maxUnavailable"];
  const minAvailable = spec["minAvailable"];
  if (maxUnavailable === 0 || maxUnavailable === "0%") return `maxUnavailable: ${JSON.stringify(maxUnavailable)}`;
  if (typeof minAvailable === "number" && minAvailable >= replicas) return `minAvailable ${minAvailable} of ${replicas} replicas`;
  if (minAvailable === "100%") return "minAvailable: 100%";
  return undefined;
}

export const prodDisruptionBudget: StackRule = {
  name: "prod-disruption-budget",
  description:
    "Without a disruption budget a node upgrade may evict every replica of a service at once; with one that allows nothing, upgrades stall.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [...REPLICATED_TYPES, "kubernetes:policy/*:PodDisruptionBudget"],
  validateStack: (args, report) => {
    prodOnly(args);
    const budgets = budgetsOf(args.resources);
    const autoscalers = autoscalersOf(args.resources);
    for (const w of guardedWorkloads(args.resources)) {
      const budget = budgets.find((b) => b.namespace === w.namespace && labelSelectorMatches(b.selector, w.podLabels));
      if (!budget) {
        report(
          `${w.label} has no PodDisruptionBudget in prod; add one that selects its pods with maxUnavailable: 1, so node upgrades evict them one at a time`,
          w.resource.urn,
        );
        continue;
      }
      const floor = autoscalerOf(w, autoscalers)?.minReplicas ?? w.replicas ?? 1;
      const blocked = blocksEviction(budget.spec, floor);
      if (blocked) {
        report(
          `${budget.label} lets no pod of ${w.label} be evicted (${blocked}); node drains and upgrades will stall: use maxUnavailable: 1`,
          budget.resource.urn,
        );
      }
    }
  },
};

const ZONE_KEYS = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];

export const prodZoneSpread: ResourceRule = {
  name: "prod-zone-spread",
  description: "Replicas the scheduler puts in one zone all go down with it; calls across zones are slower, but an outage is worse.",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: REPLICATED_TYPES,
  validateResource: forTypes(REPLICATED_TYPES, (props, args, report) => {
    prodOnly(args);
    const template = podTemplateOf(args.type, props);
    if (labelsOf(template.metadata)[TRACK_LABEL] === "canary") return;
    const spec = template.spec ?? {};
    const spread = asArray(spec["topologySpreadConstraints"]).some((c) => ZONE_KEYS.includes(String(c?.["topologyKey"])));
    const antiAffinity = asObject(asObject(spec["affinity"])?.["podAntiAffinity"]) !== undefined;
    if (!spread && !antiAffinity) {
      report(
        "its pods are not spread over zones; add a topologySpreadConstraint with topologyKey 'topology.kubernetes.io/zone' (or a podAntiAffinity), so one zone's outage does not take every replica",
      );
    }
  }),
};

export const zoneSpreadHonorsTaints: ResourceRule = {
  name: "zone-spread-honors-taints",
  description:
    "A hard zone spread that counts a dead zone's NotReady nodes holds every zone at that zone's zero pods: no replacement is scheduled anywhere during the outage.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: REPLICATED_TYPES,
  validateResource: forTypes(REPLICATED_TYPES, (props, args, report) => {
    const spec = podTemplateOf(args.type, props).spec ?? {};
    asArray(spec["topologySpreadConstraints"]).forEach((c, i) => {
      if (!ZONE_KEYS.includes(String(c?.["topologyKey"])) || c?.["whenUnsatisfiable"] !== "DoNotSchedule") return;
      if (c?.["nodeTaintsPolicy"] !== "Honor") {
        report(
          `topologySpreadConstraints[${i}] spreads over zones with DoNotSchedule but counts tainted nodes (nodeTaintsPolicy ${c?.["nodeTaintsPolicy"] ?? "Ignore, the default"}); set nodeTaintsPolicy: Honor, so a zone whose nodes are NotReady stops holding the others back (kubernetes/kubernetes#116978)`,
        );
      }
    });
  }),
};

const HPA_TYPES = ["kubernetes:autoscaling/*:HorizontalPodAutoscaler"];

export const hpaBounds: ResourceRule = {
  name: "hpa-bounds",
  description:
    "An autoscaler whose bounds contradict each other never scales as meant, and one that may scale to a single pod in prod brings back single points of failure.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: HPA_TYPES,
  validateResource: forTypes(HPA_TYPES, (props, args, report) => {
    const spec = asObject(props["spec"]) ?? {};
    const min = typeof spec["minReplicas"] === "number" ? spec["minReplicas"] : 1;
    const max = spec["maxReplicas"];
    if (typeof max !== "number") {
      report("it has no maxReplicas; set spec.maxReplicas to the most pods the service may run");
      return;
    }
    if (min < 1) report(`minReplicas is ${min}; set it to at least 1 (scaling to zero needs a feature gate ACK does not enable)`);
    if (min > max) report(`minReplicas ${min} is greater than maxReplicas ${max}; set minReplicas at most maxReplicas`);
    const canary = labelsOf(asObject(props["metadata"]))[TRACK_LABEL] === "canary";
    if (environmentOf(args) === "prod" && min < 2 && !canary) {
      report(`minReplicas is ${min} in prod; set it to at least 2, so a node drain or a crash leaves one pod serving`);
    }
  }),
};

export const hpaTargetExists: StackRule = {
  name: "hpa-target-exists",
  description: "An autoscaler whose target does not exist scales nothing, and the service it was meant for stays at its initial size.",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: HPA_TYPES,
  validateStack: (args, report) => {
    const workloads = workloadsOf(args.resources);
    const opaque = opaqueNamespaces(args.resources);
    for (const hpa of autoscalersOf(args.resources)) {
      if (opaque.has(hpa.namespace)) continue;
      const found = workloads.some((w) => w.namespace === hpa.namespace && w.kind === hpa.targetKind && w.name === hpa.targetName);
      if (!found) {
        report(
          `${hpa.label} scales ${hpa.targetKind ?? "(no kind)"} '${hpa.targetName ?? "(no name)"}', which is not declared in namespace '${hpa.namespace}'; point spec.scaleTargetRef at the workload's kind and metadata.name`,
          hpa.resource.urn,
        );
      }
    }
  },
};

const SERVICE_TYPES = ["kubernetes:core/v1:Service"];
const isEndpointSliceType = typeMatcher(["kubernetes:discovery.k8s.io/*:EndpointSlice"]);

export const serviceSelectsPods: StackRule = {
  name: "service-selects-pods",
  description: "A Service whose selector matches no pods, or a selector-less one without endpoints, routes every request to nothing.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [...SERVICE_TYPES, "kubernetes:discovery.k8s.io/*:EndpointSlice"],
  validateStack: (args, report) => {
    const workloads = workloadsOf(args.resources);
    const opaque = opaqueNamespaces(args.resources);
    const slices = args.resources
      .filter((r) => isEndpointSliceType(r.type))
      .map((r) => ({
        namespace: objectRef(r.props, r.name).namespace,
        service: labelsOf(asObject(r.props["metadata"]))["kubernetes.io/service-name"],
        endpoints: asArray(r.props["endpoints"]).length,
      }));
    for (const r of args.resources.filter((r) => SERVICE_TYPES.includes(r.type))) {
      const spec = asObject(r.props["spec"]) ?? {};
      if (spec["type"] === "ExternalName") continue;
      const { namespace, name } = objectRef(r.props, r.name);
      if (opaque.has(namespace)) continue;
      const label = describeObject(r.type, r.props, r.name);
      const selector = copyOf((asObject(spec["selector"]) ?? {}) as Record<string, string>);
      if (Object.keys(selector).length > 0) {
        if (!workloads.some((w) => w.namespace === namespace && mapSelectorMatches(selector, w.podLabels))) {
          report(
            `${label} selects ${formatLabels(selector)}, but no workload's pods in '${namespace}' carry those labels; fix the selector or the pods' labels`,
            r.urn,
          );
        }
        continue;
      }
      // A Service without a selector is a legacy backend's: its addresses come from EndpointSlices.
      const own = slices.filter((s) => s.namespace === namespace && s.service === name);
      if (own.length === 0) {
        report(
          `${label} has no selector and no EndpointSlice labelled 'kubernetes.io/service-name: ${name}'; add an EndpointSlice with the backend's addresses, or a selector`,
          r.urn,
        );
      } else if (own.every((s) => s.endpoints === 0)) {
        report(`${label} has no selector, and its EndpointSlices list no endpoints; add the backend's addresses`, r.urn);
      }
    }
  },
};

export const pdbSelectsPods: StackRule = {
  name: "pdb-selects-pods",
  description: "A disruption budget that selects no pods protects nothing, while looking as if it did.",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:policy/*:PodDisruptionBudget"],
  validateStack: (args, report) => {
    const workloads = workloadsOf(args.resources);
    const opaque = opaqueNamespaces(args.resources);
    for (const b of budgetsOf(args.resources)) {
      if (opaque.has(b.namespace)) continue;
      if (!workloads.some((w) => w.namespace === b.namespace && labelSelectorMatches(b.selector, w.podLabels))) {
        const shown = b.selector
          ? formatLabels((asObject(b.selector["matchLabels"]) ?? {}) as Record<string, string>)
          : "nothing (no selector)";
        report(`${b.label} selects ${shown}, which no workload's pods in '${b.namespace}' carry; fix spec.selector`, b.resource.urn);
      }
    }
  },
};

export const noNodePortInProd: ResourceRule = {
  name: "no-node-port-in-prod",
  description: "A NodePort opens the service on every node's address, around the gateway and its TLS, limits and logs.",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: SERVICE_TYPES,
  validateResource: forTypes(SERVICE_TYPES, (props, args, report) => {
    prodOnly(args);
    if (asObject(props["spec"])?.["type"] === "NodePort") {
      report("it is of type NodePort in prod; use ClusterIP and route to it through the gateway (or a LoadBalancer Service)");
    }
  }),
};

const TCP_ROUTE_TYPES = ["kubernetes:gateway.networking.k8s.io/*:TCPRoute"];
const isGatewayType = typeMatcher(["kubernetes:gateway.networking.k8s.io/*:Gateway"]);

export const tcpRouteAttached: StackRule = {
  name: "tcp-route-attached",
  description:
    "A TCPRoute attaches to a Gateway's TCP listener, which has its own port; on any other listener the gateway never programs it, and every connection is refused.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [...TCP_ROUTE_TYPES, "kubernetes:gateway.networking.k8s.io/*:Gateway"],
  validateStack: (args, report) => {
    const gateways = args.resources
      .filter((r) => isGatewayType(r.type))
      .map((r) => ({ ...objectRef(r.props, r.name), listeners: copyOf(asArray(asObject(r.props["spec"])?.["listeners"])) }));
    const isTcpRoute = typeMatcher(TCP_ROUTE_TYPES);
    for (const route of args.resources.filter((r) => isTcpRoute(r.type))) {
      const { namespace } = objectRef(route.props, route.name);
      const label = describeObject(route.type, route.props, route.name);
      for (const ref of asArray(asObject(route.props["spec"])?.["parentRefs"])) {
        const gatewayNamespace = String(ref?.["namespace"] ?? namespace);
        const gateway = gateways.find((g) => g.name === ref?.["name"] && g.namespace === gatewayNamespace);
        // A Gateway of another stack is not judged here.
        if (!gateway) continue;
        const tcp = gateway.listeners.filter((l) => l?.["protocol"] === "TCP");
        const named = ref?.["sectionName"] ? gateway.listeners.find((l) => l?.["name"] === ref["sectionName"]) : undefined;
        const where = `Gateway '${gatewayNamespace}/${gateway.name}'`;
        const tcpNames = tcp.map((l) => `'${l["name"]}' (port ${l["port"]})`).join(", ") || "none";
        if (ref?.["sectionName"] && !named) {
          report(
            `${label} attaches to listener '${ref["sectionName"]}', which ${where} does not have; its TCP listeners: ${tcpNames}`,
            route.urn,
          );
        } else if (named && named["protocol"] !== "TCP") {
          report(
            `${label} attaches to listener '${named["name"]}' of ${where}, which speaks ${named["protocol"]}; a TCPRoute needs a TCP listener of its own port (its TCP listeners: ${tcpNames})`,
            route.urn,
          );
        } else if (!ref?.["sectionName"] && tcp.length === 0) {
          report(
            `${label} attaches to ${where}, which has no TCP listener; add a listener with protocol TCP on the route's port`,
            route.urn,
          );
        }
      }
    }
  },
};

export const AVAILABILITY_RULES = [
  prodMinReplicas,
  prodDisruptionBudget,
  prodZoneSpread,
  zoneSpreadHonorsTaints,
  hpaBounds,
  hpaTargetExists,
  serviceSelectsPods,
  pdbSelectsPods,
  noNodePortInProd,
  tcpRouteAttached,
] as const;
