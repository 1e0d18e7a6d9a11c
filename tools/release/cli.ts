/**
 * npm run release -- <stack> <service> --weight N | --promote | --rollback | --legacy-weight N | --retire-legacy
 * npm run release -- <stack> (<service> | --all) --advance --prometheus URL [--approve] [--timeout S]
 *
 * Changes one service's release settings in Pulumi.<stack>.yaml (nothing else in the file), checks
 * the result with the same schema the program uses, and says what to run next. An invalid result is
 * refused and the file is left as it was; a valid one replaces the file at once (write.ts), with its
 * mode and line endings, and a file that cannot be written is said so in one line (exit status 1).
 *
 *   --weight N         percent of the route's traffic on the canary (0 keeps the canary, without traffic)
 *   --promote          the next step of a promotion (three in all, one `pulumi up` each): the canary
 *                      takes all the traffic; the stable track takes its version over; the canary goes
 *   --rollback         the canary track goes; the stable version takes all the cluster's traffic
 *   --legacy-weight N  percent still sent to the legacy (VM) backends
 *   --retire-legacy    the legacy backends are removed from the route (at legacy weight 0)
 *   --advance          the next of the service's declared steps (canary.steps, legacy.steps), judged
 *                      from Prometheus (see advance.ts); --all: every service that declares steps;
 *                      --approve: a person approved the service's promotion
 *   --dry-run          print what would change, write nothing
 *
 * Every step that gives a track more traffic raises its capacity floor first, and the route waits
 * for the floor's pods to be ready within the same `pulumi up`; the output says how many.
 *
 * Exit status: 0 done (advanced); 1 Prometheus unreachable or its answer not understood; 2 bad
 * input, nothing written; 3 held (too little traffic, or a release the autopilot leaves alone);
 * 4 rolled back (a threshold breached); 5 a promotion awaits a person's approval; 70 an internal error.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { canaryCapacity, stableCapacity, trafficSplit } from "../../components/workload/release";
import { ConfigError, type EnvironmentConfig } from "../../stacks/config";
import { readProject, stackFilePath, StackFileError } from "../plan/stackFiles";
import { advance } from "./advance";
import { editRelease, type ReleaseAction, ReleaseError } from "./edit";
import { parseStackConfig } from "./stack";
import { StackWriteError, writeStackFile } from "./write";

const USAGE = [
  "usage: npm run release -- <stack> <service> (--weight N | --promote | --rollback | --legacy-weight N | --retire-legacy) [--dry-run] [--project DIR]",
  "       npm run release -- <stack> (<service> [--approve] | --all) --advance --prometheus URL [--timeout SECONDS] [--dry-run] [--project DIR]",
].join("\n");

/** How long one Prometheus query may take, unless --timeout says otherwise. */
const DEFAULT_TIMEOUT_SECONDS = 10;

function actionOf(values: Record<string, string | boolean | string[] | undefined>): ReleaseAction | string {
  const chosen = ["weight", "promote", "rollback", "legacy-weight", "retire-legacy"].filter(
    (k) => values[k] !== undefined && values[k] !== false,
  );
  if (chosen.length !== 1) return `give exactly one of --weight, --promote, --rollback, --legacy-weight, --retire-legacy`;
  const kind = chosen[0]!;
  if (kind === "weight" || kind === "legacy-weight") {
    const text = String(values[kind]);
    const weight = Number(text);
    // Only the form is checked here; the range is the schema's to refuse, with its usual message.
    if (!/^\d+$/.test(text)) return `--${kind} ${text} is not a whole number of percent`;
    return { kind, weight };
  }
  return { kind: kind as "promote" | "rollback" | "retire-legacy" };
}

type ServiceEntry = EnvironmentConfig["services"][number];

