/**
 * An ACK managed Kubernetes cluster in an environment's vSwitches, its node pools, and the
 * `kubernetes.Provider` every platform and workload component is declared with.
 *
 * The API server stays private unless asked otherwise (upstream makes it public by default), the
 * cluster reuses the environment's NAT gateway instead of creating a second one, node pools repair
 * their nodes and autoscale between their min and max, and the kubeconfig is only ever a secret.
 * The baseline of a trusted cluster is on by default: audit and control-plane logs, Secrets
 * encrypted with a KMS key, RRSA (pod-level RAM roles), a maintenance window.
 */
import * as alicloud from "@pulumi/alicloud";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CREDENTIAL_HELPER_ADDON, credentialHelperConfig, goJson, type InstalledAddon } from "./addonConfig";
import { addonProblems, type ClusterAddon, clusterAddons, type Cni } from "./clusterAddons";
import {
  ACK_VERSION,
  MIN_KUBERNETES_MINOR,
  apiServerUrl,
  baselineProblems,
  checkOfferedVersion,
  type ClusterLogs,
  DEFAULT_CONTROL_PLANE_LOGS,
  kubeconfigWithServer,
  type MaintenanceWindow,
  maintenanceWindowSpec,
} from "./clusterPlan";
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
  /**
   * Namespaces whose pods pull from the registry. ACK advises against "all", which reaches into
   * kube-system and the other system namespaces and can disturb their own pulls.
   * @default ["default"] (the add-on's own default)
   */
  readonly namespaces?: readonly string[];
  /**
   * ServiceAccounts in those namespaces that get the pull secret; "*" for all of them, which Helm
   * charts need (each runs its pods under a ServiceAccount of its own).
   * @default ["*"]
   */
  readonly serviceAccounts?: readonly string[];
}

/** How Kubernetes Secrets are encrypted in etcd. */
export type SecretEncryption =
  /** A KMS key declared with the cluster (protected: without it no Secret can be read). */
  | "managed-key"
  /** No envelope encryption (ACK standard clusters do not offer it). */
  | "off"
  /** An existing KMS key, by id. */
  | { readonly kmsKeyId: pulumi.Input<string> };

export interface ClusterArgs {
  /** ACK Kubernetes version, pinned so that an upgrade is a deliberate change, e.g. "1.35.2-aliyun.1". */
  readonly version: string;
  /**
   * Check the version against the ones ACK offers in the region (the `cs.getKubernetesVersion` data
   * source) before anything is created. Turn off only for a cluster that already runs a patch ACK no
   * longer offers, until it is upgraded.
   * @default true
   */
  readonly checkVersion?: boolean;
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
   * ACK's deletion protection on the cluster, and Pulumi's `protect` on the cluster, its node pools
   * and its Secrets' KMS key.
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
   * Add-ons installed through `cs.KubernetesAddon`, which reach a cluster that already exists (the
   * `addons` list is read only at creation); each is in the component's `installedAddons` by name.
   * @default []
   */
  readonly installedAddons?: readonly InstalledAddon[];
  /**
   * Resources that give the vSwitches their way out (the Network's `internetAccess`): the cluster
   * is created after them, because its nodes download from the internet while they boot.
   * @default []
   */
  readonly internetAccess?: readonly pulumi.Resource[];
  /** Registry whose images nodes pull without secrets (installs the managed aliyun-acr-credential-helper). */
  readonly registryAccess?: RegistryAccess;
  /**
   * API-server audit log and control-plane logs, in Simple Log Service.
   * @default { audit: true, controlPlane: ["apiserver", "kcm", "scheduler", "ccm", "controlplane-events"] on pro, [] on standard, retentionDays: 30 }
   */
  readonly logs?: Partial<ClusterLogs>;
  /**
   * Envelope encryption of Secrets with a KMS key (ACK Pro only).
   * @default "managed-key" on pro, "off" on standard
   */
  readonly secretEncryption?: SecretEncryption;
  /**
   * RRSA: pods assume RAM roles through their ServiceAccount's OIDC token, instead of sharing the
   * nodes' role. Once on, ACK does not turn it off.
   * @default true
   */
  readonly rrsa?: boolean;
  /**
   * When ACK may maintain the control plane and the managed node pools; false for no window.
   * @default { weekdays: ["Tuesday"], start: "02:00", hours: 4, utcOffset: "+08:00" }
   */
  readonly maintenanceWindow?: MaintenanceWindow | false;
  /**
   * Cluster name in Alibaba Cloud, unique in the account.
   * @default the component's name
   */
  readonly clusterName?: string;
  /** Tags of the cluster. */
  readonly tags?: Readonly<Record<string, string>>;
}

