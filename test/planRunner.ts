/**
 * Runs the plan command as a user does (a separate process), for end-to-end tests.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
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

/** `npm run plan -- <args>` with a fresh output directory. */
export function runPlan(args: readonly string[], outDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"))): PlanCommandResult {
  const res = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO, "tools/plan/cli.ts"), ...args, "--out", outDir], {
    cwd: REPO,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    status: res.status,
    stdout: res.stdout,
    stderr: res.stderr,
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
