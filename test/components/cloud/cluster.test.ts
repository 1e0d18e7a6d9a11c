import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { ALB_INGRESS_CONTROLLER } from "../../../components/cloud/addonConfig";
import { Cluster, type ClusterArgs, clusterDefaults, validateClusterArgs } from "../../../components/cloud/cluster";
import { CAPACITY_LABEL } from "../../../components/cloud/nodePoolPlan";
import { failureOf, render, type Rendered } from "../../harness";

const BASE: ClusterArgs = {
  version: "1.35.2-aliyun.1",
  vswitchIds: ["vsw-nodes-h", "vsw-nodes-i"],
  podVswitchIds: ["vsw-pods-h", "vsw-pods-i"],
  securityGroupId: "sg-nodes",
  nodePools: [{ name: "general", instanceTypes: ["ecs.g7.xlarge", "ecs.g6.xlarge"], min: 2, max: 6 }],
};
const SPOT = { name: "burst", instanceTypes: ["ecs.c7.2xlarge", "ecs.c6.2xlarge"], min: 0, max: 20, spot: true };

const T = {
  cluster: "alicloud:cs/managedKubernetes:ManagedKubernetes",
  pool: "alicloud:cs/nodePool:NodePool",
  autoscaler: "alicloud:cs/autoscalingConfig:AutoscalingConfig",
  addon: "alicloud:cs/kubernetesAddon:KubernetesAddon",
  key: "alicloud:kms/key:Key",
  provider: "pulumi:providers:kubernetes",
};

/** The server every cluster entry of a kubeconfig names. */
const serversOf = (kubeconfig: string): string[] =>
  (YAML.parse(kubeconfig) as { clusters: Array<{ cluster: { server: string } }> }).clusters.map((c) => c.cluster.server);

const only = (out: Rendered, type: string) => {
  const found = out.ofType(type);
  assert.equal(found.length, 1, `one ${type}`);
  return found[0]!;
};

function errorOf(args: ClusterArgs): string {
  try {
    validateClusterArgs(clusterDefaults("ack", args));
  } catch (err) {
    return (err as Error).message;
  }
  return "(no error)";
}

