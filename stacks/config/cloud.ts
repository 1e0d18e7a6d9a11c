/**
 * Config sections of the cloud layer: network, cluster and node pools, registry.
 */
import { z } from "zod";
import {
  ACK_VERSION,
  addressIn,
  CONTROL_PLANE_LOG_COMPONENTS,
  LEGACY_NEXT_HOPS,
  legacyNetworkOf,
  MIN_KUBERNETES_MINOR,
  NAT_BANDWIDTH_MBPS,
  REGION_ID,
  WEEKDAYS,
} from "../../components/cloud";
import {
  bool,
  cidr,
  type EnvironmentKind,
  integer,
  listOf,
  matching,
  memberOf,
  oneOf,
  secretKeyName,
  section,
  show,
  stringMap,
  text,
  textFor,
  withJsonSchema,
} from "./common";
import { existingNetworkProblems, resolveExistingNetwork } from "../../components/cloud/existingNetwork";
import { type Check, type CheckContext, checkSecretRef } from "./checks";
import { CLUSTER_BASELINE, DEFAULT_KUBERNETES_VERSION, KIND_DEFAULTS } from "./defaults";
import type { PartialEnvironment } from "./schema";

/** `network`: the VPC and how its address space is cut into vSwitches. */
export function networkSchema(kind: EnvironmentKind) {
  return section({
    /** The VPC's block; every vSwitch is allocated inside it. */
    vpcCidr: cidr().default("10.0.0.0/16"),
    /** Size of each zone's node vSwitch (/22 = 1,024 addresses). */
    nodeVswitchPrefix: integer().default(22),
    /** Size of each zone's pod vSwitch for Terway (/19 = 8,192 pod addresses). */
    podVswitchPrefix: integer().default(19),
    /** One NAT gateway for the environment, or one per zone so a zone's outage keeps the others online. */
    natGateway: oneOf(["per-environment", "per-zone"]).default("per-environment"),
    /** Bandwidth cap of each NAT gateway's EIP, in Mbit/s; the EIP is paid by traffic, which caps it at 200. */
    natBandwidthMbps: integer().default(
      Math.min(NAT_BANDWIDTH_MBPS.max, Math.max(NAT_BANDWIDTH_MBPS.min, KIND_DEFAULTS[kind].natBandwidthMbps)),
    ),
    /**
     * Networks outside the VPC that services still reach (legacy VMs, an office, a data centre), and
     * the next hop to each: routes go into every route table of the VPC.
     */
    legacyNetworks: listOf(
      section({
        name: textFor("a name of 1 to 40 characters of a-z, 0-9 and '-', starting with a letter"),
        cidrs: listOf(text("an IPv4 CIDR block such as '192.168.10.0/24'")),
        nextHop: section({
          /** VpnGateway, Attachment (a CEN transit router attachment), VpcPeer, Instance, NetworkInterface, HaVip, RouterInterface or Ecr. */
          type: withJsonSchema(textFor(`one of: ${Object.keys(LEGACY_NEXT_HOPS).join(", ")}`), {
            type: "string",
            examples: Object.keys(LEGACY_NEXT_HOPS),
          }),
          id: text("the id of the next hop, such as 'vpn-bp1a2b3c4d5e6f7g8h9i0'"),
        }),
      }),
    ).default([]),
    /**
     * A VPC that exists already, with its vSwitches: nothing of it is created (no VPC, vSwitches, NAT
     * gateway or route tables); vpcCidr is then the existing VPC's block, which the checks need.
     */
    existing: section({
      vpcId: text("a VPC id such as 'vpc-bp1a2b3c4d5e6f7g8h9i0'"),
      /** The nodes' vSwitch in each zone of `zones`. */
      vswitches: vswitchByZone(),
      /** Terway's pod vSwitch in each zone (Terway only). */
      podVswitches: vswitchByZone().optional(),
      /** Route tables that get the routes to legacyNetworks; none are written when unset. */
      routeTables: listOf(text("a route table id such as 'vtb-bp1a2b3c4d5e6f7g8h9i0'"), 1, "route table").optional(),
    }).optional(),
  }).prefault({});
}

