/**
 * The network policies of the add-ons' namespaces, as pure specs: every namespace denies all
 * traffic by default, lets every pod resolve names, and each pod then gets one policy that names
 * exactly whom it serves and whom it calls. Terway enforces them (the cluster enables its
 * NetworkPolicy support).
 *
 * Two kinds of peers live outside the pod network and cannot be named by labels: the API server
 * (on ACK an address in the node vSwitch, on kind the control-plane container; policies are matched
 * after the `kubernetes` Service's address is translated, so its ClusterIP alone would not match)
 * and the nodes (the kubelet, host-network exporters). They are admitted by port, from or to any
 * address.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export type Labels = Readonly<Record<string, string>>;

/** A port (TCP unless said otherwise). */
export interface PolicyPort {
  readonly port: number;
  readonly protocol?: "TCP" | "UDP";
}

/**
 * Who is allowed: pods by labels in a namespace (this one unless named), every pod of every
 * namespace, or an address block.
 */
export type Peer = { readonly pods: Labels; readonly namespace?: string } | { readonly anyPod: true } | { readonly cidr: string };

/** A rule: these peers (anyone when none) on these ports (every port when none). */
export interface Allow {
  readonly peers?: readonly Peer[];
  readonly ports?: readonly PolicyPort[];
}

/** The policy of one kind of pod: what reaches it and what it reaches. */
export interface PodPolicy {
  /** Object name, e.g. "elasticsearch". */
  readonly name: string;
  /** Labels of the pods; never empty, so the policy is written for them. */
  readonly pods: Labels;
  readonly ingress?: readonly Allow[];
  readonly egress?: readonly Allow[];
}

/** The API server, from a pod's side: HTTPS on the Service port and on the endpoint's port. */
export const API_SERVER: Allow = { ports: [{ port: 443 }, { port: 6443 }] };

/** Labels of the cluster DNS pods (CoreDNS on ACK and kind) in kube-system. */
export const CLUSTER_DNS: Labels = { "k8s-app": "kube-dns" };

const NAMESPACE_NAME = "kubernetes.io/metadata.name";

const LABELS = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "ack-platform" };

function peerSpec(peer: Peer, namespace: string) {
  if ("cidr" in peer) return { ipBlock: { cidr: peer.cidr } };
  if ("anyPod" in peer) return { namespaceSelector: {} };
  const podSelector = { matchLabels: { ...peer.pods } };
  return peer.namespace && peer.namespace !== namespace
    ? { namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: peer.namespace } }, podSelector }
    : { podSelector };
}

function ruleSpec(allow: Allow, namespace: string, direction: "from" | "to") {
  return {
    ...(allow.peers?.length ? { [direction]: allow.peers.map((p) => peerSpec(p, namespace)) } : {}),
    ...(allow.ports?.length ? { ports: allow.ports.map((p) => ({ protocol: p.protocol ?? "TCP", port: p.port })) } : {}),
  };
}

/** The namespace's default: no pod receives or sends anything that another policy does not allow. */
export function defaultDenySpec(namespace: string) {
  return {
    metadata: { name: "default-deny", namespace, labels: LABELS },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
}

/** Every pod of the namespace may ask the cluster DNS. */
export function dnsSpec(namespace: string) {
  return {
    metadata: { name: "allow-dns", namespace, labels: LABELS },
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        ruleSpec(
          { peers: [{ pods: CLUSTER_DNS, namespace: "kube-system" }], ports: [{ port: 53, protocol: "UDP" }, { port: 53 }] },
          namespace,
          "to",
        ),
      ],
    },
  };
}

/** The NetworkPolicy of one kind of pod. */
export function podPolicySpec(namespace: string, policy: PodPolicy) {
  if (Object.keys(policy.pods).length === 0) throw new Error(`network policy '${policy.name}' must select pods by at least one label`);
  const types = [...(policy.ingress ? ["Ingress"] : []), ...(policy.egress ? ["Egress"] : [])];
  return {
    metadata: { name: policy.name, namespace, labels: LABELS },
    spec: {
      podSelector: { matchLabels: { ...policy.pods } },
      policyTypes: types,
      ...(policy.ingress ? { ingress: policy.ingress.map((a) => ruleSpec(a, namespace, "from")) } : {}),
      ...(policy.egress ? { egress: policy.egress.map((a) => ruleSpec(a, namespace, "to")) } : {}),
    },
  };
}

/** Every policy of a namespace: the default deny, DNS, then one per kind of pod. */
export function namespacePolicySpecs(namespace: string, policies: readonly PodPolicy[]) {
  const names = new Set<string>();
  for (const p of policies) {
    if (names.has(p.name) || p.name === "default-deny" || p.name === "allow-dns")
      throw new Error(`network policy '${p.name}' is declared twice in namespace '${namespace}'`);
    names.add(p.name);
  }
  return [defaultDenySpec(namespace), dnsSpec(namespace), ...policies.map((p) => podPolicySpec(namespace, p))];
}

/**
 * Declares a namespace's policies under `parent`, named `<name>-policy-<object name>`. Returns them,
 * so that what runs in the namespace can wait for its policies.
 */
export function declareNetworkPolicies(
  parent: pulumi.Resource,
  name: string,
  namespace: pulumi.Output<string>,
  specs: ReturnType<typeof namespacePolicySpecs>,
): k8s.networking.v1.NetworkPolicy[] {
  return specs.map(
    (spec) =>
      new k8s.networking.v1.NetworkPolicy(
        `${name}-policy-${spec.metadata.name}`,
        { ...spec, metadata: { ...spec.metadata, namespace } },
        { parent },
      ),
  );
}
