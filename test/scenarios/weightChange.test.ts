import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { editRelease } from "../../tools/release/edit";
import { copyOfProject, diffOf, planInProcess, plannedStack } from "../planRunner";
import { planDiff } from "./planDiff";

describe("a canary weight change in prod is a pure traffic change", () => {
  it("updates the route, the canary's autoscaler and its capacity gate in place: nothing added, removed, renamed or replaced", async () => {
    const dir = copyOfProject();
    // The unchanged copy plans byte for byte as the repository's prod: the shared plan stands for it.
    const before = plannedStack("prod");
    assert.equal(before.status, 0, before.stderr);
    const file = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(file, editRelease(fs.readFileSync(file, "utf8"), "ack-platform", "catalog", { kind: "weight", weight: 50 }));
    const after = await planInProcess(["--project", dir, "prod", "--previous", before.outDir]);
    assert.equal(after.status, 0, after.stderr);

    const a = before.plan().resources;
    const b = after.plan().resources;
    assert.deepEqual(
      b.map((r) => r.urn),
      a.map((r) => r.urn),
      "the same resources, in the same places",
    );
    const diff = planDiff(a, b);
    assert.deepEqual(diff, {
      created: [],
      deleted: [],
      replaced: [],
      updated: ["catalog-canary-hpa", "catalog-canary-pdb", "catalog-route"],
    });
    const changedOptions = a.filter((r, i) => r.protect !== b[i]!.protect || r.retainOnDelete !== b[i]!.retainOnDelete);
    assert.deepEqual(changedOptions, []);
    // What pulumi up would do, as the providers compare (--previous): the same three updates, nothing else.
    const real = diffOf(after);
    assert.deepEqual(
      { added: real.added, removed: real.removed, replaced: real.replaced, ignored: real.ignored },
      { added: [], removed: [], replaced: [], ignored: [] },
    );
    assert.deepEqual(real.updated.map((u) => [u.urn.split("::").pop(), u.fields]).sort(), [
      ["catalog-canary-hpa", ["spec"]],
      ["catalog-canary-pdb", ["spec"]],
      ["catalog-route", ["spec"]],
    ]);
    assert.match(after.stdout, /: 0 to replace, 0 to delete, 0 to create, 3 to update\n {2}update:\n/);
    const route = b.find((r) => r.name === "catalog-route")!.inputs as any;
    assert.deepEqual(
      route.spec.rules.at(-1).backendRefs.map((x: any) => [x.name, x.weight]),
      [
        ["catalog", 50],
        ["catalog-canary", 50],
      ],
    );
    // Half of a 10-pod peak: the floor rises from 2 to 5 pods, and the route waits for them.
    const hpa = (plan: typeof a) => (plan.find((r) => r.name === "catalog-canary-hpa")!.inputs as any).spec;
    assert.deepEqual([hpa(a).minReplicas, hpa(b).minReplicas], [2, 5]);
    assert.equal((b.find((r) => r.name === "catalog-canary-pdb")!.inputs as any).spec.minAvailable, 4);
  });
});
