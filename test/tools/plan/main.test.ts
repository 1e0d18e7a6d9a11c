import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { plannedStack, runPlan } from "../../planRunner";

describe("the plan command's entry point", () => {
  it("plans as usual when NODE_OPTIONS makes Node load the main file as an ES module (--import)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-import-"));
    const preload = path.join(dir, "preload.mjs");
    fs.writeFileSync(preload, "export {};\n");
    const res = runPlan(["dev"], path.join(dir, "out"), { NODE_OPTIONS: `--import ${preload}` });
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(res.plan(), plannedStack("dev").plan());
  });
});
