import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import fc from "fast-check";
import { engineUrn, structCopy } from "../../../tools/plan/engine";
import { kubernetesEmulator, waitForProblem } from "../../../tools/plan/mocks/kubernetes";
import { render, testProvider } from "../../harness";

class Box extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("ack-platform:test:Box", name, {}, opts);
    new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: { name }, data: { a: "b" } }, { parent: this });
    this.registerOutputs({});
  }
}

describe("offline engine", () => {
  it("records what the engine would receive: URNs, parents, providers, dependencies and options", async () => {
    const out = await render(() => {
      const provider = testProvider();
      const box = new Box("box", { provider });
      const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: "apps" } }, { provider, protect: true, dependsOn: [box] });
      new k8s.core.v1.Secret(
        "secret",
        { metadata: { name: "s", namespace: ns.metadata.name }, stringData: { password: pulumi.secret("hunter2") } },
        { provider, retainOnDelete: true },
      );
      return { namespace: ns.metadata.name, token: pulumi.secret("t0ken") };
    });
    const box = out.named("box");
    assert.equal(box.urn, "urn:pulumi:test::ack-platform::ack-platform:test:Box::box");
    assert.equal(box.custom, false);
    const config = out.named("box-config");
    assert.equal(config.urn, "urn:pulumi:test::ack-platform::ack-platform:test:Box$kubernetes:core/v1:ConfigMap::box-config");
    assert.equal(config.parent, box.urn);
    assert.equal(config.provider, "urn:pulumi:test::ack-platform::pulumi:providers:kubernetes::test");

    const ns = out.named("ns");
    assert.equal(ns.protect, true);
    assert.equal(ns.retainOnDelete, false);
    assert.deepEqual(ns.dependsOn, [config.urn], "depending on a component means depending on its children");

    const secret = out.named("secret");
    assert.equal(secret.retainOnDelete, true);
    assert.deepEqual(secret.dependsOn, [ns.urn], "an Output input is an implicit dependency");
    assert.equal(secret.inputs["stringData"], "[secret]");
    assert.ok(!JSON.stringify(out.resources).includes("hunter2"), "a secret never appears in clear");
    assert.deepEqual(out.outputs, { namespace: "apps", token: "[secret]" });
  });

  it("records what the emulated provider answered: the id and the state of custom resources, nothing for components", async () => {
    const out = await render(() => {
      const provider = testProvider();
      new Box("box", { provider });
      new k8s.core.v1.Secret("secret", { metadata: { name: "s" }, stringData: { password: pulumi.secret("hunter2") } }, { provider });
      new random.RandomPassword("password", { length: 24 });
    });
    assert.equal(out.named("box").id, undefined);
    assert.equal(out.named("box").state, undefined);
    const config = out.named("box-config");
    assert.equal(config.id, "box");
    assert.deepEqual(config.state, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "box", uid: (config.state!["metadata"] as { uid: string }).uid },
      data: { a: "b" },
    });
    assert.match((config.state!["metadata"] as { uid: string }).uid, /^[0-9a-f]{8}-/);
    assert.equal(out.named("secret").state!["stringData"], "[secret]");
    const password = out.named("password").state!;
    assert.deepEqual(
      [password["length"], password["result"], password["bcryptHash"]],
      [24, "[secret]", "[secret]"],
      "outputs the SDK declares secret (additionalSecretOutputs) are masked in the state",
    );
    assert.ok(!JSON.stringify(out.resources).includes("hunter2"), "a secret never appears in clear, in the state either");
  });

  it("records the options that change a comparison with the previous state: aliases (with the parent's), ignoreChanges, replaceOnChanges", async () => {
    const out = await render(() => {
      const provider = testProvider();
      const box = new Box("box", { provider, aliases: [{ type: "ack-platform:test:OldBox" }] });
      new k8s.core.v1.Namespace(
        "ns",
        { metadata: { name: "apps" } },
        {
          provider,
          parent: box,
          aliases: [{ name: "old-ns" }],
          ignoreChanges: ["metadata.labels"],
          replaceOnChanges: ["metadata.annotations"],
        },
      );
    });
    assert.deepEqual(out.named("box").diffOptions, { aliases: ["urn:pulumi:test::ack-platform::ack-platform:test:OldBox::box"] });
    assert.deepEqual(
      out.named("box-config").diffOptions,
      { aliases: ["urn:pulumi:test::ack-platform::ack-platform:test:OldBox$kubernetes:core/v1:ConfigMap::box-config"] },
      "a child is also known by its name under each of its parent's former URNs",
    );
    assert.deepEqual(out.named("ns").diffOptions, {
      aliases: [
        "urn:pulumi:test::ack-platform::ack-platform:test:Box$kubernetes:core/v1:Namespace::old-ns",
        "urn:pulumi:test::ack-platform::ack-platform:test:OldBox$kubernetes:core/v1:Namespace::ns",
      ],
      ignoreChanges: ["metadata.labels"],
      replaceOnChanges: ["metadata.annotations"],
    });
    assert.equal(out.named("box").custom, false);
  });

  it("refuses two resources with the same URN, as pulumi up would", async () => {
    await assert.rejects(
      render(() => {
        new Box("twin");
        new Box("twin");
      }),
      /two resources have the URN urn:pulumi:test::ack-platform::ack-platform:test:Box::twin/,
    );
  });

  it("fails on an invoke it does not emulate instead of inventing an answer", async () => {
    await assert.rejects(
      render(async () => {
        await pulumi.runtime.invoke("example:index:getNothing", {});
      }),
      /does not emulate the invoke 'example:index:getNothing'/,
    );
  });

  it("passes a program's own error through", async () => {
    await assert.rejects(
      render(() => {
        throw new Error("boom");
      }),
      /boom/,
    );
  });

  it("qualifies URNs by ancestor types but not by the root stack", () => {
    const root = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s";
    const parent = engineUrn("s", "p", root, "a:b:C", "c");
    assert.equal(parent, "urn:pulumi:s::p::a:b:C::c");
    assert.equal(engineUrn("s", "p", parent, "x:y:Z", "z"), "urn:pulumi:s::p::a:b:C$x:y:Z::z");
  });
});

