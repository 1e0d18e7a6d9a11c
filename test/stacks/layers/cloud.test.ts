/**
 * The cloud layer as each environment composes it: from configs written here, and from the
 * repository's own Pulumi.<stack>.yaml files (the plans of dev, staging and prod).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { type EnvironmentConfig, parseEnvironmentConfig, rawStackConfig } from "../../../stacks/config";
import { deployCloud } from "../../../stacks/layers/cloud";
import type { CloudLayer } from "../../../stacks/layers/types";
import { readProject, readStack } from "../../../tools/plan/stackFiles";
import { type PlannedResource, render, type Rendered } from "../../harness";
import { REPO } from "../../planRunner";

const T = {
  vswitch: "alicloud:vpc/switch:Switch",
  nat: "alicloud:vpc/natGateway:NatGateway",
  snat: "alicloud:vpc/snatEntry:SnatEntry",
  cluster: "alicloud:cs/managedKubernetes:ManagedKubernetes",
  pool: "alicloud:cs/nodePool:NodePool",
  registry: "alicloud:cr/registryEnterpriseInstance:RegistryEnterpriseInstance",
  image: "docker:index/image:Image",
  vpc: "alicloud:vpc/network:Network",
};

const HELLO = { name: "hello", version: "1.0.0", resources: { cpu: "50m", memory: "64Mi" }, build: { context: "services/hello" } };

/** The config of one of the repository's stacks, as `pulumi up --stack <stack>` reads it. */
function repositoryStack(stack: string): EnvironmentConfig {
  const file = readStack(readProject(REPO), stack);
  const secret = new Set(file.secretKeys);
  return parseEnvironmentConfig(
    rawStackConfig("ack-platform", stack, file.config, (key) => secret.has(key)),
    REPO,
  );
}

function environment(values: Record<string, unknown>, secrets: string[] = []): EnvironmentConfig {
  return parseEnvironmentConfig({ stack: "test", values, secretKeys: new Set(secrets) }, REPO);
}

/** Renders the cloud layer and returns it with what it declared and its outputs. */
async function plan(
  env: EnvironmentConfig,
  stack = "test",
  secrets: Record<string, string> = {},
): Promise<{ out: Rendered; layer: CloudLayer }> {
  let layer: CloudLayer | undefined;
  const out = await render(
    () => {
      layer = deployCloud(env);
      return layer.outputs;
    },
    { stack, config: secrets, secretKeys: Object.keys(secrets) },
  );
  return { out, layer: layer! };
}

const DEV = {
  kind: "dev",
  region: "cn-hangzhou",
  zones: ["cn-hangzhou-h", "cn-hangzhou-i"],
  registry: { mode: "existing", endpoint: "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com", namespace: "acme" },
};

function checkProductionShape(out: Rendered, zonesAtLeast: number, protect: boolean) {
  const nodeSwitches = out.ofType(T.vswitch).filter((s) => s.name.startsWith("network-nodes-"));
  const zones = new Set(nodeSwitches.map((s) => s.inputs["zoneId"]));
  assert.ok(zones.size >= zonesAtLeast, `node vSwitches in ${zones.size} distinct zones`);
  assert.equal(zones.size, nodeSwitches.length, "one node vSwitch per zone");

  // Every vSwitch leaves through a NAT gateway's SNAT entry.
  const snatSources = new Set(out.ofType(T.snat).map((s) => s.inputs["sourceVswitchId"]));
  const allSwitches = out.ofType(T.vswitch);
  assert.equal(snatSources.size, allSwitches.length, "an SNAT entry per vSwitch");
  assert.ok(out.ofType(T.nat).every((n) => n.inputs["natType"] === "Enhanced"));

  const [cluster] = out.ofType(T.cluster);
  assert.ok(cluster, "a managed cluster");
  assert.equal(cluster.inputs["deletionProtection"], protect);
  assert.equal(cluster.protect, protect);
  assert.equal(cluster.inputs["slbInternetEnabled"], false, "private API server");
  assert.equal(cluster.inputs["clusterSpec"], "ack.pro.small");
  assert.equal(cluster.inputs["newNatGateway"], false);

  const autoscaling = out.ofType(T.pool).filter((p) => (p.inputs["scalingConfig"] as { enable?: boolean } | undefined)?.enable === true);
  assert.ok(autoscaling.length >= 1, "at least one autoscaling node pool");

  const [registry] = out.ofType(T.registry);
  assert.ok(registry, "an ACR Enterprise instance");
  assert.equal(registry.protect, protect);
  assert.equal(out.named("network-vpc").protect, protect);
}

