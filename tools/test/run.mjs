/**
 * npm run test:unit [-- PATH ...]
 *
 * Runs the tests with Node's built-in runner. The test files are listed here, not by a glob given to
 * `node --test`: the runner's own glob exists only from Node 22, and this project supports Node 20.
 * PATH narrows the run to test files or folders (default: test/).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { misplacedTests, SCENARIOS } from "./layout.mjs";
import { requireSupportedNode } from "./nodeVersion.mjs";

requireSupportedNode("the tests");

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Every `*.test.ts` under `target` (a file or a folder), sorted, relative to the repository. */
export function testFiles(target) {
  const full = path.resolve(repo, target);
  if (!fs.existsSync(full)) {
    console.error(`${target} does not exist`);
    process.exit(2);
  }
  if (fs.statSync(full).isFile()) return [path.relative(repo, full)];
  return fs
    .readdirSync(full, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".test.ts") && !f.split(path.sep).includes("node_modules"))
    .map((f) => path.relative(repo, path.join(full, f)))
    .sort();
}

const targets = process.argv.slice(2);
const files = (targets.length > 0 ? targets : ["test"]).flatMap(testFiles);
if (files.length === 0) {
  console.error(`no test files under ${targets.join(", ") || "test"}`);
  process.exit(2);
}
const misplaced = misplacedTests(repo, files);
if (misplaced.length > 0) {
  console.error(`test files that match no source file (see tools/test/layout.mjs; whole-product tests go in ${SCENARIOS}):`);
  for (const file of misplaced) console.error(`  ${file}`);
  process.exit(2);
}
// The committed stacks' plans, shared by the test files that read them (test/planRunner.ts).
const plans = fs.mkdtempSync(path.join(os.tmpdir(), "ack-test-plans-"));
let result;
try {
  // Each test file is a process of its own, started as the plan command starts (tools/register.cjs).
  result = spawnSync(process.execPath, ["--require", path.join(repo, "tools/register.cjs"), "--test", "--test-concurrency=2", ...files], {
    cwd: repo,
    stdio: "inherit",
    env: { ...process.env, ACK_TEST_PLANS: plans },
  });
} finally {
  fs.rmSync(plans, { recursive: true, force: true });
}
process.exit(result.status ?? 1);
