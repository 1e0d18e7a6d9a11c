/**
 * An ACK managed Kubernetes cluster in an environment's vSwitches, its node pools, and the
 * `kubernetes.Provider` every platform and workload component is declared with.
 *
 * The API server stays private unless asked otherwise (upstream makes it public by default), the
 * cluster reuses the environment's NAT gateway instead of creating a second one, node pools repair
 * their nodes and autoscale between their min and max, and the kubeconfig is only ever a secret.
 */
import * as alicloud from "@pulumi/alicloud";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { addonProblems, type ClusterAddon, clusterAddons, type Cni } from "./clusterAddons";
import { rangeProblems } from "./networkPlan";
import {
  anyPoolAutoscales,
  autoscalerPriorities,
  nodePoolProblems,
  nodePoolSetProblems,
  type NodePoolSettings,
  nodePoolSpec,
} from "./nodePoolPlan";

export const CLUSTER_TYPE = "ack-platform:cloud:Cluster";

/** ACK's cluster spec of each edition. Pro adds an SLA-backed control plane. */
export const CLUSTER_SPEC = { standard: "ack.standard", pro: "ack.pro.small" } as const;

/** An ACR Enterprise instance whose images the nodes pull without image pull secrets. */
export interface RegistryAccess {
  /** Instance id (cri-...). */
  readonly instanceId: pulumi.Input<string>;
  /** Region of the instance. */
  readonly region: string;
  /** Registry domains the nodes pull from, e.g. the instance's VPC endpoint. */
  readonly domains: readonly pulumi.Input<string>[];
}

export interface ClusterArgs {
  /** ACK Kubernetes version, pinned so that an upgrade is a deliberate change, e.g. "1.35.2-aliyun.1". */
  readonly version: string;
  /** vSwitches of the control plane and the nodes, one per zone (the Network's `vswitchIds`). */
  readonly vswitchIds: readonly pulumi.Input<string>[];
  /** The nodes' security group (the Network's `securityGroupId`). */
  readonly securityGroupId: pulumi.Input<string>;
  /** Terway's pod vSwitches, one per zone; required with Terway, refused with Flannel. */
  readonly podVswitchIds?: readonly pulumi.Input<string>[];
  /**
   * "pro" (ack.pro.small, SLA-backed control plane) or "standard" (ack.standard).
   * @default "pro"
   */
  readonly edition?: "standard" | "pro";
  /**
   * Network plugin: Terway gives pods VPC addresses from the pod vSwitches; Flannel gives them
   * addresses from `podCidr`.
   * @default "terway"
   */
  readonly cni?: Cni;
  /** Flannel's pod network, outside the VPC and the service CIDR; required with Flannel. */
  readonly podCidr?: string;
  /**
   * Service network, outside the VPC. Changing it replaces the cluster.
   * @default "172.21.0.0/20"
   */
  readonly serviceCidr?: string;
  /**
   * Give the API server an internet-facing load balancer. Upstream's default is true; here it is
   * false, and the cluster is reached from the VPC (VPN, bastion, or a runner inside it).
   * @default false
   */
  readonly publicApiServer?: boolean;
  /**
   * ACK's deletion protection on the cluster, and Pulumi's `protect`.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** Node pools; at least one must not be spot. */
  readonly nodePools: readonly NodePoolSettings[];
  /**
   * Add-ons besides the network plugin and the disk CSI driver, which are always installed; the
   * list is read when the cluster is created.
   * @default []
   */
  readonly addons?: readonly ClusterAddon[];
  /**
   * Resources that give the vSwitches their way out (the Network's `internetAccess`): the cluster
   * is created after them, because its nodes download from the internet while they boot.
   * @default []
   */
  readonly internetAccess?: readonly pulumi.Resource[];
  /** Registry whose images nodes pull without secrets (installs the managed aliyun-acr-credential-helper). */
  readonly registryAccess?: RegistryAccess;
  /**
   * Cluster name in Alibaba Cloud, unique in the account.
   * @default the component's name
   */
  readonly clusterName?: string;
  /** Tags of the cluster. */
  readonly tags?: Readonly<Record<string, string>>;
}