export type ResolvedClusterArgs = Omit<Required<ClusterArgs>, "podVswitchIds" | "podCidr" | "registryAccess" | "logs"> &
  Pick<ClusterArgs, "podVswitchIds" | "podCidr"> & {
    readonly logs: ClusterLogs;
    readonly registryAccess?: Required<RegistryAccess>;
  };

export const DEFAULT_MAINTENANCE_WINDOW: MaintenanceWindow = { weekdays: ["Tuesday"], start: "02:00", hours: 4, utcOffset: "+08:00" };

/** Applies the documented defaults. */
export function clusterDefaults(name: string, args: ClusterArgs): ResolvedClusterArgs {
  const edition = args.edition ?? "pro";
  const pro = edition === "pro";
  const { registryAccess, logs, ...rest } = args;
  return {
    ...rest,
    checkVersion: args.checkVersion ?? true,
    edition,
    cni: args.cni ?? "terway",
    serviceCidr: args.serviceCidr ?? "172.21.0.0/20",
    publicApiServer: args.publicApiServer ?? false,
    deletionProtection: args.deletionProtection ?? true,
    addons: args.addons ?? [],
    installedAddons: args.installedAddons ?? [],
    internetAccess: args.internetAccess ?? [],
    ...(registryAccess
      ? {
          registryAccess: {
            ...registryAccess,
            namespaces: registryAccess.namespaces ?? ["default"],
            serviceAccounts: registryAccess.serviceAccounts ?? ["*"],
          },
        }
      : {}),
    logs: {
      audit: logs?.audit ?? true,
      controlPlane: logs?.controlPlane ?? (pro ? DEFAULT_CONTROL_PLANE_LOGS : []),
      retentionDays: logs?.retentionDays ?? 30,
      ...(logs?.project !== undefined ? { project: logs.project } : {}),
    },
    secretEncryption: args.secretEncryption ?? (pro ? "managed-key" : "off"),
    rrsa: args.rrsa ?? true,
    maintenanceWindow: args.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW,
    clusterName: args.clusterName ?? name,
    tags: { ...args.tags },
  };
}

