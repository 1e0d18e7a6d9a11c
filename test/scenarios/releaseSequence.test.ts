import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PlannedResource } from "../harness";
import { assertValidObjects } from "../kubernetesSchemas";
import { releaseInProcess } from "../tools/release/inProcess";
import { copyOfProject, planInProcess, plannedStack } from "../planRunner";
import { planDiff } from "./planDiff";

/**
 * `npm run release -- prod <args>` in the copy, run through the command's main in this process (the
 * command as a process is tested in test/tools/release.test.ts): this test is about the plans.
 */
async function release(dir: string, ...args: string[]) {
  const res = await releaseInProcess(["prod", ...args, "--project", dir]);
  assert.equal(res.status, 0, res.stderr);
  return res.stdout;
}

/**
 * Plans the copy (or takes the shared plan of prod, which the unchanged copy's plan is byte for byte),
 * checks every object against the API schemas and the pack's mandatory rules, returns the resources.
 */
async function plan(dir: string | "unchanged prod"): Promise<PlannedResource[]> {
  const res = dir === "unchanged prod" ? plannedStack("prod") : await planInProcess(["--project", dir, "prod"]);
  assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
  await assertValidObjects(res.manifests().map((m) => m.object));
  assert.deepEqual(
    res.plan().policy.violations.filter((v) => v.level === "mandatory"),
    [],
    "every mandatory rule holds",
  );
  return res.plan().resources as PlannedResource[];
}

const named = (resources: readonly PlannedResource[], name: string) => {
  const found = resources.find((r) => r.name === name);
  assert.ok(found, `no resource ${name}`);
  return found;
};
const spec = (resources: readonly PlannedResource[], name: string) => (named(resources, name).inputs as any).spec;
const weights = (resources: readonly PlannedResource[]) =>
  spec(resources, "orders-route").rules[0].backendRefs.map((b: any) => [b.name, b.weight]);
const waitsFor = (resources: readonly PlannedResource[], route: string) =>
  named(resources, route)
    .dependsOn.map((urn) => urn.split("::").pop())
    .filter((name) => name?.startsWith("orders"))
    .sort();

/**
 * Every route of the plan waits for the Deployment behind each Service it sends traffic to, so that
 * Pulumi moves the traffic only after that Deployment has rolled out.
 */
function routesWaitForTheirPods(resources: readonly PlannedResource[]): void {
  const byName = (kind: string, name: string) =>
    resources.find(
      (r) =>
        (r.inputs as any).kind === kind && (r.inputs as any).metadata?.name === name && (r.inputs as any).metadata?.namespace === "apps",
    );
  for (const route of resources.filter((r) => (r.inputs as any).kind === "HTTPRoute" && (r.inputs as any).metadata?.namespace === "apps")) {
    for (const rule of (route.inputs as any).spec.rules) {
      for (const ref of rule.backendRefs) {
        if (ref.weight === 0) continue;
        const selector = (byName("Service", ref.name)?.inputs as any)?.spec?.selector;
        if (!selector) continue; // legacy VMs: nothing rolls there
        const deployment = resources.find(
          (r) =>
            (r.inputs as any).kind === "Deployment" &&
            Object.entries(selector).every(([k, v]) => (r.inputs as any).spec.template.metadata.labels[k] === v),
        )!;
        assert.ok(
          route.dependsOn.includes(deployment.urn),
          `${route.name} sends ${ref.weight} to ${ref.name} without waiting for ${deployment.name}`,
        );
      }
    }
  }
}