/** A vSwitch id per zone: { cn-hangzhou-h: vsw-... }. */
function vswitchByZone() {
  const accepted = "a mapping of each zone to a vSwitch id, such as { cn-hangzhou-h: vsw-bp1a2b3c4d5e6f7g8h9i0 }";
  return z.record(z.string(), text("a vSwitch id such as 'vsw-bp1a2b3c4d5e6f7g8h9i0'"), {
    error: (iss) => (iss.input === undefined ? `is required: ${accepted}` : `${show(iss.input)} is not ${accepted}`),
  });
}

/** Keys of `network` that plan and create a network, so not used with an existing one. */
export const CREATED_NETWORK_KEYS = ["nodeVswitchPrefix", "podVswitchPrefix", "natGateway", "natBandwidthMbps"] as const;

const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

/** An instance type: which ones ECS has is the node pool check's to say (with "did you mean"). */
// The node pool checks judge the form and the family, and say which type was meant.
const instanceType = () => textFor("an ECS instance type such as 'ecs.g7.xlarge'");

/** One ACK node pool. */
export function nodePoolSchema() {
  return section({
    name: textFor("a name of 1 to 30 characters of a-z, 0-9 and '-', starting with a letter"),
    /** The pool's name before a rename: it keeps its nodes, and only its name changes. */
    formerName: textFor("the pool's name before a rename").optional(),
    /** Instance types in order of preference; more than one lets the autoscaler find stock. */
    instanceTypes: listOf(instanceType()),
    systemDiskCategory: oneOf(["cloud_essd", "cloud_auto", "cloud_efficiency"]).default("cloud_essd"),
    systemDiskGb: integer().default(120),
    min: integer(),
    max: integer(),
    labels: stringMap().default({}),
    taints: listOf(
      section({
        key: text(),
        value: z.string().optional(),
        effect: oneOf(TAINT_EFFECTS).default("NoSchedule"),
      }),
    ).default([]),
    /** Preemptible (spot) instances: the cheap burst capacity for promotions. */
    spot: bool().default(false),
  });
}

/** The node pool an environment gets when its config names none. */
export function defaultNodePools(kind: EnvironmentKind) {
  const big = kind === "prod" || kind === "staging";
  return [
    {
      name: "general",
      instanceTypes: big ? ["ecs.g7.2xlarge", "ecs.g6.2xlarge"] : ["ecs.g7.xlarge", "ecs.g6.xlarge"],
      systemDiskCategory: "cloud_essd" as const,
      systemDiskGb: 120,
      min: big ? 3 : 2,
      max: big ? 10 : 4,
      labels: {},
      taints: [],
      spot: false,
    },
  ];
}

/** Two-digit numbers of at least `n` (10 to 99), as a regular expression's alternatives. */
function twoDigitsAtLeast(n: number): string {
  const tens = Math.floor(n / 10);
  return `${tens}[${n % 10}-9]` + (tens < 9 ? `|[${tens + 1}-9][0-9]` : "");
}

/**
 * The cluster component's ACK version form (ACK_VERSION) with its minimum minor, as one pattern: the
 * config refuses what the component refuses, and editors read the same pattern in the JSON Schema.
 */
const SUPPORTED_ACK_VERSION = new RegExp(
  `^${ACK_VERSION.source.slice(1, -1).replace("(\\d{2})", `(${twoDigitsAtLeast(MIN_KUBERNETES_MINOR)})`)}$`,
);