export type ResolvedClusterArgs = Omit<Required<ClusterArgs>, "podVswitchIds" | "podCidr" | "registryAccess"> &
  Pick<ClusterArgs, "podVswitchIds" | "podCidr" | "registryAccess">;

/** Applies the documented defaults. */
export function clusterDefaults(name: string, args: ClusterArgs): ResolvedClusterArgs {
  return {
    ...args,
    edition: args.edition ?? "pro",
    cni: args.cni ?? "terway",
    serviceCidr: args.serviceCidr ?? "172.21.0.0/20",
    publicApiServer: args.publicApiServer ?? false,
    deletionProtection: args.deletionProtection ?? true,
    addons: args.addons ?? [],
    internetAccess: args.internetAccess ?? [],
    clusterName: args.clusterName ?? name,
    tags: { ...args.tags },
  };
}

const VERSION = /^1\.\d{2}\.\d+-aliyun\.\d+$/;
const CLUSTER_NAME = /^[a-zA-Z0-9][-_a-zA-Z0-9]{0,62}$/;

/** Validates the args (defaults applied); throws naming the field, the value and what is accepted. */
export function validateClusterArgs(args: ResolvedClusterArgs): void {
  const fail = (field: string, message: string): never => {
    throw new Error(`Cluster ${field}: ${message}`);
  };
  if (!VERSION.test(args.version)) fail("version", `'${args.version}' is not an ACK version such as '1.35.2-aliyun.1'`);
  if (args.edition !== "pro" && args.edition !== "standard") fail("edition", `'${String(args.edition)}' is not one of: pro, standard`);
  if (!CLUSTER_NAME.test(args.clusterName)) {
    fail("clusterName", `'${args.clusterName}' is not a name of 1 to 63 letters, digits, '-' and '_', starting with a letter or digit`);
  }
  if (args.vswitchIds.length === 0) fail("vswitchIds", "needs at least 1 vSwitch, got 0");
  if (args.cni === "terway") {
    if (!args.podVswitchIds || args.podVswitchIds.length === 0)
      fail("podVswitchIds", "needs at least 1 pod vSwitch with cni 'terway', got 0");
    if (args.podCidr !== undefined)
      fail("podCidr", `'${args.podCidr}' is only used with cni 'flannel'; Terway gives pods addresses from the pod vSwitches`);
  } else if (args.cni === "flannel") {
    if (args.podCidr === undefined)
      fail("podCidr", "is required with cni 'flannel': a block outside the VPC and the service CIDR, such as '172.20.0.0/16'");
    if (args.podVswitchIds && args.podVswitchIds.length > 0) fail("podVswitchIds", "are only used with cni 'terway'");
  } else {
    fail("cni", `'${String(args.cni)}' is not one of: terway, flannel`);
  }
  for (const p of rangeProblems({ serviceCidr: args.serviceCidr, podCidr: args.podCidr })) fail(p.field, p.message);
  for (const p of nodePoolSetProblems(args.nodePools))
    fail(["nodePools", ...p.path].map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join(""), p.message);
  args.nodePools.forEach((pool, i) => {
    const problem = nodePoolProblems(pool)[0];
    if (problem) fail(`nodePools[${i}]${problem.path.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("")}`, problem.message);
  });
  for (const p of addonProblems(args.cni, args.addons)) fail(`addons[${p.index}]`, p.message);
  if (args.registryAccess && args.registryAccess.domains.length === 0)
    fail("registryAccess.domains", "needs at least 1 registry domain, got 0");
}

export class Cluster extends pulumi.ComponentResource {
  readonly clusterId: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  /** The API server's address inside the VPC. */
  readonly apiServerEndpoint: pulumi.Output<string>;
  /** An admin kubeconfig for the cluster; always a secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Node pool ids by pool name. */
  readonly nodePoolIds: pulumi.Output<Record<string, string>>;
  /** The provider every Kubernetes object on this cluster is declared with; it waits for the node pools. */
  readonly provider: k8s.Provider;

  readonly cluster: alicloud.cs.ManagedKubernetes;
  readonly nodePools: Readonly<Record<string, alicloud.cs.NodePool>>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = clusterDefaults(name, args);
    validateClusterArgs(a);
    super(CLUSTER_TYPE, name, {}, opts);

