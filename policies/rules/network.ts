/**
 * Network rules: a closed network by default. Every namespace that runs pods denies all traffic
 * unless a policy allows it, every kind of pod has a policy of its own that says whom it serves and
 * whom it calls, allowances name their peers, nothing a route sends to is closed to it, and only
 * node agents run where Pod Security admits privileged pods.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  containersOf,
  describeObject,
  formatLabels,
  labelSelectorMatches,
  labelsOf,
  objectRef,
  SERVING_WORKLOAD_TYPES,
} from "../lib/kubernetes";
import { asArray, asObject, configSchema, copyOf, forTypes, prodOnly, type ResourceRule, type StackRule, typeMatcher } from "../lib/policy";
import { podsOf } from "../lib/pods";
import { ROUTE_TYPES, routeEdges, serviceOf, servicesOf, workloadsBehind } from "../lib/routes";
import { workloadsOf } from "../lib/stack";

const NETWORK_POLICY_TYPES = ["kubernetes:networking.k8s.io/*:NetworkPolicy"];

const isNetworkPolicy = typeMatcher(["kubernetes:networking.k8s.io/*:NetworkPolicy"]);

interface NetworkPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: Record<string, any>;
  readonly types: string[];
  readonly ingress: unknown[];
  readonly egress: unknown[];
}

function networkPoliciesOf(resources: readonly PolicyResource[]): NetworkPolicy[] {
  return resources
    .filter((r) => isNetworkPolicy(r.type))
    .map((r) => {
      const spec = copyOf(asObject(r.props["spec"]) ?? {});
      return {
        ...objectRef(r.props, r.name),
        podSelector: asObject(spec["podSelector"]) ?? {},
        types: asArray(spec["policyTypes"]).map(String),
        ingress: asArray(spec["ingress"]),
        egress: asArray(spec["egress"]),
      };
    });
}

const selectsAll = (p: NetworkPolicy) =>
  Object.keys(asObject(p.podSelector["matchLabels"]) ?? {}).length === 0 && asArray(p.podSelector["matchExpressions"]).length === 0;

/** A policy that selects every pod and allows nothing, in both directions. */
function isDefaultDeny(p: NetworkPolicy): boolean {
  return selectsAll(p) && p.types.includes("Ingress") && p.types.includes("Egress") && p.ingress.length === 0 && p.egress.length === 0;
}

export const networkDefaultDeny: StackRule = {
  name: "network-default-deny",
  description:
    "Without a default-deny NetworkPolicy any pod reaches every other: a compromised one can silence Alertmanager or call payments directly.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:networking.k8s.io/*:NetworkPolicy"],
  validateStack: (args, report) => {
    const policies = networkPoliciesOf(args.resources);
    // A namespace another stack declares gets its default deny there (an application team's stack
    // deploys into the platform's namespace): only the stack's own namespaces are judged.
    const declared = new Set(
      args.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => objectRef(r.props, r.name).name),
    );
    const seen = new Set<string>();
    for (const pod of podsOf(args.resources)) {
      if (seen.has(pod.namespace) || !declared.has(pod.namespace)) continue;
      seen.add(pod.namespace);
      if (policies.some((p) => p.namespace === pod.namespace && isDefaultDeny(p))) continue;
      report(
        `namespace '${pod.namespace}' runs pods (${pod.label}) but has no default-deny NetworkPolicy; add one with podSelector: {} and policyTypes [Ingress, Egress] and no rules, then allow what each pod needs`,
        pod.resource.urn,
      );
    }
  },
};

export const networkPolicySelectsPods: StackRule = {
  name: "network-policy-selects-pods",
  description:
    "Under a default deny, a pod that no policy of its own selects can neither serve nor call anything: each kind of pod names its traffic.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:networking.k8s.io/*:NetworkPolicy"],
  validateStack: (args, report) => {
    const all = networkPoliciesOf(args.resources);
    const denied = new Set(all.filter(isDefaultDeny).map((p) => p.namespace));
    const policies = all.filter((p) => !selectsAll(p));
    for (const pod of podsOf(args.resources)) {
      // Judged where the stack's default deny is in force (network-default-deny asks for one);
      // policies do not govern the host's network; labels of an unknown chart's pods are not known.
      if (!denied.has(pod.namespace) || pod.hostNetwork || !pod.labels) continue;
      const labels = pod.labels;
      if (policies.some((p) => p.namespace === pod.namespace && labelSelectorMatches(p.podSelector, labels))) continue;
      report(
        `${pod.label} (labels ${formatLabels(labels)}) is selected by no NetworkPolicy of its own in namespace '${pod.namespace}'; add one that selects these labels and allows the traffic they need (DNS alone is not enough to serve or call anything)`,
        pod.resource.urn,
      );
    }
  },
};

