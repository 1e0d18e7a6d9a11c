import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { plannedStack, REPO, planInProcess, type PlanCommandResult, runPlan } from "../planRunner";
import { assertValidObjects } from "../kubernetesSchemas";

const EXAMPLE = path.join(REPO, "examples/app-team");

describe("an application team's program deploys into the platform through a StackReference", () => {
  let platform: PlanCommandResult;
  let app: PlanCommandResult;
  before(async () => {
    platform = plannedStack("dev");
    assert.equal(platform.status, 0, platform.stderr);
    app = await planInProcess(["--project", EXAMPLE, "dev", "--stack-reference", `acme/ack-platform/dev=${platform.outDir}`]);
  });

  it("plans with the platform's outputs: its namespace, gateway, registry, monitoring and cluster", () => {
    assert.equal(app.status, 0, app.stderr);
    const shared = platform.plan().outputs["applicationPlatform"] as any;
    const resources = app.plan().resources;
    const byName = (name: string) => resources.find((r) => r.name === name)?.inputs as any;

    const deployment = byName("checkout-deployment");
    assert.equal(deployment.metadata.namespace, shared.namespace);
    const image: string = deployment.spec.template.spec.containers[0].image;
    assert.ok(image.startsWith(`${shared.registry.server}/${shared.registry.namespace}/checkout:`), image);
    assert.ok(byName("checkout-canary-deployment"), "the configured canary has its track");

    const route = byName("checkout-route");
    assert.deepEqual(
      route.spec.parentRefs.map((p: any) => [p.name, p.namespace]),
      [[shared.gateway.name, shared.gateway.namespace]],
    );
    assert.deepEqual(
      route.spec.rules.at(-1).backendRefs.map((b: any) => [b.name, b.weight]),
      [
        ["checkout", 80],
        ["checkout-canary", 20],
      ],
    );
    // The platform's Prometheus watches every namespace, so the service's monitor and alert need no label of it.
    assert.deepEqual(shared.monitoring.selectorLabels, {});
    const monitor = resources.find((r) => r.type === "kubernetes:monitoring.coreos.com/v1:ServiceMonitor")?.inputs as any;
    assert.equal(monitor?.metadata.namespace, shared.namespace);
    assert.ok(
      resources.some((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule"),
      "an error-rate alert",
    );

    // The platform's namespace denies by default: the service admits exactly the gateway's proxies and Prometheus.
    const policy = byName("checkout-network-policy");
    assert.deepEqual(
      policy.spec.ingress.map((rule: any) => rule.from[0].podSelector.matchLabels),
      [shared.gateway.proxyPodLabels, shared.monitoring.prometheusPodLabels],
    );
    assert.equal(app.plan().policy.violations.filter((v) => v.level === "mandatory").length, 0);

    const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes")!.inputs as any;
    assert.equal(provider.kubeconfig, "[secret]", "the platform's kubeconfig stays secret");
    assert.equal(provider.clusterIdentifier, platform.plan().outputs["clusterId"]);
    for (const r of resources.filter((r) => r.type.startsWith("kubernetes:")))
      assert.equal(r.provider, resources.find((p) => p.type === "pulumi:providers:kubernetes")!.urn);
  });

  it("renders objects the Kubernetes API accepts", async () => {
    const objects = app.manifests().map((m) => m.object);
    assert.ok(objects.length >= 10, `${objects.length} objects`);
    await assertValidObjects(objects);
  });

  it("names the missing platform plan instead of failing on its absence", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "noplatform-"));
    // As a process: a program that fails leaves rejections behind it that only a process's exit ends.
    const res = runPlan(["--project", EXAMPLE, "dev", "--stack-reference", `acme/ack-platform/dev=${empty}`]);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /StackReference 'acme\/ack-platform\/dev': no planned outputs/);
  });
});