    this.cluster = new alicloud.cs.ManagedKubernetes(
      `${name}-cluster`,
      {
        name: a.clusterName,
        clusterSpec: CLUSTER_SPEC[a.edition],
        version: a.version,
        vswitchIds: [...a.vswitchIds],
        securityGroupId: a.securityGroupId,
        ...(a.cni === "terway" ? { podVswitchIds: [...a.podVswitchIds!] } : { podCidr: a.podCidr!, nodeCidrMask: 24 }),
        serviceCidr: a.serviceCidr,
        proxyMode: "ipvs",
        // Upstream defaults that bite: a public API server, and a second NAT gateway next to ours.
        slbInternetEnabled: a.publicApiServer,
        newNatGateway: false,
        deletionProtection: a.deletionProtection,
        addons: clusterAddons(a.cni, a.addons),
        tags: a.tags,
      },
      { parent: this, protect: a.deletionProtection, dependsOn: [...a.internetAccess] },
    );
    const clusterId = this.cluster.id;

    const pools: Record<string, alicloud.cs.NodePool> = {};
    for (const settings of a.nodePools) {
      const spec = nodePoolSpec(settings);
      pools[settings.name] = new alicloud.cs.NodePool(
        `${name}-pool-${settings.name}`,
        { clusterId, vswitchIds: [...a.vswitchIds], securityGroupIds: [a.securityGroupId], ...spec },
        { parent: this },
      );
    }
    this.nodePools = pools;

    if (anyPoolAutoscales(a.nodePools)) {
      const priorities = autoscalerPriorities(a.nodePools);
      new alicloud.cs.AutoscalingConfig(
        `${name}-autoscaler`,
        {
          clusterId,
          scalerType: "cluster-autoscaler",
          expander: priorities ? "priority" : "least-waste",
          ...(priorities
            ? {
                priorities: Object.fromEntries(
                  Object.entries(priorities).map(([priority, names]) => [
                    priority,
                    pulumi.all(names.map((n) => pools[n]!.scalingGroupId)).apply((ids) => ids.join(",")),
                  ]),
                ),
              }
            : {}),
          scaleDownEnabled: true,
          scanInterval: "30s",
          coolDownDuration: "10m",
          unneededDuration: "10m",
          utilizationThreshold: "0.5",
          skipNodesWithSystemPods: true,
          skipNodesWithLocalStorage: false,
          daemonsetEvictionForNodes: false,
          scaleUpFromZero: true,
        },
        { parent: this },
      );
    }

    if (a.registryAccess) {
      const access = a.registryAccess;
      new alicloud.cs.KubernetesAddon(
        `${name}-acr-credential-helper`,
        {
          clusterId,
          name: "managed-aliyun-acr-credential-helper",
          config: pulumi.all([access.instanceId, pulumi.all([...access.domains])]).apply(([instanceId, domains]) =>
            JSON.stringify({
              AcrInstanceInfo: [{ instanceId, regionId: access.region, domains: domains.join(",") }],
              watchNamespace: "all",
              serviceAccount: "*",
              expiringThreshold: "15m",
              enableRRSA: false,
            }),
          ),
        },
        { parent: this },
      );
    }

    const credential = alicloud.cs.getClusterCredentialOutput({ clusterId }, { parent: this });
    this.kubeconfig = pulumi.secret(credential.kubeConfig);
    // The cluster id identifies the cluster, so a renewed kubeconfig never replaces the provider (and
    // with it every object declared through it). Objects wait for the node pools, which run them.
    this.provider = new k8s.Provider(
      `${name}-kubernetes`,
      { kubeconfig: this.kubeconfig, clusterIdentifier: clusterId },
      { parent: this, dependsOn: Object.values(pools) },
    );

    this.clusterId = clusterId;
    this.clusterName = this.cluster.name;
    this.apiServerEndpoint = this.cluster.connections.apiServerIntranet;
    this.nodePoolIds = pulumi.all(Object.fromEntries(Object.entries(pools).map(([n, p]) => [n, p.id]))) as pulumi.Output<
      Record<string, string>
    >;
    this.registerOutputs({
      clusterId: this.clusterId,
      clusterName: this.clusterName,
      apiServerEndpoint: this.apiServerEndpoint,
      kubeconfig: this.kubeconfig,
      nodePoolIds: this.nodePoolIds,
    });
  }
}