function describe(svc: ServiceEntry): string {
  const split = trafficSplit({ canary: svc.canary?.weight ?? 0, legacy: svc.legacy?.weight ?? 0 });
  const parts = [`stable ${svc.version} ${split.stable}%`];
  if (svc.canary)
    parts.push(
      `canary ${svc.canary.version} ${split.canary}%${svc.canary.header ? ` (and every request with the ${svc.canary.header.name} header)` : ""}`,
    );
  if (svc.legacy) parts.push(`legacy ${split.legacy}%`);
  return parts.join(", ");
}

/** The pods each track keeps ready, and which of them the route waits for. */
function capacity(svc: ServiceEntry): string {
  const scaling = { min: svc.replicas.min, max: svc.replicas.max ?? svc.replicas.min };
  const split = trafficSplit({ canary: svc.canary?.weight ?? 0, legacy: svc.legacy?.weight ?? 0 });
  const handover = svc.canary !== undefined && svc.canary.version === svc.version && split.canary === 0;
  const stable = stableCapacity(scaling, split.stable, svc.legacy !== undefined || handover);
  const parts = [`stable at least ${stable.floor} pod(s)${stable.gated ? " ready before the route moves" : ""}`];
  if (svc.canary) {
    const canary = canaryCapacity(scaling, split.canary, svc.canary.header !== undefined);
    parts.push(`canary at least ${canary.floor} pod(s)${canary.gated ? " ready before the route moves" : ""} (up to ${canary.max})`);
  }
  return parts.join("; ");
}

/** What the step just written does, and what comes next. */
function nextStep(stack: string, action: ReleaseAction, before: ServiceEntry, after: ServiceEntry | undefined): string[] {
  const service = before.name;
  const max = before.replicas.max ?? before.replicas.min;
  if (action.kind === "promote" && before.canary) {
    if (!after?.canary) {
      return [
        `promotion step 3 of 3: the canary track is removed; ${after?.version} serves on the stable track alone.`,
        "  Pulumi deletes the canary's objects at the end of the update, after the route has left them.",
      ];
    }
    if (after.canary.version === after.version) {
      return [
        `promotion step 2 of 3: the stable track rolls to ${after.version} at its full capacity (${max} pods), and the route`,
        "  sends it everyone only once that rollout is done (the canary keeps serving until then).",
        `  next, after this pulumi up: npm run release -- ${stack} ${service} --promote   (removes the canary)`,
      ];
    }
    const canary = canaryCapacity({ min: before.replicas.min, max }, after.canary.weight, after.canary.header !== undefined);
    return [
      `promotion step 1 of 3: the canary takes all the traffic the cluster serves, once its ${canary.floor} pods (that share of`,
      "  the stable peak) are ready: the route waits for them in the same pulumi up.",
      `  next, after this pulumi up and a look at its error rate: npm run release -- ${stack} ${service} --promote`,
      `  (the stable track then takes ${before.canary.version} over, at full capacity, before it gets the traffic back)`,
    ];
  }
  if (action.kind === "rollback")
    return ["rollback: the route sends everything to the stable track at once; the canary's objects go after it."];
  if (action.kind === "retire-legacy")
    return ["the legacy backends leave the route; their Service, EndpointSlices and health check go after it."];
  return [];
}

/** The command line's options (the CI workflow in examples/ is checked against them). */
export const OPTIONS = {
  weight: { type: "string" },
  promote: { type: "boolean" },
  rollback: { type: "boolean" },
  "legacy-weight": { type: "string" },
  "retire-legacy": { type: "boolean" },
  advance: { type: "boolean" },
  all: { type: "boolean" },
  prometheus: { type: "string" },
  approve: { type: "boolean" },
  timeout: { type: "string" },
  "dry-run": { type: "boolean" },
  project: { type: "string", default: "." },
} as const;

