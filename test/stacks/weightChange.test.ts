import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { editRelease } from "../../tools/release/edit";
import { copyOfProject, diffOf, runPlan } from "../planRunner";

describe("a canary weight change in prod is a pure traffic change", () => {
  it("changes only the route and the canary's replicas: nothing added, removed, renamed or replaced", () => {
    const dir = copyOfProject("prod");
    const before = runPlan(["--project", dir, "prod"]);
    assert.equal(before.status, 0, before.stderr);
    const file = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(file, editRelease(fs.readFileSync(file, "utf8"), "ack-platform", "catalog", { kind: "weight", weight: 50 }));
    const after = runPlan(["--project", dir, "prod", "--previous", before.outDir]);
    assert.equal(after.status, 0, after.stderr);

    const a = before.plan().resources;
    const b = after.plan().resources;
    assert.deepEqual(
      b.map((r) => r.urn),
      a.map((r) => r.urn),
      "the same resources, in the same places",
    );
    const changed = a
      .filter((r, i) => JSON.stringify(r.inputs) !== JSON.stringify(b[i]!.inputs) || r.protect !== b[i]!.protect)
      .map((r) => r.name);
    assert.deepEqual(changed.sort(), ["catalog-canary-hpa", "catalog-route"]);
    // What pulumi up would do, as the providers compare: two updates, nothing else.
    const diff = diffOf(after);
    assert.deepEqual(
      { added: diff.added, removed: diff.removed, replaced: diff.replaced, ignored: diff.ignored },
      { added: [], removed: [], replaced: [], ignored: [] },
    );
    assert.deepEqual(diff.updated.map((u) => [u.urn.split("::").pop(), u.fields]).sort(), [
      ["catalog-canary-hpa", ["spec"]],
      ["catalog-route", ["spec"]],
    ]);
    assert.match(after.stdout, /: 0 to replace, 0 to delete, 0 to create, 2 to update\n {2}update:\n/);
    const route = b.find((r) => r.name === "catalog-route")!.inputs as any;
    assert.deepEqual(
      route.spec.rules.at(-1).backendRefs.map((x: any) => [x.name, x.weight]),
      [
        ["catalog", 50],
        ["catalog-canary", 50],
      ],
    );
  });
});
