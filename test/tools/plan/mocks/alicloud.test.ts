/**
 * The emulated Alibaba Cloud provider stores and refuses what the real provider and API do, so that a
 * regression fails here and in the plan, not in a deploy.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import YAML from "yaml";
import { goJson } from "../../../../components/cloud/addonConfig";
import { Cluster } from "../../../../components/cloud/cluster";
import { alicloudEmulator, createAlicloudEmulator, OFFERED_VERSIONS } from "../../../../tools/plan/mocks/alicloud";
import { FRESH_ACCOUNT } from "../../../../tools/plan/mocks/alicloudAccount";
import { mergeConfigValues, storedAddonConfig } from "../../../../tools/plan/mocks/alicloudAddons";
import type { EmulatorContext, ResourceRequest } from "../../../../tools/plan/mocks/types";
import { render } from "../../../harness";

const ctx: EmulatorContext = { project: "p", stack: "s", stackOutputs: () => undefined };

function create(type: string, name: string, inputs: Record<string, any>, emulator = alicloudEmulator) {
  const req: ResourceRequest = { type, name, inputs, custom: true };
  const res = emulator.resource(req, ctx);
  assert.ok(res, `the emulator answers ${type}`);
  return res;
}

const invoke = (token: string, inputs: Record<string, any>, emulator = alicloudEmulator) => emulator.invokes[token]!(inputs, ctx);

const ADDON = "alicloud:cs/kubernetesAddon:KubernetesAddon";
const HELPER = "managed-aliyun-acr-credential-helper";
const helper = (config: string) => create(ADDON, "helper", { clusterId: "c1", name: HELPER, config }).state["config"];

describe("cs.KubernetesAddon: config stored as the provider stores it", () => {
  it("mergeConfigValues keeps the program's keys with the API's values; maps merge, lists come from the API", () => {
    assert.deepEqual(
      mergeConfigValues(
        { a: "mine", nested: { x: 1, gone: 2 }, list: [{ k: 1 }], notAMap: { y: 1 } },
        { a: "theirs", b: "only theirs", nested: { x: 10, z: 3 }, list: [{ k: 1, extra: true }], notAMap: "scalar" },
      ),
      { a: "theirs", nested: { x: 10 }, list: [{ k: 1, extra: true }] },
    );
  });

  it("a config written in the stored form is stored unchanged: the second up is a no-op", () => {
    const config =
      '{"AcrInstanceInfo":[{"domains":"r-vpc.cn-hangzhou.cr.aliyuncs.com","instanceId":"cri-1","regionId":"cn-hangzhou"}],' +
      '"enableRRSA":false,"expiringThreshold":"15m","serviceAccount":"*","watchNamespace":"apps"}';
    assert.equal(helper(config), config);
  });

  it("a config written in insertion order (JSON.stringify) is stored otherwise: every up would update it", () => {
    const written = JSON.stringify({
      AcrInstanceInfo: [{ instanceId: "cri-1", regionId: "cn-hangzhou", domains: "r" }],
      watchNamespace: "apps",
      serviceAccount: "*",
      expiringThreshold: "15m",
      enableRRSA: false,
    });
    const stored = helper(written);
    assert.notEqual(stored, written);
    assert.equal(
      stored,
      '{"AcrInstanceInfo":[{"domains":"r","instanceId":"cri-1","regionId":"cn-hangzhou"}],"enableRRSA":false,"expiringThreshold":"15m","serviceAccount":"*","watchNamespace":"apps"}',
    );
    assert.notEqual(helper(JSON.stringify(JSON.parse(stored), null, 2)), JSON.stringify(JSON.parse(stored), null, 2), "spaces differ too");
  });

  it("keeps the API's value and type, and drops what the add-on does not have", () => {
    assert.equal(helper('{"enableRRSA":"false","watchNamespaces":"apps"}'), '{"enableRRSA":false}');
  });

  it("the Cluster component writes the credential helper's and the ALB controller's config in the stored form", async () => {
    const out = await render(
      () =>
        new Cluster("ack", {
          version: "1.35.2-aliyun.1",
          vswitchIds: ["vsw-a", "vsw-b"],
          podVswitchIds: ["vsw-c", "vsw-d"],
          securityGroupId: "sg-1",
          nodePools: [{ name: "general", instanceTypes: ["ecs.g7.xlarge"], min: 2, max: 4 }],
          installedAddons: [{ name: "alb-ingress-controller", config: { albIngress: { CreateDefaultALBConfig: false } } }],
          registryAccess: { instanceId: "cri-1", region: "cn-hangzhou", domains: ["r"], namespaces: ["apps", "logging"] },
        }),
    );
    const addons = out.ofType(ADDON);
    assert.equal(addons.length, 2);
    for (const a of addons) {
      const config = String(a.inputs["config"]);
      assert.equal(storedAddonConfig(String(a.inputs["name"]), config), config, `${a.name} is stored as written`);
    }
  });

  it("refuses a config that is not JSON, and an add-on without its cluster or name", () => {
    assert.throws(() => helper("{watchNamespace: apps}"), /json config parse error/);
    assert.throws(() => create(ADDON, "a", { name: HELPER }), /cs\.KubernetesAddon 'a': clusterId is required/);
    assert.throws(() => create(ADDON, "a", { clusterId: "c1" }), /cs\.KubernetesAddon 'a': name is required/);
  });

  it("stores an add-on without config as it is", () => {
    const res = create(ADDON, "plain", { clusterId: "c1", name: "ack-node-problem-detector" });
    assert.equal(res.state["config"], undefined);
    assert.equal(res.id, "c1:ack-node-problem-detector");
  });

  it("goJson agrees with JSON.parse: the stored form is the same value", () => {
    const value = { z: [1, { b: "<&>", a: null }], a: { y: true, x: "\u2028" } };
    assert.deepEqual(JSON.parse(goJson(value)), value);
    assert.equal(goJson(value), '{"a":{"x":"\\u2028","y":true},"z":[1,{"a":null,"b":"\\u003c\\u0026\\u003e"}]}');
  });
});

describe("cs.ManagedKubernetes", () => {
  const CLUSTER = "alicloud:cs/managedKubernetes:ManagedKubernetes";
  const base = { name: "c", clusterSpec: "ack.pro.small", slbInternetEnabled: false, vswitchIds: [] };

  it("refuses what CreateCluster refuses of the baseline", () => {
    assert.throws(
      () => create(CLUSTER, "c", { ...base, controlPlaneLogComponents: ["etcd"] }),
      /controlPlaneLogComponents: 'etcd' is not one of/,
    );
    assert.throws(
      () => create(CLUSTER, "c", { ...base, clusterSpec: "ack.standard", encryptionProviderKey: "key-1" }),
      /Secret encryption needs an ACK Pro cluster/,
    );
    assert.throws(
      () =>
        create(CLUSTER, "c", {
          ...base,
          maintenanceWindow: { enable: true, maintenanceTime: "02:00", duration: "4h", weeklyPeriod: "Tuesday" },
        }),
      /maintenanceTime: '02:00' is not RFC 3339/,
    );
    assert.throws(
      () =>
        create(CLUSTER, "c", {
          ...base,
          maintenanceWindow: { enable: true, maintenanceTime: "2024-01-01T02:00:00.000+08:00", duration: "4h", weeklyPeriod: "Tue" },
        }),
      /weeklyPeriod: 'Tue' is not a list of weekdays/,
    );
  });

  it("reports an OIDC provider for RRSA, and no internet endpoint for a private API server", () => {
    const state = create(CLUSTER, "rrsa", { ...base, enableRrsa: true }).state;
    assert.equal(state["rrsaMetadata"].enabled, true);
    assert.match(state["rrsaMetadata"].ramOidcProviderArn, /^acs:ram::\d+:oidc-provider\/ack-rrsa-c[0-9a-f]{32}$/);
    assert.equal(state["connections"].apiServerInternet, "");
    assert.match(state["connections"].apiServerIntranet, /^https:\/\/[\d.]+:6443$/);
  });

  it("cs.getClusterCredential: the internet kubeconfig of a private cluster names no server; of a public one, its internet endpoint", () => {
    const servers = (clusterId: string) =>
      (YAML.parse(invoke("alicloud:cs/getClusterCredential:getClusterCredential", { clusterId })["kubeConfig"]) as any).clusters.map(
        (c: any) => c.cluster.server,
      );
    const privateCluster = create(CLUSTER, "private", base);
    const publicCluster = create(CLUSTER, "public", { ...base, slbInternetEnabled: true });
    assert.deepEqual(servers(privateCluster.id), [""]);
    assert.deepEqual(servers(publicCluster.id), [publicCluster.state["connections"].apiServerInternet]);
  });

  it("cs.getKubernetesVersion: the versions offered for managed clusters, or the one asked for", () => {
    const all = invoke("alicloud:cs/getKubernetesVersion:getKubernetesVersion", { clusterType: "ManagedKubernetes", profile: "Default" });
    assert.deepEqual(
      all["metadatas"].map((m: any) => m.version),
      OFFERED_VERSIONS,
    );
    assert.ok(OFFERED_VERSIONS.includes("1.35.2-aliyun.1"), "the default version is offered");
    const one = invoke("alicloud:cs/getKubernetesVersion:getKubernetesVersion", {
      clusterType: "ManagedKubernetes",
      kubernetesVersion: "1.34.3-aliyun.1",
    });
    assert.deepEqual(
      one["metadatas"].map((m: any) => m.version),
      ["1.34.3-aliyun.1"],
    );
    assert.throws(() => invoke("alicloud:cs/getKubernetesVersion:getKubernetesVersion", { clusterType: "Serverless" }), /clusterType/);
  });
});

describe("kms.Key", () => {
  const KEY = "alicloud:kms/key:Key";
  it("reads the rotation interval back in seconds, as DescribeKey returns it", () => {
    const state = create(KEY, "k", { automaticRotation: "Enabled", rotationInterval: "365d" }).state;
    assert.equal(state["rotationInterval"], "31536000s");
    assert.match(create(KEY, "k2", {}).id, /^key-hzz[0-9a-f]{17}$/);
  });
  it("refuses automatic rotation without an interval", () => {
    assert.throws(() => create(KEY, "k", { automaticRotation: "Enabled" }), /rotationInterval is required/);
  });
});

describe("vpc.RouteEntry", () => {
  const ROUTE = "alicloud:vpc/routeEntry:RouteEntry";
  it("takes a route to a legacy network through a VPN gateway", () => {
    const res = create(ROUTE, "r", {
      routeTableId: "vtb-1",
      destinationCidrblock: "192.168.10.0/24",
      nexthopType: "VpnGateway",
      nexthopId: "vpn-1",
    });
    assert.match(res.id, /^vtb-1:vrt-[0-9a-f]+:192\.168\.10\.0\/24:VpnGateway:vpn-1$/);
  });
  it("refuses an unknown next-hop type, a missing next hop and a bad destination", () => {
    const route = { routeTableId: "vtb-1", destinationCidrblock: "192.168.10.0/24", nexthopType: "VpnGateway", nexthopId: "vpn-1" };
    assert.throws(() => create(ROUTE, "r", { ...route, nexthopType: "Vpn" }), /nexthopType 'Vpn' is not one of/);
    assert.throws(() => create(ROUTE, "r", { ...route, nexthopId: undefined }), /nexthopId is required/);
    assert.throws(() => create(ROUTE, "r", { ...route, destinationCidrblock: "192.168.10.1/24" }), /host bits are set/);
  });
});

describe("the account", () => {
  it("activates services through the data sources, and reports them open", () => {
    for (const token of [
      "alicloud:pvtz/getService:getService",
      "alicloud:kms/getService:getService",
      "alicloud:log/getService:getService",
    ]) {
      assert.equal(invoke(token, { enable: "On" })["status"], "Opened", token);
      assert.equal(invoke(token, { enable: "Off" })["status"], "", token);
    }
    assert.equal(invoke("alicloud:cs/getAckService:getAckService", { enable: "On", type: "propayasgo" })["status"], "Opened");
    assert.throws(() => invoke("alicloud:cs/getAckService:getAckService", { enable: "On", type: "pro" }), /type 'pro'/);
  });

  it("has ACK's roles once ACK was activated; a fresh account has none", () => {
    const regex = "^(AliyunCSDefaultRole|AliyunCSManagedAutoScalerRole|AliyunServiceRoleForAutoScaling)$";
    assert.deepEqual(invoke("alicloud:ram/getRoles:getRoles", { nameRegex: regex })["names"], [
      "AliyunCSDefaultRole",
      "AliyunCSManagedAutoScalerRole",
      "AliyunServiceRoleForAutoScaling",
    ]);
    assert.deepEqual(invoke("alicloud:ram/getRoles:getRoles", { nameRegex: regex }, createAlicloudEmulator(FRESH_ACCOUNT))["names"], []);
  });

  it("refuses to create a role that exists, and creates it in a fresh account", () => {
    const role = { roleName: "AliyunCSDefaultRole", assumeRolePolicyDocument: "{}" };
    assert.throws(() => create("alicloud:ram/role:Role", "r", role), /EntityAlreadyExists\.Role/);
    const fresh = createAlicloudEmulator(FRESH_ACCOUNT);
    assert.equal(create("alicloud:ram/role:Role", "r", role, fresh).id, "AliyunCSDefaultRole");
    assert.throws(() => create("alicloud:ram/role:Role", "r", { roleName: "x" }, fresh), /assumeRolePolicyDocument is required/);
    assert.equal(
      create("alicloud:resourcemanager/serviceLinkedRole:ServiceLinkedRole", "l", { serviceName: "ess.aliyuncs.com" }, fresh).state[
        "roleName"
      ],
      "AliyunServiceRoleForAutoScaling",
    );
    assert.throws(
      () =>
        create("alicloud:ram/rolePolicyAttachment:RolePolicyAttachment", "a", { roleName: "r", policyName: "p", policyType: "Sys" }, fresh),
      /policyType 'Sys' is not System or Custom/,
    );
  });
});
