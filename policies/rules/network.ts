/**
 * Network rules: a closed network by default. Every namespace that runs pods denies all traffic
 * unless a policy allows it, every kind of pod has a policy of its own that says whom it serves and
 * whom it calls, and only node agents run where Pod Security admits privileged pods.
 */
import type { PolicyResource } from "@pulumi/policy";
import { formatLabels, labelSelectorMatches, labelsOf, objectRef } from "../lib/kubernetes";
import { asArray, asObject, configSchema, copyOf, type StackRule, typeMatcher } from "../lib/policy";
import { podsOf } from "../lib/pods";

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

export const NETWORK_RULES = [networkDefaultDeny, networkPolicySelectsPods, privilegedOnlyForNodeAgents];