describe("a release of orders in a copy of prod, step by step", () => {
  it("raises capacity before traffic, and promotes without routing to rolling pods or deleting the canary early", async () => {
    const dir = copyOfProject("prod");
    const start = await plan("unchanged prod");
    assert.deepEqual(weights(start), [
      ["orders", 95],
      ["orders-canary", 5],
    ]);
    assert.equal(spec(start, "orders-canary-hpa").minReplicas, 2);

    // --weight 50: the canary's floor rises to half of the stable peak (12 pods), and the route waits for it.
    const out = await release(dir, "orders", "--weight", "50");
    assert.match(out, /canary at least 6 pod\(s\) ready before the route moves/);
    const half = await plan(dir);
    assert.deepEqual(planDiff(start, half), {
      created: [],
      deleted: [],
      replaced: [],
      updated: ["orders-canary-hpa", "orders-canary-pdb", "orders-route"],
    });
    assert.equal(spec(half, "orders-canary-hpa").minReplicas, 6);
    assert.equal(spec(half, "orders-canary-pdb").minAvailable, 5);
    assert.equal(
      (named(half, "orders-canary-pdb").inputs as any).metadata.annotations["pulumi.com/waitFor"],
      "condition=DisruptionAllowed",
    );
    assert.deepEqual(waitsFor(half, "orders-route"), ["orders-canary-deployment", "orders-canary-pdb", "orders-deployment"]);
    routesWaitForTheirPods(half);

    // --promote, step 1: the canary takes everything once the stable peak's worth of its pods is ready.
    assert.match(await release(dir, "orders", "--promote"), /promotion step 1 of 3/);
    const full = await plan(dir);
    assert.deepEqual(weights(full), [
      ["orders", 0],
      ["orders-canary", 100],
    ]);
    assert.equal(spec(full, "orders-canary-hpa").minReplicas, 12);
    assert.deepEqual(waitsFor(full, "orders-route"), ["orders-canary-deployment", "orders-canary-pdb"]);
    assert.deepEqual(planDiff(half, full).replaced, []);
    routesWaitForTheirPods(full);

    // Step 2: the stable track rolls to 4.3.0 at full capacity; the route gives it the traffic back only
    // after that rollout and its 12 pods are ready; the canary keeps running meanwhile.
    assert.match(await release(dir, "orders", "--promote"), /promotion step 2 of 3/);
    const handover = await plan(dir);
    const stepTwo = planDiff(full, handover);
    assert.deepEqual(stepTwo.deleted, [], "the canary is not deleted while the stable track rolls");
    assert.ok(stepTwo.updated.includes("orders-deployment"), "the stable track rolls to the new version");
    assert.match((named(handover, "orders-deployment").inputs as any).spec.template.spec.containers[0].image, /orders:4\.3\.0$/);
    assert.deepEqual(weights(handover), [
      ["orders", 100],
      ["orders-canary", 0],
    ]);
    assert.equal(spec(handover, "orders-hpa").minReplicas, 12);
    assert.equal(spec(handover, "orders-pdb").minAvailable, 11);
    assert.deepEqual(waitsFor(handover, "orders-route"), ["orders-deployment", "orders-pdb"]);
    routesWaitForTheirPods(handover);

    // Step 3: the canary goes, after the route has left it (it took 0% since step 2).
    assert.match(await release(dir, "orders", "--promote"), /promotion step 3 of 3/);
    const done = await plan(dir);
    const stepThree = planDiff(handover, done);
    assert.deepEqual(stepThree.created, []);
    assert.deepEqual(stepThree.replaced, []);
    assert.deepEqual(stepThree.deleted, [
      "orders-canary-deployment",
      "orders-canary-header-route",
      "orders-canary-hpa",
      "orders-canary-pdb",
      "orders-canary-service",
    ]);
    assert.deepEqual(weights(done), [["orders", 100]]);
    assert.equal(spec(done, "orders-hpa").minReplicas, 3, "the stable track scales as its load says again");
    routesWaitForTheirPods(done);
  });

  it("sees a replacement where the provider would make one", () => {
    const deployment = (selector: Record<string, string>): PlannedResource => ({
      urn: "urn:pulumi:prod::ack-platform::kubernetes:apps/v1:Deployment::web",
      type: "kubernetes:apps/v1:Deployment",
      name: "web",
      dependsOn: [],
      protect: false,
      retainOnDelete: false,
      custom: true,
      read: false,
      inputs: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { selector: { matchLabels: selector } } },
    });
    assert.deepEqual(planDiff([deployment({ app: "web" })], [deployment({ app: "web", track: "stable" })]).replaced, ["web"]);
  });
});