/** Runs the command; `write` replaces the stack file (tests pass one that fails). */
export async function main(argv: string[], write: (file: string, text: string) => void = writeStackFile): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const dryRun = args.values["dry-run"] === true;
  if (args.values.advance) return advanceCommand(args.positionals, args.values, dryRun);
  for (const flag of ["all", "prometheus", "approve", "timeout"] as const) {
    if (args.values[flag] !== undefined) {
      console.error(`--${flag} goes with --advance\n${USAGE}`);
      return 2;
    }
  }
  const [stack, service] = args.positionals;
  const action = actionOf(args.values);
  if (!stack || !service || args.positionals.length !== 2 || typeof action === "string") {
    console.error(`${typeof action === "string" && stack && service ? `${action}\n` : ""}${USAGE}`);
    return 2;
  }
  try {
    const project = readProject(path.resolve(args.values.project));
    const file = stackFilePath(project, stack);
    let before: string;
    try {
      before = fs.readFileSync(file, "utf8");
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      console.error(
        `cannot read ${path.relative(process.cwd(), file) || file}: ${e.code === "EACCES" ? "permission denied" : e.message} (${e.code})`,
      );
      return 1;
    }
    const after = editRelease(before, project.name, service, action);
    const parse = (text: string) => parseStackConfig(project, stack, file, text);
    const previous = parse(before);
    let next: EnvironmentConfig;
    try {
      next = parse(after);
    } catch (err) {
      if (ConfigError.isInstance(err)) {
        console.error(`refused: the change would make the stack invalid; ${path.basename(file)} is unchanged.\n${err.message}`);
        return 2;
      }
      throw err;
    }
    if (!dryRun) write(file, after);
    const was = previous.services.find((s) => s.name === service)!;
    const now = next.services.find((s) => s.name === service);
    console.log(`${service} in ${stack}:`);
    console.log(`  before: ${describe(was)}`);
    if (now) {
      console.log(`  after:  ${describe(now)}`);
      console.log(`  capacity: ${capacity(now)}`);
    }
    for (const line of nextStep(stack, action, was, now)) console.log(line);
    if (dryRun) {
      console.log(`dry run: ${path.basename(file)} is unchanged`);
      return 0;
    }
    console.log(`updated ${path.relative(process.cwd(), file) || file}; now:`);
    console.log(`  npm run plan -- ${stack}        # review what changes (a weight moves the route, the autoscalers and the budgets)`);
    console.log(`  pulumi up --stack ${stack}`);
    return 0;
  } catch (err) {
    if (err instanceof ReleaseError || err instanceof StackFileError || ConfigError.isInstance(err)) {
      console.error(err.message);
      return 2;
    }
    // The file could not be written (read-only, full disk...): one line, and the file is as it was.
    if (err instanceof StackWriteError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
}

/** --advance: checks the command line, then judges and writes (advance.ts). */
async function advanceCommand(
  positionals: string[],
  values: { all?: boolean; prometheus?: string; approve?: boolean; timeout?: string; project: string } & Record<string, unknown>,
  dryRun: boolean,
): Promise<number> {
  const fail = (why: string) => {
    console.error(`${why}\n${USAGE}`);
    return 2;
  };
  const others = ["weight", "promote", "rollback", "legacy-weight", "retire-legacy"].filter((k) => values[k] !== undefined);
  if (others.length > 0) return fail(`--advance takes its step from the stack file; it does not go with --${others[0]}`);
  const [stack, service] = positionals;
  const all = values.all === true;
  if (!stack || positionals.length !== (all ? 1 : 2))
    return fail(all ? "--all goes with a stack, and no service" : "give a stack and a service, or --all");
  if (all && values.approve) return fail("--approve names one service: a person approves one promotion at a time");
  if (!values.prometheus) return fail("--advance needs --prometheus URL: the Prometheus its steps are judged from");
  const timeout = Number(values.timeout ?? DEFAULT_TIMEOUT_SECONDS);
  if (!(timeout > 0 && timeout <= 600)) return fail(`--timeout ${values.timeout} is not a number of seconds between 0 and 600`);
  return advance({
    projectDir: values.project,
    stack,
    ...(service !== undefined ? { service } : {}),
    prometheus: values.prometheus,
    dryRun,
    approve: values.approve === true,
    timeoutMs: timeout * 1000,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(70); // EX_SOFTWARE: not to be read as one of the decisions above
    },
  );
}
