import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { misplacedTests } from "../../../tools/test/layout.mjs";
import { REPO } from "../../planRunner";

function allTests(): string[] {
  return fs
    .readdirSync(path.join(REPO, "test"), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => path.join("test", f));
}

describe("where tests live", () => {
  it("every test file of the repository is at the path of its source, beside a helper it tests, or a scenario", () => {
    const files = allTests();
    assert.ok(files.length > 100, `found only ${files.length} test files`);
    assert.deepEqual(misplacedTests(REPO, files), []);
  });

  it("matches sources of every kind: a TypeScript module, a folder's index, a doc page, an example folder, a test helper", () => {
    const placed = [
      "test/components/platform/gateway.test.ts",
      "test/stacks/config/index.test.ts",
      "test/docs/platform.test.ts",
      "test/examples/app-team.test.ts",
      "test/promql.test.ts",
      "test/tools/test/run.test.ts",
      "test/scenarios/anything.test.ts",
    ];
    assert.deepEqual(misplacedTests(REPO, placed), []);
  });

  it("reports a test whose source is elsewhere or missing", () => {
    const misplaced = [
      "test/components/cloud/platformLayer.test.ts",
      "test/policies/availability.test.ts",
      "test/examples/appTeam.test.ts",
    ];
    assert.deepEqual(misplacedTests(REPO, misplaced), misplaced);
  });

  it("the runner refuses to run a misplaced test file, naming it", () => {
    const stray = path.join(REPO, "test", "components", "strayLayout.test.ts");
    fs.writeFileSync(stray, 'import { it } from "node:test";\nit("runs", () => {});\n');
    try {
      const run = spawnSync(process.execPath, [path.join(REPO, "tools/test/run.mjs"), "test/components/strayLayout.test.ts"], {
        cwd: REPO,
        encoding: "utf8",
      });
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /test\/components\/strayLayout\.test\.ts/);
    } finally {
      fs.rmSync(stray, { force: true });
    }
  });
});