/** `cluster` on Alibaba Cloud: ACK managed Kubernetes and its node pools. */
export function ackClusterSchema(kind: EnvironmentKind) {
  return section({
    /** Kubernetes version, pinned: an upgrade is a deliberate change. */
    version: textFor(
      `an ACK version of Kubernetes 1.${MIN_KUBERNETES_MINOR} or later, such as '1.35.2-aliyun.1'`,
      SUPPORTED_ACK_VERSION,
    ).default(DEFAULT_KUBERNETES_VERSION),
    edition: oneOf(["standard", "pro"]).default(KIND_DEFAULTS[kind].clusterEdition),
    cni: oneOf(["terway", "flannel"]).default("terway"),
    /** Pod network for Flannel only; Terway gives pods addresses from the pod vSwitches. */
    podCidr: cidr().optional(),
    serviceCidr: cidr().default("172.21.0.0/20"),
    /** Check the version against the ones ACK offers in the region before anything is created. */
    checkVersion: bool().default(true),
    /** Expose the API server on the internet. Upstream defaults to true; this library does not. */
    publicApiServer: bool().default(false),
    deletionProtection: bool().default(KIND_DEFAULTS[kind].deletionProtection),
    nodePools: listOf(nodePoolSchema()).default(defaultNodePools(kind)),
    ...clusterBaselineShape(kind === "local" ? "dev" : kind),
  }).prefault({});
}

/** The security baseline keys of `cluster`, with the defaults of the kind (CLUSTER_BASELINE). */
function clusterBaselineShape(kind: Exclude<EnvironmentKind, "local">) {
  const d = CLUSTER_BASELINE[kind];
  return {
    /** The API server's audit log and the control-plane components' logs, in Simple Log Service. */
    logs: section({
      audit: bool().default(d.auditLog),
      controlPlane: listOf(memberOf(CONTROL_PLANE_LOG_COMPONENTS)).default([
        ...d.controlPlaneLogs,
      ] as (typeof CONTROL_PLANE_LOG_COMPONENTS)[number][]),
      retentionDays: integer().default(d.logRetentionDays),
      /** The Simple Log Service project; ACK creates k8s-log-<cluster id> when unset. */
      project: textFor("a Simple Log Service project name (3-63 of a-z, 0-9 and '-')").optional(),
    }).prefault({}),
    /** Envelope encryption of Secrets with a KMS key: the stack's own (protected), or an existing one. */
    secretEncryption: section({
      enabled: bool().default(d.secretEncryption),
      kmsKeyId: matching(/^[-a-zA-Z0-9]{8,64}$/, "a KMS key id such as 'key-hzz6304944d4ejqjx9xzz'").optional(),
    }).prefault({}),
    /** RRSA: pods assume RAM roles through their ServiceAccounts; ACK never turns it off again. */
    rrsa: bool().default(d.rrsa),
    /** When ACK may maintain the control plane and managed node pools. */
    maintenanceWindow: section({
      enabled: bool().default(d.maintenanceWindow),
      weekdays: listOf(memberOf(WEEKDAYS)).default(["Tuesday"]),
      /** Start, "HH:MM" in the clock of utcOffset. */
      start: textFor("a time of day such as '02:00'").default("02:00"),
      hours: integer().default(4),
      utcOffset: textFor("a UTC offset such as '+08:00'").default("+08:00"),
    }).prefault({}),
  };
}

/** `account`: what the Alibaba Cloud account must have before the environment is created in it. */
export function accountSchema() {
  return section({
    /** Activate the services the environment uses (ACK Pro, PrivateZone, KMS, Simple Log Service). */
    activateServices: bool().default(true),
    /** check: stop when a service role is missing; manage: declare them (one stack per account). */
    serviceRoles: oneOf(["check", "manage"]).default("check"),
  }).prefault({});
}

/** `cluster` on a local machine: an existing kubeconfig context (kind, minikube, Docker Desktop). */
export function localClusterSchema() {
  return section({
    /** kubeconfig context; the current context when unset. */
    context: text().optional(),
    /** Path to the kubeconfig file; $KUBECONFIG or ~/.kube/config when unset. */
    kubeconfig: text().optional(),
  }).prefault({});
}

const registryHost = () =>
  matching(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?$/,
    "a registry host such as 'registry.cn-hangzhou.aliyuncs.com' or 'localhost:5001'",
  );

