/**
 * A plausible Alibaba Cloud provider: ids in the formats the real APIs return (vpc-..., vsw-...,
 * a 33-character ACK cluster id), and the outputs that downstream code reads: a NAT gateway's SNAT
 * table, an EIP's address, a cluster's endpoints and kubeconfig, a registry's temporary login, and
 * what a registry holds (see ./registry.ts).
 */
import { createHash } from "node:crypto";
import { mustParseCidr } from "../../../components/cloud/cidr";
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
const clusters = new Map<string, { name: string; intranet: string }>();
const registries = new Map<string, { name: string }>();

function cluster(req: ResourceRequest): ResourceResponse {
  const id = `c${hex(32, req.type, req.name)}`;
  const vswitches = (req.inputs["vswitchIds"] ?? []) as string[];
  const cidr = vswitches.map((v) => vswitchCidrs.get(v)).find((c) => c !== undefined) ?? "192.168.0.0/24";
  const intranet = `https://${addressIn(cidr, `${id}/apiserver`)}:6443`;
  const name = String(req.inputs["name"] ?? req.name);
  clusters.set(id, { name, intranet });
  const publicApi = req.inputs["slbInternetEnabled"] !== false;
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
        apiServerInternet: publicApi ? `https://${publicAddress(`${id}/apiserver`)}:6443` : "",
        masterPublicIp: "",
        serviceDomain: `*.${id}.cn.alicontainer.com`,
      },
      natGatewayId: "",
    },
  };
}

function kubeconfigOf(clusterId: string): string {
  const found = clusters.get(clusterId);
  const server = found?.intranet ?? `https://192.168.0.${(parseInt(hex(2, clusterId), 16) % 250) + 2}:6443`;
  const user = `${hex(16, clusterId, "user")}`;
  const cert = Buffer.from(`emulated certificate of ${clusterId}`).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- cluster:",
    `    server: ${server}`,
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
    case "alicloud:cs/kubernetesAddon:KubernetesAddon":
      return { id: `${inputs["clusterId"]}:${inputs["name"]}`, state: { ...inputs, version: String(inputs["version"] ?? "v1.0.0") } };
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

export const alicloudEmulator: ProviderEmulator = {
  prefix: "alicloud:",
  resource,
  invokes: {
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
  },
};

/** The RegistryMirror component: what it asks people to put into the registry (see ./registry.ts). */
export const registryMirrorEmulator: ProviderEmulator = {
  prefix: "ack-platform:cloud:RegistryMirror",
  resource: mirrorComponent,
  invokes: {},
};