describe("cloud layer: the repository's stacks", () => {
  it("prod: zones apart, SNAT for every vSwitch, a protected private Pro cluster, autoscaling pools, an Enterprise registry", async () => {
    const { out, layer } = await plan(repositoryStack("prod"), "prod");
    checkProductionShape(out, 2, true);
    assert.equal(out.ofType(T.nat).length, 3, "a NAT gateway per zone");
    const burst = out.named("cluster-pool-burst");
    assert.equal(burst.inputs["spotStrategy"], "SpotAsPriceGo");
    assert.equal(out.named("cluster-autoscaler").inputs["expander"], "priority");
    assert.equal(out.named("cluster-acr-credential-helper").inputs["name"], "managed-aliyun-acr-credential-helper");
    assert.equal(layer.images.pullSecret, undefined, "nodes pull through the credential helper");
    const o = out.outputs as Record<string, any>;
    assert.equal(o["kubeconfig"], "[secret]");
    assert.equal(o["registryEndpoint"], "acme-prod-registry-vpc.cn-hangzhou.cr.aliyuncs.com");
    assert.deepEqual(Object.keys(o["vswitchIds"]), ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"]);
    assert.equal(o["egressIps"].length, 3);
    // Every service of prod has its repository, private and with immutable tags.
    const repos = out.ofType("alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo");
    assert.ok(repos.length >= 1);
    assert.ok(repos.every((r) => r.inputs["repoType"] === "PRIVATE" && r.inputs["tagImmutability"] === true));
  });

  it("staging: production's shape at a smaller size, and not protected from deletion", async () => {
    const { out } = await plan(repositoryStack("staging"), "staging");
    checkProductionShape(out, 2, false);
    assert.deepEqual(out.named("cluster-pool-general").inputs["scalingConfig"], { enable: true, minSize: 3, maxSize: 10, type: "cpu" });
    assert.equal(out.ofType(T.nat).length, 1, "one NAT gateway for the environment");
  });

  it("dev: a light, unprotected environment on an existing registry", async () => {
    const { out, layer } = await plan(repositoryStack("dev"), "dev");
    const cluster = out.named("cluster-cluster");
    assert.equal(cluster.inputs["clusterSpec"], "ack.standard");
    assert.equal(cluster.inputs["slbInternetEnabled"], false);
    assert.equal(cluster.protect, false);
    assert.equal(out.named("network-vpc").protect, false);
    assert.equal(out.ofType(T.nat).length, 1);
    assert.equal(out.ofType(T.registry).length, 0);
    assert.equal(layer.images.server, "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com");
    assert.equal(out.named("cluster-kubernetes").type, "pulumi:providers:kubernetes");
  });

  it("local: the kubeconfig context of the stack file, and no cloud resource", async () => {
    const { out, layer } = await plan(repositoryStack("local"), "local");
    const provider = out.named("local");
    assert.equal(provider.type, "pulumi:providers:kubernetes");
    assert.deepEqual(provider.inputs, { context: "kind-ack-platform" });
    assert.equal(out.resources.filter((r: PlannedResource) => r.type.startsWith("alicloud:")).length, 0);
    assert.deepEqual(layer.zones, []);
    assert.equal(layer.alicloud, undefined);
  });
});

describe("cloud layer: services built from source", () => {
  it("on a managed registry: pushed with the instance's temporary login, run by digest from the VPC domain", async () => {
    const values = {
      ...DEV,
      kind: "staging",
      registry: { mode: "managed", instanceName: "acme-staging", namespace: "acme" },
      services: [HELLO],
      gateway: { tls: { email: "ops@acme.example.com", hosts: ["hello.staging.acme.example.com"] } },
    };
    const { out } = await plan(environment(values));
    const image = out.named("image-hello-image");
    assert.equal(image.inputs["imageName"], "acme-staging-registry-vpc.cn-hangzhou.cr.aliyuncs.com/acme/hello:1.0.0");
    assert.deepEqual(image.inputs["registry"], {
      server: "acme-staging-registry-vpc.cn-hangzhou.cr.aliyuncs.com",
      username: "[secret]",
      password: "[secret]",
    });
    assert.ok(image.dependsOn.includes(out.named("registry-repo-hello").urn), "pushed once its repository exists");
    const built = (out.outputs as Record<string, any>)["builtImages"];
    assert.match(built["hello"], /^acme-staging-registry-vpc\.cn-hangzhou\.cr\.aliyuncs\.com\/acme\/hello@sha256:[0-9a-f]{64}$/);
  });

  it("on an existing registry with credentials: pushed with them, and pulled with a secret", async () => {
    const registry = { ...DEV.registry, username: "pusher", passwordSecret: "registryPassword" };
    const { out, layer } = await plan(environment({ ...DEV, registry, services: [HELLO] }, ["registryPassword"]), "test", {
      registryPassword: "s3cret-push",
    });
    const image = out.named("image-hello-image");
    assert.equal(image.inputs["imageName"], "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com/acme/hello:1.0.0");
    assert.equal((image.inputs["registry"] as any).server, "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com");
    assert.equal(layer.images.pullSecret?.name, "registry-credentials");
    let dockerConfig = "";
    await render(() => {
      pulumi.output(layer.images.pullSecret!.dockerConfigJson).apply((json) => (dockerConfig = json));
    });
    assert.deepEqual(JSON.parse(dockerConfig), {
      auths: {
        "acme-registry-vpc.cn-hangzhou.cr.aliyuncs.com": {
          username: "pusher",
          password: "s3cret-push",
          auth: Buffer.from("pusher:s3cret-push").toString("base64"),
        },
      },
    });
    assert.match(
      String((out.outputs as any)["builtImages"]["hello"]),
      /^acme-registry-vpc\.cn-hangzhou\.cr\.aliyuncs\.com\/acme\/hello@sha256:/,
    );
  });

  it("on a laptop: built into the local daemon by tag, never pushed", async () => {
    const { out } = await plan(environment({ kind: "local", services: [HELLO] }));
    const image = out.named("image-hello-image");
    assert.equal(image.inputs["skipPush"], true);
    assert.equal(image.inputs["imageName"], "local/hello:1.0.0");
    assert.deepEqual((out.outputs as any)["builtImages"], { hello: "local/hello:1.0.0" });
    assert.equal(out.named("local").inputs["context"], undefined, "the current context when none is named");
  });

  it("on a laptop with kind's local registry: pushed there and run by digest", async () => {
    const { out } = await plan(
      environment({ kind: "local", registry: { mode: "existing", endpoint: "localhost:5001", namespace: "local" }, services: [HELLO] }),
    );
    assert.equal(out.named("image-hello-image").inputs["skipPush"], false);
    assert.match(String((out.outputs as any)["builtImages"]["hello"]), /^localhost:5001\/local\/hello@sha256:[0-9a-f]{64}$/);
  });
});

describe("cloud layer: the baseline, protection and legacy routes of prod", () => {
  it("prod: the cluster's baseline on, a protected KMS key, protected pools and vSwitches, legacy routes in every table", async () => {
    const { out } = await plan(repositoryStack("prod"), "prod");
    const cluster = out.named("cluster-cluster");
    assert.equal(cluster.inputs["enableRrsa"], true);
    assert.deepEqual(cluster.inputs["auditLogConfig"], { enabled: true });
    assert.ok((cluster.inputs["controlPlaneLogComponents"] as string[]).includes("apiserver"));
    assert.match(String(cluster.inputs["encryptionProviderKey"]), /^key-hzz[0-9a-f]{17}$/);
    assert.ok(cluster.dependsOn.includes(out.named("cluster-secrets-key").urn), "encrypted with the stack's own key");
    assert.equal(out.named("cluster-secrets-key").protect, true);
    for (const r of [...out.ofType(T.vswitch), ...out.ofType(T.pool)]) assert.equal(r.protect, true, r.name);
    const routes = out.ofType("alicloud:vpc/routeEntry:RouteEntry").filter((r) => r.inputs["destinationCidrblock"] === "192.168.10.0/24");
    assert.deepEqual(routes.map((r) => r.name).sort(), [
      "network-legacy-payments-vms-192-168-10-0-24",
      "network-legacy-payments-vms-192-168-10-0-24-cn-hangzhou-h",
      "network-legacy-payments-vms-192-168-10-0-24-cn-hangzhou-i",
      "network-legacy-payments-vms-192-168-10-0-24-cn-hangzhou-j",
    ]);
    assert.ok(routes.every((r) => r.inputs["nexthopType"] === "VpnGateway" && r.inputs["nexthopId"] === "vpn-bp1q8f3kx2m7acmeprod01"));
  });

  it("the credential helper watches exactly the namespaces whose pods pull from the stack's registry", async () => {
    const { out } = await plan(repositoryStack("prod"), "prod");
    const config = JSON.parse(String(out.named("cluster-acr-credential-helper").inputs["config"]));
    assert.equal(config.watchNamespace, "apps,cert-manager,gateway-system,log-collector,logging,monitoring,node-exporter");
    const staging = await plan(repositoryStack("staging"), "staging");
    assert.equal(
      JSON.parse(String(staging.out.named("cluster-acr-credential-helper").inputs["config"])).watchNamespace,
      config.watchNamespace,
    );
  });

  it("every alicloud resource waits for the account: its provider depends on the prerequisites", async () => {
    const { out } = await plan(repositoryStack("prod"), "prod");
    const provider = out.named("alicloud");
    assert.equal(out.named("alicloud-account").type, "pulumi:providers:alicloud");
    for (const r of out.resources.filter((r) => r.type.startsWith("alicloud:")))
      assert.equal(r.provider?.split("::")[3], "alicloud", r.name);
    assert.equal(provider.type, "pulumi:providers:alicloud");
  });

  it("a removed service's repository stays when the registry retains it", async () => {
    const env = repositoryStack("prod");
    const values = { ...env, services: env.services.filter((s) => s.name !== "recommendations") };
    const kept = { ...values, registry: { ...env.registry, retainedRepositories: ["recommendations"] } as typeof env.registry };
    const { out } = await plan(kept as EnvironmentConfig, "prod");
    assert.equal(out.named("registry-repo-recommendations").protect, true);
  });
});
