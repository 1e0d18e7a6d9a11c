/**
 * A plausible Alibaba Cloud provider: ids in the formats the real APIs return (vpc-..., vsw-...,
 * a 33-character ACK cluster id), and the outputs that downstream code reads: a NAT gateway's SNAT
 * table, an EIP's address, a cluster's endpoints and kubeconfig, a registry's temporary login, and
 * what a registry holds (see ./registry.ts).
 * It refuses what the real provider or API refuses, and stores what they store (an add-on's config
 * in the provider's form, a KMS key's rotation interval in seconds), so that a plan of the plan's
 * own state shows what a second `pulumi up` would change.
 */
import { createHash } from "node:crypto";
import { mustParseCidr, parseCidr } from "../../../components/cloud/cidr";
import { CONTROL_PLANE_LOG_COMPONENTS, WEEKDAYS } from "../../../components/cloud/clusterPlan";
import { accountInvokes, accountResource, ACTIVATED_ACCOUNT, type EmulatedAccount } from "./alicloudAccount";
import { storedAddonConfig } from "./alicloudAddons";
import { mirrorComponent, namespaceResource, registryRepos, repositoryResource, subscriptionRuleResource } from "./registry";
import type { EmulatorContext, ProviderEmulator, ResourceRequest, ResourceResponse } from "./types";
import { stableId } from "./types";

/** Id prefixes of the resources whose id is one prefixed token. */
const ID_PREFIX: Readonly<Record<string, string>> = {
  "alicloud:vpc/network:Network": "vpc-",
  "alicloud:vpc/switch:Switch": "vsw-",
  "alicloud:vpc/routeTable:RouteTable": "vtb-",
  "alicloud:ecs/securityGroup:SecurityGroup": "sg-",
  "alicloud:cr/registryEnterpriseInstance:RegistryEnterpriseInstance": "cri-",
};

/** A stable lower-case hex string of `length` characters. */
function hex(length: number, ...parts: string[]): string {
  let out = "";
  for (let i = 0; out.length < length; i++)
    out += createHash("sha256")
      .update([...parts, String(i)].join("\u0000"))
      .digest("hex");
  return out.slice(0, length);
}

