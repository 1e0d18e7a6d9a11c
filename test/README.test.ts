/**
 * The front page stays a front page: small enough to read, and its quick start is the two commands
 * a newcomer runs, each a script this package has.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readPage } from "./docs/markdown";

const packageJson = JSON.parse(readPage("package.json")) as { scripts: Record<string, string> };

describe("README.md", () => {
  const readme = readPage("README.md");

  it("is under 20 KB", () => {
    const bytes = Buffer.byteLength(readme, "utf8");
    assert.ok(bytes < 20_000, `README.md is ${bytes} bytes; move reference material to docs/`);
  });

  it("starts with the two set-up commands, and both are scripts of package.json", () => {
    const quickStart = /## Quick start\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme);
    assert.ok(quickStart, "a Quick start section with a sh block");
    assert.deepEqual(quickStart[1]!.trim().split("\n"), ["npm ci && npm run plan -- dev", "npm test"]);
    assert.ok(packageJson.scripts["plan"], "npm run plan");
    assert.ok(packageJson.scripts["test"], "npm test");
  });

  it("has the picture and a map of the docs", () => {
    assert.match(readme, /```mermaid\n/);
    for (const page of ["configuration", "cloud", "platform", "gray-release", "plan", "policies", "deploying", "development"]) {
      assert.ok(readme.includes(`(docs/${page}.md)`), `README.md links docs/${page}.md`);
    }
  });
});
