/**
 * Runs the plan command as a user does (a separate process), for end-to-end tests.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { format, inspect } from "node:util";
import YAML from "yaml";
import type { PlanDiff } from "../tools/plan/diff";
import type { PlanDocument } from "../tools/plan/plan";

export const REPO = path.resolve(__dirname, "..");

export interface PlanCommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outDir: string;
  plan(): PlanDocument;
  /** Manifests in file order, parsed. */
  manifests(): Array<{ file: string; object: Record<string, any> }>;
}

/** The Node.js flags and script of `npm run plan` (package.json), run here without npm. */
const PLAN_COMMAND = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: { plan: string } }).scripts.plan
  .split(" ")
  .slice(1);

/** `npm run plan -- <args>` with a fresh output directory (and variables added to the environment). */
export function runPlan(
  args: readonly string[],
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-")),
  env: NodeJS.ProcessEnv = {},
): PlanCommandResult {
  const res = spawnSync(process.execPath, [...PLAN_COMMAND, ...args, "--out", outDir], {
    cwd: REPO,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  return result(res.status, res.stdout, res.stderr, outDir);
}

/**
 * `npm run plan -- <args>` through the command's exported main, in the test's own process: the same
 * exit status, stdout, stderr and output folder as the command, without the second or two a fresh
 * process spends loading the program. For the tests about what a plan says; the command as a process
 * (its Node.js flags, exit status and output) is tested in test/tools/planCli.test.ts, and the
 * committed stacks are planned as processes (plannedStack). Runs are serialised: the command changes
 * the working directory for the program and turns stack traces off, which this puts back after it.
 */
export function planInProcess(
  args: readonly string[],
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-")),
): Promise<PlanCommandResult> {
  const run = planQueue.then(() => planHere([...args, "--out", outDir]));
  planQueue = run.then(
    () => undefined,
    () => undefined,
  );
  return run.then(({ status, stdout, stderr }) => result(status, stdout, stderr, outDir));
}

let planQueue: Promise<unknown> = Promise.resolve();

async function planHere(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  // Loaded on the first in-process plan only: most test files that plan do it as a process.
  const { main } = require("../tools/plan/cli") as typeof import("../tools/plan/cli");
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = console.log;
  const error = console.error;
  const stackTraceLimit = Error.stackTraceLimit;
  const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ?? true;
  const cwd = process.cwd();
  console.log = (...a: unknown[]) => stdout.push(`${format(...a)}\n`);
  console.error = (...a: unknown[]) => stderr.push(`${format(...a)}\n`);
  let status: number;
  try {
    status = await main(argv);
  } catch (err) {
    // As the command's process does with what its main throws.
    stderr.push(`${inspect(err)}\n`);
    status = 1;
  } finally {
    console.log = log;
    console.error = error;
    Error.stackTraceLimit = stackTraceLimit;
    process.setSourceMapsEnabled(sourceMaps);
    process.chdir(cwd);
  }
  return { status, stdout: stdout.join(""), stderr: stderr.join("") };
}

function result(status: number | null, stdout: string, stderr: string, outDir: string): PlanCommandResult {
  return {
    status,
    stdout,
    stderr,
    outDir,
    plan: () => JSON.parse(fs.readFileSync(path.join(outDir, "plan.json"), "utf8")) as PlanDocument,
    manifests: () => {
      const dir = path.join(outDir, "manifests");
      return fs
        .readdirSync(dir)
        .sort()
        .map((file) => ({ file, object: YAML.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Record<string, any> }));
    },
  };
}

const planned = new Map<string, PlanCommandResult>();

/**
 * `npm run plan -- <stack>` for one of the repository's stacks, as it is, planned once per test run
 * and shared by every test that reads it: its output folder is for reading only (plan into another
 * folder, with --previous, to compare). The test runner (tools/test/run.mjs) names a folder in
 * ACK_TEST_PLANS that the test files, each a process of its own, share: the first to need a stack
 * plans it while the others wait for it. Without it, the plan is shared within the process.
 */
export function plannedStack(stack: string): PlanCommandResult {
  const known = planned.get(stack);
  if (known) return known;
  const shared = process.env["ACK_TEST_PLANS"];
  let res: PlanCommandResult;
  if (!shared) {
    res = runPlan([stack]);
  } else {
    const outDir = path.join(shared, stack);
    const done = path.join(shared, `${stack}.result.json`);
    let mine = false;
    try {
      fs.mkdirSync(path.join(shared, `${stack}.lock`));
      mine = true;
    } catch {
      // another test file plans it
    }
    if (mine) {
      const own = runPlan([stack], outDir);
      fs.writeFileSync(`${done}.new`, JSON.stringify({ status: own.status, stdout: own.stdout, stderr: own.stderr }));
      fs.renameSync(`${done}.new`, done);
    } else {
      // A plan takes seconds; should the test file planning it die, this one gives up after ten minutes.
      const wait = new Int32Array(new SharedArrayBuffer(4));
      for (const until = Date.now() + 600_000; !fs.existsSync(done); Atomics.wait(wait, 0, 0, 100)) {
        if (Date.now() > until) throw new Error(`the shared plan of ${stack} in ${outDir} never finished`);
      }
    }
    const { status, stdout, stderr } = JSON.parse(fs.readFileSync(done, "utf8")) as {
      status: number | null;
      stdout: string;
      stderr: string;
    };
    res = result(status, stdout, stderr, outDir);
  }
  planned.set(stack, res);
  return res;
}

/** The diff.json a plan with --previous wrote. */
export function diffOf(res: PlanCommandResult): PlanDiff {
  return JSON.parse(fs.readFileSync(path.join(res.outDir, "diff.json"), "utf8")) as PlanDiff;
}

/** Every Pulumi.<stack>.yaml of the repository. */
export function repositoryStacks(): string[] {
  return fs
    .readdirSync(REPO)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** A copy of the repository's project (Pulumi.yaml, one stack file, the services) to edit freely. */
export function copyOfProject(stack = "prod"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${stack}-copy-`));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ack-platform\nruntime: nodejs\nmain: ${path.join(REPO, "stacks")}\n`);
  fs.copyFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
  if (fs.existsSync(path.join(REPO, "services"))) fs.symlinkSync(path.join(REPO, "services"), path.join(dir, "services"));
  return dir;
}