/** An address inside a block, stable per seed, never the block's first addresses (the vSwitch gateway's). */
function addressIn(cidr: string, seed: string): string {
  const block = mustParseCidr(cidr);
  const size = 2 ** (32 - block.prefix);
  const offset = 4 + (parseInt(hex(8, seed), 16) % Math.max(size - 8, 1));
  const ip = (block.base + offset) >>> 0;
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

/** A public address in 47.96.0.0/11, where Alibaba Cloud's Hangzhou EIPs come from. */
function publicAddress(seed: string): string {
  const h = parseInt(hex(8, seed), 16);
  return `47.${96 + (h & 31)}.${(h >>> 8) & 255}.${((h >>> 16) % 253) + 1}`;
}

// What later requests of the same run need to know about earlier ones. Ids are derived from type
// and name, so a value remembered from another run of the same program is the same value.
const vswitchCidrs = new Map<string, string>();
const clusters = new Map<string, { name: string; intranet: string; internet: string }>();
const registries = new Map<string, { name: string }>();

/**
 * Versions of managed clusters ACK offers in a region (DescribeKubernetesVersionMetadata, profile
 * Default): the latest patch of each supported minor. Plausible for 2026; the real list moves.
 */
export const OFFERED_VERSIONS: readonly string[] = ["1.33.4-aliyun.1", "1.34.3-aliyun.1", "1.35.2-aliyun.1"];

const DURATION = /^([1-9]|1\d|2[0-4])h$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** What CreateCluster refuses of the baseline settings, in the API's words where they are known. */
function clusterProblems(inputs: Record<string, any>): string[] {
  const problems: string[] = [];
  const components = (inputs["controlPlaneLogComponents"] ?? []) as string[];
  for (const c of components) {
    if (!(CONTROL_PLANE_LOG_COMPONENTS as readonly string[]).includes(c))
      problems.push(`controlPlaneLogComponents: '${c}' is not one of ${CONTROL_PLANE_LOG_COMPONENTS.join(", ")}`);
  }
  const pro = String(inputs["clusterSpec"] ?? "").startsWith("ack.pro");
  if (!pro && inputs["encryptionProviderKey"])
    problems.push("encryptionProviderKey: Secret encryption needs an ACK Pro cluster (clusterSpec ack.pro.*)");
  if (!pro && components.length > 0) problems.push("controlPlaneLogComponents: control-plane logs are collected for ACK Pro clusters only");
  const window = inputs["maintenanceWindow"] as Record<string, any> | undefined;
  if (window?.["enable"]) {
    if (!RFC3339.test(String(window["maintenanceTime"] ?? "")))
      problems.push(`maintenanceWindow.maintenanceTime: '${window["maintenanceTime"]}' is not RFC 3339`);
    if (!DURATION.test(String(window["duration"] ?? "")))
      problems.push(`maintenanceWindow.duration: '${window["duration"]}' is not 1h to 24h`);
    const days = String(window["weeklyPeriod"] ?? "").split(",");
    if (days.some((d) => !(WEEKDAYS as readonly string[]).includes(d)))
      problems.push(`maintenanceWindow.weeklyPeriod: '${window["weeklyPeriod"]}' is not a list of weekdays`);
  }
  return problems;
}

function cluster(req: ResourceRequest): ResourceResponse {
  const problems = clusterProblems(req.inputs);
  if (problems.length > 0) throw new Error(`cs.ManagedKubernetes '${req.name}': ${problems.join("; ")}`);
  const id = `c${hex(32, req.type, req.name)}`;
  const vswitches = (req.inputs["vswitchIds"] ?? []) as string[];
  const cidr = vswitches.map((v) => vswitchCidrs.get(v)).find((c) => c !== undefined) ?? "192.168.0.0/24";
  const intranet = `https://${addressIn(cidr, `${id}/apiserver`)}:6443`;
  const name = String(req.inputs["name"] ?? req.name);
  const publicApi = req.inputs["slbInternetEnabled"] !== false;
  const internet = publicApi ? `https://${publicAddress(`${id}/apiserver`)}:6443` : "";
  clusters.set(id, { name, intranet, internet });
  return {
    id,
    state: {
      ...req.inputs,
      name,
      // vpcId and workerRamRoleName are what the real API returns; the VPC is the vSwitches' own.
      workerRamRoleName: `KubernetesWorkerRole-${hex(8, id, "role")}-${hex(4, id, "r1")}-${hex(4, id, "r2")}`,
      slbId: `lb-${hex(20, id, "slb")}`,
      slbIntranet: intranet.replace(/^https:\/\//, "").replace(/:6443$/, ""),
      slbInternet: publicApi ? publicAddress(`${id}/apiserver`) : "",
      connections: {
        apiServerIntranet: intranet,
        apiServerInternet: internet,
        masterPublicIp: "",
        serviceDomain: `*.${id}.cn.alicontainer.com`,
      },
      natGatewayId: "",
      // RRSA's OIDC provider, created with the cluster when enableRrsa is true.
      rrsaMetadata:
        req.inputs["enableRrsa"] === true
          ? {
              enabled: true,
              rrsaOidcIssuerUrl: `https://oidc-ack.cn-hangzhou.aliyuncs.com/${id}`,
              ramOidcProviderName: `ack-rrsa-${id}`,
              ramOidcProviderArn: `acs:ram::${ACCOUNT_ID}:oidc-provider/ack-rrsa-${id}`,
            }
          : { enabled: false, rrsaOidcIssuerUrl: "", ramOidcProviderName: "", ramOidcProviderArn: "" },
      // Read back as set; a key given without disableEncryption reads back as encrypting.
      ...(req.inputs["encryptionProviderKey"] ? { disableEncryption: false } : {}),
    },
  };
}

/** The account every emulated resource lives in. */
export const ACCOUNT_ID = "1234567890123456";

/**
 * The kubeconfig `cs.getClusterCredential` returns. The data source always asks for the internet one
 * (DescribeClusterUserKubeconfig with PrivateIpAddress=false). For a cluster without a public
 * endpoint what the API then names could not be checked (an intranet URL, or nothing): the emulator
 * answers with no server, the case a program must survive, so that one that trusts the answer fails
 * here rather than in a deploy.
 */
function kubeconfigOf(clusterId: string): string {
  const found = clusters.get(clusterId);
  const server = found ? found.internet : `https://192.168.0.${(parseInt(hex(2, clusterId), 16) % 250) + 2}:6443`;
  const user = `${hex(16, clusterId, "user")}`;
  const cert = Buffer.from(`emulated certificate of ${clusterId}`).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- cluster:",
    `    server: "${server}"`,
    `    certificate-authority-data: ${cert}`,
    "  name: kubernetes",
    "contexts:",
    "- context:",
    "    cluster: kubernetes",
    `    user: "${user}"`,
    `  name: ${user}-${clusterId}`,
    `current-context: ${user}-${clusterId}`,
    "preferences: {}",
    "users:",
    `- name: "${user}"`,
    "  user:",
    `    client-certificate-data: ${cert}`,
    `    client-key-data: ${Buffer.from(`emulated key of ${clusterId}`).toString("base64")}`,
    "",
  ].join("\n");
}

function resource(req: ResourceRequest, ctx: EmulatorContext): ResourceResponse | undefined {
  const inputs = req.inputs;
  const prefix = ID_PREFIX[req.type];
  if (prefix !== undefined) {
    const id = stableId(prefix, req.type, req.name);
    const state: Record<string, unknown> = { ...inputs };
    if (req.type === "alicloud:vpc/switch:Switch" && typeof inputs["cidrBlock"] === "string") vswitchCidrs.set(id, inputs["cidrBlock"]);
    if (req.type === "alicloud:vpc/network:Network") {
      state["routeTableId"] = stableId("vtb-", req.type, req.name, "system");
      state["routerId"] = stableId("vrt-", req.type, req.name);
    }
    if (req.type === "alicloud:cr/registryEnterpriseInstance:RegistryEnterpriseInstance") {
      registries.set(id, { name: String(inputs["instanceName"]) });
      state["status"] = "RUNNING";
    }
    return { id, state };
  }
  switch (req.type) {
    case "alicloud:vpc/natGateway:NatGateway":
      return {
        id: stableId("ngw-", req.type, req.name),
        state: {
          ...inputs,
          snatTableIds: stableId("stb-", req.type, req.name),
          forwardTableIds: stableId("ftb-", req.type, req.name),
          status: "Available",
        },
      };
    case "alicloud:ecs/eipAddress:EipAddress":
      return {
        id: stableId("eip-", req.type, req.name),
        state: { ...inputs, ipAddress: publicAddress(`${req.type}/${req.name}`), status: "Available" },
      };
    case "alicloud:ecs/eipAssociation:EipAssociation":
      return { id: `${inputs["allocationId"]}:${inputs["instanceId"]}`, state: { ...inputs } };
    case "alicloud:vpc/snatEntry:SnatEntry": {
      const snatEntryId = stableId("snat-", req.type, req.name);
      return { id: `${inputs["snatTableId"]}:${snatEntryId}`, state: { ...inputs, snatEntryId, status: "Available" } };
    }
    case "alicloud:vpc/routeTableAttachment:RouteTableAttachment":
      return { id: `${inputs["routeTableId"]}:${inputs["vswitchId"]}`, state: { ...inputs } };
    case "alicloud:vpc/routeEntry:RouteEntry":
      routeEntryCheck(req);
      return {
        id: `${inputs["routeTableId"]}:${stableId("vrt-", req.type, req.name)}:${inputs["destinationCidrblock"]}:${inputs["nexthopType"]}:${inputs["nexthopId"]}`,
        state: { ...inputs },
      };
    case "alicloud:ecs/securityGroupRule:SecurityGroupRule":
      return {
        id: `${inputs["securityGroupId"]}:${inputs["type"]}:${inputs["ipProtocol"]}:${inputs["portRange"]}:${inputs["nicType"]}:${inputs["cidrIp"]}:${inputs["policy"]}:${inputs["priority"]}`,
        state: { ...inputs },
      };
    case "alicloud:cs/managedKubernetes:ManagedKubernetes":
      return cluster(req);
    case "alicloud:cs/nodePool:NodePool": {
      const nodePoolId = `np${hex(30, req.type, req.name)}`;
      return {
        id: `${inputs["clusterId"]}:${nodePoolId}`,
        state: { ...inputs, nodePoolId, scalingGroupId: stableId("asg-", req.type, req.name) },
      };
    }
    case "alicloud:cs/autoscalingConfig:AutoscalingConfig":
      return { id: String(inputs["clusterId"]), state: { ...inputs } };
    case "alicloud:cs/kubernetesAddon:KubernetesAddon": {
      for (const key of ["clusterId", "name"]) {
        if (typeof inputs[key] !== "string" || inputs[key] === "") throw new Error(`cs.KubernetesAddon '${req.name}': ${key} is required`);
      }
      const config = storedAddonConfig(String(inputs["name"]), inputs["config"] as string | undefined);
      return {
        id: `${inputs["clusterId"]}:${inputs["name"]}`,
        state: { ...inputs, ...(config !== undefined ? { config } : {}), version: String(inputs["version"] ?? "v1.0.0") },
      };
    }
    case "alicloud:kms/key:Key": {
      const id = `key-hzz${hex(17, req.type, req.name)}`;
      const interval = inputs["rotationInterval"] as string | undefined;
      if (inputs["automaticRotation"] === "Enabled" && !interval)
        throw new Error(`kms.Key '${req.name}': rotationInterval is required when automaticRotation is Enabled`);
      return {
        id,
        state: {
          ...inputs,
          // DescribeKey returns the interval in seconds ("31536000s"), whatever unit it was given in.
          ...(interval ? { rotationInterval: `${secondsOf(interval, req.name)}s` } : {}),
          arn: `acs:kms:cn-hangzhou:${ACCOUNT_ID}:key/${id}`,
          status: inputs["status"] ?? "Enabled",
          automaticRotation: inputs["automaticRotation"] ?? "Disabled",
          deletionProtection: inputs["deletionProtection"] ?? "Disabled",
        },
      };
    }
    case "alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace":
      return namespaceResource(req, ctx);
    case "alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo":
      return repositoryResource(req, ctx);
    case "alicloud:cr/artifactSubscriptionRule:ArtifactSubscriptionRule":
      return subscriptionRuleResource(req, ctx);
    case "alicloud:cs/registryEnterpriseSyncRule:RegistryEnterpriseSyncRule": {
      const ruleId = stableId("crsr-", req.type, req.name);
      return { id: `${inputs["instanceId"]}:${inputs["namespaceName"]}:${ruleId}`, state: { ...inputs, ruleId, syncDirection: "FROM" } };
    }
    case "alicloud:cr/vpcEndpointLinkedVpc:VpcEndpointLinkedVpc":
      return {
        id: `${inputs["instanceId"]}:${inputs["vpcId"]}:${inputs["vswitchId"]}:${inputs["moduleName"]}`,
        state: { ...inputs, status: "RUNNING" },
      };
    case "alicloud:cr/internetEndpoint:InternetEndpoint":
      return { id: String(inputs["instanceId"]), state: { ...inputs, status: "RUNNING" } };
    default:
      return undefined;
  }
}

/** Next-hop types CreateRouteEntry takes (the provider's documented values). */
const NEXT_HOP_TYPES = [
  "Instance",
  "HaVip",
  "RouterInterface",
  "NetworkInterface",
  "VpnGateway",
  "IPv6Gateway",
  "NatGateway",
  "Attachment",
  "VpcPeer",
  "Ipv4Gateway",
  "GatewayEndpoint",
  "Ecr",
];

function routeEntryCheck(req: ResourceRequest): void {
  const inputs = req.inputs;
  const fail = (message: string): never => {
    throw new Error(`vpc.RouteEntry '${req.name}': ${message}`);
  };
  if (!inputs["routeTableId"]) fail("routeTableId is required");
  const type = String(inputs["nexthopType"] ?? "");
  if (!NEXT_HOP_TYPES.includes(type)) fail(`nexthopType '${type}' is not one of: ${NEXT_HOP_TYPES.join(", ")}`);
  if (!inputs["nexthopId"]) fail(`nexthopId is required with nexthopType '${type}'`);
  const destination = String(inputs["destinationCidrblock"] ?? "");
  const parsed = destination === "0.0.0.0/0" ? { base: 0, prefix: 0 } : parseCidr(destination, { min: 1, max: 32 });
  if ("error" in parsed) fail(`destinationCidrblock '${destination}' is not an IPv4 CIDR block: ${parsed.error}`);
}

function secondsOf(interval: string, name: string): number {
  const m = /^(\d+)([dhms])$/.exec(interval);
  if (!m) throw new Error(`kms.Key '${name}': rotationInterval '${interval}' is not a number of d, h, m or s such as '365d'`);
  return Number(m[1]) * { d: 86400, h: 3600, m: 60, s: 1 }[m[2] as "d" | "h" | "m" | "s"];
}

/** The emulated provider in an account like `account` (by default one where ACK was activated once). */
export function createAlicloudEmulator(account: EmulatedAccount = ACTIVATED_ACCOUNT): ProviderEmulator {
  return {
    prefix: "alicloud:",
    resource: (req, ctx) => accountResource(account, req) ?? resource(req, ctx),
    invokes: { ...accountInvokes(account), ...invokes },
    // What people are asked to put into a registry reaches the emulator with the RegistryMirror
    // component's registration, whose inputs resolve in the same turn as what the component waits on
    // before it looks at the registry: a look answered at once would, in a stack with a few dozen
    // services, come before the emulator knows what their pipelines push.
    answeredAfterTurn: new Set(["alicloud:cs/getRegistryEnterpriseRepos:getRegistryEnterpriseRepos"]),
  };
}

const invokes: ProviderEmulator["invokes"] = {
  "alicloud:cs/getClusterCredential:getClusterCredential": (inputs) => {
    const clusterId = String(inputs["clusterId"]);
    return {
      id: clusterId,
      clusterId,
      clusterName: clusters.get(clusterId)?.name ?? clusterId,
      kubeConfig: kubeconfigOf(clusterId),
      expiration: "2029-11-22T00:00:00Z",
      certificateAuthority: { clusterCert: "", clientCert: "", clientKey: "" },
    };
  },
  "alicloud:cs/getKubernetesVersion:getKubernetesVersion": (inputs) => {
    const clusterType = String(inputs["clusterType"] ?? "");
    if (!["Kubernetes", "ManagedKubernetes"].includes(clusterType))
      throw new Error(`cs.getKubernetesVersion: clusterType '${clusterType}' is not Kubernetes or ManagedKubernetes`);
    const wanted = inputs["kubernetesVersion"] as string | undefined;
    const versions = OFFERED_VERSIONS.filter((v) => !wanted || v === wanted);
    return {
      id: hex(8, "versions", clusterType),
      clusterType,
      ...(wanted ? { kubernetesVersion: wanted } : {}),
      ...(inputs["profile"] ? { profile: inputs["profile"] } : {}),
      metadatas: versions.map((version) => ({ version, runtimes: [{ name: "containerd", version: "2.1.5" }] })),
    };
  },
  "alicloud:cs/getRegistryEnterpriseInstances:getRegistryEnterpriseInstances": (inputs) => {
    const ids = (inputs["ids"] ?? []) as string[];
    const instances = ids
      .filter((id) => registries.has(id))
      .map((id) => ({
        id,
        name: registries.get(id)!.name,
        // GetAuthorizationToken's answer: a temporary user and a token valid for an hour.
        tempUsername: `cr_temp_user`,
        authorizationToken: hex(40, id, "token"),
      }));
    return { id: ids.join(","), ids, names: instances.map((i) => i.name), instances };
  },
  "alicloud:cs/getRegistryEnterpriseRepos:getRegistryEnterpriseRepos": (inputs, ctx) =>
    registryRepos(inputs, ctx, registries.get(String(inputs["instanceId"]))?.name),
};

export const alicloudEmulator: ProviderEmulator = createAlicloudEmulator();

/** The RegistryMirror component: what it asks people to put into the registry (see ./registry.ts). */
export const registryMirrorEmulator: ProviderEmulator = {
  prefix: "ack-platform:cloud:RegistryMirror",
  resource: mirrorComponent,
  invokes: {},
};
