/**
 * The cloud components used from another Pulumi program: the example of docs/cloud.md, rendered.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as alicloud from "@pulumi/alicloud";
import * as k8s from "@pulumi/kubernetes";
import { Cluster, Network, Registry, ServiceImage } from "../../../components/cloud";
import { assertValidObjects } from "../../kubernetesSchemas";
import { render } from "../../harness";

function program() {
  const region = "cn-hangzhou";
  const zones = ["cn-hangzhou-h", "cn-hangzhou-i"];
  const hangzhou = new alicloud.Provider("hangzhou", { region });
  const opts = { providers: { alicloud: hangzhou } };

  const network = new Network("shop", { region, zones, vpcCidr: "10.40.0.0/16", minZones: 2 }, opts);
  const registry = new Registry(
    "shop",
    {
      instanceName: "shop-images",
      region,
      namespace: "shop",
      repositories: ["hello"],
      vpc: { vpcId: network.vpcId, vswitchId: network.nodeVswitches[zones[0]!]!.id },
    },
    opts,
  );
  const cluster = new Cluster(
    "shop",
    {
      version: "1.35.2-aliyun.1",
      vswitchIds: zones.map((z) => network.nodeVswitches[z]!.id),
      podVswitchIds: zones.map((z) => network.podVswitches[z]!.id),
      securityGroupId: network.securityGroupId,
      internetAccess: network.internetAccess,
      nodePools: [{ name: "general", instanceTypes: ["ecs.g7.xlarge", "ecs.g6.xlarge"], min: 2, max: 6 }],
      registryAccess: { instanceId: registry.instanceId, region, domains: [registry.endpoint] },
    },
    opts,
  );
  const hello = new ServiceImage("hello", {
    context: "services/hello",
    repository: registry.pushRepositories["hello"]!,
    pullRepository: registry.pullRepositories["hello"]!,
    tag: "1.0.0",
    credentials: registry.pushCredentials,
  });
  new k8s.apps.v1.Deployment(
    "hello",
    {
      metadata: { name: "hello", namespace: "default" },
      spec: {
        selector: { matchLabels: { app: "hello" } },
        template: {
          metadata: { labels: { app: "hello" } },
          spec: { containers: [{ name: "hello", image: hello.imageRef, ports: [{ containerPort: 8080 }] }] },
        },
      },
    },
    { provider: cluster.provider },
  );

  return { kubeconfig: cluster.kubeconfig, egressIps: network.egressIps };
}

describe("the cloud components from another program", () => {
  it("compose into a network, registry, cluster and an image a Deployment runs by digest", async () => {
    const out = await render(program);
    const providerUrn = "urn:pulumi:test::ack-platform::pulumi:providers:alicloud::hangzhou";
    for (const r of out.resources.filter((r) => r.type.startsWith("alicloud:")))
      assert.equal(r.provider, providerUrn, `${r.name} uses the program's provider`);

    const deployment = out.object("Deployment", "hello");
    assert.match(
      deployment["spec"].template.spec.containers[0].image,
      /^shop-images-registry-vpc\.cn-hangzhou\.cr\.aliyuncs\.com\/shop\/hello@sha256:[0-9a-f]{64}$/,
    );
    const [deploymentResource] = out.ofType("kubernetes:apps/v1:Deployment");
    assert.equal(deploymentResource!.provider, out.named("shop-kubernetes").urn);
    assert.ok(out.named("shop-cluster").dependsOn.includes(out.named("shop-snat-cn-hangzhou-i-pods").urn));
    assert.match(
      String(JSON.parse(String(out.named("shop-acr-credential-helper").inputs["config"])).AcrInstanceInfo[0].instanceId),
      /^cri-/,
    );
    assert.equal(out.outputs["kubeconfig"], "[secret]");
    assert.equal((out.outputs["egressIps"] as string[]).length, 1);
    await assertValidObjects(out.objects());
  });
});
