import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { editRelease } from "../../tools/release/edit";
import { REPO, runPlan } from "../planRunner";

/** A copy of the repository's project (Pulumi.yaml, the prod stack, the services) to edit freely. */
function copyOfProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weight-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ack-platform\nruntime: nodejs\nmain: ${path.join(REPO, "stacks")}\n`);
  fs.copyFileSync(path.join(REPO, "Pulumi.prod.yaml"), path.join(dir, "Pulumi.prod.yaml"));
  if (fs.existsSync(path.join(REPO, "services"))) fs.symlinkSync(path.join(REPO, "services"), path.join(dir, "services"));
  return dir;
}

describe("a canary weight change in prod is a pure traffic change", () => {
  it("changes only the route and the canary's replicas: nothing added, removed, renamed or replaced", () => {
    const dir = copyOfProject();
    const before = runPlan(["--project", dir, "prod"]);
    assert.equal(before.status, 0, before.stderr);
    const file = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(file, editRelease(fs.readFileSync(file, "utf8"), "ack-platform", "catalog", { kind: "weight", weight: 50 }));
    const after = runPlan(["--project", dir, "prod"]);
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
