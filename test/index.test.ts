import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as root from "ack-platform";
import * as cloud from "ack-platform/cloud";
import * as platform from "ack-platform/platform";
import * as workload from "ack-platform/workload";
import * as pkg from "ack-platform/package.json";
import { ENGINES_RANGE } from "../tools/test/nodeVersion.mjs";

// The package is imported by its own name, as another program imports it: the "exports" map is what resolves.
describe("the package's entry points", () => {
  it("give each layer's components by the package name", () => {
    for (const [entry, names] of [
      [cloud, ["Network", "Cluster", "Registry", "RegistryMirror", "ServiceImage", "planVswitches", "nodePoolSpec", "subscriptionSource"]],
      [
        platform,
        [
          "Gateway",
          "Logging",
          "Monitoring",
          "WorkloadNamespace",
          "envoyGatewayValues",
          "kubePrometheusStackValues",
          "mirroredImage",
          "chartSource",
        ],
      ],
      [workload, ["Microservice", "imageReference", "planMicroservice"]],
      [root, ["Microservice", "Network", "Cluster", "Registry", "ServiceImage", "Gateway", "Logging", "Monitoring", "WorkloadNamespace"]],
    ] as const) {
      for (const name of names) assert.equal(typeof (entry as Record<string, unknown>)[name], "function", name);
    }
  });

  it("root and layer entries are the same classes, so instanceof holds across them", () => {
    assert.equal(root.Cluster, cloud.Cluster);
    assert.equal(root.Gateway, platform.Gateway);
    assert.equal(root.Microservice, workload.Microservice);
  });

  it("exposes package.json, whose engines name the Node.js versions the commands accept", () => {
    assert.equal((pkg as { engines: { node: string } }).engines.node, ENGINES_RANGE);
  });
});
