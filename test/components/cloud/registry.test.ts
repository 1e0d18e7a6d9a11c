import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry, type RegistryArgs, registryDefaults, validateRegistryArgs } from "../../../components/cloud/registry";
import { render } from "../../harness";

const BASE: RegistryArgs = {
  instanceName: "acme-prod",
  region: "cn-hangzhou",
  namespace: "acme",
  repositories: ["orders", "hello"],
  vpc: { vpcId: "vpc-main", vswitchId: "vsw-nodes-h" },
};

const T = {
  instance: "alicloud:cr/registryEnterpriseInstance:RegistryEnterpriseInstance",
  namespace: "alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace",
  repo: "alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo",
  sync: "alicloud:cs/registryEnterpriseSyncRule:RegistryEnterpriseSyncRule",
  link: "alicloud:cr/vpcEndpointLinkedVpc:VpcEndpointLinkedVpc",
  internet: "alicloud:cr/internetEndpoint:InternetEndpoint",
};

function errorOf(args: RegistryArgs): string {
  try {
    validateRegistryArgs(registryDefaults(args));
  } catch (err) {
    return (err as Error).message;
  }
  return "(no error)";
}

const outputsOf = (r: Registry) => ({
  instanceId: r.instanceId,
  endpoint: r.endpoint,
  pushEndpoint: r.pushEndpoint,
  namespace: r.namespace,
  credentials: r.pushCredentials,
  push: r.pushRepositories["hello"],
  pull: r.pullRepositories["hello"],
});

