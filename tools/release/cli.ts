/**
 * npm run release -- <stack> <service> --weight N | --promote | --rollback | --legacy-weight N | --retire-legacy
 *
 * Changes one service's release settings in Pulumi.<stack>.yaml (nothing else in the file), checks
 * the result with the same schema the program uses, and says what to run next. An invalid result is
 * refused and the file is left as it was.
 *
 *   --weight N         percent of the route's traffic on the canary (0 keeps the canary, without traffic)
 *   --promote          the canary's version becomes the stable version; the canary track goes
 *   --rollback         the canary track goes; the stable version takes all the cluster's traffic
 *   --legacy-weight N  percent still sent to the legacy (VM) backends
 *   --retire-legacy    the legacy backends are removed from the route
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { trafficSplit } from "../../components/workload/release";
import { ConfigError, type EnvironmentConfig, parseEnvironmentConfig, rawStackConfig } from "../../stacks/config";
import { parseStackText, readProject, stackFilePath, StackFileError } from "../plan/stackFiles";
import { editRelease, type ReleaseAction, ReleaseError } from "./edit";

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

function describe(env: EnvironmentConfig, service: string): string {
  const svc = env.services.find((s) => s.name === service)!;
  const split = trafficSplit({ canary: svc.canary?.weight ?? 0, legacy: svc.legacy?.weight ?? 0 });
  const parts = [`stable ${svc.version} ${split.stable}%`];
  if (svc.canary)
    parts.push(
      `canary ${svc.canary.version} ${split.canary}%${svc.canary.header ? ` (and every request with ${svc.canary.header.name}: ${svc.canary.header.value})` : ""}`,
    );
  if (svc.legacy) parts.push(`legacy ${split.legacy}%`);
  return parts.join(", ");
}

export function main(argv: string[]): number {
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
    const before = fs.readFileSync(file, "utf8");
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
    fs.writeFileSync(file, after);
    console.log(`${service} in ${stack}:`);
    console.log(`  before: ${describe(previous, service)}`);
    if (next.services.some((s) => s.name === service)) console.log(`  after:  ${describe(next, service)}`);
    console.log(`updated ${path.relative(process.cwd(), file) || file}; next:`);
    console.log(`  npm run plan -- ${stack}        # review what changes (only routing and canary replicas for a weight)`);
    console.log(`  pulumi up --stack ${stack}`);
    return 0;
  } catch (err) {
    if (err instanceof ReleaseError || err instanceof StackFileError || ConfigError.isInstance(err)) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
