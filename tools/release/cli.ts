/**
 * npm run release -- <stack> <service> --weight N | --promote | --rollback | --legacy-weight N | --retire-legacy
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
 *
 * Every step that gives a track more traffic raises its capacity floor first, and the route waits
 * for the floor's pods to be ready within the same `pulumi up`; the output says how many.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { canaryCapacity, stableCapacity, trafficSplit } from "../../components/workload/release";
import { ConfigError, type EnvironmentConfig, parseEnvironmentConfig, rawStackConfig } from "../../stacks/config";
import { parseStackText, readProject, stackFilePath, StackFileError } from "../plan/stackFiles";
import { editRelease, type ReleaseAction, ReleaseError } from "./edit";
import { StackWriteError, writeStackFile } from "./write";

const USAGE =
  "usage: npm run release -- <stack> <service> (--weight N | --promote | --rollback | --legacy-weight N | --retire-legacy) [--project DIR]";

function actionOf(values: Record<string, string | boolean | undefined>): ReleaseAction | string {
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

/** Runs the command; `write` replaces the stack file (tests pass one that fails). */
export function main(argv: string[], write: (file: string, text: string) => void = writeStackFile): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        weight: { type: "string" },
        promote: { type: "boolean" },
        rollback: { type: "boolean" },
        "legacy-weight": { type: "string" },
        "retire-legacy": { type: "boolean" },
        project: { type: "string", default: "." },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
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
    const parse = (text: string) => {
      const parsed = parseStackText(project, stack, file, text);
      const secret = new Set(parsed.secretKeys);
      return parseEnvironmentConfig(
        rawStackConfig(project.name, stack, parsed.config, (k) => secret.has(k)),
        project.dir,
      );
    };
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
    write(file, after);
    const was = previous.services.find((s) => s.name === service)!;
    const now = next.services.find((s) => s.name === service);
    console.log(`${service} in ${stack}:`);
    console.log(`  before: ${describe(was)}`);
    if (now) {
      console.log(`  after:  ${describe(now)}`);
      console.log(`  capacity: ${capacity(now)}`);
    }
    for (const line of nextStep(stack, action, was, now)) console.log(line);
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

if (require.main === module) process.exit(main(process.argv.slice(2)));
