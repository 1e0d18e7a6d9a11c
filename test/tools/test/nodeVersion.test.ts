import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { isSupported } from "../../../tools/test/nodeVersion.mjs";
import { REPO } from "../../planRunner";

describe("supported Node.js versions", () => {
  for (const [version, supported] of [
    ["20.19.0", true],
    ["20.20.2", true],
    ["v22.13.0", true],
    ["22.23.3", true],
    ["24.1.0", true],
    ["26.0.0", true],
    ["20.18.3", false],
    ["21.7.3", false],
    ["22.12.0", false],
    ["18.20.8", false],
  ] as const) {
    it(`${version} is ${supported ? "" : "not "}supported`, () => assert.equal(isSupported(version), supported));
  }

  it("an unsupported Node gets one line naming the versions needed and the one found", () => {
    const res = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { requireSupportedNode } from "./tools/test/nodeVersion.mjs"; requireSupportedNode("the tests", "18.20.8");`,
      ],
      { cwd: REPO, encoding: "utf8" },
    );
    assert.equal(res.status, 1);
    assert.equal(res.stderr.trim().split("\n").length, 1);
    assert.match(res.stderr, /need Node\.js \^20\.19\.0 \|\| >=22\.13\.0; this is Node\.js 18\.20\.8/);
  });

  it("the test runner lists the files itself and refuses a path that does not exist", () => {
    const res = spawnSync(process.execPath, ["tools/test/run.mjs", "test/no-such-folder"], { cwd: REPO, encoding: "utf8" });
    assert.equal(res.status, 2);
    assert.match(res.stderr, /test\/no-such-folder does not exist/);
  });
});
