/**
 * Where tests live. A source file's test is at the matching path under test/:
 * `components/platform/gateway.ts` → `test/components/platform/gateway.test.ts`,
 * `docs/platform.md` → `test/docs/platform.test.ts`, the folder `examples/app-team/` →
 * `test/examples/app-team.test.ts`, a test helper `test/promql.ts` → `test/promql.test.ts`.
 * Tests of the product as a whole (every stack plans, a release step by step, the docs' links) are
 * about no one file: they live in test/scenarios/.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const SCENARIOS = "test/scenarios/";
const SOURCE_FORMS = ["", ".ts", ".mts", ".mjs", ".cjs", ".js", ".md", "/index.ts"];

/** The test files (paths relative to `repo`, with forward slashes) that match no source, helper or scenario. */
export function misplacedTests(repo, files) {
  return files.filter((file) => {
    const posix = file.split(path.sep).join("/");
    if (posix.startsWith(SCENARIOS)) return false;
    const subject = posix.replace(/^test\//, "").replace(/\.test\.ts$/, "");
    const candidates = [...SOURCE_FORMS.map((form) => subject + form), `test/${subject}.ts`];
    return !candidates.some((candidate) => fs.existsSync(path.join(repo, candidate)));
  });
}
