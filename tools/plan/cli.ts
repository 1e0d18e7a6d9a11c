/**
 * npm run plan -- <stack> [--out DIR] [--project DIR] [--stack-reference NAME=DIR] [--registry-contents FILE] [--previous DIR] [--trace]
 *
 * Shows what `pulumi up --stack <stack>` would create, with no cloud account and no Pulumi CLI; with
 * --previous, what it would change in a stack whose state is that earlier plan (diff.json).
 * Exit status: 0 planned; 2 the stack's config is invalid (nothing was declared), or --previous names
 * no plan of this stack; 1 the program failed, or a mandatory policy is violated.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { skipDiagnostics } from "./engine";
import { planStack, PreviousPlanError, summarize, summarizeDiff } from "./plan";
import { PolicySettingsError } from "../../policies/config";
import { formatPolicyReport, PolicyPackConfigError } from "./policy";
import { listStacks, StackFileError } from "./stackFiles";

const USAGE =
  "usage: npm run plan -- <stack> [--out DIR] [--project DIR] [--stack-reference org/project/stack=DIR] [--registry-contents FILE] [--previous DIR] [--trace]";

function isConfigError(err: unknown): err is Error & { problems?: unknown } {
  return (
    err instanceof StackFileError ||
    err instanceof PolicySettingsError ||
    err instanceof PolicyPackConfigError ||
    err instanceof PreviousPlanError ||
    (err instanceof Error && err.name === "ConfigError")
  );
}

/** Runs the command with the arguments that follow `npm run plan --`; resolves to its exit status. */
export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        project: { type: "string", default: "." },
        "stack-reference": { type: "string", multiple: true, default: [] },
        "registry-contents": { type: "string" },
        previous: { type: "string" },
        trace: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const projectDir = path.resolve(args.values.project);
  if (args.values.help || args.positionals.length !== 1) {
    const stacks = (() => {
      try {
        return listStacks(projectDir).join(", ");
      } catch {
        return "none";
      }
    })();
    console.error(`${USAGE}\nstacks in ${projectDir}: ${stacks}`);
    return args.values.help ? 0 : 2;
  }
  const stackReferences: Record<string, string> = {};
  for (const ref of args.values["stack-reference"]) {
    const [name, dir] = ref.split("=");
    if (!name || !dir) {
      console.error(`--stack-reference ${ref}: expected NAME=DIR\n${USAGE}`);
      return 2;
    }
    stackReferences[name] = path.resolve(dir);
  }
  // Stack traces cost a third of a large plan's time (the SDK captures one per promise, and one of
  // unlimited depth per resource, mapped through the TypeScript source maps); they are only worth it
  // when a program fails, so --trace turns them back on.
  if (!args.values.trace) {
    Error.stackTraceLimit = 0;
    process.setSourceMapsEnabled(false);
  }
  skipDiagnostics(!args.values.trace);

  const started = Date.now();
  try {
    const result = await planStack({
      projectDir,
      stack: args.positionals[0]!,
      ...(args.values.out ? { outDir: path.resolve(args.values.out) } : {}),
      stackReferences,
      ...(args.values["registry-contents"] ? { registryContentsFile: args.values["registry-contents"] } : {}),
      ...(args.values.previous ? { previousDir: path.resolve(args.values.previous) } : {}),
    });
    console.log(summarize(result));
    const diff = summarizeDiff(result);
    if (diff) console.log(diff);
    const configFile = path.relative(process.cwd(), path.join(result.outDir, "policy-config.json"));
    console.log(formatPolicyReport(result.document.policy, result.policySettings, configFile));
    console.log(`  planned in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const mandatory = result.document.policy.violations.filter((v) => v.level === "mandatory");
    if (mandatory.length > 0) {
      const rules = [...new Set(mandatory.map((v) => v.policy))].join(", ");
      console.error(
        `${mandatory.length} mandatory policy violation${mandatory.length === 1 ? "" : "s"} (${rules}): pulumi up would refuse this stack`,
      );
      return 1;
    }
    return 0;
  } catch (err) {
    if (isConfigError(err)) {
      console.error(err.message);
      return 2;
    }
    const e = err as Error;
    console.error(`the program failed: ${e.message}`);
    if (args.values.trace) console.error(e.stack);
    else console.error("(run again with --trace for a stack trace)");
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
