/**
 * The benchmark's baseline: registers Kubernetes objects with the plain @pulumi/kubernetes classes
 * under Pulumi's mock runtime with its usual mocks (a resource's state is its inputs), in a Pulumi
 * stack, as a small hand-written Pulumi program would — with Node's defaults and no TypeScript to
 * compile. It is what the plan is compared with.
 *
 *   node tools/bench/baseline.mjs <objects.json>
 *
 * objects.json: `[{ "name": "...", "object": { apiVersion, kind, metadata, ... } }, ...]`. Prints the
 * number of resources the mocks saw (the objects, the stack and the default provider).
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pulumi = require("@pulumi/pulumi");

let registered = 0;
await pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered++;
      return { id: `${args.name}_id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  "bench",
  "baseline",
  false,
);
const k8s = require("@pulumi/kubernetes");

/** The class of an object's kind: `apps/v1` Deployment is k8s.apps.v1.Deployment; a kind without one is a CustomResource. */
function classOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  const builtIn = group === "core" || !group.includes(".") || group.endsWith(".k8s.io");
  const Class = builtIn ? k8s[group.split(".")[0]]?.[version]?.[kind] : undefined;
  return typeof Class === "function" ? Class : k8s.apiextensions.CustomResource;
}

const objects = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
await pulumi.runtime.runInPulumiStack(async () => {
  for (const { name, object } of objects) {
    const Class = classOf(object.apiVersion, object.kind);
    new Class(name, object);
  }
  return {};
});
await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
console.log(JSON.stringify({ registered }));