describe("the Kubernetes emulator", () => {
  it("reads pulumi.com/waitFor as the provider does, and refuses what the provider would fail on", () => {
    assert.equal(waitForProblem("condition=DisruptionAllowed"), undefined);
    assert.equal(waitForProblem('["condition=Ready", "jsonpath={.status.phase}=Running"]'), undefined);
    assert.equal(waitForProblem("DisruptionAllowed"), 'expected a "jsonpath=" or "condition=" prefix, got "DisruptionAllowed"');
    assert.equal(waitForProblem("[]"), "at least one condition must be specified");
    const request = (annotations: Record<string, string>) => ({
      type: "kubernetes:policy/v1:PodDisruptionBudget",
      name: "gate",
      custom: true,
      inputs: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "gate", annotations }, spec: { minAvailable: 1 } },
    });
    const ctx = { project: "p", stack: "s", stackOutputs: () => undefined };
    assert.ok(kubernetesEmulator.resource(request({ "pulumi.com/waitFor": "condition=DisruptionAllowed" }), ctx));
    assert.throws(
      () => kubernetesEmulator.resource(request({ "pulumi.com/waitFor": "DisruptionAllowed" }), ctx),
      /gate: expected a "jsonpath=" or "condition=" prefix, got "DisruptionAllowed"/,
    );
  });
});

describe("structCopy", () => {
  const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as {
    Struct: { fromJavaScript(v: unknown): { toJavaScript(): unknown } };
  };
  const viaProtobuf = (v: unknown) => Struct.fromJavaScript(v).toJavaScript();

  it("gives what a protobuf Struct's round trip gives: the same values, keys in the same order", () => {
    const value = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 }));
    fc.assert(
      fc.property(value, (v) => {
        const copy = structCopy(v as Record<string, unknown>);
        assert.deepStrictEqual(copy, viaProtobuf(v));
        // deepStrictEqual does not compare key order: the written plan would.
        assert.equal(JSON.stringify(copy), JSON.stringify(viaProtobuf(v)));
        return copy !== v;
      }),
      { numRuns: 500 },
    );
  });

  it("refuses what protobuf refuses", () => {
    for (const bad of [{ a: undefined }, { a: () => 1 }, { a: [1, undefined] }, { a: { b: Symbol("s") } }]) {
      assert.throws(() => viaProtobuf(bad), /Unexpected struct type/);
      assert.throws(() => structCopy(bad as Record<string, unknown>), /Unexpected struct type/);
    }
  });
});
