/**
 * docs/cloud.md restates the cloud components' API: their args with defaults, their outputs.
 */
import { describe, it } from "node:test";
import { assertApiTables } from "./apiTables";

describe("docs/cloud.md", () => {
  it("lists each component's args with the defaults the source documents, and its outputs", () => {
    assertApiTables("docs/cloud.md", [
      { heading: "Network", kind: "arg", file: "components/cloud/network.ts", declaration: "NetworkArgs" },
      { heading: "Network", kind: "output", file: "components/cloud/network.ts", declaration: "Network" },
      { heading: "An existing VPC", kind: "arg", file: "components/cloud/existingNetwork.ts", declaration: "ExistingNetworkArgs" },
      { heading: "An existing VPC", kind: "output", file: "components/cloud/existingNetwork.ts", declaration: "ExistingNetwork" },
      { heading: "Cluster", kind: "arg", file: "components/cloud/cluster.ts", declaration: "ClusterArgs" },
      { heading: "Node pools", kind: "arg", file: "components/cloud/nodePoolPlan.ts", declaration: "NodePoolSettings" },
      { heading: "Cluster outputs", kind: "output", file: "components/cloud/cluster.ts", declaration: "Cluster" },
      { heading: "Registry", kind: "arg", file: "components/cloud/registry.ts", declaration: "RegistryArgs" },
      { heading: "Registry", kind: "output", file: "components/cloud/registry.ts", declaration: "Registry" },
      { heading: "RegistryMirror", kind: "arg", file: "components/cloud/registryMirror.ts", declaration: "RegistryMirrorArgs" },
      { heading: "RegistryMirror", kind: "output", file: "components/cloud/registryMirror.ts", declaration: "RegistryMirror" },
      { heading: "ServiceImage", kind: "arg", file: "components/cloud/serviceImage.ts", declaration: "ServiceImageArgs" },
      { heading: "ServiceImage", kind: "output", file: "components/cloud/serviceImage.ts", declaration: "ServiceImage" },
      {
        heading: "Account prerequisites",
        kind: "arg",
        file: "components/cloud/prerequisites.ts",
        declaration: "AccountPrerequisitesArgs",
      },
      { heading: "Account prerequisites", kind: "output", file: "components/cloud/prerequisites.ts", declaration: "AccountPrerequisites" },
    ]);
  });
});
