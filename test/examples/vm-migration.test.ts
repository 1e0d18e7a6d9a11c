import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { assertValidObjects } from "../kubernetesSchemas";
import { REPO, planInProcess, type PlanCommandResult } from "../planRunner";

const EXAMPLE = path.join(REPO, "examples/vm-migration");

describe("a platform moving from VMs into a VPC it already has, its services said once in serviceDefaults", () => {
  let res: PlanCommandResult;
  before(async () => {
    res = await planInProcess(["--project", EXAMPLE, "preprod"]);
  });

  it("plans to valid Kubernetes objects with no policy violation", async () => {
    assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
    await assertValidObjects(res.manifests().map((m) => m.object));
    assert.deepEqual(res.plan().policy.violations, []);
  });

  it("creates no VPC, vSwitch, NAT gateway or route table, and puts the nodes and pods on the vSwitches given", () => {
    const resources = res.plan().resources;
    const created = resources.filter((r) => /^alicloud:vpc\//.test(r.type)).map((r) => r.type);
    assert.deepEqual(created, []);
    const cluster = resources.find((r) => r.type === "alicloud:cs/managedKubernetes:ManagedKubernetes")!.inputs as any;
    assert.deepEqual(cluster.vswitchIds, ["vsw-bp1adsnodesh00000001", "vsw-bp1adsnodesi00000002"]);
    assert.deepEqual(cluster.podVswitchIds, ["vsw-bp1adspodsh000000003", "vsw-bp1adspodsi000000004"]);
    for (const pool of resources.filter((r) => r.type === "alicloud:cs/nodePool:NodePool")) {
      assert.deepEqual((pool.inputs as any).vswitchIds, ["vsw-bp1adsnodesh00000001", "vsw-bp1adsnodesi00000002"]);
    }
  });

  it("gives every service the defaults' environment and JVM settings, and each service's own value wins", () => {
    const objects = res.manifests().map((m) => m.object);
    const deployment = (name: string) =>
      objects.find((o) => o["kind"] === "Deployment" && o["metadata"].name === name)!["spec"].template.spec.containers[0];
    const config = (name: string) => objects.find((o) => o["kind"] === "ConfigMap" && o["metadata"].name === `${name}-env`)!["data"];
    for (const name of ["ad-api", "ad-engine", "budget-store", "impression-counter"]) {
      assert.equal(config(name).CONFIG_CENTER, "config.ads.internal:8848", name);
    }
    const heap = (name: string) => deployment(name).env?.some((e: any) => e.name === "JAVA_TOOL_OPTIONS") ?? false;
    assert.deepEqual(
      ["ad-api", "ad-engine", "budget-store", "impression-counter"].map(heap),
      [true, true, false, true],
      "budget-store sets runtime: generic over the defaults' jvm",
    );
    assert.equal(deployment("ad-engine").resources.requests.memory, "2Gi", "its own memory over the defaults' 1Gi");
    assert.equal(deployment("ad-api").resources.requests.memory, "1Gi");
  });

  it("checks each service the way it speaks: HTTP paths, the gRPC health service, a TCP connection, a command", () => {
    const objects = res.manifests().map((m) => m.object);
    const container = (name: string) =>
      objects.find((o) => o["kind"] === "Deployment" && o["metadata"].name === name)!["spec"].template.spec.containers[0];
    assert.deepEqual(container("ad-api").readinessProbe.httpGet, { path: "/actuator/health/readiness", port: "http" });
    assert.deepEqual(container("ad-engine").readinessProbe.grpc, { port: 9090 });
    assert.deepEqual(container("budget-store").readinessProbe.tcpSocket, { port: "store" });
    assert.deepEqual(container("budget-store").livenessProbe.exec.command, ["/app/bin/budget-store-cli", "ping"]);
    const worker = container("impression-counter");
    assert.equal(worker.ports, undefined);
    assert.equal(worker.readinessProbe, undefined);
    assert.deepEqual(worker.livenessProbe.exec.command, ["/app/bin/counter", "--check"]);
    assert.ok(!objects.some((o) => o["kind"] === "Service" && o["metadata"].name === "impression-counter"), "a worker has no Service");
  });
});