describe("Cluster", () => {
  it("by default: a protected ACK Pro cluster with Terway, a private API server, no second NAT gateway, and the baseline", async () => {
    const out = await render(() => new Cluster("ack", BASE));
    const cluster = out.named("ack-cluster");
    const key = only(out, T.key);
    assert.equal(cluster.protect, true);
    assert.deepEqual(cluster.inputs, {
      name: "ack",
      clusterSpec: "ack.pro.small",
      version: "1.35.2-aliyun.1",
      vswitchIds: ["vsw-nodes-h", "vsw-nodes-i"],
      securityGroupId: "sg-nodes",
      podVswitchIds: ["vsw-pods-h", "vsw-pods-i"],
      serviceCidr: "172.21.0.0/20",
      proxyMode: "ipvs",
      slbInternetEnabled: false,
      newNatGateway: false,
      deletionProtection: true,
      addons: [
        { name: "terway-eniip", config: '{"IPVlan":"false","NetworkPolicy":"true","ENITrunking":"false"}' },
        { name: "csi-plugin" },
        { name: "csi-provisioner" },
        { name: "nginx-ingress-controller", disabled: true },
        { name: "logtail-ds", disabled: true },
      ],
      enableRrsa: true,
      encryptionProviderKey: cluster.inputs["encryptionProviderKey"],
      disableEncryption: false,
      auditLogConfig: { enabled: true },
      controlPlaneLogComponents: ["apiserver", "kcm", "scheduler", "ccm", "controlplane-events"],
      controlPlaneLogTtl: "30",
      maintenanceWindow: { enable: true, maintenanceTime: "2024-01-01T02:00:00.000+08:00", duration: "4h", weeklyPeriod: "Tuesday" },
      tags: {},
    });
    // Secrets are encrypted with the cluster's own key, which is protected like the cluster.
    assert.match(String(cluster.inputs["encryptionProviderKey"]), /^key-hzz[0-9a-f]{17}$/);
    assert.equal(key.name, "ack-secrets-key");
    assert.equal(key.protect, true);
    assert.ok(cluster.dependsOn.includes(key.urn));
    assert.deepEqual(
      { spec: key.inputs["keySpec"], rotation: key.inputs["automaticRotation"], protection: key.inputs["deletionProtection"] },
      { spec: "Aliyun_AES_256", rotation: "Disabled", protection: "Enabled" },
    );
  });

  it("takes an existing KMS key, no encryption, logs of its choosing and no maintenance window when asked", async () => {
    const out = await render(
      () =>
        new Cluster("ack", {
          ...BASE,
          secretEncryption: { kmsKeyId: "key-hzz6304944d4ejqjx9xzz" },
          logs: { audit: false, controlPlane: ["apiserver"], retentionDays: 90, project: "acme-audit" },
          rrsa: false,
          maintenanceWindow: false,
        }),
    );
    const cluster = out.named("ack-cluster");
    assert.equal(out.ofType(T.key).length, 0, "no key of its own");
    assert.equal(cluster.inputs["encryptionProviderKey"], "key-hzz6304944d4ejqjx9xzz");
    assert.deepEqual(cluster.inputs["auditLogConfig"], { enabled: false, slsProjectName: "acme-audit" });
    assert.deepEqual(cluster.inputs["controlPlaneLogComponents"], ["apiserver"]);
    assert.equal(cluster.inputs["controlPlaneLogTtl"], "90");
    assert.equal(cluster.inputs["controlPlaneLogProject"], "acme-audit");
    assert.equal(cluster.inputs["enableRrsa"], false);
    assert.equal(cluster.inputs["maintenanceWindow"], undefined);
    const off = await render(() => new Cluster("ack", { ...BASE, secretEncryption: "off" }));
    assert.equal(off.named("ack-cluster").inputs["encryptionProviderKey"], undefined);
    assert.equal(off.ofType(T.key).length, 0);
  });

  it("checks the version against the ones ACK offers in the region, and names them when it is not one", async () => {
    const bad = { ...BASE, version: "1.35.1-aliyun.1" };
    const res = failureOf(`const { Cluster } = require("./components/cloud/cluster");
      return () => new Cluster("ack", ${JSON.stringify(bad)});`);
    assert.deepEqual(res, {
      failed: true,
      message:
        "Cluster version: '1.35.1-aliyun.1' is not a version ACK offers for managed clusters in the provider's region; " +
        "offered: 1.33.4-aliyun.1, 1.34.3-aliyun.1, 1.35.2-aliyun.1. Pin one of them; a cluster that already runs an older patch plans with checkVersion: false until it is upgraded",
    });
    // A cluster that already runs a patch ACK no longer offers still plans, when told so.
    const out = await render(() => new Cluster("ack", { ...bad, checkVersion: false }));
    assert.equal(out.named("ack-cluster").inputs["version"], "1.35.1-aliyun.1");
    assert.equal((await render(() => new Cluster("ack", BASE))).named("ack-cluster").inputs["version"], "1.35.2-aliyun.1");
  });

  it("builds its Kubernetes provider from the kubeconfig as a secret, identified by the cluster id, after the node pools and the credential helper", async () => {
    const out = await render(() => {
      const c = new Cluster("ack", {
        ...BASE,
        registryAccess: { instanceId: "cri-abc123", region: "cn-hangzhou", domains: ["r.example"] },
      });
      return {
        kubeconfig: c.kubeconfig,
        clusterId: c.clusterId,
        api: c.apiServerEndpoint,
        pools: c.nodePoolIds,
        isProvider: c.provider instanceof pulumi.ProviderResource,
      };
    });
    const provider = only(out, T.provider);
    assert.equal(provider.name, "ack-kubernetes");
    assert.equal(provider.inputs["kubeconfig"], "[secret]");
    assert.match(String(provider.inputs["clusterIdentifier"]), /^c[0-9a-f]{32}$/);
    assert.ok(provider.dependsOn.includes(out.named("ack-pool-general").urn), "objects wait for nodes");
    assert.ok(provider.dependsOn.includes(out.named("ack-acr-credential-helper").urn), "and for the pull secrets");
    const o = out.outputs as Record<string, any>;
    assert.equal(o["kubeconfig"], "[secret]");
    assert.equal(o["clusterId"], provider.inputs["clusterIdentifier"]);
    assert.match(o["api"], /^https:\/\/[\d.]+:6443$/);
    assert.deepEqual(Object.keys(o["pools"]), ["general"]);
    assert.equal(o["isProvider"], true);
  });

  it("points the kubeconfig of a private cluster at its intranet endpoint, which the credential does not name", async () => {
    let kubeconfig = "";
    let api = "";
    await render(() => {
      const c = new Cluster("ack", BASE);
      pulumi.all([c.kubeconfig, c.apiServerEndpoint]).apply(([k, a]) => {
        [kubeconfig, api] = [k, a];
      });
    });
    assert.match(api, /^https:\/\/[\d.]+:6443$/);
    assert.deepEqual(serversOf(kubeconfig), [api]);
    assert.equal((YAML.parse(kubeconfig) as { kind: string }).kind, "Config");
    // The credential alone names no server for a cluster without a public endpoint.
    let credential = "";
    await render(() => {
      const c = new Cluster("ack", BASE);
      alicloud.cs.getClusterCredentialOutput({ clusterId: c.clusterId }).kubeConfig.apply((k) => (credential = k));
    });
    assert.deepEqual(serversOf(credential), [""]);
  });

  it("keeps the credential's kubeconfig of a cluster with a public API server", async () => {
    let kubeconfig = "";
    await render(() => {
      const c = new Cluster("ack", { ...BASE, publicApiServer: true, deletionProtection: false });
      c.kubeconfig.apply((k) => (kubeconfig = k));
    });
    assert.match(serversOf(kubeconfig)[0]!, /^https:\/\/47\.\d+\.\d+\.\d+:6443$/);
  });

  it("bursts to spot first: the autoscaler's priorities name the spot pool's scaling group above the on-demand one", async () => {
    const out = await render(() => new Cluster("ack", { ...BASE, nodePools: [...BASE.nodePools, SPOT] }));
    const burst = out.named("ack-pool-burst");
    assert.equal(burst.inputs["spotStrategy"], "SpotAsPriceGo");
    assert.deepEqual(
      (burst.inputs["labels"] as any[]).find((l) => l.key === CAPACITY_LABEL),
      { key: CAPACITY_LABEL, value: "spot" },
    );
    const autoscaler = only(out, T.autoscaler);
    assert.equal(autoscaler.inputs["expander"], "priority");
    const priorities = autoscaler.inputs["priorities"] as Record<string, string>;
    assert.deepEqual(Object.keys(priorities).sort(), ["10", "20"]);
    assert.match(priorities["20"]!, /^asg-[0-9a-f]+$/);
    assert.match(priorities["10"]!, /^asg-[0-9a-f]+$/);
    assert.notEqual(priorities["20"], priorities["10"]);
  });

  it("configures no autoscaler when every pool has a fixed size", async () => {
    const out = await render(() => new Cluster("ack", { ...BASE, nodePools: [{ ...BASE.nodePools[0]!, min: 3, max: 3 }] }));
    assert.equal(out.ofType(T.autoscaler).length, 0);
    assert.equal(out.named("ack-pool-general").inputs["desiredSize"], "3");
  });

  it("takes the standard edition, Flannel, a public API server and no deletion protection when asked", async () => {
    const out = await render(
      () =>
        new Cluster("ack", {
          ...BASE,
          podVswitchIds: undefined,
          edition: "standard",
          cni: "flannel",
          podCidr: "172.20.0.0/16",
          publicApiServer: true,
          deletionProtection: false,
          clusterName: "acme-dev",
        }),
    );
    const cluster = out.named("ack-cluster");
    assert.equal(cluster.protect, false);
    assert.equal(cluster.inputs["clusterSpec"], "ack.standard");
    assert.equal(cluster.inputs["slbInternetEnabled"], true);
    assert.equal(cluster.inputs["deletionProtection"], false);
    assert.equal(cluster.inputs["podCidr"], "172.20.0.0/16");
    assert.equal(cluster.inputs["nodeCidrMask"], 24);
    assert.equal(cluster.inputs["podVswitchIds"], undefined);
    assert.equal(cluster.inputs["name"], "acme-dev");
    assert.deepEqual((cluster.inputs["addons"] as any[])[0], { name: "flannel" });
  });

  it("installs ACK's credential helper for a registry's namespaces, its config written as the provider stores it", async () => {
    const registryAccess = { instanceId: "cri-abc123", region: "cn-hangzhou", domains: ["acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com"] };
    const out = await render(() => new Cluster("ack", { ...BASE, registryAccess }));
    const addon = only(out, T.addon);
    assert.equal(addon.name, "ack-acr-credential-helper");
    assert.equal(addon.inputs["name"], "managed-aliyun-acr-credential-helper");
    // Keys sorted at every level and no spaces: Go's json.Marshal, which the provider stores.
    assert.equal(
      addon.inputs["config"],
      '{"AcrInstanceInfo":[{"domains":"acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com","instanceId":"cri-abc123","regionId":"cn-hangzhou"}],' +
        '"enableRRSA":false,"expiringThreshold":"15m","serviceAccount":"*","watchNamespace":"default"}',
    );
    const scoped = await render(
      () =>
        new Cluster("ack", {
          ...BASE,
          registryAccess: { ...registryAccess, namespaces: ["apps", "monitoring"], serviceAccounts: ["default"] },
        }),
    );
    const config = JSON.parse(String(only(scoped, T.addon).inputs["config"]));
    assert.equal(config.watchNamespace, "apps,monitoring");
    assert.equal(config.serviceAccount, "default");
  });

  it("installs add-ons on a cluster that may already exist, after its nodes, config in the stored form", async () => {
    const out = await render(() => new Cluster("ack", { ...BASE, installedAddons: [ALB_INGRESS_CONTROLLER] }));
    const alb = out.named("ack-addon-alb-ingress-controller");
    assert.deepEqual(alb.inputs, {
      clusterId: alb.inputs["clusterId"],
      name: "alb-ingress-controller",
      config: '{"albIngress":{"CreateDefaultALBConfig":false}}',
    });
    assert.match(String(alb.inputs["clusterId"]), /^c[0-9a-f]{32}$/);
    assert.ok(alb.dependsOn.includes(out.named("ack-pool-general").urn));
    // The create-time list is not touched: adding an add-on later never edits a create-only field.
    assert.ok(!(out.named("ack-cluster").inputs["addons"] as Array<{ name: string }>).some((a) => a.name === "alb-ingress-controller"));
  });

  it("protects the node pools with the cluster, and keeps a renamed pool's nodes through an alias to its former name", async () => {
    const seen = new Map<string, pulumi.ResourceOptions>();
    const out = await render(() => {
      pulumi.runtime.registerStackTransformation((args) => {
        if (args.type === "alicloud:cs/nodePool:NodePool") seen.set(args.name, args.opts);
        return undefined;
      });
      return new Cluster("ack", { ...BASE, nodePools: [{ ...BASE.nodePools[0]!, name: "general-v2", formerName: "general" }] });
    });
    const pool = out.named("ack-pool-general-v2");
    assert.equal(pool.protect, true);
    assert.equal(pool.inputs["nodePoolName"], "general-v2");
    assert.deepEqual(seen.get("ack-pool-general-v2")?.aliases, [{ name: "ack-pool-general" }]);
    const unprotected = await render(() => new Cluster("ack", { ...BASE, deletionProtection: false }));
    assert.equal(unprotected.named("ack-pool-general").protect, false);
  });

  it("waits for the network's way out before creating the cluster", async () => {
    const out = await render(() => {
      const snat = new alicloud.vpc.SnatEntry("snat", { snatTableId: "stb-1", snatIp: "47.96.0.1", sourceVswitchId: "vsw-nodes-h" });
      return new Cluster("ack", { ...BASE, internetAccess: [snat] });
    });
    assert.ok(out.named("ack-cluster").dependsOn.includes(out.named("snat").urn));
  });

  it("refuses bad args before declaring anything, naming the field, the value and what is accepted", async () => {
    const pool = BASE.nodePools[0]!;
    const table: Array<[Partial<ClusterArgs>, string]> = [
      [{ version: "1.35" }, "Cluster version: '1.35' is not an ACK version of Kubernetes 1.33 or later, such as '1.35.2-aliyun.1'"],
      [
        { clusterName: "my cluster" },
        "Cluster clusterName: 'my cluster' is not a name of 1 to 63 letters, digits, '-' and '_', starting with a letter or digit",
      ],
      [{ vswitchIds: [] }, "Cluster vswitchIds: needs at least 1 vSwitch, got 0"],
      [{ podVswitchIds: [] }, "Cluster podVswitchIds: needs at least 1 pod vSwitch with cni 'terway', got 0"],
      [
        { podCidr: "172.20.0.0/16" },
        "Cluster podCidr: '172.20.0.0/16' is only used with cni 'flannel'; Terway gives pods addresses from the pod vSwitches",
      ],
      [
        { cni: "flannel", podVswitchIds: undefined },
        "Cluster podCidr: is required with cni 'flannel': a block outside the VPC and the service CIDR, such as '172.20.0.0/16'",
      ],
      [{ cni: "flannel", podCidr: "172.20.0.0/16" }, "Cluster podVswitchIds: are only used with cni 'terway'"],
      [
        { cni: "flannel", podVswitchIds: undefined, podCidr: "172.21.0.0/16" },
        "Cluster podCidr: '172.21.0.0/16' overlaps the service CIDR '172.21.0.0/20'",
      ],
      [
        { serviceCidr: "172.21.0.0" },
        "Cluster serviceCidr: '172.21.0.0' is not an IPv4 CIDR block such as '10.0.0.0/16': expected four dot-separated numbers and a /prefix",
      ],
      [{ nodePools: [] }, "Cluster nodePools: needs at least 1 node pool, got 0"],
      [{ nodePools: [SPOT] }, "Cluster nodePools: needs at least one pool that is not spot: spot instances can all be reclaimed at once"],
      [{ nodePools: [pool, { ...pool }] }, "Cluster nodePools[1].name: 'general' is already used by nodePools[0]"],
      [{ nodePools: [{ ...pool, min: 7 }] }, "Cluster nodePools[0].min: 7 is greater than max 6"],
      [
        { nodePools: [{ ...pool, taints: [{ key: "bad key" }] }] },
        "Cluster nodePools[0].taints[0].key: 'bad key' is not a Kubernetes taint key such as 'example.com/dedicated'",
      ],
      [
        { addons: [{ name: "flannel" }] },
        "Cluster addons[0]: 'flannel' is a network plugin; choose it with cni ('terway' gives 'terway-eniip')",
      ],
      [
        { registryAccess: { instanceId: "cri-1", region: "cn-hangzhou", domains: [] } },
        "Cluster registryAccess.domains: needs at least 1 registry domain, got 0",
      ],
      [
        { registryAccess: { instanceId: "cri-1", region: "cn-hangzhou", domains: ["r"], namespaces: ["all"] } },
        "Cluster registryAccess.namespaces[0]: 'all' reaches kube-system and every system namespace; name the namespaces whose pods pull from the registry",
      ],
      [
        { installedAddons: [ALB_INGRESS_CONTROLLER, ALB_INGRESS_CONTROLLER] },
        "Cluster installedAddons[1].name: 'alb-ingress-controller' is already installedAddons[0]",
      ],
      [
        { installedAddons: [{ name: "managed-aliyun-acr-credential-helper" }] },
        "Cluster installedAddons[0].name: 'managed-aliyun-acr-credential-helper' is installed from registryAccess",
      ],
      [
        { edition: "standard", logs: { controlPlane: ["apiserver"] } },
        "Cluster logs.controlPlane: [apiserver] needs edition 'pro': ACK ships control-plane logs of Pro clusters only; use [] on 'standard'",
      ],
      [
        { edition: "standard", secretEncryption: "managed-key" },
        "Cluster secretEncryption: needs edition 'pro': ACK encrypts Secrets with KMS on Pro clusters only; turn it off on 'standard'",
      ],
      [
        { logs: { controlPlane: ["etcd" as "kcm"] } },
        "Cluster logs.controlPlane[0]: 'etcd' is not one of: apiserver, kcm, scheduler, ccm, controlplane-events, alb, ack-goatscaler, coredns, gatekeeper",
      ],
      [
        { maintenanceWindow: { weekdays: ["Tuesday"], start: "2am", hours: 4, utcOffset: "+08:00" } },
        "Cluster maintenanceWindow.start: '2am' is not a time of day such as '02:00'",
      ],
      [{ nodePools: [{ ...pool, formerName: "general" }] }, "Cluster nodePools[0].formerName: 'general' is the pool's own name"],
      [
        { nodePools: [pool, { ...pool, name: "other", formerName: "general" }] },
        "Cluster nodePools[1].formerName: 'general' is also nodePools[0]'s name or former name; one pool can take over an old pool's nodes",
      ],
    ];
    for (const [change, message] of table) assert.equal(errorOf({ ...BASE, ...change }), message);
    await assert.rejects(
      render(() => new Cluster("ack", { ...BASE, version: "latest" })),
      /Cluster version: 'latest' is not an ACK version/,
    );
  });
});
