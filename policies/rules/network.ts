/**
 * Network rules: every namespace that serves denies by default, allowances name their peers, and
 * nothing a route sends to is closed to it. Kubernetes NetworkPolicies only add allowances to the
 * pods they select, and a pod selected by none accepts everything.
 */
import type { PolicyResource } from "@pulumi/policy";
import { containersOf, describeObject, labelSelectorMatches, objectRef, SERVING_WORKLOAD_TYPES } from "../lib/kubernetes";
import { asArray, asObject, configSchema, copyOf, forTypes, prodOnly, type ResourceRule, type StackRule, typeMatcher } from "../lib/policy";
import { ROUTE_TYPES, routeEdges, serviceOf, servicesOf, workloadsBehind } from "../lib/routes";
import { workloadsOf } from "../lib/stack";

const NETWORK_POLICY_TYPES = ["kubernetes:networking.k8s.io/*:NetworkPolicy"];
const isNetworkPolicy = typeMatcher(NETWORK_POLICY_TYPES);
const isServing = typeMatcher(SERVING_WORKLOAD_TYPES);

interface Policy {
  readonly resource: PolicyResource;
  readonly namespace: string;
  readonly podSelector: Record<string, any>;
  readonly types: readonly string[];
  readonly ingress: readonly Record<string, any>[];
  readonly egress: readonly Record<string, any>[];
  readonly label: string;
}

function policiesOf(resources: readonly PolicyResource[]): Policy[] {
  return resources
    .filter((r) => isNetworkPolicy(r.type))
    .map((r) => {
      const spec = copyOf(asObject(r.props["spec"])) ?? {};
      const ingress = asArray(spec["ingress"]);
      const egress = asArray(spec["egress"]);
      // As the API server defaults it: Ingress always, Egress when the policy has egress rules.
      const types = asArray(spec["policyTypes"]).length
        ? asArray(spec["policyTypes"]).map(String)
        : ["Ingress", ...(spec["egress"] !== undefined ? ["Egress"] : [])];
      return {
        resource: r,
        namespace: objectRef(r.props, r.name).namespace,
        podSelector: asObject(spec["podSelector"]) ?? {},
        types,
        ingress,
        egress,
        label: describeObject(r.type, r.props, r.name),
      };
    });
}

/** A policy that selects every pod of its namespace and allows nothing in or out. */
function isDefaultDeny(p: Policy): boolean {
  const selectsAll =
    Object.keys(asObject(p.podSelector["matchLabels"]) ?? {}).length === 0 && asArray(p.podSelector["matchExpressions"]).length === 0;
  return selectsAll && p.types.includes("Ingress") && p.types.includes("Egress") && p.ingress.length === 0 && p.egress.length === 0;
}

export const namespaceDefaultDeny: StackRule = {
  name: "namespace-default-deny",
  description:
    "A pod no NetworkPolicy selects accepts connections from every pod of the cluster and reaches everything: one compromised pod reaches them all.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [...SERVING_WORKLOAD_TYPES, ...NETWORK_POLICY_TYPES, "kubernetes:core/v1:Namespace"],
  validateStack: (args, report) => {
    prodOnly(args);
    const policies = policiesOf(args.resources);
    // The stack that creates a namespace owns its default deny; a stack that deploys into a namespace
    // another stack created (an application team's, through a StackReference) cannot declare it.
    const owned = new Set(
      args.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => objectRef(r.props, r.name).name),
    );
    const serving = workloadsOf(args.resources).filter((w) => isServing(w.resource.type) && owned.has(w.namespace));
    for (const namespace of [...new Set(serving.map((w) => w.namespace))].sort()) {
      if (policies.some((p) => p.namespace === namespace && isDefaultDeny(p))) continue;
      const first = serving.find((w) => w.namespace === namespace)!;
      report(
        `namespace '${namespace}' runs ${serving.filter((w) => w.namespace === namespace).length} workload(s) (${first.label} ...) but has no default-deny NetworkPolicy; add one selecting every pod (podSelector: {}) with policyTypes [Ingress, Egress] and no rules, then allow each service's peers`,
        first.resource.urn,
      );
    }
  },
};