const repositoryNamespace = () =>
  matching(/^[a-z0-9]([-_a-z0-9]{0,28}[a-z0-9])?$/, "a registry namespace of 2-30 characters of a-z, 0-9, '-' and '_'");

const existingRegistry = section({
  mode: z.literal("existing"),
  /** Registry host, e.g. the VPC endpoint of an existing ACR instance. */
  endpoint: registryHost(),
  namespace: repositoryNamespace(),
  /** Username for pushing and pulling; nodes that pull through the ACR credential helper need none. */
  username: text().optional(),
  /** Name of the secret config key that holds the password. */
  passwordSecret: secretKeyName().optional(),
});

const managedRegistry = section({
  mode: z.literal("managed"),
  /** ACR Enterprise Edition instance name (3-30 characters). */
  instanceName: textFor("an instance name of 3-30 characters of a-z, 0-9 and '-'"),
  /** Basic or Advanced (Standard exists only on the China site); replication needs Advanced. */
  edition: oneOf(["Basic", "Standard", "Advanced"]).default("Advanced"),
  namespace: textFor("a registry namespace of 2-30 characters of a-z, 0-9, '-' and '_'"),
  /** Extra CIDR blocks (offices, CI runners) allowed to reach the registry over the internet. */
  allowedCidrs: listOf(
    // The registry judges each block (its prefixes: ALLOW_LIST_PREFIXES), in its own words.
    textFor("an IPv4 CIDR block such as '203.0.113.0/24' or '198.51.100.7/32'"),
  ).default([]),
  /**
   * Repositories kept after their service is gone or renamed: their images stay for rollbacks (in
   * prod the repositories are protected, and a repository no service lists is refused until named here).
   */
  retainedRepositories: listOf(text("a repository name")).default([]),
  /**
   * Minutes `pulumi up` waits for the registry to hold what the stack pulls from it (the mirrored
   * images and charts, the services' pushed images) before it fails; 0 looks once.
   */
  waitMinutes: integer().default(20),
  /** Replicate every repository to an instance in another region. */
  replication: section({
    region: textFor("a region id such as 'cn-shanghai'", REGION_ID),
    /** Id of the instance that receives the copies (cri-...). */
    instanceId: textFor("an ACR instance id such as 'cri-abc123'"),
    namespace: textFor("a registry namespace of 2-30 characters of a-z, 0-9, '-' and '_'").optional(),
  }).optional(),
});

const localRegistry = section({
  mode: z.literal("local"),
  /** Images are tagged <namespace>/<service>:<version> in the local Docker daemon and never pushed. */
  namespace: repositoryNamespace().default("local"),
});

export type RegistryConfig = z.output<typeof existingRegistry> | z.output<typeof managedRegistry> | z.output<typeof localRegistry>;

/** `registry`: where service images live. The accepted modes depend on the kind of environment. */
export function registrySchema(kind: EnvironmentKind) {
  const modes: Record<string, z.ZodType<RegistryConfig>> = kind === "local"
    ? { local: localRegistry, existing: existingRegistry }
    : { existing: existingRegistry, managed: managedRegistry };
  const defaultMode = KIND_DEFAULTS[kind].registryMode;
  const schema = z.unknown().transform((value, ctx): RegistryConfig => {
    const input = value ?? {};
    if (typeof input !== "object" || Array.isArray(input)) {
      ctx.addIssue({ code: "custom", message: `${show(value)} is not a mapping with a 'mode' key`, input: value });
      return z.NEVER;
    }
    const mode = (input as { mode?: unknown }).mode ?? defaultMode;
    const schema = typeof mode === "string" ? modes[mode] : undefined;
    if (!schema) {
      ctx.addIssue({
        code: "custom",
        path: ["mode"],
        message: `${show(mode)} is not one of: ${Object.keys(modes).join(", ")} (in a ${kind} environment)`,
        input: mode,
      });
      return z.NEVER;
    }
    const parsed = schema.safeParse({ ...input, mode }, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...(issue as z.core.$ZodIssueCustom), path: issue.path });
      return z.NEVER;
    }
    return parsed.data;
  });
  // For editors: each mode's own keys, chosen by `mode` (the kind's default mode when it is unset).
  return withJsonSchema(schema, (jsonSchemaOf) => ({
    type: "object",
    description: `a mapping with a 'mode' key: one of ${Object.keys(modes).join(", ")} in a ${kind} environment; '${defaultMode}' when unset`,
    properties: { mode: { type: "string", enum: Object.keys(modes) } },
    allOf: Object.entries(modes).map(([mode, modeSchema]) => {
      const { required = [], ...json } = jsonSchemaOf(modeSchema) as { required?: string[] };
      const isDefault = mode === defaultMode;
      // The default mode's keys apply when `mode` is unset, so there it is not required.
      const keys = required.filter((key) => !(isDefault && key === "mode"));
      return {
        if: { properties: { mode: { const: mode } }, ...(isDefault ? {} : { required: ["mode"] }) },
        then: { ...json, ...(keys.length > 0 ? { required: keys } : {}) },
      };
    }),
  }));
}