const ENFORCE = "pod-security.kubernetes.io/enforce";

export const privilegedOnlyForNodeAgents: StackRule = {
  name: "privileged-only-for-node-agents",
  description:
    "A namespace that enforces the privileged Pod Security level admits host access to every pod in it: it must hold node agents only.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:core/v1:Namespace"],
  validateStack: (args, report) => {
    const privileged = new Map<string, PolicyResource>();
    for (const r of args.resources) {
      if (r.type !== "kubernetes:core/v1:Namespace") continue;
      const { name } = objectRef(r.props, r.name);
      if (labelsOf(asObject(r.props["metadata"]))[ENFORCE] === "privileged") privileged.set(name, r);
    }
    for (const pod of podsOf(args.resources)) {
      const namespace = privileged.get(pod.namespace);
      if (!namespace || pod.nodeAgent) continue;
      report(
        `namespace '${pod.namespace}' enforces the privileged Pod Security level, and ${pod.label} runs in it though it is no node agent; move the node agents to a namespace of their own and enforce baseline or restricted here`,
        namespace.urn,
      );
    }
  },
};

interface Allowances {
  readonly resource: PolicyResource;
  readonly namespace: string;
  readonly podSelector: Record<string, any>;
  readonly types: readonly string[];
  readonly ingress: readonly Record<string, any>[];
  readonly egress: readonly Record<string, any>[];
  readonly label: string;
}

function allowancesOf(resources: readonly PolicyResource[]): Allowances[] {
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

/** Whether a peer is every address there is: the whole IPv4 space. */
function everyAddress(peer: Record<string, any>): boolean {
  const block = asObject(peer["ipBlock"]);
  return block?.["cidr"] === "0.0.0.0/0" && asArray(block["except"]).length === 0;
}

/** Whether a peer is every pod of the cluster: an empty namespace selector, alone or with an empty pod selector. */
function everyPod(peer: Record<string, any>): boolean {
  const ns = asObject(peer["namespaceSelector"]);
  const pods = asObject(peer["podSelector"]);
  const empty = (s: Record<string, any> | undefined) =>
    s !== undefined && Object.keys(asObject(s["matchLabels"]) ?? {}).length === 0 && asArray(s["matchExpressions"]).length === 0;
  return empty(ns) && (pods === undefined || empty(pods));
}

export const networkAllowancesNamed: ResourceRule = {
  name: "network-allowances-named",
  description:
    "An allowance that names neither its peers nor its ports admits every pod and every address: the policy that should close the network opens it.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: NETWORK_POLICY_TYPES,
  validateResource: forTypes(NETWORK_POLICY_TYPES, (props, args, report) => {
    prodOnly(args);
    const spec = asObject(props["spec"]) ?? {};
    // Sources that cannot be named (the internet for a public gateway, the API server for a webhook)
    // are admitted on named ports; a rule with neither is a hole.
    asArray(spec["ingress"]).forEach((rule, i) => {
      if (asArray(rule?.["ports"]).length > 0) return;
      const from = asArray(rule?.["from"]);
      if (from.length === 0 || from.some((peer) => everyAddress(asObject(peer) ?? {}) || everyPod(asObject(peer) ?? {}))) {
        report(`spec.ingress[${i}] admits every source on every port; name the pods or networks it admits, or at least the ports`);
      }
    });
    // Egress to every pod of the cluster (a gateway's proxies reaching any backend) stays inside it.
    asArray(spec["egress"]).forEach((rule, i) => {
      if (asArray(rule?.["ports"]).length > 0) return;
      const to = asArray(rule?.["to"]);
      if (to.length === 0 || to.some((peer) => everyAddress(asObject(peer) ?? {}))) {
        report(`spec.egress[${i}] reaches every address on every port; name the destinations, or at least the ports`);
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
    const policies = allowancesOf(args.resources);
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

export const NETWORK_RULES = [
  networkDefaultDeny,
  networkPolicySelectsPods,
  privilegedOnlyForNodeAgents,
  networkAllowancesNamed,
  networkPolicyAdmitsRoute,
];
