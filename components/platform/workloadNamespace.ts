/**
 * A namespace for application workloads, with the guard rails the field asked for: Pod Security
 * admission, a LimitRange so that a container declared without limits still gets some (the
 * incident where one container ate a node's memory and took a 3-node cluster down), and a closed
 * network: every pod is denied all traffic in and out except DNS, and each service adds what it
 * declares (the Microservice's NetworkPolicy).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DNS_LABEL } from "./namespace";
import { type Problem, problemList, throwProblems } from "./validation";

export const WORKLOAD_NAMESPACE_TYPE = "ack-platform:platform:WorkloadNamespace";

export interface WorkloadNamespaceArgs {
  /** Namespace name. */
  readonly name: string;
  /**
   * Pod Security Standard enforced by admission.
   * @default "restricted"
   */
  readonly podSecurity?: "restricted" | "baseline";
  /**
   * Defaults applied to containers that declare no requests or limits.
   * @default { cpu: "100m", memory: "256Mi" } (memory request equals limit)
   */
  readonly containerDefaults?: { readonly cpu: string; readonly memory: string };
  /** Labels added to the Namespace. */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Deny all traffic to and from the namespace's pods but DNS; services open what they need.
   * @default true
   */
  readonly defaultDeny?: boolean;
}

/** Where pods resolve names: CoreDNS in kube-system, and ACK's NodeLocal DNSCache address when it is installed. */
export const DNS_PEERS = [
  {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
  },
  { ipBlock: { cidr: "169.254.20.10/32" } },
] as const;

/** The objects' specs, without Pulumi: what the namespace and its LimitRange contain. */
export function workloadNamespaceSpecs(args: WorkloadNamespaceArgs) {
  const level = args.podSecurity ?? "restricted";
  const defaults = args.containerDefaults ?? { cpu: "100m", memory: "256Mi" };
  return {
    namespace: {
      metadata: {
        name: args.name,
        labels: {
          ...args.labels,
          "app.kubernetes.io/managed-by": "pulumi",
          "pod-security.kubernetes.io/enforce": level,
          "pod-security.kubernetes.io/enforce-version": "latest",
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
        },
      },
    },
    ...(args.defaultDeny === false
      ? {}
      : {
          defaultDeny: {
            metadata: { name: "default-deny", namespace: args.name },
            // Selects every pod; with both policy types and no rules, nothing is allowed in or out.
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
          },
          dns: {
            metadata: { name: "allow-dns", namespace: args.name },
            spec: {
              podSelector: {},
              policyTypes: ["Egress"],
              egress: [
                {
                  to: DNS_PEERS.map((peer) => structuredClone(peer) as Record<string, unknown>),
                  ports: [
                    { protocol: "UDP", port: 53 },
                    { protocol: "TCP", port: 53 },
                  ],
                },
              ],
            },
          },
        }),
    limitRange: {
      metadata: { name: "container-defaults", namespace: args.name },
      spec: {
        limits: [
          {
            type: "Container",
            defaultRequest: { cpu: defaults.cpu, memory: defaults.memory },
            default: { memory: defaults.memory },
          },
        ],
      },
    },
  };
}

/** Every problem with the args, each naming the field, the value and what is accepted. */
export function workloadNamespaceProblems(args: WorkloadNamespaceArgs): Problem[] {
  const { problems, fail } = problemList();
  if (!DNS_LABEL.test(args.name)) fail("name", args.name, "a DNS label (a-z, 0-9 and '-', at most 63 characters)");
  if (args.podSecurity !== undefined && !["restricted", "baseline"].includes(args.podSecurity))
    fail("podSecurity", args.podSecurity, "one of: restricted, baseline");
  return problems;
}

/** Validates the args before anything is declared: throws every problem at once. */
export function validateWorkloadNamespaceArgs(args: WorkloadNamespaceArgs): void {
  throwProblems("WorkloadNamespace", workloadNamespaceProblems(args));
}

export class WorkloadNamespace extends pulumi.ComponentResource {
  /** The namespace's name, known once it exists. */
  readonly name: pulumi.Output<string>;
  readonly namespace: k8s.core.v1.Namespace;

  constructor(name: string, args: WorkloadNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    validateWorkloadNamespaceArgs(args);
    super(WORKLOAD_NAMESPACE_TYPE, name, {}, opts);
    const specs = workloadNamespaceSpecs(args);
    this.namespace = new k8s.core.v1.Namespace(`${name}-namespace`, specs.namespace, { parent: this });
    new k8s.core.v1.LimitRange(
      `${name}-limits`,
      { ...specs.limitRange, metadata: { ...specs.limitRange.metadata, namespace: this.namespace.metadata.name } },
      { parent: this },
    );
    if (specs.defaultDeny && specs.dns) {
      for (const [role, spec] of [
        ["default-deny", specs.defaultDeny],
        ["allow-dns", specs.dns],
      ] as const) {
        new k8s.networking.v1.NetworkPolicy(
          `${name}-${role}`,
          { ...spec, metadata: { ...spec.metadata, namespace: this.namespace.metadata.name } },
          { parent: this },
        );
      }
    }
    this.name = this.namespace.metadata.name;
    this.registerOutputs({ name: this.name });
  }
}
