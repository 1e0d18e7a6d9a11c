import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, type ClusterArgs, clusterDefaults, validateClusterArgs } from "../../../components/cloud/cluster";
import { CAPACITY_LABEL } from "../../../components/cloud/nodePoolPlan";
import { render, type Rendered } from "../../harness";

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
  provider: "pulumi:providers:kubernetes",
};

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
  it("by default: a protected ACK Pro cluster with Terway, a private API server and no second NAT gateway", async () => {
    const out = await render(() => new Cluster("ack", BASE));
    const cluster = out.named("ack-cluster");
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
      tags: {},
    });
  });

  it("declares each node pool in every zone's vSwitch, autoscaling, auto-repaired, and configures the autoscaler", async () => {
    const out = await render(() => new Cluster("ack", BASE));
    const pool = out.named("ack-pool-general");
    assert.ok(pool.dependsOn.includes(out.named("ack-cluster").urn));
    assert.deepEqual(pool.inputs["vswitchIds"], ["vsw-nodes-h", "vsw-nodes-i"]);
    assert.deepEqual(pool.inputs["securityGroupIds"], ["sg-nodes"]);
    assert.deepEqual(pool.inputs["scalingConfig"], { enable: true, minSize: 2, maxSize: 6, type: "cpu" });
    assert.equal(pool.inputs["desiredSize"], undefined, "never with scalingConfig");
    assert.equal((pool.inputs["management"] as any).autoRepair, true);
    assert.equal(pool.inputs["multiAzPolicy"], "BALANCE");
    assert.match(String(pool.inputs["clusterId"]), /^c[0-9a-f]{32}$/);
    const autoscaler = only(out, T.autoscaler);
    assert.equal(autoscaler.name, "ack-autoscaler");
    assert.equal(autoscaler.inputs["expander"], "least-waste");
    assert.equal(autoscaler.inputs["scaleDownEnabled"], true);
    assert.equal(autoscaler.inputs["clusterId"], pool.inputs["clusterId"]);
  });

  it("builds its Kubernetes provider from the kubeconfig as a secret, identified by the cluster id, after the node pools", async () => {
    const out = await render(() => {
      const c = new Cluster("ack", BASE);
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
    const o = out.outputs as Record<string, any>;
    assert.equal(o["kubeconfig"], "[secret]");
    assert.equal(o["clusterId"], provider.inputs["clusterIdentifier"]);
    assert.match(o["api"], /^https:\/\/[\d.]+:6443$/);
    assert.deepEqual(Object.keys(o["pools"]), ["general"]);
    assert.equal(o["isProvider"], true);
  });

  it("reads a kubeconfig that reaches the cluster's API server", async () => {
    let kubeconfig = "";
    await render(() => {
      const c = new Cluster("ack", BASE);
      pulumi.all([c.kubeconfig, c.apiServerEndpoint]).apply(([k, api]) => {
        kubeconfig = k;
        assert.ok(k.includes(`server: ${api}`), "the kubeconfig points at the intranet endpoint");
      });
    });
    assert.match(kubeconfig, /^apiVersion: v1\nkind: Config\n/);
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

  it("installs ACK's credential helper for a registry, so that nodes pull without secrets", async () => {
    const out = await render(
      () =>
        new Cluster("ack", {
          ...BASE,
          registryAccess: { instanceId: "cri-abc123", region: "cn-hangzhou", domains: ["acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com"] },
        }),
    );
    const addon = only(out, T.addon);
    assert.equal(addon.name, "ack-acr-credential-helper");
    assert.equal(addon.inputs["name"], "managed-aliyun-acr-credential-helper");
    assert.deepEqual(JSON.parse(String(addon.inputs["config"])), {
      AcrInstanceInfo: [{ instanceId: "cri-abc123", regionId: "cn-hangzhou", domains: "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com" }],
      watchNamespace: "all",
      serviceAccount: "*",
      expiringThreshold: "15m",
      enableRRSA: false,
    });
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
      [{ version: "1.35" }, "Cluster version: '1.35' is not an ACK version such as '1.35.2-aliyun.1'"],
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
    ];
    for (const [change, message] of table) assert.equal(errorOf({ ...BASE, ...change }), message);
    await assert.rejects(
      render(() => new Cluster("ack", { ...BASE, version: "latest" })),
      /Cluster version: 'latest' is not an ACK version/,
    );
  });
});