/**
 * Cross-key rules of the cloud sections that no component states: keys a choice leaves unused,
 * production's own demands, legacy endpoints the VPC routes, the registry's credentials. The
 * components' rules (the address plan, node pools, the baseline, the registry's names) are run on
 * the args the layers give them (componentChecks.ts).
 */
export const checkCloudConfig: Check = (env, ctx) => {
  checkCluster(env, ctx);
  checkExistingNetwork(env, ctx);
  checkLegacyEndpoints(env, ctx);
  checkRegistry(env, ctx);
};

/**
 * A VPC that exists: its ids as ExistingNetwork states them, a vSwitch per zone (and a pod vSwitch
 * per zone with Terway, none with Flannel), its block given rather than defaulted, and none of the
 * keys that plan a new network.
 */
function checkExistingNetwork(env: PartialEnvironment, ctx: CheckContext) {
  const existing = env.network?.existing;
  if (!existing || !env.network) return;
  const { report } = ctx;
  for (const key of CREATED_NETWORK_KEYS) {
    if (ctx.raw?.(["network", key]) !== undefined) {
      report(["network", key], "is not used with network.existing: the VPC and its vSwitches exist, nothing of them is planned or created");
    }
  }
  if (ctx.raw && ctx.raw(["network", "vpcCidr"]) === undefined) {
    report(
      ["network", "vpcCidr"],
      "is required with network.existing: the existing VPC's block, which the address checks need (the service CIDR apart from it, legacy endpoints inside it)",
    );
  }
  const cluster = env.cluster && "nodePools" in env.cluster ? env.cluster : undefined;
  const terway = cluster?.cni !== "flannel";
  if (terway && !existing.podVswitches) {
    report(
      ["network", "existing", "podVswitches"],
      "is required with cni 'terway': the pod vSwitch of each zone, where pods get their addresses",
    );
  }
  if (!terway && existing.podVswitches) report(["network", "existing", "podVswitches"], "is only used with cni 'terway'");
  const problems = existingNetworkProblems(
    resolveExistingNetwork("network", {
      region: env.region ?? "",
      zones: env.zones ?? [],
      vpcId: existing.vpcId,
      vpcCidr: env.network.vpcCidr,
      vswitchIds: existing.vswitches,
      ...(existing.podVswitches ? { podVswitchIds: existing.podVswitches } : {}),
      ...(existing.routeTables ? { routeTableIds: existing.routeTables } : {}),
      legacyNetworks: env.network.legacyNetworks,
      ...(cluster ? { serviceCidr: cluster.serviceCidr } : {}),
      ...(cluster && !terway && cluster.podCidr ? { podCidr: cluster.podCidr } : {}),
      minZones: env.kind === "prod" ? 2 : 1,
    }),
  );
  const keyOf: Record<string, PropertyKey[]> = {
    vpcId: ["network", "existing", "vpcId"],
    vswitchIds: ["network", "existing", "vswitches"],
    podVswitchIds: ["network", "existing", "podVswitches"],
    routeTableIds: ["network", "existing", "routeTables"],
    zones: ["zones"],
    vpcCidr: ["network", "vpcCidr"],
    legacyNetworks: ["network", "legacyNetworks"],
    serviceCidr: ["cluster", "serviceCidr"],
    podCidr: ["cluster", "podCidr"],
  };
  // ExistingNetwork stands in for the Network, whose checks (componentChecks.ts) are not run on it.
  for (const p of problems) {
    const key = keyOf[String(p.path[0])] ?? ["network", "existing"];
    report([...key, ...p.path.slice(1)], p.message);
  }
}

