import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PlannedResource } from "../../../tools/plan/engine";
import { renderGraph } from "../../../tools/plan/graph";
import { collectManifests } from "../../../tools/plan/manifests";

const STACK = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s";
function resource(type: string, name: string, parent = STACK, inputs: Record<string, unknown> = {}, custom = true): PlannedResource {
  return {
    urn: `urn:pulumi:s::p::${type}::${name}`,
    type,
    name,
    parent,
    dependsOn: [],
    protect: false,
    retainOnDelete: false,
    custom,
    read: false,
    inputs,
  };
}
const k8s = (kind: string, apiVersion: string, name: string, namespace?: string, extra: Record<string, unknown> = {}) =>
  resource(`kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`, `${kind}-${name}`, STACK, {
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    ...extra,
  });

describe("manifests", () => {
  it("orders objects so kubectl apply -f works: namespaces, CRDs, config, workloads, routes, custom resources", () => {
    const files = collectManifests([
      k8s("HTTPRoute", "gateway.networking.k8s.io/v1", "orders", "apps"),
      k8s("Deployment", "apps/v1", "orders", "apps"),
      k8s("ServiceMonitor", "monitoring.coreos.com/v1", "orders", "apps"),
      k8s("Service", "v1", "orders", "apps"),
      k8s("CustomResourceDefinition", "apiextensions.k8s.io/v1", "things.example.com"),
      k8s("ConfigMap", "v1", "orders", "apps"),
      k8s("Namespace", "v1", "apps"),
      resource("kubernetes:helm.sh/v3:Release", "chart", STACK, { chart: "x" }),
    ]).map((m) => m.file);
    assert.deepEqual(files, [
      "00-namespace-apps.yaml",
      "01-customresourcedefinition-things.example.com.yaml",
      "05-configmap-apps-orders.yaml",
      "07-service-apps-orders.yaml",
      "08-deployment-apps-orders.yaml",
      "12-httproute-apps-orders.yaml",
      "13-servicemonitor-apps-orders.yaml",
    ]);
  });

  it("never writes Secret data in clear", () => {
    const [secret] = collectManifests([
      k8s("Secret", "v1", "db", "apps", { data: { password: "aHVudGVyMg==" }, stringData: { user: "admin" } }),
    ]);
    assert.deepEqual(secret!.object["stringData"], { password: "[secret]", user: "[secret]" });
    assert.equal(secret!.object["data"], undefined);
    assert.equal(secret!.object["metadata"].annotations, undefined);
  });

  it("keeps a wholly secret data map out of the file, as an empty map the API takes and a note", () => {
    for (const extra of [{ data: "[secret]" }, { stringData: "[secret]" }]) {
      const [secret] = collectManifests([k8s("Secret", "v1", "tls", "apps", extra)]);
      assert.deepEqual(secret!.object["stringData"], {}, JSON.stringify(extra));
      assert.equal(secret!.object["data"], undefined);
      assert.equal(secret!.object["metadata"].annotations["plan.ack-platform/data"], "withheld: secret");
      assert.equal(secret!.object["metadata"].name, "tls");
    }
  });

  it("refuses two objects that would be the same object", () => {
    assert.throws(
      () => collectManifests([k8s("Service", "v1", "a", "apps"), { ...k8s("Service", "v1", "a", "apps"), urn: "other" }]),
      /would be the same object/,
    );
  });
});

describe("graph", () => {
  it("draws components and counts their resources by kind", () => {
    const svc = resource("ack-platform:workload:Microservice", "orders", STACK, {}, false);
    const graph = renderGraph("p-s", [
      svc,
      resource("kubernetes:apps/v1:Deployment", "orders-stable", svc.urn),
      resource("kubernetes:apps/v1:Deployment", "orders-canary", svc.urn),
      resource("kubernetes:core/v1:Service", "orders", svc.urn),
    ]);
    assert.match(graph, /^flowchart LR/);
    const id = (label: string) => new RegExp(`(n\\d+)[[(]"${label}"[\\])]`).exec(graph)?.[1];
    const edge = (from: string, to: string) => graph.includes(`${id(from)} --> ${id(to)}`);
    assert.ok(edge("p-s", "orders: Microservice"), graph);
    assert.ok(edge("orders: Microservice", "Deployment ×2"), graph);
    assert.ok(edge("orders: Microservice", "Service: orders"), graph);
  });

  it("stays readable with hundreds of services: siblings of one type become one box", () => {
    const resources: PlannedResource[] = [];
    for (let i = 0; i < 300; i++) {
      const svc = resource("ack-platform:workload:Microservice", `svc-${i}`, STACK, {}, false);
      resources.push(
        svc,
        resource("kubernetes:apps/v1:Deployment", `svc-${i}-stable`, svc.urn),
        resource("kubernetes:core/v1:Service", `svc-${i}`, svc.urn),
      );
    }
    const graph = renderGraph("p-s", resources);
    assert.ok(graph.split("\n").length < 10, `expected a small graph, got ${graph.split("\n").length} lines`);
    assert.match(graph, /\[\["Microservice ×300 \(svc-0, svc-1, svc-2, …\)"\]\]/);
    assert.match(graph, /\["Deployment ×300"\]/);
  });
});
