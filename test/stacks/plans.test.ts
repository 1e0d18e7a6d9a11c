import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { KNOWN_TYPES } from "../../tools/plan/replacements";
import { assertValidObjects } from "../kubernetesSchemas";
import { diffOf, repositoryStacks, runPlan } from "../planRunner";

describe("every stack of the repository plans", () => {
  for (const stack of repositoryStacks()) {
    it(`plans ${stack}, with every Kubernetes object valid against the API schemas; planned again, pulumi up would change nothing`, async () => {
      const res = runPlan([stack]);
      assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
      const plan = res.plan();
      assert.equal(plan.stack, stack);
      await assertValidObjects(res.manifests().map((m) => m.object));
      const violations = plan.policy.violations.filter((v) => v.level === "mandatory");
      assert.deepEqual(violations, [], "no mandatory policy violation");

      // Every cloud and cluster resource type the stack declares has its replacement rules listed.
      const custom = plan.resources.filter((r) => r.state !== null).map((r) => r.type);
      assert.deepEqual(
        [...new Set(custom.filter((t) => !KNOWN_TYPES.has(t)))],
        [],
        "types missing from tools/plan/replacements.ts (add them with their provider's ForceNew fields)",
      );

      // The second `pulumi up`: the same program against the state the first one left is a no-op,
      // and the emulated state is the same byte for byte (nothing depends on time or run order).
      const again = runPlan([stack, "--previous", res.outDir]);
      assert.equal(again.status, 0, `${again.stdout}\n${again.stderr}`);
      assert.deepEqual(diffOf(again), { added: [], removed: [], updated: [], replaced: [], ignored: [] });
      assert.match(again.stdout, /no changes; pulumi up would change nothing\./);
      assert.equal(
        fs.readFileSync(path.join(again.outDir, "plan.json"), "utf8"),
        fs.readFileSync(path.join(res.outDir, "plan.json"), "utf8"),
        "a plan is deterministic",
      );
    });
  }
});
