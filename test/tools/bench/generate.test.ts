import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { generatedProject } from "../../../tools/bench/generate";
import { planInProcess, REPO } from "../../planRunner";

describe("the benchmark's generated stacks", () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
  after(() => fs.rmSync(parent, { recursive: true, force: true }));

  it("a copy of prod with generated services plans without a config problem or a mandatory violation", async () => {
    const { dir, stack } = generatedProject(REPO, 6, parent);
    const plan = await planInProcess(["--project", dir, stack], path.join(dir, "out"));
    assert.equal(plan.status, 0, plan.stderr + plan.stdout);
    assert.match(plan.stdout, /0 mandatory and \d+ advisory violations/);
    for (const name of ["svc-000", "svc-005"]) {
      assert.ok(
        fs.readdirSync(path.join(dir, "out", "manifests")).some((f) => f.includes(name)),
        `no manifest of ${name}`,
      );
    }
  });
});