/** Whether a peer admits everyone: no peer at all, an empty namespace selector alone, or the whole address space. */
function openPeer(peer: Record<string, any>): boolean {
  const block = asObject(peer["ipBlock"]);
  if (block) return block["cidr"] === "0.0.0.0/0" && asArray(block["except"]).length === 0;
  const ns = asObject(peer["namespaceSelector"]);
  const pods = asObject(peer["podSelector"]);
  const empty = (s: Record<string, any> | undefined) =>
    s !== undefined && Object.keys(asObject(s["matchLabels"]) ?? {}).length === 0 && asArray(s["matchExpressions"]).length === 0;
  return empty(ns) && (pods === undefined || empty(pods));
}

export const networkAllowancesNamed: ResourceRule = {
  name: "network-allowances-named",
  description: "An allowance without peers admits every pod and every address: the policy that should close the network opens it.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: NETWORK_POLICY_TYPES,
  validateResource: forTypes(NETWORK_POLICY_TYPES, (props, args, report) => {
    prodOnly(args);
    const spec = asObject(props["spec"]) ?? {};
    asArray(spec["ingress"]).forEach((rule, i) => {
      const from = asArray(rule?.["from"]);
      if (from.length === 0) report(`spec.ingress[${i}] has no 'from', so it admits every source; name the pods or networks it admits`);
      else if (from.some((peer) => openPeer(asObject(peer) ?? {})))
        report(`spec.ingress[${i}] admits every source (an empty selector or 0.0.0.0/0); name the pods or networks it admits`);
    });
    asArray(spec["egress"]).forEach((rule, i) => {
      const to = asArray(rule?.["to"]);
      const ports = asArray(rule?.["ports"]);
      if (ports.length > 0) return;
      if (to.length === 0 || to.some((peer) => openPeer(asObject(peer) ?? {}))) {
        report(`spec.egress[${i}] reaches every destination on every port; name the destinations, or at least the ports`);
      }
    });
  }),
};

export const networkPolicyAdmitsRoute: StackRule = {
  name: "network-policy-admits-route",
  description:
    "Pods a route sends to, in a namespace that denies by default, fail every request unless a policy admits them on their port.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [...ROUTE_TYPES, ...NETWORK_POLICY_TYPES, ...SERVING_WORKLOAD_TYPES],
  validateStack: (args, report) => {
    const policies = policiesOf(args.resources);
    const services = servicesOf(args.resources);
    const workloads = workloadsOf(args.resources);
    const reported = new Set<string>();
    for (const edge of routeEdges(args.resources)) {
      const service = serviceOf(edge, services);
      if (!service) continue;
      for (const w of workloadsBehind(service, workloads)) {
        const isolating = policies.filter(
          (p) => p.namespace === w.namespace && p.types.includes("Ingress") && labelSelectorMatches(p.podSelector, w.podLabels),
        );
        if (isolating.length === 0 || reported.has(w.resource.urn)) continue;
        const ports = containersOf(w.podSpec).flatMap((c) => asArray(c.spec["ports"]));
        const admits = isolating.some((p) =>
          p.ingress.some((rule) => {
            const allowed = asArray(rule?.["ports"]);
            if (allowed.length === 0) return true;
            return allowed.some((a) =>
              ports.some((port) => a?.["port"] === port?.["containerPort"] || (a?.["port"] !== undefined && a["port"] === port?.["name"])),
            );
          }),
        );
        if (!admits) {
          reported.add(w.resource.urn);
          report(
            `${edge.label} sends requests to ${w.label}, but the NetworkPolicies selecting its pods (${isolating.map((p) => p.label).join(", ")}) admit nothing on its port; admit the gateway's pods on port ${ports.map((p) => p?.["containerPort"]).join(", ") || "(none declared)"}`,
            w.resource.urn,
          );
        }
      }
    }
  },
};

export const NETWORK_RULES = [namespaceDefaultDeny, networkAllowancesNamed, networkPolicyAdmitsRoute] as const;
