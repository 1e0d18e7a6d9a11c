import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertValidObjects } from "../kubernetesSchemas";
import { repositoryStacks, runPlan } from "../planRunner";

describe("every stack of the repository plans", () => {
  for (const stack of repositoryStacks()) {
    it(`plans ${stack}, with every Kubernetes object valid against the API schemas`, async () => {
      const res = runPlan([stack]);
      assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
      const plan = res.plan();
      assert.equal(plan.stack, stack);
      await assertValidObjects(res.manifests().map((m) => m.object));
      const violations = plan.policy.violations.filter((v) => v.level === "mandatory");
      assert.deepEqual(violations, [], "no mandatory policy violation");
    });
  }
});
