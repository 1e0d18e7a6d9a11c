import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { deployPlatform } from "../../../stacks/layers/platform";
import type { CloudLayer } from "../../../stacks/layers/types";
import { deployWorkloads } from "../../../stacks/layers/workloads";
import { DEV, parseConfig } from "../configFixtures";
import { render, testProvider } from "../../harness";

describe("deployWorkloads", () => {
  it("declares one service at a time, letting each register before the next is declared", async () => {
    const names = ["orders", "payments", "search"];
    const env = parseConfig({
      ...DEV,
      services: names.map((name) => ({ name, version: "1.0.0", resources: { cpu: "100m", memory: "128Mi" } })),
    });
    const declared: string[] = [];
    let atFirst: string[] = [];
    const out = await render(async () => {
      // A stack transformation runs in each resource's constructor.
      pulumi.runtime.registerStackTransformation((args) => {
        if (args.type === "ack-platform:workload:Microservice") declared.push(args.name);
        return undefined;
      });
      const cloud: CloudLayer = {
        kubernetes: testProvider(),
        images: { server: "registry.example.com", namespace: "acme", builtImages: {} },
        zones: env.zones,
        outputs: {},
      };
      const workloads = deployWorkloads(env, cloud, deployPlatform(env, cloud));
      // Declared in one synchronous loop, every service's pending registrations would be held in
      // memory at once (480 MB live for 500 services): only the first is declared before it yields.
      atFirst = [...declared];
      return (await workloads).outputs;
    });
    assert.deepEqual(atFirst, ["orders"]);
    assert.deepEqual(declared, names);
    assert.deepEqual(Object.keys(out.outputs["services"] as object).sort(), names);
  });
});