function checkCluster(env: PartialEnvironment, { report }: CheckContext) {
  const cluster = env.cluster && "nodePools" in env.cluster ? env.cluster : undefined;
  if (!cluster) return;
  // Terway gives pods VPC addresses: a pod CIDR would be silently unused.
  if (cluster.cni !== "flannel" && cluster.podCidr) {
    report(["cluster", "podCidr"], "is only used with cni 'flannel'; Terway gives pods addresses from the pod vSwitches");
  }
  if (!cluster.secretEncryption.enabled && cluster.secretEncryption.kmsKeyId !== undefined) {
    report(["cluster", "secretEncryption", "kmsKeyId"], "is only used with cluster.secretEncryption.enabled: true");
  }
  if (env.kind === "prod" && cluster.publicApiServer) {
    report(
      ["cluster", "publicApiServer"],
      "true is not accepted in prod: reach the API server through the VPC (VPN, bastion or ACK's intranet endpoint)",
    );
  }
}

/**
 * A service's legacy endpoint must lie in the VPC or in one of the legacy networks, or nothing
 * routes its traffic there.
 */
function checkLegacyEndpoints(env: PartialEnvironment, { report }: CheckContext) {
  const network = env.network;
  if (!network) return;
  const networks = network.legacyNetworks;
  env.services?.forEach((svc, i) => {
    svc?.legacy?.endpoints.forEach((endpoint, j) => {
      const address = endpoint.slice(0, endpoint.lastIndexOf(":"));
      if (addressIn(address, network.vpcCidr) || legacyNetworkOf(address, networks)) return;
      const declared =
        networks.length > 0 ? ` and every network in network.legacyNetworks (${networks.map((n) => n.name).join(", ")})` : "";
      report(
        ["services", i, "legacy", "endpoints", j],
        `${show(endpoint)} is outside the VPC ${show(network.vpcCidr)}${declared}, so nothing routes traffic to it; ` +
          "declare the network it is in under network.legacyNetworks: a name, its cidrs and the nextHop that reaches it " +
          "(type VpnGateway, Attachment, VpcPeer, Instance, ... and its id)",
      );
    });
  });
}

function checkRegistry(env: PartialEnvironment, ctx: CheckContext) {
  const { report } = ctx;
  const registry = env.registry;
  if (registry?.mode === "managed") {
    // The component takes each repository once; a retained one listed twice is the config's to say.
    const retained = new Map<string, number>();
    registry.retainedRepositories.forEach((repo, i) => {
      if (retained.has(repo))
        report(["registry", "retainedRepositories", i], `${show(repo)} is listed twice (also [${retained.get(repo)}])`);
      retained.set(repo, i);
    });
  }
  if (registry?.mode === "existing" && registry.passwordSecret && !registry.username) {
    report(["registry", "username"], "is required when registry.passwordSecret is set");
  }
  if (registry?.mode === "existing") checkSecretRef(ctx, ["registry", "passwordSecret"], registry.passwordSecret);
  env.services?.forEach((svc, i) => {
    if (svc?.build && svc.version.startsWith("sha256:")) {
      report(
        ["services", i, "version"],
        `${show(svc.version)} is a digest; a service built from source needs a version tag such as '1.4.2' to tag its image with`,
      );
    }
  });
}