describe("Registry", () => {
  it("by default: a protected, auto-renewed Advanced Enterprise instance, a private namespace, immutable repositories, reached from the VPC only", async () => {
    const out = await render(() => outputsOf(new Registry("registry", BASE)));
    const instance = out.named("registry-instance");
    assert.equal(instance.protect, true);
    // The namespace and every repository hold the images a rollback needs: protected like the instance.
    assert.equal(out.named("registry-namespace").protect, true);
    for (const repo of out.ofType("alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo")) assert.equal(repo.protect, true, repo.name);
    assert.deepEqual(instance.inputs, {
      instanceName: "acme-prod",
      instanceType: "Advanced",
      paymentType: "Subscription",
      period: 1,
      renewalStatus: "AutoRenewal",
      renewPeriod: 1,
      imageScanner: "ACR",
      tags: {},
    });
    assert.deepEqual(out.named("registry-namespace").inputs, {
      instanceId: out.named("registry-namespace").inputs["instanceId"],
      name: "acme",
      autoCreate: false,
      defaultVisibility: "PRIVATE",
    });
    assert.match(String(out.named("registry-namespace").inputs["instanceId"]), /^cri-/);
    assert.deepEqual(
      out
        .ofType(T.repo)
        .map((r) => [r.name, r.inputs["name"], r.inputs["namespace"], r.inputs["repoType"], r.inputs["tagImmutability"]])
        .sort(),
      [
        ["registry-repo-hello", "hello", "acme", "PRIVATE", true],
        ["registry-repo-orders", "orders", "acme", "PRIVATE", true],
      ],
    );
    const link = out.named("registry-vpc-link");
    assert.deepEqual(
      { ...link.inputs, instanceId: undefined },
      { instanceId: undefined, vpcId: "vpc-main", vswitchId: "vsw-nodes-h", moduleName: "Registry", enableCreateDnsRecordInPvzt: true },
    );
    assert.equal(out.ofType(T.internet).length, 0, "no internet endpoint without allowed CIDR blocks");
    assert.equal(out.ofType(T.sync).length, 0);

    const o = out.outputs as Record<string, any>;
    assert.equal(o["endpoint"], "acme-prod-registry-vpc.cn-hangzhou.cr.aliyuncs.com");
    assert.equal(o["pushEndpoint"], "acme-prod-registry-vpc.cn-hangzhou.cr.aliyuncs.com");
    assert.equal(o["namespace"], "acme");
    assert.equal(o["credentials"], "[secret]");
    assert.equal(o["push"], "acme-prod-registry-vpc.cn-hangzhou.cr.aliyuncs.com/acme/hello");
    assert.equal(o["pull"], "acme-prod-registry-vpc.cn-hangzhou.cr.aliyuncs.com/acme/hello");
  });

  it("opens the internet endpoint to the allowed CIDR blocks only, and pushes through it", async () => {
    const out = await render(() => outputsOf(new Registry("registry", { ...BASE, allowedCidrs: ["203.0.113.0/24", "198.51.100.10/32"] })));
    const internet = out.named("registry-internet-acl");
    assert.deepEqual(
      (internet.inputs["entries"] as Array<{ entry: string }>).map((e) => e.entry),
      ["203.0.113.0/24", "198.51.100.10/32"],
    );
    const o = out.outputs as Record<string, any>;
    assert.equal(o["pushEndpoint"], "acme-prod-registry.cn-hangzhou.cr.aliyuncs.com");
    assert.equal(o["push"], "acme-prod-registry.cn-hangzhou.cr.aliyuncs.com/acme/hello");
    assert.equal(o["pull"], "acme-prod-registry-vpc.cn-hangzhou.cr.aliyuncs.com/acme/hello", "nodes still pull inside the VPC");
  });

  it("declares replication to another region as a sync rule of the namespace", async () => {
    const out = await render(
      () => new Registry("registry", { ...BASE, replication: { region: "cn-shanghai", instanceId: "cri-dr0001", namespace: "acme-dr" } }),
    );
    const sync = out.named("registry-sync");
    assert.equal(sync.type, T.sync);
    assert.deepEqual(
      { ...sync.inputs, instanceId: "(cri)" },
      {
        instanceId: "(cri)",
        syncRuleName: "acme-to-cn-shanghai",
        namespaceName: "acme",
        syncScope: "NAMESPACE",
        syncTrigger: "PASSIVE",
        tagFilter: ".*",
        targetRegionId: "cn-shanghai",
        targetInstanceId: "cri-dr0001",
        targetNamespaceName: "acme-dr",
      },
    );
    assert.ok(sync.dependsOn.includes(out.named("registry-namespace").urn), "the rule follows its namespace");
  });

  it("takes an edition, mutable tags and no protection when asked", async () => {
    const out = await render(
      () =>
        new Registry("registry", {
          ...BASE,
          edition: "Basic",
          tagImmutability: false,
          deletionProtection: false,
          tags: { team: "platform" },
        }),
    );
    assert.equal(out.named("registry-instance").protect, false);
    assert.equal(out.named("registry-namespace").protect, false);
    assert.equal(out.named("registry-repo-orders").protect, false);
    assert.equal(out.named("registry-instance").inputs["instanceType"], "Basic");
    assert.deepEqual(out.named("registry-instance").inputs["tags"], { team: "platform" });
    assert.equal(out.named("registry-repo-orders").inputs["tagImmutability"], false);
  });

  it("refuses bad args before declaring anything, naming the field, the value and what is accepted", async () => {
    const table: Array<[Partial<RegistryArgs>, string]> = [
      [{ instanceName: "Acme" }, "Registry instanceName: 'Acme' is not an instance name of 3-30 characters of a-z, 0-9 and '-'"],
      [{ region: "hangzhou" }, "Registry region: 'hangzhou' is not a region id such as 'cn-hangzhou'"],
      [{ edition: "Premium" as never }, "Registry edition: 'Premium' is not one of: Basic, Standard, Advanced"],
      [{ namespace: "Acme" }, "Registry namespace: 'Acme' is not a registry namespace of 2-30 characters of a-z, 0-9, '-' and '_'"],
      [{ repositories: ["orders", "orders"] }, "Registry repositories[1]: 'orders' is listed twice (also [0])"],
      [{ repositories: ["x"] }, "Registry repositories[0]: 'x' is not a repository name of 2-64 characters of a-z, 0-9, '-', '_' and '.'"],
      [
        { allowedCidrs: ["0.0.0.0/0"] },
        "Registry allowedCidrs[0]: '0.0.0.0/0' is not an IPv4 CIDR block such as '203.0.113.0/24': the prefix /0 is outside /8../32",
      ],
      [
        { edition: "Basic", replication: { region: "cn-shanghai", instanceId: "cri-dr0001" } },
        "Registry replication: needs edition 'Advanced'; 'Basic' cannot sync to another region",
      ],
      [
        { replication: { region: "cn-hangzhou", instanceId: "cri-dr0001" } },
        "Registry replication.region: 'cn-hangzhou' is the registry's own region; replicate to another one",
      ],
      [
        { replication: { region: "cn-shanghai", instanceId: "dr" } },
        "Registry replication.instanceId: 'dr' is not an ACR instance id such as 'cri-abc123'",
      ],
    ];
    for (const [change, message] of table) assert.equal(errorOf({ ...BASE, ...change }), message);
    await assert.rejects(
      render(() => new Registry("registry", { ...BASE, namespace: "A" })),
      /Registry namespace: 'A' is not a registry namespace/,
    );
  });
});