const CLUSTER_NAME = /^[a-zA-Z0-9][-_a-zA-Z0-9]{0,62}$/;
const NAMESPACE = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SERVICE_ACCOUNT = /^(\*|(?=.{1,253}$)[a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/;

/** One problem with the args: the field (a path in the args, such as "nodePools[1].min") and a sentence. */
export interface ClusterProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Every problem with the args (defaults applied), each naming the field, the value given and what
 * is accepted; the stack's config reports the same.
 */
export function clusterProblems(args: ResolvedClusterArgs): ClusterProblem[] {
  const problems: ClusterProblem[] = [];
  const fail = (field: string, message: string) => void problems.push({ field, message });
  const version = ACK_VERSION.exec(args.version);
  if (!version || Number(version[1]) < MIN_KUBERNETES_MINOR)
    fail("version", `'${args.version}' is not an ACK version of Kubernetes 1.${MIN_KUBERNETES_MINOR} or later, such as '1.35.2-aliyun.1'`);
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
  const pathText = (path: ReadonlyArray<string | number>) => path.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("");
  for (const p of nodePoolSetProblems(args.nodePools)) fail(`nodePools${pathText(p.path)}`, p.message);
  args.nodePools.forEach((pool, i) => {
    for (const p of nodePoolProblems(pool)) fail(`nodePools[${i}]${pathText(p.path)}`, p.message);
  });
  for (const p of addonProblems(args.cni, args.addons)) fail(`addons[${p.index}]`, p.message);
  const installed = new Map<string, number>();
  args.installedAddons.forEach((addon, i) => {
    if (!/^[a-z0-9][-a-z0-9]*$/.test(addon.name))
      fail(`installedAddons[${i}].name`, `'${addon.name}' is not an ACK add-on name such as 'alb-ingress-controller'`);
    if (installed.has(addon.name))
      fail(`installedAddons[${i}].name`, `'${addon.name}' is already installedAddons[${installed.get(addon.name)}]`);
    if (addon.name === CREDENTIAL_HELPER_ADDON) fail(`installedAddons[${i}].name`, `'${addon.name}' is installed from registryAccess`);
    if (args.addons.some((a) => a.name === addon.name))
      fail(`installedAddons[${i}].name`, `'${addon.name}' is also in addons; list it in one of them`);
    installed.set(addon.name, i);
  });
  const access = args.registryAccess;
  if (access) {
    if (access.domains.length === 0) fail("registryAccess.domains", "needs at least 1 registry domain, got 0");
    if (access.namespaces.length === 0) fail("registryAccess.namespaces", "needs at least 1 namespace, got 0");
    access.namespaces.forEach((ns, i) => {
      if (ns === "all")
        fail(
          `registryAccess.namespaces[${i}]`,
          "'all' reaches kube-system and every system namespace; name the namespaces whose pods pull from the registry",
        );
      if (!NAMESPACE.test(ns)) fail(`registryAccess.namespaces[${i}]`, `'${ns}' is not a namespace name`);
    });
    access.serviceAccounts.forEach((sa, i) => {
      if (!SERVICE_ACCOUNT.test(sa)) fail(`registryAccess.serviceAccounts[${i}]`, `'${sa}' is not a ServiceAccount name or '*'`);
    });
  }
  for (const p of baselineProblems(args.edition, args.logs, args.maintenanceWindow)) fail(p.field, p.message);
  if (args.edition !== "pro" && args.secretEncryption !== "off") {
    fail("secretEncryption", "needs edition 'pro': ACK encrypts Secrets with KMS on Pro clusters only; turn it off on 'standard'");
  }
  return problems;
}

/** Validates the args (defaults applied); throws every problem at once, each naming the field, the value and what is accepted. */
export function validateClusterArgs(args: ResolvedClusterArgs): void {
  const problems = clusterProblems(args);
  if (problems.length > 0) throw new Error(problems.map((p) => `Cluster ${p.field}: ${p.message}`).join("\n"));
}

export class Cluster extends pulumi.ComponentResource {
  readonly clusterId: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  /** The API server's address inside the VPC. */
  readonly apiServerEndpoint: pulumi.Output<string>;
  /** An admin kubeconfig for the cluster that names the endpoint that exists; always a secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Node pool ids by pool name. */
  readonly nodePoolIds: pulumi.Output<Record<string, string>>;
  /**
   * The provider every Kubernetes object on this cluster is declared with; it waits for the node
   * pools and for the credential helper, so that no pod is admitted before its ServiceAccount can pull.
   */
  readonly provider: k8s.Provider;

  readonly cluster: alicloud.cs.ManagedKubernetes;
  readonly nodePools: Readonly<Record<string, alicloud.cs.NodePool>>;
  /** The `installedAddons`, by add-on name: what waits for an add-on depends on these. */
  readonly installedAddons: Readonly<Record<string, alicloud.cs.KubernetesAddon>>;
  /** The KMS key that encrypts Secrets, when the cluster declares its own. */
  readonly secretsKey?: alicloud.kms.Key;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = clusterDefaults(name, args);
    validateClusterArgs(a);
    super(CLUSTER_TYPE, name, {}, opts);
    const protect = a.deletionProtection;

    // CreateCluster and UpgradeCluster take only the versions ACK offers in the region: check before
    // anything exists rather than minutes into an `up`.
    const version = a.checkVersion
      ? alicloud.cs
          .getKubernetesVersionOutput({ clusterType: "ManagedKubernetes", profile: "Default" }, { parent: this })
          .metadatas.apply((m) =>
            checkOfferedVersion(
              a.version,
              m.map((v) => v.version),
              "the provider's region",
            ),
          )
      : pulumi.output(a.version);

    if (a.secretEncryption === "managed-key") {
      this.secretsKey = new alicloud.kms.Key(
        `${name}-secrets-key`,
        {
          description: `${a.clusterName}: envelope encryption of Kubernetes Secrets`,
          keySpec: "Aliyun_AES_256",
          keyUsage: "ENCRYPT/DECRYPT",
          protectionLevel: "SOFTWARE",
          origin: "Aliyun_KMS",
          // ACK's KMS encryption provider takes a symmetric AES-256 key and does not follow rotations.
          automaticRotation: "Disabled",
          // Without this key no Secret of the cluster can be read again.
          deletionProtection: protect ? "Enabled" : "Disabled",
          ...(protect ? { deletionProtectionDescription: "encrypts the Secrets of an ACK cluster" } : {}),
          pendingWindowInDays: 30,
          tags: a.tags,
        },
        { parent: this, protect },
      );
    }
    const secretsKeyId =
      a.secretEncryption === "off" ? undefined : a.secretEncryption === "managed-key" ? this.secretsKey!.id : a.secretEncryption.kmsKeyId;

    this.cluster = new alicloud.cs.ManagedKubernetes(
      `${name}-cluster`,
      {
        name: a.clusterName,
        clusterSpec: CLUSTER_SPEC[a.edition],
        version,
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
        enableRrsa: a.rrsa,
        // Both keys, as the provider documents: a key alone does not turn encryption on.
        ...(secretsKeyId !== undefined ? { encryptionProviderKey: secretsKeyId, disableEncryption: false } : {}),
        auditLogConfig: { enabled: a.logs.audit, ...(a.logs.project ? { slsProjectName: a.logs.project } : {}) },
        ...(a.logs.controlPlane.length > 0
          ? {
              controlPlaneLogComponents: [...a.logs.controlPlane],
              controlPlaneLogTtl: String(a.logs.retentionDays),
              ...(a.logs.project ? { controlPlaneLogProject: a.logs.project } : {}),
            }
          : {}),
        ...(a.maintenanceWindow ? { maintenanceWindow: maintenanceWindowSpec(a.maintenanceWindow) } : {}),
        tags: a.tags,
      },
      { parent: this, protect, dependsOn: [...a.internetAccess] },
    );
    const clusterId = this.cluster.id;

    const pools: Record<string, alicloud.cs.NodePool> = {};
    for (const settings of a.nodePools) {
      const spec = nodePoolSpec(settings);
      // The pool's name is part of its resource name: a renamed pool keeps its nodes through an
      // alias to the old name (the name itself is updated in place). Without one, the engine refuses
      // to delete the protected old pool.
      pools[settings.name] = new alicloud.cs.NodePool(
        `${name}-pool-${settings.name}`,
        { clusterId, vswitchIds: [...a.vswitchIds], securityGroupIds: [a.securityGroupId], ...spec },
        {
          parent: this,
          protect,
          ...(settings.formerName ? { aliases: [{ name: `${name}-pool-${settings.formerName}` }] } : {}),
        },
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

    // Installed after the nodes exist: an add-on whose pods cannot be scheduled fails its install task.
    const installed: Record<string, alicloud.cs.KubernetesAddon> = {};
    for (const addon of a.installedAddons) {
      installed[addon.name] = new alicloud.cs.KubernetesAddon(
        `${name}-addon-${addon.name}`,
        { clusterId, name: addon.name, ...(addon.config ? { config: goJson(addon.config) } : {}) },
        { parent: this, dependsOn: Object.values(pools) },
      );
    }
    this.installedAddons = installed;

    let credentialHelper: alicloud.cs.KubernetesAddon | undefined;
    if (a.registryAccess) {
      const access = a.registryAccess;
      credentialHelper = new alicloud.cs.KubernetesAddon(
        `${name}-acr-credential-helper`,
        {
          clusterId,
          name: CREDENTIAL_HELPER_ADDON,
          config: pulumi.all([access.instanceId, pulumi.all([...access.domains])]).apply(([instanceId, domains]) =>
            goJson(
              credentialHelperConfig({
                instanceId,
                regionId: access.region,
                domains,
                namespaces: access.namespaces,
                serviceAccounts: access.serviceAccounts,
              }),
            ),
          ),
        },
        { parent: this },
      );
    }

    const credential = alicloud.cs.getClusterCredentialOutput({ clusterId }, { parent: this });
    const kubeconfig = a.publicApiServer
      ? credential.kubeConfig
      : pulumi.all([credential.kubeConfig, this.cluster.connections]).apply(([config, connections]) => {
          const intranet = connections?.apiServerIntranet;
          if (!intranet) throw new Error(`Cluster ${a.clusterName}: the cluster reports no intranet API server endpoint`);
          return kubeconfigWithServer(config, apiServerUrl(intranet));
        });
    this.kubeconfig = pulumi.secret(kubeconfig);
    // The cluster id identifies the cluster, so a renewed kubeconfig never replaces the provider (and
    // with it every object declared through it).
    this.provider = new k8s.Provider(
      `${name}-kubernetes`,
      { kubeconfig: this.kubeconfig, clusterIdentifier: clusterId },
      { parent: this, dependsOn: [...Object.values(pools), ...(credentialHelper ? [credentialHelper] : [])] },
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
