import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertValidObjects, schemaErrors } from "./kubernetesSchemas";

describe("Kubernetes schema validation", () => {
  it("accepts a valid object and names what is wrong with an invalid one", async () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } },
      },
    };
    assert.deepEqual(await schemaErrors(deployment), []);
    const broken = { ...deployment, spec: { ...deployment.spec, replicas: "three" } };
    const errors = await schemaErrors(broken);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /apps\/v1\/Deployment web: \/spec\/replicas must be integer/);
    await assert.rejects(assertValidObjects([broken]), /invalid Kubernetes objects/);
  });

  it("knows Gateway API and Prometheus Operator kinds, and refuses kinds it has no schema for", async () => {
    const route = {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "r" },
      spec: { parentRefs: [{ name: "platform" }], rules: [{ backendRefs: [{ name: "web", port: 80, weight: 90 }] }] },
    };
    assert.deepEqual(await schemaErrors(route), []);
    assert.deepEqual(
      await schemaErrors({
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: "m" },
        spec: { selector: {}, endpoints: [{ port: "http" }] },
      }),
      [],
    );
    assert.match(
      (await schemaErrors({ apiVersion: "example.com/v1", kind: "Thing", metadata: { name: "t" } }))[0]!,
      /no schema is known for example.com\/v1\/Thing/,
    );
  });
});
